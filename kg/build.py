"""`kg build`: the survey (list, database, arXiv snapshot) as a graph, offline.

Everything is read and mapped in memory first and written in one transaction at the
end, so bad input never leaves a half-written store, and the graph already stored stays
as it was when a build fails.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph, Literal

from ingest.records import Problem
from ingest.snapshot import load_arxiv_snapshot
from ingest.survey import BUNDLED_DATABASE, BUNDLED_SURVEY_LIST, load_survey_database, load_survey_list
from kg.mapping import Mapped, map_run, map_survey
from kg.resolve import resolve
from kg.tracker.review import curation_update_for
from kg.resources import ONTOLOGY_FILE
from kg.store import Store
from kg.vocab import ID, MSKG, ONTOLOGY_GRAPH as ONTOLOGY, PROV, PROVENANCE, RDF, XSD



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


def load_ontology() -> Graph:
    g = Graph(identifier=ONTOLOGY)
    g.parse(ONTOLOGY_FILE, format="turtle")
    return g


def map_bundled(survey_list: Path | None = None, database: Path | None = None,
                snapshot: Path | None = None) -> tuple[Mapped, list[Problem], list[str], list[str]]:
    """Read, resolve and map the survey sources; no store involved (used by build and benchmarks)."""
    survey = load_survey_list(survey_list)
    db = load_survey_database(database)
    records = load_arxiv_snapshot(snapshot)
    res = resolve(survey, db, records)
    mapped = map_survey(survey, db, records, res)
    mapped.graphs[ONTOLOGY] = load_ontology()
    problems = [*survey.problems, *db.problems, *res.problems]
    return mapped, problems, res.notes, res.backbone_notes


def _activity_update(activity: str, started: datetime, ended: datetime, mapped: Mapped,
                     problems: list[Problem], sources: list[str]) -> str:
    g = Graph()
    act = ID[activity]
    map_run(g, act, "build", started, ended)
    for prop, key in ((MSKG.modelCount, "models"), (MSKG.datasetCount, "datasets"),
                      (MSKG.resultCount, "results"), (MSKG.paperCount, "papers")):
        g.add((act, prop, Literal(mapped.counts.get(key, 0), datatype=XSD.integer)))
    g.add((act, MSKG.problemCount, Literal(len(problems), datatype=XSD.integer)))
    g.add((act, MSKG.tripleCount, Literal(sum(len(x) for x in mapped.graphs.values()), datatype=XSD.integer)))
    for source in sources:
        g.add((act, MSKG.sourceFile, Literal(source)))
    for name, graph in mapped.graphs.items():
        g.add((name, RDF.type, PROV.Entity))
        g.add((name, PROV.wasGeneratedBy, act))
        g.add((name, MSKG.tripleCount, Literal(len(graph), datatype=XSD.integer)))
    deletes = " ;\n".join(
        f"DELETE WHERE {{ GRAPH <{PROVENANCE}> {{ <{name}> ?p ?o }} }}" for name in mapped.graphs
    )
    return f"{deletes} ;\nINSERT DATA {{ GRAPH <{PROVENANCE}> {{\n{g.serialize(format='nt')}}} }}"


def build(store: Store, survey_list: Path | None = None, database: Path | None = None,
          snapshot: Path | None = None) -> BuildReport:
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    mapped, problems, notes, backbone_notes = map_bundled(survey_list, database, snapshot)
    activity = f"activity/build/{started.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
    sources = [str(p) for p in (survey_list or BUNDLED_SURVEY_LIST, database or BUNDLED_DATABASE)]
    ended = datetime.now(timezone.utc)
    extra = _activity_update(activity, started, ended, mapped, problems, sources)
    curation = curation_update_for(store)  # human decisions are re-applied by every build, in the same transaction
    triples = store.replace_graphs(mapped.graphs, f"{extra} ;\n{curation}" if curation else extra)
    store.flush()
    return BuildReport(
        counts=mapped.counts, triples=triples, problems=problems, notes=notes, backbone_notes=backbone_notes,
        seconds=time.perf_counter() - t0, activity=str(ID[activity]),
        graphs={str(k): len(v) for k, v in mapped.graphs.items()},
    )
