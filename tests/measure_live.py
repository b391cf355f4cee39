"""Counts of the live path on one real-shaped run (tests/realshaped.py), for the issue's
before/after table: `python tests/measure_live.py --seed 13` (run it with the code to measure
first on PYTHONPATH to measure another version of the code).

The run: build the survey graph, `kg enrich` (arXiv + Semantic Scholar, references, citers of
the three anchors), `kg update` (8 arXiv searches in the 2026 feed format, the anchors' citers),
then `kg enrich` again; after each step the papers, cites edges, SHACL violations, nodes with an
arXiv DOI as bibo:doi and junk nodes (a paper outside the survey without a title or without any
identifier) are counted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from datetime import date
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parent))

from fakeapi import FakeApi  # noqa: E402
from realshaped import serve  # noqa: E402
from realworlds import Knobs, random_world  # noqa: E402

COUNTS = {
    "papers": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a mskg:Paper }",
    "cites_edges": "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?b WHERE { ?a cito:cites ?b } }",
    "preprint_dois": """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p bibo:doi ?d
        FILTER(STRSTARTS(LCASE(?d), "10.48550/")) }""",
    "junk_nodes": """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a mskg:Paper
        FILTER NOT EXISTS { GRAPH ?g { ?p a mskg:Paper }
                            FILTER(?g IN (graph:survey-list, graph:survey-db, graph:arxiv-snapshot)) }
        FILTER (NOT EXISTS { ?p dcterms:title ?t } || NOT EXISTS { { ?p mskg:arxivId ?i } UNION { ?p bibo:doi ?i }
                                                                UNION { ?p mskg:s2PaperId ?i } }) }""",
    "cites_to_junk": """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?p WHERE { ?a cito:cites ?p .
        FILTER NOT EXISTS { GRAPH ?g { ?p a mskg:Paper }
                            FILTER(?g IN (graph:survey-list, graph:survey-db, graph:arxiv-snapshot)) }
        FILTER NOT EXISTS { { ?p mskg:arxivId ?i } UNION { ?p bibo:doi ?i } UNION { ?p mskg:s2PaperId ?i } } } }""",
    "unresolved_counted": "SELECT (SUM(?n) AS ?n) WHERE { ?p mskg:unresolvedReferenceCount ?n }",
    "papers_with_two_citation_counts": """SELECT (COUNT(*) AS ?n) WHERE { SELECT ?p WHERE { ?p mskg:citationCount ?c }
        GROUP BY ?p HAVING (COUNT(DISTINCT ?c) > 1) }""",
}


def counts(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from kg.queries import with_prefixes
    from kg.validate import validate_store

    out = {name: int(store.select(with_prefixes(q)).rows[0]["n"] or 0) for name, q in COUNTS.items()}
    out["violations"] = len(validate_store(store).violations)
    return out


def survey_of(store) -> list[dict[str, str | None]]:  # type: ignore[no-untyped-def]
    from kg.tracker.paper_index import PaperIndex

    index = PaperIndex.from_store(store)
    return [{"arxiv": index.known(p).arxiv_id, "doi": index.known(p).doi, "title": index.known(p).title}
            for p in sorted(index.tracked)]  # sorted: the same world whichever version of the code reads it


def measure(seed: int, knobs: Knobs) -> dict[str, object]:
    from ingest.arxiv import ArxivSource
    from ingest.http import build_policy
    from ingest.semantic_scholar import SemanticScholarSource
    from kg.build import build
    from kg.store import Store
    from kg.tracker.config import DiscoveryConfig
    from kg.tracker.enrich import enrich
    from kg.tracker.update import run_update

    api = FakeApi().start()
    tmp = Path(tempfile.mkdtemp(prefix="measure-live-"))
    store = Store(tmp / "store")
    build(store)
    world = random_world(seed, survey_of(store), knobs)
    world.empty_pages = {start: 99 for start in world.empty_pages}  # arXiv's empty page, for good this time
    serve(api, world)
    report: dict[str, object] = {"seed": seed, "after build": counts(store)}

    def sources():  # type: ignore[no-untyped-def]
        policy = build_policy(None, wait_budget_seconds=20, max_attempts=2, backoff_base=0.01)
        return policy, ArxivSource(policy, api_url=api.url + "/api/query", min_interval=0, page_size=world.page_size), \
            SemanticScholarSource(policy, api_url=api.url, min_interval=0, page_limit=20)

    for step in ("enrich", "update", "enrich again"):
        policy, arxiv, s2 = sources()
        t0, n0 = time.perf_counter(), len(api.seen)
        try:
            if step == "update":
                config = DiscoveryConfig.load()
                config.list_enabled = False
                result = run_update(store, policy=policy, config=config, since=date(2026, 10, 1),
                                    today=date(2026, 12, 1), curation_file=None, digest_dir=tmp / "digests",
                                    arxiv_source=arxiv, s2_source=s2)
                extra = {"complete": result.complete, "queued": len(result.candidates),
                         "sources": [f"{s.name}: {s.note}" for s in result.sources]}
            else:
                result = enrich(store, policy=policy, arxiv_source=arxiv, s2_source=s2)
                extra = {"notes": len(policy.report.problems)}
        except Exception as exc:  # noqa: BLE001 - the measurement records how the old code failed
            extra = {"aborted": f"{type(exc).__name__}: {exc}", "where": traceback.format_exc().splitlines()[-3]}
        report[f"after {step}"] = {**counts(store), **extra, "requests": len(api.seen) - n0,
                                   "seconds": round(time.perf_counter() - t0, 1)}
    api.stop()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--no-bad-records", action="store_true",
                        help="no malformed record anywhere (code that aborts on one can be counted too)")
    args = parser.parse_args()
    # bigger lists than the property test: the scale of the real run
    knobs = Knobs(references=(20, 70), citers=(60, 200), pool=150, p_bad_arxiv_date=1.0, p_empty_page=1.0)
    if args.no_bad_records:
        knobs.p_bad_record = knobs.p_bad_arxiv_date = 0.0
    report = measure(args.seed, knobs)
    text = json.dumps(report, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
