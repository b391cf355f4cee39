"""How fast and how long a run may talk to the outside world.

* :class:`RateLimiter`: the minimum interval between two requests to one host
  (arXiv asks for 1 request / 3 s, Semantic Scholar allows 1 / s), shared by every
  source and thread of a run, so two clients do not make two streams of requests.
* :class:`PoliteAdapter`: the transport adapter that applies that interval, and a
  default timeout, at the moment a request really goes out.
* :class:`WaitBudget`: the total seconds a run may sleep between retries, so a cron run
  against a sick API ends instead of crawling for hours.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter

from ingest.errors import BudgetExhausted


def netloc(url: str) -> str:
    """The host[:port] of ``url`` in lower case: the key of every per-host setting."""
    return urlsplit(url).netloc.lower()


class RateLimiter:
    """Minimum interval between requests per host, shared by every thread of a run."""

    def __init__(self, intervals: Mapping[str, float]) -> None:
        self.intervals = {k.lower(): float(v) for k, v in intervals.items()}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        host = netloc(url)
        interval = self.intervals.get(host, 0.0)
        if interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            last = self._last.get(host)
            if last is not None and now - last < interval:
                time.sleep(interval - (now - last))
            self._last[host] = time.monotonic()


class PoliteAdapter(HTTPAdapter):
    """Transport adapter: rate limit and default timeout at the moment of sending.

    Living below requests-cache means cache hits never wait for the rate limit,
    and no request can leave without a timeout, whoever builds it.
    """

    def __init__(self, limiter: RateLimiter, timeout: tuple[float, float]) -> None:
        super().__init__()
        self._limiter = limiter
        self._timeout = timeout

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        self._limiter.wait(request.url)
        return super().send(request, **kwargs)


class WaitBudget:
    """Seconds a run may spend sleeping before retries, shared by all sources."""

    def __init__(self, total_seconds: float) -> None:
        self.total = float(total_seconds)
        self.spent = 0.0
        self.exhausted = False
        self._lock = threading.Lock()

    @property
    def remaining(self) -> float:
        return max(0.0, self.total - self.spent)

    def check(self, url: str) -> None:
        """Fail fast once the budget is spent: no further request of the run goes out."""
        if self.exhausted:
            raise BudgetExhausted(
                f"wait budget of {self.total:g} s for this run is spent; not sending more "
                "requests (raise wait_budget_seconds or run again later)",
                url=url,
            )

    def spend(self, seconds: float, url: str) -> None:
        """Reserve ``seconds`` of waiting, or mark the budget spent and raise."""
        with self._lock:
            if self.exhausted or seconds > self.remaining + 1e-9:
                self.exhausted = True
                raise BudgetExhausted(
                    f"a retry wait of {seconds:.1f} s exceeds the {self.remaining:.1f} s left "
                    f"of the run's {self.total:g} s wait budget; giving up (raise "
                    "wait_budget_seconds or run again later)",
                    url=url,
                )
            self.spent += seconds
