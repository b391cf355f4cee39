"""The ``kg`` click group. Every command takes ``--store DIR|URL`` (or ``$MSKG_STORE``) and
exits non-zero on failure with a message that names the input and the fix. The commands
live by family: :mod:`kg.cli.graph` (build, query, restore, stats), :mod:`kg.cli.exports` (export, validate),
:mod:`kg.cli.live` (enrich, update), :mod:`kg.cli.review` (review, classify), :mod:`kg.cli.taxonomy` (taxonomy),
:mod:`kg.cli.server` (serve, bench)."""

from __future__ import annotations

import click

from kg.cli.exports import COMMANDS as EXPORT_COMMANDS
from kg.cli.graph import COMMANDS as GRAPH_COMMANDS
from kg.cli.live import COMMANDS as LIVE_COMMANDS
from kg.cli.review import COMMANDS as REVIEW_COMMANDS
from kg.cli.server import COMMANDS as SERVER_COMMANDS
from kg.cli.taxonomy import COMMANDS as TAXONOMY_COMMANDS
from kg.store import default_store_path


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", "store", type=str, default=None, metavar="DIR|URL",
              help=f"Store directory or http(s):// SPARQL endpoint (default: $MSKG_STORE or {default_store_path()}).")
@click.pass_context
def main(ctx: click.Context, store: str | None) -> None:
    """medseg-kg: a knowledge graph of generalist models for medical image segmentation."""
    ctx.ensure_object(dict)
    ctx.obj["store"] = store


for _command in (*GRAPH_COMMANDS, *EXPORT_COMMANDS, *LIVE_COMMANDS, *REVIEW_COMMANDS, *TAXONOMY_COMMANDS,
                 *SERVER_COMMANDS):
    main.add_command(_command)
