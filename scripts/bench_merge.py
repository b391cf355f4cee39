"""What keeping the merged default graph costs (kg.store_merge), against the same work
without it, in one process on the same synthetic graph:

- a bulk load: `Store.bulk_load` (pieces, plus the merge) vs Oxigraph's own bulk load of the
  file in one call (no merge);
- a write to a small graph (a review decision's size) and to a large live graph (an enrich
  run's size): `Store.update` (the write wrapped by the merge) vs the same text run bare;
- COUNT(*) over the papers: the merge (one row per paper) vs the union (one per source).

    python scripts/bench_merge.py [--papers 20000] [--seed 7]

Prints seconds and ratios; nothing is asserted.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from kg.queries import with_prefixes
from kg.store import Store
from kg.synthetic import generate
from kg.vocab import ARXIV, CANDIDATES

PAPERS = with_prefixes("SELECT (COUNT(*) AS ?n) WHERE { ?p a mskg:Paper }")


def timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def write_text(graph: str, n: int, tag: str) -> str:
    lines = " ".join(f"<urn:bench:{tag}{i}> <urn:bench:p> {i} ." for i in range(n))
    return f"INSERT DATA {{ GRAPH <{graph}> {{ {lines} }} }}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-merge-"))
    try:
        data = work / "graph.nq"
        generate(data, args.papers, seed=args.seed)
        bare = ox.Store(str(work / "bare"))
        t_bare = timed(lambda: bare.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS, lenient=True))
        store = Store(work / "merged")
        t_ours = timed(lambda: store.bulk_load(data, ox.RdfFormat.N_QUADS, trusted=True, compact=False))
        print(f"{args.papers} papers, {store.quad_count():,} quads")
        print(f"bulk load: bare {t_bare:.2f} s, with the merge {t_ours:.2f} s ({t_ours / t_bare:.1f}x)")
        for name, graph, n in (("small write (candidates)", str(CANDIDATES), 50),
                               ("large write (arxiv graph)", str(ARXIV), 5000)):
            t_plain = timed(lambda: bare.update(write_text(graph, n, "a")))  # noqa: B023 - run at once
            t_wrapped = timed(lambda: store.update(write_text(graph, n, "a")))  # noqa: B023
            print(f"{name}: bare {t_plain * 1000:.0f} ms, with the merge {t_wrapped * 1000:.0f} ms "
                  f"({t_wrapped / max(t_plain, 1e-6):.1f}x)")
        union = bare.query(PAPERS, use_default_graph_as_union=True)
        print(f"COUNT(*) of papers: union {next(iter(union))['n'].value}, merge {store.select(PAPERS).rows[0]['n']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
