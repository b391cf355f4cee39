"""What every command shares: the consoles, the store named by ``--store``/``$MSKG_STORE``,
and plain values for JSON and CSV output."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from ingest.redact import redact_text
from kg.store import Store, StoreError, default_store_location

console = Console(stderr=True)  # progress, summaries, errors
out = Console()  # results


def location(ctx: click.Context) -> str | Path:
    """The store the command works on: ``--store`` as given, else the default."""
    return (ctx.find_root().obj or {}).get("store") or default_store_location()


def open_store(ctx: click.Context, read_only: bool = False) -> Store:
    """The store, or a ClickException whose message shows no credentials of a store URL."""
    try:
        return Store.open(location(ctx), read_only=read_only)
    except StoreError as exc:
        raise click.ClickException(redact_text(str(exc))) from exc


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value
