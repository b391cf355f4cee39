"""kg.sparql_guard: the SPARQL console is read-only by construction."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.queries import saved_queries, with_prefixes
from kg.sparql_guard import QueryRefused, check_query, keywords, run_guarded

REFUSED = [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "insert data { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "delete { ?s ?p ?o } where { ?s ?p ?o }",
    "WITH <http://g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "load silent <http://example.org/data.ttl> into graph <http://g>",
    "CLEAR ALL",
    "clear graph <http://g>",
    "DROP GRAPH <https://w3id.org/medseg-kg/graph/survey-db>",
    "drop all",
    "CREATE GRAPH <http://g>",
    "ADD <http://a> TO <http://b>",
    "MOVE DEFAULT TO <http://b>",
    "copy <http://a> to <http://b>",
    "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
    "select * where { ?a ?b ?c { { ?s ?p ?o } union { service silent <http://x> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o . OPTIONAL { SeRvIcE ?endpoint { ?s ?p ?o } } }",
    "# a comment first\nSELECT * WHERE { ?s ?p ?o } ;\nDROP ALL",
    "SELECT * WHERE { ?s ?p \"x\" } # comment\n ; DELETE WHERE { ?s ?p ?o }",
    "SELECT * WHERE { \\u0053ERVICE <http://x> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p 'unterminated }",
    "PREFIX ex: <http://e/#>\nSELECT * WHERE { ?s ex:p ?o } DROP ALL",
    "",
]

ACCEPTED = [
    "SELECT * WHERE { ?s ?p \"DELETE me\" }",
    "SELECT * WHERE { ?s ?p 'please DROP ALL and SERVICE <http://x> {}' }",
    'SELECT * WHERE { ?s ?p """multi-line\nINSERT DATA { } """ }',
    "# INSERT DATA { <a> <b> <c> } in a comment only\nSELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT ?delete ?copy WHERE { ?delete <http://x.org/ns#DROP> ?copy }",
    "PREFIX service: <http://e/> SELECT * WHERE { ?s service:load ?o }",
    "SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
    "DESCRIBE <http://example.org/x>",
]


@pytest.mark.parametrize("query", REFUSED)
def test_forbidden_forms_are_refused(query: str) -> None:
    with pytest.raises(QueryRefused):
        check_query(query)


@pytest.mark.parametrize("query", ACCEPTED)
def test_harmless_queries_are_accepted(query: str) -> None:
    check_query(query)


def test_keywords_skip_strings_iris_comments_and_names() -> None:
    words = keywords("SELECT ?drop WHERE { <http://x#DELETE> ex:insert 'LOAD' } # CLEAR")
    assert words == ["SELECT", "WHERE"]


@pytest.mark.parametrize("query", [q.text for q in saved_queries()])
def test_every_saved_question_passes_the_guard(query: str) -> None:
    check_query(with_prefixes(query))


def test_run_guarded_runs_read_only_with_a_row_cap(build_report, store_dir: Path) -> None:
    result = run_guarded(store_dir, with_prefixes("SELECT ?m WHERE { ?m a mskg:Model }"), row_cap=10)
    assert result.error is None and len(result.rows) == 10 and result.truncated
    result = run_guarded(store_dir, with_prefixes("SELECT (COUNT(*) AS ?n) WHERE { ?r a mskg:Result }"))
    assert result.rows[0]["n"] >= 1041 and not result.truncated
    assert run_guarded(store_dir, "ASK { ?s ?p ?o }").rows == [{"result": True}]


def test_run_guarded_turns_errors_into_messages(build_report, store_dir: Path) -> None:
    syntax = run_guarded(store_dir, "SELECT * WHERE { ?s ?p }")
    assert syntax.error and "Traceback" not in syntax.error
    refused = run_guarded(store_dir, "DROP ALL")
    assert refused.error and "read-only" in refused.error


def test_run_guarded_stops_a_slow_query(build_report, store_dir: Path) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    result = run_guarded(store_dir, slow, timeout_s=1.5)
    assert result.error and "longer than" in result.error


def test_console_errors_are_reported_at_the_readers_own_line(build_report, store_dir: Path) -> None:
    """Issue #14, item 14: rdflib's and Oxigraph's positions alike, without the added prefix line."""
    from kg.ui.sparql import run_console_query

    result = run_console_query(str(store_dir), "SELECT * WHERE {\n  ?s ?p }")
    assert result.error and "(line:2, col:" in result.error and "(at char 19)" in result.error, result.error
    sent = with_prefixes("SELECT * WHERE {\n  ?s ?p }")
    assert "(line:3, col:" in run_guarded(store_dir, sent).error  # what the reader saw before
