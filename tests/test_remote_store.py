"""Remote stores: the same commands and answers against a real `oxigraph serve` over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from kg.queries import saved_queries, with_prefixes
from kg.remote_store import RemoteStore, endpoints
from kg.serve import free_port, oxigraph_server
from kg.store import Store, StoreError, store_url
from kg.vocab import PROVENANCE

KG = [sys.executable, "-m", "kg.cli"]


def kg(*args: str, store: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSKG_STORE": store, "COLUMNS": "200"}
    proc = subprocess.run([*KG, *args], capture_output=True, text=True, env=env, timeout=300, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"kg {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A writable Oxigraph server on a free port, on its own directory, for this module."""
    with oxigraph_server(tmp_path_factory.mktemp("remote") / "oxigraph", writable=True, union=False) as running:
        yield running.url


@pytest.fixture(scope="module")
def built(server: str) -> str:
    proc = kg("build", store=server)
    assert "Dice results 1041" in proc.stderr and "unresolved: none" in proc.stderr
    assert server in proc.stderr.replace("\n", "")
    return server


def answers(store: Store, text: str) -> list[dict]:
    return store.select(with_prefixes(text)).rows


def test_urls_are_recognised_even_after_pathlib(server: str) -> None:
    assert store_url("http://127.0.0.1:7878") == "http://127.0.0.1:7878"
    assert store_url(Path("http://127.0.0.1:7878/query")) == "http://127.0.0.1:7878/query"  # Path collapses //
    assert store_url("/var/lib/store") is None and store_url(None) is None
    assert endpoints("http://h:7878") == ("http://h:7878/query", "http://h:7878/update",
                                          ["http://h:7878/store", "http://h:7878/data"])
    assert endpoints("http://h:3030/ds/sparql")[:2] == ("http://h:3030/ds/sparql", "http://h:3030/ds/update")
    assert isinstance(Store.open(server), RemoteStore)
    assert isinstance(Store.open(Path(server)), RemoteStore)


def test_every_saved_question_answers_as_on_the_local_store(built: str, store: Store) -> None:
    remote = Store.open(built, read_only=True)
    for q in saved_queries():
        if q.name == "provenance-of-builds":  # two builds, two runs: times differ
            continue
        assert answers(remote, q.text) == answers(store, q.text), q.name


def test_named_graphs_and_their_content_match(built: str, store: Store) -> None:
    remote = Store.open(built)
    assert remote.named_graphs() == store.named_graphs()
    sizes, local_sizes = remote.graph_sizes(), store.graph_sizes()
    for g in store.named_graphs():
        if g == str(PROVENANCE):
            continue
        assert sizes[g] == local_sizes[g]
        assert set(to_canonical_graph(remote.to_rdflib([g]))) == set(to_canonical_graph(store.to_rdflib([g]))), g
    assert not remote.is_empty()
    assert sum(1 for _ in remote.quads()) == sum(sizes.values())


def test_stats_export_and_validate_through_the_cli(built: str, tmp_path: Path) -> None:
    stats = json.loads(kg("stats", "--json", store=built).stdout)
    assert stats["classes"]["models"] == 83 and stats["classes"]["results"] == 1041
    assert stats["last_build"] is not None
    out = tmp_path / "graph.nq"
    kg("export", "--format", "nquads", "-o", str(out), store=built)
    graphs = {line.rsplit(" ", 2)[-2] for line in out.read_text().splitlines() if line}
    assert "<https://w3id.org/medseg-kg/graph/survey-db>" in graphs
    assert "conforms" in kg("validate", store=built).stderr
    rows = json.loads(kg("query", "lineage-of-medsam2", "-f", "json", store=built).stdout)
    assert [r["ancestor"] for r in rows] == ["SAM 2", "SAM"]


def test_writes_blank_nodes_and_replaces_graphs_atomically(server: str) -> None:
    remote = Store.open(server)
    name = URIRef("https://w3id.org/medseg-kg/graph/test-remote")
    g = Graph()
    node = BNode()
    g.add((URIRef("urn:x:a"), URIRef("urn:x:p"), node))
    g.add((node, URIRef("urn:x:label"), Literal("ein Knoten", lang="de")))
    assert remote.replace_graphs({name: g}) == 2
    assert remote.graph_sizes()[str(name)] == 2
    rows = answers(remote, "SELECT ?l WHERE { <urn:x:a> <urn:x:p> ?b . ?b <urn:x:label> ?l }")
    assert rows == [{"l": "ein Knoten"}]
    # A failing update request leaves the graph as it was: no DROP without its INSERT.
    with pytest.raises(StoreError):
        remote.replace_graphs({name: Graph()}, extra_update="LOAD <http://127.0.0.1:1/nothing> INTO GRAPH <urn:x:g>")
    assert remote.graph_sizes()[str(name)] == 2
    assert remote.replace_graphs({name: Graph()}) == 0
    assert str(name) not in remote.named_graphs()


def test_read_only_and_unreachable_stores_say_so(server: str) -> None:
    with pytest.raises(StoreError, match="read-only"):
        Store.open(server, read_only=True).update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }")
    dead = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match="cannot reach the SPARQL endpoint"):
        Store.open(dead)
    proc = kg("stats", store=dead, check=False)
    assert proc.returncode != 0 and "cannot reach the SPARQL endpoint" in proc.stderr
