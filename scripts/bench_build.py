"""Benchmark of the survey build, in-process: prints seconds per phase and the ratio of
our Oxigraph store load against rdflib's default in-memory store, run in the same process.

    python scripts/bench_build.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Dataset

from kg.build import build, map_bundled
from kg.store import Store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    build(Store(None))  # warm-up: imports, caches
    timings: dict[str, list[float]] = {"read+resolve+map": [], "store load (oxigraph)": [],
                                       "store load (rdflib Dataset)": [], "full build on disk": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            t = time.perf_counter()
            mapped, *_ = map_bundled()
            timings["read+resolve+map"].append(time.perf_counter() - t)
            t = time.perf_counter()
            Store(None).replace_graphs(mapped.graphs)
            timings["store load (oxigraph)"].append(time.perf_counter() - t)
            t = time.perf_counter()
            ds = Dataset()
            for name, g in mapped.graphs.items():
                target = ds.graph(name)
                for triple in g:
                    target.add(triple)
            timings["store load (rdflib Dataset)"].append(time.perf_counter() - t)
            store = Store.open(Path(tmp) / f"s{i}")
            t = time.perf_counter()
            report = build(store)
            timings["full build on disk"].append(time.perf_counter() - t)
    print(f"survey build: {report.triples} triples, {report.counts['results']} results, runs={args.runs}")
    for name, values in timings.items():
        print(f"  {name:<30} median {statistics.median(values):.3f} s  (min {min(values):.3f}, max {max(values):.3f})")
    ox_s = statistics.median(timings["store load (oxigraph)"])
    rdf_s = statistics.median(timings["store load (rdflib Dataset)"])
    print(f"  ratio rdflib-load / oxigraph-load: {rdf_s / ox_s:.2f}x")


if __name__ == "__main__":
    main()
