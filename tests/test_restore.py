"""`kg restore`: an export comes back as the same graph, into an empty store only, and a bad
file leaves the target as it was."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic
from virtuoso import virtuoso_server

from kg.cli import main
from kg.store import Store


def _graphs(store: Store) -> dict[str, Graph]:
    out: dict[str, Graph] = {}
    for name in store.named_graphs():
        out[name] = store.to_rdflib([name])
    return out


def test_an_export_restores_to_the_same_graph(store: Store, store_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt, name in (("nquads", "backup.nq"), ("trig", "backup.trig")):
        backup = tmp_path / name
        result = runner.invoke(main, ["--store", str(store_dir), "export", "--format", fmt, "-o", str(backup)])
        assert result.exit_code == 0, result.output
        target = tmp_path / f"restored-{fmt}"
        result = runner.invoke(main, ["--store", str(target), "restore", str(backup)])
        assert result.exit_code == 0, result.output
        restored = Store(target, read_only=True)
        theirs, ours = _graphs(store), _graphs(restored)
        assert set(ours) == set(theirs)
        for graph, g in theirs.items():  # the ontology's blank nodes included
            assert isomorphic(ours[graph], g), graph
        # the saved questions answer the same on the restored store
        q = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a <https://w3id.org/medseg-kg/ontology#Model> }"
        assert restored.select(q).rows == store.select(q).rows
        assert not list(tmp_path.glob(".*restoring*"))


def test_restore_refuses_a_store_that_holds_a_graph(store_dir: Path, tmp_path: Path, store: Store) -> None:
    backup = tmp_path / "backup.nq"
    store.dump_to(backup, ox.RdfFormat.N_QUADS)
    result = CliRunner().invoke(main, ["--store", str(store_dir), "restore", str(backup)])
    assert result.exit_code != 0
    assert "already holds a graph" in result.output and "new --store" in result.output


def test_a_bad_line_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    good = tmp_path / "good.nq"
    good.write_text('<http://e/s> <http://e/p> "1" <http://e/g> .\n')
    target = tmp_path / "store"
    assert CliRunner().invoke(main, ["--store", str(target), "restore", str(good)]).exit_code == 0
    Store(target).update("CLEAR ALL")  # an empty store, that a restore may replace
    bad = tmp_path / "bad.nq"
    good_lines = 120_000  # ~9 MB: more than one piece of the loader, so the first piece does load
    with open(bad, "w") as fh:
        fh.writelines(f'<http://e/s{i}> <http://e/p> "{i:040d}" <http://e/g> .\n' for i in range(good_lines))
        fh.write('<http://e/s> <http://e/p> "no end <http://e/g> .\n')
    assert bad.stat().st_size > 8 * 2**20
    result = CliRunner().invoke(main, ["--store", str(target), "restore", str(bad)])
    assert result.exit_code != 0
    assert f"bad.nq, line {good_lines + 1}" in result.output
    assert Store(target, read_only=True).is_empty()  # not half-loaded: the target was left alone
    assert not list(tmp_path.glob(".*restoring*"))


def test_a_triple_file_needs_a_graph(tmp_path: Path) -> None:
    data = tmp_path / "t.nt"
    data.write_text('<http://e/s> <http://e/p> "1" .\n')
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "a"), "restore", str(data)])
    assert result.exit_code != 0 and "--graph" in result.output
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "a"), "restore", str(data), "--graph", "http://e/g"])
    assert result.exit_code == 0, result.output
    assert Store(tmp_path / "a", read_only=True).graph_sizes() == {"http://e/g": 1}


@contextmanager
def shared_server(kind: str, directory: Path) -> Iterator[str]:
    from kg.serve import oxigraph_server

    if kind == "virtuoso":
        with virtuoso_server(directory) as url:
            yield url
        return
    with oxigraph_server(directory / "server", writable=True, union=False) as running:
        yield running.url


@pytest.mark.parametrize("kind", ["oxigraph", "virtuoso"])
def test_restore_to_a_shared_server(store: Store, tmp_path: Path, kind: str) -> None:
    from kg.queries import saved_queries, with_prefixes

    backup = tmp_path / "backup.nq"
    store.dump_to(backup, ox.RdfFormat.N_QUADS)
    with shared_server(kind, tmp_path) as url:
        result = CliRunner().invoke(main, ["--store", url, "restore", str(backup)])
        assert result.exit_code == 0, result.output
        remote = Store.open(url)
        assert remote.graph_sizes() == store.graph_sizes()
        q = next(q for q in saved_queries() if q.name == "lineage-of-medsam2")
        assert remote.select(with_prefixes(q.text)).rows == store.select(with_prefixes(q.text)).rows
        again = CliRunner().invoke(main, ["--store", url, "restore", str(backup)])
        assert again.exit_code != 0 and "already holds a graph" in again.output
