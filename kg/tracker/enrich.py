"""`kg enrich`: refresh every tracked paper from arXiv and Semantic Scholar, add the
references of tracked papers and the papers citing the anchor papers.

Identity: a record meets an existing paper by arXiv id, DOI, Semantic Scholar id or
normalised title, in that order, so a preprint and its published version stay one node
(also when Semantic Scholar lists both in one reference list). New papers get an IRI
from their first identifier and keep it when another identifier appears later.

Safety: all writes of a run go to the store in one transaction at the end, per-subject
(refreshed papers replace their own triples in the source's graph; nothing else is
removed), so an unreachable source or a failed run keeps what is stored.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import Graph, Literal, URIRef

from ingest.arxiv import ArxivSource, arxiv_api_url
from ingest.http import HttpPolicy, SourceError, build_policy
from ingest.ids import normalise_title, slugify
from ingest.records import PaperRecord
from ingest.semantic_scholar import SemanticScholarSource, s2_api_url
from kg.mapping import KnownFacts, map_citation, map_live_record, map_run, paper_iri
from kg.queries import with_prefixes
from kg.resolve import MIN_TITLE_LEN, paper_key
from kg.store import Store
from kg.vocab import (
    ARXIV, ARXIV_SNAPSHOT, CITO, ID, MSKG, PROV, PROVENANCE, RDF, RDFS, SEMANTIC_SCHOLAR, SURVEY_DB, SURVEY_LIST, XSD,
)

DEFAULT_ANCHORS: dict[str, str] = {"SAM": "2304.02643", "SAM 2": "2408.00714", "MedSAM": "2304.12306"}
TRACKED_GRAPHS = (SURVEY_LIST, SURVEY_DB, ARXIV_SNAPSHOT)
MIN_INTERVAL_ENV = "MSKG_HTTP_MIN_INTERVAL"  # seconds between requests to each source host (default: each source's own)


def default_cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "medseg-kg" / "http"


class PaperIndex:
    """Every paper of the graph by identifier and normalised title, plus what each one
    already states, so records from live sources resolve to existing nodes."""

    def __init__(self) -> None:
        self.by_arxiv: dict[str, str] = {}
        self.by_doi: dict[str, str] = {}
        self.by_s2: dict[str, str] = {}
        self.by_title: dict[str, str] = {}
        self.facts: dict[str, KnownFacts] = {}
        self.tracked: list[str] = []

    @classmethod
    def from_store(cls, store: Store, exclude_graphs: tuple[URIRef, ...] = ()) -> "PaperIndex":
        index = cls()
        excluded = " ".join(f"<{g}>" for g in exclude_graphs) or "<urn:none>"
        rows = store.select(with_prefixes(f"""
            SELECT ?p ?g ?title ?arxiv ?doi ?s2 ?issued ?abstract WHERE {{
              GRAPH ?g {{ ?p a mskg:Paper .
                OPTIONAL {{ ?p dcterms:title ?title }} OPTIONAL {{ ?p mskg:arxivId ?arxiv }}
                OPTIONAL {{ ?p bibo:doi ?doi }} OPTIONAL {{ ?p mskg:s2PaperId ?s2 }}
                OPTIONAL {{ ?p dcterms:issued ?issued }} OPTIONAL {{ ?p dcterms:abstract ?abstract }} }}
              FILTER(?g NOT IN ({excluded.replace(' ', ', ')}))
            }}""")).rows
        tracked_graphs = {str(g) for g in TRACKED_GRAPHS}
        for row in rows:
            p = row["p"]
            facts = index.facts.setdefault(p, KnownFacts())
            if row["title"] and facts.title is None:
                facts.title = row["title"]
                index.by_title.setdefault(normalise_title(row["title"]), p)
            if row["arxiv"]:
                facts.arxiv_id = row["arxiv"]
                index.by_arxiv.setdefault(row["arxiv"], p)
            if row["doi"]:
                facts.doi = row["doi"]
                index.by_doi.setdefault(row["doi"], p)
            if row["s2"]:
                index.by_s2.setdefault(row["s2"], p)
            facts.issued |= row["issued"] is not None
            facts.abstract |= row["abstract"] is not None
            if row["g"] in tracked_graphs and p not in index.tracked:
                index.tracked.append(p)
        return index

    def find(self, r: PaperRecord) -> str | None:
        for table, key in ((self.by_arxiv, r.arxiv_id), (self.by_doi, r.doi), (self.by_s2, r.s2_paper_id)):
            if key and key in table:
                return table[key]
        t = normalise_title(r.title)
        if len(t) >= MIN_TITLE_LEN and t in self.by_title:
            return self.by_title[t]
        return None

    def resolve(self, r: PaperRecord) -> tuple[str, bool]:
        """(IRI, is_new). A new paper is registered at once, so a second record of the same
        paper later in the run (its published version, say) meets it."""
        found = self.find(r)
        if found is None:
            if r.arxiv_id or r.doi or r.title:
                key = paper_key(r.arxiv_id, r.doi, r.title)
            else:
                key = f"paper/s2/{slugify(r.s2_paper_id or uuid.uuid4().hex)}"
            found = str(paper_iri(key))
            self.facts[found] = KnownFacts()
            new = True
        else:
            new = False
        for table, value in ((self.by_arxiv, r.arxiv_id), (self.by_doi, r.doi), (self.by_s2, r.s2_paper_id)):
            if value:
                table.setdefault(value, found)
        t = normalise_title(r.title)
        if len(t) >= MIN_TITLE_LEN:
            self.by_title.setdefault(t, found)
        return found, new

    def known(self, iri: str) -> KnownFacts:
        return self.facts.setdefault(iri, KnownFacts())

    def identifiers(self, iri: str) -> dict[str, str | None]:
        facts = self.known(iri)
        s2 = next((k for k, v in self.by_s2.items() if v == iri), None)
        return {"arxiv": facts.arxiv_id, "doi": facts.doi, "s2": s2}


@dataclass
class SourceOutcome:
    name: str
    reachable: bool = True
    papers: int = 0
    new_papers: int = 0
    citations: int = 0
    failures: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class EnrichReport:
    outcomes: list[SourceOutcome]
    conflicts: list[str]
    activity: str | None
    seconds: float

    @property
    def did_anything(self) -> bool:
        return any(o.reachable and (o.papers or o.citations) for o in self.outcomes)


class _GraphWrite:
    """Triples for one source graph plus the subjects whose old triples they replace."""

    def __init__(self, name: URIRef) -> None:
        self.name = name
        self.graph = Graph()
        self.refreshed: set[str] = set()  # metadata subjects (old non-citation triples removed)
        self.references_refreshed: set[str] = set()  # papers whose old outgoing citations are removed

    def update(self) -> str:
        parts = []
        for s in sorted(self.refreshed):
            parts.append(f"DELETE {{ GRAPH <{self.name}> {{ <{s}> ?p ?o }} }} WHERE {{ GRAPH <{self.name}> "
                         f"{{ <{s}> ?p ?o FILTER(?p != <{CITO.cites}>) }} }}")
        for s in sorted(self.references_refreshed):
            parts.append(f"DELETE WHERE {{ GRAPH <{self.name}> {{ <{s}> <{CITO.cites}> ?o }} }}")
        if len(self.graph):
            parts.append(f"INSERT DATA {{ GRAPH <{self.name}> {{\n{self.graph.serialize(format='nt')}}} }}")
        return " ;\n".join(parts)


def _outcome_from_report(outcome: SourceOutcome, policy: HttpPolicy, host_hint: str) -> None:
    for failure in policy.report.failures:
        if host_hint in failure.source.lower() or host_hint in failure.url.lower():
            outcome.failures.append(str(failure))


def enrich(store: Store, *, policy: HttpPolicy, use_arxiv: bool = True, use_s2: bool = True,
           references: bool = True, anchors: Mapping[str, str] | None = None, since: date | None = None,
           arxiv_source=None, s2_source=None) -> EnrichReport:  # type: ignore[no-untyped-def]
    """Enrich the tracked papers. Sources are built on ``policy`` unless given (tests give
    sources pointed at a local server through the same environment variables)."""
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    index = PaperIndex.from_store(store, exclude_graphs=(ARXIV, SEMANTIC_SCHOLAR))
    anchors = dict(DEFAULT_ANCHORS if anchors is None else anchors)
    conflicts: list[str] = []
    added: set[str] = set()  # papers first written by this run
    outcomes: list[SourceOutcome] = []
    writes: list[_GraphWrite] = []

    def write_record(w: _GraphWrite, r: PaperRecord, iri: str | None = None) -> tuple[str, bool]:
        new = False
        if iri is None:
            iri, new = index.resolve(r)
        else:
            index.resolve(r)  # register the record's identifiers under the known IRI
        conflicts.extend(map_live_record(w.graph, URIRef(iri), r, index.known(iri)))
        w.refreshed.add(iri)
        return iri, new

    if use_arxiv:
        out = SourceOutcome("arXiv")
        w = _GraphWrite(ARXIV)
        wanted = {index.known(p).arxiv_id: p for p in index.tracked if index.known(p).arxiv_id}
        source = arxiv_source or ArxivSource(policy)
        try:
            records = source.fetch(list(wanted), strict=False)
        except SourceError as exc:
            records, out.reachable, out.note = [], False, str(exc)
        for r in records:
            write_record(w, r, wanted.get(r.arxiv_id))
            out.papers += 1
        _outcome_from_report(out, policy, "arxiv")
        if wanted and not records and out.failures:
            out.reachable, out.note = False, out.note or out.failures[0]
        outcomes.append(out)
        writes.append(w)

    if use_s2:
        out = SourceOutcome("Semantic Scholar")
        w = _GraphWrite(SEMANTIC_SCHOLAR)
        source = s2_source or SemanticScholarSource(policy)
        asked: dict[str, str] = {}
        for p in index.tracked:
            ids = index.identifiers(p)
            key = f"ARXIV:{ids['arxiv']}" if ids["arxiv"] else (f"DOI:{ids['doi']}" if ids["doi"] else None)
            if key:
                asked[key] = p
        try:
            found = source.papers(list(asked), strict=False)
        except SourceError as exc:
            found, out.reachable, out.note = {}, False, str(exc)
        s2_ids: dict[str, str] = {}
        for key, r in found.items():
            iri, _ = write_record(w, r, asked[key])
            out.papers += 1
            if r.s2_paper_id:
                s2_ids[iri] = r.s2_paper_id
        if asked and not found and policy.report.failures:
            out.reachable = False
            out.note = out.note or str(policy.report.failures[-1])
        if out.reachable and references:
            for citing, s2_id in s2_ids.items():
                try:
                    refs = source.references(s2_id, strict=True)
                except SourceError:
                    continue  # reported in the policy's report; this paper keeps its stored references
                w.references_refreshed.add(citing)
                for ref in refs:
                    if not (ref.title or ref.arxiv_id or ref.doi or ref.s2_paper_id):
                        continue
                    existing = index.find(ref)
                    if existing and existing not in added:
                        cited, new = existing, False  # known before this run: its own graphs describe it
                    else:
                        cited, new = write_record(w, ref, existing)  # new, or a second version of a new one
                        added.add(cited)
                    out.new_papers += int(new)
                    map_citation(w.graph, URIRef(citing), URIRef(cited))
                    out.citations += 1
        if out.reachable and anchors:
            for name, arxiv_id in anchors.items():
                anchor_iri = index.by_arxiv.get(arxiv_id)
                if anchor_iri is None:
                    conflicts.append(f"anchor {name} (arXiv {arxiv_id}) is not in the graph; skipped")
                    continue
                try:
                    citing_records = source.citations(f"ARXIV:{arxiv_id}", since=since, strict=True)
                except SourceError:
                    continue
                for r in citing_records:
                    found_iri = index.find(r)
                    if found_iri is None or found_iri in added:
                        new = found_iri is None
                        found_iri, _ = write_record(w, r, found_iri)
                        added.add(found_iri)
                        out.new_papers += int(new)
                    map_citation(w.graph, URIRef(found_iri), URIRef(anchor_iri))
                    out.citations += 1
        _outcome_from_report(out, policy, "semantic")
        outcomes.append(out)
        writes.append(w)

    activity = None
    updates = [w.update() for w in writes if w.refreshed or len(w.graph)]
    if updates:
        ended = datetime.now(timezone.utc)
        activity = f"activity/enrich/{started.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
        updates.append(_activity_update(activity, started, ended, outcomes, [w.name for w in writes if len(w.graph)]))
        store.update(" ;\n".join(u for u in updates if u))
        store.flush()
    return EnrichReport(outcomes, conflicts, str(ID[activity]) if activity else None, time.perf_counter() - t0)


def _activity_update(activity: str, started: datetime, ended: datetime, outcomes: list[SourceOutcome],
                     graphs: list[URIRef]) -> str:
    g = Graph()
    act = ID[activity]
    map_run(g, act, "enrich", started, ended)
    g.add((act, MSKG.papersEnriched, Literal(sum(o.papers for o in outcomes), datatype=XSD.integer)))
    g.add((act, MSKG.papersAdded, Literal(sum(o.new_papers for o in outcomes), datatype=XSD.integer)))
    g.add((act, MSKG.citationsAdded, Literal(sum(o.citations for o in outcomes), datatype=XSD.integer)))
    g.add((act, MSKG.failureCount, Literal(sum(len(o.failures) for o in outcomes), datatype=XSD.integer)))
    for o in outcomes:
        g.add((act, RDFS.comment, Literal(f"{o.name}: {'reachable' if o.reachable else 'unreachable'}; "
                                          f"{o.papers} papers, {o.new_papers} new, {o.citations} citations")))
    for name in graphs:
        g.add((name, RDF.type, PROV.Entity))
        g.add((name, PROV.wasGeneratedBy, act))
    deletes = " ;\n".join(f"DELETE WHERE {{ GRAPH <{PROVENANCE}> {{ <{n}> <{PROV.wasGeneratedBy}> ?a }} }}" for n in graphs)
    insert = f"INSERT DATA {{ GRAPH <{PROVENANCE}> {{\n{g.serialize(format='nt')}}} }}"
    return f"{deletes} ;\n{insert}" if deletes else insert


def make_policy(*, cache: bool = True, record_dir: Path | None = None, replay_dir: Path | None = None,
                **overrides) -> HttpPolicy:  # type: ignore[no-untyped-def]
    """The run's one HTTP policy: shared cache, rate limits, wait budget and report.
    The Semantic Scholar key is registered as a secret so it never reaches logs or reports."""
    secrets = [k for k in (os.environ.get("S2_API_KEY"),) if k]
    interval = os.environ.get(MIN_INTERVAL_ENV)
    if interval and "rate_limits" not in overrides:
        # Tests and local mirrors: one politeness interval for every configured source host.
        urls = [arxiv_api_url(), s2_api_url(), os.environ.get("MSKG_SURVEY_LIST_URL") or ""]
        overrides["rate_limits"] = {urlsplit(u).netloc.lower(): float(interval) for u in urls if u}
    return build_policy(default_cache_dir() if cache and not replay_dir else None,
                        record_dir=record_dir, replay_dir=replay_dir, secrets=secrets, **overrides)


