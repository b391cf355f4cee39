"""`kg bench`: the store at scale, measured against rdflib's default in-memory store.

A seeded synthetic graph (:mod:`kg.synthetic`) is written as N-Quads, then each engine runs
the same steps in its own process (:mod:`kg.bench_engines` starts them, :mod:`kg.bench_worker`
is what runs there): load, reopen, every saved question (p50/p95 over repeated runs after a
warm-up), export to N-Quads. The answers are compared question by question
(:mod:`kg.bench_answers`), and the report (:mod:`kg.bench_report`) prints the ratios.

This module holds the run itself (:func:`bench`) and its click command, which only reads the
options and calls it.

    kg bench --papers 100000 --json out.json
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg.bench_engines import BenchError, memory_side, oxigraph_side, rdflib_side
from kg.bench_report import Measurements, build_report, print_report


def bench(papers: int = 100_000, seed: int = 42, *, baseline: bool = True, baseline_timeout: float = 3600.0,
          repeats: int = 20, budget_s: float = 10.0, baseline_repeats: int = 3, baseline_budget_s: float = 60.0,
          query_timeout: float = 300.0, queries_dir: Path | None = None, workdir: Path | None = None,
          in_memory: bool = False, progress: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """Generate, measure both engines, compare. Per question: a warm-up, then up to ``repeats``
    timed runs within ``budget_s`` (``baseline_*`` for rdflib); a question still running after
    ``query_timeout`` seconds is stopped and reported as timed out. BenchError if a step fails."""
    from kg.queries import QUERY_DIR
    from kg.synthetic import generate

    say = progress or (lambda message: None)
    queries = sorted((queries_dir or QUERY_DIR).glob("*.rq"))
    # Everything the run writes goes to one temporary directory, removed however the run ends.
    with tempfile.TemporaryDirectory(prefix="kg-bench-", dir=workdir) as tmp:
        work = Path(tmp)
        data = work / "synthetic.nq"
        say(f"generating {papers} synthetic papers")
        t = time.perf_counter()
        counts = generate(data, papers, seed)
        gen_s = time.perf_counter() - t
        say("oxigraph: load and export")
        ours = oxigraph_side(data, work, queries, repeats, budget_s, query_timeout, say)
        memory = None
        if in_memory:
            say("oxigraph in memory: load, questions")
            memory = memory_side(data, work, queries, repeats, budget_s, query_timeout * max(1, len(queries)))
        theirs = None
        if baseline:
            say(f"rdflib (default in-memory store; stopped after {baseline_timeout:.0f} s): load, questions, export")
            theirs = rdflib_side(data, work, queries_dir, baseline_repeats, baseline_budget_s, query_timeout,
                                 baseline_timeout)
    return build_report(Measurements(papers, seed, counts, gen_s, ours, theirs, memory, [rq.stem for rq in queries],
                                     repeats, baseline_repeats, query_timeout))


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
@click.option("--app", is_flag=True,
              help="Time every page of the app in headless Chromium instead: on the store (--store), or on the "
                   "synthetic graph when --papers is given.")
@click.option("--page-repeats", default=1, show_default=True, type=click.IntRange(1),
              help="With --app: tours of every page, each on a fresh server (the table shows medians).")
@click.option("--page-timeout", default=180.0, show_default=True, help="With --app: seconds before a page fails.")
@click.pass_context
def bench_command(ctx: click.Context, papers: int, seed: int, json_path: Path | None, no_baseline: bool,
                  baseline_timeout: float, repeats: int, query_timeout: float, queries_dir: Path | None,
                  workdir: Path | None, in_memory: bool, app: bool, page_repeats: int, page_timeout: float) -> None:
    """Benchmark the store on a synthetic graph against rdflib's in-memory store (or, with
    --app, every page of the app in a real browser)."""
    from rich.console import Console

    console = Console(stderr=True)
    if app:
        synthetic = ctx.get_parameter_source("papers") is not click.core.ParameterSource.DEFAULT
        _bench_pages(ctx, papers if synthetic else None, seed, page_repeats, page_timeout, workdir, json_path)
        return
    try:
        with console.status("benchmarking") as status:
            report = bench(papers, seed, baseline=not no_baseline, baseline_timeout=baseline_timeout, repeats=repeats,
                           query_timeout=query_timeout, queries_dir=queries_dir, workdir=workdir,
                           in_memory=in_memory, progress=lambda m: status.update(m))
    except BenchError as exc:
        raise click.ClickException(str(exc)) from exc
    print_report(report)
    _write_json(json_path, report, console)


def _bench_pages(ctx: click.Context, papers: int | None, seed: int, repeats: int, timeout: float,
                 workdir: Path | None, json_path: Path | None) -> None:
    """`kg bench --app`: the page table of :mod:`kg.bench_app`, on the synthetic graph of
    ``papers`` papers, or (None) on the store the command was given."""
    from rich.console import Console

    from kg.bench_app import bench_app, bench_app_synthetic, print_app_report
    from kg.store import default_store_location, redact

    console = Console(stderr=True)
    try:
        with console.status("timing the app's pages") as status:
            options = {"repeats": repeats, "page_timeout": timeout, "workdir": workdir,
                       "progress": lambda m: status.update(m)}
            if papers is not None:
                report = bench_app_synthetic(papers, seed, **options)
            else:
                location = (ctx.find_root().obj or {}).get("store") or default_store_location()
                report = bench_app(str(location), **options)
                report["store"] = redact(report["store"])
    except BenchError as exc:
        raise click.ClickException(str(exc)) from exc
    print_app_report(report)
    _write_json(json_path, report, console)


def _write_json(json_path: Path | None, report: dict[str, Any], console: Any) -> None:
    if json_path:
        json_path.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        console.print(f"wrote {json_path}")
