"""`kg enrich` against recorded-format arXiv and Semantic Scholar responses served over
real HTTP on 127.0.0.1: the real client libraries run; our code is not mocked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import fakeapi
from fakeapi import FakeApi, atom, json_reply, recorded_json, recorded_text
from ingest.arxiv import ArxivSource
from ingest.http import build_policy
from ingest.semantic_scholar import SemanticScholarSource
from kg.build import build
from kg.tracker.enrich import enrich
from kg.vocab import SEMANTIC_SCHOLAR
from kg.queries import with_prefixes
from kg.store import Store

fake_api = fakeapi.fake_api  # the fixture (a local server per test), under the name the tests ask for

BATCH = "/graph/v1/paper/batch"
MEDSA_TITLE = "Medical SAM Adapter: Adapting Segment Anything Model for Medical Image Segmentation"
NEW_TITLE = "A Universal Promptable Model for Volumetric Lesion Segmentation"


def _paper(paper_id: str, title: str, **external: str) -> dict:
    return {"paperId": paper_id, "externalIds": external, "title": title, "abstract": None, "venue": "",
            "year": 2025, "publicationDate": "2025-02-03", "authors": [{"authorId": "99", "name": "Ada Lovelace"}],
            "citationCount": 3, "influentialCitationCount": 1, "journal": None}


def serve_sources(api: FakeApi) -> None:
    api.add("GET", "/api/query", atom(recorded_text("arxiv/id_list-medsam-sam-sam2.xml")))
    known = {e["externalIds"].get("ArXiv"): e for e in recorded_json("s2/batch-medsam-sam-sam2-unknown.json") if e}

    def batch(seen):  # type: ignore[no-untyped-def]
        ids = seen.json()["ids"]
        return json_reply([known.get(i.removeprefix("ARXIV:")) for i in ids])

    api.handle("POST", BATCH, batch)
    references = {"offset": 0, "data": [
        # Semantic Scholar lists Med-SA twice: preprint (arXiv id) and journal version (DOI)
        {"citedPaper": _paper("aaa1", MEDSA_TITLE, ArXiv="2304.12620")},
        {"citedPaper": _paper("aaa2", MEDSA_TITLE.lower(), DOI="10.1016/j.media.2025.103547")},
        # a paper new to the graph, also twice (preprint, then published version with the same title)
        {"citedPaper": _paper("bbb1", NEW_TITLE, ArXiv="2502.00001")},
        {"citedPaper": _paper("bbb2", NEW_TITLE, DOI="10.1000/xyz.2025.1")},
        {"citedPaper": {"paperId": None, "externalIds": None, "title": None}},  # unresolved reference
    ]}
    for entry in known.values():
        api.add("GET", f"/graph/v1/paper/{entry['paperId']}/references", json_reply(references))
    api.add("GET", "/graph/v1/paper/ARXIV:2304.02643/citations", json_reply(recorded_json("s2/citations-sam2.json")))
    for anchor in ("2408.00714", "2304.12306"):
        api.add("GET", f"/graph/v1/paper/ARXIV:{anchor}/citations", json_reply({"offset": 0, "data": []}))


@pytest.fixture()
def survey_store() -> Store:
    store = Store(None)
    build(store)
    return store


def run(store: Store, api: FakeApi, **kwargs):  # type: ignore[no-untyped-def]
    policy = build_policy(None, wait_budget_seconds=5, max_attempts=2, backoff_base=0.01)
    return enrich(store, policy=policy,
                  arxiv_source=ArxivSource(policy, api_url=api.url + "/api/query", min_interval=0),
                  s2_source=SemanticScholarSource(policy, api_url=api.url, min_interval=0), **kwargs)


def q(store: Store, body: str) -> list[dict]:
    return store.select(with_prefixes(body)).rows


def test_enrich_adds_ids_counts_references_and_citing_papers(survey_store: Store, fake_api: FakeApi) -> None:
    serve_sources(fake_api)
    report = run(survey_store, fake_api)
    arxiv, s2 = report.outcomes
    assert arxiv.reachable and arxiv.papers == 3
    assert s2.reachable and s2.papers == 3
    medsam = q(survey_store, "SELECT ?s2 ?n WHERE { id:paper\\/arxiv\\/2304.12306 mskg:s2PaperId ?s2 ; "
                             "mskg:citationCount ?n }")
    assert medsam and medsam[0]["s2"] == "5a49e22c88b8d29cea2e0c3c858d3dd583ed99fc"
    # the arXiv graph holds the version and categories the Atom feed gave
    assert q(survey_store, "ASK { GRAPH graph:arxiv { id:paper\\/arxiv\\/2304.12306 mskg:arxivVersion ?v } }") == [
        {"result": True}]
    # preprint and journal version of Med-SA: one node, cited once
    cites_medsa = q(survey_store, """SELECT DISTINCT ?cited WHERE { GRAPH graph:semantic-scholar {
        id:paper\\/arxiv\\/2304.12306 cito:cites ?cited } ?cited dcterms:title ?t
        FILTER(CONTAINS(LCASE(?t), "medical sam adapter")) }""")
    assert [r["cited"] for r in cites_medsa] == ["https://w3id.org/medseg-kg/id/paper/arxiv/2304.12620"]
    # a new paper seen as preprint and as published version: one node with both ids
    new = q(survey_store, f'SELECT DISTINCT ?p ?doi WHERE {{ ?p dcterms:title "{NEW_TITLE}" ; '
                          'mskg:arxivId "2502.00001" ; bibo:doi ?doi }')
    assert new == [{"p": "https://w3id.org/medseg-kg/id/paper/arxiv/2502.00001", "doi": "10.1000/xyz.2025.1"}]
    # papers citing the anchor SAM were added with a citation to it
    citing = q(survey_store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p cito:cites id:paper\\/arxiv\\/2304.02643 }")
    assert citing[0]["n"] >= 5
    # a run is a prov:Activity with counts
    act = q(survey_store, f"SELECT ?c WHERE {{ <{report.activity}> a prov:Activity ; mskg:citationsAdded ?c }}")
    assert act[0]["c"] == s2.citations > 0


def test_enrich_is_idempotent(survey_store: Store, fake_api: FakeApi) -> None:
    serve_sources(fake_api)
    run(survey_store, fake_api)
    first = set(survey_store.quads(str(SEMANTIC_SCHOLAR)))
    run(survey_store, fake_api)
    assert set(survey_store.quads(str(SEMANTIC_SCHOLAR))) == first


def test_the_enriched_graph_still_validates(survey_store: Store, fake_api: FakeApi) -> None:
    from kg.validate import validate_store
    serve_sources(fake_api)
    run(survey_store, fake_api)
    report = validate_store(survey_store)
    assert report.conforms, [f"{v.focus} {v.path} {v.message}" for v in report.violations[:5]]


def test_an_unreachable_source_is_named_and_nothing_is_lost(survey_store: Store, fake_api: FakeApi) -> None:
    serve_sources(fake_api)
    run(survey_store, fake_api)
    before = set(survey_store.quads(str(SEMANTIC_SCHOLAR)))
    url = fake_api.url
    fake_api.stop()
    policy = build_policy(None, wait_budget_seconds=1, max_attempts=2, backoff_base=0.01, connect_timeout=1)
    report = enrich(survey_store, policy=policy,
                    arxiv_source=ArxivSource(policy, api_url=url + "/api/query", min_interval=0),
                    s2_source=SemanticScholarSource(policy, api_url=url, min_interval=0))
    assert not any(o.reachable for o in report.outcomes)
    assert not report.did_anything
    assert set(survey_store.quads(str(SEMANTIC_SCHOLAR))) == before


def _kg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


def test_cli_record_then_replay_without_network(tmp_path: Path, fake_api: FakeApi) -> None:
    serve_sources(fake_api)
    store, rec = tmp_path / "store", tmp_path / "recorded"
    env = {"MSKG_STORE": str(store), "MSKG_ARXIV_API_URL": fake_api.url + "/api/query",
           "MSKG_S2_API_URL": fake_api.url, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert _kg("build", env=env).returncode == 0
    first = _kg("enrich", "--anchor", "SAM=2304.02643", "--record", str(rec), "--no-cache", env=env)
    assert first.returncode == 0, first.stderr
    assert "Semantic Scholar" in first.stderr and "citations" in first.stderr
    fake_api.stop()
    replay_store = tmp_path / "store2"
    env2 = {**env, "MSKG_STORE": str(replay_store)}
    assert _kg("build", env=env2).returncode == 0
    second = _kg("enrich", "--anchor", "SAM=2304.02643", "--replay", str(rec), env=env2)
    assert second.returncode == 0, second.stderr
    a = json.loads(_kg("stats", "--json", env=env).stdout)["classes"]
    b = json.loads(_kg("stats", "--json", env=env2).stdout)["classes"]
    assert a == b and a["citations (cito:cites)"] > b.get("unused", 0)


def test_cli_says_which_source_is_unreachable_and_exits_non_zero(tmp_path: Path) -> None:
    env = {"MSKG_STORE": str(tmp_path / "store"), "MSKG_ARXIV_API_URL": "http://127.0.0.1:9/api/query",
           "MSKG_S2_API_URL": "http://127.0.0.1:9", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert _kg("build", env=env).returncode == 0
    proc = _kg("enrich", "--budget", "1", "--no-cache", env=env)
    assert proc.returncode == 1
    assert "arXiv unreachable" in proc.stderr and "Semantic Scholar unreachable" in proc.stderr
    assert "kept what is stored" in proc.stderr
    offline = _kg("enrich", "--offline", env=env)
    assert offline.returncode == 0 and "offline" in offline.stderr
