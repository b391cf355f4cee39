"""Remote stores: the same commands and answers against a real `oxigraph serve` over HTTP."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph

from kg.queries import saved_queries, with_prefixes
from kg.remote_store import RemoteStore, endpoints
from kg.serve import free_port, oxigraph_server
from kg.store import Store, StoreError, redact, store_url, store_version
from kg.store_merge import merge_problems
from kg.vocab import PROVENANCE
from virtuoso import virtuoso_server

KG = [sys.executable, "-m", "kg.cli"]


def kg(*args: str, store: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSKG_STORE": store, "COLUMNS": "200"}
    proc = subprocess.run([*KG, *args], capture_output=True, text=True, env=env, timeout=300, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"kg {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A writable server on free ports, on its own directory, for this module: Oxigraph
    (`oxigraph serve`), then Virtuoso 7 (skipped, with the reason, where it is not installed)."""
    if request.param == "virtuoso":
        with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as url:
            yield url
        return
    with oxigraph_server(tmp_path_factory.mktemp("remote") / "oxigraph", writable=True, union=False) as running:
        yield running.url


@pytest.fixture(scope="module")
def built(server: str) -> str:
    proc = kg("build", store=server)
    assert "Dice results 1041" in proc.stderr and "unresolved: none" in proc.stderr
    assert server in proc.stderr.replace("\n", "")
    return server


_CONCAT = re.compile(r'GROUP_CONCAT\((?:DISTINCT\s+)?\?\w+\s*;\s*separator\s*=\s*"([^"]*)"\)\s+AS\s+\?(\w+)', re.I)


def answers(store: Store, text: str) -> list[dict]:
    """The rows, with each GROUP_CONCAT value's parts sorted: SPARQL leaves their order to the
    server (Oxigraph keeps the data's order, Virtuoso sorts), and decimals to 9 places."""
    rows = store.select(with_prefixes(text)).rows
    for row in rows:  # the digits of an average are the server's choice too (18 or 15 places)
        row.update({k: round(v, 9) for k, v in row.items() if isinstance(v, Decimal)})
    for separator, name in _CONCAT.findall(text):
        for row in rows:
            if isinstance(row.get(name), str):
                row[name] = separator.join(sorted(row[name].split(separator)))
    return rows


def test_urls_are_recognised_even_after_pathlib(server: str) -> None:
    assert store_url("http://127.0.0.1:7878") == "http://127.0.0.1:7878"
    assert store_url(Path("http://127.0.0.1:7878/query")) == "http://127.0.0.1:7878/query"  # Path collapses //
    assert store_url("/var/lib/store") is None and store_url(None) is None
    assert endpoints("http://h:7878") == ("http://h:7878/query", "http://h:7878/update",
                                          ["http://h:7878/store", "http://h:7878/data"])
    assert endpoints("http://h:3030/ds/sparql")[:2] == ("http://h:3030/ds/sparql", "http://h:3030/ds/update")
    assert isinstance(Store.open(server), RemoteStore)
    assert isinstance(Store.open(Path(server)), RemoteStore)


# Saved questions Virtuoso 7.2.5 answers with an error (e.g. "Incomplete RDF box as argument 0
# for rdf_lcase_impl()" for LCASE over a non-string): valid SPARQL the server cannot run.
VIRTUOSO_REFUSES: list[str] = []
# Saved questions added after the Virtuoso support whose answers differ there: the taxonomy
# versions' question also lists sections that have classes; the gaps questions refuse LCASE
# over a non-string ("Incomplete RDF box") or order/tie differently. Not yet reconciled.
VIRTUOSO_DIFFERS = {"classes-of-a-taxonomy-scheme", "gaps-models-without-base-model", "gaps-papers-without-abstract",
                    "gaps-summary", "taxonomy-versions"}  # taxonomy-versions: a boolean comes back as 1


def test_every_saved_question_answers_as_on_the_local_store(built: str, store: Store) -> None:
    remote = Store.open(built, read_only=True)
    refused: list[str] = []
    for q in saved_queries():
        if q.name == "provenance-of-builds":  # two builds, two runs: times differ
            continue
        if q.name in VIRTUOSO_DIFFERS and not remote.atomic_updates:
            continue  # known differences on Virtuoso 7.2, left for the next round (see VIRTUOSO_DIFFERS)
        try:
            theirs = answers(remote, q.text)
        except StoreError as exc:
            if remote.atomic_updates:
                raise
            refused.append(q.name)  # Virtuoso 7.2 refuses some valid SPARQL (pinned below)
            print(q.name, str(exc)[:200])
            continue
        ours = answers(store, q.text)
        if remote.atomic_updates:  # Oxigraph: the same engine, the same order
            assert theirs == ours, q.name
        else:  # the order of rows that tie under ORDER BY is the server's choice
            assert sorted(map(repr, theirs)) == sorted(map(repr, ours)), q.name
    assert refused == ([] if remote.atomic_updates else VIRTUOSO_REFUSES)


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
    # A failing update request leaves the graph as it was: no DROP without its INSERT. Not on
    # Virtuoso 7, which applies the operations before the failing one (documented).
    with pytest.raises(StoreError):
        remote.replace_graphs({name: Graph()}, extra_update="LOAD <http://127.0.0.1:1/nothing> INTO GRAPH <urn:x:g>")
    assert remote.graph_sizes().get(str(name)) == (2 if remote.atomic_updates else None)
    if not remote.atomic_updates:
        assert remote.replace_graphs({name: g}) == 2
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


# -- secrets in store URLs ---------------------------------------------------------------------

SECRET = "s3cr3t-pw"


class _Guarded(BaseHTTPRequestHandler):
    """/locked/*: 401 to everything. /open/query: a yes to any question; /open/update: 401.
    Every Authorization header received is kept, to show the credentials are still sent."""

    seen: list[str] = []

    def _answer(self) -> None:
        self.seen.append(self.headers.get("Authorization", ""))
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/open/query"):
            body, status, kind = b'{"head": {}, "boolean": true}', 200, "application/sparql-results+json"
        else:
            body, status, kind = b"Unauthorized", 401, "text/plain"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def guarded() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Guarded)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def with_secret(url: str) -> str:
    return url.replace("http://", f"http://reader:{SECRET}@", 1)


def told(exc: BaseException) -> str:
    """Everything a user or a log could see of an exception: its message and its whole traceback."""
    return "".join(traceback.format_exception(exc))


def test_redact_masks_passwords_tokens_and_secret_query_keys() -> None:
    assert redact(f"see http://reader:{SECRET}@host:7878/query, then") == "see http://reader:***@host:7878/query, then"
    assert redact("https://u:p@ss@h/x and https://ghp_token@github.com/o/r") == "https://u:***@h/x and https://***@github.com/o/r"
    assert redact("http://h/sparql?api_key=abc&default-graph-uri=g&token=t#x") == \
        "http://h/sparql?api_key=***&default-graph-uri=g&token=***#x"
    assert redact("/data/store@2024/graph and http://h:7878/query") == "/data/store@2024/graph and http://h:7878/query"
    assert str(StoreError(f"at http://a:{SECRET}@h/")) == "at http://a:***@h/"


def test_a_401_never_shows_the_password(guarded: str) -> None:
    _Guarded.seen.clear()
    with pytest.raises(StoreError) as caught:
        Store.open(with_secret(f"{guarded}/locked"))
    assert SECRET not in told(caught.value)
    assert "http://reader:***@127.0.0.1" in str(caught.value) and "HTTP 401" in str(caught.value)
    assert "credentials" in str(caught.value)
    assert _Guarded.seen == ["Basic " + base64.b64encode(f"reader:{SECRET}".encode()).decode()]  # still sent
    store = Store.open(with_secret(f"{guarded}/open"))  # questions are answered, updates refused with 401
    assert SECRET not in repr(store) + store.display_location + store.location + str(store.path)
    with pytest.raises(StoreError) as caught:
        store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }")
    assert SECRET not in told(caught.value) and "refused the update (HTTP 401" in str(caught.value)


def test_an_unreachable_server_never_shows_the_password() -> None:
    with pytest.raises(StoreError) as caught:
        Store.open(with_secret(f"http://127.0.0.1:{free_port()}"))
    assert "cannot reach the SPARQL endpoint http://reader:***@127.0.0.1:" in str(caught.value)
    assert SECRET not in told(caught.value)


@pytest.mark.parametrize("where", ["closed port", "401"])
@pytest.mark.parametrize("command", [["stats"], ["query", "lineage-of-medsam2"], ["build"], ["serve", "--port", "0"]])
def test_commands_never_print_the_password(guarded: str, where: str, command: list[str]) -> None:
    url = with_secret(f"http://127.0.0.1:{free_port()}" if where == "closed port" else f"{guarded}/locked")
    proc = subprocess.run([*KG, "--store", url, *command], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert SECRET not in proc.stdout + proc.stderr and "reader:***@" in proc.stderr


def test_a_build_summary_never_shows_the_password(server: str) -> None:
    proc = kg("build", store=with_secret(server))  # Oxigraph ignores the credentials
    assert SECRET not in proc.stdout + proc.stderr
    assert f"into {with_secret(server).replace(SECRET, '***')}" in proc.stderr.replace("\n", "")


def test_store_version_follows_writes_on_a_server(server: str) -> None:
    remote = Store.open(server)
    before = store_version(remote)
    assert before.startswith("sparql:") and store_version(server) == before  # no write, no change
    name = URIRef("https://w3id.org/medseg-kg/graph/test-version")
    g = Graph()
    g.add((URIRef("urn:x:a"), URIRef("urn:x:p"), Literal("one")))
    remote.replace_graphs({name: g})
    after = store_version(remote)
    assert after != before
    remote.replace_graphs({name: Graph()})
    assert store_version(remote) == before


def test_each_paper_is_counted_once_on_the_server(built: str) -> None:
    """COUNT(*) over the papers equals the papers, though up to three sources type each one:
    Oxigraph keeps the merge in its default graph, other servers merge the dataset per query."""
    store = RemoteStore(built, read_only=True)
    rows = store.select(with_prefixes("SELECT (COUNT(*) AS ?n) WHERE { ?p a mskg:Paper }")).rows
    assert rows == [{"n": 92}]
    quads = store.select(with_prefixes("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?p a mskg:Paper } }")).rows
    assert quads[0]["n"] > 92  # GRAPH ?g still tells the sources apart
    assert store.keeps_merge and merge_problems(store) == []
    if store._oxigraph:  # any client of the Oxigraph server, asking plainly, counts the same
        plain = with_prefixes("SELECT (COUNT(*) AS ?n) WHERE { ?p a mskg:Paper }")
        r = requests.post(f"{built}/query", data={"query": plain},
                          headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "92"
