"""The hostile console queries of issue #14 and a honeypot SPARQL endpoint on 127.0.0.1:
one home for the corpus, shared by tests/test_sparql_hostile.py and
scripts/measure_hostile_inputs.py (which also runs it against older code, so this module
imports nothing of kg)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_QUERY_CHARS = 100_000  # kg.sparql_guard.MAX_QUERY_CHARS (the test checks they agree)
HOST = "http://127.0.0.1:{port}"
U = HOST + "/sparql"  # the honeypot's endpoint, filled in per test
PWNED = b'{"head":{"vars":["a"]},"results":{"bindings":[{"a":{"type":"literal","value":"pwned"}}]}}'


class Honeypot:
    """A SPARQL endpoint that answers every request with one row, and remembers it."""

    def __init__(self) -> None:
        self.hits: list[tuple[str, str]] = []
        pot = self

        class _H(BaseHTTPRequestHandler):
            def _any(self) -> None:
                pot.hits.append((self.command, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(PWNED)))
                self.end_headers()
                self.wfile.write(PWNED)

            do_GET = do_POST = do_HEAD = do_PUT = _any

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fill(self, query: str) -> str:
        return query.replace("{U}", U.format(port=self.port)).replace("{HOST}", HOST.format(port=self.port))


SVC = "{ ?a ?b ?c }"
SERVICE_QUERIES = [
    f"SELECT * WHERE {{ SERVICE <{{U}}> {SVC} }}",
    f"select * where {{ service <{{U}}> {SVC} }}",
    f"SeLeCt * WhErE {{ sErViCe <{{U}}> {SVC} }}",
    f"SELECT * WHERE {{ SERVICE SILENT <{{U}}> {SVC} }}",
    # the issue's bypass: '\#' in a prefixed name is part of the name, not a comment
    f"PREFIX ex: <http://e/> SELECT ?a WHERE {{ OPTIONAL {{ ?s ex:p\\# ?o }} SERVICE <{{U}}> {SVC} }}",
    f"PREFIX ex: <http://e/> SELECT ?a WHERE {{ ?s ex:a\\#b ?o . SERVICE <{{U}}> {SVC} }}",
    f"PREFIX ex: <http://e/> SELECT ?a WHERE {{ ?s ex:p\\~ ?o . ?s ex:q\\# ?z SERVICE <{{U}}> {SVC} }}",
    f"PREFIX ex: <http://e/> SELECT ?a WHERE {{ ?s ex:a\\' ?o SERVICE <{{U}}> {SVC} }} # '",
    f"PREFIX h: <{{HOST}}/> SELECT * WHERE {{ SERVICE h:sparql {SVC} }}",
    f"PREFIX : <{{HOST}}/> SELECT * WHERE {{ SERVICE :sparql {SVC} }}",
    f"SELECT * WHERE {{ VALUES ?e {{ <{{U}}> }} SERVICE ?e {SVC} }}",
    f"SELECT * WHERE {{ BIND(IRI(\"{{U}}\") AS ?e) SERVICE ?e {SVC} }}",
    f"SELECT * WHERE {{ {{ {{ {{ SERVICE <{{U}}> {SVC} }} }} }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{{U}}> {SVC} }} }}",
    f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{{U}}> {SVC} }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{{U}}> {SVC} }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{{U}}> {SVC} }} }}",
    f"SELECT * WHERE {{ ?s ?p ?o FILTER(NOT EXISTS {{ SERVICE <{{U}}> {SVC} }}) }}",
    f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{{U}}> {SVC} }} }} }}",
    "SELECT * WHERE { { SELECT ?a WHERE { { SELECT ?a WHERE { { SELECT ?a WHERE { "
    f"SERVICE <{{U}}> {SVC} }} }} }} }} }} }} }}",
    f"SELECT (COUNT(*) AS ?n) WHERE {{ {{ SELECT ?a WHERE {{ SERVICE <{{U}}> {SVC} }} GROUP BY ?a }} }}",
    f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{{U}}> {SVC} }} }}",
    f"ASK {{ SERVICE <{{U}}> {SVC} }}",
    f"CONSTRUCT {{ ?a ?b ?c }} WHERE {{ SERVICE <{{U}}> {SVC} }}",
    f"DESCRIBE ?a WHERE {{ SERVICE <{{U}}> {SVC} }}",
    f"SELECT * WHERE {{ SERVICE # a comment\n <{{U}}> {SVC} }}",
    f"# \"a quote in a comment\nSELECT * WHERE {{ SERVICE <{{U}}> {SVC} }}",
    f"SELECT * WHERE {{ ?s ?p \"a\\\"\" . SERVICE <{{U}}> {SVC} }}",
    f"SELECT * WHERE {{ ?s ?p \"a\\\\\" . SERVICE <{{U}}> {SVC} }} # \"",
    f"SELECT * WHERE {{ ?s ?p '''it's \"quoted\"''' . SERVICE <{{U}}> {SVC} }}",
    f"SELECT * WHERE {{ ?s <http://x/#> ?o . SERVICE <{{U}}> {SVC} }}",
    f"SELECT * WHERE {{ SERVICE\n\t<{{U}}>\n{SVC} }}",
    f"SELECT*WHERE{{SERVICE<{{U}}>{SVC}}}",
    f"SELECT * WHERE {{ {{ ?s ?p ?o }}SERVICE<{{U}}>{SVC}}}",
    f"SELECT * WHERE {{ VALUES ?x {{ 1 2 }} SERVICE <{{U}}> {SVC} }}",
    f"SELECT * WHERE {{ ?s ?p ?o LATERAL {{ SERVICE <{{U}}> {SVC} }} }}",
    f"SELECT * WHERE {{ # {'x' * 5000}\n SERVICE <{{U}}> {SVC} }}",
]
"""SERVICE in forms Oxigraph reads as valid SPARQL (checked below, in the sandbox): real threats."""

SPEC_ONLY_SERVICE = [
    # \u escapes are expanded before parsing by the grammar (and by rdflib), not by Oxigraph 0.5
    f"SELECT * WHERE {{ \\u0053ERVICE <{{U}}> {SVC} }}",
    f"SELECT * WHERE {{ SERV\\u0049CE <{{U}}> {SVC} }}",
    f"SELECT * WHERE {{ \\U00000053\\U00000045RVICE <{{U}}> {SVC} }}",
    f"\ufeffSELECT * WHERE {{ SERVICE <{{U}}> {SVC} }}",
    f"SELECT * WHERE {{ ?s ?p ?o .\x00 SERVICE <{{U}}> {SVC} }}",
    # a homoglyph (Cyrillic DZE): not the keyword for anyone, but not readable either
    f"SELECT * WHERE {{ \u0405ERVICE <{{U}}> {SVC} }}",
]

UPDATE_QUERIES = [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <{U}>",
    "load silent <{U}> into graph <http://g>",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/medseg-kg/graph/survey-db>",
    "CREATE GRAPH <http://g>",
    "ADD <http://a> TO <http://b>",
    "MOVE DEFAULT TO <http://b>",
    "copy <http://a> to <http://b>",
    "WITH <http://g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; LOAD <{U}>",
    "\\u004cOAD <{U}>",
    "PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:p\\# ?o } ; LOAD <{U}>",
    f"INSERT {{ ?a ?b ?c }} WHERE {{ SERVICE <{{U}}> {SVC} }}",
    "DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ;\n# comment\nDROP ALL",
]

SHAPE_QUERIES = [
    "",
    "   \n\t ",
    "# only a comment",
    "SELECT * WHERE { ?s ?p 'unterminated }",
    "SELECT * WHERE { ?s ?p '''never closed }",
    "SELECT * WHERE { VALUES ?x { " + "1 " * (MAX_QUERY_CHARS // 2) + "} }",
    "SELECT * WHERE " + "{ " * 500 + "?s ?p ?o" + " }" * 500,
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 500 + "1" + ")" * 500 + ") }",
    "SELECT * WHERE { " + "{ SELECT * WHERE " * 150 + "{ ?s ?p ?o }" + " }" * 150 + " }",
    "SELECT * WHERE { } SELECT * WHERE { }",
    "ASK { } ; ASK { }",
    "SELECT * WHERE { << ?s ?p ?o >> ?q ?r }",  # readable by Oxigraph, not by the checker: refused
]

HOSTILE = SERVICE_QUERIES + SPEC_ONLY_SERVICE + UPDATE_QUERIES + SHAPE_QUERIES

# Allowed by the checks, stopped by the worker's limits (time or memory).
SLOW = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x:none>)* ?b . ?c ?d ?e }",
]
