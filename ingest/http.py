"""One HTTP policy for every live source (arXiv, Semantic Scholar): :class:`HttpPolicy`.

Why one policy: both client libraries we build on have network defects of their
own (no socket timeout in ``arxiv``; Retry-After ignored, 5xx swallowed and the
API key missing on paginated calls in ``semanticscholar``). Rather than patching
each, every request of a run goes through :class:`HttpPolicy`, which owns:

* a persistent response cache (requests-cache, SQLite file in ``cache_dir``),
  so a weekly run re-reads nothing it already has;
* a per-host politeness interval, applied only when a request really goes out,
  never on a cache hit or a replay, and a budget per source host for the time a run may
  lose to failures, retry waits and timeouts alike (:mod:`ingest.http_pacing`);
* retries on connection errors, timeouts, 429 and 5xx only, honouring
  ``Retry-After`` (:mod:`ingest.http_retries`);
* a (connect, read) timeout on every request;
* record/replay of raw responses (:mod:`ingest.replay`);
* a :class:`ingest.run_report.RunReport` that collects what failed and why, with
  secrets removed.

Its knobs are :class:`ingest.http_config.HttpConfig`; the errors it raises are
those of :mod:`ingest.errors`, re-exported here so that callers catch them where
they call.

Secrets (the Semantic Scholar API key) travel only in request headers. They are
never written to the cache key, recordings, logs, reports or exception text:
:meth:`HttpPolicy.redact` scrubs every string we emit.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import requests
import requests_cache

from ingest.errors import (
    BudgetExhausted,
    ReplayMiss,
    SourceBadResponse,
    SourceError,
    SourceRateLimited,
    SourceRejected,
    SourceUnavailable,
)
from ingest.http_config import HttpConfig
from ingest.http_pacing import PoliteAdapter, RateLimiter, WaitBudget, netloc
from ingest.redact import redact_text, redact_url
from ingest.http_retries import (
    body_excerpt,
    raise_for_final_status,
    raise_if_retryable,
    send_with_retries,
)
from ingest.replay import load_recording, save_recording
from ingest.run_report import RunReport

__all__ = [
    "USER_AGENT",
    "BudgetExhausted",
    "HttpConfig",
    "HttpPolicy",
    "ReplayMiss",
    "SourceBadResponse",
    "SourceError",
    "SourceRateLimited",
    "SourceRejected",
    "SourceUnavailable",
    "build_policy",
    "expect_json",
]

logger = logging.getLogger(__name__)

USER_AGENT = "medseg-kg/0.1 (+https://w3id.org/medseg-kg; literature tracker)"



class HttpPolicy:
    """The run's single way to the network. Share one instance per run.

    ``secrets`` are strings (API keys) to scrub from everything we emit.
    """

    def __init__(
        self,
        config: HttpConfig | None = None,
        *,
        report: RunReport | None = None,
        budget: WaitBudget | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        self.config = config or HttpConfig()
        self.report = report or RunReport()
        self.budget = budget or WaitBudget(self.config.wait_budget_seconds)
        self._secrets = {s for s in secrets if s}
        self._limiter = RateLimiter(self.config.rate_limits)
        self.session = self._build_session()

    # -- setup

    def _build_session(self) -> requests.Session:
        cfg = self.config
        session: requests.Session
        if cfg.cache_dir is not None:
            cfg.cache_dir.mkdir(parents=True, exist_ok=True)
            session = requests_cache.CachedSession(
                str(Path(cfg.cache_dir) / "http-cache"),
                backend="sqlite",
                expire_after=cfg.cache_expire_seconds,
                allowable_codes=(200,),
                allowable_methods=("GET", "POST"),
                # Keep secrets out of the cache key and out of the stored request.
                ignored_parameters=["x-api-key", "X-API-KEY", "Authorization", "api_key"],
                match_headers=False,
                stale_if_error=False,
            )
        else:
            session = requests.Session()
        # Mounted below the cache, so cache hits never wait for the rate limit.
        adapter = PoliteAdapter(self._limiter, (cfg.connect_timeout, cfg.read_timeout))
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        return session

    def set_rate_limit(self, url_or_host: str, min_interval: float, *, override: bool = True) -> None:
        """Set the minimum seconds between requests to a host (``override=False``: only if unset)."""
        host = netloc(url_or_host) if "://" in url_or_host else url_or_host.lower()
        if override or host not in self._limiter.intervals:
            self._limiter.intervals[host] = float(min_interval)

    def add_secret(self, secret: str | None) -> None:
        """Scrub ``secret`` from everything emitted from now on (sources add their API keys)."""
        if secret:
            self._secrets.add(secret)

    def close(self) -> None:
        """Release the session's sockets and the cache's SQLite file."""
        self.session.close()

    # -- redaction

    def redact(self, text: str | None) -> str:
        """``text`` with every URL's credentials, secret-looking query values and every known
        secret masked (:mod:`ingest.redact`)."""
        return redact_text(text, self._secrets)

    def redact_url(self, url: str) -> str:
        """``url`` fit to show: ``user:password@`` and secret-looking query values masked, then
        every known secret."""
        return redact_url(url, self._secrets)

    # -- the request

    def request(
        self,
        method: str,
        url: str,
        *,
        source: str,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        force_refresh: bool = False,
        validate: Callable[[requests.Response], str | None] | None = None,
    ) -> requests.Response:
        """Send one request under the policy and return a 2xx response.

        Raises a :class:`SourceError` subclass otherwise, after recording the
        failure in the run report. ``source`` names the API for the report.
        ``validate`` inspects a 2xx body and returns why it is unusable (or None);
        an unusable body raises :class:`SourceBadResponse` and is evicted from
        the cache, so an HTML maintenance page is not served again next week.
        """
        method = method.upper()
        shown = self.redact_url(url)
        body = json.dumps(json_body, sort_keys=True).encode() if json_body is not None else b""
        try:
            if self.config.replay_dir is not None:
                response = load_recording(self.config.replay_dir, method, url, body, shown)
                self.report.replayed += 1
            else:
                response = send_with_retries(
                    lambda timeout: self._send_once(method, url, headers, json_body, force_refresh, timeout),
                    config=self.config,
                    budget=self.budget,
                    report=self.report,
                    shown=shown,
                    redact=self.redact,
                )
            raise_for_final_status(response, shown, self.redact)
            problem = validate(response) if validate is not None else None
            if problem:
                self._evict(response)
                raise SourceBadResponse(
                    problem, url=shown, status=response.status_code,
                    body_excerpt=body_excerpt(response, self.redact, 120),
                )
        except SourceError as err:
            self.report.add_failure(source, shown, err.status, self.redact(err.reason))
            logger.warning("%s request failed: %s", source, self.redact(str(err)))
            raise
        if self.config.record_dir is not None:
            save_recording(
                self.config.record_dir, method, url, body, response,
                redact=self.redact, redact_url=self.redact_url,
            )
        return response

    def get(self, url: str, *, source: str, **kwargs: Any) -> requests.Response:
        """A GET under the policy; see :meth:`request`."""
        return self.request("GET", url, source=source, **kwargs)

    def _send_once(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        json_body: Any,
        force_refresh: bool,
        timeout: tuple[float, float],
    ) -> requests.Response:
        kwargs: dict[str, Any] = {"headers": dict(headers or {}), "timeout": timeout}
        if json_body is not None:
            kwargs["json"] = json_body
        if isinstance(self.session, requests_cache.CachedSession):
            kwargs["force_refresh"] = force_refresh
        logger.debug("%s %s", method, self.redact_url(url))
        response = self.session.request(method, url, **kwargs)
        if getattr(response, "from_cache", False):
            self.report.cache_hits += 1
        else:
            self.report.requests_sent += 1
        raise_if_retryable(response)
        return response

    def _evict(self, response: requests.Response) -> None:
        """Drop an unusable response from the cache (best effort), so the next run asks again."""
        if isinstance(self.session, requests_cache.CachedSession) and response.request is not None:
            try:
                self.session.cache.delete(requests=[response.request])
            except Exception as err:  # noqa: BLE001 - eviction is best effort
                logger.debug("could not evict %s from cache: %s", self.redact_url(response.url or ""), err)


def expect_json(response: requests.Response) -> str | None:
    """Why a body that should be JSON is not (None when it is)."""
    text = response.content.strip()
    if not text:
        return "empty body where JSON was expected; the service may be failing, try later"
    try:
        json.loads(text)
    except ValueError:
        kind = response.headers.get("Content-Type", "unknown content type")
        return f"body is not JSON ({kind}, starts {text[:40]!r}); the service may be failing"
    return None


def build_policy(
    cache_dir: Path | None = None,
    *,
    record_dir: Path | None = None,
    replay_dir: Path | None = None,
    secrets: Iterable[str] = (),
    **overrides: Any,
) -> HttpPolicy:
    """A policy with the project defaults; ``overrides`` are :class:`HttpConfig` fields."""
    config = HttpConfig(cache_dir=cache_dir, record_dir=record_dir, replay_dir=replay_dir, **overrides)
    return HttpPolicy(config, secrets=secrets)
