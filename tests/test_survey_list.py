"""Parsing the survey's hand-edited paper list: every row parsed or reported with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import SurveyInputError
from ingest.survey_list import load_survey_list, parse_survey_list

FIXTURES = Path(__file__).parent / "fixtures"
# ../shared beside the repository (a work tree sits one level deeper: look up the parents)
SHARED_SEED = next((p / "shared" / "seed" / "survey-readme.md" for p in Path(__file__).resolve().parents
                    if (p / "shared" / "seed" / "survey-readme.md").exists()), Path("/nonexistent"))


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
    assert any("cells for 4 columns" in p.reason and p.action.startswith("repaired")
               for p in _problems_at(messy, row.line))


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
    stray = next(i for i, line in enumerate(text, 1) if line.startswith("| Stray"))
    missing_pipe = next(i for i, line in enumerate(text, 1) if line.startswith("MissingPipe"))
    for line in (broken, stray, missing_pipe):
        problems = _problems_at(messy, line)
        assert problems and all(p.action == "skipped" for p in problems), line
        assert str(problems[0]).startswith(f"row {line} of messy-survey-list.md: ")
    assert not any(r.name in {"Broken", "Stray", "MissingPipe"} for r in messy.rows)


def test_every_table_row_is_parsed_or_reported(messy) -> None:
    text = (FIXTURES / "messy-survey-list.md").read_text().splitlines()
    data_lines = {i for i, line in enumerate(text, 1)
                  if ("](" in line or line.startswith("|")) and "---|" not in line and not line.startswith("| Model")}
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


def _one_table(*rows: str) -> str:
    head = "## SAM-based models\n| Model | Publication | Classification | Code |\n|---|---|---|---|\n"
    return head + "\n".join(rows) + "\n"


@pytest.mark.parametrize("cell,title,link", [
    ("[Title]](https://arxiv.org/abs/2401.00011)", "Title", "https://arxiv.org/abs/2401.00011"),
    ("[[Title](https://arxiv.org/abs/2401.00011)", "Title", "https://arxiv.org/abs/2401.00011"),
    ("Title](https://arxiv.org/abs/2401.00011)", "Title", "https://arxiv.org/abs/2401.00011"),
    ("[Title]((https://arxiv.org/abs/2401.00011))", "Title", "https://arxiv.org/abs/2401.00011"),
    ("[Title](https://arxiv.org/abs/2401.00011))", "Title", "https://arxiv.org/abs/2401.00011"),
    ("[Title(https://arxiv.org/abs/2401.00011)", "Title", "https://arxiv.org/abs/2401.00011"),
    ("Title https://arxiv.org/abs/2401.00011))", "Title", "https://arxiv.org/abs/2401.00011"),
])
def test_unbalanced_brackets_are_repaired_and_reported(tmp_path: Path, cell: str, title: str, link: str) -> None:
    """Issue #14, item 10: before, titles like 'Title](' and URLs ending in '))' were stored silently."""
    survey = parse_survey_list(tmp_path / "l.md", text=_one_table(f"| M | {cell} | Adapters for SAM | --- |"))
    (row,) = survey.rows
    assert (row.title, row.link, row.arxiv_id) == (title, link, "2401.00011")
    assert [p for p in survey.problems if p.line == 4 and p.action.startswith("repaired") and "link" in p.reason]


@pytest.mark.parametrize("cell,rest", [
    ("[Title]javascript:alert(1))", "javascript:alert(1))"),
    ("[Title]h)ttps://arxiv.org/abs/2401.00011)", "h)ttps://arxiv.org/abs/2401.00011)"),
    ("[Title]//evil.example/x)", "//evil.example/x)"),
])
def test_a_title_followed_by_what_is_no_link_keeps_the_title_alone(tmp_path: Path, cell: str, rest: str) -> None:
    """The '(' of '](' lost: the link text is no http(s) URL. It was kept in the title, link
    syntax and all ('[Title]javascript:alert(1))'); now the title stands alone and the row says
    what was dropped."""
    survey = parse_survey_list(tmp_path / "l.md", text=_one_table(f"| M | {cell} | Adapters for SAM | --- |"))
    (row,) = survey.rows
    assert (row.title, row.link) == ("Title", None)
    assert [p for p in survey.problems if p.line == 4 and f"text '{rest}' after the title is no link" in p.reason]


def test_balanced_brackets_stay(tmp_path: Path) -> None:
    cell = "[A (b) title](https://en.wikipedia.org/wiki/A_(b))"
    survey = parse_survey_list(tmp_path / "l.md", text=_one_table(f"| M | {cell} | Adapters for SAM | --- |"))
    assert (survey.rows[0].title, survey.rows[0].link) == ("A (b) title", "https://en.wikipedia.org/wiki/A_(b)")
    assert not [p for p in survey.problems if "bracket" in p.reason]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:msgbox",
                                 "file:///etc/passwd", "http://", "ftp://example.org/x"])
def test_only_http_links_are_stored(tmp_path: Path, url: str) -> None:
    """Issue #14, item 12: a javascript: link never reaches the graph (nor the app's link columns)."""
    text = _one_table(f"| M | [T]({url}) | Adapters for SAM | [Code]({url}) |")
    survey = parse_survey_list(tmp_path / "l.md", text=text)
    assert survey.rows[0].link is None and survey.rows[0].code is None
    reasons = [p.reason for p in survey.problems]
    assert sum("is not an http(s) URL" in r for r in reasons) == 2


def test_a_json_list_keeps_only_http_links(tmp_path: Path) -> None:
    import json
    payload = json.loads(load_survey_list.__globals__["BUNDLED_SURVEY_LIST"].read_text())
    payload["rows"][0]["code"] = "javascript:alert(1)"
    path = tmp_path / "list.json"
    path.write_text(json.dumps(payload))
    survey = load_survey_list(path)
    assert survey.rows[0].code is None and any("not an http(s) URL" in p.reason for p in survey.problems)


def test_duplicate_rows_are_kept_once_and_reported_once_with_their_count(tmp_path: Path) -> None:
    row = "| M | [T](https://arxiv.org/abs/2401.00011) | Adapters for SAM | --- |"
    other = "| N | [U](https://arxiv.org/abs/2401.00012) | Adapters for SAM | --- |"
    survey = parse_survey_list(tmp_path / "l.md", text=_one_table(row, other, *[row] * 5000, other))
    assert [r.name for r in survey.rows] == ["M", "N"]
    dup = [p for p in survey.problems if "more time" in p.reason]
    assert len(dup) == 2
    assert dup[0].line == 4 and "comes 5000 more time(s)" in dup[0].reason
    assert dup[1].line == 5 and "comes 1 more time(s)" in dup[1].reason


def test_a_list_too_large_to_be_a_survey_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    row = "| M | [T](https://arxiv.org/abs/2401.00011) | Adapters for SAM | --- |\n"
    path.write_text(_one_table() + row * 40_000)
    with pytest.raises(SurveyInputError, match=r"huge\.md: 2\.\d MB is more than the survey list can be"):
        parse_survey_list(path)
    with pytest.raises(SurveyInputError, match="MB is more than a survey list can be"):
        parse_survey_list(tmp_path / "x.md", text=path.read_text())


@pytest.mark.parametrize("data,match", [
    (b"## S\n| Model | Publication |\n" + b"\x00" * 64, r"line 3 holds NUL bytes"),
    (b"## S\n\xff\xfe| Model |", r"line 2, column 1: byte 0xff is not UTF-8"),
])
def test_binary_and_non_utf8_lists_name_the_line(tmp_path: Path, data: bytes, match: str) -> None:
    path = tmp_path / "l.md"
    path.write_bytes(data)
    with pytest.raises(SurveyInputError, match=match):
        parse_survey_list(path)


def test_shrink_verdict() -> None:
    from ingest.survey_list import shrink_verdict
    assert "yields no rows" in shrink_verdict(0, 56, "the bundled list")
    assert "yields 27 rows, fewer than 50% of the 56 of the bundled list" in shrink_verdict(27, 56, "the bundled list")
    assert shrink_verdict(28, 56, "the bundled list") is None
    assert shrink_verdict(5, 0, "the graph") is None
