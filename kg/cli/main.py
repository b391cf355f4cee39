"""The ``kg`` click group. Every command takes ``--store DIR|URL`` (or ``$MSKG_STORE``) and
exits non-zero on failure with a message that names the input and the fix. The commands
live by family: :mod:`kg.cli.graph` (build, query, export, restore, validate, stats),
:mod:`kg.cli.live` (enrich, update), :mod:`kg.cli.review` (review, classify),
:mod:`kg.cli.server` (serve, bench)."""

from __future__ import annotations

import click

from kg.cli import graph, live, review, server
from kg.store import default_store_path


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store", type=str, default=None, metavar="DIR|URL",
              help=f"Store directory or http(s):// SPARQL endpoint (default: $MSKG_STORE or {default_store_path()}).")
@click.pass_context
def main(ctx: click.Context, store: str | None) -> None:
    """medseg-kg: a knowledge graph of generalist models for medical image segmentation."""
    ctx.ensure_object(dict)
    ctx.obj["store"] = store


for _family in (graph, live, review, server):
    for _command in _family.COMMANDS:
        main.add_command(_command)
