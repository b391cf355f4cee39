"""Every error ingest raises, in one hierarchy, so that callers catch by kind.

Two families, because they call for different fixes:

* :class:`SourceError` and its kinds: a live source (arXiv, Semantic Scholar, through
  :class:`ingest.http.HttpPolicy`) could not give us what we asked for. The kind says
  whether asking again later can help (unavailable, rate limited) or not (rejected).
* :class:`SurveyInputError` and :class:`SnapshotError`: a file we were given cannot be
  used at all. The message names the file and the fix; rows that are merely messy are
  reported as :class:`ingest.records.Problem` instead and never raise.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- live sources


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
    """One host's budget for the run is spent (retry waits and failed attempts); further
    requests to that host fail fast, other hosts are not affected. The message names the
    last failure (connection refused, read timeout, HTTP status, Retry-After)."""


class SourceRateLimited(SourceError):
    """HTTP 429 after every retry."""


class SourceBadResponse(SourceError):
    """A 200 whose body is not what the API promises: HTML, empty, not JSON/Atom."""


class SourceRejected(SourceError):
    """A 4xx other than 429 (bad id, bad query, unknown paper): not retried."""


class ReplayMiss(SourceError):
    """Replay mode found no recording for a request."""


# --------------------------------------------------------------------------- input files


class SurveyInputError(ValueError):
    """A survey file that cannot be used at all (missing, wrong columns, not the expected format)."""


class SnapshotError(ValueError):
    """The snapshot file cannot be read as a list of paper objects."""
