"""`kg update` against a local server speaking the arXiv API, Semantic Scholar's citations
endpoint and the survey list's raw file (tests/fakeapi.py): the real client code runs.

Fixtures (tests/recorded/update/, see its README): 31 invented recent papers (19 in scope
across the 13 classes, 12 near misses, 1 outside the window) and a later version of the
survey list with new rows, a changed class, a removed row and broken rows."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

import fakeapi
from fakeapi import FakeApi, Reply, arxiv_feed, atom, json_reply, recorded_json, recorded_text
from ingest.arxiv import ArxivSource
from ingest.http import build_policy
from ingest.semantic_scholar import SemanticScholarSource
from kg.build import build
from kg.queries import with_prefixes
from kg.vocab import CANDIDATES, CURATION
from kg.store import Store
from kg.tracker.config import DiscoveryConfig
from kg.tracker.lock import UpdateLocked, update_lock
from kg.tracker.report import UpdateReport
from kg.tracker.update import run_update

fake_api = fakeapi.fake_api  # the fixture (a local server per test), under the name the tests ask for
SINCE = date(2026, 10, 1)
LIST_PATH = "/raw/GMMIS-survey/main/README.md"
ANCHORS = {"SAM": "2304.02643", "SAM 2": "2408.00714", "MedSAM": "2304.12306"}


def _entries() -> list[tuple[str, str]]:
    text = recorded_text("update/arxiv-entries.xml")
    return [
        (m.group(0), re.search(r"<published>(\d{4})-(\d\d)-(\d\d)", m.group(0)).group(0)[11:].replace("-", ""))
        for m in re.finditer(r"  <entry>.*?</entry>\n", text, re.DOTALL)
    ]


def serve(api: FakeApi, *, stall_s2: float = 0.0) -> None:
    entries = _entries()

    def search(seen):  # type: ignore[no-untyped-def]
        query = seen.query.get("search_query", [""])[0]
        window = re.search(r"submittedDate:\[(\d{8})\d{4} TO (\d{8})\d{4}\]", query)
        hits = [e for e, day in entries if not window or window.group(1) <= day <= window.group(2)]
        start = int(seen.query.get("start", ["0"])[0])
        size = int(seen.query.get("max_results", ["100"])[0])
        return atom(arxiv_feed(hits[start : start + size], total=len(hits), start=start, query=seen.raw_query))

    api.handle("GET", "/api/query", search)
    for name, file in (("2304.02643", "sam"), ("2408.00714", "sam2"), ("2304.12306", "medsam")):
        reply = json_reply(recorded_json(f"update/s2-citations-{file}.json"))
        reply.stall = stall_s2
        api.add("GET", f"/graph/v1/paper/ARXIV:{name}/citations", reply)
    api.add(
        "GET",
        LIST_PATH,
        Reply(200, recorded_text("update/survey-list-later.md"), content_type="text/plain; charset=utf-8"),
    )


@pytest.fixture()
def survey_store() -> Store:
    store = Store(None)
    build(store)
    return store


def config_for(api: FakeApi) -> DiscoveryConfig:
    config = DiscoveryConfig.load()
    config.list_url = api.url + LIST_PATH
    return config


def run(store: Store, api: FakeApi, tmp_path: Path, **kwargs) -> UpdateReport:  # type: ignore[no-untyped-def]
    policy = build_policy(None, wait_budget_seconds=5, max_attempts=2, backoff_base=0.01)
    kwargs.setdefault("since", SINCE)
    return run_update(
        store,
        policy=policy,
        config=config_for(api),
        curation_file=tmp_path / "curation.toml",
        digest_dir=tmp_path / "digests",
        arxiv_source=ArxivSource(policy, api_url=api.url + "/api/query", min_interval=0),
        s2_source=SemanticScholarSource(policy, api_url=api.url, min_interval=0),
        **kwargs,
    )


def q(store: Store, body: str) -> list[dict]:
    return store.select(with_prefixes(body)).rows


def quads_except_provenance(store: Store) -> set:
    return {x for x in store.quads() if "graph/provenance" not in str(x.graph_name)}


def scores(report: UpdateReport) -> tuple[float, float, float, list[str]]:
    """Relevance precision and recall and class accuracy on the labelled arXiv/S2 papers."""
    labels: dict[str, str | None] = recorded_json("update/expected.json")["labels"]
    queued = {c.title.lower(): c for c in report.candidates}
    tp = fp = fn = right = 0
    errors = []
    for title, label in labels.items():
        got = queued.get(title.lower())
        if got and label:
            tp += 1
            right += got.category == label
            if got.category != label:
                errors.append(f"class: {title}: {got.category} (want {label})")
        elif got:
            fp += 1
            errors.append(f"false positive: {title} as {got.category}")
        elif label:
            fn += 1
            errors.append(f"missed: {title}")
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1), right / max(tp, 1), errors


# --------------------------------------------------------------------------- discovery and queue


def test_update_queues_relevant_papers_with_class_confidence_and_evidence(
    survey_store: Store, fake_api: FakeApi, tmp_path: Path
) -> None:
    serve(fake_api)
    report = run(survey_store, fake_api, tmp_path)
    assert report.complete and all(s.ok for s in report.sources), report.failures
    precision, recall, accuracy, errors = scores(report)
    print(f"\nprecision {precision:.3f} recall {recall:.3f} class accuracy {accuracy:.3f}; {errors}")
    assert (precision, recall, accuracy, errors) == (1.0, 1.0, 1.0, [])

    # every queued paper is a candidate in its own graph, with class, confidence, evidence, links
    rows = q(
        survey_store,
        """SELECT DISTINCT ?p ?st ?cl ?conf ?ev WHERE { GRAPH graph:candidates {
        ?p a mskg:Paper ; mskg:reviewStatus ?st ; mskg:category ?c ; mskg:confidence ?conf ; mskg:evidence ?ev }
        ?c skos:prefLabel ?cl }""",
    )
    assert len(rows) == len(report.candidates) and {r["st"] for r in rows} == {"candidate"}
    assert all(0 <= r["conf"] <= 1 for r in rows)
    evidence = {r["p"]: json.loads(r["ev"]) for r in rows}
    lora = evidence["https://w3id.org/medseg-kg/id/paper/arxiv/2610.18830"]
    # the fake arXiv answers every search with every entry of the window: each search finds LoRA-Med
    assert lora["found_by"] == [f"arXiv search '{name}'" for name, _ in DiscoveryConfig.load().queries]
    assert {"kind": "dataset", "key": "BTCV", "text": "Synapse multi-organ"} in lora["links"]
    assert [p for p in lora["matched_phrases"] if p.startswith("class: ")] == [
        "class: LoRA",
        "class: efficient fine-tun*",
        "class: fine-tun*",
        "class: low-rank",
        "class: parameter-efficient",
    ]
    assert [n["label"] for n in lora["nearest"]] == ["FEFT of SAM"] * 3
    linked = q(survey_store, """SELECT ?d WHERE { id:paper\\/arxiv\\/2610.18830 mskg:mentionsDataset ?d }""")
    assert {r["d"].rsplit("/", 1)[-1] for r in linked} == {"btcv", "amos"}
    assert q(survey_store, "ASK { id:paper\\/arxiv\\/2610.18830 mskg:mentionsModel id:model\\/sam }") == [
        {"result": True}
    ]

    # de-duplication: arXiv + S2 preprint + S2 journal version (DOI only, other casing) = one node
    dent = q(
        survey_store,
        """SELECT DISTINCT ?p ?doi WHERE { ?p mskg:arxivId "2610.14502" . OPTIONAL { ?p bibo:doi ?doi } }""",
    )
    assert dent == [{"p": "https://w3id.org/medseg-kg/id/paper/arxiv/2610.14502", "doi": "10.1016/j.media.2026.103911"}]
    # a paper of the survey found again (MedSAM2's journal version) is not a candidate, but its citation is new
    assert [s.title for s in report.skipped if s.kind == "in the graph"] == [
        "MedSAM2: Segment Anything in 3D Medical Images and Videos"
    ]
    assert ("MedSAM2: Segment Anything in 3D Medical Images and Videos", "SAM 2") in report.new_citations
    assert sorted(anchor for _, anchor in report.new_citations) == ["MedSAM"] * 2 + ["SAM"] * 4 + ["SAM 2"] * 4
    # near misses are skipped with the classifier's reason; the paper outside the window is never seen
    out = {s.title: s.reason for s in report.skipped if s.kind == "out of scope"}
    near_misses = {t for t, label in recorded_json("update/expected.json")["labels"].items() if label is None}
    assert set(out) == near_misses and len(out) == 12
    assert out["RS-SAM: Adapting Segment Anything to Multispectral Remote Sensing Imagery"] == (
        "out of scope: no medical cue; off-domain cues outweigh medical ones (remote sensing, satellite) "
        "(confidence 0.98)"
    )
    assert all(reason.startswith("out of scope") for reason in out.values())
    assert not any("Early Study" in c.title for c in report.candidates + report.skipped)  # type: ignore[operator]

    # the run is a prov:Activity with counts and its window
    act = q(
        survey_store,
        f"""SELECT ?n ?d ?s ?e WHERE {{ <{report.activity}> a prov:Activity ; mskg:candidatesAdded ?n ;
        mskg:papersDiscovered ?d ; mskg:windowStart ?s ; mskg:windowEnd ?e }}""",
    )
    assert act[0]["n"] == len(report.candidates) and act[0]["d"] == report.discovered and act[0]["s"] == SINCE

    # the graph still validates (one status and one class per paper, confidence 0..1, ...)
    from kg.validate import validate_store

    result = validate_store(survey_store)
    assert result.conforms, [f"{v.focus} {v.path} {v.message}" for v in result.violations[:5]]


def test_survey_list_changes_new_models_and_broken_rows(survey_store: Store, fake_api: FakeApi, tmp_path: Path) -> None:
    serve(fake_api)
    report = run(survey_store, fake_api, tmp_path)
    lc = report.list_changes
    assert lc is not None and lc.fetched and lc.compared_with == "the bundled list"
    assert {r.name or r.title for r in lc.new_rows} == {
        "PromptNet-X",
        "PL-SAM",
        "MedSAM2-Ultra",
        "VoxFM",
        "UniText-Med",
        "NoLinkSAM",
        "Benchmarking SAM 2 for Cardiac Cine MRI Segmentation",
    }
    assert set(lc.new_models) == {r.name or r.title for r in lc.new_rows}
    assert [(o.name, o.category, n.category) for o, n in lc.changed] == [("SAMed", "FEFT of SAM", "Adapters for SAM")]
    assert [r.name for r in lc.removed] == ["Cheap Lunch SAM"]
    assert [(p.line, p.action) for p in lc.broken] == [
        (35, "repaired (kept the title only)"),
        (36, "skipped"),
        (37, "skipped"),
    ]
    assert lc.new_classes == ["Prompt learning for SAM"]
    # new models of the list are candidates with the list's class, confidence 1.0; merged with arXiv hits
    by_title = {c.title: c for c in report.candidates}
    ultra = by_title["MedSAM2-Ultra: Fine-Tuning SAM 2 on a Million Annotated Medical Video Frames"]
    assert ultra.category == "Fine-tuning of SAM 2" and ultra.confidence == 1.0
    searches = [f"arXiv search '{name}'" for name, _ in DiscoveryConfig.load().queries]
    ultra_line = next(r.line for r in lc.new_rows if r.name == "MedSAM2-Ultra")
    assert ultra.found_by == [*searches, "cites SAM 2 (Semantic Scholar)", f"survey list line {ultra_line}"]
    promptnet = next(c for c in report.candidates if c.title.startswith("PromptNet-X"))
    assert promptnet.found_by == [f"survey list line {next(r.line for r in lc.new_rows if r.name == 'PromptNet-X')}"]
    # the new class joins the taxonomy (a concept in the candidates graph) so the paper can point at it
    assert q(
        survey_store,
        """ASK { ?c skos:prefLabel "Prompt learning for SAM" ; skos:inScheme id:taxonomy ;
        skos:broader/skos:prefLabel "SAM-based models" }""",
    ) == [{"result": True}]
    # the digest names every broken row with its line
    digest = (tmp_path / "digests" / "latest.md").read_text()
    assert digest.split("### Broken rows (3)\n")[1].splitlines()[:3] == [
        "- line 35: no link in the Publication column; repaired (kept the title only)",
        "- line 36: 1 cells for 4 columns; the Publication cell is missing; skipped",
        "- line 37: 5 cells for 4 columns, and the extra ones are not empty; skipped",
    ]
    assert "- line 14: SAMed: FEFT of SAM -> Adapters for SAM" in digest.splitlines()
    # the next run compares with this version: nothing new
    again = run(survey_store, fake_api, tmp_path)
    assert again.list_changes is not None and again.list_changes.compared_with.startswith("the version seen on")
    assert not (again.list_changes.new_rows or again.list_changes.changed or again.list_changes.removed)
    assert [p.line for p in again.list_changes.broken] == [35, 36, 37]  # still broken, still reported


def test_second_run_over_the_same_window_adds_nothing(survey_store: Store, fake_api: FakeApi, tmp_path: Path) -> None:
    serve(fake_api)
    first = run(survey_store, fake_api, tmp_path)
    assert len(first.candidates) == 24
    before = quads_except_provenance(survey_store)
    second = run(survey_store, fake_api, tmp_path)
    assert second.candidates == [] and second.new_citations == []
    assert {s.kind for s in second.skipped} == {"already queued", "in the graph", "out of scope"}
    assert quads_except_provenance(survey_store) == before
    # without --since the window starts at the last run's end minus the overlap
    third = run(survey_store, fake_api, tmp_path, since=None)
    assert third.window_start == first.window_end.fromordinal(first.window_end.toordinal() - 7)


def test_digest_markdown_and_atom_feed(survey_store: Store, fake_api: FakeApi, tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    serve(fake_api)
    report = run(survey_store, fake_api, tmp_path)
    md = report.digest.read_text()  # type: ignore[union-attr]
    assert (tmp_path / "digests" / "latest.md").read_text() == md
    assert [line for line in md.splitlines() if line.startswith("## ")] == [
        "## Sources",
        "## New candidates (24)",
        "## Updated papers (0)",  # new versions of known papers (issue #13): none in these fixtures
        "## Withdrawn papers (0)",
        "## Accepted since the last run (0)",
        "## New citations (10)",
        "## Upstream survey list",
        "## Failures (0)",
        "## Skipped (13)",
        "## Notes from the sources (0)",
    ]
    assert (
        "| [LoRA-Med: Low-Rank Parameter-Efficient Fine-Tuning of SAM for Multi-Organ CT Segmentation]"
        "(https://arxiv.org/abs/2610.18830) | FEFT of SAM | 0.87 |"
    ) in md
    feed = ET.parse(report.feed).getroot()  # type: ignore[arg-type]
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert len(entries) == len(report.candidates) + 1
    ids = {e.findtext("a:id", namespaces=ns) for e in entries}
    assert ids == {report.activity} | {c.iri for c in report.candidates}
    assert "https://w3id.org/medseg-kg/id/paper/arxiv/2610.18830" in ids
    run(survey_store, fake_api, tmp_path)  # a second run adds its own entry and keeps the first run's
    assert len(ET.parse(report.feed).getroot().findall("a:entry", ns)) == len(entries) + 1  # type: ignore[arg-type]


def test_a_failed_source_keeps_the_window_open_and_nothing_is_lost(
    survey_store: Store, fake_api: FakeApi, tmp_path: Path
) -> None:
    serve(fake_api)
    fake_api.routes = [r for r in fake_api.routes if "citations" not in r.path]  # S2 answers 404 now
    report = run(survey_store, fake_api, tmp_path)
    assert report.did_anything and not report.complete
    assert [f.split(": ")[0] for f in report.failures] == [
        "Semantic Scholar citations of SAM",
        "Semantic Scholar citations of SAM 2",
        "Semantic Scholar citations of MedSAM",
    ]
    assert q(survey_store, f"ASK {{ <{report.activity}> mskg:windowEnd ?e }}") == [{"result": False}]
    # everything unreachable: nothing written at all
    before = set(survey_store.quads())
    url = fake_api.url
    fake_api.stop()
    policy = build_policy(None, wait_budget_seconds=1, max_attempts=1, connect_timeout=1)
    config = DiscoveryConfig.load()
    config.list_url = url + LIST_PATH
    dead = run_update(
        survey_store,
        policy=policy,
        config=config,
        since=SINCE,
        curation_file=None,
        digest_dir=None,
        arxiv_source=ArxivSource(policy, api_url=url + "/api/query", min_interval=0),
        s2_source=SemanticScholarSource(policy, api_url=url, min_interval=0),
    )
    assert not dead.did_anything and dead.activity is None
    assert set(survey_store.quads()) == before


def test_the_lock_refuses_a_second_run(tmp_path: Path) -> None:
    lock = tmp_path / "update.lock"
    with update_lock(lock):
        with pytest.raises(UpdateLocked, match="another `kg update` is running"):
            with update_lock(lock):
                pass
    with update_lock(lock):  # released: the next run gets it
        pass


# --------------------------------------------------------------------------- the command line


def _env(tmp_path: Path, api_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "MSKG_STORE": str(tmp_path / "store"),
        "MSKG_ARXIV_API_URL": api_url + "/api/query",
        "MSKG_S2_API_URL": api_url,
        "MSKG_SURVEY_LIST_URL": api_url + LIST_PATH,
        "MSKG_HTTP_MIN_INTERVAL": "0",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "MSKG_CURATION_FILE": "",
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }


def _kg(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def _store_quads(path: Path) -> set[str]:
    store = Store.open(path, read_only=True)
    try:
        return {str(x) for x in store.quads()}
    finally:
        del store


def test_cli_update_kill_9_leaves_the_store_intact_and_the_lock_refuses_a_concurrent_run(
    tmp_path: Path, fake_api: FakeApi
) -> None:
    serve(fake_api, stall_s2=30)  # arXiv answers at once, Semantic Scholar stalls: the run is mid-way
    env = _env(tmp_path, fake_api.url)
    assert _kg("build", env=env).returncode == 0
    before = _store_quads(tmp_path / "store")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "update", "--since", "2026-10-01", "--no-cache"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not any("citations" in s.path for s in fake_api.seen):
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.05)
        assert any(s.path == "/api/query" for s in fake_api.seen)
        second = _kg("update", "--since", "2026-10-01", env=env, timeout=30)
        assert second.returncode == 3, second.stderr
        assert "another `kg update` is running" in second.stderr
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    assert _store_quads(tmp_path / "store") == before


def test_two_stores_in_one_folder_have_a_lock_each(tmp_path: Path, fake_api: FakeApi) -> None:
    """Issue #14, row 11: the lock was the folder's ``update.lock``, so a `kg update` on one
    store refused every other store of its folder. Now it is named after its store."""
    from kg.paths import lock_file

    serve(fake_api)
    env = _env(tmp_path, fake_api.url)
    store, other = tmp_path / "store", tmp_path / "other"
    assert _kg("build", env=env).returncode == 0
    assert lock_file(store).parent == tmp_path and store.name in lock_file(store).name
    assert lock_file(store) != lock_file(other)
    with update_lock(lock_file(other)):  # a `kg update` running on the other store of the folder
        beside = _kg("update", "--since", "2026-10-01", "--no-cache", env=env)
    assert beside.returncode == 0, beside.stderr
    with update_lock(lock_file(store)):  # and one on this store still refuses a second run
        second = _kg("update", "--since", "2026-10-01", "--no-cache", env=env)
    assert second.returncode == 3 and "another `kg update` is running" in second.stderr


def test_cli_update_then_review_round_trip_survives_a_rebuild(tmp_path: Path, fake_api: FakeApi) -> None:
    serve(fake_api)
    env = _env(tmp_path, fake_api.url)
    assert _kg("build", env=env).returncode == 0
    first = _kg("update", "--since", "2026-10-01", "--no-cache", env=env)
    assert first.returncode == 0, first.stderr
    assert "37 papers discovered; 24 queued, 13 skipped, 10 new citations" in first.stderr.splitlines()
    assert (tmp_path / "digests" / "latest.md").exists()
    listed = [json.loads(line) for line in _kg("review", "list", "--json", env=env).stdout.splitlines()]
    assert len(listed) == 24 and {i["status"] for i in listed} == {"candidate"}
    lora, pseudo = "2610.18830", "2611.05118"
    acc = _kg("review", "accept", lora, "--category", "Adapters for SAM", env=env)
    assert acc.returncode == 0, acc.stderr
    rej = _kg("review", "reject", f"arXiv:{pseudo}", env=env)
    assert rej.returncode == 0, rej.stderr
    bad = _kg("review", "accept", lora, "--category", "No such class", env=env)
    assert bad.returncode == 2 and "'No such class' is not a class of the taxonomy; one of: " in bad.stderr
    import tomllib

    curation = tomllib.loads((tmp_path / "curation.toml").read_text())
    assert [(d["paper"], d["status"], d["category"]) for d in curation["decision"]] == [
        (f"https://w3id.org/medseg-kg/id/paper/arxiv/{lora}", "accepted", "Adapters for SAM"),
        (f"https://w3id.org/medseg-kg/id/paper/arxiv/{pseudo}", "rejected", ""),
    ]

    def status_of(arxiv: str) -> list[tuple[str, str | None]]:
        paper = f"<https://w3id.org/medseg-kg/id/paper/arxiv/{arxiv}>"
        out = _kg(
            "query",
            f"SELECT DISTINCT ?st ?cl WHERE {{ {paper} mskg:reviewStatus ?st . "
            f"OPTIONAL {{ {paper} mskg:category/skos:prefLabel ?cl }} }}",
            "-f",
            "json",
            env=env,
        )
        assert out.returncode == 0, out.stderr
        return sorted((r["st"], r.get("cl")) for r in json.loads(out.stdout))

    assert status_of(lora) == [("accepted", "Adapters for SAM")]
    assert status_of(pseudo) == [("rejected", None)]
    rebuilt = _kg("build", env=env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert status_of(lora) == [("accepted", "Adapters for SAM")] and status_of(pseudo) == [("rejected", None)]
    accepted = [
        json.loads(x) for x in _kg("review", "list", "--status", "accepted", "--json", env=env).stdout.splitlines()
    ]
    assert [(a["arxiv"], a["category"], a["predicted"]) for a in accepted] == [
        (lora, "Adapters for SAM", "FEFT of SAM")
    ]

    # the candidate graph is lost (say, dropped by hand): the rejected paper is still never proposed again,
    # and the accepted one comes back accepted
    store = Store.open(tmp_path / "store")
    store.update(f"DROP GRAPH <{CANDIDATES}>")
    del store
    again = _kg("update", "--since", "2026-10-01", "--no-cache", env=env)
    assert again.returncode == 0, again.stderr
    digest = (tmp_path / "digests" / "latest.md").read_text()
    assert re.search(r"SAM-Guided Pseudo-Labels .*\| rejected on \d{4}-\d\d-\d\d; not proposed again", digest)
    assert status_of(pseudo) == [("rejected", None)]
    assert status_of(lora) == [("accepted", "Adapters for SAM")]
    assert "## Accepted since the last run (1)" in digest
    assert str(CURATION).endswith("/graph/curation")


def test_update_without_a_built_store_says_so_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "never-built"
    proc = subprocess.run(
        [sys.executable, "-m", "kg.cli", "--store", str(missing), "update"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1
    assert proc.stderr == f"Error: no graph at {missing}; run `kg build` first (or pass --store / set MSKG_STORE)\n"
    assert not missing.exists()
