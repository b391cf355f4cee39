"""The shared HTTP policy: retries, Retry-After, timeouts, budget, cache, record/replay."""
# ruff: noqa: F811 - the fake_api fixture is imported, and pytest passes it by that name

from __future__ import annotations

import email.utils
import json
import socket
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeapi import (
    FakeApi,
    Reply,
    atom,
    fake_api,  # noqa: F401 - pytest fixture
    fast_policy,
    json_reply,
    recorded_json,
    recorded_text,
)

from ingest.arxiv import ArxivSource
from ingest.errors import (
    BudgetExhausted,
    ReplayMiss,
    SourceBadResponse,
    SourceRateLimited,
    SourceRejected,
    SourceUnavailable,
)
from ingest.http import expect_json
from ingest.http_pacing import WaitBudget
from ingest.http_retries import parse_retry_after
from ingest.semantic_scholar import SemanticScholarSource


def test_retry_after_seconds_is_honoured(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/x", Reply(503, b"", headers={"Retry-After": "1"}), json_reply({"ok": True}))
    policy = fast_policy()
    started = time.monotonic()
    response = policy.get(fake_api.url + "/x", source="test")
    assert response.json() == {"ok": True}
    assert time.monotonic() - started >= 1.0
    assert len(fake_api.seen) == 2 and fake_api.seen[1].at - fake_api.seen[0].at >= 1.0
    assert policy.report.retries == 1 and policy.report.ok


def test_retry_after_http_date_is_honoured(fake_api: FakeApi) -> None:
    target = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0)
    when = email.utils.format_datetime(target, usegmt=True)
    fake_api.add("GET", "/x", Reply(429, b"", headers={"Retry-After": when}), json_reply({"ok": True}))
    fast_policy().get(fake_api.url + "/x", source="test")
    assert time.time() >= target.timestamp() - 0.05  # the retry waited until the date
    assert len(fake_api.seen) == 2


def test_parse_retry_after_forms() -> None:
    now = datetime(2025, 6, 20, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after("Fri, 20 Jun 2025 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Fri, 20 Jun 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None and parse_retry_after(None) is None


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retried(fake_api: FakeApi, status: int) -> None:
    fake_api.add("GET", "/x", json_reply({"error": "bad"}, status))
    policy = fast_policy()
    with pytest.raises(SourceRejected) as err:
        policy.get(fake_api.url + "/x", source="test")
    assert err.value.status == status and len(fake_api.seen) == 1
    (failure,) = policy.report.failures
    assert failure.status == status and failure.url == fake_api.url + "/x" and failure.source == "test"


def test_server_errors_are_retried_up_to_max_attempts(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/x", Reply(502, b"Bad Gateway"))
    with pytest.raises(SourceUnavailable, match="server error after 4 attempts"):
        fast_policy(max_attempts=4).get(fake_api.url + "/x", source="test")
    assert len(fake_api.seen) == 4


def test_persistent_429_is_a_rate_limit_error(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/x", Reply(429, b""))
    with pytest.raises(SourceRateLimited):
        fast_policy(max_attempts=2).get(fake_api.url + "/x", source="test")


def test_connection_refused_is_source_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    policy = fast_policy(max_attempts=2)
    with pytest.raises(SourceUnavailable, match=r"cannot connect after 2 attempts \(connection refused\)"):
        policy.get(f"http://127.0.0.1:{port}/x", source="test")
    assert policy.report.failures[0].status is None
    assert "connection refused" in policy.report.failures[0].reason


def test_stall_longer_than_read_timeout_fails_in_bounded_time(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/x", Reply(200, b"{}", stall=5.0))
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match=r"timed out after 2 attempts \(read timeout after 0.2 s\)"):
        fast_policy(read_timeout=0.2, max_attempts=2).get(fake_api.url + "/x", source="test")
    assert time.monotonic() - started < 2.0


def test_budget_stops_a_long_retry_after_and_then_fails_fast(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/x", Reply(503, b"", headers={"Retry-After": "30"}))
    policy = fast_policy(wait_budget_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(BudgetExhausted, match=r"HTTP 503, Retry-After 30 s: a retry wait of 30.0 s is more than"):
        policy.get(fake_api.url + "/x", source="test")
    with pytest.raises(BudgetExhausted):
        policy.get(fake_api.url + "/y", source="test")
    assert time.monotonic() - started < 1.0  # did not sleep 30 s
    assert len(fake_api.seen) == 1  # the second call never reached the network
    assert len(policy.report.failures) == 2


def test_budget_accounting_is_per_host() -> None:
    budget = WaitBudget(2.0)
    budget.spend(1.5, "http://a/x")
    assert budget.remaining("http://a/y") == pytest.approx(0.5)
    with pytest.raises(BudgetExhausted):
        budget.spend(1.0, "http://a/x")
    with pytest.raises(BudgetExhausted, match="a: its 2 s budget"):
        budget.check("http://a/z")
    budget.check("http://b/x")  # another host keeps its whole budget
    assert budget.remaining("http://b/x") == 2.0
    budget.charge(2.5, "http://b/x", "read timeout after 2 s")
    with pytest.raises(BudgetExhausted, match=r"last failure: read timeout after 2 s"):
        budget.check("http://b/x")
    assert budget.clip("http://c/x", (10.0, 60.0)) == (2.0, 2.0)


def test_rate_limit_spaces_requests_per_host_but_not_cache_hits(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.add("GET", "/x", json_reply({"ok": True}))
    host = fake_api.url.split("//")[1]
    policy = fast_policy(rate_limits={host: 0.3}, cache_dir=tmp_path)
    for path in ("/x?a=1", "/x?a=2", "/x?a=3", "/x?a=1"):
        policy.get(fake_api.url + path, source="test")
    gaps = [b.at - a.at for a, b in zip(fake_api.seen, fake_api.seen[1:])]
    assert len(fake_api.seen) == 3 and all(g >= 0.28 for g in gaps)
    assert policy.report.cache_hits == 1 and policy.report.requests_sent == 3


def test_cache_hit_on_second_call_across_runs(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.add("GET", "/x", json_reply({"n": 1}))
    fake_api.add("POST", "/batch", json_reply([1]))
    for _ in range(2):
        policy = fast_policy(cache_dir=tmp_path)  # a new run each time
        assert policy.get(fake_api.url + "/x", source="test").json() == {"n": 1}
        policy.request("POST", fake_api.url + "/batch", source="test", json_body={"ids": ["a"]})
    policy.request("POST", fake_api.url + "/batch", source="test", json_body={"ids": ["b"]})  # another body: a miss
    assert [s.path for s in fake_api.seen] == ["/x", "/batch", "/batch"]


def test_error_responses_are_not_cached(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.add("GET", "/x", Reply(503, b""), json_reply({"ok": True}))
    policy = fast_policy(cache_dir=tmp_path, max_attempts=1)
    with pytest.raises(SourceUnavailable):
        policy.get(fake_api.url + "/x", source="test")
    assert policy.get(fake_api.url + "/x", source="test").json() == {"ok": True}


def test_validate_rejects_empty_and_html_bodies(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/empty", Reply(200, b"", content_type="application/json"))
    fake_api.add("GET", "/html", Reply(200, "<html>maintenance</html>", content_type="text/html"))
    policy = fast_policy()
    with pytest.raises(SourceBadResponse, match="empty body"):
        policy.get(fake_api.url + "/empty", source="test", validate=expect_json)
    with pytest.raises(SourceBadResponse, match="not JSON"):
        policy.get(fake_api.url + "/html", source="test", validate=expect_json)


def test_record_then_replay_with_the_server_stopped(fake_api: FakeApi, tmp_path: Path) -> None:
    fake_api.add("GET", "/api/query", atom(recorded_text("arxiv/id_list-medsam-sam-sam2.xml")))
    fake_api.add("POST", "/graph/v1/paper/batch", json_reply(recorded_json("s2/batch-medsam-sam-sam2-unknown.json")))
    ids = ["2304.12306", "2304.02643", "2408.00714"]
    rec = tmp_path / "recordings"

    policy = fast_policy(record_dir=rec)
    live_arxiv = ArxivSource(policy, api_url=fake_api.url + "/api/query", min_interval=0).fetch(ids)
    live_s2 = SemanticScholarSource(policy, api_url=fake_api.url, min_interval=0).papers(ids + ["2399.99999"])
    url = fake_api.url
    fake_api.stop()

    entries = [json.loads(p.read_text()) for p in rec.glob("*.json")]
    assert sorted(e["method"] for e in entries) == ["GET", "POST"]
    assert all({"status", "headers", "body", "url"} <= set(e) for e in entries)

    replay = fast_policy(replay_dir=rec)
    again_arxiv = ArxivSource(replay, api_url=url + "/api/query", min_interval=0).fetch(ids)
    again_s2 = SemanticScholarSource(replay, api_url=url, min_interval=0).papers(ids + ["2399.99999"])
    assert again_arxiv == [r for r in live_arxiv]
    assert again_s2 == live_s2
    assert replay.report.replayed == 2 and replay.report.requests_sent == 0

    with pytest.raises(ReplayMiss, match=r"no recording of GET .*id_list=2504.03600"):
        ArxivSource(replay, api_url=url + "/api/query", min_interval=0).fetch(["2504.03600"])


def test_secret_query_values_are_redacted() -> None:
    policy = fast_policy(secrets=["sekrit"])
    assert policy.redact_url("https://h/x?q=1&api_key=abc&token=t") == "https://h/x?q=1&api_key=***&token=***"
    assert "sekrit" not in policy.redact("header x-api-key: sekrit")


def test_one_hosts_retry_after_never_stops_another_host(fake_api: FakeApi) -> None:
    """arXiv asking for a day's pause spends arXiv's budget only (issue #14, item 8)."""
    other = FakeApi().start()
    try:
        fake_api.add("GET", "/api/query", Reply(429, b"", headers={"Retry-After": "100000"}))
        other.add("GET", "/graph/v1/paper/x", json_reply({"ok": True}))
        policy = fast_policy(wait_budget_seconds=5)
        with pytest.raises(BudgetExhausted, match="Retry-After 100000 s"):
            policy.get(fake_api.url + "/api/query", source="arXiv")
        assert policy.get(other.url + "/graph/v1/paper/x", source="Semantic Scholar").json() == {"ok": True}
        assert len(other.seen) == 1 and len(fake_api.seen) == 1
        with pytest.raises(BudgetExhausted, match="budget for this run is spent"):
            policy.get(fake_api.url + "/api/query?again", source="arXiv")
        assert len(fake_api.seen) == 1  # the spent host is not asked again
    finally:
        other.stop()


def test_the_budget_bounds_wall_time_against_a_hanging_server(fake_api: FakeApi) -> None:
    """Timeouts count against the budget and are clipped to it: a server that never answers
    costs about the budget, not max_attempts x read_timeout (issue #14, item 9)."""
    fake_api.add("GET", "/x", Reply(200, b"{}", stall=300.0))
    policy = fast_policy(wait_budget_seconds=2, read_timeout=60, connect_timeout=10, max_attempts=5)
    with pytest.raises(BudgetExhausted) as err:
        policy.get(fake_api.url + "/x", source="test")
    assert len(fake_api.requests_to("/x")) == 1  # one attempt, clipped to the budget; 5 x 60 s without the clip
    assert "read timeout after 2 s" in str(err.value)
    assert "read timeout" in policy.report.failures[0].reason


def test_credentials_in_a_source_url_are_never_shown(fake_api: FakeApi) -> None:
    fake_api.add("GET", "/x", json_reply({"error": "no"}, 401))
    url = fake_api.url.replace("http://", "http://user:hunter2@") + "/x?api_key=k3y"
    policy = fast_policy()
    with pytest.raises(SourceRejected) as err:
        policy.get(url, source="test")
    shown = str(err.value) + " ".join(str(f) for f in policy.report.failures)
    assert "hunter2" not in shown and "k3y" not in shown and "user:***@" in shown
