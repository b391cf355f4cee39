"""Issue #13, row by row: the live path on real-shaped answers (the 2026 arXiv feed format and
the Semantic Scholar Graph API as the client libraries' own recordings show them, see
tests/realshaped.py and tests/recorded/{arxiv2026,s2}/), served over HTTP on 127.0.0.1 so the
real ``arxiv`` and ``semanticscholar`` packages run, into real stores. After every run the
invariant of tests/livecase.py must hold."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import fakeapi
from fakeapi import FakeApi, json_reply, recorded_json, recorded_text
from livecase import SINCE, TODAY, Survey, broken, policy, q, snapshot, sources, update_config
from realshaped import BATCH_PATH, World, serve
from kg.tracker.enrich import enrich
from kg.tracker.update import run_update
from kg.validate import validate_store

fake_api = fakeapi.fake_api  # the fixture (a local server per test), under the name the tests ask for

MEDSAM_S2 = "5a49e22c88b8d29cea2e0c3c858d3dd583ed99fc"
LIVERSAM = "https://w3id.org/medseg-kg/id/paper/arxiv/2407.18822"
MEDSAM = "https://w3id.org/medseg-kg/id/paper/arxiv/2304.12306"


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Survey:
    return Survey(tmp_path_factory.mktemp("survey"))


def entries(name: str) -> dict[str, str]:
    """The <entry> texts of a recorded 2026 feed, by arXiv id."""
    text = recorded_text(f"arxiv2026/{name}")
    return {re.search(r"abs/(\d{4}\.\d{5})v", e).group(1): e  # type: ignore[union-attr]
            for e in re.findall(r"  <entry>.*?</entry>\n", text, re.DOTALL)}


def recorded_world(references: str | None = None) -> World:
    """MedSAM, SAM and SAM 2 as arXiv (2026 feed) and S2 (their arXiv DOIs included) give them."""
    world = World(arxiv=entries("id_list-medsam-sam-sam2.xml"))
    for e in recorded_json("s2/batch-arxiv-dois.json"):
        if e is not None:
            world.batch[f"ARXIV:{e['externalIds']['ArXiv']}"] = e
            world.references[e["paperId"]] = []
    if references:
        world.references[MEDSAM_S2] = [i["citedPaper"] for i in recorded_json(f"s2/{references}")["data"]]
    return world


def run_enrich(store, api, **kwargs):  # type: ignore[no-untyped-def]
    p = policy()
    return enrich(store, policy=p, anchors=kwargs.pop("anchors", {}), **sources(api, p), **kwargs), p


def run_upd(store, api, tmp_path: Path, **kwargs):  # type: ignore[no-untyped-def]
    p = policy()
    report = run_update(store, policy=p, config=kwargs.pop("config", update_config()), since=SINCE, today=TODAY,
                        curation_file=None, digest_dir=tmp_path / "digests", **sources(api, p), **kwargs)
    return report, p


def values(store, paper: str, prop: str, graph: str | None = None) -> list:  # type: ignore[no-untyped-def]
    where = f"GRAPH {graph} {{ <{paper}> {prop} ?v }}" if graph else f"<{paper}> {prop} ?v"
    return sorted(r["v"] for r in q(store, f"SELECT DISTINCT ?v WHERE {{ {where} }}"))


# --------------------------------------------------------------------------- row 1


def test_row1_a_preprint_and_its_journal_version_in_one_page_are_one_valid_node(survey: Survey,
                                                                                 fake_api: FakeApi) -> None:
    serve(fake_api, recorded_world("references-preprint-and-journal-version.json"))
    store = survey.fresh()
    before = snapshot(store)
    report, _ = run_enrich(store, fake_api)
    assert report.activity and broken(store, before, survey) == []
    assert validate_store(store).conforms  # `kg validate` itself
    s2 = "graph:semantic-scholar"
    # one value per single-valued fact, by the documented rule: the published record's ids, venue, page
    assert values(store, LIVERSAM, "mskg:citationCount") == [44]  # the largest count of the three records
    assert values(store, LIVERSAM, "mskg:s2PaperId") == ["b7d3e9a1f2c4e6a8b0d2f4e6a8c0e2f4a6b8d0e2"]
    assert values(store, LIVERSAM, "mskg:corpusId") == ["276112455"]
    assert values(store, LIVERSAM, "mskg:venue") == ["Medical Image Analysis"]
    assert values(store, LIVERSAM, "foaf:page", s2) == [
        "https://www.semanticscholar.org/paper/b7d3e9a1f2c4e6a8b0d2f4e6a8c0e2f4a6b8d0e2"]
    assert values(store, LIVERSAM, "dcterms:issued") == [__import__("datetime").date(2024, 7, 26)]  # the earliest
    # the other record's ids stay findable; the preprint's arXiv DOI is its arXiv id, never a bibo:doi
    assert values(store, LIVERSAM, "dcterms:identifier") == ["corpus:271404417",
                                                             "s2:6e1a2f1b3c9d7e5a4b2c1d0e9f8a7b6c5d4e3f21"]
    assert values(store, LIVERSAM, "bibo:doi") == ["10.1016/j.media.2025.103611"]
    assert values(store, LIVERSAM, "mskg:arxivId") == ["2407.18822"]
    assert q(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{MEDSAM}> cito:cites <{LIVERSAM}> }}") == [{"n": 1}]
    # a second run over the same answers changes nothing but its provenance
    first = {x for x in store.quads() if "provenance" not in str(x.graph_name)}
    run_enrich(store, fake_api)
    assert {x for x in store.quads() if "provenance" not in str(x.graph_name)} == first


# --------------------------------------------------------------------------- row 2


def test_row2_arxiv_dois_are_arxiv_ids_and_a_rerun_repairs_what_an_old_run_stored(survey: Survey,
                                                                                  fake_api: FakeApi) -> None:
    serve(fake_api, recorded_world())
    store = survey.fresh()
    # what the previous version stored: SAM's arXiv DOI as its bibo:doi, and a citer whose only id it was
    store.update("""PREFIX bibo: <http://purl.org/ontology/bibo/> PREFIX mskg: <https://w3id.org/medseg-kg/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        INSERT DATA { GRAPH <https://w3id.org/medseg-kg/graph/semantic-scholar> {
          <https://w3id.org/medseg-kg/id/paper/arxiv/2304.02643> bibo:doi "10.48550/arxiv.2304.02643" .
          <https://w3id.org/medseg-kg/id/paper/doi/10.48550/arxiv.2501.01234> a mskg:Paper ;
              dcterms:title "A paper an old run knew by its arXiv DOI only" ;
              bibo:doi "10.48550/arxiv.2501.01234" } }""")
    report, _ = run_enrich(store, fake_api)
    assert report.activity
    assert q(store, 'SELECT ?p WHERE { ?p bibo:doi ?d FILTER(STRSTARTS(?d, "10.48550/")) }') == []
    sam = "https://w3id.org/medseg-kg/id/paper/arxiv/2304.02643"
    assert values(store, sam, "bibo:doi") == ["10.1109/iccv51070.2023.00371"]  # the survey's DOI, not the arXiv one
    assert values(store, "https://w3id.org/medseg-kg/id/paper/doi/10.48550/arxiv.2501.01234", "mskg:arxivId") == [
        "2501.01234"]
    assert validate_store(store).conforms


# --------------------------------------------------------------------------- row 3


def test_row3_unresolved_references_are_a_count_on_the_citing_paper_never_papers(survey: Survey,
                                                                                 fake_api: FakeApi) -> None:
    serve(fake_api, recorded_world("references-unresolved-page1.json"))
    world = recorded_world()
    world.references[MEDSAM_S2] = [i["citedPaper"] for name in ("page1", "page2")
                                   for i in recorded_json(f"s2/references-unresolved-{name}.json")["data"]]
    fake_api.routes.clear()
    serve(fake_api, world)
    store = survey.fresh()
    # an old run made a paper of an unresolved reference, with an edge to it
    junk = "https://w3id.org/medseg-kg/id/paper/title/london-math-soc"
    store.update(f"""PREFIX mskg: <https://w3id.org/medseg-kg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX cito: <http://purl.org/spar/cito/>
        INSERT DATA {{ GRAPH <https://w3id.org/medseg-kg/graph/semantic-scholar> {{
          <{junk}> a mskg:Paper ; dcterms:title "London Math. Soc" ;
              dcterms:issued "1937"^^<http://www.w3.org/2001/XMLSchema#gYear> .
          <{MEDSAM}> cito:cites <{junk}> }} }}""")
    before = snapshot(store)
    report, p = run_enrich(store, fake_api)
    s2 = next(o for o in report.outcomes if o.name == "Semantic Scholar")
    assert s2.unresolved == 4  # 3 of page 1 and 2 (paperId null), 1 with nothing at all
    assert values(store, MEDSAM, "mskg:unresolvedReferenceCount") == [4]
    cited = {r["b"] for r in q(store, f"SELECT ?b WHERE {{ <{MEDSAM}> cito:cites ?b }}")}
    assert cited == {"https://w3id.org/medseg-kg/id/paper/arxiv/2304.02643",
                     "https://w3id.org/medseg-kg/id/paper/arxiv/1505.04597"}
    assert q(store, f"ASK {{ <{junk}> ?p ?o }}") == [{"result": False}]  # the old junk node is gone
    before.facts.papers.discard(junk)  # (the only loss allowed: the junk an old run stored)
    before.facts.titled.discard(junk)
    assert broken(store, before, survey) == []
    assert len(fake_api.requests_to(f"/graph/v1/paper/{MEDSAM_S2}/references")) == 1  # page size 10: one page


def test_row3_a_reference_list_that_could_not_be_read_keeps_its_edges_and_count(survey: Survey,
                                                                                fake_api: FakeApi) -> None:
    world = recorded_world()
    page = recorded_json("s2/references-unresolved-page2.json")
    world.references[MEDSAM_S2] = [i["citedPaper"] for i in page["data"]]
    serve(fake_api, world)
    store = survey.fresh()
    run_enrich(store, fake_api)
    assert values(store, MEDSAM, "mskg:unresolvedReferenceCount") == [2]
    before = snapshot(store)
    world.faults[f"/graph/v1/paper/{MEDSAM_S2}/references"] = json_reply({"message": "Endpoint request timed out"}, 504)
    report, p = run_enrich(store, fake_api)
    assert any("504" in str(f) for f in p.report.failures)
    assert broken(store, before, survey, lists_kept={MEDSAM}) == []
    assert values(store, MEDSAM, "mskg:unresolvedReferenceCount") == [2]


# --------------------------------------------------------------------------- row 4


def _search_world(empty_times: int) -> World:
    world = World(searches=[e for n in (1, 2, 3) for e in entries(f"search-page{n}.xml").values()])
    world.empty_pages = {10: empty_times}
    return world


def test_row4_an_empty_page_is_asked_again_and_a_page_that_stays_empty_keeps_the_window_open(
        survey: Survey, fake_api: FakeApi, tmp_path: Path) -> None:
    serve(fake_api, _search_world(empty_times=99))
    store = survey.fresh()
    before = snapshot(store)
    report, _ = run_upd(store, fake_api, tmp_path, config=update_config(queries=1))
    arxiv = next(s for s in report.sources if s.name == "arXiv")
    assert not arxiv.ok and arxiv.usable and not report.complete
    assert arxiv.incomplete == ["'SAM in medical imaging': page 2 (results 11-20) came back empty 3 times; 10 results "
                                "read, the rest of this window is searched again next run"]
    starts = [s.query["start"][0] for s in fake_api.requests_to("/api/query")]
    assert starts == ["0", "10", "10", "10"]  # the empty page was asked again twice
    assert q(store, f"ASK {{ <{report.activity}> mskg:windowEnd ?e }}") == [{"result": False}]
    assert q(store, f"ASK {{ <{report.activity}> mskg:windowStart ?e }}") == [{"result": True}]
    digest = report.digest.read_text()  # type: ignore[union-attr]
    assert "- arXiv: INCOMPLETE; 0 of 1 searches answered completely, 1 stopped early, 10 hits" in digest
    assert "did not finish: 'SAM in medical imaging': page 2 (results 11-20)" in digest
    assert "(incomplete: a source failed or a search did not finish" in digest
    assert broken(store, before, survey) == []


def test_row4_an_empty_page_that_answers_on_the_second_ask_is_no_gap(survey: Survey, fake_api: FakeApi,
                                                                     tmp_path: Path) -> None:
    serve(fake_api, _search_world(empty_times=1))
    store = survey.fresh()
    report, _ = run_upd(store, fake_api, tmp_path, config=update_config(queries=1))
    assert report.complete and report.discovered == 25
    assert q(store, f"ASK {{ <{report.activity}> mskg:windowEnd ?e }}") == [{"result": True}]


def test_row4_the_update_command_says_which_query_and_page(store_dir: Path, build_report, fake_api: FakeApi,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    from realshaped import Entry, entry_2026

    # the command's arXiv pages hold 100 results: 150 results, the second page comes back empty
    world = World(searches=[entry_2026(Entry(f"2611.{40000 + i:05d}", f"Promptable segmentation of organs, study {i}",
                                             published="2026-11-20T10:00:00Z")) for i in range(150)],
                  empty_pages={100: 99})
    serve(fake_api, world)
    shutil.copytree(store_dir, tmp_path / "store")
    config = tmp_path / "discovery.toml"
    config.write_text('[arxiv]\nmax_results_per_query = 300\n[[arxiv.query]]\nname = "promptable organs"\n'
                      'query = "abs:promptable"\n[semantic_scholar.anchors]\n[survey_list]\nenabled = false\n')
    proc = _kg("update", "--since", "2026-10-01", "--config", str(config), "--no-cache", store=tmp_path / "store",
               api=fake_api)
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stderr.split())
    assert "arXiv: INCOMPLETE" in text and "did not finish: 'promptable organs': page 2 (results 101-200)" in text
    assert "window 2026-10-01 to" in text and "(incomplete: searched again next run)" in text
    assert re.search(r"all \d+ in the digest \S+update-\d{8}T\d{6}Z\.md", text), text


def _kg(*args: str, store: Path, api: FakeApi) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSKG_STORE": str(store), "MSKG_ARXIV_API_URL": api.url + "/api/query",
           "MSKG_S2_API_URL": api.url, "MSKG_HTTP_MIN_INTERVAL": "0", "XDG_CACHE_HOME": str(store.parent / "cache"),
           "MSKG_CURATION_FILE": "", "COLUMNS": "200", "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, env=env, timeout=300)


# --------------------------------------------------------------------------- row 5 (S2 paging)


def test_row5_a_search_without_hits_ends_after_one_request(fake_api: FakeApi) -> None:
    from fakeapi import fast_policy
    from ingest.semantic_scholar import SemanticScholarSource

    fake_api.add("GET", "/graph/v1/paper/search", json_reply(recorded_json("s2/search-zero-results.json")))
    listing = SemanticScholarSource(fast_policy(), api_url=fake_api.url, min_interval=0).search("n0 r3sult s3arch t3rm")
    assert listing.records == [] and listing.complete
    assert len(fake_api.seen) == 1  # the package alone asks again and again (177 requests in 9 s were measured)


def test_row5_every_list_has_a_page_cap_and_the_1000_reference_cut_is_noted(fake_api: FakeApi) -> None:
    from fakeapi import fast_policy
    from ingest import semantic_scholar
    from realshaped import s2_paper

    refs = [s2_paper(f"{n:040x}", f"Reference {n}", corpus=n + 1) for n in range(1005)]
    world = World(references={"a" * 40: refs}, citations={"2304.02643": refs * 9}, reference_cut=None)
    serve(fake_api, world)
    # past 1,000 references S2 answers with an empty page (the recorded body), whatever the list holds
    fake_api.add("GET", f"/graph/v1/paper/{'a' * 40}/references",
                 json_reply(recorded_json("s2/references-cut-at-1000.json")), query={"offset": "1000"})
    source = semantic_scholar.SemanticScholarSource(fast_policy(), api_url=fake_api.url, min_interval=0,
                                                    page_limit=100)
    listing = source.references("a" * 40)
    assert len(listing.records) == 1000 and not listing.complete
    assert f"references of {'a' * 40} stop at 1000: Semantic Scholar sent an empty page at offset 1000" in (
        listing.note or "")
    citers = source.citations("2304.02643")  # 9045 citers, pages of 100: the page cap stops first
    assert len(citers.records) == semantic_scholar.MAX_PAGES * 100 and not citers.complete
    assert f"read {semantic_scholar.MAX_PAGES} pages" in (citers.note or "")
    assert len(fake_api.requests_to("/graph/v1/paper/ARXIV:2304.02643/citations")) == semantic_scholar.MAX_PAGES
    assert sum(1 for p in source.report.problems if "stop at" in p.reason or "truncated" in p.reason) == 2


# --------------------------------------------------------------------------- row 6 (bad records)


def test_row6_one_entry_with_an_unparsable_date_is_skipped_and_the_update_goes_on(survey: Survey, fake_api: FakeApi,
                                                                                  tmp_path: Path) -> None:
    serve(fake_api, World(searches=list(entries("search-bad-date.xml").values())))
    store = survey.fresh()
    before = snapshot(store)
    report, p = run_upd(store, fake_api, tmp_path, config=update_config(queries=1))
    assert report.discovered == 2 and report.complete
    notes = [str(n) for n in p.report.problems]
    assert ("arxiv: http://arxiv.org/abs/2611.30001v1: arXiv sent a value the feed parser cannot read (Invalid "
            "isoformat string: '2026-11-05 at 12:00'); skipped") in notes, notes
    assert broken(store, before, survey) == []


def test_row6_bad_s2_records_are_repaired_or_skipped_and_named(survey: Survey, fake_api: FakeApi) -> None:
    world = recorded_world()
    world.citations["2304.02643"] = [i["citingPaper"] for i in recorded_json("s2/citations-bad-records.json")["data"]]
    serve(fake_api, world)
    store = survey.fresh()
    before = snapshot(store)
    report, p = run_enrich(store, fake_api, anchors={"SAM": "2304.02643"})
    notes = [str(n) for n in p.report.problems]
    assert any("publicationDate 'n.d.' is not a date (YYYY-MM-DD) (" in n
               and n.endswith("; repaired (read without a date)") for n in notes), notes
    assert any(n.endswith("(deadbeefdeadbeefdeadbeefdeadbeefdeadbeef) has no title; skipped") for n in notes), notes
    citers = {r["p"] for r in q(store, "SELECT ?p WHERE { ?p cito:cites id:paper\\/arxiv\\/2304.02643 }")}
    assert {"https://w3id.org/medseg-kg/id/paper/arxiv/2611.07777",
            "https://w3id.org/medseg-kg/id/paper/arxiv/2611.08888"} <= citers
    assert broken(store, before, survey) == []


# --------------------------------------------------------------------------- rows 7 and 8 (what the user sees)


def test_row7_enrich_prints_some_notes_says_how_many_it_left_out_and_where_they_all_are(
        store_dir: Path, build_report, fake_api: FakeApi, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    serve(fake_api, recorded_world())  # 80 of the survey's 83 arXiv ids get no entry: 80 notes and more
    shutil.copytree(store_dir, tmp_path / "store")
    proc = _kg("enrich", "--anchor", "none", "--no-cache", store=tmp_path / "store", api=fake_api)
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"\.\.\. (\d+) more not shown; all (\d+) in (\S+enrich-\d{8}T\d{6}Z\.log)", proc.stderr)
    assert m, proc.stderr
    log = Path(m.group(3))
    assert log.parent == tmp_path / "digests"
    lines = log.read_text().splitlines()
    assert len(lines) == int(m.group(2)) == int(m.group(1)) + 20 and len(lines) > 80
    assert sum(1 for line in proc.stderr.splitlines() if line.startswith("  note:")) == 20
    assert "IDs not found" not in proc.stderr  # the package's own line of ~100 ids (row 8)
    assert any(re.search(r"Semantic Scholar does not know \d+ of \d+ ids \(ARXIV:", line) for line in lines), lines


def test_row8_the_semanticscholar_package_prints_nothing_of_its_own(fake_api: FakeApi, capfd) -> None:  # type: ignore[no-untyped-def]
    import logging

    from fakeapi import fast_policy
    from ingest.semantic_scholar import SemanticScholarSource

    fake_api.add("POST", BATCH_PATH, json_reply(recorded_json("s2/batch-medsam-sam-sam2-unknown.json")))
    logging.getLogger("semanticscholar").handlers.clear()
    source = SemanticScholarSource(fast_policy(), api_url=fake_api.url, min_interval=0)
    found = source.papers(["2304.12306", "2304.02643", "2408.00714", "2399.99999"])
    out, err = capfd.readouterr()
    assert len(found) == 3 and out == "" and err == ""
    assert [str(p) for p in source.report.problems] == [
        "semantic-scholar: Semantic Scholar does not know 1 of 4 ids (2399.99999); check them"]


# --------------------------------------------------------------------------- versions and withdrawals


def test_a_new_version_of_a_known_paper_is_an_update_never_a_new_paper(survey: Survey, fake_api: FakeApi,
                                                                       tmp_path: Path) -> None:
    world = recorded_world()
    world.searches = list(entries("search-withdrawn-and-new-version.xml").values())
    serve(fake_api, world)
    store = survey.fresh()
    run_enrich(store, fake_api)
    assert values(store, MEDSAM, "mskg:arxivVersion") == [3]
    papers = q(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a mskg:Paper }")
    before = snapshot(store)
    report, _ = run_upd(store, fake_api, tmp_path, config=update_config(queries=1))
    arxiv = next(s for s in report.sources if s.name == "arXiv")
    assert [(c.iri, c.what) for c in arxiv.updated] == [(MEDSAM, "v3 -> v4")]
    assert MEDSAM not in {c.iri for c in report.candidates} and MEDSAM not in {s.iri for s in report.skipped}
    digest = report.digest.read_text()  # type: ignore[union-attr]
    assert "## Updated papers (1)" in digest
    assert "updated, v3 -> v4; already in the graph, not a new candidate" in digest
    assert q(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a mskg:Paper }")[0]["n"] == papers[0]["n"] + 1
    assert broken(store, before, survey) == []
    # kg enrich refreshes the paper itself: one node, its new version recorded
    world.arxiv["2304.12306"] = entries("search-withdrawn-and-new-version.xml")["2304.12306"]
    run_enrich(store, fake_api)
    assert values(store, MEDSAM, "mskg:arxivVersion") == [4]
    assert values(store, MEDSAM, "dcterms:modified") == [__import__("datetime").date(2026, 11, 18)]


def test_a_withdrawn_paper_is_flagged_not_dropped(survey: Survey, fake_api: FakeApi, tmp_path: Path) -> None:
    withdrawn = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.04321"
    world = World(searches=list(entries("search-withdrawn-and-new-version.xml").values()))
    serve(fake_api, world)
    store = survey.fresh()
    report, _ = run_upd(store, fake_api, tmp_path, config=update_config(queries=1))
    arxiv = next(s for s in report.sources if s.name == "arXiv")
    assert [(c.iri, c.what) for c in arxiv.withdrawn] == [(withdrawn, "withdrawn (v2)")]
    digest = report.digest.read_text()  # type: ignore[union-attr]
    assert "## Withdrawn papers (1)" in digest and "withdrawn (v2); flagged mskg:withdrawn, kept" in digest
    if withdrawn in {c.iri for c in report.candidates}:  # queued: its triples say it is withdrawn
        assert values(store, withdrawn, "mskg:withdrawn") == [True]
    # a tracked paper whose latest version is withdrawn keeps everything and is flagged
    world = recorded_world()
    world.arxiv["2304.12306"] = world.arxiv["2304.12306"].replace(
        "<arxiv:primary_category", "<arxiv:comment>This paper has been withdrawn by the authors</arxiv:comment>\n"
        "    <arxiv:primary_category")
    fake_api.routes.clear()
    serve(fake_api, world)
    before = snapshot(store)
    run_enrich(store, fake_api)
    assert values(store, MEDSAM, "mskg:withdrawn", "graph:arxiv") == [True]
    assert broken(store, before, survey) == []
    assert json.loads(json.dumps(values(store, MEDSAM, "dcterms:title"))) == ["Segment Anything in Medical Images"]


# --------------------------------------------------------------------------- the checker itself


def test_the_invariant_check_catches_each_kind_of_breakage(survey: Survey) -> None:
    """broken() is what the property test trusts: each way of breaking the invariant is reported."""
    store = survey.fresh()
    before = snapshot(store)
    medsam_arxiv = "https://w3id.org/medseg-kg/id/paper/arxiv/2304.12306"
    store.update(f"""PREFIX mskg: <https://w3id.org/medseg-kg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX bibo: <http://purl.org/ontology/bibo/> PREFIX cito: <http://purl.org/spar/cito/>
        INSERT DATA {{ GRAPH <https://w3id.org/medseg-kg/graph/semantic-scholar> {{
          <{medsam_arxiv}> mskg:citationCount 1, 2 .
          <https://w3id.org/medseg-kg/id/paper/title/table-7> a mskg:Paper ;
              dcterms:title "Table 7: Business effects on existing business owners" .
          <https://w3id.org/medseg-kg/id/paper/arxiv/2501.00002> a mskg:Paper ; dcterms:title "A paper" ;
              bibo:doi "10.48550/arxiv.2501.00002" .
          <{medsam_arxiv}> cito:cites <https://w3id.org/medseg-kg/id/paper/title/nowhere> }} }}""")
    found = "\n".join(broken(store, before, survey))
    assert "SHACL:" in found and "citationCount" in found  # two counts: `kg validate` fails
    assert "a caption became a paper: Table 7" in found
    assert "no arXiv id, DOI or S2 id: https://w3id.org/medseg-kg/id/paper/title/table-7" in found
    assert "arXiv DOI as bibo:doi" in found
    assert "cito:cites" in found or "cites" in found  # an edge to a node that is no paper
    # losses: a paper's identifier and an edge that was kept are noticed too
    store = survey.fresh()
    store.update("""PREFIX mskg: <https://w3id.org/medseg-kg/ontology#> PREFIX cito: <http://purl.org/spar/cito/>
        INSERT DATA { GRAPH <https://w3id.org/medseg-kg/graph/semantic-scholar> {
          <https://w3id.org/medseg-kg/id/paper/arxiv/2304.12306> mskg:s2PaperId "abc" ;
              cito:cites <https://w3id.org/medseg-kg/id/paper/arxiv/2304.02643> } }""")
    before = snapshot(store)
    store.update("DROP GRAPH <https://w3id.org/medseg-kg/graph/semantic-scholar>")
    lost = "\n".join(broken(store, before, survey, lists_kept={MEDSAM}))
    assert f"lost identifiers of {MEDSAM}: ['abc']" in lost
    assert f"lost the edge {MEDSAM} -> https://w3id.org/medseg-kg/id/paper/arxiv/2304.02643" in lost


def test_a_fact_the_other_live_graph_keeps_is_not_stated_twice(survey: Survey, fake_api: FakeApi) -> None:
    """Found by the property test: a survey paper without a first date in the survey's graphs
    gets one from Semantic Scholar; a later run where only arXiv answers for it must not add a
    second dcterms:issued (the stored one stands until Semantic Scholar refreshes the paper)."""
    from realshaped import Entry, entry_2026, s2_paper

    paper = "https://w3id.org/medseg-kg/id/paper/arxiv/2304.10517"
    assert values(survey.fresh(), paper, "dcterms:issued") == []
    title = values(survey.fresh(), paper, "dcterms:title")[0]
    world = World(batch={"ARXIV:2304.10517": s2_paper("e" * 40, title, arxiv="2304.10517", year=2026)})
    world.references["e" * 40] = []
    serve(fake_api, world)
    store = survey.fresh()
    run_enrich(store, fake_api)
    assert values(store, paper, "dcterms:issued") == ["2026"]
    world.batch.clear()
    world.arxiv["2304.10517"] = entry_2026(Entry("2304.10517", title, published="2023-04-20T10:00:00Z"))
    before = snapshot(store)
    run_enrich(store, fake_api)
    assert values(store, paper, "dcterms:issued") == ["2026"] and broken(store, before, survey) == []
    assert validate_store(store).conforms


def test_a_new_version_of_a_paper_only_enrich_knew_is_still_discovered(survey: Survey, fake_api: FakeApi,
                                                                       tmp_path: Path) -> None:
    """A citer `kg enrich` added (never reviewed) seen again on arXiv as v2 is a hit for review,
    not an 'update'; the survey's MedSAM as v4 is an update, never a hit."""
    from realshaped import s2_paper

    world = recorded_world()
    world.searches = list(entries("search-withdrawn-and-new-version.xml").values())
    title = "Zero-Shot Prostate Segmentation with the Segment Anything Model in Multiparametric MRI"
    world.citations["2304.02643"] = [s2_paper("9" * 40, title, arxiv="2611.04321", year=2026, date="2026-11-04")]
    serve(fake_api, world)
    store = survey.fresh()
    run_enrich(store, fake_api, anchors={"SAM": "2304.02643"})
    citer = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.04321"
    assert q(store, f"ASK {{ GRAPH graph:semantic-scholar {{ <{citer}> a mskg:Paper }} }}") == [{"result": True}]
    report, _ = run_upd(store, fake_api, tmp_path, config=update_config(queries=1))
    arxiv = next(s for s in report.sources if s.name == "arXiv")
    assert [c.iri for c in arxiv.updated] == [MEDSAM]
    assert citer in {c.iri for c in report.candidates} | {s.iri for s in report.skipped}


def test_row6_a_page_whose_only_entries_are_bad_is_no_empty_page_and_paging_stays_aligned(
        survey: Survey, fake_api: FakeApi, tmp_path: Path) -> None:
    """Found by trying other worlds: the package advances its offset by the entries that parsed,
    so a skipped bad entry made the next page start one early (reading an entry twice), and a
    last page holding one bad entry read as arXiv's empty page: the search was marked
    incomplete and its window never advanced, week after week."""
    from realshaped import Entry, entry_2026

    good = [entry_2026(Entry(f"2611.{50000 + i:05d}", f"Promptable segmentation of the liver, study {i}",
                             published="2026-11-20T10:00:00Z")) for i in range(20)]
    bad = re.sub(r"<published>.*?</published>", "<published>2026-11-05 at 12:00</published>",
                 entry_2026(Entry("2611.59999", "A paper with an unreadable date", published="2026-11-20T10:00:00Z")))
    # pages of 10: the bad entry first on page 1 and alone on page 3
    serve(fake_api, World(searches=[bad, *good[:19], bad.replace("2611.59999", "2611.59998")]))
    store = survey.fresh()
    report, p = run_upd(store, fake_api, tmp_path, config=update_config(queries=1))
    arxiv = next(s for s in report.sources if s.name == "arXiv")
    assert report.complete and arxiv.ok, arxiv.incomplete
    assert q(store, f"ASK {{ <{report.activity}> mskg:windowEnd ?e }}") == [{"result": True}]
    starts = [s.query["start"][0] for s in fake_api.requests_to("/api/query")]
    assert starts == ["0", "10", "20"]  # one request per page, none asked again
    assert report.discovered == 19
    skipped = [str(n) for n in p.report.problems if "cannot read" in str(n)]
    assert len(skipped) == 2 and all("skipped" in n for n in skipped), skipped


def test_row5_an_arxiv_search_stops_at_its_page_cap_and_says_which_cap(fake_api: FakeApi) -> None:
    from fakeapi import fast_policy
    from ingest import arxiv
    from realshaped import Entry, entry_2026

    world = World(searches=[entry_2026(Entry(f"2611.{70000 + i:05d}", f"Organ segmentation with prompts {i}",
                                             published="2026-11-20T10:00:00Z")) for i in range(arxiv.MAX_PAGES + 7)])
    serve(fake_api, world)
    source = arxiv.ArxivSource(fast_policy(), api_url=fake_api.url + "/api/query", min_interval=0, page_size=1)
    listing = source.search("abs:prompts", submitted_from=SINCE, submitted_until=TODAY, max_results=500)
    assert len(listing.records) == arxiv.MAX_PAGES == len(fake_api.requests_to("/api/query"))
    assert listing.note == (f"stopped at {arxiv.MAX_PAGES} results: read {arxiv.MAX_PAGES} pages, the most one search "
                            "reads; narrow the query or the window to read further back")
    assert any(listing.note in str(p) for p in source.report.problems)
    fake_api.seen.clear()
    cut = source.search("abs:prompts", submitted_from=SINCE, submitted_until=TODAY, max_results=5)
    assert len(cut.records) == 5 and "(max_results)" in (cut.note or "")
