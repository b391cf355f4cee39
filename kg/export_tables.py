"""The graph as tables an analyst can load with pandas or Python's csv: models.csv,
datasets.csv, results.csv, papers.csv and citations.csv, one row per entity or fact, with
readable columns beside the IRIs that join them (results.model is a models.model IRI).

A result two models reported together (one row of the database names both) gives one
results.csv row per model, with the same result IRI: a join on models counts it for each.
Multi-valued cells (a model's classes, a dataset's modalities) are joined with " | "."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path

from kg.queries import internal
from kg.store import Store

TABLES = ("models", "datasets", "results", "papers", "citations")
SEPARATOR = " | "


def table_rows(store: Store, table: str) -> tuple[list[str], list[dict[str, object]]]:
    """The columns and rows of one table, from kg/queries/internal/table-<table>.rq."""
    if table not in TABLES:
        raise ValueError(f"unknown table '{table}'; choose one of {', '.join(TABLES)}")
    result = store.select(internal(f"table-{table}"))
    return list(result.variables), result.rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def table_csv(store: Store, table: str) -> str:
    names, rows = table_rows(store, table)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_cell(row.get(n)) for n in names])
    return buffer.getvalue()


def write_tables(store: Store, out: Path) -> list[Path]:
    """The tables into directory ``out``, or into the zip archive ``out`` if it ends in .zip.
    citations.csv is written only when the graph knows citations. Returns what it wrote."""
    texts = {t: table_csv(store, t) for t in TABLES}
    if texts["citations"].count("\n") <= 1:
        del texts["citations"]
    if out.suffix.lower() == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for table, text in texts.items():
                archive.writestr(f"{table}.csv", text)
        return [out]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table, text in texts.items():
        path = out / f"{table}.csv"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
