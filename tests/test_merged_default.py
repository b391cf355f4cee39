"""Each fact counted once: the store keeps the merge of its named graphs in its default graph
(kg.store_merge), and every entry point reads it, while GRAPH ?g still tells the sources apart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.queries import with_prefixes
from kg.sparql_guard import run_guarded
from kg.store import Store
from kg.store_merge import merge_problems, touched_graphs
from kg.vocab import ARXIV, CANDIDATES, GRAPH, SURVEY_DB

PAPERS_ALL = with_prefixes("SELECT (COUNT(*) AS ?n) WHERE { ?p a mskg:Paper }")
PAPERS_DISTINCT = with_prefixes("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a mskg:Paper }")
PAPER_QUADS = with_prefixes("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?p a mskg:Paper } }")
A, B = str(GRAPH["test-a"]), str(GRAPH["test-b"])
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
T = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <urn:T> }"


def count(store: Store, text: str) -> int:
    return int(store.select(text).rows[0]["n"])


def test_every_paper_is_counted_once_though_sources_repeat_it(store: Store) -> None:
    papers = count(store, PAPERS_DISTINCT)
    assert papers == 92
    assert count(store, PAPERS_ALL) == papers  # was 199: one row per source stating the type
    assert count(store, PAPER_QUADS) > papers  # the sources still say it apiece
    assert merge_problems(store) == []


def test_kg_query_and_the_apps_console_count_once(store_dir: Path, build_report: object) -> None:
    env = {**os.environ, "MSKG_STORE": str(store_dir), "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "query", "--format", "json",
                           "SELECT (COUNT(*) AS ?n) WHERE { ?p a mskg:Paper }"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [{"n": 92}]
    guarded = run_guarded(
        store_dir, "SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/medseg-kg/ontology#Paper> }")
    assert guarded.rows[0]["n"] == 92, guarded


def _graphs(store: Store) -> dict[str, set[str]]:
    return {g: {str(q.subject) for q in store.quads(g)} for g in store.named_graphs()}


def test_a_fact_stays_while_one_source_states_it_and_goes_with_the_last() -> None:
    store = Store(None)
    store.update(f"INSERT DATA {{ GRAPH <{A}> {{ <urn:x> a <urn:T> }} GRAPH <{B}> {{ <urn:x> a <urn:T> . "
                 f"<urn:y> a <urn:T> }} }}")
    assert count(store, T) == 2
    store.update(f"DROP GRAPH <{B}>")
    assert count(store, T) == 1  # urn:x: graph A still states it; urn:y went with B
    store.update(with_prefixes("DELETE WHERE { GRAPH graph:test-a { ?s a <urn:T> } }"))  # the prefixed form
    assert count(store, T) == 0
    assert merge_problems(store) == []


def test_replace_graphs_and_an_update_of_unknown_graphs_keep_the_merge() -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    store = Store(None)
    one = Graph()
    one.add((URIRef("urn:x"), RDF.type, URIRef("urn:T")))
    store.replace_graphs({URIRef(A): one, URIRef(B): one})
    assert count(store, T) == 1
    store.replace_graphs({URIRef(A): Graph()})
    assert count(store, T) == 1  # B still says it
    store.update("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }")  # graphs not named
    assert touched_graphs("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }") is None
    assert count(store, T) == 0 and merge_problems(store) == []


def test_the_graphs_of_an_update_are_read_from_its_text() -> None:
    assert touched_graphs(f"DROP SILENT GRAPH <{ARXIV}>") == {str(ARXIV)}
    assert touched_graphs(with_prefixes("INSERT DATA { GRAPH graph:candidates { <urn:a> <urn:b> 1 } }")) == {
        str(CANDIDATES)}
    assert touched_graphs("CLEAR ALL") is None and touched_graphs("COPY <urn:a> TO <urn:b>") is None
    commented = "# GRAPH <https://w3id.org/medseg-kg/graph/x>\nINSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }"
    assert touched_graphs(commented) is None  # a comment names no graph


def test_a_bulk_load_and_a_restore_leave_a_merged_store(tmp_path: Path) -> None:
    data = tmp_path / "d.nq"
    data.write_text(f'<urn:x> {RDF_TYPE} <urn:T> <{A}> .\n<urn:x> {RDF_TYPE} <urn:T> <{B}> .\n'
                    f'_:b {RDF_TYPE} <urn:T> <{B}> .\n')
    store = Store(tmp_path / "loaded")
    store.bulk_load(data, ox.RdfFormat.N_QUADS)
    assert count(store, T) == 2 and store.quad_count() == 3 and merge_problems(store) == []
    del store
    assert CliRunner().invoke(main, ["--store", str(tmp_path / "restored"), "restore", str(data)]).exit_code == 0
    restored = Store(tmp_path / "restored", read_only=True)
    assert count(restored, T) == 2 and merge_problems(restored) == []
    assert sum(1 for _ in restored.quads()) == 3  # the merge is derived, never exported


def test_a_store_written_before_the_merge_is_merged_on_its_next_write_open(tmp_path: Path) -> None:
    path = tmp_path / "old"
    raw = ox.Store(str(path))  # as an older medseg-kg left it: named graphs only
    for g in (A, B):
        raw.add(ox.Quad(ox.NamedNode("urn:x"), RDF_TYPE, ox.NamedNode("urn:T"), ox.NamedNode(g)))
    raw.flush()
    del raw
    with pytest.warns(UserWarning, match="older medseg-kg"):
        old = Store(path, read_only=True)
    assert count(old, T) == 2  # the union, duplicates and all, until it is merged
    assert merge_problems(old) and "older medseg-kg" in merge_problems(old)[0]
    del old
    Store(path)  # opened for writing: merged
    assert count(Store(path, read_only=True), T) == 1


def test_kg_validate_fails_on_a_merge_changed_behind_kg(tmp_path: Path) -> None:
    path = tmp_path / "s"
    store = Store(path)
    store.update(f"INSERT DATA {{ GRAPH <{SURVEY_DB}> {{ <urn:x> a <urn:T> }} }}")
    store._ox.add(ox.Quad(ox.NamedNode("urn:stale"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o")))  # default graph
    store._ox.remove(ox.Quad(ox.NamedNode("urn:x"), RDF_TYPE, ox.NamedNode("urn:T")))
    store.flush()
    problems = merge_problems(store)
    assert len(problems) == 2 and "no named graph states" in problems[0] and "missing" in problems[1]
    del store
    result = CliRunner().invoke(main, ["--store", str(path), "validate"])
    assert result.exit_code == 1 and "merge" in result.output, result.output


def test_a_write_to_a_live_graph_keeps_the_merge_by_difference() -> None:
    """The live graphs (kg.store_merge.GROWING) are merged by adding what is new and dropping
    what went: the same answers as the small graphs' way."""
    store = Store(None)
    store.update(f"INSERT DATA {{ GRAPH <{ARXIV}> {{ <urn:x> a <urn:T> . <urn:y> a <urn:T> }} "
                 f"GRAPH <{SURVEY_DB}> {{ <urn:x> a <urn:T> }} }}")
    assert count(store, T) == 2
    store.update(f"DELETE DATA {{ GRAPH <{ARXIV}> {{ <urn:x> a <urn:T> . <urn:y> a <urn:T> }} }} ; "
                 f"INSERT DATA {{ GRAPH <{ARXIV}> {{ <urn:z> a <urn:T> }} }}")
    assert count(store, T) == 2  # x stays (the database says it), y went, z came
    assert {r["s"] for r in store.select("SELECT ?s WHERE { ?s a <urn:T> }").rows} == {"urn:x", "urn:z"}
    assert merge_problems(store) == []
