"""`Store.bulk_load`: line files loaded in pieces on several threads must give the same graph
as one load, blank nodes included, and a bad line must be named."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.store import Store, StoreError
from kg.synthetic import generate

NQ = ox.RdfFormat.N_QUADS


def _graphs(store: ox.Store) -> dict[str, Graph]:
    """Each named graph as an rdflib Graph (through N-Triples, so blank nodes stay blank)."""
    out: dict[str, Graph] = {}
    for name in store.named_graphs():
        g = Graph()
        g.parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=name).decode(), format="nt")
        out[name.value] = g
    return out


def test_pieces_on_threads_give_the_graph_of_one_load(tmp_path: Path) -> None:
    data = tmp_path / "synthetic.nq"
    counts = generate(data, 300, seed=3)
    assert b"_:" in data.read_bytes()  # the ontology's OWL lists: blank nodes across the file
    one = ox.Store()
    one.bulk_load(path=str(data), format=NQ)

    store = Store(tmp_path / "store")
    # ~4 KB pieces: hundreds of them, so blank-node lines are spread over many pieces
    store.bulk_load(data, NQ, workers=2, piece_bytes=4096)
    assert store.quad_count() == len(one)
    assert store.quad_count() <= counts.quads
    ours, theirs = _graphs(store._ox), _graphs(one)
    assert set(ours) == set(theirs)
    for name, g in theirs.items():
        assert isomorphic(ours[name], g), name
    del store
    # persisted and compacted: a read-only reopen sees everything
    assert Store(tmp_path / "store", read_only=True).quad_count() == len(one)


def test_a_blank_node_split_across_pieces_stays_one_node(tmp_path: Path) -> None:
    lines = ['_:list <http://www.w3.org/1999/02/22-rdf-syntax-ns#first> <http://e/a> <http://e/g> .']
    lines += [f'<http://e/s{i}> <http://e/p> "{"x" * 40}" <http://e/g> .' for i in range(500)]
    lines += ['_:list <http://www.w3.org/1999/02/22-rdf-syntax-ns#rest> <http://e/tail> <http://e/g> .']
    data = tmp_path / "split.nq"
    data.write_text("\n".join(lines) + "\n")
    store = Store(tmp_path / "store")
    store.bulk_load(data, NQ, workers=2, piece_bytes=2048)
    subjects = {q.subject for q in store.quads() if isinstance(q.subject, ox.BlankNode)}
    assert len(subjects) == 1
    assert store.quad_count() == 502


def test_n_triples_into_a_named_graph(tmp_path: Path) -> None:
    data = tmp_path / "t.nt"
    data.write_text("".join(f'<http://e/s{i}> <http://e/p> "{i}" .\n' for i in range(2000)))
    store = Store(tmp_path / "store")
    store.bulk_load(data, ox.RdfFormat.N_TRIPLES, graph="http://e/g", piece_bytes=1024)
    assert store.graph_sizes() == {"http://e/g": 2000}


@pytest.mark.parametrize("bad", ["plain", "blank"])
def test_a_bad_line_is_named_by_its_line_in_the_file(tmp_path: Path, bad: str) -> None:
    lines = [f'<http://e/s{i}> <http://e/p> "{i}" <http://e/g> .' for i in range(3000)]
    lines[10] = '_:b <http://e/p> "ok" <http://e/g> .'
    lines[2500] = ('<http://e/s> <http://e/p> "no end <http://e/g> .' if bad == "plain"
                   else '_:b <http://e/p> "no end <http://e/g> .')
    data = tmp_path / "bad.nq"
    data.write_text("\n".join(lines) + "\n")
    store = Store(tmp_path / "store")
    with pytest.raises(StoreError) as err:
        store.bulk_load(data, NQ, piece_bytes=4096)
    assert str(data) in str(err.value) and "line 2501" in str(err.value)


def test_the_merged_default_graph_of_a_load_in_pieces_is_the_merge_of_its_graphs(tmp_path: Path) -> None:
    """The default graph is filled from each piece with its graph labels cut off; lines that are
    hard to cut (a literal holding ' <iri> .', escaped quotes, language tags, datatypes, CRLF, a
    comment, a triple in the default graph) must give the triples the parser gives."""
    hard = [
        '<http://e/s> <http://e/p> "a > b \\" <http://e/x> <http://e/g9> ." <http://e/g1> .',
        '<http://e/s> <http://e/p> "colour"@en-GB <http://e/g1> .',
        '<http://e/s> <http://e/p> "5"^^<http://www.w3.org/2001/XMLSchema#integer>\t<http://e/g2>\t.\r',
        "# a comment line",
        '<http://e/s> <http://e/p> <http://e/o> .',
        '<http://e/s> <http://e/p> <http://e/o> <http://e/g2> .',
    ]
    lines = [f'<http://e/s{i}> <http://e/p> "{"y" * 30}" <http://e/g{i % 3}> .' for i in range(300)]
    data = tmp_path / "hard.nq"
    data.write_bytes(("\n".join(lines[:150] + hard + lines[150:]) + "\n").encode())
    store = Store(tmp_path / "store")
    store.bulk_load(data, NQ, workers=2, piece_bytes=1024)
    expected = {(q.subject, q.predicate, q.object) for q in ox.parse(path=str(data), format=NQ)}
    default = store._ox.quads_for_pattern(None, None, None, ox.DefaultGraph())
    merged = {(q.subject, q.predicate, q.object) for q in default}
    assert merged == expected
    assert len(merged) == 300 + 4  # five hard statements, one triple stated twice (default graph and g2)
