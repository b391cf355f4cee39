"""Hostile text in the SPARQL console: a corpus of queries that must all be refused, run
through every layer of kg.sparql_guard, with a honeypot SPARQL endpoint on 127.0.0.1 that
must never receive a request."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import hostile_queries
from hostile_queries import HOSTILE, SERVICE_QUERIES, SLOW, SPEC_ONLY_SERVICE, U, Honeypot

from kg import sparql_guard
from kg.sparql_guard import QueryRefused, check_parsed, check_query, check_text, run_guarded

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def honeypot() -> Iterator[Honeypot]:
    pot = Honeypot()
    yield pot
    pot.server.shutdown()
    pot.server.server_close()


def test_the_corpus_is_large_enough() -> None:
    assert len(HOSTILE) >= 50 and len(SERVICE_QUERIES) >= 30
    assert hostile_queries.MAX_QUERY_CHARS == sparql_guard.MAX_QUERY_CHARS  # the oversized query is oversized


@pytest.mark.parametrize("query", HOSTILE)
def test_every_hostile_query_is_refused(query: str, honeypot: Honeypot) -> None:
    with pytest.raises(QueryRefused):
        check_query(honeypot.fill(query))


@pytest.mark.parametrize("query", SERVICE_QUERIES + SPEC_ONLY_SERVICE[:-1])
def test_the_parse_tree_alone_sees_every_service(query: str, honeypot: Honeypot) -> None:
    """The parser's verdict does not lean on the text check (before, it never saw SERVICE):
    what rdflib reads is refused *for its SERVICE*, what it cannot read is refused as
    unreadable; and the text check, the second line, refuses them all too."""
    from rdflib.plugins.sparql.parser import parseQuery

    text = honeypot.fill(query)
    try:
        parseQuery(text)
        expected = "SERVICE clauses are refused"
    except Exception:  # noqa: BLE001 - e.g. 'ex:p\\#', which rdflib's grammar lacks
        expected = "cannot read it"
    with pytest.raises(QueryRefused, match=expected):
        check_parsed(text)
    with pytest.raises(QueryRefused, match="SERVICE|unterminated"):
        check_text(text)


def test_most_of_the_corpus_is_refused_for_its_service(honeypot: Honeypot) -> None:
    refusals = []
    for query in SERVICE_QUERIES:
        with pytest.raises(QueryRefused) as err:
            check_parsed(honeypot.fill(query))
        refusals.append("SERVICE clauses" in str(err.value))
    assert sum(refusals) >= len(SERVICE_QUERIES) - 5


_OXIGRAPH_READS = """
import json, sys
import pyoxigraph as ox
from kg.sandbox import forbid_network
assert forbid_network()
verdicts = []
for query in json.load(sys.stdin):
    try:
        result = ox.Store().query(query)
        verdicts.append("ran")
    except SyntaxError as exc:
        verdicts.append(f"syntax: {exc}")
    except Exception as exc:  # the blocked socket, an unbound endpoint variable
        verdicts.append("ran")
print(json.dumps(verdicts))
"""


def test_the_service_corpus_is_valid_sparql_for_oxigraph(honeypot: Honeypot) -> None:
    """Refusing a syntax error proves nothing: every query of SERVICE_QUERIES is one Oxigraph
    would run (checked in the sandbox, so it runs nothing)."""
    queries = [honeypot.fill(q) for q in SERVICE_QUERIES]
    proc = subprocess.run([sys.executable, "-c", _OXIGRAPH_READS], input=json.dumps(queries), capture_output=True,
                          text=True, timeout=120, cwd=str(ROOT))
    verdicts = json.loads(proc.stdout or "null")
    assert verdicts and [(q, v) for q, v in zip(queries, verdicts) if v != "ran"] == []
    assert honeypot.hits == []


def _worker(store: Path, query: str, memory_mb: int = 2048) -> dict:
    """The worker as the app starts it, given the query directly: no parent-side check."""
    proc = subprocess.run([sys.executable, "-m", "kg.sparql_guard", str(store), "100", str(memory_mb)],
                          input=query, capture_output=True, text=True, timeout=120, cwd=str(ROOT),
                          env={**os.environ, "MALLOC_ARENA_MAX": "2"})
    return json.loads(proc.stdout or "{}") | {"returncode": proc.returncode}


def test_no_hostile_query_reaches_the_network_end_to_end(build_report, store_dir: Path, honeypot: Honeypot) -> None:
    queries = [honeypot.fill(q) for q in HOSTILE]
    results = [run_guarded(store_dir, q) for q in queries]
    assert all(r.error and not r.rows for r in results)
    with ThreadPoolExecutor(max_workers=4) as pool:  # and the worker alone, skipping the app's check
        direct = list(pool.map(lambda q: _worker(store_dir, q), queries))
    assert all(d.get("error") and not d.get("rows") for d in direct), [d for d in direct if not d.get("error")]
    assert honeypot.hits == []


def test_the_worker_on_a_local_store_has_no_network(build_report, store_dir: Path) -> None:
    assert _worker(store_dir, "ASK { ?s ?p ?o }")["sandboxed"] is True


_RAW_SERVICE = """
import pyoxigraph as ox
from kg.sandbox import forbid_network
if {forbid}:
    assert forbid_network()
try:
    print([str(s["a"]) for s in ox.Store().query("SELECT * WHERE {{ SERVICE <{url}> {{ ?a ?b ?c }} }}")])
except OSError as exc:
    print("refused:", exc)
"""


def test_the_sandbox_stops_oxigraph_even_without_the_guard(honeypot: Honeypot) -> None:
    """Oxigraph calls SERVICE as soon as a query is prepared; in the sandbox it cannot. Without
    the sandbox the same code does reach the honeypot (so this test can fail)."""
    url = U.format(port=honeypot.port)
    before = len(honeypot.hits)
    run = lambda forbid: subprocess.run([sys.executable, "-c", _RAW_SERVICE.format(forbid=forbid, url=url)],  # noqa: E731
                                        capture_output=True, text=True, timeout=60, cwd=str(ROOT))
    sandboxed = run(True)
    assert "refused:" in sandboxed.stdout and "pwned" not in sandboxed.stdout, sandboxed.stderr
    assert len(honeypot.hits) == before
    control = run(False)
    assert "pwned" in control.stdout and len(honeypot.hits) == before + 1
    honeypot.hits.clear()


def test_a_memory_hungry_query_says_how_much_it_needed(build_report, store_dir: Path) -> None:
    result = run_guarded(store_dir, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?f ?a", timeout_s=120,
                         memory_mb=1024)
    assert result.error and "needed more than 1,024 MB" in result.error


@pytest.mark.parametrize("query", SLOW)
def test_slow_queries_are_stopped(build_report, store_dir: Path, query: str) -> None:
    result = run_guarded(store_dir, query, timeout_s=2)
    assert result.error and ("longer than 2 s" in result.error or "needed more than" in result.error)


def test_a_harmless_from_clause_fetches_nothing(build_report, store_dir: Path, honeypot: Honeypot) -> None:
    """FROM names a graph of the store (here the union of all stays the default); Oxigraph does
    not dereference it."""
    result = run_guarded(store_dir, honeypot.fill("SELECT * FROM <{U}> WHERE { ?s ?p ?o } LIMIT 1"))
    assert result.error is None and "pwned" not in str(result.rows)
    assert honeypot.hits == []
