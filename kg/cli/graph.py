"""Commands on the graph itself: build it, ask it, export, restore, validate and count it."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table

from ingest.redact import redact_text, redact_url
from kg.cli.common import console, location, open_store, out, plain
from kg.store import StoreError

if TYPE_CHECKING:
    from kg.build import BuildReport


@click.command()
@click.option("--survey-list", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A survey README (.md) or list JSON instead of the bundled one.")
@click.option("--database", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder with models.csv, datasets.csv, results.csv instead of the bundled one.")
@click.option("--snapshot", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="An arXiv snapshot JSON instead of the bundled one.")
@click.option("--strict", is_flag=True, help="Fail (and write nothing) if any input row was skipped.")
@click.option("--allow-shrink", is_flag=True,
              help="Build even from a survey list with no rows, or with fewer than half the rows of the bundled "
                   "list or of the list the graph holds (refused otherwise: a wrong or truncated file).")
@click.option("-v", "--verbose", is_flag=True, help="Also list how every non-exact name was resolved.")
@click.pass_context
def build(ctx: click.Context, survey_list: Path | None, database: Path | None, snapshot: Path | None,
          strict: bool, allow_shrink: bool, verbose: bool) -> None:
    """Build the graph from the bundled survey data (offline; idempotent).

    Every input is read and checked before the store is opened for writing: a file that
    cannot be read or parsed, a survey list that would shrink the graph, or a bad curation
    entry stops the build with a message (exit 1) and leaves the store as it was."""
    from ingest.curation import CurationError
    from ingest.errors import SnapshotError, SurveyInputError
    from kg.build import build as run_build

    try:
        _check_inputs(ctx, survey_list, database, snapshot, allow_shrink)
        if strict:
            _refuse_skipped_rows(survey_list, database, snapshot)
        store = open_store(ctx)
        with console.status("building the survey graph"):
            report = run_build(store, survey_list, database, snapshot)
    except (SurveyInputError, SnapshotError, CurationError, StoreError) as exc:
        raise click.ClickException(redact_text(str(exc))) from exc
    _print_build_report(report, redact_url(store.location), verbose)


def _check_inputs(ctx: click.Context, survey_list: Path | None, database: Path | None, snapshot: Path | None,
                  allow_shrink: bool) -> None:
    """Read every input a build reads, and refuse what would erase data, before anything is
    written (raises the input's own error, or a ClickException for a shrinking list)."""
    from ingest.curation import read_decisions
    from ingest.survey import load_survey_list
    from ingest.survey_list import shrink_verdict
    from ingest.text_input import read_text_input
    from kg.paths import curation_file

    survey = load_survey_list(survey_list)
    for table in sorted(database.glob("*.csv")) if database else []:
        read_text_input(table, what="a survey database table (CSV)", max_bytes=200_000_000)
    if snapshot:
        read_text_input(snapshot, what="an arXiv snapshot (JSON)", max_bytes=500_000_000)
    cfile = curation_file(location(ctx))
    decisions = read_decisions(cfile) if cfile is not None else []
    stored_papers, unknown = _what_the_graph_holds(ctx, [d.paper for d in decisions])
    for d in decisions:
        if d.paper in unknown:
            console.print(f"[yellow]note[/yellow]: {cfile} line {d.line}: no paper {d.paper} in the graph; the "
                          "decision is kept, and applies once `kg update` brings the paper in")
    if allow_shrink:
        return
    verdict = shrink_verdict(len(survey.rows), len(load_survey_list().rows), "the bundled list") if survey_list \
        else None
    if verdict is None and stored_papers:
        verdict = shrink_verdict(len(survey.rows), stored_papers, "the survey list the graph holds")
    if verdict:
        raise click.ClickException(f"{survey_list or 'the bundled survey list'}: {verdict}")


def _what_the_graph_holds(ctx: click.Context, papers: list[str]) -> tuple[int, set[str]]:
    """(papers of the stored survey list, which of ``papers`` the graph lacks), from a
    read-only look at the store; (0, set()) when there is no graph yet."""
    from kg.queries import internal
    from kg.store import Store, store_url

    where = location(ctx)
    if store_url(where) is None and not Path(where).expanduser().exists():
        return 0, set()
    try:  # the handle is released on return, before the store is opened for writing
        store = Store.open(where, read_only=True)
        listed = store.select(internal("survey-list-paper-count")).rows
        known = {r["p"] for r in store.select(internal("titles-of-papers", papers=papers)).rows} if papers else set()
    except (StoreError, ValueError, OSError):
        return 0, set()  # the write that follows reports what is wrong with the store
    return int(listed[0]["n"]) if listed else 0, set(papers) - known


def _refuse_skipped_rows(survey_list: Path | None, database: Path | None, snapshot: Path | None) -> None:
    from kg.build import map_bundled

    _, problems, _, _ = map_bundled(survey_list, database, snapshot)
    skipped = [p for p in problems if p.action == "skipped"]
    if skipped:
        for p in skipped:
            console.print(f"[red]{p}[/red]")
        raise click.ClickException(f"{len(skipped)} input row(s) skipped; nothing written (--strict)")


def _print_build_report(report: BuildReport, where: str, verbose: bool) -> None:
    c = report.counts
    console.print(f"[green]built[/green] {report.triples} triples in {report.seconds:.2f} s into {where}")
    console.print(f"  models {c['models']} ({c['database_models']} from the survey database), "
                  f"datasets {c['datasets']}, Dice results {c['results']}, papers {c['papers']}, "
                  f"survey-list rows {c['list_rows']}")
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
    shown = f"  names resolved other than exactly: {len(report.notes)}"
    console.print(shown + ("" if verbose else " (-v lists them)"))
    people = report.people
    if people is not None:
        console.print(f"  people {people.people} ({people.merged} matched across name orders and spellings, "
                      f"{len(people.near_misses)} near misses kept apart)" + ("" if verbose else " (-v lists them)"))
    if verbose:
        for note in report.notes + report.backbone_notes:
            console.print(f"    {note}")
        for line in (people.merges + [f"near miss: {n}" for n in people.near_misses]) if people else []:
            console.print(f"    person: {line}")
    else:
        for note in report.backbone_notes:
            console.print(f"  [dim]lineage:[/dim] {note}")


_QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@click.command()
@click.argument("query", required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="How to print the answer: a table, CSV or JSON (rows as objects).")
@click.option("--list", "list_saved", is_flag=True, help="List the saved questions.")
@click.pass_context
def query(ctx: click.Context, query: str | None, fmt: str, list_saved: bool) -> None:
    """Ask a SPARQL question: QUERY is SPARQL text, a .rq file, a saved question's name, or - for stdin."""
    from kg.queries import load_query, saved_queries, user_positions, with_prefixes

    if list_saved or not query:
        table = Table("name", "question")
        for q in saved_queries():
            table.add_row(q.name, q.title)
        out.print(table)
        return
    saved = load_query(query)
    text = sys.stdin.read() if query == "-" else (saved.text if saved else query)
    if saved is None and query != "-" and not any(k in query.upper() for k in _QUERY_FORMS):
        raise click.ClickException(f"'{query}' is neither a saved question (see `kg query --list`), a .rq file, "
                                   "nor SPARQL")
    store = open_store(ctx, read_only=True)
    sent = with_prefixes(text)
    try:
        result = store.select(sent)
    except (SyntaxError, ValueError, OSError, StoreError) as exc:
        # Positions in the user's own text: the added prefixes are a line the user never wrote.
        raise click.ClickException(f"query failed: {redact_text(user_positions(str(exc), text, sent))}") from exc
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
        raise click.ClickException(redact_text(str(exc))) from exc
    console.print(f"restored {count} quads from {source} into {redact_url(str(where))}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON (for scripts).")
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


COMMANDS = [build, query, restore, stats]
