"""`kg review accept PAPER --model NAME`: a paper accepted as introducing a model. The
suggestions (name, class, base model, code, datasets, result claims) are shown before
anything is written; the reviewer's flags override them, and at a terminal each field can
be confirmed or edited. The decision goes to the curation file and confirmed results to the
maintainer's results table, so every build re-derives the model."""

from __future__ import annotations

import sys
import click

from ingest.curation import CurationError
from ingest.results_table import ResultsTableError
from kg.cli.common import location, open_store
from kg.paths import curation_file, results_table_file
from kg.tracker.decide import DecisionRefused, model_acceptance, record_model_acceptance
from kg.tracker.review import UnknownPaper, apply_curation, resolve_paper
from kg.tracker.suggest import suggest_model


def accept_as_model(ctx: click.Context, paper: str, *, model: str, category: str | None, based_on: str | None,
                    code: str | None, framework: str | None, results: tuple[int, ...], yes: bool, reason: str,
                    by: str) -> None:
    store = open_store(ctx)
    where = location(ctx)
    path, table = curation_file(where), results_table_file(where)
    if path is None or table is None:
        raise click.ClickException("no curation file for a remote store: set MSKG_CURATION_FILE and MSKG_RESULTS_FILE")
    try:
        iri = resolve_paper(store, paper)
    except UnknownPaper as exc:
        raise click.BadParameter(str(exc), param_hint="PAPER") from exc
    suggestion = suggest_model(store, iri)
    click.echo("suggested:", err=True)
    for line in suggestion.lines():
        click.echo(f"  {line}", err=True)
    if not yes and sys.stdin.isatty():
        model = click.prompt("model name", default=model)
        category = click.prompt("class", default=category or suggestion.category or "")
        based_on = click.prompt("based on", default=based_on if based_on is not None else suggestion.based_on or "")
        code = click.prompt("code", default=code if code is not None else suggestion.code or "")
        results = tuple(i + 1 for i in range(len(suggestion.claims))
                        if (i + 1) in results or click.confirm(f"store claim {i + 1} as a result?", default=False))
    try:
        acceptance = model_acceptance(store, suggestion, name=model, category=category, based_on=based_on, code=code,
                                      framework=framework, confirmed=[n - 1 for n in results], by=by, reason=reason)
        record_model_acceptance(acceptance, path, table)
        apply_curation(store, path, table)
    except (DecisionRefused, CurationError, ResultsTableError) as exc:
        raise click.ClickException(str(exc)) from exc
    rows = acceptance.rows
    click.echo(f"accepted: {iri} as the model '{acceptance.accepted.name}'"
               + (f" ({len(rows)} result(s) confirmed into {table})" if rows else ""), err=True)
