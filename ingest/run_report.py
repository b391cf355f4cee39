"""The run report: what a run's requests could not do, and how much talking it took.

One :class:`RunReport` per run, owned by the run's :class:`ingest.http.HttpPolicy` and
filled by every source, so the update digest and the CLI's exit status read one place.
Everything stored here is already redacted by the policy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ingest.records import Problem


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
