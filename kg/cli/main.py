"""The ``kg`` command line. Every command takes ``--store DIR`` (or ``$MSKG_STORE``) and
exits non-zero on failure with a message that names the input and the fix."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from kg.cli.options import http_options
from kg.store import Store, StoreError, default_store_location, default_store_path

console = Console(stderr=True)
out = Console()


def _store(ctx: click.Context, read_only: bool = False) -> Store:
    location = ctx.obj.get("store")
    try:
        return Store.open(location, read_only=read_only)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store", type=str, default=None, metavar="DIR|URL",
              help=f"Store directory or http(s):// SPARQL endpoint (default: $MSKG_STORE or {default_store_path()}).")
@click.pass_context
def main(ctx: click.Context, store: str | None) -> None:
    """medseg-kg: a knowledge graph of generalist models for medical image segmentation."""
    ctx.ensure_object(dict)
    ctx.obj["store"] = store


@main.command()
@click.option("--survey-list", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A survey README (.md) or list JSON instead of the bundled one.")
@click.option("--database", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder with models.csv, datasets.csv, results.csv instead of the bundled one.")
@click.option("--snapshot", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An arXiv snapshot JSON instead of the bundled one.")
@click.option("--strict", is_flag=True, help="Fail (and write nothing) if any input row was skipped.")
@click.option("-v", "--verbose", is_flag=True, help="Also list how every non-exact name was resolved.")
@click.pass_context
def build(ctx: click.Context, survey_list: Path | None, database: Path | None, snapshot: Path | None,
          strict: bool, verbose: bool) -> None:
    """Build the graph from the bundled survey data (offline; idempotent)."""
    from ingest.survey import SurveyInputError
    from kg.build import build as run_build, map_bundled

    try:
        if strict:
            _, problems, _, _ = map_bundled(survey_list, database, snapshot)
            skipped = [p for p in problems if p.action == "skipped"]
            if skipped:
                for p in skipped:
                    console.print(f"[red]{p}[/red]")
                raise click.ClickException(f"{len(skipped)} input row(s) skipped; nothing written (--strict)")
        store = _store(ctx)
        with console.status("building the survey graph"):
            report = run_build(store, survey_list, database, snapshot)
    except SurveyInputError as exc:
        raise click.ClickException(str(exc)) from exc
    c = report.counts
    console.print(f"[green]built[/green] {report.triples} triples in {report.seconds:.2f} s into {store.path}")
    console.print(f"  models {c['models']} ({c['database_models']} from the survey database), datasets {c['datasets']}, "
                  f"Dice results {c['results']}, papers {c['papers']}, survey-list rows {c['list_rows']}")
    skipped = [p for p in report.problems if p.action == "skipped"]
    repaired = [p for p in report.problems if p.action != "skipped"]
    for p in repaired:
        console.print(f"  [yellow]repaired[/yellow] {p}")
    if skipped:
        console.print(f"[red]unresolved or skipped: {len(skipped)}[/red]")
        for p in skipped:
            console.print(f"  {p}")
    else:
        console.print("  unresolved: none")
    console.print(f"  names resolved other than exactly: {len(report.notes)}" + ("" if verbose else " (-v lists them)"))
    if verbose:
        for note in report.notes + report.backbone_notes:
            console.print(f"    {note}")
    else:
        for note in report.backbone_notes:
            console.print(f"  [dim]lineage:[/dim] {note}")


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--list", "list_saved", is_flag=True, help="List the saved questions.")
@click.pass_context
def query(ctx: click.Context, query: str | None, fmt: str, list_saved: bool) -> None:
    """Ask a SPARQL question: QUERY is SPARQL text, a .rq file, a saved question's name, or - for stdin."""
    from kg.queries import load_query, saved_queries, with_prefixes

    if list_saved or not query:
        table = Table("name", "question")
        for q in saved_queries():
            table.add_row(q.name, q.title)
        out.print(table)
        return
    saved = load_query(query)
    text = sys.stdin.read() if query == "-" else (saved.text if saved else query)
    if saved is None and query != "-" and not any(k in query.upper() for k in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")):
        raise click.ClickException(f"'{query}' is neither a saved question (see `kg query --list`), a .rq file, nor SPARQL")
    store = _store(ctx, read_only=True)
    try:
        result = store.select(with_prefixes(text))
    except (SyntaxError, ValueError, OSError, StoreError) as exc:
        raise click.ClickException(f"query failed: {exc}") from exc
    rows = [{k: _plain(v) for k, v in row.items()} for row in result.rows]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=1, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=result.variables)
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(*result.variables)
        for row in rows:
            table.add_row(*("" if row[v] is None else str(row[v]) for v in result.variables))
        out.print(table)
        console.print(f"{len(rows)} row(s)")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "nquads", "trig", "jsonld", "graphml", "csv"]),
              default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path) -> None:
    """Export the graph (triple formats: the union of all sources; nquads/trig keep named graphs)."""
    from kg.export import export as run_export

    store = _store(ctx, read_only=True)
    run_export(store, fmt, output)
    console.print(f"wrote {output} ({output.stat().st_size} bytes, {fmt})")


@main.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["nquads", "trig", "nt", "turtle"]), default=None,
              help="Default: from the file's extension (.nq, .trig, .nt, .ttl).")
@click.option("--graph", default=None, metavar="IRI", help="The named graph for a file of triples (nt, turtle).")
@click.pass_context
def restore(ctx: click.Context, source: Path, fmt: str | None, graph: str | None) -> None:
    """Load an export (kg export --format nquads|trig) into an empty store: a backup's way back,
    or a move to a new directory or server."""
    from kg.restore import restore as run_restore

    location = ctx.obj.get("store") or default_store_location()
    try:
        count = run_restore(location, source, fmt, graph)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"restored {count} quads from {source} into {location}")


@main.command()
@click.option("--max", "max_shown", default=50, show_default=True, help="Violations to print.")
@click.pass_context
def validate(ctx: click.Context, max_shown: int) -> None:
    """Validate the graph against shapes.ttl (SHACL); exit 1 on any violation."""
    from kg.validate import validate_store

    store = _store(ctx, read_only=True)
    with console.status("validating"):
        report = validate_store(store)
    if report.conforms:
        console.print("[green]conforms[/green]: no SHACL violations")
        return
    console.print(f"[red]{len(report.violations)} SHACL violation(s)[/red]")
    for v in report.violations[:max_shown]:
        path = v.path.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if v.path else "-"
        console.print(f"  {v.severity}: {v.focus} [{path}] {v.message}")
    sys.exit(1)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts per class and per source graph, and the last build."""
    from kg.stats import graph_stats

    store = _store(ctx, read_only=True)
    s = graph_stats(store)
    if as_json:
        click.echo(json.dumps(s, indent=1, default=str))
        return
    t = Table("class", "count")
    for k, v in s["classes"].items():
        t.add_row(k, str(v))
    out.print(t)
    g = Table("named graph", "triples")
    for k, v in s["graphs"].items():
        g.add_row(k, str(v))
    out.print(g)
    if s.get("last_build"):
        out.print(f"last build: {s['last_build']['ended']} ({s['last_build']['activity']})")


@main.command()
@click.option("--offline", is_flag=True, help="Contact no live source: the bundled arXiv snapshot (from `kg build`) is the enrichment.")
@click.option("--source", "sources", multiple=True, type=click.Choice(["arxiv", "s2"]), help="Only these sources (default both).")
@click.option("--no-references", is_flag=True, help="Skip the references of tracked papers.")
@click.option("--anchor", "anchors", multiple=True, metavar="NAME=ARXIV_ID",
              help="Anchor papers whose citing papers are added (default: SAM, SAM 2, MedSAM). Repeat; 'none' for no anchors.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only citing papers published on or after this date.")
@http_options
@click.pass_context
def enrich(ctx: click.Context, offline: bool, sources: tuple[str, ...], no_references: bool, anchors: tuple[str, ...],
           since: datetime | None, record_dir: Path | None, replay_dir: Path | None, no_cache: bool, budget: float) -> None:
    """Enrich every tracked paper from arXiv and Semantic Scholar (metadata, references, citing papers)."""
    from kg.tracker.enrich import DEFAULT_ANCHORS, enrich as run_enrich, make_policy

    store = _store(ctx)
    if offline:
        graphs = store.graph_sizes()
        snapshot = graphs.get("https://w3id.org/medseg-kg/graph/arxiv-snapshot", 0)
        console.print(f"offline: no live source contacted; the bundled arXiv snapshot ({snapshot} triples, from `kg build`) "
                      "is the enrichment. Stored live-source graphs are kept as they are.")
        if not snapshot:
            raise click.ClickException("the store has no arXiv snapshot graph; run `kg build` first")
        return
    anchor_map = dict(DEFAULT_ANCHORS)
    if anchors:
        anchor_map = {}
        for item in anchors:
            if item.lower() == "none":
                continue
            name, _, arxiv_id = item.partition("=")
            if not arxiv_id:
                raise click.BadParameter(f"'{item}' is not NAME=ARXIV_ID (e.g. SAM=2304.02643)", param_hint="--anchor")
            anchor_map[name.strip()] = arxiv_id.strip()
    policy = make_policy(cache=not no_cache, record_dir=record_dir, replay_dir=replay_dir, wait_budget_seconds=budget)
    use = set(sources) or {"arxiv", "s2"}
    with console.status("enriching from live sources"):
        report = run_enrich(store, policy=policy, use_arxiv="arxiv" in use, use_s2="s2" in use,
                            references=not no_references, anchors=anchor_map, since=since.date() if since else None)
    for o in report.outcomes:
        if o.reachable:
            console.print(f"[green]{o.name}[/green]: {o.papers} papers refreshed, {o.new_papers} new papers, "
                          f"{o.citations} citations")
        else:
            console.print(f"[red]{o.name} unreachable[/red]: {o.note}; kept what is stored")
        for f in o.failures[:20]:
            console.print(f"  failed: {f}")
    for c in report.conflicts:
        console.print(f"  [yellow]not written[/yellow]: {c}")
    for p in policy.report.problems[:50]:
        console.print(f"  note: {p}")
    console.print(f"done in {report.seconds:.1f} s" + (f"; run {report.activity}" if report.activity else "; nothing written"))
    if not report.did_anything:
        sys.exit(1)


from kg.tracker.review import classify as _classify_command, review as _review_command  # noqa: E402
from kg.tracker.update import update as _update_command  # noqa: E402

main.add_command(_update_command)
main.add_command(_review_command)
main.add_command(_classify_command)


from kg.bench import bench_command  # noqa: E402
from kg.serve import serve_command  # noqa: E402

main.add_command(serve_command)
main.add_command(bench_command)


if __name__ == "__main__":
    main()
