"""One HTTP policy for every live source (arXiv, Semantic Scholar).

Why one module: both client libraries we build on have network defects of their
own (no socket timeout in ``arxiv``; Retry-After ignored, 5xx swallowed and the
API key missing on paginated calls in ``semanticscholar``). Rather than patching
each, every request of a run goes through :class:`HttpPolicy`, which owns:

* a persistent response cache (requests-cache, SQLite file in ``cache_dir``),
  so a weekly run re-reads nothing it already has;
* a per-host politeness interval (arXiv asks for 1 request / 3 s, Semantic
  Scholar allows 1 / s), applied only when a request really goes out, never on a
  cache hit or a replay;
* retries with exponential backoff that honour ``Retry-After`` (seconds or an
  HTTP-date), on connection errors, timeouts, 429 and 5xx only: a 400 or 404
  will not get better by asking again;
* a wait budget: the total seconds a run may spend sleeping between retries;
  once spent, every further request fails fast with :class:`BudgetExhausted`,
  so a cron run ends instead of crawling for hours against a sick API;
* a (connect, read) timeout on every request;
* record/replay: ``record_dir`` stores each raw response as a JSON file keyed by
  method + URL + body hash; ``replay_dir`` serves them back with no network;
* a :class:`RunReport` that collects what failed and why, with secrets removed.

Secrets (the Semantic Scholar API key) travel only in request headers. They are
never written to the cache key, recordings, logs, reports or exception text:
:meth:`HttpPolicy.redact` scrubs every string we emit.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ingest.records import Problem

logger = logging.getLogger(__name__)

USER_AGENT = "medseg-kg/0.1 (+https://w3id.org/medseg-kg; literature tracker)"

# Query parameters whose values must never leave this module in clear text.
_SECRET_PARAMS = {"api_key", "apikey", "key", "token", "access_token", "x-api-key"}


# --------------------------------------------------------------------------- errors


class SourceError(Exception):
    """A live source could not give us what we asked for.

    ``url`` is already redacted; ``status`` is the HTTP status when there was one;
    ``reason`` says what went wrong and, where we know it, what to do.
    """

    def __init__(
        self,
        reason: str,
        *,
        url: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        body_excerpt: str | None = None,
    ) -> None:
        self.reason = reason
        self.url = url
        self.status = status
        self.retry_after = retry_after
        self.body_excerpt = body_excerpt
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [self.reason]
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.url:
            parts.append(f"URL {self.url}")
        return " | ".join(parts)


class SourceUnavailable(SourceError):
    """Network down, DNS failure, connection refused, timeouts, 5xx after retries."""


class BudgetExhausted(SourceUnavailable):
    """The run's wait budget is spent; further requests fail fast."""


class SourceRateLimited(SourceError):
    """HTTP 429 after every retry (or a Retry-After longer than the budget left)."""


class SourceBadResponse(SourceError):
    """A 200 whose body is not what the API promises: HTML, empty, not JSON/Atom."""


class SourceRejected(SourceError):
    """A 4xx other than 429 (bad id, bad query, unknown paper): not retried."""


class ReplayMiss(SourceError):
    """Replay mode found no recording for a request."""


# --------------------------------------------------------------------------- report


@dataclass
class Failure:
    """One request that failed for good (after retries)."""

    source: str
    url: str  # redacted
    status: int | None
    reason: str

    def __str__(self) -> str:
        status = f" (HTTP {self.status})" if self.status is not None else ""
        return f"{self.source}: {self.url}{status}: {self.reason}"


@dataclass
class RunReport:
    """What a run could not do, for the update digest and the CLI's exit status.

    ``failures`` are requests that failed; ``problems`` are data-level notes
    (ids not found, results truncated) that a maintainer may want to act on.
    """

    failures: list[Failure] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    requests_sent: int = 0
    cache_hits: int = 0
    replayed: int = 0
    retries: int = 0
    waited_seconds: float = 0.0

    def add_failure(self, source: str, url: str, status: int | None, reason: str) -> None:
        self.failures.append(Failure(source, url, status, reason))

    def add_problem(self, source: str, reason: str) -> None:
        self.problems.append(Problem(source=source, line=None, reason=reason))

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        lines = [
            (
                f"{self.requests_sent} requests sent, {self.cache_hits} from cache, "
                f"{self.replayed} replayed, {self.retries} retries, "
                f"{self.waited_seconds:.1f} s waited"
            )
        ]
        lines += [f"FAILED {f}" for f in self.failures]
        lines += [f"NOTE {p}" for p in self.problems]
        return "\n".join(lines)


# --------------------------------------------------------------------------- budget


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


# --------------------------------------------------------------------------- config


@dataclass
class HttpConfig:
    """Knobs of the policy. Defaults suit a weekly cron run; tests set them small."""

    cache_dir: Path | None = None  # None: no persistent cache
    cache_expire_seconds: float = 7 * 24 * 3600
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_attempts: int = 5  # first try included
    backoff_base: float = 2.0  # seconds; waits are base, 2*base, 4*base ...
    backoff_max: float = 120.0
    wait_budget_seconds: float = 900.0
    # host[:port] -> minimum seconds between two requests that reach the network
    rate_limits: dict[str, float] = field(default_factory=dict)
    record_dir: Path | None = None
    replay_dir: Path | None = None


def _netloc(url: str) -> str:
    return urlsplit(url).netloc.lower()


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class _RateLimiter:
    """Minimum interval between requests per host, shared by every thread of a run."""

    def __init__(self, intervals: Mapping[str, float]) -> None:
        self.intervals = {k.lower(): float(v) for k, v in intervals.items()}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        host = _netloc(url)
        interval = self.intervals.get(host, 0.0)
        if interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            last = self._last.get(host)
            if last is not None and now - last < interval:
                time.sleep(interval - (now - last))
            self._last[host] = time.monotonic()


class _PoliteAdapter(HTTPAdapter):
    """Transport adapter: rate limit and default timeout at the moment of sending.

    Living below requests-cache means cache hits never wait for the rate limit,
    and no request can leave without a timeout, whoever builds it.
    """

    def __init__(self, limiter: _RateLimiter, timeout: tuple[float, float]) -> None:
        super().__init__()
        self._limiter = limiter
        self._timeout = timeout

    def send(self, request, **kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self._timeout
        self._limiter.wait(request.url)
        return super().send(request, **kwargs)


class _Retryable(Exception):
    """Internal: a response worth another try (429 / 5xx)."""

    def __init__(self, response: requests.Response, retry_after: float | None) -> None:
        self.response = response
        self.retry_after = retry_after
        super().__init__(f"HTTP {response.status_code}")


# --------------------------------------------------------------------------- policy


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
        self._limiter = _RateLimiter(self.config.rate_limits)
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
        adapter = _PoliteAdapter(self._limiter, (cfg.connect_timeout, cfg.read_timeout))
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        return session

    def set_rate_limit(self, url_or_host: str, min_interval: float, *, override: bool = True) -> None:
        """Set the minimum seconds between requests to a host (``override=False``: only if unset)."""
        host = _netloc(url_or_host) if "://" in url_or_host else url_or_host.lower()
        if override or host not in self._limiter.intervals:
            self._limiter.intervals[host] = float(min_interval)

    def add_secret(self, secret: str | None) -> None:
        if secret:
            self._secrets.add(secret)

    def close(self) -> None:
        self.session.close()

    # -- redaction

    def redact(self, text: str | None) -> str:
        """``text`` with every known secret and secret-looking query value masked."""
        if not text:
            return text or ""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def redact_url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.query:
            pairs = [
                (k, "***" if k.lower() in _SECRET_PARAMS else v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
            ]
            url = urlunsplit(parts._replace(query=urlencode(pairs, safe=",:*")))
        return self.redact(url)

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
                response = self._replay(method, url, body, shown)
                self.report.replayed += 1
            else:
                self.budget.check(shown)
                response = self._send_with_retries(
                    method, url, headers, json_body, shown, force_refresh
                )
            self._raise_for_final_status(response, shown)
            problem = validate(response) if validate is not None else None
            if problem:
                self._evict(response)
                raise SourceBadResponse(
                    problem, url=shown, status=response.status_code,
                    body_excerpt=self._excerpt(response, 120),
                )
        except SourceError as err:
            self.report.add_failure(source, shown, err.status, self.redact(err.reason))
            logger.warning("%s request failed: %s", source, self.redact(str(err)))
            raise
        if self.config.record_dir is not None:
            self._record(method, url, body, response)
        return response

    def _evict(self, response: requests.Response) -> None:
        if isinstance(self.session, requests_cache.CachedSession) and response.request is not None:
            try:
                self.session.cache.delete(requests=[response.request])
            except Exception as err:  # noqa: BLE001 - eviction is best effort
                logger.debug("could not evict %s from cache: %s", self.redact_url(url_of(response)), err)

    def get(self, url: str, *, source: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, source=source, **kwargs)

    def post_json(self, url: str, body: Any, *, source: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, source=source, json_body=body, **kwargs)

    def _send_with_retries(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        json_body: Any,
        shown: str,
        force_refresh: bool,
    ) -> requests.Response:
        cfg = self.config

        def should_retry(exc: BaseException) -> bool:
            return isinstance(
                exc, (_Retryable, requests.ConnectionError, requests.Timeout)
            )

        def wait_for(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            if isinstance(exc, _Retryable) and exc.retry_after is not None:
                return exc.retry_after
            return min(cfg.backoff_max, cfg.backoff_base * 2 ** (state.attempt_number - 1))

        def sleep(seconds: float) -> None:
            self.budget.spend(seconds, shown)
            self.report.retries += 1
            self.report.waited_seconds += seconds
            logger.info("retrying %s in %.1f s", shown, seconds)
            time.sleep(seconds)

        retrying = Retrying(
            retry=retry_if_exception(should_retry),
            stop=stop_after_attempt(max(1, cfg.max_attempts)),
            wait=wait_for,
            sleep=sleep,
            reraise=True,
        )
        try:
            return retrying(self._send_once, method, url, headers, json_body, force_refresh)
        except _Retryable as err:
            status = err.response.status_code
            if status == 429:
                raise SourceRateLimited(
                    f"rate limited after {cfg.max_attempts} attempts; wait and run again, "
                    "or (Semantic Scholar) set S2_API_KEY for a higher limit",
                    url=shown,
                    status=status,
                    retry_after=err.retry_after,
                ) from None
            raise SourceUnavailable(
                f"server error after {cfg.max_attempts} attempts; the service may be down, "
                "try again later",
                url=shown,
                status=status,
                body_excerpt=self._excerpt(err.response),
            ) from None
        except requests.Timeout as err:
            raise SourceUnavailable(
                f"timed out after {cfg.max_attempts} attempts (connect {cfg.connect_timeout:g} s,"
                f" read {cfg.read_timeout:g} s): {type(err).__name__}; check the network or "
                "try later",
                url=shown,
            ) from None
        except requests.ConnectionError as err:
            raise SourceUnavailable(
                f"cannot connect after {cfg.max_attempts} attempts ({type(err).__name__}); "
                "check the network, DNS or the base URL setting",
                url=shown,
            ) from None
        except requests.RequestException as err:
            raise SourceUnavailable(
                f"request failed: {type(err).__name__}", url=shown
            ) from None

    def _send_once(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        json_body: Any,
        force_refresh: bool,
    ) -> requests.Response:
        kwargs: dict[str, Any] = {
            "headers": dict(headers or {}),
            "timeout": (self.config.connect_timeout, self.config.read_timeout),
        }
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
        status = response.status_code
        if status == 429 or 500 <= status < 600:
            raise _Retryable(response, parse_retry_after(response.headers.get("Retry-After")))
        return response

    def _raise_for_final_status(self, response: requests.Response, shown: str) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        excerpt = self._excerpt(response, 2000)
        short = excerpt[:200]
        if status == 429:
            raise SourceRateLimited("rate limited (HTTP 429)", url=shown, status=status)
        if 500 <= status:
            raise SourceUnavailable("server error", url=shown, status=status, body_excerpt=excerpt)
        hint = {
            400: "the service rejected the request (bad id or query)",
            401: "unauthorised: check the API key",
            403: "forbidden: check the API key or its permissions",
            404: "not found",
        }.get(status, "request rejected")
        raise SourceRejected(
            f"{hint}" + (f": {short}" if short else ""),
            url=shown,
            status=status,
            body_excerpt=excerpt,
        )

    def _excerpt(self, response: requests.Response, limit: int = 300) -> str:
        try:
            text = response.text or ""
        except Exception:  # noqa: BLE001 - a broken body must not hide the real error
            return ""
        return self.redact(" ".join(text.split())[:limit])

    # -- record / replay

    @staticmethod
    def recording_key(method: str, url: str, body: bytes) -> str:
        digest = hashlib.sha256(method.encode() + b" " + url.encode() + b"\n" + body)
        return digest.hexdigest()[:32]

    def _recording_path(self, root: Path, method: str, url: str, body: bytes) -> Path:
        host = _netloc(url).replace(":", "_") or "local"
        return Path(root) / f"{method.lower()}-{host}-{self.recording_key(method, url, body)}.json"

    def _record(self, method: str, url: str, body: bytes, response: requests.Response) -> None:
        assert self.config.record_dir is not None
        path = self._recording_path(self.config.record_dir, method, url, body)
        path.parent.mkdir(parents=True, exist_ok=True)
        keep = {"content-type", "retry-after", "date", "content-encoding"}
        entry = {
            "method": method,
            "url": self.redact_url(url),
            "request_body": self.redact(body.decode("utf-8", "replace")) or None,
            "status": response.status_code,
            "headers": {k: v for k, v in response.headers.items() if k.lower() in keep},
            "body": response.content.decode("utf-8", "replace"),
        }
        entry["headers"].pop("Content-Encoding", None)
        entry["headers"].pop("content-encoding", None)
        path.write_text(json.dumps(entry, indent=1, ensure_ascii=False), encoding="utf-8")

    def _replay(self, method: str, url: str, body: bytes, shown: str) -> requests.Response:
        assert self.config.replay_dir is not None
        path = self._recording_path(self.config.replay_dir, method, url, body)
        if not path.is_file():
            raise ReplayMiss(
                f"no recording of {method} {shown} in {self.config.replay_dir} (expected "
                f"{path.name}); record it once with record_dir set, or run online",
                url=shown,
            )
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise ReplayMiss(
                f"recording {path} is unreadable ({err}); delete it and record again", url=shown
            ) from None
        response = requests.Response()
        response.status_code = int(entry["status"])
        response.headers = CaseInsensitiveDict(entry.get("headers") or {})
        response._content = entry.get("body", "").encode("utf-8")
        response.encoding = "utf-8"
        response.url = url
        response.reason = "replayed"
        return response


def url_of(response: requests.Response) -> str:
    return response.url or ""


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
