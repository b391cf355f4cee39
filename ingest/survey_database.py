"""The survey's database: three CSV tables (models, datasets, results) extracted from the
survey web app's SQLite file, read into a :class:`SurveyDatabase`.

A missing file or column is fatal (:class:`SurveyInputError`, naming the fix); a bad
cell only costs its row, which becomes a :class:`Problem` naming file, line and cell.
Values stay as published: Dice scores are decimals read from the CSV text. One kind of cell
is repaired rather than skipped, and reported like a skipped one (``action='repaired ...'``):
a Dice of at most 1 in the percent column is a fraction, multiplied by 100.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ingest.errors import SurveyInputError
from ingest.ids import arxiv_id_from_link, doi_from_link
from ingest.records import (
    DbDataset,
    DbModel,
    DbResult,
    Problem,
    Publication,
    SurveyDatabase,
)

BUNDLED_DATABASE = Path(__file__).resolve().parent / "data" / "gmmis"

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


def _percent_dice(dice: Decimal, line: int, repairs: list[Problem]) -> Decimal:
    """A Dice in the 0..1 scale among percentages (0.879 where the others read 18.8-97.27):
    the same score as a percentage. 0 stays 0: it reads the same on both scales."""
    if Decimal(0) < dice <= Decimal(1):
        percent = (dice * 100).normalize()
        repairs.append(Problem("results.csv", line, f"Dice {dice} is on the 0..1 scale in a percent column",
                               f"repaired (x100: {format(percent, 'f')})"))
        return percent
    return dice


def _result(line: int, row: dict[str, str], repairs: list[Problem]) -> DbResult:
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
    dice = _percent_dice(dice, line, repairs)
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
    results = parse("results.csv", RESULT_COLUMNS, lambda line, row: _result(line, row, problems))
    seen: dict[str, int] = {}
    for model in models:
        if model.id in seen:
            problems.append(Problem("models.csv", model.line,
                                    f"ID '{model.id}' repeats row {seen[model.id]}; the later row is kept"))
        seen[model.id] = model.line
    return SurveyDatabase(models=models, datasets=datasets, results=results, problems=problems, source=str(directory))
