"""`kg serve` end to end: a real Oxigraph server started through the CLI, queried with requests
and SPARQLWrapper, refusing updates when read-only, and holding the store against writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from kg.build import build
from kg.queries import load_query, with_prefixes
from kg.store import Store

KG = [sys.executable, "-m", "kg.cli"]
INSERT = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }"


def kg(*args: str, store: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSKG_STORE": str(store), "COLUMNS": "200"}
    return subprocess.run([*KG, *args], capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "store"
    store = Store.open(path)
    build(store)
    del store  # release the lock
    return path


def start(store_dir: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([*KG, "--store", str(store_dir), "serve", "--port", "0", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()  # the first line says where; it comes once the server answers
    if "SPARQL endpoint" not in line:
        proc.kill()
        raise AssertionError(f"kg serve did not start: {line}{proc.stderr.read()}")
    url = line.rsplit(" ", 1)[-1].strip()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/query")
    return proc, url.removesuffix("/query")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def served(store_dir: Path) -> Iterator[str]:
    proc, url = start(store_dir)
    try:
        yield url
    finally:
        stop(proc)
    assert proc.returncode == 0
    with pytest.raises(requests.ConnectionError):  # the Oxigraph server went with it
        requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=5)


def test_a_saved_question_over_http_with_requests(served: str) -> None:
    text = with_prefixes(load_query("lineage-of-medsam2").text)
    r = requests.post(f"{served}/query", data={"query": text},
                      headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200
    ancestors = [b["ancestor"]["value"] for b in r.json()["results"]["bindings"]]
    assert ancestors == ["SAM 2", "SAM"]  # the default graph is the merge of the named graphs


def test_sparqlwrapper_queries_and_cannot_update(served: str) -> None:
    sparql = SPARQLWrapper(f"{served}/query", updateEndpoint=f"{served}/update")
    sparql.setQuery(with_prefixes('SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a mskg:Result }'))
    sparql.setReturnFormat(JSON)
    assert sparql.query().convert()["results"]["bindings"][0]["n"]["value"] == "1041"
    # Each fact once: a paper typed by three sources is one row, without DISTINCT.
    sparql.setQuery(with_prefixes('SELECT (COUNT(*) AS ?n) WHERE { ?p a mskg:Paper }'))
    assert sparql.query().convert()["results"]["bindings"][0]["n"]["value"] == "92"
    sparql.setMethod(POST)
    sparql.setQuery(INSERT)
    with pytest.raises(Exception, match="403"):
        sparql.query()
    r = requests.post(f"{served}/update", data=INSERT, headers={"Content-Type": "application/sparql-update"},
                      timeout=30)
    assert r.status_code == 403


def test_writers_are_told_the_store_is_in_use_readers_still_work(served: str, store_dir: Path) -> None:
    proc = kg("build", store=store_dir)
    assert proc.returncode != 0
    assert "in use by another process" in proc.stderr and "kg serve" in proc.stderr
    proc = kg("query", "lineage-of-medsam2", "-f", "csv", store=store_dir)
    assert proc.returncode == 0 and "SAM 2" in proc.stdout


def test_writable_server_takes_updates(served: str, tmp_path: Path) -> None:
    # A second store of its own (the module's is held by the read-only server).
    path = tmp_path / "store"
    store = Store.open(path)
    store.update(INSERT)
    del store
    proc, url = start(path, "--writable")
    try:
        r = requests.post(f"{url}/update", data="INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 2 } }",
                          headers={"Content-Type": "application/sparql-update"}, timeout=30)
        assert r.status_code == 204
        assert "in use by another process" in kg("build", store=path).stderr
    finally:
        stop(proc)
    assert len(list(Store.open(path, read_only=True).quads())) == 2


def listing(path: Path) -> dict[str, tuple[int, int]]:
    """The store's files with their sizes and times, but for RocksDB's diary (LOG, LOG.old.*),
    which the Oxigraph server rotates even read-only; it holds no data."""
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(path.iterdir())
            if not p.name.startswith("LOG")}


def test_serving_writes_nothing_into_the_store(tmp_path: Path) -> None:
    """`kg serve` holds the lock without opening the store read-write: opening it beside the
    server rewrote the file list the server was reading ("MANIFEST may be corrupted")."""
    path = tmp_path / "store"
    store = Store.open(path)
    store.update(INSERT)
    del store
    before = listing(path)
    proc, url = start(path)
    try:
        assert requests.post(f"{url}/query", data={"query": "ASK { ?s ?p 1 }"}, timeout=30).json()["boolean"] is True
        assert "in use by another process" in kg("build", store=path).stderr
        assert listing(path) == before
    finally:
        stop(proc)
    assert proc.returncode == 0 and listing(path) == before


def test_serve_starts_right_after_builds(tmp_path: Path) -> None:
    path = tmp_path / "store"
    for _ in range(3):
        assert kg("build", store=path).returncode == 0
        proc, url = start(path)  # raises if the server did not come up
        try:
            assert requests.post(f"{url}/query", data={"query": "ASK { ?s ?p ?o }"}, timeout=30).json()["boolean"]
        finally:
            stop(proc)
        assert proc.returncode == 0


def test_serve_refuses_a_store_a_writer_holds(tmp_path: Path) -> None:
    path = tmp_path / "store"
    writer = Store.open(path)
    writer.update(INSERT)
    proc = subprocess.run([*KG, "--store", str(path), "serve", "--port", "0"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"the store at {path} is in use by another process" in proc.stderr
    del writer
