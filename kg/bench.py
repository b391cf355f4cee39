"""`kg bench`: the store at scale, measured against rdflib's default in-memory store.

A seeded synthetic graph (:mod:`kg.synthetic`) is written as N-Quads, then each engine runs
the same steps in its own process (so neither's memory counts against the other, and a slow
baseline can be stopped by a timeout): load, reopen, every saved question (p50/p95 over
repeated runs after a warm-up), export to N-Quads. The parent compares the answers question by
question, as sorted lists of normalised values, and prints the ratios.

Normalisation: numbers compare as floats rounded to 6 decimals (Oxigraph writes a decimal
``12.0`` as ``12``, and AVG keeps different precision in the two engines), GROUP_CONCAT lists
compare as sorted items (their order is undefined), dates and times by their ISO form, rows
as a sorted list (ties under ORDER BY may come in either order).

    kg bench --papers 100000 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

GOALS = {"load_s": 5.0, "p50_ms": 100.0, "ratio": 20.0, "peak_rss_mb": 1024.0}
_CONCAT = re.compile(r"GROUP_CONCAT\s*\(.*?\)\s+AS\s+\?(\w+)", re.IGNORECASE | re.DOTALL)


# -- comparing answers --------------------------------------------------------------------

def _norm_value(value: Any, concat: bool) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return round(float(value), 6)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    return ", ".join(sorted(text.split(", "))) if concat else text


def normalise(variables: list[str], rows: list[dict[str, Any]], sparql: str) -> list[list[Any]]:
    """Rows as lists of comparable values in ``variables`` order, sorted."""
    concat = set(_CONCAT.findall(sparql))
    out = [[_norm_value(row.get(v), v in concat) for v in variables] for row in rows]
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def _rdflib_value(term: Any) -> Any:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(value)
    return str(term)


# -- the worker (one engine, one process) -------------------------------------------------

def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _time_query(run: Any, repeats: int, budget_s: float) -> tuple[list[float], Any]:
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


def _load_oxigraph(data: Path, workdir: Path) -> dict[str, Any]:
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
    result["triples"] = len(store._ox)
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


def _ask_oxigraph(workdir: Path, rq: Path, repeats: int, budget_s: float) -> dict[str, Any]:
    """One saved question on the loaded store, in a process of its own (an Oxigraph query
    cannot be interrupted, so the parent's timeout is the only limit)."""
    from kg.store import Store

    store = Store(workdir / "oxigraph-store", read_only=True)
    return {**_time_saved_question(store, rq, repeats, budget_s), "peak_rss_mb": _peak_rss_mb()}


def _time_saved_question(store: Any, rq: Path, repeats: int, budget_s: float) -> dict[str, Any]:
    from kg.queries import _parse, with_prefixes

    q = _parse(rq)
    text = with_prefixes(q.text)

    def ask() -> Any:
        answer = store.select(text)
        return answer.variables, answer.rows

    times, (variables, rows) = _time_query(ask, repeats, budget_s)
    return _summary(times, variables, rows, q.text)


def _memory_all(data: Path, queries: list[Path], repeats: int, budget_s: float, progress: Path) -> None:
    """Oxigraph's in-memory store (what a read copy for the app or a server would give): load
    once, then every question as on disk; figures go to ``progress`` as they come, because an
    Oxigraph query cannot be interrupted and the parent's timeout stops the whole process."""
    import pyoxigraph as ox

    from kg.store import Store

    def note(record: dict[str, Any]) -> None:
        with open(progress, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, default=str) + "\n")

    t = time.perf_counter()
    store = Store(None)
    store.bulk_load(data, ox.RdfFormat.N_QUADS, trusted=True)
    note({"step": "load", "load_s": time.perf_counter() - t, "peak_rss_mb": _peak_rss_mb()})
    for rq in queries:
        note({"step": "query", "name": rq.stem, **_time_saved_question(store, rq, repeats, budget_s)})


def _summary(times: list[float], variables: list[str], rows: list[dict[str, Any]], sparql: str) -> dict[str, Any]:
    return {"p50_ms": statistics.median(times),
            "p95_ms": sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
            "runs": len(times), "rows": len(rows), "answer": normalise(variables, rows, sparql)}


class _QueryTimeout(Exception):
    pass


def _rdflib_all(data: Path, workdir: Path, queries_dir: Path | None, repeats: int, budget_s: float,
                query_timeout_s: float, progress: Path) -> dict[str, Any]:
    """The baseline in one process; each figure is appended to ``progress`` (JSON lines) as it
    comes, so what was measured survives the parent's timeout. rdflib is pure Python, so an
    alarm stops a question that runs past ``query_timeout_s``."""
    import signal

    from rdflib import Dataset

    from kg.queries import QUERY_DIR, _parse, with_prefixes

    def note(record: dict[str, Any]) -> None:
        with open(progress, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, default=str) + "\n")

    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(str(data), format="nquads")
    load_s = time.perf_counter() - t
    triples = sum(1 for _ in ds.quads((None, None, None, None)))  # quads, as Oxigraph counts
    note({"step": "load", "load_s": load_s, "triples": triples, "peak_rss_mb": _peak_rss_mb()})

    def alarm(signum: int, frame: Any) -> None:
        raise _QueryTimeout

    signal.signal(signal.SIGALRM, alarm)
    for rq in sorted((queries_dir or QUERY_DIR).glob("*.rq")):
        q = _parse(rq)
        text = with_prefixes(q.text)

        def ask() -> Any:
            answer = ds.query(text)
            variables = [str(v) for v in answer.vars]
            rows = [{v: _rdflib_value(d.get(v)) for v in variables} for d in (row.asdict() for row in answer)]
            return variables, rows

        signal.setitimer(signal.ITIMER_REAL, query_timeout_s)
        try:
            times, (variables, rows) = _time_query(ask, repeats, budget_s)
        except _QueryTimeout:
            note({"step": "query", "name": q.name, "timed_out": True})
            continue
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        note({"step": "query", "name": q.name, **_summary(times, variables, rows, q.text)})
    out = workdir / "rdflib-export.nq"
    t = time.perf_counter()
    ds.serialize(destination=str(out), format="nquads")
    export_s = time.perf_counter() - t
    note({"step": "export", "export_s": export_s, "export_mb": out.stat().st_size / 2**20,
          "peak_rss_mb": _peak_rss_mb()})
    out.unlink()
    return {}


def _python(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg.bench", *args]


def _run(cmd: list[str], timeout_s: float, what: str) -> bool:
    """Run a worker; False if it ran out of time."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return False
    if proc.returncode != 0:
        raise click.ClickException(f"{what} failed:\n{proc.stderr[-3000:]}")
    return True


def _oxigraph_side(data: Path, work: Path, queries: list[Path], repeats: int, budget_s: float,
                   query_timeout_s: float, say: Any) -> dict[str, Any]:
    out = work / "oxigraph-load.json"
    if not _run(_python("--worker", "oxigraph-load", "--data", str(data), "--workdir", str(work), "--out", str(out)),
                3600, "loading the Oxigraph store"):
        raise click.ClickException("loading the Oxigraph store took more than an hour")
    result = json.loads(out.read_text())
    result["queries"] = {}
    result["query_peak_rss_mb"] = 0.0
    for rq in queries:
        say(f"oxigraph: {rq.stem}")
        out = work / f"oxigraph-{rq.stem}.json"
        cmd = _python("--worker", "oxigraph-query", "--workdir", str(work), "--query", str(rq),
                      "--repeats", str(repeats), "--budget", str(budget_s), "--out", str(out))
        if _run(cmd, query_timeout_s, f"the question {rq.stem} on Oxigraph"):
            answer = json.loads(out.read_text())
            result["peak_rss_mb"] = max(result["peak_rss_mb"], answer["peak_rss_mb"])
            result["query_peak_rss_mb"] = max(result["query_peak_rss_mb"], answer["peak_rss_mb"])
            result["queries"][rq.stem] = answer
        else:
            result["queries"][rq.stem] = {"timed_out": True}
    return result


def _memory_side(data: Path, work: Path, queries: list[Path], repeats: int, budget_s: float,
                 timeout_s: float) -> dict[str, Any]:
    progress = work / "memory.jsonl"
    cmd = _python("--worker", "oxigraph-memory", "--data", str(data), "--workdir", str(work),
                  "--repeats", str(repeats), "--budget", str(budget_s), "--out", str(progress),
                  *[arg for rq in queries for arg in ("--query", str(rq))])
    finished = _run(cmd, timeout_s, "Oxigraph in memory")
    return _read_progress(progress, finished)


def _read_progress(progress: Path, finished: bool) -> dict[str, Any]:
    """A worker's JSON-lines figures: the load's keys, and ``queries`` by name."""
    result: dict[str, Any] = {"queries": {}, "finished": finished}
    for line in progress.read_text(encoding="utf-8").splitlines() if progress.exists() else []:
        record = json.loads(line)
        if record.pop("step") == "query":
            result["queries"][record.pop("name")] = record
        else:
            result.update(record)
    return result


def _rdflib_side(data: Path, work: Path, queries_dir: Path | None, repeats: int, budget_s: float,
                 query_timeout_s: float, timeout_s: float) -> dict[str, Any] | None:
    progress = work / "rdflib.jsonl"
    cmd = _python("--worker", "rdflib", "--data", str(data), "--workdir", str(work), "--repeats", str(repeats),
                  "--budget", str(budget_s), "--query-timeout", str(query_timeout_s), "--out", str(progress))
    if queries_dir is not None:
        cmd += ["--queries", str(queries_dir)]
    finished = _run(cmd, timeout_s, "the rdflib baseline")
    if not progress.exists():
        return None
    return _read_progress(progress, finished)


# -- the whole run ------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    import pyoxigraph
    import rdflib

    mem = ""
    try:
        kib = int(next(line for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")).split()[1])
        mem = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": mem, "os": platform.platform(),
            "python": platform.python_version(), "pyoxigraph": pyoxigraph.__version__, "rdflib": rdflib.__version__}


def bench(papers: int = 100_000, seed: int = 42, *, baseline: bool = True, baseline_timeout: float = 3600.0,
          repeats: int = 20, budget_s: float = 10.0, baseline_repeats: int = 3, baseline_budget_s: float = 60.0,
          query_timeout: float = 300.0, queries_dir: Path | None = None, workdir: Path | None = None,
          in_memory: bool = False, progress: Any = None) -> dict[str, Any]:
    """Generate, measure both engines, compare. Per question: a warm-up, then up to ``repeats``
    timed runs within ``budget_s`` (``baseline_*`` for rdflib); a question still running after
    ``query_timeout`` seconds is stopped and reported as timed out."""
    from kg.queries import QUERY_DIR
    from kg.synthetic import generate

    say = progress or (lambda message: None)
    queries = sorted((queries_dir or QUERY_DIR).glob("*.rq"))
    with tempfile.TemporaryDirectory(prefix="kg-bench-", dir=workdir) as tmp:
        work = Path(tmp)
        data = work / "synthetic.nq"
        say(f"generating {papers} synthetic papers")
        t = time.perf_counter()
        counts = generate(data, papers, seed)
        gen_s = time.perf_counter() - t
        say("oxigraph: load and export")
        ours = _oxigraph_side(data, work, queries, repeats, budget_s, query_timeout, say)
        memory = None
        if in_memory:
            say("oxigraph in memory: load, questions")
            memory = _memory_side(data, work, queries, repeats, budget_s, query_timeout * max(1, len(queries)))
        theirs = None
        if baseline:
            say(f"rdflib (default in-memory store; stopped after {baseline_timeout:.0f} s): load, questions, export")
            theirs = _rdflib_side(data, work, queries_dir, baseline_repeats, baseline_budget_s, query_timeout,
                                  baseline_timeout)

    report: dict[str, Any] = {
        "papers": papers, "seed": seed, "triples": ours["triples"], "quads_written": counts.quads,
        "models": counts.models, "datasets": counts.datasets, "results": counts.results, "people": counts.people,
        "citations": counts.citations, "graphs": counts.graphs,
        "generate_s": round(gen_s, 3), "load_s": round(ours["load_s"], 3),
        "bulk_load_s": round(ours["bulk_load_s"], 3), "compact_s": round(ours["compact_s"], 3),
        "reopen_s": round(ours["reopen_s"], 3),
        "peak_rss_mb": round(ours["peak_rss_mb"], 1), "load_peak_rss_mb": round(ours["load_peak_rss_mb"], 1),
        "query_peak_rss_mb": round(ours["query_peak_rss_mb"], 1), "store_mb": round(ours["store_mb"], 1),
        "export_s": round(ours["export_s"], 3), "export_mb": round(ours["export_mb"], 1),
        "repeats": repeats, "query_timeout_s": query_timeout, "baseline": None, "queries": [], "machine": machine(),
    }
    if theirs is not None:
        b: dict[str, Any] = {"engine": "rdflib Dataset(default_union=True), default in-memory store",
                             "finished": theirs["finished"], "repeats": baseline_repeats}
        for key in ("load_s", "triples", "peak_rss_mb", "export_s"):
            if key in theirs:
                b[key] = round(theirs[key], 3) if isinstance(theirs[key], float) else theirs[key]
        if "load_s" in theirs:
            b["load_ratio"] = round(theirs["load_s"] / ours["load_s"], 1)
        if "export_s" in theirs:
            b["export_ratio"] = round(theirs["export_s"] / ours["export_s"], 1)
        report["baseline"] = b
    if memory is not None:
        report["in_memory"] = {"engine": "pyoxigraph Store() in memory", "finished": memory["finished"],
                               **{k: round(memory[k], 3) for k in ("load_s", "peak_rss_mb") if k in memory}}
    for rq in queries:
        q = ours["queries"][rq.stem]
        row: dict[str, Any] = {"name": rq.stem, "rows": q.get("rows"), "p50_ms": None, "p95_ms": None,
                               "runs": q.get("runs", 0), "baseline_p50_ms": None, "ratio": None, "same_results": None}
        if q.get("timed_out"):
            row["timed_out_after_s"] = query_timeout
        else:
            row.update(p50_ms=round(q["p50_ms"], 2), p95_ms=round(q["p95_ms"], 2))
        bq = (theirs or {}).get("queries", {}).get(rq.stem) if theirs else None
        if bq is not None and bq.get("timed_out"):
            row["baseline_timed_out_after_s"] = query_timeout
        elif bq is not None:
            row.update(baseline_p50_ms=round(bq["p50_ms"], 2), baseline_p95_ms=round(bq["p95_ms"], 2),
                       baseline_runs=bq["runs"], baseline_rows=bq["rows"])
            if not q.get("timed_out"):
                row.update(ratio=round(bq["p50_ms"] / max(q["p50_ms"], 1e-3), 1),
                           same_results=q["answer"] == bq["answer"])
        if memory is not None:
            mq = memory["queries"].get(rq.stem)
            row["memory_p50_ms"] = round(mq["p50_ms"], 2) if mq else None
            if mq and not q.get("timed_out"):
                row["memory_same_results"] = mq["answer"] == q["answer"]
        report["queries"].append(row)
    qs = report["queries"]
    report["goals"] = {
        "load_under_5_s": report["load_s"] < GOALS["load_s"],
        "memory_under_1_gb": report["peak_rss_mb"] < GOALS["peak_rss_mb"],
        "p50_over_100_ms": [q["name"] for q in qs if q["p50_ms"] is None or q["p50_ms"] >= GOALS["p50_ms"]],
        "under_20x_faster": [q["name"] for q in qs if q["ratio"] is not None and q["ratio"] < GOALS["ratio"]],
        "results_differ": [q["name"] for q in qs if q["same_results"] is False],
        "not_compared": [q["name"] for q in qs if q["same_results"] is None],
    }
    return report


def _print(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console(width=160)
    b = report["baseline"] or {}
    out.print(f"[bold]{report['papers']} papers[/bold], {report['triples']} triples "
              f"(models {report['models']}, datasets {report['datasets']}, results {report['results']}, "
              f"citations {report['citations']}); generated in {report['generate_s']:.1f} s")
    t = Table("step", "oxigraph (on disk)", "rdflib (in memory)", "ratio")
    t.add_row(f"load ({report['bulk_load_s']:.2f} s + compaction {report['compact_s']:.2f} s)", f"{report['load_s']:.2f} s", f"{b['load_s']:.2f} s" if "load_s" in b else "-",
              f"{b['load_ratio']}x" if "load_ratio" in b else "-")
    t.add_row("peak RSS", f"{report['peak_rss_mb']:.0f} MB (load {report['load_peak_rss_mb']:.0f}, "
              f"questions {report['query_peak_rss_mb']:.0f})", f"{b['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in b else "-", "")
    t.add_row("store on disk", f"{report['store_mb']:.0f} MB", "-", "")
    t.add_row("export N-Quads", f"{report['export_s']:.2f} s", f"{b['export_s']:.2f} s" if "export_s" in b else "-",
              f"{b['export_ratio']}x" if "export_ratio" in b else "-")
    out.print(t)
    mem = report.get("in_memory")
    q = Table("question", "rows", "p50 ms", "p95 ms", "rdflib p50 ms", "ratio", "same",
              *(["in memory p50 ms"] if mem else []))
    for row in report["queries"]:
        timed_out = f"> {row.get('timed_out_after_s', 0):.0f} s"
        q.add_row(row["name"], str(row["rows"] if row["rows"] is not None else "-"),
                  timed_out if row["p50_ms"] is None else f"{row['p50_ms']:.1f}",
                  "-" if row["p95_ms"] is None else f"{row['p95_ms']:.1f}",
                  (f"> {row['baseline_timed_out_after_s']:.0f} s" if "baseline_timed_out_after_s" in row else "-")
                  if row["baseline_p50_ms"] is None else f"{row['baseline_p50_ms']:.0f}",
                  "-" if row["ratio"] is None else f"{row['ratio']:.0f}x",
                  {True: "yes", False: "[red]NO[/red]", None: "-"}[row["same_results"]],
                  *([("-" if row.get("memory_p50_ms") is None else f"{row['memory_p50_ms']:.1f}")
                     + ("" if row.get("memory_same_results", True) else " [red](differs)[/red]")] if mem else []))
    out.print(q)
    if mem:
        out.print(f"Oxigraph in memory: load {mem.get('load_s', 0):.2f} s, peak RSS {mem.get('peak_rss_mb', 0):.0f} MB")
    g = report["goals"]
    out.print(f"goals: load < 5 s {'met' if g['load_under_5_s'] else 'MISSED'}; memory < 1 GB "
              f"{'met' if g['memory_under_1_gb'] else 'MISSED'}; p50 >= 100 ms: {', '.join(g['p50_over_100_ms']) or 'none'}; "
              f"< 20x rdflib: {', '.join(g['under_20x_faster']) or 'none'}; "
              f"results differ: {', '.join(g['results_differ']) or 'none'}")


@click.command("bench")
@click.option("--papers", default=100_000, show_default=True, help="Synthetic papers (100000 is about 1.5M triples).")
@click.option("--seed", default=42, show_default=True, help="Seed of the generator (same seed, same graph).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), help="Write every figure here.")
@click.option("--no-baseline", is_flag=True, help="Skip rdflib's in-memory store.")
@click.option("--baseline-timeout", default=3600.0, show_default=True, help="Seconds before the rdflib run is stopped.")
@click.option("--repeats", default=20, show_default=True, help="Timed runs per question (after a warm-up).")
@click.option("--query-timeout", default=300.0, show_default=True, help="Seconds before a question is stopped.")
@click.option("--queries", "queries_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of .rq questions instead of the saved ones (to try a rewrite).")
@click.option("--workdir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Where the temporary data and store go (default: the system's temp folder).")
@click.option("--in-memory", is_flag=True, help="Also run every question on Oxigraph's in-memory store.")
def bench_command(papers: int, seed: int, json_path: Path | None, no_baseline: bool, baseline_timeout: float,
                  repeats: int, query_timeout: float, queries_dir: Path | None, workdir: Path | None,
                  in_memory: bool) -> None:
    """Benchmark the store on a synthetic graph against rdflib's in-memory store."""
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("benchmarking") as status:
        report = bench(papers, seed, baseline=not no_baseline, baseline_timeout=baseline_timeout, repeats=repeats,
                       query_timeout=query_timeout, queries_dir=queries_dir, workdir=workdir,
                       in_memory=in_memory, progress=lambda m: status.update(m))
    _print(report)
    if json_path:
        json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        console.print(f"wrote {json_path}")


def _worker_main() -> None:
    parser = argparse.ArgumentParser(prog="python -m kg.bench", description="one step of `kg bench`, in its own process")
    parser.add_argument("--worker", choices=["oxigraph-load", "oxigraph-query", "oxigraph-memory", "rdflib"],
                        required=True)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--query", type=Path, action="append", help="a .rq file (oxigraph-query: one; -memory: each)")
    parser.add_argument("--queries", type=Path, default=None, help="a folder of .rq files (rdflib)")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--budget", type=float, default=10.0)
    parser.add_argument("--query-timeout", type=float, default=300.0)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.worker == "oxigraph-load":
        result = _load_oxigraph(args.data, args.workdir)
    elif args.worker == "oxigraph-query":
        result = _ask_oxigraph(args.workdir, args.query[0], args.repeats, args.budget)
    elif args.worker == "oxigraph-memory":
        _memory_all(args.data, args.query or [], args.repeats, args.budget, args.out)
        return
    else:
        _rdflib_all(args.data, args.workdir, args.queries, args.repeats, args.budget, args.query_timeout, args.out)
        return
    args.out.write_text(json.dumps(result, default=str), encoding="utf-8")


if __name__ == "__main__":
    _worker_main()
