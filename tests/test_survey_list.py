"""Parsing the survey's hand-edited paper list: every row parsed or reported with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import SurveyInputError
from ingest.survey_list import load_survey_list, parse_survey_list

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "survey-readme.md"


@pytest.fixture(scope="module")
def messy():
    return parse_survey_list(FIXTURES / "messy-survey-list.md")


def _row(messy, name):
    return next(r for r in messy.rows if r.name == name)


def _problems_at(messy, line):
    return [p for p in messy.problems if p.line == line]


def test_bundled_list_has_56_rows_4_sections_13_classes() -> None:
    survey = load_survey_list()
    assert len(survey.rows) == 56
    assert survey.sections == ["SAM-based models", "SAM 2-based models", "Other models trained only on images",
                               "Other models trained only on both images and text"]
    assert sum(len(v) for v in survey.categories.values()) == 13
    assert "Adapters for SAM" in survey.categories["SAM-based models"]
    # sections without a Classification column are classes themselves
    assert survey.categories["Other models trained only on images"] == ["Other models trained only on images"]


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="the upstream seed list is not beside the repository")
def test_bundled_rows_equal_a_fresh_parse_of_the_upstream_list() -> None:
    fresh = parse_survey_list(SHARED_SEED)
    assert fresh.rows == load_survey_list().rows


def test_evaluation_studies_have_no_name_but_a_class(messy) -> None:
    first = messy.rows[0]
    assert first.name is None and first.category == "Zero-shot of SAM" and first.arxiv_id == "2304.10517"
    assert first.code is None


def test_blank_line_inside_a_table_does_not_end_it(messy) -> None:
    medsam = _row(messy, "MedSAM")
    assert medsam.section == "SAM-based models" and medsam.code == "https://github.com/bowang-lab/MedSAM"


def test_spaces_inside_links_are_removed_and_reported(messy) -> None:
    row = _row(messy, "SMIT-like")
    assert row.link == "https://arxiv.org/abs/2205.10342" and row.arxiv_id == "2205.10342"
    assert row.code == "https://github.com/x/y"
    assert any("spaces" in p.reason for p in _problems_at(messy, row.line))


def test_an_empty_extra_cell_is_dropped_and_reported(messy) -> None:
    row = _row(messy, "TooMany")
    assert row.category == "Adapters for SAM" and row.code == "https://example.org/a"
    assert any("cells for 4 columns" in p.reason and p.action.startswith("repaired") for p in _problems_at(messy, row.line))


def test_a_missing_trailing_cell_reads_as_empty(messy) -> None:
    row = _row(messy, "TooFew")
    assert row.code is None and row.category == "Adapters for SAM"
    assert _problems_at(messy, row.line)


def test_unclosed_link_is_closed_and_reported(messy) -> None:
    row = _row(messy, "Unclosed")
    assert row.arxiv_id == "2401.00002" and row.title == "Unclosed link title"
    assert any("unclosed" in p.reason for p in _problems_at(messy, row.line))


def test_a_row_without_a_link_keeps_its_title_and_is_reported(messy) -> None:
    row = _row(messy, "NoLink")
    assert row.link is None and row.title == "A title without any link"
    assert any("no link in the Publication column" in str(p) for p in _problems_at(messy, row.line))


def test_empty_class_falls_back_to_the_section(messy) -> None:
    row = _row(messy, "NoClass")
    assert row.category == "SAM-based models"
    assert any("Classification" in p.reason for p in _problems_at(messy, row.line))


def test_unusable_rows_are_skipped_with_line_and_reason(messy) -> None:
    text = (FIXTURES / "messy-survey-list.md").read_text().splitlines()
    broken = text.index("| Broken") + 1
    stray = next(i for i, l in enumerate(text, 1) if l.startswith("| Stray"))
    missing_pipe = next(i for i, l in enumerate(text, 1) if l.startswith("MissingPipe"))
    for line in (broken, stray, missing_pipe):
        problems = _problems_at(messy, line)
        assert problems and all(p.action == "skipped" for p in problems), line
        assert str(problems[0]).startswith(f"row {line} of messy-survey-list.md: ")
    assert not any(r.name in {"Broken", "Stray", "MissingPipe"} for r in messy.rows)


def test_every_table_row_is_parsed_or_reported(messy) -> None:
    text = (FIXTURES / "messy-survey-list.md").read_text().splitlines()
    data_lines = {i for i, l in enumerate(text, 1)
                  if ("](" in l or l.startswith("|")) and "---|" not in l and not l.startswith("| Model")}
    accounted = {r.line for r in messy.rows} | {p.line for p in messy.problems}
    assert data_lines <= accounted


def test_new_sections_are_read_from_the_file(messy) -> None:
    assert messy.sections == ["SAM-based models", "A brand-new section of the list"]
    new = _row(messy, "NewThing")
    assert new.section == new.category == "A brand-new section of the list"


def test_missing_file_names_the_path_and_fix(tmp_path: Path) -> None:
    with pytest.raises(SurveyInputError, match="cannot read the survey list"):
        parse_survey_list(tmp_path / "nope.md")
    bad = tmp_path / "list.json"
    bad.write_text("{not json")
    with pytest.raises(SurveyInputError, match=r"list\.json: not a usable survey-list file.*bundle_data"):
        load_survey_list(bad)
