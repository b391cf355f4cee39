"""The counts of issue #13's closing note: papers, cites edges, SHACL violations, arXiv DOIs
stored as bibo:doi and junk nodes after each step of one real-shaped run (build, `kg enrich`,
`kg update`, `kg enrich` again) against a local server answering in the live APIs' formats
(tests/realshaped.py, tests/realworlds.py: 2026 arXiv feeds, Semantic Scholar pages with
nulls, preprint + journal pairs, unresolved references, an empty search page that stays
empty, one unparsable arXiv date, bad records).

The code measured is the ``kg`` and ``ingest`` of ``--code DIR`` (this checkout by default),
so one script measures this tree and an older checkout alike (either layout of the tracker:
kg.tracker.* or the older kg.enrich / kg.update); the fake API and its worlds are always this
checkout's tests/ helpers. Both must see the same world: the world is drawn from the survey's
tracked papers, so write them from one tree and read them in the other:

    python scripts/measure_live_path.py --seed 13 --survey-out survey.json
    python scripts/measure_live_path.py --seed 13 --survey-in survey.json --code OLD_CHECKOUT
 A step that raises is
recorded as aborted with its exception; a step that runs past ``--step-timeout`` seconds is
stopped and recorded as such (old code looped forever on some answers).
"""

from __future__ import annotations

import argparse
import importlib
import json
import signal
import sys
import tempfile
import time
import traceback
from datetime import date
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parents[1]
sys.path.insert(1, str(_HERE / "tests"))  # the fake API and its worlds

from fakeapi import FakeApi  # noqa: E402
from realshaped import serve  # noqa: E402
from realworlds import Knobs, random_world  # noqa: E402

# The counting questions, one .rq file each (scripts/queries/live-path-*.rq); the prefixes come
# from the checkout being measured (kg.queries.with_prefixes).
_QUERY_DIR = Path(__file__).resolve().parent / "queries"
COUNTS = {p.stem.removeprefix("live-path-").replace("-", "_"): p.read_text(encoding="utf-8")
          for p in sorted(_QUERY_DIR.glob("live-path-*.rq"))}


def _first(*names: str) -> Any:
    """``module:attr`` from the first module that has it (the tracker moved in the layout change)."""
    for name in names:
        module, _, attr = name.partition(":")
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError):
            continue
    raise ImportError(f"none of {names}")


def counts(store: Any) -> dict[str, int]:
    from kg.queries import with_prefixes
    from kg.validate import validate_store

    out = {name: int(store.select(with_prefixes(q)).rows[0]["n"] or 0) for name, q in COUNTS.items()}
    out["violations"] = len(validate_store(store).violations)
    return out


def survey_of(store: Any) -> list[dict[str, str | None]]:
    index = _first("kg.tracker.paper_index:PaperIndex", "kg.enrich:PaperIndex").from_store(store)
    return [{"arxiv": index.known(p).arxiv_id, "doi": index.known(p).doi, "title": index.known(p).title}
            for p in sorted(index.tracked)]  # sorted: the same world whichever code reads it


class _StepTimeout(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _StepTimeout


def _step(name: str, store: Any, api: FakeApi, page_size: int, tmp: Path, timeout: int) -> dict[str, Any]:
    """One enrich or update against the fake API, with what it said or how it failed."""
    from ingest.arxiv import ArxivSource
    from ingest.http import build_policy
    from ingest.semantic_scholar import SemanticScholarSource

    policy = build_policy(None, wait_budget_seconds=20, max_attempts=2, backoff_base=0.01)
    arxiv = ArxivSource(policy, api_url=api.url + "/api/query", min_interval=0, page_size=page_size)
    s2 = SemanticScholarSource(policy, api_url=api.url, min_interval=0, page_limit=20)
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(timeout)
    try:
        if name == "update":
            config = _first("kg.tracker.config:DiscoveryConfig", "kg.update:DiscoveryConfig").load()
            config.list_enabled = False  # no upstream list in this run
            result = _first("kg.tracker.update:run_update", "kg.update:run_update")(
                store, policy=policy, config=config, since=date(2026, 10, 1), today=date(2026, 12, 1),
                curation_file=None, digest_dir=tmp / "digests", arxiv_source=arxiv, s2_source=s2)
            return {"complete": result.complete, "queued": len(result.candidates),
                    "sources": [f"{s.name}: {s.note}" for s in result.sources]}
        _first("kg.tracker.enrich:enrich", "kg.enrich:enrich")(store, policy=policy, arxiv_source=arxiv, s2_source=s2)
        return {"notes": len(policy.report.problems)}
    except _StepTimeout:
        return {"aborted": f"still running after {timeout} s; stopped"}
    except Exception as exc:  # noqa: BLE001 - the measurement records how a version of the code fails
        return {"aborted": f"{type(exc).__name__}: {exc}"[:300], "where": traceback.format_exc().splitlines()[-3]}
    finally:
        signal.alarm(0)


def measure(seed: int, knobs: Knobs, survey_in: Path | None, survey_out: Path | None,
            timeout: int) -> dict[str, Any]:
    from kg.build import build
    from kg.store import Store

    api = FakeApi().start()
    tmp = Path(tempfile.mkdtemp(prefix="measure-live-"))
    store = Store(tmp / "store")
    build(store)
    survey = json.loads(survey_in.read_text(encoding="utf-8")) if survey_in else survey_of(store)
    if survey_out:
        survey_out.write_text(json.dumps(survey, indent=1) + "\n", encoding="utf-8")
    world = random_world(seed, survey, knobs)
    world.empty_pages = {start: 99 for start in world.empty_pages}  # arXiv's empty page, for good this time
    serve(api, world)
    import kg

    report: dict[str, Any] = {"seed": seed, "code": Path(kg.__file__).parents[1].name,
                              "survey_papers": len(survey), "after build": counts(store)}
    for step in ("enrich", "update", "enrich again"):
        t0, n0 = time.perf_counter(), len(api.seen)
        said = _step(step.split()[0], store, api, world.page_size, tmp, timeout)
        report[f"after {step}"] = {**counts(store), **said, "requests": len(api.seen) - n0,
                                   "seconds": round(time.perf_counter() - t0, 1)}
    api.stop()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--code", type=Path, default=_HERE, help="the checkout whose kg and ingest are measured")
    parser.add_argument("--survey-in", type=Path, help="the tracked papers to draw the world from (JSON)")
    parser.add_argument("--survey-out", type=Path, help="write the tracked papers the world was drawn from")
    parser.add_argument("--step-timeout", type=int, default=300)
    parser.add_argument("--out", type=Path, help="also write the report here (JSON)")
    parser.add_argument("--no-bad-records", action="store_true",
                        help="no malformed record anywhere (so code that aborts on one can be counted too)")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))  # before this checkout (tests/fakeapi.py puts it first)
    # bigger lists than the property test: the scale of the real run
    knobs = Knobs(references=(20, 70), citers=(60, 200), pool=150, p_bad_arxiv_date=1.0, p_empty_page=1.0)
    if args.no_bad_records:
        knobs.p_bad_record = knobs.p_bad_arxiv_date = 0.0
    text = json.dumps(measure(args.seed, knobs, args.survey_in, args.survey_out, args.step_timeout), indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
