"""The report of a `kg bench` run: the figures of each engine brought together (ratios, same
answers or not, the goals met or missed) as one JSON-ready dict, the machine they were measured
on, and the tables printed at the end of the command.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.synthetic import SyntheticCounts

GOALS = {"load_s": 5.0, "p50_ms": 100.0, "ratio": 20.0, "peak_rss_mb": 1024.0}


@dataclass
class Measurements:
    """What a run measured: the graph, and each engine's figures as its workers wrote them."""

    papers: int
    seed: int
    counts: SyntheticCounts
    generate_s: float
    ours: dict[str, Any]  # Oxigraph on disk
    theirs: dict[str, Any] | None  # rdflib's in-memory store (None: not run, or nothing measured)
    memory: dict[str, Any] | None  # Oxigraph in memory (None: not asked for)
    questions: list[str]
    repeats: int
    baseline_repeats: int
    query_timeout: float


def machine() -> dict[str, Any]:
    import pyoxigraph
    import rdflib

    mem = ""
    try:
        kib = int(
            next(
                line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
            ).split()[1]
        )
        mem = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": pyoxigraph.__version__,
        "rdflib": rdflib.__version__,
    }


def _headline(m: Measurements) -> dict[str, Any]:
    ours, counts = m.ours, m.counts
    return {
        "papers": m.papers,
        "seed": m.seed,
        "triples": ours["triples"],
        "quads_written": counts.quads,
        "models": counts.models,
        "datasets": counts.datasets,
        "results": counts.results,
        "people": counts.people,
        "citations": counts.citations,
        "graphs": counts.graphs,
        "generate_s": round(m.generate_s, 3),
        "load_s": round(ours["load_s"], 3),
        "bulk_load_s": round(ours["bulk_load_s"], 3),
        "compact_s": round(ours["compact_s"], 3),
        "reopen_s": round(ours["reopen_s"], 3),
        "peak_rss_mb": round(ours["peak_rss_mb"], 1),
        "load_peak_rss_mb": round(ours["load_peak_rss_mb"], 1),
        "query_peak_rss_mb": round(ours["query_peak_rss_mb"], 1),
        "store_mb": round(ours["store_mb"], 1),
        "export_s": round(ours["export_s"], 3),
        "export_mb": round(ours["export_mb"], 1),
        "repeats": m.repeats,
        "query_timeout_s": m.query_timeout,
        "baseline": None,
        "queries": [],
        "machine": machine(),
    }


def _baseline(ours: dict[str, Any], theirs: dict[str, Any], repeats: int) -> dict[str, Any]:
    b: dict[str, Any] = {
        "engine": "rdflib Dataset(default_union=True), default in-memory store",
        "finished": theirs["finished"],
        "repeats": repeats,
    }
    for key in ("load_s", "triples", "peak_rss_mb", "export_s"):
        if key in theirs:
            b[key] = round(theirs[key], 3) if isinstance(theirs[key], float) else theirs[key]
    if "load_s" in theirs:
        b["load_ratio"] = round(theirs["load_s"] / ours["load_s"], 1)
    if "export_s" in theirs:
        b["export_ratio"] = round(theirs["export_s"] / ours["export_s"], 1)
    return b


def _question_row(m: Measurements, name: str) -> dict[str, Any]:
    """One question: Oxigraph's times, rdflib's, their ratio and whether the answers agree."""
    q = m.ours["queries"][name]
    row: dict[str, Any] = {
        "name": name,
        "rows": q.get("rows"),
        "p50_ms": None,
        "p95_ms": None,
        "runs": q.get("runs", 0),
        "baseline_p50_ms": None,
        "ratio": None,
        "same_results": None,
    }
    if q.get("timed_out"):
        row["timed_out_after_s"] = m.query_timeout
    else:
        row.update(p50_ms=round(q["p50_ms"], 2), p95_ms=round(q["p95_ms"], 2))
    bq = m.theirs.get("queries", {}).get(name) if m.theirs else None
    if bq is not None and bq.get("timed_out"):
        row["baseline_timed_out_after_s"] = m.query_timeout
    elif bq is not None:
        row.update(
            baseline_p50_ms=round(bq["p50_ms"], 2),
            baseline_p95_ms=round(bq["p95_ms"], 2),
            baseline_runs=bq["runs"],
            baseline_rows=bq["rows"],
        )
        if not q.get("timed_out"):
            row.update(ratio=round(bq["p50_ms"] / max(q["p50_ms"], 1e-3), 1), same_results=q["answer"] == bq["answer"])
    if m.memory is not None:
        mq = m.memory["queries"].get(name)
        row["memory_p50_ms"] = round(mq["p50_ms"], 2) if mq else None
        if mq and not q.get("timed_out"):
            row["memory_same_results"] = mq["answer"] == q["answer"]
    return row


def _goals(report: dict[str, Any]) -> dict[str, Any]:
    qs = report["queries"]
    return {
        "load_under_5_s": report["load_s"] < GOALS["load_s"],
        "memory_under_1_gb": report["peak_rss_mb"] < GOALS["peak_rss_mb"],
        "p50_over_100_ms": [q["name"] for q in qs if q["p50_ms"] is None or q["p50_ms"] >= GOALS["p50_ms"]],
        "under_20x_faster": [q["name"] for q in qs if q["ratio"] is not None and q["ratio"] < GOALS["ratio"]],
        "results_differ": [q["name"] for q in qs if q["same_results"] is False],
        "not_compared": [q["name"] for q in qs if q["same_results"] is None],
    }


def build_report(m: Measurements) -> dict[str, Any]:
    """Every figure of the run, in the order `--json` writes them."""
    report = _headline(m)
    if m.theirs is not None:
        report["baseline"] = _baseline(m.ours, m.theirs, m.baseline_repeats)
    if m.memory is not None:
        report["in_memory"] = {
            "engine": "pyoxigraph Store() in memory",
            "finished": m.memory["finished"],
            **{k: round(m.memory[k], 3) for k in ("load_s", "peak_rss_mb") if k in m.memory},
        }
    report["queries"] = [_question_row(m, name) for name in m.questions]
    report["goals"] = _goals(report)
    return report


# -- printed -------------------------------------------------------------------------------


def _steps_table(report: dict[str, Any]) -> Any:
    from rich.table import Table

    b = report["baseline"] or {}
    t = Table("step", "oxigraph (on disk)", "rdflib (in memory)", "ratio")
    t.add_row(
        f"load ({report['bulk_load_s']:.2f} s + compaction {report['compact_s']:.2f} s)",
        f"{report['load_s']:.2f} s",
        f"{b['load_s']:.2f} s" if "load_s" in b else "-",
        f"{b['load_ratio']}x" if "load_ratio" in b else "-",
    )
    t.add_row(
        "peak RSS",
        f"{report['peak_rss_mb']:.0f} MB (load {report['load_peak_rss_mb']:.0f}, "
        f"questions {report['query_peak_rss_mb']:.0f})",
        f"{b['peak_rss_mb']:.0f} MB" if "peak_rss_mb" in b else "-",
        "",
    )
    t.add_row("store on disk", f"{report['store_mb']:.0f} MB", "-", "")
    t.add_row(
        "export N-Quads",
        f"{report['export_s']:.2f} s",
        f"{b['export_s']:.2f} s" if "export_s" in b else "-",
        f"{b['export_ratio']}x" if "export_ratio" in b else "-",
    )
    return t


def _question_cells(row: dict[str, Any], in_memory: bool) -> list[str]:
    timed_out = f"> {row.get('timed_out_after_s', 0):.0f} s"
    baseline_timed_out = f"> {row['baseline_timed_out_after_s']:.0f} s" if "baseline_timed_out_after_s" in row else "-"
    cells = [
        row["name"],
        str(row["rows"] if row["rows"] is not None else "-"),
        timed_out if row["p50_ms"] is None else f"{row['p50_ms']:.1f}",
        "-" if row["p95_ms"] is None else f"{row['p95_ms']:.1f}",
        baseline_timed_out if row["baseline_p50_ms"] is None else f"{row['baseline_p50_ms']:.0f}",
        "-" if row["ratio"] is None else f"{row['ratio']:.0f}x",
        {True: "yes", False: "[red]NO[/red]", None: "-"}[row["same_results"]],
    ]
    if in_memory:
        cells.append(
            ("-" if row.get("memory_p50_ms") is None else f"{row['memory_p50_ms']:.1f}")
            + ("" if row.get("memory_same_results", True) else " [red](differs)[/red]")
        )
    return cells


def print_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console(width=160)
    out.print(
        f"[bold]{report['papers']} papers[/bold], {report['triples']} triples "
        f"(models {report['models']}, datasets {report['datasets']}, results {report['results']}, "
        f"citations {report['citations']}); generated in {report['generate_s']:.1f} s"
    )
    out.print(_steps_table(report))
    mem = report.get("in_memory")
    q = Table(
        "question", "rows", "p50 ms", "p95 ms", "rdflib p50 ms", "ratio", "same", *(["in memory p50 ms"] if mem else [])
    )
    for row in report["queries"]:
        q.add_row(*_question_cells(row, bool(mem)))
    out.print(q)
    if mem:
        out.print(f"Oxigraph in memory: load {mem.get('load_s', 0):.2f} s, peak RSS {mem.get('peak_rss_mb', 0):.0f} MB")
    g = report["goals"]
    out.print(
        f"goals: load < 5 s {'met' if g['load_under_5_s'] else 'MISSED'}; memory < 1 GB "
        f"{'met' if g['memory_under_1_gb'] else 'MISSED'}; p50 >= 100 ms: {', '.join(g['p50_over_100_ms']) or 'none'}; "
        f"< 20x rdflib: {', '.join(g['under_20x_faster']) or 'none'}; "
        f"results differ: {', '.join(g['results_differ']) or 'none'}"
    )
