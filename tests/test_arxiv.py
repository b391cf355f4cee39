"""arXiv ingestion against a local server: the real ``arxiv`` package code runs."""

from __future__ import annotations

import time
from datetime import date

import pytest
import fakeapi
from fakeapi import (
    FakeApi,
    Reply,
    Seen,
    arxiv_entry,
    arxiv_feed,
    atom,
    fast_policy,
    recorded_text,
    synthetic_entry,
)

from ingest.arxiv import ArxivSource, with_submitted_window
from ingest.errors import SourceBadResponse, SourceRejected, SourceUnavailable

fake_api = fakeapi.fake_api  # the fixture (a local server per test), under the name the tests ask for

RECORDED_IDS = {"2304.12306", "2304.02643", "2408.00714"}


def id_list_handler(seen: Seen) -> Reply:
    """Answer an id_list query like arXiv does: one entry per known id."""
    ids = [i for i in seen.query.get("id_list", [""])[0].split(",") if i]
    entries = [arxiv_entry(i) if i in RECORDED_IDS else synthetic_entry(i) for i in ids]
    return atom(arxiv_feed(entries, query=seen.raw_query))


def source_for(api: FakeApi, **policy_overrides) -> ArxivSource:
    return ArxivSource(fast_policy(**policy_overrides), api_url=api.url + "/api/query", min_interval=0)


def test_fetch_maps_every_field_of_the_atom_entry(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/api/query", atom(recorded_text("arxiv/id_list-medsam-sam-sam2.xml")))
    records = source_for(fake_api).fetch(["arXiv:2304.12306v2", "2304.02643", "2408.00714"])

    by_id = {r.arxiv_id: r for r in records}
    assert set(by_id) == RECORDED_IDS
    medsam = by_id["2304.12306"]
    assert medsam.source == "arxiv"
    assert medsam.title == "Segment Anything in Medical Images"
    assert medsam.version == 3
    assert medsam.published == date(2023, 4, 24) and medsam.updated == date(2023, 7, 17)
    assert medsam.year == 2023
    assert medsam.doi == "10.1038/s41467-024-44824-z"
    assert medsam.journal_ref == "Nature Communications 15, 654 (2024)"
    assert medsam.primary_category == "eess.IV" and medsam.categories == ["eess.IV", "cs.CV"]
    assert medsam.authors[0].name == "Jun Ma"
    assert medsam.authors[0].affiliations == [
        "Peter Munk Cardiac Centre, University Health Network",
        "University of Toronto",
    ]
    assert medsam.abstract.startswith("Medical image segmentation is a critical component")
    assert "\n" not in medsam.abstract
    assert medsam.url == "https://arxiv.org/abs/2304.12306"
    sam2 = by_id["2408.00714"]
    assert sam2.title == "SAM 2: Segment Anything in Images and Videos"
    assert sam2.comment == "Website: https://ai.meta.com/sam2"
    assert sam2.version == 2 and sam2.published == date(2024, 8, 1)
    assert by_id["2304.02643"].authors[10].name == "Piotr Dollár"
    # the versioned id was asked for without its version
    assert "2304.12306v2" not in fake_api.seen[0].raw_query


def test_long_id_lists_are_sent_in_chunks(fake_api: FakeApi) -> None:
    fake_api.handle("GET", "/api/query", id_list_handler)
    ids = [f"2401.{n:05d}" for n in range(250)]
    source = ArxivSource(fast_policy(), api_url=fake_api.url + "/api/query", min_interval=0, ids_per_request=100)

    records = source.fetch(ids)

    assert [r.arxiv_id for r in records] == ids
    assert len(fake_api.seen) == 3
    for seen in fake_api.seen:
        assert len(seen.query["id_list"][0].split(",")) <= 100
        assert len(seen.target) < 2500


def test_unknown_ids_are_reported_not_raised(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/api/query", atom(arxiv_feed([arxiv_entry("2304.12306")], total=2)))
    source = source_for(fake_api)
    records = source.fetch(["2304.12306", "2304.99999", "not-an-id"])
    assert [r.arxiv_id for r in records] == ["2304.12306"]
    reasons = " ".join(p.reason for p in source.report.problems)
    assert "2304.99999" in reasons and "not-an-id" in reasons
    assert len(fake_api.seen) == 1  # an empty page for unknown ids is not retried


def test_a_stalled_connection_times_out(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/api/query", Reply(200, b"", stall=5.0))
    source = source_for(fake_api, read_timeout=0.3, max_attempts=2)
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="timed out"):
        source.fetch(["2304.12306"])
    assert time.monotonic() - started < 3.0
    assert len(fake_api.seen) == 2
    assert source.report.failures and source.report.failures[0].source == "arxiv"


def test_retry_after_is_honoured_on_503(fake_api: FakeApi) -> None:
    fake_api.add(
        "GET",
        "/api/query",
        Reply(503, "Service Unavailable", headers={"Retry-After": "1"}),
        atom(recorded_text("arxiv/id_list-medsam-sam-sam2.xml")),
    )
    source = source_for(fake_api)
    started = time.monotonic()
    records = source.fetch(["2304.12306", "2304.02643", "2408.00714"])
    assert time.monotonic() - started >= 1.0
    assert len(records) == 3 and len(fake_api.seen) == 2
    assert fake_api.seen[1].at - fake_api.seen[0].at >= 1.0


def test_a_400_is_not_retried_and_names_arxivs_reason(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/api/query", Reply(400, recorded_text("arxiv/error-incorrect-id.xml"),
                                             content_type="application/atom+xml"))
    source = source_for(fake_api)
    with pytest.raises(SourceRejected, match="incorrect id format for 2304.123") as err:
        source.fetch(["2304.12345"])
    assert err.value.status == 400
    assert len(fake_api.seen) == 1


def test_html_with_status_200_is_a_bad_response_and_not_cached(fake_api: FakeApi, tmp_path) -> None:
    fake_api.add("GET", "/api/query", Reply(200, recorded_text("arxiv/maintenance.html"), content_type="text/html"))
    source = source_for(fake_api, cache_dir=tmp_path / "cache")
    for _ in range(2):
        with pytest.raises(SourceBadResponse, match="text/html instead of an Atom feed"):
            source.fetch(["2304.12306"])
    assert len(fake_api.seen) == 2  # the maintenance page was evicted, not served from cache


def test_empty_200_body_is_a_bad_response(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/api/query", Reply(200, b"", content_type="application/atom+xml"))
    with pytest.raises(SourceBadResponse, match="empty body"):
        source_for(fake_api).fetch(["2304.12306"])


def test_second_fetch_comes_from_the_cache(fake_api: FakeApi, tmp_path) -> None:
    fake_api.add("GET", "/api/query", atom(recorded_text("arxiv/id_list-medsam-sam-sam2.xml")))
    ids = ["2304.12306", "2304.02643", "2408.00714"]
    first = source_for(fake_api, cache_dir=tmp_path / "cache").fetch(ids)
    # a new run (new policy, new client) on the same cache directory
    second = source_for(fake_api, cache_dir=tmp_path / "cache").fetch(ids)
    assert len(fake_api.seen) == 1
    assert [r.title for r in first] == [r.title for r in second]


def test_search_sends_the_date_window_and_follows_pages(fake_api: FakeApi) -> None:
    entries = [synthetic_entry(f"2401.0000{i}", published=f"2024-01-1{i}T10:00:00Z") for i in range(5)]

    def pages(seen: Seen) -> Reply:
        start = int(seen.query["start"][0])
        size = int(seen.query["max_results"][0])
        return atom(arxiv_feed(entries[start : start + size], total=5, start=start, per_page=size))

    fake_api.handle("GET", "/api/query", pages)
    source = ArxivSource(fast_policy(), api_url=fake_api.url + "/api/query", min_interval=0, page_size=2)
    listing = source.search('abs:"segment anything" AND cat:eess.IV',
                            submitted_from=date(2024, 1, 1), submitted_until=date(2024, 1, 31))
    assert [r.arxiv_id for r in listing.records] == [f"2401.0000{i}" for i in range(5)]
    assert listing.complete and listing.note is None
    assert len(fake_api.seen) == 3
    query = fake_api.seen[0].query
    assert query["search_query"][0] == (
        '(abs:"segment anything" AND cat:eess.IV) AND submittedDate:[202401010000 TO 202401312359]'
    )
    assert query["sortBy"] == ["submittedDate"] and query["sortOrder"] == ["descending"]


def test_window_without_a_query() -> None:
    assert with_submitted_window("", date(2025, 6, 1), date(2025, 6, 7)) == (
        "submittedDate:[202506010000 TO 202506072359]"
    )


def test_base_url_from_environment_and_shared_rate_limit(fake_api: FakeApi, monkeypatch) -> None:
    monkeypatch.setenv("MSKG_ARXIV_API_URL", fake_api.url + "/env/query")
    fake_api.add("GET", "/env/query", atom(arxiv_feed([arxiv_entry("2304.12306")])))
    policy = fast_policy()
    ArxivSource(policy, min_interval=0.4).fetch(["2304.12306"])
    ArxivSource(policy).fetch(["2304.12306"])  # a second source on the same run keeps the interval
    assert [s.path for s in fake_api.seen] == ["/env/query", "/env/query"]
    assert fake_api.seen[1].at - fake_api.seen[0].at >= 0.35
