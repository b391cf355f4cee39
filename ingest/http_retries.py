"""When asking again helps, how long to wait first, and what to raise once it stops helping.

Connection errors, timeouts, 429 and 5xx are retried with exponential backoff that
honours ``Retry-After`` (seconds or an HTTP-date); every wait, and the time every failed
attempt took, is paid from its host's account in the run's
:class:`ingest.http_pacing.WaitBudget`, and each attempt's timeouts are clipped to what the
host has left. A 400 or 404 will not get better by asking
again, so any other status ends the request at once. Either way the caller gets a
:class:`ingest.errors.SourceError` of the right kind, with a reason that says what to do.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from ingest.errors import (
    SourceError,
    SourceRateLimited,
    SourceRejected,
    SourceUnavailable,
)
from ingest.http_config import HttpConfig
from ingest.http_pacing import WaitBudget
from ingest.run_report import RunReport

# One logger for everything the policy says, so one name turns it up or down.
logger = logging.getLogger("ingest.http")

Redact = Callable[[str | None], str]

_CLIENT_ERROR_HINTS = {
    400: "the service rejected the request (bad id or query)",
    401: "unauthorised: check the API key",
    403: "forbidden: check the API key or its permissions",
    404: "not found",
}


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


class Retryable(Exception):
    """A response worth another try (429 / 5xx), raised inside the retry loop only."""

    def __init__(self, response: requests.Response, retry_after: float | None) -> None:
        self.response = response
        self.retry_after = retry_after
        super().__init__(f"HTTP {response.status_code}")


def raise_if_retryable(response: requests.Response) -> None:
    """Turn a 429 or 5xx into :class:`Retryable`, so the loop asks again."""
    status = response.status_code
    if status == 429 or 500 <= status < 600:
        raise Retryable(response, parse_retry_after(response.headers.get("Retry-After")))


def body_excerpt(response: requests.Response, redact: Redact, limit: int = 300) -> str:
    """The start of a body for an error message, whitespace collapsed and secrets masked."""
    try:
        text = response.text or ""
    except Exception:  # noqa: BLE001 - a broken body must not hide the real error
        return ""
    return redact(" ".join(text.split())[:limit])


_CONNECTION_CAUSES = (
    ("Connection refused", "connection refused"),
    ("Name or service not known", "host name not found (DNS)"),
    ("Temporary failure in name resolution", "host name not found (DNS)"),
    ("nodename nor servname", "host name not found (DNS)"),
    ("No route to host", "no route to host"),
    ("Network is unreachable", "network unreachable"),
    ("Connection reset", "connection reset by the server"),
    ("RemoteDisconnected", "the server closed the connection without answering"),
    ("Remote end closed", "the server closed the connection without answering"),
    ("CERTIFICATE_VERIFY_FAILED", "TLS certificate not trusted"),
    ("Read timed out", "read timeout"),
    ("Permission denied", "connection not permitted on this machine"),
    ("SSLError", "TLS error"),
)


def _chain_text(err: BaseException) -> str:
    """Every message in ``err``'s chain (requests wraps urllib3 wraps the socket error)."""
    texts, seen, todo = [], set(), [err]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        texts.append(f"{type(e).__name__}: {e}")
        todo += [x for x in (e.__cause__, e.__context__, getattr(e, "reason", None), *e.args)
                 if isinstance(x, BaseException)]
    return " | ".join(texts)


def failure_cause(err: BaseException, timeout: tuple[float, float]) -> str:
    """What went wrong with one attempt, in the words a reader can act on: "connection
    refused", "read timeout after 5 s", "HTTP 503"."""
    if isinstance(err, Retryable):
        after = f", Retry-After {err.retry_after:g} s" if err.retry_after is not None else ""
        return f"HTTP {err.response.status_code}{after}"
    if isinstance(err, requests.ConnectTimeout):
        return f"connect timeout after {timeout[0]:g} s"
    if isinstance(err, requests.ReadTimeout):
        return f"read timeout after {timeout[1]:g} s"
    text = _chain_text(err)
    for needle, cause in _CONNECTION_CAUSES:
        if needle in text:
            return cause
    return f"{type(err).__name__}"


class _Attempts:
    """One request's attempts: each is checked against and booked to its host's budget, with
    its timeouts clipped to what the host has left; the last failure is kept for messages."""

    def __init__(self, send_once: Callable[[tuple[float, float]], requests.Response], config: HttpConfig,
                 budget: WaitBudget, shown: str) -> None:
        self.send_once, self.config, self.budget, self.shown = send_once, config, budget, shown
        self.cause = ""

    def __call__(self) -> requests.Response:
        self.budget.check(self.shown)
        timeout = self.budget.clip(self.shown, (self.config.connect_timeout, self.config.read_timeout))
        started = time.monotonic()
        try:
            return self.send_once(timeout)
        except (Retryable, requests.ConnectionError, requests.Timeout) as err:
            self.cause = failure_cause(err, timeout)
            self.budget.charge(time.monotonic() - started, self.shown, self.cause)
            raise


def send_with_retries(
    send_once: Callable[[tuple[float, float]], requests.Response],
    *,
    config: HttpConfig,
    budget: WaitBudget,
    report: RunReport,
    shown: str,
    redact: Redact,
) -> requests.Response:
    """``send_once(timeout)`` until it returns a response that is not worth retrying.

    ``shown`` is the redacted URL, the only form of it that may reach an error or a log.
    Every error raised names the real cause (connection refused, read timeout, HTTP status).
    """
    attempts = _Attempts(send_once, config, budget, shown)

    def should_retry(exc: BaseException) -> bool:
        return isinstance(exc, (Retryable, requests.ConnectionError, requests.Timeout))

    def wait_for(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Retryable) and exc.retry_after is not None:
            return exc.retry_after
        return min(config.backoff_max, config.backoff_base * 2 ** (state.attempt_number - 1))

    def sleep(seconds: float) -> None:
        budget.spend(seconds, shown, attempts.cause)
        report.retries += 1
        report.waited_seconds += seconds
        logger.info("retrying %s in %.1f s (%s)", shown, seconds, attempts.cause)
        time.sleep(seconds)

    retrying = Retrying(
        retry=retry_if_exception(should_retry),
        stop=stop_after_attempt(max(1, config.max_attempts)),
        wait=wait_for,
        sleep=sleep,
        reraise=True,
    )
    try:
        return retrying(attempts)
    except Retryable as err:
        raise _error_after_retries(err, config, shown, redact) from None
    except requests.Timeout:
        raise SourceUnavailable(
            f"timed out after {config.max_attempts} attempts ({attempts.cause}); check the network or try later",
            url=shown,
        ) from None
    except requests.ConnectionError:
        raise SourceUnavailable(
            f"cannot connect after {config.max_attempts} attempts ({attempts.cause}); "
            "check the network, DNS or the base URL setting",
            url=shown,
        ) from None
    except requests.RequestException as err:
        raise SourceUnavailable(f"request failed: {redact(failure_cause(err, (0, 0)))}", url=shown) from None


def _error_after_retries(err: Retryable, config: HttpConfig, shown: str, redact: Redact) -> SourceError:
    """A 429 that never cleared asks for patience or a key; a 5xx says the service is down."""
    status = err.response.status_code
    if status == 429:
        return SourceRateLimited(
            f"rate limited after {config.max_attempts} attempts; wait and run again, "
            "or (Semantic Scholar) set S2_API_KEY for a higher limit",
            url=shown,
            status=status,
            retry_after=err.retry_after,
        )
    return SourceUnavailable(
        f"server error after {config.max_attempts} attempts; the service may be down, "
        "try again later",
        url=shown,
        status=status,
        body_excerpt=body_excerpt(err.response, redact),
    )


def raise_for_final_status(response: requests.Response, shown: str, redact: Redact) -> None:
    """Raise the error a non-2xx response means, once retrying is over (or was never tried)."""
    status = response.status_code
    if 200 <= status < 300:
        return
    excerpt = body_excerpt(response, redact, 2000)
    short = excerpt[:200]
    if status == 429:
        raise SourceRateLimited("rate limited (HTTP 429)", url=shown, status=status)
    if 500 <= status:
        raise SourceUnavailable("server error", url=shown, status=status, body_excerpt=excerpt)
    hint = _CLIENT_ERROR_HINTS.get(status, "request rejected")
    raise SourceRejected(
        f"{hint}" + (f": {short}" if short else ""),
        url=shown,
        status=status,
        body_excerpt=excerpt,
    )
