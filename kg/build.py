"""`kg build`: the survey (list, database, arXiv snapshot) as a graph, offline.

Everything is read and mapped in memory first and written in one transaction at the
end, so bad input never leaves a half-written store, and the graph already stored stays
as it was when a build fails.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal

from ingest.records import Problem
from ingest.snapshot import SNAPSHOT_PATH, load_arxiv_snapshot
from ingest.survey import BUNDLED_DATABASE, BUNDLED_SURVEY_LIST, load_survey_database, load_survey_list
from ingest.curation import latest_decisions
from kg.mapping import Mapped, Run, curation_update, provenance_update
from kg.mapping.survey import map_survey_reported
from kg.known_models import known_names_in, known_papers, known_papers_in
from kg.mapping.curated import curated_facts
from kg.paths import curation_file, results_table_file
from kg.schemes import adoption_update
from kg.people import PeopleReport
from kg.resolve import resolve
from kg.resources import ONTOLOGY_FILE
from kg.store import Store
from kg.queries import join_updates
from kg.vocab import MSKG, ONTOLOGY_GRAPH


@dataclass
class BuildReport:
    counts: dict[str, int]
    triples: int
    problems: list[Problem]
    notes: list[str]
    backbone_notes: list[str]
    seconds: float
    activity: str
    graphs: dict[str, int] = field(default_factory=dict)
    # How authors were matched across sources: `kg build -v` prints people.merges and
    # people.near_misses (one line each) under the counts people.people and people.merged.
    people: PeopleReport | None = None


def load_ontology() -> Graph:
    g = Graph(identifier=ONTOLOGY_GRAPH)
    g.parse(ONTOLOGY_FILE, format="turtle")
    return g


def source_file_name(path: Path) -> str:
    """How provenance names a source file: relative to the package's checkout for the
    bundled data ('ingest/data/gmmis'), else by name and checksum, never by the absolute
    path of the machine that built the graph."""
    path = Path(path).resolve()
    root = Path(__file__).resolve().parents[1]
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    digest = hashlib.sha256()
    for f in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if f.is_file():
            digest.update(f.relative_to(path).as_posix().encode() if path.is_dir() else b"")
            digest.update(f.read_bytes())
    return f"{path.name} (sha256 {digest.hexdigest()})"


def map_bundled(survey_list: Path | None = None, database: Path | None = None,
                snapshot: Path | None = None) -> tuple[Mapped, list[Problem], list[str], list[str]]:
    """Read, resolve and map the survey sources; no store involved (used by build and benchmarks)."""
    mapped, problems, notes, backbone_notes, _ = map_bundled_reported(survey_list, database, snapshot)
    return mapped, problems, notes, backbone_notes


def map_bundled_reported(survey_list: Path | None = None, database: Path | None = None, snapshot: Path | None = None
                         ) -> tuple[Mapped, list[Problem], list[str], list[str], PeopleReport]:
    """:func:`map_bundled` with the people report."""
    survey = load_survey_list(survey_list)
    db = load_survey_database(database)
    records = load_arxiv_snapshot(snapshot)
    res = resolve(survey, db, records)
    result = map_survey_reported(survey, db, records, res)
    mapped = result.mapped
    mapped.graphs[ONTOLOGY_GRAPH] = load_ontology()
    problems = [*survey.problems, *db.problems, *res.problems, *result.problems]
    return mapped, problems, res.notes, res.backbone_notes, result.people


def build(store: Store, survey_list: Path | None = None, database: Path | None = None,
          snapshot: Path | None = None) -> BuildReport:
    run = Run("build", started=_now())
    t0 = time.perf_counter()
    mapped, problems, notes, backbone_notes, people = map_bundled_reported(survey_list, database, snapshot)
    extra = Graph()
    for source in (survey_list or BUNDLED_SURVEY_LIST, database or BUNDLED_DATABASE, snapshot or SNAPSHOT_PATH):
        extra.add((run.iri, MSKG.sourceFile, Literal(source_file_name(source))))
    counts = {MSKG.modelCount: mapped.counts.get("models", 0), MSKG.datasetCount: mapped.counts.get("datasets", 0),
              MSKG.resultCount: mapped.counts.get("results", 0), MSKG.paperCount: mapped.counts.get("papers", 0),
              MSKG.problemCount: len(problems), MSKG.tripleCount: sum(len(x) for x in mapped.graphs.values())}
    provenance = provenance_update(run, _now(), counts=counts, comments=[],
                                   graphs={name: len(graph) for name, graph in mapped.graphs.items()}, extra=extra)
    # Human decisions are re-applied by every build, in the same transaction.
    adoption = adoption_update(store, curation_file(store.url or store.path))  # the taxonomy version in force
    curation = _curation_update_for(store, mapped)
    triples = store.replace_graphs(mapped.graphs, join_updates([provenance, curation, adoption]))
    store.flush()
    return BuildReport(
        counts=mapped.counts, triples=triples, problems=problems, notes=notes, backbone_notes=backbone_notes,
        seconds=time.perf_counter() - t0, activity=str(run.iri),
        graphs={str(k): len(v) for k, v in mapped.graphs.items()}, people=people,
    )


def _now() -> datetime:
    """Now, to the second: HermiT (the OWL check) rejects the microseconds rdflib would write,
    and a build's start and end are not measured to the microsecond anyway."""
    return datetime.now(timezone.utc).replace(microsecond=0)


def _curation_update_for(store: Store, mapped: Mapped) -> str:
    """The curation update for ``store``'s curation file and results table ('' when there is
    neither): a build drops and refills the survey graphs, never the candidate or curation
    graphs, but re-applying keeps the files the single source of truth. Computed before
    anything is written, so a bad decision or table row fails the build and stores nothing."""
    where = store.url or store.path
    path = curation_file(where)
    decisions = latest_decisions(path) if path is not None and path.exists() else {}
    table = results_table_file(where)
    table = table if table is not None and table.exists() else None
    if not decisions and table is None:
        return ""
    known = known_names_in(mapped.graphs.values())
    papers = known_papers(store) | known_papers_in(mapped.graphs.values())
    return curation_update(decisions, curated_facts(decisions.values(), known, table, papers))
