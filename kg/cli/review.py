"""The reviewer's commands: the review queue (`kg review list|accept|reject`) and the
offline classifier (`kg classify`)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from kg.cli.common import location, open_store
from kg.store import Store, StoreError, store_url
from kg.taxonomy import Category, bundled_categories, taxonomy_categories
from ingest.redact import redact_text, redact_url
from ingest.curation import CurationError, Decision, append_decision, format_decision, latest_decisions
from kg.paths import curation_file
from kg.queries import internal
from kg.tracker.review import UnknownPaper, apply_curation, queue, resolve_paper


@click.group()
def review() -> None:
    """The review queue: list candidates, accept (optionally with another class) or reject them.

    Decisions are appended to the curation file ($MSKG_CURATION_FILE, else curation.toml
    beside the store) and re-applied by every `kg build` and `kg update`."""


@review.command("list")
@click.option("--status", type=click.Choice(["candidate", "accepted", "rejected", "all"]), default="candidate",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of a table.")
@click.pass_context
def review_list(ctx: click.Context, status: str, as_json: bool) -> None:
    """Papers in the review queue (best confidence first)."""
    store = open_store(ctx, read_only=True)
    items = queue(store, status)
    if as_json:
        for item in items:
            click.echo(json.dumps(item.to_dict(), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(items)} paper(s), status {status}")
    for col in ("paper", "title", "class", "conf.", "status"):
        table.add_column(col, overflow="fold")
    for i in items:
        short = i.arxiv or i.paper.rsplit("/id/", 1)[-1]
        confidence = f"{i.confidence:.2f}" if i.confidence is not None else ""
        table.add_row(short, i.title, i.category or i.predicted or "", confidence, i.status)
    Console().print(table)


def _decide(ctx: click.Context, papers: tuple[str, ...], status: str, category: str | None) -> None:
    writable = True
    try:
        store = Store.open(location(ctx))
    except StoreError as exc:  # e.g. a running `kg serve` holds the store: record now, apply on the next run
        writable = False
        click.echo(f"note: {redact_text(str(exc))}", err=True)
        store = open_store(ctx, read_only=True)
    path = curation_file(location(ctx))
    if path is None:
        raise click.ClickException("no curation file for a remote store: set MSKG_CURATION_FILE")
    if category:
        labels = {c.label for c in taxonomy_categories(store)}
        if category not in labels:
            raise click.BadParameter(f"'{category}' is not a class of the taxonomy; one of: "
                                     f"{', '.join(sorted(labels))}", param_hint="--category")
    try:
        iris = [resolve_paper(store, p) for p in papers]
    except UnknownPaper as exc:
        raise click.BadParameter(str(exc), param_hint="PAPER") from exc
    unknown = sorted(set(iris) - _papers_in_graph(store, iris))
    if unknown:  # a decision on a paper the graph lacks would make every later build fail validation
        raise click.BadParameter(f"no paper {', '.join(unknown)} in the graph (see `kg review list`); nothing written",
                                 param_hint="PAPER")
    decisions = [Decision(iri, status, category or "", date.today()) for iri in iris]
    try:
        for decision in decisions:
            format_decision(decision)  # every decision is checked before the first is written
        for decision in decisions:
            append_decision(path, decision)
        count = apply_curation(store, path) if writable else len(latest_decisions(path))
    except CurationError as exc:
        raise click.ClickException(str(exc)) from exc
    for iri in iris:
        click.echo(f"{status}: {iri}" + (f" as '{category}'" if category else ""), err=True)
    where = (f"applied to {redact_url(store.location)}" if writable
             else "to be applied by the next `kg build` or `kg update`")
    click.echo(f"{path}: {count} decision(s) in force, {where}", err=True)


def _papers_in_graph(store: Store, iris: list[str]) -> set[str]:
    """The papers of ``iris`` the graph describes (has a title for: what the shapes ask of a paper)."""
    return {row["p"] for row in store.select(internal("titles-of-papers", papers=iris)).rows}


@review.command("accept")
@click.argument("papers", nargs=-1, required=True)
@click.option("--category", metavar="LABEL", help="The taxonomy class (skos:prefLabel) to file the paper under "
              "instead of the predicted one.")
@click.pass_context
def review_accept(ctx: click.Context, papers: tuple[str, ...], category: str | None) -> None:
    """Accept PAPERS (IRIs, arXiv ids or DOIs) into the graph."""
    _decide(ctx, papers, "accepted", category)


@review.command("reject")
@click.argument("papers", nargs=-1, required=True)
@click.pass_context
def review_reject(ctx: click.Context, papers: tuple[str, ...]) -> None:
    """Reject PAPERS: they leave the queue and are never proposed again."""
    _decide(ctx, papers, "rejected", None)


@click.command("classify")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write (default stdout).")
@click.pass_context
def classify(ctx: click.Context, source: Any, output: Any) -> None:
    """Classify papers: JSON Lines {"title", "abstract"} from SOURCE (a file, or - for stdin)
    to JSON Lines {"title", "relevant", "category", "confidence", "evidence"}.

    The classes are the graph's SKOS taxonomy; with no store yet, the bundled survey list's."""
    from kg.tracker.classify import PaperClassifier, classify_jsonl, load_training_examples

    categories: list[Category] = []
    where = location(ctx)
    if store_url(where) is not None or Path(where).exists():
        try:
            categories = taxonomy_categories(Store.open(where, read_only=True))
        except StoreError:
            categories = []
    if not categories:
        categories = bundled_categories()
    classifier = PaperClassifier(categories, load_training_examples())
    failed = done = 0
    for line in classify_jsonl(source, classifier):
        bad = line.startswith('{"line"')
        failed, done = failed + bad, done + (not bad)
        output.write(line + "\n")
    output.flush()
    if failed:
        click.echo(f"{failed} input line(s) could not be read; see their 'error' lines", err=True)
        if not done:
            sys.exit(1)


COMMANDS = [review, classify]
