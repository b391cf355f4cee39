"""The maintainer's results table: Dice scores of models the survey database does not hold
(accepted papers, later results), in the survey database's own results shape, so that a row
can move between the two files unchanged::

    ID,Related Paper,Date,Dataset,Kind,Dice,Source,By,Evidence
    MedSAM3,,2026-11-27,BTCV,primary,89.2,arXiv:2611.00001,A. Maintainer,"achieves ... 89.2% on BTCV"

- ``ID``: the model, by a name the graph knows (its label, another name, or the name it was
  accepted under); ``Related Paper``: the model whose paper reported the score (optional).
- ``Dataset``: a dataset the graph knows; ``Kind``: ``primary`` or ``best``; ``Dice``: percent.
- ``Source``: the paper the score was taken from, as a paper IRI, an arXiv id or a DOI; empty
  means the paper of ``Related Paper`` (else of ``ID``), as in the survey database.
- ``By`` and ``Evidence`` (optional columns): who confirmed the row, and the sentence it was read from.

Unlike the survey database, which the project takes as published and repairs, this table is
ours: every row is checked against the names passed in, and one bad row rejects the whole
file (:class:`ResultsTableError`, naming file, row and fix), so nothing is stored half-way.
This module knows no RDF: the graph's names come in as sets, the rows go out as records.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ingest.ids import arxiv_id_from_link, normalise_arxiv_id, normalise_doi, slugify

REQUIRED_COLUMNS = ["ID", "Related Paper", "Date", "Dataset", "Kind", "Dice", "Source"]  # the survey database's
OPTIONAL_COLUMNS = ["By", "Evidence"]
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


class ResultsTableError(ValueError):
    """The table cannot be used; ``problems`` holds one message per bad row (or the file's)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class TableResult:
    """One validated row. Names are spelled as the known-name sets spell them."""

    line: int  # the line the CSV record starts on
    model: str
    related_model: str | None
    date: date | None
    dataset: str
    kind: str  # 'primary' or 'best'
    dice: Decimal  # percent
    source: str | None  # the source paper's IRI; None: the paper of related_model, else of model
    by: str = ""
    evidence: str = ""


class _RowError(ValueError):
    pass


def _index(names: Iterable[str]) -> dict[str, str]:
    return {slugify(n): n for n in sorted(names, key=lambda n: (n != n.strip(), n))}


def _known(value: str, index: dict[str, str], what: str, fix: str) -> str:
    found = index.get(slugify(value)) if value.strip() else None
    if found is not None:
        return found
    close = difflib.get_close_matches(value.strip(), list(index.values()), n=3, cutoff=0.6)
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    raise _RowError(f"unknown {what} '{value.strip()}'{hint}; {fix}")


def _dice(text: str) -> Decimal:
    value = text.strip().removesuffix("%").strip()
    try:
        dice = Decimal(value)
    except InvalidOperation:
        raise _RowError(f"Dice '{text}' is not a number") from None
    if not dice.is_finite() or not Decimal(0) <= dice <= Decimal(100):
        raise _RowError(f"Dice '{text}' is outside 0..100 (the table takes percent)")
    if Decimal(0) < dice <= Decimal(1) and "." in value:
        raise _RowError(f"Dice '{text}' looks like a fraction; the table takes percent ({(dice * 100).normalize():f})")
    return dice


def _source(text: str, papers: Mapping[str, str]) -> str | None:
    text = text.strip()
    if not text:
        return None
    if text.startswith("@"):
        raise _RowError("Source holds a BibTeX entry; give the paper as an IRI, an arXiv id or a DOI")
    if text in papers:  # a paper IRI
        return papers[text]
    arxiv = normalise_arxiv_id(text) or arxiv_id_from_link(text)
    doi = None if arxiv else normalise_doi(text)
    if arxiv is None and doi is None:
        raise _RowError(f"Source '{text}' is neither a paper IRI of the graph, an arXiv id nor a DOI")
    key = f"arxiv:{arxiv}" if arxiv else f"doi:{doi}"
    if key not in papers:
        raise _RowError(f"Source '{text}' names no paper of the graph; accept or add the paper first")
    return papers[key]


def _date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise _RowError(f"Date '{text}' is not a date (YYYY-MM-DD)") from None


def _row(line: int, row: dict[str, str], models: dict[str, str], datasets: dict[str, str],
         papers: Mapping[str, str]) -> TableResult:
    fix_model = "accept its paper as a model first (kg review accept PAPER --model NAME) or fix the name"
    model = _known(row["ID"] or "", models, "model", fix_model)
    related = _known(row["Related Paper"], models, "model in Related Paper", fix_model) \
        if (row["Related Paper"] or "").strip() else None
    dataset = _known(row["Dataset"] or "", datasets, "dataset", "use a dataset name of the graph (kg query "
                     "most-evaluated-datasets lists them)")
    kind = (row["Kind"] or "").strip().lower()
    if kind not in ("primary", "best"):
        raise _RowError(f"Kind '{row['Kind']}' is neither 'primary' nor 'best'")
    return TableResult(line=line, model=model, related_model=related, date=_date(row["Date"] or ""),
                       dataset=dataset, kind=kind, dice=_dice(row["Dice"] or ""),
                       source=_source(row["Source"] or "", papers), by=(row.get("By") or "").strip(),
                       evidence=" ".join((row.get("Evidence") or "").split()))


def _records(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise ResultsTableError([f"{path}: cannot read ({exc.strerror})"]) from exc
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ResultsTableError([f"{path}: missing column(s) {', '.join(missing)}; the header must be "
                                     f"{','.join(REQUIRED_COLUMNS)} (optionally ,{','.join(OPTIONAL_COLUMNS)})"])
        out, start = [], reader.line_num + 1
        for record in reader:
            out.append((start, record))
            start = reader.line_num + 1
    return out


def read_results_table(path: str | Path, models: Iterable[str], datasets: Iterable[str],
                       papers: Mapping[str, str] | None = None) -> list[TableResult]:
    """Every row of the table at ``path``, validated against the graph's model and dataset
    names and its papers (``papers``: 'arxiv:ID', 'doi:DOI' and paper IRIs -> paper IRI).
    An absent file holds no rows; any bad row raises :class:`ResultsTableError` listing all."""
    path = Path(path)
    if not path.exists():
        return []
    model_index, dataset_index, papers = _index(models), _index(datasets), papers or {}
    rows, problems, seen = [], [], {}
    for number, (line, record) in enumerate(_records(path), start=1):
        where = f"{path}, row {number} (line {line})"
        if None in record:
            problems.append(f"{where}: more cells than columns; quote cells that contain commas")
            continue
        if not any((v or "").strip() for v in record.values()):
            continue  # a blank line
        try:
            r = _row(line, record, model_index, dataset_index, papers)
        except _RowError as exc:
            problems.append(f"{where}: {exc}")
            continue
        key = (r.model, r.dataset, r.kind, r.source or r.related_model or r.model)
        if key in seen:
            problems.append(f"{where}: repeats row {seen[key]} (same model, dataset, kind and source); delete one")
            continue
        seen[key] = number
        rows.append(r)
    if problems:
        raise ResultsTableError(problems)
    return rows


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return re.sub(r"\s+", " ", text).strip()


def append_results(path: str | Path, rows: list[dict[str, object]]) -> list[str]:
    """Append rows (dicts keyed by :data:`COLUMNS`) to the table, creating it with the full
    header if needed. Returns the optional columns dropped because an existing file's header
    lacks them (nothing else is ever dropped: a missing required column raises)."""
    path = Path(path)
    if path.exists() and path.stat().st_size:
        header = _records_header(path)
    else:
        header = list(COLUMNS)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as fh:
            csv.writer(fh).writerow(header)
    with path.open("a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for row in rows:
            writer.writerow([_csv_cell(row.get(c)) for c in header])
    return [c for c in OPTIONAL_COLUMNS if c not in header and any(row.get(c) for row in rows)]


def _records_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh), [])
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ResultsTableError([f"{path}: missing column(s) {', '.join(missing)}; cannot append"])
    if not path.read_bytes().endswith(b"\n"):
        with path.open("a", encoding="utf-8") as fh:
            fh.write("\n")
    return header

