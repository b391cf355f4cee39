"""Resource IRIs that resolve (issue #20, item 8): the real `kg serve` on a survey build answers
a model, a dataset and a paper by content negotiation (Turtle read back with rdflib, JSON-LD
with pyld and rdflib, the HTML page's name and links followed), refuses what it cannot answer
with a status and a reason, keeps SPARQL working behind it, and the w3id rules of deploy/ send
each IRI to a path it answers."""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS
from SPARQLWrapper import JSON, SPARQLWrapper

from kg.build import build
from kg.store import Store
from kg.vocab import GRAPH, ID, MSKG, SURVEY_LIST
from test_app_browser import CHROMEDRIVER, CHROMIUM, WebDriver
from test_serve import start, stop

ROOT = Path(__file__).resolve().parents[1]
MEDSAM2, SAM2 = ID["model/medsam2"], ID["model/sam-2"]
BTCV = ID["dataset/btcv"]
MEDSAM_PAPER, MEDSAM = ID["paper/arxiv/2304.12306"], ID["model/medsam"]
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("linked-data") / "store"
    store = Store.open(path)
    build(store)
    del store  # release the lock for the server
    return path


@pytest.fixture(scope="module")
def served(store_dir: Path) -> Iterator[str]:
    proc, url = start(store_dir)
    try:
        yield url
    finally:
        stop(proc)
    assert proc.returncode == 0
    assert "Traceback" not in proc.stderr.read()  # hostile requests included


def path_of(iri: URIRef) -> str:
    return "/" + str(iri).removeprefix("https://w3id.org/medseg-kg/")


def get(served: str, iri: URIRef, accept: str, method: str = "GET") -> requests.Response:
    r = requests.request(method, served + path_of(iri), headers={"Accept": accept}, timeout=30)
    assert r.headers.get("Vary") == "Accept", r.headers
    return r


def test_a_model_in_turtle(served: str) -> None:
    r = get(served, MEDSAM2, "text/turtle")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    assert (MEDSAM2, RDF.type, MSKG.Model) in g
    assert (MEDSAM2, RDFS.label, Literal("MedSAM2")) in g
    assert (MEDSAM2, MSKG.basedOn, SAM2) in g
    assert (SAM2, RDFS.label, Literal("SAM 2")) in g  # the neighbour's name comes along
    assert (ID["model/medsam2-x"], None, None) not in g
    # what points at SAM 2: MedSAM2 among the models based on it, with its name
    g = Graph().parse(data=get(served, SAM2, "text/turtle").text, format="turtle")
    assert (MEDSAM2, MSKG.basedOn, SAM2) in g and (MEDSAM2, RDFS.label, Literal("MedSAM2")) in g


def test_a_dataset_in_jsonld_read_by_pyld_and_rdflib(served: str, store_dir: Path) -> None:
    from pyld import jsonld

    r = get(served, BTCV, "application/ld+json")
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/ld+json"
    doc = r.json()
    assert {"dataset", "dice", "label"} <= set(doc["@context"])  # the export's compact keys
    by_rdflib = Graph().parse(data=r.text, format="json-ld")
    by_pyld = Graph().parse(data=jsonld.to_rdf(jsonld.expand(doc), {"format": "application/n-quads"}), format="nt")
    assert isomorphic(by_rdflib, by_pyld)
    assert (BTCV, RDF.type, MSKG.Dataset) in by_rdflib and (BTCV, RDFS.label, Literal("BTCV")) in by_rdflib
    results_on_btcv = {s for s in by_rdflib.subjects(MSKG.dataset, BTCV)}
    store = Store.open(store_dir, read_only=True)
    expected = store.select("PREFIX mskg: <https://w3id.org/medseg-kg/ontology#> SELECT (COUNT(DISTINCT ?r) AS ?n) "
                            "WHERE { ?r mskg:dataset <https://w3id.org/medseg-kg/id/dataset/btcv> }").rows[0]["n"]
    assert len(results_on_btcv) == expected > 20


def test_the_same_description_in_every_rdf_form(served: str) -> None:
    turtle = Graph().parse(data=get(served, MEDSAM_PAPER, "text/turtle").text, format="turtle")
    r = get(served, MEDSAM_PAPER, "application/n-triples")
    assert r.headers["Content-Type"].startswith("application/n-triples")
    assert isomorphic(turtle, Graph().parse(data=r.text, format="nt"))
    by_param = requests.get(served + path_of(MEDSAM_PAPER) + "?format=jsonld", timeout=30)
    assert isomorphic(turtle, Graph().parse(data=by_param.text, format="json-ld"))
    assert (MEDSAM, MSKG.introducedIn, MEDSAM_PAPER) in turtle  # an incoming link


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_title = tag == "h1"
        if tag == "a" and dict(attrs).get("href"):
            self.hrefs.append(dict(attrs)["href"] or "")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def test_a_paper_as_a_page_for_browsers_with_links_that_resolve(served: str) -> None:
    r = get(served, MEDSAM_PAPER, BROWSER)
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    page = Links()
    page.feed(r.text)
    assert page.title == "Segment Anything in Medical Images"
    assert path_of(MEDSAM) in page.hrefs  # MedSAM introduced in it: a local link
    here = path_of(MEDSAM_PAPER)
    assert {f"{here}?format=ttl", f"{here}?format=jsonld"} <= set(page.hrefs)
    local = sorted({h for h in page.hrefs if h.startswith("/")})
    assert len(local) > 10
    for href in local:  # every local link leads somewhere
        followed = requests.get(served + href, headers={"Accept": BROWSER}, timeout=30)
        assert followed.status_code == 200, href
    assert requests.get(served + path_of(MEDSAM_PAPER), timeout=30).headers["Content-Type"].startswith("text/html")


def test_head_answers_the_headers_of_get(served: str) -> None:
    got, head = get(served, MEDSAM2, "text/turtle"), get(served, MEDSAM2, "text/turtle", method="HEAD")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == got.headers["Content-Length"] == str(len(got.content))
    assert get(served, ID["model/nope"], "text/turtle", method="HEAD").status_code == 404


def test_unknown_iri_is_404_and_unsupported_accept_is_406(served: str) -> None:
    r = get(served, ID["model/no-such-model"], "text/turtle")
    assert r.status_code == 404 and "https://w3id.org/medseg-kg/id/model/no-such-model is not in this graph" in r.text
    r = get(served, MEDSAM2, "image/png, application/rdf+xml")
    assert r.status_code == 406 and "text/turtle" in r.text and "application/ld+json" in r.text
    assert get(served, MEDSAM2, "text/turtle;q=0, */*;q=0").status_code == 406
    assert get(served, MEDSAM2, "text/*").headers["Content-Type"].startswith("text/html")
    r = requests.get(served + path_of(MEDSAM2) + "?format=rdfxml", timeout=30)
    assert r.status_code == 400 and "ttl" in r.text
    r = requests.post(served + path_of(MEDSAM2), data="x", timeout=30)
    assert r.status_code == 405 and r.headers["Allow"] == "GET, HEAD"


def raw_get(served: str, target: str) -> tuple[int, str]:
    """GET ``target`` exactly as written (requests would normalise the path first)."""
    where = urlsplit(served)
    with socket.create_connection((where.hostname, where.port), timeout=30) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nAccept: text/turtle\r\n\r\n".encode("latin-1"))
        response = http.client.HTTPResponse(s)
        response.begin()
        return response.status, response.read().decode("utf-8", "replace")


@pytest.mark.parametrize(("target", "status", "says"), [
    ("/id/../../../etc/passwd", 400, "'..' segment"),
    ("/id/model/./medsam2", 400, "'.'"),
    ("/id//model/medsam2", 400, "empty"),
    ("/id/%2e%2e/%2e%2e/etc/passwd", 404, "not in this graph"),  # escapes are not decoded into segments
    ("/id/model/" + "a" * 5000, 414, "5010 characters"),
    ("/id/model/%FF%FE", 400, "not UTF-8"),
    ("/id/model/<script>alert(1)</script>", 400, "percent-encode"),
    ("/id/model/a%00b", 404, "not in this graph"),
    ("/graph/../id/model/medsam2", 400, "'..' segment"),
    ("/graph/no-such-graph", 404, "not a named graph"),
])
def test_hostile_paths_get_a_status_and_a_reason(served: str, target: str, status: int, says: str) -> None:
    got, text = raw_get(served, target)
    assert (got, "Traceback" in text) == (status, False), text
    assert says in text
    assert requests.get(served + path_of(MEDSAM2), timeout=30).status_code == 200  # still serving


def test_a_client_that_breaks_off_mid_request_leaves_the_server_serving(served: str) -> None:
    where = urlsplit(served)
    for fragment in (b"GET /id/mo", b"GET /id/model/medsam2 HTTP/1.1\r\nAccept: text/tur", b"\xff\xfe\x00"):
        s = socket.create_connection((where.hostname, where.port), timeout=30)
        s.sendall(fragment)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
        s.close()
    assert requests.get(served + path_of(MEDSAM2), headers={"Accept": "text/turtle"}, timeout=30).status_code == 200


def test_connections_beyond_the_limit_are_told_503_and_the_server_recovers(served: str) -> None:
    """Clients that open connections and send nothing hold a thread each, up to a limit; the
    next client is told the server is busy at once, and served again once they go."""
    from kg.linked_data import FrontServer

    where = urlsplit(served)
    idle = [socket.create_connection((where.hostname, where.port), timeout=30)
            for _ in range(FrontServer.max_connections)]
    try:
        status, text = raw_get(served, path_of(MEDSAM2))  # accepted after every idle one
        assert status == 503 and "busy" in text
    finally:
        for s in idle:
            s.close()
    for _ in range(200):  # the idle threads see their connections closed and end
        status, _ = raw_get(served, path_of(MEDSAM2))
        if status == 200:
            break
        time.sleep(0.05)
    assert status == 200


def test_a_client_expecting_100_continue_is_told_to_go_on(served: str) -> None:
    """curl sends "Expect: 100-continue" with a body over 1 KB and waits for the go-ahead
    (a second, by default) before sending it: the front gives it at once, then the answer."""
    body = ("query=" + "%20" * 2000 + "ASK%20%7B%7D").encode()
    where = urlsplit(served)
    with socket.create_connection((where.hostname, where.port), timeout=30) as s:
        s.sendall(f"POST /query HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n"
                  "Content-Type: application/x-www-form-urlencoded\r\nExpect: 100-continue\r\n"
                  f"Content-Length: {len(body)}\r\n\r\n".encode())
        reader = s.makefile("rb")
        assert reader.readline().startswith(b"HTTP/1.1 100")  # before the body was sent
        assert reader.readline() == b"\r\n"
        s.sendall(body)
        response = http.client.HTTPResponse(s)
        response.begin()
        assert response.status == 200 and json.loads(response.read())["boolean"] is True


def test_a_writable_server_describes_what_was_just_written(tmp_path: Path) -> None:
    """Descriptions are read through the running server, so an update is seen at once; an IRI
    with non-ASCII text resolves from its percent-encoded path, as a browser sends it."""
    path = tmp_path / "store"
    store = Store.open(path)
    store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }")
    del store  # release the lock for the server
    proc, url = start(path, "--writable")
    try:
        cafe = f"{url}/id/model/caf%C3%A9"
        assert requests.get(cafe, headers={"Accept": "text/turtle"}, timeout=30).status_code == 404
        update = ('INSERT DATA { GRAPH <urn:x:g> { <https://w3id.org/medseg-kg/id/model/café> '
                  '<http://www.w3.org/2000/01/rdf-schema#label> "Café" } }')
        r = requests.post(f"{url}/update", data=update.encode(), timeout=30,
                          headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        assert r.status_code == 204, r.text
        r = requests.get(cafe, headers={"Accept": "text/turtle"}, timeout=30)
        assert r.status_code == 200
        g = Graph().parse(data=r.text, format="turtle")
        assert (URIRef("https://w3id.org/medseg-kg/id/model/café"), RDFS.label, Literal("Café")) in g
    finally:
        stop(proc)
    assert proc.returncode == 0


def test_the_ontology_and_a_named_graph_resolve(served: str, store_dir: Path) -> None:
    r = requests.get(f"{served}/ontology", headers={"Accept": "text/turtle"}, timeout=30)
    assert r.status_code == 200 and r.headers["Vary"] == "Accept"
    g = Graph().parse(data=r.text, format="turtle")
    assert (MSKG.Model, RDF.type, OWL.Class) in g
    page = requests.get(f"{served}/ontology", headers={"Accept": BROWSER}, timeout=30).text
    assert 'id="Model"' in page and 'id="basedOn"' in page  # ontology#Model opens at the class
    r = requests.get(served + path_of(SURVEY_LIST), headers={"Accept": "application/n-triples"}, timeout=30)
    size = Store.open(store_dir, read_only=True).graph_sizes()[str(SURVEY_LIST)]
    assert r.status_code == 200 and len(Graph().parse(data=r.text, format="nt")) == size
    page = requests.get(served + path_of(SURVEY_LIST), timeout=30).text
    assert f"{size} triples" in page


def test_sparql_still_answers_behind_the_front(served: str) -> None:
    sparql = SPARQLWrapper(f"{served}/query")
    sparql.setQuery('PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> '
                    'SELECT ?l WHERE { <https://w3id.org/medseg-kg/id/model/medsam2> rdfs:label ?l }')
    sparql.setReturnFormat(JSON)
    assert {b["l"]["value"] for b in sparql.query().convert()["results"]["bindings"]} == {"MedSAM2"}
    remote = Store.open(served, read_only=True)  # the server is still recognised as Oxigraph
    assert remote._oxigraph is True  # type: ignore[attr-defined]
    assert requests.get(f"{served}/", timeout=30).status_code == 200  # Oxigraph's query page
    chunked = requests.post(f"{served}/query", data=iter([b"query=ASK", b"%20%7B%7D"]), timeout=30,
                            headers={"Content-Type": "application/x-www-form-urlencoded",
                                     "Accept": "application/sparql-results+json"})
    assert chunked.status_code == 200 and chunked.json()["boolean"] is True


# -- the w3id rules of deploy/ -----------------------------------------------------------------

RULES = ROOT / "deploy" / "w3id" / ".htaccess"
PLACEHOLDER_HOST = "https://kg.example.org"


def rules() -> list[tuple[list[tuple[str, bool, bool]], str, str, str]]:
    """The file's RewriteRules, each with its conditions on the Accept header
    (pattern, negated, [OR]), its pattern, its target and its flags."""
    parsed, conditions = [], []
    for line in RULES.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] == "RewriteCond":
            assert words[1] == "%{HTTP_ACCEPT}", line
            flags = words[3] if len(words) > 3 else ""
            conditions.append((words[2].lstrip("!"), words[2].startswith("!"), "OR" in flags))
        elif words[0] == "RewriteRule":
            parsed.append((conditions, words[1], words[2], words[3] if len(words) > 3 else ""))
            conditions = []
    return parsed


def conditions_hold(conditions: list[tuple[str, bool, bool]], accept: str) -> bool:
    result, pending_or = True, False
    for pattern, negated, is_or in conditions:
        holds = bool(re.search(pattern, accept, re.IGNORECASE)) != negated
        result = (result or holds) if pending_or else (result and holds)
        pending_or = is_or
    return result


def redirect(path: str, accept: str) -> str | None:
    """Where the rules send ``https://w3id.org/medseg-kg/<path>`` for ``accept`` (as Apache's
    mod_rewrite does in the namespace's directory: the path without its leading slash)."""
    for conditions, pattern, target, flags in rules():
        match = re.match(pattern, path)
        if match and conditions_hold(conditions, accept):
            assert "R=303" in flags and "L" in flags
            return re.sub(r"\$(\d)", lambda m, found=match: found.group(int(m.group(1))), target)
    return None


@pytest.mark.parametrize("iri", [MEDSAM2, BTCV, MEDSAM_PAPER, URIRef("https://w3id.org/medseg-kg/ontology"),
                                 SURVEY_LIST, GRAPH["survey-db"]])
@pytest.mark.parametrize(("accept", "media_type"), [
    ("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"), (BROWSER, "text/html"), ("", "text/html")])
def test_w3id_rules_send_each_iri_to_a_path_the_server_answers(served: str, iri: URIRef, accept: str,
                                                                media_type: str) -> None:
    target = redirect(str(iri).removeprefix("https://w3id.org/medseg-kg/"), accept)
    assert target is not None and target.startswith(PLACEHOLDER_HOST + "/"), target
    r = requests.get(served + target.removeprefix(PLACEHOLDER_HOST), headers={"Accept": accept}, timeout=60)
    assert r.status_code == 200, (target, r.text[:300])
    assert r.headers["Content-Type"].split(";")[0] == media_type
    if media_type != "text/html":
        assert len(Graph().parse(data=r.text, format={"application/ld+json": "json-ld"}.get(media_type, media_type)))


def test_w3id_rules_leave_other_paths_alone_and_send_the_namespace_to_the_query_page(served: str) -> None:
    assert redirect("id/", "text/turtle") is None and redirect("ontologyx", BROWSER) is None
    target = redirect("", BROWSER)
    assert target == PLACEHOLDER_HOST + "/"
    assert requests.get(served + "/", timeout=30).status_code == 200
    assert all(target.startswith(PLACEHOLDER_HOST + "/") for _, _, target, _ in rules())  # one host to replace


# -- a real browser ------------------------------------------------------------------------------

@pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                    reason="needs chromium and chromium-driver (apt-get install -y chromium chromium-driver)")
def test_a_browser_pastes_an_iri_and_walks_the_graph(served: str, tmp_path: Path) -> None:
    """Chromium sends its own Accept header: it gets the page, follows a link on the same
    server, and lands at an ontology term's section."""
    browser = WebDriver(tmp_path / "profile")
    try:
        browser.get(served + path_of(MEDSAM2))
        assert browser.js("return document.querySelector('h1').innerText") == "MedSAM2"
        assert browser.js("return document.contentType") == "text/html"
        browser.js(f"document.querySelector('a[href=\"{path_of(SAM2)}\"]').click(); return 1")
        browser.wait_for("return location.pathname.endsWith('/sam-2') && document.querySelector('h1') "
                         "&& document.querySelector('h1').innerText === 'SAM 2'")
        browser.js("document.querySelector('a[href$=\"?format=ttl\"]').click(); return 1")
        text = browser.wait_for("return document.contentType === 'text/turtle' && document.body.innerText")
        assert "mskg:basedOn" in text or "ontology#basedOn" in text
        browser.get(served + path_of(MEDSAM2))
        browser.js("document.querySelector('a[href=\"/ontology#Model\"]').click(); return 1")
        assert browser.wait_for("return location.hash === '#Model' && !!document.getElementById('Model')")
    finally:
        browser.quit()
