"""Discovery: the papers one update run finds, each resolved once against the graph and
the run's other hits (:class:`Hit`), from the arXiv searches of the config, the papers
citing the anchors on Semantic Scholar, and the new rows of the upstream survey list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ingest.http import SourceError
from ingest.ids import slugify
from ingest.records import PaperRecord, SurveyListRow
from kg.tracker.config import DiscoveryConfig
from kg.tracker.paper_index import PaperIndex
from kg.tracker.report import ListChanges, SourceStatus

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


def search_arxiv(d: Discovery, arxiv: Any, config: DiscoveryConfig, start: date, today: date, say: Say) -> None:
    ok = n = 0
    for name, query in config.queries:
        say(f"arXiv: {name}")
        try:
            records = arxiv.search(query, submitted_from=start, submitted_until=today,
                                   max_results=config.max_results_per_query, strict=True)
        except SourceError as exc:
            d.failures.append(f"arXiv search '{name}': {exc}")
            continue
        ok += 1
        for r in records:
            if r.title or r.arxiv_id:
                d.found(r, f"arXiv search '{name}'")
                n += 1
    d.sources.append(SourceStatus("arXiv", ok == len(config.queries),
                                  f"{ok} of {len(config.queries)} searches answered, {n} hits"))


def follow_anchors(d: Discovery, s2: Any, anchors: dict[str, str], start: date, say: Say) -> None:
    ok = n = 0
    for name, arxiv_id in anchors.items():
        say(f"Semantic Scholar: papers citing {name}")
        anchor = d.index.by_arxiv.get(arxiv_id)
        if anchor is None:
            d.failures.append(f"anchor {name} (arXiv {arxiv_id}) is not in the graph; run `kg build` first")
            continue
        try:
            records = s2.citations(f"ARXIV:{arxiv_id}", since=start, strict=True)
        except SourceError as exc:
            d.failures.append(f"Semantic Scholar citations of {name}: {exc}")
            continue
        ok += 1
        for r in records:
            if not (r.title or r.arxiv_id or r.doi):
                continue
            hit = d.found(r, f"cites {name} (Semantic Scholar)")
            hit.cites[anchor] = name
            d.citations.append((hit.iri, anchor, name))
            n += 1
    d.sources.append(SourceStatus("Semantic Scholar", ok == len(anchors),
                                  f"citations of {ok} of {len(anchors)} anchors read, {n} citing papers in the window"))


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
