"""The survey's own sources: its paper list (a hand-edited Markdown README) and its
database (three CSV tables extracted from the survey web app's SQLite file).

The list is messy on purpose-free grounds: people edit it by hand. So every table row
ends up either as a :class:`SurveyListRow` or as a :class:`Problem` naming its line and
the reason; nothing is dropped silently. Section and class names are read from the
file, so a later version with new sections parses without code changes.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ingest.ids import arxiv_id_from_link, doi_from_link
from ingest.records import (
    DbDataset,
    DbModel,
    DbResult,
    Problem,
    Publication,
    SurveyDatabase,
    SurveyList,
    SurveyListRow,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_SURVEY_LIST = DATA_DIR / "survey-list.json"
BUNDLED_DATABASE = DATA_DIR / "gmmis"


class SurveyInputError(ValueError):
    """A survey file that cannot be used at all (missing, wrong columns, not the expected format)."""


# ---------------------------------------------------------------------------------------
# The paper list (Markdown)
# ---------------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")
_EMPTY_NAMES = {"", "-", "--", "---", "n/a", "none"}
_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\(\s*(?P<url>[^)\s]*(?:\s+[^)\s]+)*)\s*(?P<close>\))?")


@dataclass
class _Table:
    section: str
    columns: dict[str, int]  # 'model', 'publication', 'classification', 'code' -> cell index
    width: int


def _split_cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in body.split("|")]


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    names = [c.lower() for c in cells]
    columns = {}
    for key in ("model", "publication", "classification", "code"):
        if key in names:
            columns[key] = names.index(key)
    return columns if {"model", "publication"} <= columns.keys() else None


def _parse_link(cell: str) -> tuple[str, str | None, list[str]]:
    """(text, url, repairs) of the first Markdown link in a cell; a bare URL counts too."""
    repairs: list[str] = []
    m = _LINK.search(cell)
    if m:
        url = m.group("url")
        if re.search(r"\s", url):
            repairs.append("removed spaces inside the link")
            url = re.sub(r"\s+", "", url)
        if not m.group("close"):
            repairs.append("closed an unclosed link")
        return m.group("text").strip(), url or None, repairs
    if cell.startswith("[") and "](" not in cell and "]" not in cell:
        return cell.lstrip("[").strip(), None, ["unclosed '[' with no link"]
    bare = re.search(r"https?://\S+", cell)
    if bare:
        return cell.replace(bare.group(0), "").strip(), bare.group(0), []
    return cell.strip(), None, []


def parse_survey_list(path: Path | str, text: str | None = None) -> SurveyList:
    """Parse the survey README. ``text`` overrides reading ``path`` (which then only names the source)."""
    path = Path(path)
    source = path.name
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SurveyInputError(f"{path}: cannot read the survey list ({exc.strerror}); check the path") from exc

    rows: list[SurveyListRow] = []
    problems: list[Problem] = []
    sections: list[str] = []
    categories: dict[str, list[str]] = {}
    section: str | None = None
    table: _Table | None = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading:
            section = heading.group(2).strip() if len(heading.group(1)) >= 2 else None
            table = None
            continue
        if not line:
            continue  # blank lines inside a table do not end it: the next '|' line continues it
        if not line.startswith("|"):
            if table is not None and "](" in line:
                problems.append(Problem(source, number, "a table row without a leading '|'"))
            continue
        cells = _split_cells(line)
        if table is None:
            columns = _header_columns(cells)
            if columns is None:
                continue  # a table that is not a paper table (none so far), or no section
            if section is None:
                problems.append(Problem(source, number, "a paper table outside any '## ' section"))
                continue
            table = _Table(section, columns, len(cells))
            if section not in categories:
                sections.append(section)
                categories[section] = []
            continue
        if all(_SEPARATOR_CELL.match(c) for c in cells if c) and len([c for c in cells if c]) >= 2:
            continue  # the |---|---| line under the header
        row, row_problems = _parse_row(table, cells, number, source)
        problems.extend(row_problems)
        if row is not None:
            rows.append(row)
            if row.category not in categories[row.section]:
                categories[row.section].append(row.category)
    return SurveyList(rows=rows, sections=sections, categories=categories, problems=problems, source=source)


def _parse_row(table: _Table, cells: list[str], number: int, source: str) -> tuple[SurveyListRow | None, list[Problem]]:
    problems: list[Problem] = []
    if len(cells) > table.width:
        # Hand edits leave stray '|' behind; empty cells carry nothing, so drop the surplus ones.
        surplus = len(cells) - table.width
        trimmed = list(cells)
        for i in range(len(trimmed) - 1, 0, -1):
            if surplus and not trimmed[i]:
                del trimmed[i]
                surplus -= 1
        if surplus:
            return None, [Problem(source, number, f"{len(cells)} cells for {table.width} columns, and the extra ones are not empty")]
        problems.append(Problem(source, number, f"{len(cells)} cells for {table.width} columns", "repaired (dropped the empty extra cells)"))
        cells = trimmed
    if len(cells) < table.width:
        missing = table.width - len(cells)
        needed = max(table.columns["model"], table.columns["publication"])
        if len(cells) <= needed:
            return None, [Problem(source, number, f"{len(cells)} cells for {table.width} columns; the Publication cell is missing")]
        problems.append(Problem(source, number, f"{missing} cell(s) missing at the end of the row", "repaired (read as empty)"))
        cells = cells + [""] * missing

    name_cell = cells[table.columns["model"]]
    name = None if name_cell.lower() in _EMPTY_NAMES else name_cell
    title, link, repairs = _parse_link(cells[table.columns["publication"]])
    if not title:
        return None, problems + [Problem(source, number, "no title in the Publication column")]
    if link is None:
        problems.append(Problem(source, number, "no link in the Publication column", "repaired (kept the title only)"))
    for repair in repairs:
        problems.append(Problem(source, number, f"Publication link: {repair}", "repaired"))

    if "classification" in table.columns:
        category = cells[table.columns["classification"]]
        if not category or category.lower() in _EMPTY_NAMES:
            problems.append(Problem(source, number, "empty Classification cell", f"repaired (placed under its section '{table.section}')"))
            category = table.section
    else:
        category = table.section  # sections without a Classification column are classes themselves

    code = None
    if "code" in table.columns:
        code_cell = cells[table.columns["code"]]
        if code_cell and code_cell.lower() not in _EMPTY_NAMES:
            _, code, code_repairs = _parse_link(code_cell)
            for repair in code_repairs:
                problems.append(Problem(source, number, f"Code link: {repair}", "repaired"))
            if code is None:
                problems.append(Problem(source, number, f"Code cell '{code_cell}' holds no link", "repaired (no code link)"))

    row = SurveyListRow(
        line=number,
        section=table.section,
        category=category,
        name=name,
        title=title,
        link=link,
        code=code,
        arxiv_id=arxiv_id_from_link(link),
        doi=doi_from_link(link),
    )
    return row, problems


def load_survey_list(path: Path | None = None) -> SurveyList:
    """The list as bundled (parsed facts in JSON), or a Markdown list when ``path`` ends in .md."""
    path = Path(path) if path else BUNDLED_SURVEY_LIST
    if path.suffix.lower() in {".md", ".markdown"}:
        return parse_survey_list(path)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        rows = [SurveyListRow(**row) for row in payload["rows"]]
        problems = [Problem(**p) for p in payload.get("problems", [])]
        return SurveyList(rows=rows, sections=payload["sections"], categories=payload["categories"],
                          problems=problems, source=payload.get("source", path.name))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SurveyInputError(
            f"{path}: not a usable survey-list file ({exc}); regenerate it with scripts/bundle_data.py "
            "or pass the survey README (.md) instead"
        ) from exc


# ---------------------------------------------------------------------------------------
# The survey database (CSV tables)
# ---------------------------------------------------------------------------------------

MODEL_COLUMNS = [
    "ID", "Title", "Major Affiliations", "First Publication Date", "First Publisher", "First Publication Link",
    "First Publication BibKey", "Last Publication Date", "Last Publisher", "Last Publication Link",
    "Last Publication BibKey", "Code", "Framework", "Architecture", "Visual Backbone", "Millions of Parameters",
    "Number of GFlops", "Resources", "Resources Total V-RAM",
]
DATASET_COLUMNS = [
    "Name", "Full Name", "Sub-dataset", "Imaging Modality", "Objects", "Main Anatomical Structure", "Region",
    "Links URL", "Links Text", "Cit Keys", "N Tot", "N with Labels",
]
RESULT_COLUMNS = ["ID", "Related Paper", "Date", "Dataset", "Kind", "Dice", "Source"]
GPU_VENDORS = {"nvidia": "Nvidia", "amd": "AMD", "google": "Google", "intel": "Intel", "apple": "Apple"}


class _RowError(ValueError):
    pass


def _read_table(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Rows with the line each starts on; a missing file or column is fatal, with the fix named."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise SurveyInputError(f"{path}: cannot read ({exc.strerror}); the survey database needs {path.name}") from exc
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in columns if c not in header]
        if missing:
            raise SurveyInputError(
                f"{path}: missing column(s) {', '.join(missing)}; the header must hold {', '.join(columns)}"
            )
        rows = []
        start = reader.line_num + 1
        for record in reader:
            if None in record:  # more cells than header columns
                raise SurveyInputError(
                    f"{path}, row starting on line {start}: {len(header) + len(record[None])} cells for "
                    f"{len(header)} columns; quote cells that contain commas"
                )
            rows.append((start, record))
            start = reader.line_num + 1
    return rows


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _date(value: str | None, column: str) -> date | None:
    value = _text(value)
    if value is None:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise _RowError(f"{column} '{value}' is not a date (YYYY-MM-DD)")


def _decimal(value: str | None, column: str) -> Decimal | None:
    value = _text(value)
    if value is None:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise _RowError(f"{column} '{value}' is not a number") from None
    if not number.is_finite():
        raise _RowError(f"{column} '{value}' is not a finite number")
    return number


def _int(value: str | None, column: str) -> int | None:
    number = _decimal(value, column)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise _RowError(f"{column} '{value}' is not a whole number")
    return int(number)


def _publication(row: dict[str, str], prefix: str) -> Publication | None:
    link = _text(row[f"{prefix} Publication Link"])
    when = _date(row[f"{prefix} Publication Date"], f"{prefix} Publication Date")
    publisher = _text(row[f"{prefix} Publisher"])
    if not (link or when or publisher):
        return None
    return Publication(
        date=when,
        publisher=publisher,
        link=link,
        bibkey=_text(row[f"{prefix} Publication BibKey"]),
        arxiv_id=arxiv_id_from_link(link),
        doi=doi_from_link(link),
    )


def _resources(value: str | None) -> tuple[int | None, str | None, str | None]:
    """'12, H100 80GB, Nvidia' (or 'N, Vendor, GPU') -> (12, 'H100 80GB', 'Nvidia')."""
    parts = _list(value)
    if not parts:
        return None, None, None
    count = int(parts[0]) if parts[0].isdigit() else None
    rest = parts[1:] if count is not None else parts
    vendor = next((GPU_VENDORS[p.lower()] for p in rest if p.lower() in GPU_VENDORS), None)
    gpu = ", ".join(p for p in rest if p.lower() not in GPU_VENDORS) or None
    return count, gpu, vendor


def _model(line: int, row: dict[str, str]) -> DbModel:
    model_id = _text(row["ID"])
    if not model_id:
        raise _RowError("empty ID")
    first = _publication(row, "First")
    if first is None:
        raise _RowError("no first publication (date, publisher or link)")
    count, gpu, vendor = _resources(row["Resources"])
    return DbModel(
        line=line,
        id=model_id,
        title=_text(row["Title"]) or model_id,
        affiliations=_list(row["Major Affiliations"]),
        first=first,
        last=_publication(row, "Last"),
        code=_text(row["Code"]),
        framework=(_text(row["Framework"]) or ""),
        architecture=_list(row["Architecture"]),
        backbone=_text(row["Visual Backbone"]),
        params_millions=_decimal(row["Millions of Parameters"], "Millions of Parameters"),
        gflops=_decimal(row["Number of GFlops"], "Number of GFlops"),
        gpu_count=count,
        gpu=gpu,
        gpu_vendor=vendor,
        vram_gb=_decimal(row["Resources Total V-RAM"], "Resources Total V-RAM"),
    )


def _dataset(line: int, row: dict[str, str]) -> DbDataset:
    name = _text(row["Name"])
    if not name:
        raise _RowError("empty Name")
    urls, texts = _list(row["Links URL"]), _list(row["Links Text"])
    if len(texts) < len(urls):
        texts += ["Link"] * (len(urls) - len(texts))
    return DbDataset(
        line=line,
        name=name,
        full_name=_text(row["Full Name"]) or name,
        sub_datasets=_list(row["Sub-dataset"]),
        modality=_text(row["Imaging Modality"]),
        objects=_list(row["Objects"]),
        anatomy=_list(row["Main Anatomical Structure"]),
        regions=_list(row["Region"]),
        links=list(zip(urls, texts)),
        cit_keys=_list(row["Cit Keys"]),
        n_total=_int(row["N Tot"], "N Tot"),
        n_labelled=_int(row["N with Labels"], "N with Labels"),
    )


def _result(line: int, row: dict[str, str]) -> DbResult:
    model_id = row["ID"] or ""
    dataset = _text(row["Dataset"])
    if not model_id.strip():
        raise _RowError("empty ID")
    if not dataset:
        raise _RowError("empty Dataset")
    kind = (_text(row["Kind"]) or "").lower()
    if kind not in {"primary", "best"}:
        raise _RowError(f"Kind '{row['Kind']}' is neither 'primary' nor 'best'")
    dice = _decimal(row["Dice"], "Dice")
    if dice is None:
        raise _RowError("empty Dice")
    if not Decimal(0) <= dice <= Decimal(100):
        raise _RowError(f"Dice {dice} is outside 0..100 (percent)")
    return DbResult(
        line=line,
        model_id=model_id,
        related_paper=row["Related Paper"] or "",
        date=_date(row["Date"], "Date"),
        dataset=dataset,
        kind=kind,
        dice=dice,
        source_bibtex=_text(row["Source"]),
    )


def load_survey_database(directory: Path | None = None) -> SurveyDatabase:
    """Read models.csv, datasets.csv and results.csv. Bad rows become problems naming file, line and fix."""
    directory = Path(directory) if directory else BUNDLED_DATABASE
    problems: list[Problem] = []

    def parse(name: str, columns: list[str], make):  # type: ignore[no-untyped-def]
        items = []
        for line, row in _read_table(directory / name, columns):
            try:
                items.append(make(line, row))
            except _RowError as exc:
                problems.append(Problem(name, line, f"{exc}; fix the cell in {name}"))
        return items

    models = parse("models.csv", MODEL_COLUMNS, _model)
    datasets = parse("datasets.csv", DATASET_COLUMNS, _dataset)
    results = parse("results.csv", RESULT_COLUMNS, _result)
    seen: dict[str, int] = {}
    for model in models:
        if model.id in seen:
            problems.append(Problem("models.csv", model.line, f"ID '{model.id}' repeats row {seen[model.id]}; the later row is kept"))
        seen[model.id] = model.line
    return SurveyDatabase(models=models, datasets=datasets, results=results, problems=problems, source=str(directory))

