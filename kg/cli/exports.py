"""Commands that hand the graph to others and check it: `kg export` (RDF, tables, graphs,
BibTeX, the survey's own list, a release) and `kg validate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.common import console, open_store

RDF_AND_TABLES = ("turtle", "nt", "nquads", "trig", "jsonld", "graphml", "csv")
FORMATS = (*RDF_AND_TABLES, "bibtex", "survey-md", "release")
FORMAT_HELP = ("turtle/nt/jsonld: the merged graph; nquads/trig: every named graph kept (a backup: kg restore); "
               "graphml: typed attributes for graph tools; csv: models, datasets, results, papers, citations "
               "tables (-o DIR or FILE.zip); bibtex: every paper (or --query NAME's); survey-md: the survey's "
               "paper list from the graph; release: N-Quads + CSV + a VoID/DCAT description in -o DIR")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="turtle", show_default=True, help=FORMAT_HELP)
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="The file to write (a directory for csv and release). Required but with --diff.")
@click.option("--query", "query_name", metavar="NAME",
              help="bibtex only: the papers a saved question returns (its ?paper column).")
@click.option("--diff", "diff_against", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="survey-md only: print the change against this copy of the upstream README instead.")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None, query_name: str | None,
           diff_against: Path | None) -> None:
    """Export the graph for people and tools that do not speak SPARQL."""
    store = open_store(ctx, read_only=True)
    if fmt == "survey-md" and diff_against is not None:
        from kg.survey_md import SurveyListMissing, survey_diff

        try:
            click.echo(survey_diff(store, diff_against), nl=False)
        except SurveyListMissing as exc:
            raise click.ClickException(str(exc)) from exc
        return
    if output is None:
        raise click.UsageError("-o/--output is required (a file, or a directory for csv and release)")
    if fmt in RDF_AND_TABLES:
        from kg.export import export as run_export

        run_export(store, fmt, output)
    elif fmt == "bibtex":
        _write_bibtex(store, output, query_name)
    elif fmt == "survey-md":
        from kg.survey_md import SurveyListMissing, survey_markdown

        try:
            output.write_text(survey_markdown(store), encoding="utf-8")
        except SurveyListMissing as exc:
            raise click.ClickException(str(exc)) from exc
    else:
        from kg.release import write_release

        write_release(store, output)
    files = [output] if output.is_file() else [p for p in output.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    console.print(f"wrote {output} ({size} bytes, {fmt})")


def _write_bibtex(store: object, output: Path, query_name: str | None) -> None:
    from kg.bibtex import bibtex_export, papers_of_query

    papers = papers_of_query(store, query_name) if query_name else None  # type: ignore[arg-type]
    result = bibtex_export(store, papers)  # type: ignore[arg-type]
    output.write_text(result.text, encoding="utf-8")
    for note in result.notes:
        console.print(f"  note: {note}")


@click.command("validate")
@click.option("--max", "max_shown", default=50, show_default=True, help="Violations (and warnings) to print.")
@click.option("--release", "release_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Also check a release written by `kg export --format release` against its dump.")
@click.pass_context
def validate(ctx: click.Context, max_shown: int, release_dir: Path | None) -> None:
    """Validate the graph against shapes.ttl (SHACL): exit 1 on any violation; warnings
    (judgements such as a Dice below 1) are printed apart and do not fail."""
    from kg.validate import validate_store

    store = open_store(ctx, read_only=True)
    with console.status("validating"):
        report = validate_store(store)
    failed = False
    if report.violations:
        failed = True
        console.print(f"[red]{len(report.violations)} SHACL violation(s)[/red]")
        _print_results(report.violations, max_shown)
    else:
        console.print("[green]conforms[/green]: no SHACL violations")
    if report.warnings:
        console.print(f"[yellow]{len(report.warnings)} warning(s)[/yellow]")
        _print_results(report.warnings, max_shown)
    from kg.store_merge import merge_problems

    merge = merge_problems(store)
    for problem in merge:
        console.print(f"  [red]merge[/red]: {problem}")
    if not merge and store.keeps_merge:
        console.print("[green]merge[/green]: the default graph is the merge of the named graphs, each triple once")
    failed = failed or bool(merge)
    if release_dir is not None:
        from kg.release import check_release

        problems = check_release(release_dir)
        for p in problems:
            console.print(f"  [red]release[/red]: {p}")
        failed = failed or bool(problems)
        if not problems:
            console.print(f"[green]release[/green] {release_dir}: the description agrees with the dump")
    if failed:
        sys.exit(1)


def _print_results(results: list, max_shown: int) -> None:  # type: ignore[type-arg]
    for v in results[:max_shown]:
        path = v.path.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if v.path else "-"
        console.print(f"  {v.severity}: {v.focus} [{path}] {v.message}")
    if len(results) > max_shown:
        console.print(f"  ... and {len(results) - max_shown} more (--max N shows more)")


COMMANDS = [export, validate]
