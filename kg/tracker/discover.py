"""Discovery: the papers one update run finds, each resolved once against the graph and
the run's other hits (:class:`Hit`), from the arXiv searches of the config, the papers
citing the anchors on Semantic Scholar, and the new rows of the upstream survey list.

What each source could not do is its :class:`SourceStatus`: a search that stopped at an
empty page makes the arXiv status not ok (so the run records no window end and the next run
searches the window again) while its papers are kept; the notes the sources reported during
the step (ids not found, records skipped, lists cut) travel with the status to the digest.
A known paper seen with a newer arXiv version is an *update* of it, named in the status,
never a new paper; a withdrawn paper is named too (and flagged by the mapping), not dropped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ingest.http import SourceError
from ingest.ids import slugify
from ingest.records import Listing, PaperRecord, SurveyListRow
from ingest.run_report import RunReport
from kg.tracker.config import DiscoveryConfig
from kg.tracker.paper_index import PaperIndex
from kg.tracker.report import ListChanges, PaperChange, SourceStatus
from kg.vocab import CANDIDATES, CURATION, SURVEY_GRAPHS

Say = Callable[[str], None]


@dataclass
class Hit:
    """One discovered paper, possibly seen by several sources."""

    iri: str
    existed: bool
    records: list[PaperRecord] = field(default_factory=list)
    found_by: list[str] = field(default_factory=list)
    cites: dict[str, str] = field(default_factory=dict)  # anchor IRI -> anchor name
    list_row: SurveyListRow | None = None

    @property
    def title(self) -> str:
        return next((r.title for r in self.records if r.title), self.list_row.title if self.list_row else "")

    @property
    def abstract(self) -> str | None:
        return next((r.abstract for r in self.records if r.abstract), None)

    @property
    def arxiv_id(self) -> str | None:
        return next((r.arxiv_id for r in self.records if r.arxiv_id), None)


class Discovery:
    """The hits of one run in the order found, the sources' status, failures, citations."""

    def __init__(self, index: PaperIndex) -> None:
        self.index = index
        self.existing = set(index.facts)
        self.hits: dict[str, Hit] = {}
        self.order: list[str] = []
        self.sources: list[SourceStatus] = []
        self.failures: list[str] = []
        self.citations: list[tuple[str, str, str]] = []  # (citing IRI, anchor IRI, anchor name)

    def found(self, record: PaperRecord, how: str) -> Hit:
        iri = self.index.find(record)
        existed = iri is not None and iri in self.existing
        iri, _ = self.index.resolve(record)
        hit = self.hits.get(iri)
        if hit is None:
            hit = self.hits[iri] = Hit(iri, existed)
            self.order.append(iri)
        hit.records.append(record)
        if how not in hit.found_by:
            hit.found_by.append(how)
        return hit

    def new_version(self, r: PaperRecord, status: SourceStatus) -> bool:
        """Whether ``r`` is a newer arXiv version of a paper the survey has, or the review queue
        holds (or held): then it is an update of that paper, named in ``status`` (once), and not
        a hit, so it can never be queued as a new candidate. A paper only `kg enrich` knows (a
        reference, a citer) is still discovered, its first time in front of a reviewer."""
        iri = self.index.find(r)
        if iri is None or not r.version or not self.index.graphs.get(iri, set()) & _REVIEWED_OR_SURVEY:
            return False
        stated = self.index.known(iri).arxiv_version
        if r.version <= (stated or 1):
            return False
        title = self.index.known(iri).title or r.title or iri
        if not any(c.iri == iri for c in status.updated):
            status.updated.append(PaperChange(iri, title, r.arxiv_id,
                                              f"v{stated} -> v{r.version}" if stated else f"now v{r.version}"))
        _withdrawn(status, iri, title, r)
        return True


_REVIEWED_OR_SURVEY = {str(g) for g in (*SURVEY_GRAPHS, CANDIDATES, CURATION)}


def _withdrawn(status: SourceStatus, iri: str, title: str, r: PaperRecord) -> None:
    """Name a paper arXiv says was withdrawn (once): it stays, flagged by the mapping."""
    if r.withdrawn and not any(c.iri == iri for c in status.withdrawn):
        status.withdrawn.append(PaperChange(iri, title, r.arxiv_id,
                                            f"withdrawn (v{r.version})" if r.version else "withdrawn"))


def _notes_since(report: RunReport | None, start: int) -> list[str]:
    """The notes a source reported since ``start`` (the status names the source already)."""
    return [f"{p.reason}; {p.action}" for p in report.problems[start:]] if report is not None else []


def search_arxiv(d: Discovery, arxiv: Any, config: DiscoveryConfig, start: date, today: date, say: Say) -> None:
    report: RunReport | None = getattr(arxiv, "report", None)
    first_note = len(report.problems) if report is not None else 0
    status = SourceStatus("arXiv", False, "")
    ok = n = 0
    for name, query in config.queries:
        say(f"arXiv: {name}")
        try:
            listing: Listing = arxiv.search(query, submitted_from=start, submitted_until=today,
                                            max_results=config.max_results_per_query, strict=True)
        except SourceError as exc:
            d.failures.append(f"arXiv search '{name}': {exc}")
            continue
        ok += 1
        if not listing.complete:
            status.incomplete.append(f"'{name}': {listing.note}")
            d.failures.append(f"arXiv search '{name}' incomplete: {listing.note}")
        for r in listing.records:
            if not d.new_version(r, status):
                hit = d.found(r, f"arXiv search '{name}'")
                _withdrawn(status, hit.iri, hit.title, r)
                n += 1
    done = ok - len(status.incomplete)
    status.ok = done == len(config.queries)
    status.answered = ok > 0
    status.note = (f"{done} of {len(config.queries)} searches answered completely"
                   + (f", {len(status.incomplete)} stopped early" if status.incomplete else "") + f", {n} hits")
    status.notes = _notes_since(report, first_note)
    d.sources.append(status)


def follow_anchors(d: Discovery, s2: Any, anchors: dict[str, str], start: date, say: Say) -> None:
    report: RunReport | None = getattr(s2, "report", None)
    first_note = len(report.problems) if report is not None else 0
    ok = n = 0
    for name, arxiv_id in anchors.items():
        say(f"Semantic Scholar: papers citing {name}")
        anchor = d.index.by_arxiv.get(arxiv_id)
        if anchor is None:
            d.failures.append(f"anchor {name} (arXiv {arxiv_id}) is not in the graph; run `kg build` first")
            continue
        try:
            listing: Listing = s2.citations(f"ARXIV:{arxiv_id}", since=start, strict=True)
        except SourceError as exc:
            d.failures.append(f"Semantic Scholar citations of {name}: {exc}")
            continue
        ok += 1
        for r in listing.records:  # resolved citers with a title: the source leaves out the rest
            hit = d.found(r, f"cites {name} (Semantic Scholar)")
            hit.cites[anchor] = name
            d.citations.append((hit.iri, anchor, name))
            n += 1
    d.sources.append(SourceStatus("Semantic Scholar", ok == len(anchors),
                                  f"citations of {ok} of {len(anchors)} anchors read, {n} citing papers in the window",
                                  answered=ok > 0, notes=_notes_since(report, first_note)))


def add_list_rows(d: Discovery, lc: ListChanges, rows: list[SurveyListRow], known_models: set[str],
                  labels: set[str]) -> None:
    """Queue the new rows of the upstream list whose model (or, without a model, paper) is new."""
    if not lc.fetched:
        d.failures.append(f"survey list: {lc.note}")
        d.sources.append(SourceStatus("survey list", False, lc.note))
        return
    for row in lc.new_rows:
        record = PaperRecord(source="survey-list", title=row.title, arxiv_id=row.arxiv_id, doi=row.doi, url=row.link)
        model_is_new = row.name is not None and slugify(row.name) not in known_models
        paper_is_new = d.index.find(record) is None
        if model_is_new or (row.name is None and paper_is_new):
            hit = d.found(record, f"survey list line {row.line}")
            hit.list_row = row
            lc.new_models.append(row.name or row.title)
    lc.new_classes = sorted({r.category for r in rows} - labels)
    d.sources.append(SourceStatus("survey list", True, f"{lc.rows} rows; {len(lc.new_rows)} new, "
                                  f"{len(lc.changed)} changed class, {len(lc.removed)} removed, "
                                  f"{len(lc.broken)} broken"))
