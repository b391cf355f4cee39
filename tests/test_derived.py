"""The derived graph (kg.derived): every aggregate it holds is what its question answers on the
facts, it changes in the same transaction as the facts, the app's readers get the same rows
from it as from the questions, and `kg validate` fails, naming the aggregate, when one disagrees."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg.cli import main
from kg.derived import (TOP_PAPERS, derive_update, derived_problems, expected_rows, has_derived, pagerank_rows,
                        ranked_citations, stored_rows, write_pagerank)
from kg.mapping import insert_update
from kg.queries import internal, with_prefixes
from kg.restore import restore
from kg.stats import class_counts
from kg.store import Store
from kg.synthetic import generate
from kg.vocab import CANDIDATES, CITO, DERIVED, FABIO, ID, MSKG, RDF, TAXONOMY_SCHEME, XSD


def _copy(store_dir: Path, tmp_path: Path) -> Store:
    target = tmp_path / "copy"
    shutil.copytree(store_dir, target, ignore=shutil.ignore_patterns("LOCK"))
    return Store(target)


def test_a_build_derives_every_aggregate_as_its_question_answers(store: Store) -> None:
    assert has_derived(store)
    stored, expected = stored_rows(store), expected_rows(store)
    for name, rows in expected.items():
        assert rows, f"{name}: the survey graph has rows to aggregate"
        assert stored[name] == rows, name
    assert derived_problems(store) == []
    counts = dict(stored["class-counts"])
    assert counts["papers"] == 92 and counts["models"] == 83 and counts["runs"] == 1


def test_the_pagerank_rows_are_networkx_pagerank_of_the_citation_links(store: Store) -> None:
    rows = pagerank_rows(store)
    assert rows is not None
    ranked, links, citing = rows
    g = nx.DiGraph((str(r["a"]), str(r["b"])) for r in store.select(internal("citations")).rows)
    rank = nx.pagerank(g)
    assert links == g.number_of_edges() == 90 and citing == 1
    assert len(ranked) == min(TOP_PAPERS, g.number_of_nodes())
    assert all(abs(rank[p] - r) < 1e-9 for p, r in ranked)
    assert [r for _, r in ranked] == sorted((r for _, r in ranked), reverse=True)


@pytest.mark.parametrize(("derived", "computed", "iris"), [
    ("derived-papers-per-year-per-section", "papers-per-year-per-section", {}),
    ("taxonomy-of-scheme-derived", "taxonomy-of-scheme", {"scheme": str(TAXONOMY_SCHEME)}),
    ("leaderboard-datasets-derived", "leaderboard-datasets", {}),
])
def test_the_apps_derived_questions_give_the_computed_rows(store: Store, derived: str, computed: str,
                                                          iris: dict[str, str]) -> None:
    got = store.select(internal(derived, **iris)).rows
    assert got and got == store.select(internal(computed, **iris)).rows


def test_class_counts_read_the_derived_graph_and_fall_back_when_it_is_absent(store_dir: Path, tmp_path: Path) -> None:
    copy = _copy(store_dir, tmp_path)
    derived = class_counts(copy)
    copy.update(internal("drop-graph", graph=str(DERIVED)), derive=False)
    assert not has_derived(copy) and pagerank_rows(copy) is None
    assert class_counts(copy) == derived  # computed on the spot, the same numbers
    assert derived_problems(copy) == []  # nothing to check on a store without it


def _candidate(n: int) -> Graph:
    g = Graph()
    paper = ID[f"paper/test/derived-{n}"]
    g.add((paper, RDF.type, MSKG.Paper))
    g.add((paper, RDF.type, FABIO.Preprint))
    g.add((paper, CITO.cites, URIRef(str(ID) + "paper/arxiv/2304.12306")))
    g.add((paper, MSKG.reviewStatus, Literal("candidate")))
    return g


def test_a_write_and_its_aggregates_land_together_and_a_write_without_them_fails_validate(
        store_dir: Path, tmp_path: Path) -> None:
    copy = _copy(store_dir, tmp_path)
    papers = dict(stored_rows(copy)["class-counts"])["papers"]
    copy.update(insert_update(CANDIDATES, _candidate(1)), then=derive_update(None))
    assert dict(stored_rows(copy)["class-counts"])["papers"] == papers + 1
    # The citation links changed in that transaction, PageRank is written by the next: until
    # then readers do not use the old ranks, and validate says which aggregate is behind.
    assert pagerank_rows(copy) is None
    assert [p for p in derived_problems(copy) if "'pagerank'" in p]
    write_pagerank(copy)
    assert pagerank_rows(copy) is not None and derived_problems(copy) == []
    copy.update(insert_update(CANDIDATES, _candidate(2)), derive=False)  # as a client outside kg would
    problems = derived_problems(copy)
    assert any("'class-counts'" in p for p in problems), problems
    copy.update(insert_update(CANDIDATES, _candidate(3)))  # any write through the store derives them
    assert dict(stored_rows(copy)["class-counts"])["papers"] == papers + 3
    assert not [p for p in derived_problems(copy) if "'class-counts'" in p]


def test_validate_fails_naming_a_tampered_aggregate(store_dir: Path, tmp_path: Path) -> None:
    copy = _copy(store_dir, tmp_path)
    row = next(r for r in copy.select(internal("derived-rows")).rows if r["name"] == "best-dice")
    bad = Graph()
    rows = copy.select(internal("graph-triples", graph=str(DERIVED))).rows
    iri = next(r["s"] for r in rows if r["p"] == str(MSKG.aggregateSubject) and r["o"] == row["subject"]
               and any(x["s"] == r["s"] and x["o"] == row["framework"] for x in rows))
    bad.add((URIRef(iri), MSKG.bestDice, Literal("1.5", datatype=XSD.decimal)))
    copy.update(insert_update(DERIVED, bad), derive=False)
    problems = derived_problems(copy)
    assert len(problems) == 1 and "aggregate 'best-dice' disagrees" in problems[0], problems
    del copy
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "copy"), "validate"])
    assert result.exit_code == 1
    assert "aggregate 'best-dice' disagrees" in " ".join(result.output.split())


def test_a_restored_dump_without_the_derived_graph_gets_it(tmp_path: Path) -> None:
    generate(tmp_path / "syn.nq", 400, 7)
    restore(tmp_path / "s", tmp_path / "syn.nq")
    store = Store(tmp_path / "s", read_only=True)
    assert has_derived(store) and derived_problems(store) == []
    ranked, links, _ = ranked_citations(store)
    assert links > 0 and pagerank_rows(store) == (ranked[:TOP_PAPERS], links, pagerank_rows(store)[2])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_views_neighbourhood_from_the_store_is_the_one_in_memory(tmp_path: Path, seed: int) -> None:
    from kg.ui.citations import _edges_around, neighbourhood

    rnd = random.Random(seed)
    g = nx.gnm_random_graph(60, 150, seed=seed, directed=True)
    links = Graph()
    for a, b in g.edges:
        links.add((ID[f"paper/t/{a}"], CITO.cites, ID[f"paper/t/{b}"]))
    store = Store(tmp_path / "s")
    store.update(insert_update(CANDIDATES, links))
    del store
    full = nx.DiGraph((str(s), str(o)) for s, _, o in links)
    for _ in range(4):
        focus, radius = str(ID[f"paper/t/{rnd.choice(list(g.nodes))}"]), rnd.randint(1, 3)
        want = neighbourhood(full, focus, radius) if focus in full else nx.DiGraph()
        got = set(_edges_around(str(tmp_path / "s"), "v", focus, radius))
        assert got == set(want.edges), (focus, radius)


def test_the_provenance_graph_keeps_one_derivation_whatever_the_number_of_writes(
        store: Store, store_dir: Path, tmp_path: Path) -> None:  # store: the build has run
    """Every write recomputes the aggregates; the derived graph's provenance is its last
    derivation's, so the provenance graph does not grow by an activity per write."""
    copy = _copy(store_dir, tmp_path)
    ask = "SELECT ?a WHERE { GRAPH graph:provenance { ?a a mskg:Derivation } }"
    for n in range(1, 4):
        copy.update(insert_update(CANDIDATES, _candidate(n)))
        derivations = [r["a"] for r in copy.select(with_prefixes(ask)).rows]
        assert len(derivations) == 1, derivations
    generated = copy.select(with_prefixes(
        f"SELECT ?a WHERE {{ GRAPH graph:provenance {{ <{DERIVED}> prov:wasGeneratedBy ?a }} }}")).rows
    assert [r["a"] for r in generated] == derivations
