"""`kg update`: the weekly run that keeps the survey alive.

1. Discovery over a window [start, today]: the arXiv searches of the discovery config
   (kg/data/discovery.toml), the papers citing the anchor papers (Semantic Scholar), and
   the upstream survey list (re-parsed and compared with the version seen last).
2. Every discovered paper is resolved against the graph and the other hits of the run
   (:class:`kg.tracker.enrich.PaperIndex`: arXiv id, DOI, S2 id, normalised title), then
   classified (:class:`kg.tracker.classify.PaperClassifier`, classes from the graph's SKOS
   scheme) and linked (:class:`kg.tracker.linking.Gazetteer`). Relevant new papers are queued in
   ``graph:candidates``; the rest is counted, with the reason, in the digest.
3. Curation decisions (the curation file) are re-applied, and the run is recorded as a
   ``prov:Activity`` with its counts and its window.

Safety. A lock file (``<store>/../update.lock``, :func:`update_lock`) keeps a second run
out. Everything is computed in memory and written in ONE store update at the end, so a run
that fails or is killed leaves the store exactly as it was, and the next run redoes the
work (its window starts at the last *complete* run's end). Existing candidates are never
rewritten, the list snapshot only when the list changed, and citations are a set: a
second run over the same window adds nothing but its own prov:Activity.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import sys
import time
import tomllib
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rdflib import Graph, Literal, URIRef

from ingest.ids import normalise_title, slugify
from ingest.records import PaperRecord, Problem, SurveyListRow
from kg.cli.options import http_options
from kg.tracker.curation import Decision, latest_decisions
from kg.mapping import (
    concept_iri, dataset_iri, map_citation, map_concept, map_live_record, map_run, model_iri,
)
from kg.queries import with_prefixes
from kg.tracker.review import curation_update, taxonomy_categories
from kg.resources import DATA_DIR
from kg.store import Store
from kg.vocab import (
    ARXIV_SNAPSHOT, BIBO, CANDIDATES, CITO, DCTERMS, FOAF, ID, MSKG, PROV, PROVENANCE, RDF, RDFS, SDO,
    SEMANTIC_SCHOLAR, SURVEY_DB, SURVEY_LIST, SURVEY_LIST_UPSTREAM, XSD,
)

if TYPE_CHECKING:  # the heavy modules (HTTP stack, numpy) load only when a run starts
    from ingest.http import HttpPolicy
    from kg.tracker.classify import Category, PaperClassifier

BUNDLED_CONFIG = DATA_DIR / "discovery.toml"
CONFIG_ENV = "MSKG_DISCOVERY_CONFIG"
LIST_URL_ENV = "MSKG_SURVEY_LIST_URL"
DEFAULT_LIST_URL = "https://raw.githubusercontent.com/Hal9000-lab/GMMIS-survey/main/README.md"
LIST_SNAPSHOT = ID["source/survey-list-upstream"]
RDF_JSON = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")
EXIT_LOCKED = 3


# --------------------------------------------------------------------------- configuration


@dataclass
class DiscoveryConfig:
    queries: list[tuple[str, str]]
    anchors: dict[str, str]
    overlap_days: int = 7
    first_run_days: int = 30
    max_results_per_query: int = 300
    list_enabled: bool = True
    list_url: str = DEFAULT_LIST_URL
    path: Path = BUNDLED_CONFIG

    @classmethod
    def load(cls, path: Path | str | None = None) -> DiscoveryConfig:
        """The discovery config (``path``, ``$MSKG_DISCOVERY_CONFIG`` or the bundled one);
        errors name the file and what to fix."""
        path = Path(path or os.environ.get(CONFIG_ENV) or BUNDLED_CONFIG)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValueError(f"{path}: cannot read the discovery config ({exc.strerror})") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML ({exc}); fix the discovery config") from exc
        queries = []
        for i, q in enumerate(data.get("arxiv", {}).get("query", []), 1):
            if not isinstance(q, dict) or not str(q.get("query", "")).strip():
                raise ValueError(f"{path}: [[arxiv.query]] number {i} has no 'query'; give name = ... and query = ...")
            queries.append((str(q.get("name") or q["query"]), str(q["query"])))
        window = data.get("window", {})
        lst = data.get("survey_list", {})
        return cls(
            queries=queries,
            anchors={str(k): str(v) for k, v in data.get("semantic_scholar", {}).get("anchors", {}).items()},
            overlap_days=int(window.get("overlap_days", 7)),
            first_run_days=int(window.get("first_run_days", 30)),
            max_results_per_query=int(data.get("arxiv", {}).get("max_results_per_query", 300)),
            list_enabled=bool(lst.get("enabled", True)),
            list_url=os.environ.get(LIST_URL_ENV) or str(lst.get("url") or DEFAULT_LIST_URL),
            path=path,
        )


# --------------------------------------------------------------------------- report


@dataclass
class SourceStatus:
    name: str
    ok: bool
    note: str


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
    kind: str  # 'in the graph', 'already queued', 'rejected earlier', 'out of scope'
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
        """False only when no discovery source could be used at all."""
        return any(s.ok for s in self.sources)


# --------------------------------------------------------------------------- the lock


class UpdateLocked(RuntimeError):
    """Another `kg update` holds the lock."""


def lock_path_for(location: str | Path | None) -> Path:
    """``<store>/../update.lock`` for a store directory; a per-endpoint file in the cache
    folder for a remote store."""
    from kg.store import store_url

    url = store_url(location) if location is not None else None
    if url is None and location is not None:
        return Path(location).expanduser().resolve().parent / "update.lock"
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "medseg-kg"
    return base / f"update-{hashlib.sha1(str(url).encode()).hexdigest()[:12]}.lock"


@contextlib.contextmanager
def update_lock(path: Path) -> Iterator[None]:
    """An exclusive, non-blocking ``flock``: the kernel releases it when the process dies
    (kill -9 included), so a stale lock file never blocks the next run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip()
            raise UpdateLocked(f"another `kg update` is running ({holder or 'pid unknown'}; lock {path}); "
                               "this run exits without doing anything") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(timezone.utc).isoformat(timespec='seconds')}\n")
        handle.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


# --------------------------------------------------------------------------- the survey list


def _row_key(row: SurveyListRow) -> str:
    return f"model:{slugify(row.name)}" if row.name else f"title:{normalise_title(row.title)}"


def _rows_from_json(rows: list[dict[str, Any]]) -> list[SurveyListRow]:
    return [SurveyListRow(**r) for r in rows]


def diff_survey_lists(old: list[SurveyListRow], new: list[SurveyListRow]) -> tuple[
        list[SurveyListRow], list[tuple[SurveyListRow, SurveyListRow]], list[SurveyListRow]]:
    """(new rows, rows that changed section or class (old, new), removed rows), keyed by the
    model name, or the normalised title for rows without a model."""
    old_by = {_row_key(r): r for r in old}
    new_by = {_row_key(r): r for r in new}
    added = [r for k, r in new_by.items() if k not in old_by]
    changed = [(old_by[k], r) for k, r in new_by.items()
               if k in old_by and (old_by[k].section, old_by[k].category) != (r.section, r.category)]
    removed = [r for k, r in old_by.items() if k not in new_by]
    return added, changed, removed


def _stored_list_snapshot(store: Store) -> tuple[list[SurveyListRow] | None, str]:
    rows = store.select(f"SELECT ?v WHERE {{ GRAPH <{SURVEY_LIST_UPSTREAM}> {{ <{LIST_SNAPSHOT}> <{RDF.value}> ?v }} }}").rows
    if rows:
        payload = json.loads(rows[0]["v"])
        return _rows_from_json(payload["rows"]), f"the version seen on {payload.get('seen', '?')}"
    from ingest.survey import load_survey_list

    return load_survey_list().rows, "the bundled list"


def _known_model_slugs(store: Store) -> set[str]:
    rows = store.select(with_prefixes("""SELECT DISTINCT ?n WHERE { ?m a mskg:Model .
        { ?m rdfs:label ?n } UNION { ?m skos:altLabel ?n } UNION { ?m mskg:listName ?n } }""")).rows
    return {slugify(r["n"]) for r in rows}


# --------------------------------------------------------------------------- helpers


def _decimal(value: float) -> Literal:
    text = format(Decimal(str(round(value, 4))), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


@dataclass
class _Hit:
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


def _select_set(store: Store, sparql: str, var: str = "p") -> set[str]:
    return {r[var] for r in store.select(with_prefixes(sparql)).rows}


def last_window_end(store: Store) -> date | None:
    rows = store.select(with_prefixes(
        "SELECT (MAX(?e) AS ?end) WHERE { GRAPH graph:provenance { ?a a prov:Activity ; mskg:windowEnd ?e } }")).rows
    end = rows[0]["end"] if rows else None
    return date.fromisoformat(str(end)) if end is not None and not isinstance(end, date) else end


def _last_run_started(store: Store) -> datetime | None:
    rows = store.select(with_prefixes("""SELECT (MAX(?s) AS ?start) WHERE { GRAPH graph:provenance {
        ?a a prov:Activity ; mskg:windowStart ?w ; prov:startedAtTime ?s } }""")).rows
    value = rows[0]["start"] if rows else None
    return value if isinstance(value, datetime) else None


# --------------------------------------------------------------------------- the run


def run_update(store: Store, *, policy: HttpPolicy, config: DiscoveryConfig | None = None,
               since: date | None = None, today: date | None = None, curation_file: Path | None = None,
               digest_dir: Path | None = None, arxiv_source: Any = None, s2_source: Any = None,
               classifier: PaperClassifier | None = None, progress: Any = None) -> UpdateReport:
    """One update run (see the module docstring). Sources are built on ``policy`` unless
    given; ``progress`` is called with short status strings."""
    from ingest.arxiv import ArxivSource
    from ingest.http import SourceError
    from ingest.semantic_scholar import SemanticScholarSource
    from ingest.survey import load_survey_database, parse_survey_list
    from kg.tracker.classify import PaperClassifier, load_training_examples
    from kg.tracker.enrich import PaperIndex
    from kg.tracker.linking import Gazetteer

    say = progress or (lambda _msg: None)
    config = config or DiscoveryConfig.load()
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    today = today or date.today()
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    activity = f"activity/update/{stamp}-{uuid.uuid4().hex[:8]}"
    act = ID[activity]

    # ---- what the graph knows
    index = PaperIndex.from_store(store)
    existing = set(index.facts)
    survey_papers = _select_set(store, f"""SELECT DISTINCT ?p WHERE {{ GRAPH ?g {{ ?p a mskg:Paper }}
        FILTER(?g IN (<{SURVEY_LIST}>, <{SURVEY_DB}>, <{ARXIV_SNAPSHOT}>)) }}""")
    queued = _select_set(store, f"SELECT DISTINCT ?p WHERE {{ GRAPH <{CANDIDATES}> {{ ?p a mskg:Paper }} }}")
    decisions: dict[str, Decision] = latest_decisions(curation_file) if curation_file and curation_file.exists() else {}
    categories: list[Category] = taxonomy_categories(store)
    labels = {c.label for c in categories}

    if since is not None:
        window_start = since
    else:
        last = last_window_end(store)
        window_start = last - timedelta(days=config.overlap_days) if last else today - timedelta(days=config.first_run_days)
    sources: list[SourceStatus] = []
    failures: list[str] = []
    hits: dict[str, _Hit] = {}
    order: list[str] = []

    def found(record: PaperRecord, how: str) -> _Hit:
        iri = index.find(record)
        existed = iri is not None and iri in existing
        iri, _ = index.resolve(record)
        hit = hits.get(iri)
        if hit is None:
            hit = hits[iri] = _Hit(iri, existed)
            order.append(iri)
        hit.records.append(record)
        if how not in hit.found_by:
            hit.found_by.append(how)
        return hit

    # ---- (a) arXiv searches
    if config.queries:
        arxiv = arxiv_source or ArxivSource(policy)
        ok, n = 0, 0
        for name, query in config.queries:
            say(f"arXiv: {name}")
            try:
                records = arxiv.search(query, submitted_from=window_start, submitted_until=today,
                                       max_results=config.max_results_per_query, strict=True)
            except SourceError as exc:
                failures.append(f"arXiv search '{name}': {exc}")
                continue
            ok += 1
            for r in records:
                if r.title or r.arxiv_id:
                    found(r, f"arXiv search '{name}'")
                    n += 1
        sources.append(SourceStatus("arXiv", ok == len(config.queries),
                                    f"{ok} of {len(config.queries)} searches answered, {n} hits"))

    # ---- (b) papers citing the anchors
    citations: list[tuple[str, str, str]] = []  # (citing IRI, anchor IRI, anchor name)
    if config.anchors:
        s2 = s2_source or SemanticScholarSource(policy)
        ok, n = 0, 0
        for name, arxiv_id in config.anchors.items():
            say(f"Semantic Scholar: papers citing {name}")
            anchor = index.by_arxiv.get(arxiv_id)
            if anchor is None:
                failures.append(f"anchor {name} (arXiv {arxiv_id}) is not in the graph; run `kg build` first")
                continue
            try:
                records = s2.citations(f"ARXIV:{arxiv_id}", since=window_start, strict=True)
            except SourceError as exc:
                failures.append(f"Semantic Scholar citations of {name}: {exc}")
                continue
            ok += 1
            for r in records:
                if not (r.title or r.arxiv_id or r.doi):
                    continue
                hit = found(r, f"cites {name} (Semantic Scholar)")
                hit.cites[anchor] = name
                citations.append((hit.iri, anchor, name))
                n += 1
        sources.append(SourceStatus("Semantic Scholar", ok == len(config.anchors),
                                    f"citations of {ok} of {len(config.anchors)} anchors read, {n} citing papers in the window"))

    # ---- (c) the upstream survey list
    list_changes: ListChanges | None = None
    list_snapshot_update = ""
    if config.list_enabled:
        say("survey list")
        lc = list_changes = ListChanges(url=config.list_url)
        try:
            response = policy.get(config.list_url, source="survey list")
            text = response.content.decode("utf-8", errors="replace")
            parsed = parse_survey_list(Path(config.list_url.rsplit("/", 1)[-1] or "README.md"), text=text)
            if not parsed.rows:
                raise ValueError("no paper table in the file (is the URL right, or is it an error page?)")
        except (SourceError, ValueError) as exc:
            lc.note = f"{config.list_url}: {exc}"
            failures.append(f"survey list: {lc.note}")
            sources.append(SourceStatus("survey list", False, lc.note))
        else:
            lc.fetched = True
            lc.rows = len(parsed.rows)
            previous, lc.compared_with = _stored_list_snapshot(store)
            lc.new_rows, lc.changed, lc.removed = diff_survey_lists(previous, parsed.rows)
            lc.broken = list(parsed.problems)
            known_models = _known_model_slugs(store)
            for row in lc.new_rows:
                record = PaperRecord(source="survey-list", title=row.title, arxiv_id=row.arxiv_id, doi=row.doi,
                                     url=row.link)
                model_is_new = row.name is not None and slugify(row.name) not in known_models
                paper_is_new = index.find(record) is None
                if model_is_new or (row.name is None and paper_is_new):
                    hit = found(record, f"survey list line {row.line}")
                    hit.list_row = row
                    lc.new_models.append(row.name or row.title)
            lc.new_classes = sorted({r.category for r in parsed.rows} - labels)
            sources.append(SourceStatus("survey list", True, f"{lc.rows} rows; {len(lc.new_rows)} new, "
                                        f"{len(lc.changed)} changed class, {len(lc.removed)} removed, "
                                        f"{len(lc.broken)} broken"))
            # Stored only when it changed (or was never stored): a re-run over an unchanged list writes nothing.
            rows_now = [asdict(r) for r in parsed.rows]
            if lc.compared_with == "the bundled list" or [asdict(r) for r in previous] != rows_now:
                payload = {"url": config.list_url, "seen": today.isoformat(), "rows": rows_now}
                g = Graph()
                g.add((LIST_SNAPSHOT, RDF.type, PROV.Entity))
                g.add((LIST_SNAPSHOT, RDFS.label, Literal("the upstream survey list as last seen by kg update")))
                g.add((LIST_SNAPSHOT, RDF.value, Literal(json.dumps(payload, ensure_ascii=False, sort_keys=True),
                                                          datatype=RDF_JSON)))
                g.add((LIST_SNAPSHOT, PROV.atLocation, URIRef(config.list_url)))
                g.add((LIST_SNAPSHOT, PROV.wasGeneratedBy, act))
                list_snapshot_update = (f"DROP SILENT GRAPH <{SURVEY_LIST_UPSTREAM}> ;\n"
                                        f"INSERT DATA {{ GRAPH <{SURVEY_LIST_UPSTREAM}> {{\n{g.serialize(format='nt')}}} }}")

    # ---- classify, link, queue
    say("classifying")
    if classifier is None:
        classifier = PaperClassifier(categories, load_training_examples())
    gazetteer = Gazetteer.from_survey_database(load_survey_database())
    cand = Graph()
    candidates: list[Queued] = []
    skipped: list[Skipped] = []
    write_to_candidates: set[str] = set(queued)
    for iri in order:
        hit = hits[iri]
        title = hit.title
        decision = decisions.get(iri)
        if iri in survey_papers:
            skipped.append(Skipped(iri, title, "in the graph", "already a paper of the survey"))
            continue
        if decision is not None and decision.status == "rejected":
            skipped.append(Skipped(iri, title, "rejected earlier", f"rejected on {decision.decided}; not proposed again"))
            continue
        if iri in queued:
            skipped.append(Skipped(iri, title, "already queued", f"already in the review queue ({decision.status if decision else 'candidate'})"))
            continue
        if not title:
            skipped.append(Skipped(iri, iri, "no title", "the source gave no title; nothing to classify"))
            continue
        text = title + "\n" + (hit.abstract or "")
        if hit.list_row is not None:
            row = hit.list_row
            category, confidence = row.category, 1.0
            evidence: dict[str, Any] = {"reason": f"a new row (line {row.line}) of the upstream survey list, class "
                                                  f"'{row.category}'" + (f", model '{row.name}'" if row.name else ""),
                                        "classifier": "survey list", "survey_list_line": row.line}
            if row.name:
                evidence["model"] = row.name
        else:
            prediction = classifier.classify(title, hit.abstract)
            if not prediction.relevant:
                reason = str(prediction.evidence.get("reason", "out of scope"))
                skipped.append(Skipped(iri, title, "out of scope", f"{reason} (confidence {prediction.confidence:.2f})"))
                continue
            category, confidence = str(prediction.category), float(prediction.confidence)
            evidence = {"classifier": "kg.tracker.classify.PaperClassifier", **prediction.evidence}
        links = gazetteer.link(text)
        evidence = {"found_by": hit.found_by, **evidence,
                    "links": [{"kind": ln.kind, "key": ln.key, "text": ln.evidence} for ln in links]}
        paper = URIRef(iri)
        for r in hit.records:
            if r.source == "survey-list":
                known = index.known(iri)
                if r.title and known.title is None:
                    cand.add((paper, DCTERMS.title, Literal(r.title)))
                    known.title = r.title
                if r.arxiv_id and known.arxiv_id is None:
                    cand.add((paper, MSKG.arxivId, Literal(r.arxiv_id)))
                    known.arxiv_id = r.arxiv_id
                if r.doi and known.doi is None:
                    cand.add((paper, BIBO.doi, Literal(r.doi)))
                    known.doi = r.doi
                if r.url:
                    cand.add((paper, FOAF.page, URIRef(r.url)))
                cand.add((paper, RDF.type, MSKG.Paper))
            else:
                map_live_record(cand, paper, r, index.known(iri))
        if hit.list_row is not None and hit.list_row.code:
            cand.add((paper, SDO.codeRepository, URIRef(hit.list_row.code)))
        concept = concept_iri(category)
        if category not in labels:
            # A class new in the upstream list: stated here so the candidate can point at it.
            section = hit.list_row.section if hit.list_row else category
            map_concept(cand, category, broader=None if section == category else section)
            if section != category and section not in {c.section for c in categories}:
                map_concept(cand, section)
        cand.add((paper, MSKG.predictedCategory, concept))
        cand.add((paper, MSKG.confidence, _decimal(confidence)))
        cand.add((paper, MSKG.evidence, Literal(json.dumps(evidence, ensure_ascii=False, sort_keys=True))))
        cand.add((paper, PROV.wasGeneratedBy, act))
        for ln in links:
            if ln.kind == "dataset":
                cand.add((paper, MSKG.mentionsDataset, dataset_iri(ln.key)))
            elif ln.kind == "model":
                cand.add((paper, MSKG.mentionsModel, model_iri(ln.key)))
            else:
                cand.add((paper, MSKG.mentionsModality, Literal(ln.key)))
        write_to_candidates.add(iri)
        candidates.append(Queued(iri, title, hit.arxiv_id, category, round(confidence, 4), list(hit.found_by),
                                 sorted({f"{ln.kind}:{ln.key}" for ln in links})))

    # ---- citations of the anchors (a set: only the new ones count)
    existing_cites: set[tuple[str, str]] = set()
    if citations:
        anchors = " ".join(f"<{a}>" for a in {a for _, a, _ in citations})
        existing_cites = {(r["p"], r["a"]) for r in store.select(
            f"SELECT DISTINCT ?p ?a WHERE {{ ?p <{CITO.cites}> ?a VALUES ?a {{ {anchors} }} }}").rows}
    s2_graph = Graph()
    new_citations: list[tuple[str, str]] = []
    for citing, anchor, name in dict.fromkeys(citations):
        if (citing, anchor) in existing_cites or citing == anchor:
            continue
        if citing in write_to_candidates:
            map_citation(cand, URIRef(citing), URIRef(anchor))
        elif citing in existing:
            map_citation(s2_graph, URIRef(citing), URIRef(anchor))
        else:
            continue  # an out-of-scope paper new to the graph: not stored, so neither is its citation
        new_citations.append((hits[citing].title or citing, name))

    # ---- accepted since the last run (for the digest)
    accepted: list[AcceptedPaper] = []
    previous_start = _last_run_started(store)
    titles = {r["p"]: r["t"] for r in store.select(with_prefixes(
        "SELECT ?p (SAMPLE(?t0) AS ?t) WHERE { ?p a mskg:Paper ; dcterms:title ?t0 } GROUP BY ?p")).rows}
    for d in decisions.values():
        if d.status == "accepted" and (previous_start is None or d.decided >= previous_start.date()):
            accepted.append(AcceptedPaper(d.paper, titles.get(d.paper), d.category, d.decided))

    # ---- one write
    complete = all(s.ok for s in sources) and not any(f.startswith("anchor ") for f in failures)
    ended = datetime.now(timezone.utc)
    report = UpdateReport(started, ended, window_start, today, complete, sources, len(hits), candidates, skipped,
                          accepted, new_citations, list_changes, failures, None, 0.0)
    if report.did_anything:
        say("writing")
        parts = []
        if len(cand):
            parts.append(f"INSERT DATA {{ GRAPH <{CANDIDATES}> {{\n{cand.serialize(format='nt')}}} }}")
        if len(s2_graph):
            parts.append(f"INSERT DATA {{ GRAPH <{SEMANTIC_SCHOLAR}> {{\n{s2_graph.serialize(format='nt')}}} }}")
        if list_snapshot_update:
            parts.append(list_snapshot_update)
        parts.append(curation_update(decisions))
        written = [CANDIDATES] if len(cand) else []
        written += [SEMANTIC_SCHOLAR] if len(s2_graph) else []
        written += [SURVEY_LIST_UPSTREAM] if list_snapshot_update else []
        parts.append(_activity_update(act, report, written, policy))
        store.update(" ;\n".join(parts))
        store.flush()
        report.activity = str(act)
    report.ended = datetime.now(timezone.utc)
    report.seconds = time.perf_counter() - t0
    if digest_dir is not None:
        from kg.tracker.digest import write_digest

        report.digest, report.feed = write_digest(report, digest_dir)
    return report


def _activity_update(act: URIRef, r: UpdateReport, graphs: list[URIRef], policy: HttpPolicy) -> str:
    g = Graph()
    map_run(g, act, "update", r.started, r.ended)
    g.add((act, MSKG.windowStart, Literal(r.window_start.isoformat(), datatype=XSD.date)))
    if r.complete:
        g.add((act, MSKG.windowEnd, Literal(r.window_end.isoformat(), datatype=XSD.date)))
    for prop, value in ((MSKG.papersDiscovered, r.discovered), (MSKG.candidatesAdded, len(r.candidates)),
                        (MSKG.papersAdded, len(r.candidates)), (MSKG.papersSkipped, len(r.skipped)),
                        (MSKG.citationsAdded, len(r.new_citations)),
                        (MSKG.failureCount, len(r.failures))):
        g.add((act, prop, Literal(value, datatype=XSD.integer)))
    for s in r.sources:
        g.add((act, RDFS.comment, Literal(f"{s.name}: {'ok' if s.ok else 'failed'}; {s.note}")))
    for name in graphs:
        g.add((name, RDF.type, PROV.Entity))
        g.add((name, PROV.wasGeneratedBy, act))
    deletes = [f"DELETE WHERE {{ GRAPH <{PROVENANCE}> {{ <{n}> <{PROV.wasGeneratedBy}> ?a }} }}" for n in graphs]
    return " ;\n".join([*deletes, f"INSERT DATA {{ GRAPH <{PROVENANCE}> {{\n{g.serialize(format='nt')}}} }}"])


# --------------------------------------------------------------------------- CLI


@click.command("update")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Start of the search window (default: the last complete run's end minus the overlap; "
                   "a first run: the config's first_run_days back).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=f"Discovery config (default: ${CONFIG_ENV} or the bundled kg/data/discovery.toml).")
@click.option("--digest-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the Markdown digest and the Atom feed (default: <store>/../digests).")
@click.option("--curation", "curation", type=click.Path(dir_okay=False, path_type=Path),
              help="The curation file (default: $MSKG_CURATION_FILE or <store>/../curation.toml).")
@http_options
@click.pass_context
def update(ctx: click.Context, since: datetime | None, config_path: Path | None, digest_dir: Path | None,
           curation: Path | None, record_dir: Path | None, replay_dir: Path | None, no_cache: bool, budget: float) -> None:
    """Find the papers that appeared since the last run, classify and queue them for review, write a digest.

    Exit status: 0 when at least one source could be used, 1 when none could (nothing
    written), 3 when another update holds the lock."""
    from rich.console import Console

    from kg.tracker.enrich import make_policy
    from kg.tracker.review import curation_file_for
    from kg.store import StoreError, default_store_location, store_url

    console = Console(stderr=True)
    location = (ctx.find_root().obj or {}).get("store") or default_store_location()
    try:
        config = DiscoveryConfig.load(config_path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if store_url(location) is None and not Path(location).expanduser().exists():
        # Opening for writing would create an empty store; an update needs the built survey graph.
        raise click.ClickException(f"no graph at {location}; run `kg build` first (or pass --store / set MSKG_STORE)")
    try:
        with update_lock(lock_path_for(location)):
            try:
                store = Store.open(location)
            except StoreError as exc:
                raise click.ClickException(str(exc)) from exc
            if not taxonomy_categories(store):
                raise click.ClickException(f"the store at {store.location} has no taxonomy; run `kg build` first")
            folder = digest_dir or (Path(store.path).expanduser().resolve().parent / "digests"
                                    if store.url is None else Path("digests"))
            cfile = curation or curation_file_for(store, location)
            policy = make_policy(cache=not no_cache, record_dir=record_dir, replay_dir=replay_dir,
                                 wait_budget_seconds=budget)
            with console.status("updating") as status:
                report = run_update(store, policy=policy, config=config, since=since.date() if since else None,
                                    curation_file=cfile, digest_dir=folder,
                                    progress=lambda msg: status.update(f"updating: {msg}"))
    except UpdateLocked as exc:
        console.print(f"[red]{exc}[/red]")
        sys.exit(EXIT_LOCKED)
    for s in report.sources:
        console.print(f"[{'green' if s.ok else 'red'}]{s.name}[/]: {'ok' if s.ok else 'FAILED'}; {s.note}")
    console.print(f"window {report.window_start} to {report.window_end}"
                  + ("" if report.complete else " (incomplete: searched again next run)"))
    console.print(f"{report.discovered} papers discovered; {len(report.candidates)} queued, {len(report.skipped)} skipped, "
                  f"{len(report.new_citations)} new citations")
    lc = report.list_changes
    if lc is not None and lc.fetched:
        console.print(f"survey list: {len(lc.new_rows)} new rows ({len(lc.new_models)} new models queued), "
                      f"{len(lc.changed)} changed class, {len(lc.removed)} removed, {len(lc.broken)} broken rows")
    for f in report.failures:
        console.print(f"  [red]failed[/red]: {f}")
    console.print(f"digest: {report.digest}; feed: {report.feed}")
    console.print(f"done in {report.seconds:.1f} s" + (f"; run {report.activity}" if report.activity else "; nothing written"))
    if not report.did_anything:
        sys.exit(1)
