"""The bundled arXiv snapshot: the offline default for paper metadata.

A fresh machine, a CI runner, or a run while arXiv is down still needs titles,
authors and dates for the survey's papers; the snapshot (transcribed offline,
CC0) ships inside the package at ``ingest/data/arxiv-snapshot.json`` so
``kg build`` works with no network. Records carry ``source='arxiv-snapshot'`` so
that live data can be told apart and preferred when it exists.

The survey-list fields (``seed_*``, ``row_kind``) travel in ``extra`` so the
graph can link each paper back to the row of the survey that named it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from ingest.errors import SnapshotError
from ingest.ids import normalise_arxiv_id, normalise_doi
from ingest.records import Author, PaperRecord

SNAPSHOT_PATH = Path(__file__).parent / "data" / "arxiv-snapshot.json"
SOURCE = "arxiv-snapshot"
EXTRA_FIELDS = ("seed_name", "seed_title", "seed_link", "seed_class", "seed_section", "seed_db_id", "row_kind")


def load_arxiv_snapshot(path: Path | None = None) -> list[PaperRecord]:
    """Every paper of the snapshot, in file order."""
    path = Path(path) if path is not None else SNAPSHOT_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SnapshotError(
            f"{path}: snapshot file not found; reinstall the package (it ships "
            "ingest/data/arxiv-snapshot.json) or pass the right path"
        ) from None
    try:
        rows = json.loads(text)
    except json.JSONDecodeError as err:
        raise SnapshotError(
            f"{path}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}); "
            "restore the file from the repository (git checkout -- ingest/data/arxiv-snapshot.json) "
            "or fix the JSON by hand"
        ) from None
    if not isinstance(rows, list):
        raise SnapshotError(
            f"{path}: expected a JSON list of paper objects, found a {type(rows).__name__}; "
            "restore the file from the repository"
        )
    records = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise SnapshotError(
                f"{path}: item {index} is a {type(row).__name__}, not an object with arxiv_id, "
                "title, ...; fix or remove that item"
            )
        records.append(_record(row, path, index))
    return records


def _record(row: dict[str, Any], path: Path, index: int) -> PaperRecord:
    arxiv_id = normalise_arxiv_id(row.get("arxiv_id"))
    published = _date(row.get("published"), path, index)
    # A truncated abstract would read as the paper's abstract; better none at all.
    abstract = None if row.get("abstract_truncated") else _text(row.get("abstract"))
    return PaperRecord(
        source=SOURCE,
        title=_text(row.get("title")) or _text(row.get("seed_title")),
        arxiv_id=arxiv_id,
        doi=normalise_doi(row.get("doi")),
        authors=[Author(name=" ".join(n.split())) for n in row.get("authors") or [] if n and n.strip()],
        abstract=abstract,
        published=published,
        year=published.year if published else None,
        primary_category=_text(row.get("primary_category")),
        categories=list(row.get("categories") or []),
        journal_ref=_text(row.get("journal_ref")),
        venue=_text(row.get("venue")),
        comment=_text(row.get("comments")),
        url=f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None,
        extra={k: str(row[k]).strip() for k in EXTRA_FIELDS if row.get(k) and str(row[k]).strip()},
    )


def _date(value: Any, path: Path, index: int) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SnapshotError(
            f"{path}: item {index} has published={value!r}; write it as YYYY-MM-DD or null"
        ) from None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
