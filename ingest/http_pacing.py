"""How fast and how long a run may talk to the outside world.

* :class:`RateLimiter`: the minimum interval between two requests to one host
  (arXiv asks for 1 request / 3 s, Semantic Scholar allows 1 / s), shared by every
  source and thread of a run, so two clients do not make two streams of requests.
* :class:`PoliteAdapter`: the transport adapter that applies that interval, and a
  default timeout, at the moment a request really goes out.
* :class:`WaitBudget`: the seconds each source host may lose in a run -- sleeping before
  retries *and* waiting on attempts that failed (timeouts, refused connections, 429/5xx) --
  so a cron run against a sick or hanging API ends instead of crawling for hours. Each host
  has its own account: arXiv asking for a day's pause never stops Semantic Scholar. Every
  request's timeouts are clipped to what its host has left, so the budget bounds wall time.
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


def host_key(url: str) -> str:
    """The host[:port] a budget account belongs to (credentials, if any, left out)."""
    return netloc(url).rpartition("@")[2]


MIN_TIMEOUT = 0.5  # seconds: a request with less than this left could not succeed anyway


class WaitBudget:
    """Seconds each host may lose in a run (retry sleeps and failed attempts), shared by all
    sources and threads. ``total_seconds`` is every host's allowance."""

    def __init__(self, total_seconds: float) -> None:
        self.total = float(total_seconds)
        self._spent: dict[str, float] = {}
        self._closed: dict[str, str] = {}  # host -> why its budget is spent (the last failure)
        self._lock = threading.Lock()

    def remaining(self, url: str) -> float:
        return max(0.0, self.total - self._spent.get(host_key(url), 0.0))

    def spent(self, url: str) -> float:
        return self._spent.get(host_key(url), 0.0)

    def check(self, url: str) -> None:
        """Fail fast once this host's budget is spent: no further request to it goes out."""
        host = host_key(url)
        if host in self._closed:
            raise BudgetExhausted(
                f"{host}: its {self.total:g} s budget for this run is spent (last failure: {self._closed[host]}); "
                "not sending more requests to it (raise --budget or run again later)",
                url=url,
            )

    def clip(self, url: str, timeout: tuple[float, float]) -> tuple[float, float]:
        """``(connect, read)`` timeouts no longer than what the host has left."""
        left = max(MIN_TIMEOUT, self.remaining(url))
        return min(timeout[0], left), min(timeout[1], left)

    def charge(self, seconds: float, url: str, cause: str) -> None:
        """Book ``seconds`` lost to a failed attempt (``cause`` says how); the host's budget
        closes when nothing is left, and its next request fails fast naming ``cause``."""
        host = host_key(url)
        with self._lock:
            self._spent[host] = self._spent.get(host, 0.0) + max(0.0, seconds)
            if self._spent[host] >= self.total - 1e-9:
                self._closed.setdefault(host, cause)

    def spend(self, seconds: float, url: str, cause: str = "a failure") -> None:
        """Reserve ``seconds`` of sleep before a retry after ``cause`` (the last failure), or
        close the host's budget and raise."""
        host = host_key(url)
        with self._lock:
            left = max(0.0, self.total - self._spent.get(host, 0.0))
            if host in self._closed or seconds > left + 1e-9:
                self._closed.setdefault(host, cause)
                if left <= 1e-9:
                    why = f"its {self.total:g} s budget for this run is spent (last failure: {cause})"
                else:
                    why = (f"{cause}: a retry wait of {seconds:.1f} s is more than the {left:.1f} s left of its "
                           f"{self.total:g} s budget for this run")
                raise BudgetExhausted(f"{host}: {why}; giving up on it (raise --budget or run again later)", url=url)
            self._spent[host] = self._spent.get(host, 0.0) + seconds
