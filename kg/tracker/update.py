"""`kg update`: the weekly run that keeps the survey alive.

1. Discovery over a window [start, today] (:mod:`kg.tracker.discover`): the arXiv searches
   of the discovery config, the papers citing the anchor papers (Semantic Scholar), and
   the upstream survey list (:mod:`kg.tracker.upstream_list`).
2. Placement (:mod:`kg.tracker.place`): every hit resolved against the graph and the run,
   classified (classes from the graph's SKOS scheme) and linked; relevant new papers are
   queued in ``graph:candidates``; the rest is counted, with the reason, in the digest.
3. Curation decisions (the curation file) are re-applied, and the run is recorded as a
   ``prov:Activity`` with its counts and its window.

Safety. The lock (:mod:`kg.tracker.lock`) keeps a second run out. Everything is computed
in memory and written in ONE store update at the end, so a run that fails or is killed
leaves the store exactly as it was, and the next run redoes the work (its window starts at
the last *complete* run's end). Existing candidates are never rewritten, the list snapshot
only when the list changed, and citations are a set: a second run over the same window
adds nothing but its own prov:Activity.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from ingest.curation import Decision, latest_decisions
from ingest.http import HttpPolicy
from kg.known_models import known_names, known_papers, known_papers_in
from kg.mapping import Run, curation_update, insert_update, map_citation, provenance_update
from kg.mapping.curated import curated_facts
from kg.paths import results_table_file
from kg.queries import internal, join_updates
from kg.schemes import adoption_update, scheme_in_force
from kg.store import Store
from kg.taxonomy import taxonomy_categories
from kg.tracker.classify import PaperClassifier
from kg.tracker.config import DiscoveryConfig
from kg.tracker.discover import Discovery, add_list_rows, follow_anchors, search_arxiv
from kg.tracker.paper_index import PaperIndex
from kg.tracker.place import Placement, Placer
from kg.tracker.report import AcceptedPaper, ListChanges, UpdateReport
from kg.tracker.schemes import examples_in_force, list_version_labels
from kg.tracker.upstream_list import known_model_slugs, read_upstream_list
from kg.vocab import CANDIDATES, MSKG, SEMANTIC_SCHOLAR, SURVEY_LIST_UPSTREAM, TAXONOMY_STAGED, XSD


def last_window_end(store: Store) -> date | None:
    rows = store.select(internal("last-window-end")).rows
    end = rows[0]["end"] if rows else None
    return date.fromisoformat(str(end)) if end is not None and not isinstance(end, date) else end


def _last_run_started(store: Store) -> datetime | None:
    rows = store.select(internal("last-update-start")).rows
    value = rows[0]["start"] if rows else None
    return value if isinstance(value, datetime) else None


def _window_start(store: Store, config: DiscoveryConfig, since: date | None, today: date) -> date:
    if since is not None:
        return since
    last = last_window_end(store)
    return last - timedelta(days=config.overlap_days) if last else today - timedelta(days=config.first_run_days)


@dataclass
class _Citations:
    """The new citations of the anchors (a set: only those not stored count)."""

    for_candidates: Graph
    for_s2: Graph
    new: list[tuple[str, str]]


def _new_citations(store: Store, d: Discovery, placed: Placement) -> _Citations:
    out = _Citations(placed.graph, Graph(), [])
    if not d.citations:
        return out
    anchors = sorted({a for _, a, _ in d.citations})
    stored = {(r["p"], r["a"]) for r in store.select(internal("citations-of-anchors", anchors=anchors)).rows}
    for citing, anchor, name in dict.fromkeys(d.citations):
        if (citing, anchor) in stored or citing == anchor:
            continue
        if citing in placed.written:
            map_citation(out.for_candidates, URIRef(citing), URIRef(anchor))
        elif citing in d.existing:
            map_citation(out.for_s2, URIRef(citing), URIRef(anchor))
        else:
            continue  # an out-of-scope paper new to the graph: not stored, so neither is its citation
        out.new.append((d.hits[citing].title or citing, name))
    return out


def _accepted_since_last_run(store: Store, decisions: dict[str, Decision]) -> list[AcceptedPaper]:
    previous_start = _last_run_started(store)
    recent = [d for d in decisions.values()
              if d.status == "accepted" and (previous_start is None or d.decided >= previous_start.date())]
    if not recent:
        return []
    titles = {r["p"]: r["t"] for r in store.select(internal("titles-of-papers", papers=[d.paper for d in recent])).rows}
    return [AcceptedPaper(d.paper, titles.get(d.paper), d.category, d.decided) for d in recent]


def _discover(store: Store, d: Discovery, policy: HttpPolicy, config: DiscoveryConfig, start: date, today: date,
              run: Run, sources: dict[str, Any], say: Callable[[str], None]) -> tuple[ListChanges | None, str]:
    from ingest.arxiv import ArxivSource
    from ingest.semantic_scholar import SemanticScholarSource

    if config.queries:
        search_arxiv(d, sources.get("arxiv") or ArxivSource(policy), config, start, today, say)
    if config.anchors:
        follow_anchors(d, sources.get("s2") or SemanticScholarSource(policy), config.anchors, start, say)
    if not config.list_enabled:
        return None, ""
    say("survey list")
    lc, rows, snapshot_update = read_upstream_list(store, policy, config.list_url, today, run.iri)
    labels = {c.label for c in taxonomy_categories(store)} | list_version_labels(lc.scheme_change)
    add_list_rows(d, lc, rows, known_model_slugs(store), labels)
    return lc, snapshot_update


def _curated_facts(store: Store, decisions: dict[str, Decision], placed: Placement) -> Graph:
    """Accepted models and the maintainer's results, re-derived like every decision (a bad row
    fails the run before anything is written)."""
    table = results_table_file(store.url or store.path)
    papers = known_papers(store) | known_papers_in([placed.graph])
    return curated_facts(decisions.values(), known_names(store), table if table and table.exists() else None, papers)


def _write(store: Store, report: UpdateReport, run: Run, placed: Placement, cites: _Citations,
           snapshot_update: str, decisions: dict[str, Decision], curation_file: Path | None) -> None:
    """The run's one transaction: candidates, citations, list snapshot, curation, provenance."""
    written = ([CANDIDATES] if len(placed.graph) else []) + ([SEMANTIC_SCHOLAR] if len(cites.for_s2) else []) \
        + ([SURVEY_LIST_UPSTREAM] if snapshot_update else []) \
        + ([TAXONOMY_STAGED] if report.list_changes and report.list_changes.scheme_change
           and report.list_changes.scheme_change.staged_now else [])
    extra = Graph()
    extra.add((run.iri, MSKG.windowStart, Literal(report.window_start.isoformat(), datatype=XSD.date)))
    if report.complete:
        extra.add((run.iri, MSKG.windowEnd, Literal(report.window_end.isoformat(), datatype=XSD.date)))
    counts = {MSKG.papersDiscovered: report.discovered, MSKG.candidatesAdded: len(report.candidates),
              MSKG.papersAdded: len(report.candidates), MSKG.papersSkipped: len(report.skipped),
              MSKG.citationsAdded: len(report.new_citations), MSKG.failureCount: len(report.failures)}
    comments = [f"{s.name}: {'ok' if s.ok else 'failed'}; {s.note}" for s in report.sources]
    store.update(join_updates([
        insert_update(CANDIDATES, placed.graph), insert_update(SEMANTIC_SCHOLAR, cites.for_s2), snapshot_update,
        curation_update(decisions, _curated_facts(store, decisions, placed)), adoption_update(store, curation_file),
        provenance_update(run, datetime.now(timezone.utc), counts=counts, comments=comments, graphs=written,
                          extra=extra),
    ]))
    store.flush()


def run_update(store: Store, *, policy: HttpPolicy, config: DiscoveryConfig | None = None,
               since: date | None = None, today: date | None = None, curation_file: Path | None = None,
               digest_dir: Path | None = None, arxiv_source: Any = None, s2_source: Any = None,
               classifier: PaperClassifier | None = None,
               progress: Callable[[str], None] | None = None) -> UpdateReport:
    """One update run (see the module docstring). Sources are built on ``policy`` unless
    given; ``progress`` is called with short status strings."""
    from ingest.survey import load_survey_database
    from kg.tracker.classify import load_training_examples
    from kg.tracker.classify_reviewed import classifier_for_update
    from kg.tracker.linking import Gazetteer

    say = progress or (lambda _msg: None)
    config = config or DiscoveryConfig.load()
    run = Run("update")
    t0 = time.perf_counter()
    today = today or date.today()
    start = _window_start(store, config, since, today)
    d = Discovery(PaperIndex.from_store(store))
    decisions = latest_decisions(curation_file) if curation_file and curation_file.exists() else {}
    categories = taxonomy_categories(store)
    lc, snapshot_update = _discover(store, d, policy, config, start, today, run,
                                    {"arxiv": arxiv_source, "s2": s2_source}, say)
    say("classifying")
    # The classifier learns from every curation decision (accepted = a labelled paper,
    # rejected = a near miss), and trains on the scheme in force (older classes mapped
    # through the crosswalk).
    examples = examples_in_force(store, load_training_examples())
    placer = Placer(classifier or classifier_for_update(store, categories, decisions, examples),
                    Gazetteer.from_survey_database(load_survey_database()), categories,
                    {r["p"] for r in store.select(internal("survey-papers")).rows},
                    {r["p"] for r in store.select(internal("queued-papers")).rows}, decisions, run.iri,
                    scheme_in_force(store), lc.scheme_change if lc else None)
    placed = placer.place(d)
    cites = _new_citations(store, d, placed)
    complete = all(s.ok for s in d.sources) and not any(f.startswith("anchor ") for f in d.failures)
    report = UpdateReport(run.started, datetime.now(timezone.utc), start, today, complete, d.sources, len(d.hits),
                          placed.queued, placed.skipped, _accepted_since_last_run(store, decisions), cites.new, lc,
                          d.failures, None, 0.0)
    if report.did_anything:
        say("writing")
        _write(store, report, run, placed, cites, snapshot_update, decisions, curation_file)
        report.activity = str(run.iri)
    report.ended = datetime.now(timezone.utc)
    report.seconds = time.perf_counter() - t0
    if digest_dir is not None:
        from kg.tracker.digest import write_digest

        report.digest, report.feed = write_digest(report, digest_dir)
    return report
