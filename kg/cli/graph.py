"""Commands on the graph itself: build it, ask it, export, restore, validate and count it."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click
from rich.table import Table

from kg.cli.common import console, location, open_store, out, plain
from kg.store import StoreError


@click.command()
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
        store = open_store(ctx)
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


@click.command()
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
    store = open_store(ctx, read_only=True)
    try:
        result = store.select(with_prefixes(text))
    except (SyntaxError, ValueError, OSError, StoreError) as exc:
        raise click.ClickException(f"query failed: {exc}") from exc
    rows = [{k: plain(v) for k, v in row.items()} for row in result.rows]
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


@click.command()
@click.option("--format", "fmt", type=click.Choice(["turtle", "nt", "nquads", "trig", "jsonld", "graphml", "csv"]),
              default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path) -> None:
    """Export the graph (triple formats: the union of all sources; nquads/trig keep named graphs)."""
    from kg.export import export as run_export

    store = open_store(ctx, read_only=True)
    run_export(store, fmt, output)
    console.print(f"wrote {output} ({output.stat().st_size} bytes, {fmt})")


@click.command()
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["nquads", "trig", "nt", "turtle"]), default=None,
              help="Default: from the file's extension (.nq, .trig, .nt, .ttl).")
@click.option("--graph", default=None, metavar="IRI", help="The named graph for a file of triples (nt, turtle).")
@click.pass_context
def restore(ctx: click.Context, source: Path, fmt: str | None, graph: str | None) -> None:
    """Load an export (kg export --format nquads|trig) into an empty store: a backup's way back,
    or a move to a new directory or server."""
    from kg.restore import restore as run_restore

    where = location(ctx)
    try:
        count = run_restore(where, source, fmt, graph)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
    console.print(f"restored {count} quads from {source} into {where}")


@click.command()
@click.option("--max", "max_shown", default=50, show_default=True, help="Violations to print.")
@click.pass_context
def validate(ctx: click.Context, max_shown: int) -> None:
    """Validate the graph against shapes.ttl (SHACL); exit 1 on any violation."""
    from kg.validate import validate_store

    store = open_store(ctx, read_only=True)
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


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Counts per class and per source graph, and the last build."""
    from kg.stats import graph_stats

    store = open_store(ctx, read_only=True)
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


COMMANDS = [build, query, export, restore, validate, stats]
