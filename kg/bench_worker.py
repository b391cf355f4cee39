"""One step of `kg bench` in a process of its own: ``python -m kg.bench_worker --worker ...``.

Each engine runs in its own process so that neither's memory counts against the other, and so
that a step can be stopped by the parent's timeout (an Oxigraph query cannot be interrupted).
A worker writes its figures as JSON (``--out``); the long-running ones write JSON lines as
they go, so what was measured survives a timeout (:func:`kg.bench_engines.read_progress`).
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg.bench_answers import normalise, rdflib_value
from kg.queries import QUERY_DIR, SavedQuery, load_query, with_prefixes

WORKERS = ("oxigraph-load", "oxigraph-query", "oxigraph-memory", "rdflib")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _saved(rq: Path) -> SavedQuery:
    query = load_query(str(rq))
    if query is None:
        raise FileNotFoundError(f"no question at {rq}")
    return query


def _note(progress: Path, record: dict[str, Any]) -> None:
    with open(progress, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, default=str) + "\n")


def _time_query(run: Callable[[], Any], repeats: int, budget_s: float) -> tuple[list[float], Any]:
    """Warm up once, then up to ``repeats`` timed runs within ``budget_s`` (a warm-up slower than
    the budget is the one sample)."""
    t = time.perf_counter()
    answer = run()
    first = time.perf_counter() - t
    if first >= budget_s:
        return [first * 1000], answer
    times: list[float] = []
    spent = 0.0
    while len(times) < repeats and spent < budget_s:
        t = time.perf_counter()
        run()
        dt = time.perf_counter() - t
        times.append(dt * 1000)
        spent += dt
    return times, answer


def _summary(times: list[float], variables: list[str], rows: list[dict[str, Any]], sparql: str) -> dict[str, Any]:
    return {"p50_ms": statistics.median(times),
            "p95_ms": sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "runs": len(times), "rows": len(rows), "answer": normalise(variables, rows, sparql)}


def _time_saved_question(store: Any, rq: Path, repeats: int, budget_s: float) -> dict[str, Any]:
    q = _saved(rq)
    text = with_prefixes(q.text)

    def ask() -> Any:
        answer = store.select(text)
        return answer.variables, answer.rows

    times, (variables, rows) = _time_query(ask, repeats, budget_s)
    return _summary(times, variables, rows, q.text)


# -- Oxigraph ------------------------------------------------------------------------------

def load_oxigraph(data: Path, workdir: Path) -> dict[str, Any]:
    """Bulk-load the N-Quads into a store on disk, reopen it, export it."""
    import pyoxigraph as ox

    from kg.store import Store

    store_dir = workdir / "oxigraph-store"
    result: dict[str, Any] = {"engine": "oxigraph"}
    t = time.perf_counter()
    store = Store(store_dir)
    store.bulk_load(data, ox.RdfFormat.N_QUADS, trusted=True, compact=False)  # our generator wrote it
    result["bulk_load_s"] = time.perf_counter() - t
    store.compact()  # part of the load: `Store.bulk_load` does it, and reads are 2x slower without
    result["load_s"] = time.perf_counter() - t
    result["compact_s"] = result["load_s"] - result["bulk_load_s"]
    result["load_peak_rss_mb"] = _peak_rss_mb()
    del store
    t = time.perf_counter()
    store = Store(store_dir, read_only=True)
    result["triples"] = store.quad_count()
    result["reopen_s"] = time.perf_counter() - t
    result["store_mb"] = _dir_mb(store_dir)
    out = workdir / "oxigraph-export.nq"
    t = time.perf_counter()
    store.dump_to(out, ox.RdfFormat.N_QUADS)
    result["export_s"] = time.perf_counter() - t
    result["export_mb"] = out.stat().st_size / 2**20
    out.unlink()
    result["peak_rss_mb"] = _peak_rss_mb()
    return result


def ask_oxigraph(workdir: Path, rq: Path, repeats: int, budget_s: float) -> dict[str, Any]:
    """One saved question on the loaded store, in a process of its own (an Oxigraph query
    cannot be interrupted, so the parent's timeout is the only limit)."""
    from kg.store import Store

    store = Store(workdir / "oxigraph-store", read_only=True)
    return {**_time_saved_question(store, rq, repeats, budget_s), "peak_rss_mb": _peak_rss_mb()}


def oxigraph_in_memory(data: Path, queries: list[Path], repeats: int, budget_s: float, progress: Path) -> None:
    """Oxigraph's in-memory store (what a read copy for the app or a server would give): load
    once, then every question as on disk; figures go to ``progress`` as they come, because an
    Oxigraph query cannot be interrupted and the parent's timeout stops the whole process."""
    import pyoxigraph as ox

    from kg.store import Store

    t = time.perf_counter()
    store = Store(None)
    store.bulk_load(data, ox.RdfFormat.N_QUADS, trusted=True)
    _note(progress, {"step": "load", "load_s": time.perf_counter() - t, "peak_rss_mb": _peak_rss_mb()})
    for rq in queries:
        _note(progress, {"step": "query", "name": rq.stem, **_time_saved_question(store, rq, repeats, budget_s)})


# -- rdflib --------------------------------------------------------------------------------

class _QueryTimeout(Exception):
    pass


def _raise_timeout(signum: int, frame: Any) -> None:
    raise _QueryTimeout


def _ask_rdflib(ds: Any, rq: Path, repeats: int, budget_s: float, query_timeout_s: float) -> dict[str, Any]:
    """One question on the rdflib Dataset, stopped by an alarm after ``query_timeout_s`` (rdflib
    is pure Python, so the alarm interrupts it)."""
    q = _saved(rq)
    text = with_prefixes(q.text)

    def ask() -> Any:
        answer = ds.query(text)
        variables = [str(v) for v in answer.vars]
        rows = [{v: rdflib_value(d.get(v)) for v in variables} for d in (row.asdict() for row in answer)]
        return variables, rows

    signal.setitimer(signal.ITIMER_REAL, query_timeout_s)
    try:
        times, (variables, rows) = _time_query(ask, repeats, budget_s)
    except _QueryTimeout:
        return {"step": "query", "name": q.name, "timed_out": True}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return {"step": "query", "name": q.name, **_summary(times, variables, rows, q.text)}


def rdflib_baseline(data: Path, workdir: Path, queries_dir: Path | None, repeats: int, budget_s: float,
                    query_timeout_s: float, progress: Path) -> None:
    """The baseline in one process: load, every question, export; each figure is appended to
    ``progress`` (JSON lines) as it comes, so what was measured survives the parent's timeout."""
    from rdflib import Dataset

    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(str(data), format="nquads")
    load_s = time.perf_counter() - t
    triples = sum(1 for _ in ds.quads((None, None, None, None)))  # quads, as Oxigraph counts
    _note(progress, {"step": "load", "load_s": load_s, "triples": triples, "peak_rss_mb": _peak_rss_mb()})
    signal.signal(signal.SIGALRM, _raise_timeout)
    for rq in sorted((queries_dir or QUERY_DIR).glob("*.rq")):
        _note(progress, _ask_rdflib(ds, rq, repeats, budget_s, query_timeout_s))
    out = workdir / "rdflib-export.nq"
    t = time.perf_counter()
    ds.serialize(destination=str(out), format="nquads")
    export_s = time.perf_counter() - t
    _note(progress, {"step": "export", "export_s": export_s, "export_mb": out.stat().st_size / 2**20,
                     "peak_rss_mb": _peak_rss_mb()})
    out.unlink()


# -- the command line of a worker ----------------------------------------------------------

def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m kg.bench_worker",
                                     description="one step of `kg bench`, in its own process")
    parser.add_argument("--worker", choices=WORKERS, required=True)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--query", type=Path, action="append", help="a .rq file (oxigraph-query: one; -memory: each)")
    parser.add_argument("--queries", type=Path, default=None, help="a folder of .rq files (rdflib)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--query-timeout", type=float, default=300.0)
    parser.add_argument("--out", type=Path, required=True)
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    if args.worker == "oxigraph-memory":
        oxigraph_in_memory(args.data, args.query or [], args.repeats, args.budget, args.out)
    elif args.worker == "rdflib":
        rdflib_baseline(args.data, args.workdir, args.queries, args.repeats, args.budget, args.query_timeout, args.out)
    else:
        result = (load_oxigraph(args.data, args.workdir) if args.worker == "oxigraph-load"
                  else ask_oxigraph(args.workdir, args.query[0], args.repeats, args.budget))
        args.out.write_text(json.dumps(result, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
