"""Each engine's side of a `kg bench` run, from the parent process: the worker processes it
starts (:mod:`kg.bench_worker`), the time each may take, and the figures read back from them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


class BenchError(RuntimeError):
    """A step of the benchmark failed or ran out of time; the message says which."""


def _worker(*args: str) -> list[str]:
    return [sys.executable, "-m", "kg.bench_worker", *args]


def _run(cmd: list[str], timeout_s: float, what: str) -> bool:
    """Run a worker; False if it ran out of time."""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return False
    if proc.returncode != 0:
        raise BenchError(f"{what} failed:\n{proc.stderr[-3000:]}")
    return True


def read_progress(progress: Path, finished: bool) -> dict[str, Any]:
    """A worker's JSON-lines figures: the load's keys, and ``queries`` by name."""
    result: dict[str, Any] = {"queries": {}, "finished": finished}
    for line in progress.read_text(encoding="utf-8").splitlines() if progress.exists() else []:
        record = json.loads(line)
        if record.pop("step") == "query":
            result["queries"][record.pop("name")] = record
        else:
            result.update(record)
    return result


def oxigraph_side(data: Path, work: Path, queries: list[Path], repeats: int, budget_s: float,
                  query_timeout_s: float, say: Callable[[str], None]) -> dict[str, Any]:
    """Load, reopen and export the store on disk (one worker), then each question in a worker of
    its own, stopped after ``query_timeout_s``."""
    out = work / "oxigraph-load.json"
    if not _run(_worker("--worker", "oxigraph-load", "--data", str(data), "--workdir", str(work), "--out", str(out)),
                3600, "loading the Oxigraph store"):
        raise BenchError("loading the Oxigraph store took more than an hour")
    result = json.loads(out.read_text())
    result["queries"] = {}
    result["query_peak_rss_mb"] = 0.0
    for rq in queries:
        say(f"oxigraph: {rq.stem}")
        out = work / f"oxigraph-{rq.stem}.json"
        cmd = _worker("--worker", "oxigraph-query", "--workdir", str(work), "--query", str(rq),
                      "--repeats", str(repeats), "--budget", str(budget_s), "--out", str(out))
        if _run(cmd, query_timeout_s, f"the question {rq.stem} on Oxigraph"):
            answer = json.loads(out.read_text())
            result["peak_rss_mb"] = max(result["peak_rss_mb"], answer["peak_rss_mb"])
            result["query_peak_rss_mb"] = max(result["query_peak_rss_mb"], answer["peak_rss_mb"])
            result["queries"][rq.stem] = answer
        else:
            result["queries"][rq.stem] = {"timed_out": True}
    return result


def memory_side(data: Path, work: Path, queries: list[Path], repeats: int, budget_s: float,
                timeout_s: float) -> dict[str, Any]:
    """Oxigraph in memory: load and every question in one worker, stopped after ``timeout_s``."""
    progress = work / "memory.jsonl"
    cmd = _worker("--worker", "oxigraph-memory", "--data", str(data), "--workdir", str(work),
                  "--repeats", str(repeats), "--budget", str(budget_s), "--out", str(progress),
                  *[arg for rq in queries for arg in ("--query", str(rq))])
    finished = _run(cmd, timeout_s, "Oxigraph in memory")
    return read_progress(progress, finished)


def rdflib_side(data: Path, work: Path, queries_dir: Path | None, repeats: int, budget_s: float,
                query_timeout_s: float, timeout_s: float) -> dict[str, Any] | None:
    """rdflib's default in-memory store in one worker, stopped after ``timeout_s``; None if it
    measured nothing at all."""
    progress = work / "rdflib.jsonl"
    cmd = _worker("--worker", "rdflib", "--data", str(data), "--workdir", str(work), "--repeats", str(repeats),
                  "--budget", str(budget_s), "--query-timeout", str(query_timeout_s), "--out", str(progress))
    if queries_dir is not None:
        cmd += ["--queries", str(queries_dir)]
    finished = _run(cmd, timeout_s, "the rdflib baseline")
    if not progress.exists():
        return None
    return read_progress(progress, finished)
