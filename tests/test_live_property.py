"""The live-path invariant as a property: seeded chains of `kg enrich` and `kg update` runs on
randomized real-shaped answers (tests/realworlds.py: nulls in every nullable field, empty
pages, a paper twice in a page and across pages, preprint + journal version pairs, unresolved
references, malformed records, faults), each run on the store the previous run left, as week
after week. After every run the invariant of tests/livecase.py must hold (SHACL on the nodes
the run touched, with the shapes and engine of `kg validate`); `kg validate` itself runs on the
whole store every other chain leaves, and the survey's graphs are compared quad for quad.

Runs: CHAINS x RUNS (210 by default). MSKG_PROPERTY_RUNS overrides RUNS per chain,
MSKG_PROPERTY_SEED the seeds (0 by default)."""

from __future__ import annotations

import os
import random
import re
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

import fakeapi
from fakeapi import FakeApi, Reply, json_reply, recorded_json
from livecase import SINCE, TODAY, Survey, broken, policy, q, snapshot, sources, survey_intact, update_config
from realshaped import ARXIV_PATH, BATCH_PATH, World, serve
from realworlds import Knobs, Universe, random_world
from kg.tracker.enrich import enrich
from kg.tracker.update import run_update
from kg.validate import validate_store

fake_api = fakeapi.fake_api  # the fixture (a local server per test), under the name the tests ask for

CHAINS = 6
RUNS = int(os.environ.get("MSKG_PROPERTY_RUNS", "35"))
SEED = int(os.environ.get("MSKG_PROPERTY_SEED", "0"))  # another seed explores other worlds
# Small lists, and most tracked papers unknown to the batch each run, so a run costs ~0.1 s;
# every oddity is more frequent than in the real rates, to meet each one often.
KNOBS = Knobs(p_batch_null=0.9, p_arxiv_answer=0.15, p_pair=0.3, p_duplicate=0.15, p_null_field=0.35, p_bad_record=0.08,
              p_withdrawn=0.1, p_bad_arxiv_date=0.4, p_empty_page=0.4, references=(2, 14), citers=(2, 12), pool=30)
FAULTS = [  # the error bodies of the API's recordings
    json_reply({"message": "Endpoint request timed out"}, 504),
    json_reply(recorded_json("s2/error-403.json"), 403),
    json_reply(recorded_json("s2/error-404.json"), 404),
    json_reply(recorded_json("s2/error-400.json"), 400),
    Reply(200, "<html><body>Service temporarily unavailable</body></html>", content_type="text/html"),
    Reply(503, b""),
]


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Survey:
    return Survey(tmp_path_factory.mktemp("survey"))


def _faults(rng: random.Random, world: World) -> list[str]:
    """Break a few requests of this run the way the live APIs do; returns the broken paths."""
    paths = []
    if rng.random() < 0.35 and world.references:
        paths.append(f"/graph/v1/paper/{rng.choice(sorted(world.references))}/references")
    if rng.random() < 0.1:
        paths.append(f"/graph/v1/paper/ARXIV:{rng.choice(['2304.02643', '2408.00714', '2304.12306'])}/citations")
    if rng.random() < 0.05:
        paths.append(BATCH_PATH)
    if rng.random() < 0.05:
        paths.append(ARXIV_PATH)
    for path in paths:
        world.faults[path] = rng.choice(FAULTS)
    return paths


def _oddities(world: World, faulted: list[str]) -> Counter:
    """What this run's answers hold of the cases the property is about (so none goes untried)."""
    items = [p for ps in list(world.references.values()) + list(world.citations.values()) for p in ps]
    ids = [p["paperId"] for p in items if p.get("paperId")]
    titles = [" ".join((p.get("title") or "").lower().split()) for p in items if p.get("paperId")]
    return Counter({
        "unresolved": sum(1 for p in items if not p.get("paperId")),
        "a paper twice (in a page or across pages)": len(ids) - len(set(ids)),
        "preprint + journal version (two ids, one title)": len(set(zip(ids, titles))) - len(set(titles)),
        "arXiv DOI": sum(1 for p in items if str((p.get("externalIds") or {}).get("DOI", "")).startswith("10.48550")),
        "no title": sum(1 for p in items if p.get("paperId") and not p.get("title")),
        "bad date": sum(1 for p in items if p.get("publicationDate") in ("2023-02-30", "2023-13-01", "n.d.")),
        "null field": sum(1 for p in items for k in ("abstract", "year", "publicationDate", "journal")
                          if p.get(k) is None),
        "empty search page": len(world.empty_pages),
        "bad arXiv date": sum(1 for e in world.searches if not _readable_date(e)),
        "fault": len(faulted),
    })


def _readable_date(entry: str) -> bool:
    """Whether the package's feed parser reads the entry's <published> (it calls fromisoformat);
    '2023-04-31T17:56:12Z' starts like a date and is none."""
    m = re.search(r"<published>(.*?)</published>", entry)
    try:
        datetime.fromisoformat(m.group(1).strip().replace("Z", "+00:00"))  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        return False
    return True


def _read_again(store: Any, world: World, faulted: list[str]) -> set[str]:
    """Papers whose reference lists this enrich read again completely (their edges may change)."""
    if BATCH_PATH in faulted:
        return set()
    by_s2 = {r["s2"]: r["p"] for r in q(store, "SELECT ?p ?s2 WHERE { ?p mskg:s2PaperId ?s2 }")}
    return {by_s2[s2] for s2 in world.references
            if s2 in by_s2 and f"/graph/v1/paper/{s2}/references" not in faulted}


def _one_run(store: Any, api: FakeApi, world: World, rng: random.Random, tmp_path: Path,
             seen: Counter | None = None) -> tuple[str, set[str]]:
    faulted = _faults(rng, world)
    if seen is not None:
        seen.update(_oddities(world, faulted))
    api.routes.clear()
    serve(api, world)
    p = policy()
    if rng.random() < 0.2:
        run_update(store, policy=p, config=update_config(queries=2), since=SINCE, today=TODAY, curation_file=None,
                   digest_dir=tmp_path / "digests", **sources(api, p))
        return "update", set()
    enrich(store, policy=p, anchors={"SAM": "2304.02643", "MedSAM": "2304.12306"}, **sources(api, p))
    return "enrich", _read_again(store, world, faulted)


@pytest.mark.parametrize("chain", range(CHAINS))
def test_every_run_keeps_the_invariant(chain: int, survey: Survey, fake_api: FakeApi, tmp_path: Path) -> None:
    store = survey.fresh()
    chain += 100 * SEED
    universe = Universe(1300 + chain, survey.papers, KNOBS)  # the chain's literature: papers come back
    rng = random.Random(chain)
    failures: list[str] = []
    kinds = {"enrich": 0, "update": 0}
    seen: Counter = Counter()
    before = snapshot(store)
    for run in range(RUNS):
        seed = 1000 * chain + run
        world = random_world(seed, survey.papers, KNOBS, universe)
        kind, read_again = _one_run(store, fake_api, world, rng, tmp_path, seen)
        kinds[kind] += 1
        now = snapshot(store)
        kept = {citing for citing, _ in before.facts.edges} - read_again
        failures += [f"chain {chain} run {run} ({kind}, seed {seed}): {f}"
                     for f in broken(store, before, survey, lists_kept=kept, now=now)]
        if len(failures) > 20:
            break
        before = now
    assert failures == [], "\n".join(failures[:20])
    assert kinds["enrich"] and kinds["update"]
    print(f"chain {chain}: {kinds}, {dict(seen)}")
    assert all(seen[k] > 0 for k in _oddities(World(), []).keys()), seen  # every case met at least once
    assert survey_intact(store, survey)
    if chain % 2 == 0:  # `kg validate` itself on the whole store (3 s a store: every other chain)
        report = validate_store(store)
        assert report.conforms, [f"{v.focus} {v.path} {v.message}" for v in report.violations[:5]]
    papers = q(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a mskg:Paper }")[0]["n"]
    assert papers > len(survey.papers)  # the chain did add papers (the property is not vacuous)
