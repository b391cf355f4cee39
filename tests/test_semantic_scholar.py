"""Semantic Scholar ingestion against a local server: the real ``semanticscholar`` code runs."""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path

import pytest
import fakeapi
from fakeapi import (
    FakeApi,
    Reply,
    Seen,
    fast_policy,
    json_reply,
    recorded_json,
)

from ingest.errors import (
    SourceBadResponse,
    SourceError,
    SourceRateLimited,
    SourceRejected,
    SourceUnavailable,
)
from ingest.s2_papers import PAPER_FIELDS, paper_from_s2, s2_paper_id
from ingest.semantic_scholar import SemanticScholarSource

fake_api = fakeapi.fake_api  # the fixture (a local server per test), under the name the tests ask for

KEY = "s2-test-key-7f3c9a1e55d04b2b"
BATCH = "/graph/v1/paper/batch"


def source_for(api: FakeApi, api_key: str | None = None, **policy_overrides) -> SemanticScholarSource:
    return SemanticScholarSource(fast_policy(**policy_overrides), api_url=api.url, api_key=api_key, min_interval=0)


def test_batch_maps_external_ids_and_reports_nulls(fake_api: FakeApi) -> None:
    fake_api.add("POST", BATCH, json_reply(recorded_json("s2/batch-medsam-sam-sam2-unknown.json")))
    source = source_for(fake_api)
    ids = ["2304.12306", "arXiv:2304.02643v1", "ARXIV:2408.00714", "2399.99999"]

    found = source.papers(ids)

    assert list(found) == ids[:3]
    medsam = found["2304.12306"]
    assert medsam.source == "semantic-scholar"
    assert medsam.arxiv_id == "2304.12306" and medsam.doi == "10.1038/s41467-024-44824-z"
    assert medsam.pubmed_id == "38253604" and medsam.corpus_id == "258179490"
    assert medsam.s2_paper_id and len(medsam.s2_paper_id) == 40
    assert medsam.published == date(2023, 4, 24) and medsam.year == 2023
    assert medsam.venue == "Nature Communications"
    assert medsam.journal_ref == "Nature Communications 15, 654"
    assert medsam.citation_count == 1893 and medsam.influential_citation_count == 187
    assert medsam.authors[0].name == "Jun Ma" and medsam.authors[0].s2_author_id
    assert medsam.retrieved == date.today()
    assert found["ARXIV:2408.00714"].title == "SAM 2: Segment Anything in Images and Videos"
    assert any("2399.99999" in p.reason for p in source.report.problems)

    seen = fake_api.seen[0]
    assert seen.json() == {"ids": ["ARXIV:2304.12306", "ARXIV:2304.02643", "ARXIV:2408.00714", "ARXIV:2399.99999"]}
    assert seen.query["fields"][0].split(",") == PAPER_FIELDS


def test_batch_is_split_at_500_ids(fake_api: FakeApi) -> None:
    def echo(seen: Seen) -> Reply:
        return json_reply([{"paperId": f"p{i}", "externalIds": {"CorpusId": int(i.split(":")[1])}, "title": i}
                           for i in seen.json()["ids"]])

    fake_api.handle("POST", BATCH, echo)
    ids = [f"CorpusId:{n}" for n in range(1, 1202)]
    found = source_for(fake_api).papers(ids)
    assert len(found) == 1201
    assert [len(s.json()["ids"]) for s in fake_api.seen] == [500, 500, 201]


def test_empty_503_is_an_error_not_an_empty_paper(fake_api: FakeApi) -> None:
    fake_api.add("POST", BATCH, Reply(503, b""))
    source = source_for(fake_api, max_attempts=2)
    with pytest.raises(SourceUnavailable) as err:
        source.papers(["2304.12306"])
    assert err.value.status == 503
    assert len(fake_api.seen) == 2
    assert source.report.failures[0].status == 503


def test_429_honours_retry_after_then_succeeds(fake_api: FakeApi) -> None:
    fake_api.add(
        "POST",
        BATCH,
        json_reply({"message": "Too Many Requests"}, 429, **{"Retry-After": "1"}),
        json_reply(recorded_json("s2/batch-medsam-sam-sam2-unknown.json")[:1]),
    )
    started = time.monotonic()
    found = source_for(fake_api).papers(["2304.12306"])
    assert time.monotonic() - started >= 1.0
    assert len(fake_api.seen) == 2 and "2304.12306" in found


def test_429_forever_fails_fast_with_a_rate_limit_error(fake_api: FakeApi) -> None:
    fake_api.add("POST", BATCH, json_reply({"message": "Too Many Requests"}, 429))
    started = time.monotonic()
    with pytest.raises(SourceRateLimited):
        source_for(fake_api, max_attempts=3).papers(["2304.12306"])
    assert time.monotonic() - started < 5
    assert len(fake_api.seen) == 3


def test_404_is_not_retried(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/graph/v1/paper/ARXIV:2399.99999/references",
                 json_reply({"error": "Paper with id ARXIV:2399.99999 not found"}, 404))
    with pytest.raises(SourceRejected, match="not found"):
        source_for(fake_api).references("2399.99999")
    assert len(fake_api.seen) == 1


def test_html_200_is_a_bad_response(fake_api: FakeApi) -> None:
    fake_api.add("POST", BATCH, Reply(200, "<html><body>Gateway</body></html>", content_type="text/html"))
    with pytest.raises(SourceBadResponse, match="not JSON"):
        source_for(fake_api).papers(["2304.12306"])


def test_references_count_unresolved_entries_and_return_only_papers(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/graph/v1/paper/ARXIV:2304.12306/references",
                 json_reply(recorded_json("s2/references-medsam.json")))
    listing = source_for(fake_api).references("2304.12306")
    assert [r.arxiv_id for r in listing.records] == ["2304.02643", "1505.04597"]
    # "Medical Segmentation Decathlon challenge data" has no paperId: counted, not a paper
    assert listing.unresolved == 1 and listing.complete
    assert listing.records[1].doi == "10.1007/978-3-319-24574-4_28"


def _citation_pages(total: int):
    """A citations endpoint with ``total`` citers that enforces offset + limit <= 9,999."""

    def handler(seen: Seen) -> Reply:
        offset, limit = int(seen.query["offset"][0]), int(seen.query["limit"][0])
        if offset + limit > 9999:
            return json_reply({"error": "offset + limit must be <= 9999"}, 400)
        end = min(offset + limit, total)
        page = {"offset": offset, "data": [
            {"citingPaper": {"paperId": f"{n:040x}", "title": f"Citer {n}", "year": 2025,
                             "publicationDate": "2025-01-01", "externalIds": {"CorpusId": n}}}
            for n in range(offset, end)
        ]}
        if end < total:
            page["next"] = end
        return json_reply(page)

    return handler


def test_citations_follow_pages(fake_api: FakeApi) -> None:
    fake_api.handle("GET", "/graph/v1/paper/ARXIV:2304.02643/citations", _citation_pages(2500))
    source = source_for(fake_api)
    records = source.citations("2304.02643").records
    assert len(records) == 2500 and len({r.s2_paper_id for r in records}) == 2500
    assert [s.query["offset"][0] for s in fake_api.seen] == ["0", "1000", "2000"]
    assert not source.report.problems


def test_citations_stop_at_the_9999_cap_and_report_truncation(fake_api: FakeApi) -> None:
    fake_api.handle("GET", "/graph/v1/paper/ARXIV:2304.02643/citations", _citation_pages(25000))
    source = source_for(fake_api)
    listing = source.citations("2304.02643")
    records = listing.records
    assert len(records) == 9999 and not listing.complete
    for seen in fake_api.seen:
        assert int(seen.query["offset"][0]) + int(seen.query["limit"][0]) <= 9999
    assert any("truncated at 9999" in p.reason for p in source.report.problems)


def test_citations_since_a_date(fake_api: FakeApi) -> None:
    # the weekly update asks for the citers of each anchor paper this way (anchors are kg's)
    fake_api.add("GET", "/graph/v1/paper/ARXIV:2408.00714/citations",
                 json_reply(recorded_json("s2/citations-sam2.json")))
    citers = source_for(fake_api).citations("ARXIV:2408.00714", since=date(2024, 12, 1)).records
    citing = sorted(r.arxiv_id for r in citers)
    # 2504.03600 and 2412.13742 by date; 2411.17363 has only a year (2025) and is kept
    assert citing == ["2411.17363", "2412.13742", "2504.03600"]
    assert all(r.source == "semantic-scholar" for r in citers)


def test_search_encodes_ampersand_and_hash(fake_api: FakeApi) -> None:
    recorded = recorded_json("s2/search-medical-sam-page1.json")["data"] + recorded_json(
        "s2/search-medical-sam-page2.json")["data"]

    def search(seen: Seen) -> Reply:
        offset, limit = int(seen.query["offset"][0]), int(seen.query["limit"][0])
        page = {"total": 2873, "offset": offset, "data": recorded[offset: offset + limit]}
        if offset + limit < len(recorded):
            page["next"] = offset + limit
        return json_reply(page)

    fake_api.handle("GET", "/graph/v1/paper/search", search)
    source = SemanticScholarSource(fast_policy(), api_url=fake_api.url, min_interval=0)
    records = source.search("SAM & MedSAM #adapter", year="2023-2025", max_results=3).records
    assert [r.arxiv_id for r in records] == ["2304.12306", "2308.16184", "2304.13785"]
    first = fake_api.seen[0]
    assert first.query["query"] == ["SAM & MedSAM #adapter"]
    assert first.query["year"] == ["2023-2025"]
    assert "#" not in first.target and "%23" in first.target


def test_search_with_publication_date_window(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/graph/v1/paper/search", json_reply({"total": 0, "offset": 0, "data": []}))
    listing = source_for(fake_api).search("medical segment anything", publication_date_or_year="2025-06-01:2025-06-08")
    assert listing.records == [] and listing.complete
    assert fake_api.seen[0].query["publicationDateOrYear"] == ["2025-06-01:2025-06-08"]


def test_api_key_is_sent_but_never_shown(fake_api: FakeApi, caplog, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("S2_API_KEY", KEY)
    caplog.set_level(logging.DEBUG)
    fake_api.add("GET", "/graph/v1/paper/ARXIV:2304.12306/references",
                 json_reply(recorded_json("s2/references-medsam.json")))
    fake_api.add("POST", BATCH, Reply(500, f"internal error while handling key {KEY}"))
    policy = fast_policy(cache_dir=tmp_path / "cache", record_dir=tmp_path / "rec", max_attempts=2)
    source = SemanticScholarSource(policy, api_url=fake_api.url, min_interval=0)

    source.references("2304.12306")  # a paginated call: the package alone would drop the key
    with pytest.raises(SourceError) as err:
        source.papers(["2304.12306"])

    assert all(s.headers.get("x-api-key") == KEY for s in fake_api.seen)
    shown = [str(err.value), repr(err.value), err.value.reason, source.report.summary(), caplog.text]
    shown += [str(f) for f in source.report.failures]
    assert all(KEY not in text for text in shown)
    stored = [p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()]
    assert stored and all(KEY.encode() not in blob for blob in stored)


def test_constructing_a_client_leaves_the_root_logger_alone(monkeypatch) -> None:
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", [])
    level = root.level
    SemanticScholarSource(fast_policy(), api_url="http://127.0.0.1:9", min_interval=0)
    assert root.handlers == [] and root.level == level


def test_id_forms() -> None:
    assert s2_paper_id("arXiv:2304.12306v3") == "ARXIV:2304.12306"
    assert s2_paper_id("https://doi.org/10.1038/S41467-024-44824-Z") == "DOI:10.1038/s41467-024-44824-z"
    assert s2_paper_id("CorpusId:258179490") == "CorpusId:258179490"
    assert s2_paper_id("5a49e22c88b8d29cea2e0c3c858d3dd583ed99fc") == "5a49e22c88b8d29cea2e0c3c858d3dd583ed99fc"
    assert paper_from_s2({"paperId": None, "title": None}).title is None


def test_an_answer_the_package_cannot_build_objects_from_is_repaired_and_named(fake_api: FakeApi) -> None:
    # the package builds Paper/Author/Journal objects from every item: these would raise in it
    odd = {"paperId": "f" * 40, "externalIds": {"ArXiv": "2611.00001"}, "title": "An odd record",
           "publicationDate": "n.d.", "authors": {"name": "not a list"}, "journal": "not an object"}
    fake_api.add("GET", "/graph/v1/paper/ARXIV:2304.12306/references",
                 json_reply({"offset": 0, "data": [{"citedPaper": odd}, {"citedPaper": None}, "junk"]}))
    source = source_for(fake_api)
    listing = source.references("2304.12306")
    assert [r.arxiv_id for r in listing.records] == ["2611.00001"] and listing.records[0].authors == []
    notes = [str(p) for p in source.report.problems]
    assert any("publicationDate 'n.d.'" in n and n.endswith("repaired (read without a date)") for n in notes)
    assert any("authors is a dict" in n for n in notes) and any("journal is a str" in n for n in notes)
    assert any("2 entries of a page were not paper objects" in n for n in notes)


def test_a_record_whose_paper_id_is_not_an_id_is_skipped_and_named(fake_api: FakeApi) -> None:
    # the id becomes part of the paper's page URL (an IRI in the graph): it must be an S2 id
    bad = {"paperId": "not an id <script>", "externalIds": None, "title": "A record with a broken id"}
    good = {"paperId": "a" * 40, "externalIds": {"ArXiv": "2611.00002"}, "title": "A fine record"}
    fake_api.add("GET", "/graph/v1/paper/ARXIV:2304.12306/references",
                 json_reply({"offset": 0, "data": [{"citedPaper": bad}, {"citedPaper": good}]}))
    source = source_for(fake_api)
    listing = source.references("2304.12306")
    assert [r.s2_paper_id for r in listing.records] == ["a" * 40] and listing.skipped == 1
    assert any("has no usable paperId ('not an id <script>')" in str(p) for p in source.report.problems)
