"""What the derived graph (kg.derived) costs a write, on a store restored from the synthetic
graph: the same write with and without its aggregates (``then=derive_update``), for a small
write (a review decision's size, to graph:candidates) and a large one (an enrich run's size, to
graph:arxiv), and the PageRank that follows a write of citation links (``write_pagerank``).

    python scripts/bench_derived.py STORE [--repeats 3]

STORE is a store directory restored from kg.synthetic (`kg --store STORE restore syn.nq`); the
writes go to a copy of it. Prints the median seconds of the repeats; nothing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kg.derived import derive_update, write_pagerank
from kg.store import Store
from kg.vocab import ARXIV, CANDIDATES


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def write_text(graph: str, n: int, tag: str) -> str:
    lines = " ".join(f"<urn:bench:{tag}{i}> <urn:bench:p> {i} ." for i in range(n))
    return f"INSERT DATA {{ GRAPH <{graph}> {{ {lines} }} }}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-derived-"))
    try:
        shutil.copytree(args.store, work / "s", ignore=shutil.ignore_patterns("LOCK"))
        store = Store(work / "s")
        print(f"{store.quad_count():,} quads")
        for name, graph, n in (("small write (candidates, 50 triples)", str(CANDIDATES), 50),
                               ("large write (arxiv graph, 5000 triples)", str(ARXIV), 5000)):
            plain, derived = [], []
            for k in range(args.repeats):
                plain.append(timed(lambda: store.update(write_text(graph, n, f"p{k}-"))))  # noqa: B023
                derived.append(timed(lambda: store.update(write_text(graph, n, f"d{k}-"),  # noqa: B023
                                                          then=derive_update(None))))
            p, d = statistics.median(plain), statistics.median(derived)
            print(f"{name}: plain {p:.2f} s, with the derived graph {d:.2f} s (+{d - p:.2f} s)")
        ranks = [timed(lambda: write_pagerank(store)) for _ in range(args.repeats)]
        print(f"PageRank of the citation graph, written: {statistics.median(ranks):.2f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
