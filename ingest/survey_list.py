"""The survey's paper list: a hand-edited Markdown README, parsed into a :class:`SurveyList`.

People edit the list by hand, so it is messy. Every table row ends up either as a
:class:`SurveyListRow` or as a :class:`Problem` naming its line and the reason; nothing
is dropped silently. Section and class names are read from the file, so a later version
with new sections parses without code changes.

The package ships the list already parsed (``data/survey-list.json``, made by
``scripts/bundle_data.py``), so a fresh machine needs neither the README nor the network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import SurveyInputError
from ingest.ids import arxiv_id_from_link, doi_from_link
from ingest.records import Problem, SurveyList, SurveyListRow

BUNDLED_SURVEY_LIST = Path(__file__).resolve().parent / "data" / "survey-list.json"

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
    body = line.strip().removeprefix("|").removesuffix("|")
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
