"""The reviewer's commands: the review queue (`kg review list|accept|reject`) and the
offline classifier (`kg classify`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kg.cli.common import location, open_store
from kg.store import Store, StoreError, store_url
from kg.taxonomy import Category, bundled_categories, taxonomy_categories
from ingest.redact import redact_text, redact_url
from ingest.curation import CurationError, latest_decisions, read_decisions
from kg.paths import curation_file
from kg.tracker.decide import DecisionRefused, checked_decisions, record_decisions
from kg.tracker.review import UnknownPaper, apply_curation, queue, reclassify, rejection_streak, resolve_paper
from kg.tracker.suggest import default_decider


@click.group()
def review() -> None:
    """The review queue: list candidates, accept (optionally with another class) or reject them.

    Decisions are appended to the curation file ($MSKG_CURATION_FILE, else curation.toml
    beside the store) and re-applied by every `kg build` and `kg update`."""


@review.command("list")
@click.option("--status", type=click.Choice(["candidate", "maybe", "accepted", "rejected", "all"]), default="candidate",
              show_default=True,
              help="Which papers: the open queue (candidate; maybe stays in it), decided ones, or all.")
@click.option("--order", type=click.Choice(["uncertain", "screening"]), default="uncertain", show_default=True,
              help="uncertain: the least certain first (a few picks outside the model's favourites mixed in); "
                   "screening: the most likely in scope first.")
@click.option("--definitions", is_flag=True, help="Print each paper's class definition under its title.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of a table.")
@click.pass_context
def review_list(ctx: click.Context, status: str, order: str, definitions: bool, as_json: bool) -> None:
    """Papers in the review queue, with the top two classes and their probabilities."""
    store = open_store(ctx, read_only=True)
    path = curation_file(location(ctx))
    try:
        decisions = latest_decisions(path) if path is not None else {}
        streak = rejection_streak(read_decisions(path)) if path is not None else 0
    except CurationError as exc:
        raise click.ClickException(str(exc)) from exc
    items = queue(store, status, order=order, decisions=decisions)
    if as_json:
        for item in items:
            click.echo(json.dumps(item.to_dict(), ensure_ascii=False, default=str))
        return
    _print_queue(items, status, definitions)
    if streak:
        click.echo(f"{streak} paper(s) rejected in a row since the last accepted one", err=True)


def _print_queue(items: list[Any], status: str, definitions: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(items)} paper(s), status {status}")
    for col in ("paper", "title", "class", "runner-up", "conf.", "status", "flags"):
        table.add_column(col, overflow="fold")
    for i in items:
        short = i.arxiv or i.paper.rsplit("/id/", 1)[-1]
        top2 = list(getattr(i, "top2", None) or [])
        first = f"{top2[0][0]} ({top2[0][1]:.2f})" if top2 else (i.category or i.predicted or "")
        second = f"{top2[1][0]} ({top2[1][1]:.2f})" if len(top2) > 1 else ""
        flags = ", ".join(f for f, on in (("needs a class", getattr(i, "needs_class", False)),
                                          ("explore", getattr(i, "explored", False))) if on)
        title = i.title + (f"\n[dim]{getattr(i, 'definition', '') or ''}[/dim]" if definitions else "")
        reason = getattr(i, "reason", "") or ""
        confidence = f"{i.confidence:.2f}" if i.confidence is not None else ""
        table.add_row(short, title, i.category or first, second, confidence,
                      i.status + (f" ({reason})" if reason else ""), flags)
    Console().print(table)


def _decide(ctx: click.Context, papers: tuple[str, ...], status: str, category: str | None,
            **fields: str) -> None:
    """Record ``status`` for ``papers`` (with ``fields``: reason, by...) and apply it."""
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
    try:
        decisions = checked_decisions(store, papers, status, category, **fields)
        record_decisions(path, decisions)
        count = apply_curation(store, path) if writable else len(latest_decisions(path))
    except DecisionRefused as exc:
        if exc.param:
            raise click.BadParameter(str(exc), param_hint=exc.param) from exc
        raise click.ClickException(str(exc)) from exc
    except CurationError as exc:
        raise click.ClickException(str(exc)) from exc
    for decision in decisions:
        click.echo(f"{status}: {decision.paper}" + (f" as '{category}'" if category else ""), err=True)
    where = (f"applied to {redact_url(store.location)}" if writable
             else "to be applied by the next `kg build` or `kg update`")
    click.echo(f"{path}: {count} decision(s) in force, {where}", err=True)


_REASON = click.option("--reason", default="", help="Why (free text, kept with the decision).")
_BY = click.option("--by", default="", help="Who decides (default: git config user.name, else the login name).")


@review.command("accept")
@click.argument("papers", nargs=-1, required=True)
@click.option("--category", metavar="LABEL", help="The taxonomy class (skos:prefLabel) to file the paper under "
              "instead of the predicted one.")
@click.option("--model", "model", metavar="NAME", help="Accept the paper as introducing the model NAME (one paper): "
              "suggestions are shown first, and the model joins the Models page, the lineage and the list.")
@click.option("--based-on", default=None, metavar="MODEL", help="With --model: the model it adapts (e.g. 'SAM 2').")
@click.option("--code", default=None, metavar="URL", help="With --model: its code repository.")
@click.option("--framework", type=click.Choice(["generalist", "task-specific"]), default=None,
              help="With --model: generalist or task-specific.")
@click.option("--result", "results", type=int, multiple=True, metavar="N",
              help="With --model: confirm the N-th result claim of the suggestions (repeat); none is stored without.")
@click.option("-y", "--yes", is_flag=True, help="With --model: take the suggestions without asking.")
@_REASON
@_BY
@click.pass_context
def review_accept(ctx: click.Context, papers: tuple[str, ...], category: str | None, model: str | None,
                  based_on: str | None, code: str | None, framework: str | None, results: tuple[int, ...],
                  yes: bool, reason: str, by: str) -> None:
    """Accept PAPERS (IRIs, arXiv ids or DOIs) into the graph (with --model: as a model)."""
    by = by or default_decider()
    if model is None:
        _decide(ctx, papers, "accepted", category, reason=reason, by=by)
        return
    if len(papers) != 1:
        raise click.UsageError("--model names the model of one paper; accept one paper at a time")
    from kg.cli.accept import accept_as_model

    accept_as_model(ctx, papers[0], model=model, category=category, based_on=based_on, code=code,
                    framework=framework, results=results, yes=yes, reason=reason, by=by)


@review.command("reject")
@click.argument("papers", nargs=-1, required=True)
@_REASON
@_BY
@click.pass_context
def review_reject(ctx: click.Context, papers: tuple[str, ...], reason: str, by: str) -> None:
    """Reject PAPERS: they leave the queue and are never proposed again."""
    _decide(ctx, papers, "rejected", None, reason=reason, by=by or default_decider())


@review.command("maybe")
@click.argument("papers", nargs=-1, required=True)
@click.option("--category", metavar="LABEL", help="The class to keep it under meanwhile.")
@_REASON
@_BY
@click.pass_context
def review_maybe(ctx: click.Context, papers: tuple[str, ...], category: str | None, reason: str, by: str) -> None:
    """Keep PAPERS in the queue, undecided, with a reason (and a class) for the next look."""
    _decide(ctx, papers, "maybe", category, reason=reason, by=by or default_decider())


@review.command("classify")
@click.argument("paper")
@click.argument("label")
@_REASON
@_BY
@click.pass_context
def review_classify(ctx: click.Context, paper: str, label: str, reason: str, by: str) -> None:
    """Change PAPER's class to LABEL (an accepted paper stays accepted; any other becomes "maybe")."""
    store = open_store(ctx, read_only=True)
    path = curation_file(location(ctx))
    try:
        iri = resolve_paper(store, paper)
        current = latest_decisions(path) if path is not None else {}
        decision = reclassify(store, iri, label, current, reason=reason)
    except UnknownPaper as exc:
        raise click.BadParameter(str(exc), param_hint="PAPER") from exc
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="LABEL") from exc
    _decide(ctx, (iri,), decision.status, label, reason=reason, by=by or default_decider())


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
