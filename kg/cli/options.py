"""Command-line options shared by the commands that reach live sources (enrich, update)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click


def http_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--record, --replay, --no-cache and --budget: one HTTP policy's knobs, spelt the same everywhere."""
    options = [
        click.option("--record", "record_dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Save every raw response here."),
        click.option("--replay", "replay_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                     help="Answer every request from responses saved with --record (no network)."),
        click.option("--no-cache", is_flag=True, help="Do not use the on-disk HTTP cache."),
        click.option("--budget", default=900.0, show_default=True,
                     help="Most seconds each source host may lose in this run to failures (retry waits and "
                          "timeouts alike; each request's timeout is clipped to what is left), so a failing "
                          "source costs at most this much wall time and never stops another."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
