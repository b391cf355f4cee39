"""The survey database tables: counts, values as published, and bad input named precisely."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.errors import SurveyInputError
from ingest.survey_database import BUNDLED_DATABASE, load_survey_database


@pytest.fixture(scope="module")
def db():
    return load_survey_database()


def test_counts_equal_the_source_tables(db) -> None:
    assert (len(db.models), len(db.datasets), len(db.results)) == (82, 55, 1041)
    assert sum(r.kind == "primary" for r in db.results) == 332
    assert sum(r.kind == "best" for r in db.results) == 709
    assert sum(r.source_bibtex is not None for r in db.results) == 405
    # One repair, no skipped row: the Dice of 0.879 among percentages (issue #15).
    assert [str(p) for p in db.problems] == [
        "row 12 of results.csv: Dice 0.879 is on the 0..1 scale in a percent column; repaired (x100: 87.9)"]


def test_every_dice_equals_the_csv_text(db) -> None:
    with (BUNDLED_DATABASE / "results.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    as_percent = [Decimal(r["Dice"]) * 100 if Decimal(r["Dice"]) <= 1 else Decimal(r["Dice"]) for r in rows]
    assert as_percent == [r.dice for r in db.results]


def test_model_fields_are_typed(db) -> None:
    medsam2 = next(m for m in db.models if m.id == "MedSAM2")
    assert medsam2.first.arxiv_id == "2504.03600" and medsam2.backbone == "SAM 2"
    assert (medsam2.gpu_count, medsam2.gpu, medsam2.gpu_vendor) == (12, "H100 80GB", "Nvidia")
    assert medsam2.params_millions == Decimal("38.9") and medsam2.vram_gb == Decimal("960")
    knowsam = next(m for m in db.models if m.id == "KnowSAM")
    assert knowsam.last.doi == "10.1109/tmi.2025.3530097"
    # 'N, Vendor, GPU' order is read too
    assert any(m.gpu == "V100 32GB" and m.gpu_vendor == "Nvidia" for m in db.models)


def _copy_db(tmp_path: Path) -> Path:
    target = tmp_path / "db"
    shutil.copytree(BUNDLED_DATABASE, target)
    return target


def test_a_bad_dice_is_reported_with_file_row_and_fix(tmp_path: Path) -> None:
    target = _copy_db(tmp_path)
    path = target / "results.csv"
    text = path.read_text().replace(
        "SPA,SPA,2025-01-01 00:00:00,PROMISE12,primary,94.29,",
        "SPA,SPA,2025-01-01 00:00:00,PROMISE12,primary,94,29x,",
        1,
    )
    path.write_text(text)
    with pytest.raises(SurveyInputError, match=r"results\.csv, row starting on line 2: 8 cells for 7 columns"):
        load_survey_database(target)
    path.write_text(text.replace("94,29x", "129.5"))
    db = load_survey_database(target)
    assert len(db.results) == 1040
    assert (
        str(db.problems[0])
        == "row 2 of results.csv: Dice 129.5 is outside 0..100 (percent); fix the cell in results.csv; skipped"
    )


def test_a_missing_column_names_the_expected_header(tmp_path: Path) -> None:
    target = _copy_db(tmp_path)
    path = target / "models.csv"
    path.write_text(path.read_text().replace("Visual Backbone", "Backbone", 1))
    with pytest.raises(SurveyInputError, match=r"models\.csv: missing column\(s\) Visual Backbone"):
        load_survey_database(target)


def test_a_missing_table_is_named(tmp_path: Path) -> None:
    target = _copy_db(tmp_path)
    (target / "datasets.csv").unlink()
    with pytest.raises(SurveyInputError, match=r"datasets\.csv: cannot read"):
        load_survey_database(target)
