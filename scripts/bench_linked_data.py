"""What the Linked Data front of `kg serve` costs: milliseconds per dereferenced IRI in each
form, and a saved question over SPARQL straight to the Oxigraph server against the same
question through the front (the forwarding overhead). Builds the survey graph into a
temporary store (or reads --store), runs both servers in-process on loopback, prints medians
and 95th percentiles.

    python scripts/bench_linked_data.py [--runs 50] [--store DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from kg.build import build
from kg.linked_data import linked_data_front
from kg.queries import load_query, with_prefixes
from kg.serve import oxigraph_server
from kg.store import Store

IRIS = ["/id/model/sam", "/id/model/medsam2", "/id/dataset/btcv", "/id/paper/arxiv/2304.12306"]
FORMS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples", "html": "text/html"}


def timed(call: Callable[[], requests.Response], runs: int) -> tuple[float, float]:
    """Median and 95th percentile, in ms, of ``runs`` calls (each must answer 200)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:200]
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--store", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.store or Path(tmp) / "store"
        if args.store is None:
            store = Store.open(path)
            build(store)
            del store
        question = with_prefixes(load_query("lineage-of-medsam2").text)
        with oxigraph_server(path) as server, linked_data_front("127.0.0.1", 0, server.url) as front:
            session = requests.Session()
            print(f"{'IRI':32} {'form':7} {'median ms':>10} {'p95 ms':>8} {'bytes':>8}")
            for iri in IRIS:
                for key, media in FORMS.items():
                    size = len(session.get(front + iri, headers={"Accept": media}, timeout=30).content)
                    url, accept = front + iri, {"Accept": media}
                    median, p95 = timed(lambda url=url, accept=accept: session.get(url, headers=accept, timeout=30),
                                        args.runs)
                    print(f"{iri:32} {key:7} {median:10.1f} {p95:8.1f} {size:8}")
            for name, base in (("SPARQL direct to Oxigraph", server.url), ("SPARQL through the front", front)):
                median, p95 = timed(lambda base=base: session.post(
                    base + "/query", data={"query": question}, timeout=30,
                    headers={"Accept": "application/sparql-results+json"}), args.runs)
                print(f"{name:40} {median:10.1f} {p95:8.1f}")


if __name__ == "__main__":
    main()
