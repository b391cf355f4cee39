"""What one weekly update run found and did: the report `kg update` prints, the digest
renders and the provenance activity counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.records import Problem, SurveyListRow

if TYPE_CHECKING:  # pragma: no cover
    from kg.tracker.schemes import SchemeChange  # issue #18: a taxonomy version the list follows


@dataclass
class PaperChange:
    """A known paper that changed at its source: a new arXiv version, a withdrawal."""

    iri: str
    title: str
    arxiv_id: str | None
    what: str  # 'v3 -> v4', 'withdrawn (v2)'


@dataclass
class SourceStatus:
    """How one discovery source did. ``ok`` is False when anything it was asked failed or
    did not finish (the run then records no window end, so the window is searched again);
    ``answered`` says whether it still gave papers worth keeping."""

    name: str
    ok: bool
    note: str
    answered: bool | None = None  # None: the same as ``ok``
    incomplete: list[str] = field(default_factory=list)  # what did not finish: query and page
    notes: list[str] = field(default_factory=list)  # the source's notes (ids not found, records skipped, lists cut)
    updated: list[PaperChange] = field(default_factory=list)  # known papers seen with a newer arXiv version
    withdrawn: list[PaperChange] = field(default_factory=list)  # papers arXiv says were withdrawn (kept, flagged)

    @property
    def usable(self) -> bool:
        return self.ok or bool(self.answered)


@dataclass
class Queued:
    iri: str
    title: str
    arxiv_id: str | None
    category: str
    confidence: float
    found_by: list[str]
    links: list[str]


@dataclass
class Skipped:
    iri: str | None
    title: str
    kind: str  # 'in the graph', 'already queued', 'rejected earlier', 'out of scope', 'no title'
    reason: str


@dataclass
class AcceptedPaper:
    iri: str
    title: str | None
    category: str
    decided: date


@dataclass
class ListChanges:
    url: str
    fetched: bool = False
    note: str = ""
    rows: int = 0
    compared_with: str = ""
    new_rows: list[SurveyListRow] = field(default_factory=list)
    changed: list[tuple[SurveyListRow, SurveyListRow]] = field(default_factory=list)
    removed: list[SurveyListRow] = field(default_factory=list)
    broken: list[Problem] = field(default_factory=list)
    new_models: list[str] = field(default_factory=list)  # names (or titles) of new rows queued as candidates
    new_classes: list[str] = field(default_factory=list)
    scheme_change: SchemeChange | None = None  # issue #18: the list follows another taxonomy version


@dataclass
class UpdateReport:
    started: datetime
    ended: datetime
    window_start: date
    window_end: date
    complete: bool
    sources: list[SourceStatus]
    discovered: int
    candidates: list[Queued]
    skipped: list[Skipped]
    accepted: list[AcceptedPaper]
    new_citations: list[tuple[str, str]]
    list_changes: ListChanges | None
    failures: list[str]
    activity: str | None
    seconds: float
    digest: Path | None = None
    feed: Path | None = None

    @property
    def did_anything(self) -> bool:
        """False only when no discovery source could be used at all (a search that stopped
        at an empty page still gave papers: they are kept, and the window stays open)."""
        return any(s.usable for s in self.sources)
