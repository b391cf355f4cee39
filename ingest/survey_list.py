"""The survey's paper list: a hand-edited Markdown README, parsed into a :class:`SurveyList`.

People edit the list by hand, so it is messy. Every table row ends up either as a
:class:`SurveyListRow` or as a :class:`Problem` naming its line and the reason; nothing
is dropped silently. Section and class names are read from the file, so a later version
with new sections parses without code changes.

Links: only http(s) URLs are kept (a ``javascript:`` or ``data:`` link is dropped with a
Problem, so it can never reach a link in the app); unbalanced brackets around a title or a
URL (``[Title]](url)``, ``url))``) are repaired and reported. A row repeated verbatim is
kept once and reported once, with its count.

Inputs that would erase data are refused rather than parsed into nothing: a file over
:data:`MAX_LIST_BYTES`, a binary file (NUL bytes), text that is not UTF-8 (the message names
the line), and -- by :func:`shrink_verdict`, which ``kg build`` asks before it opens the
store -- a list that yields no rows, or fewer than :data:`SHRINK_THRESHOLD` of the rows of
the list it would replace.

The package ships the list already parsed (``data/survey-list.json``, made by
``scripts/bundle_data.py``), so a fresh machine needs neither the README nor the network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from ingest.errors import SurveyInputError
from ingest.ids import arxiv_id_from_link, doi_from_link
from ingest.records import Problem, SurveyList, SurveyListRow
from ingest.text_input import read_text_input

BUNDLED_SURVEY_LIST = Path(__file__).resolve().parent / "data" / "survey-list.json"

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SEPARATOR_CELL = re.compile(r"^:?-{3,}:?$")
_EMPTY_NAMES = {"", "-", "--", "---", "n/a", "none"}
_LINK_OPEN = re.compile(r"\]\s*\(")  # the '](' between a link's text and its URL
_TITLE_THEN_TEXT = re.compile(r"\[([^\[\]]+)\]\s*(.*)$")  # '[Title]', then no '(url)'
_BARE_URL = re.compile(r"https?://[^\s<>\"|]+", re.IGNORECASE)
_CLOSER = {")": "(", "]": "["}
_OPENER = {"(": ")", "[": "]"}

MAX_LIST_BYTES = 2_000_000
"""The largest survey list read: the real README is about 12 kB, so 2 MB is room for a
hundred-fold growth, and a 50 MB file is a mistake (a wrong file, a runaway generator)."""

SHRINK_THRESHOLD = 0.5
"""A list with fewer rows than this share of the list it replaces (the bundled list, or what
the graph holds) is refused without ``--allow-shrink``: a hand edit removes a few rows, a
truncated download or a wrong file removes most of them."""


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


def _trim_brackets(text: str, *, url: bool = False) -> str:
    """``text`` without brackets at its ends that have no partner inside it (``Title](`` ->
    ``Title``, ``https://x/y))`` -> ``https://x/y``); balanced ones stay (``A_(b)``). A
    wrapping pair goes too: ``[Title]`` (leftover link syntax), and for a URL ``(url)``."""
    s = text.strip()
    while s:
        first, last = s[0], s[-1]
        if last in _OPENER or first in _CLOSER:
            s = (s[:-1] if last in _OPENER else s[1:]).strip()
        elif last in _CLOSER and s.count(_CLOSER[last]) < s.count(last):
            s = s[:-1].strip()
        elif first in _OPENER and s.count(first) > s.count(_OPENER[first]):
            s = s[1:].strip()
        elif len(s) > 1 and first + last in (("[]", "()", "<>") if url else ("[]",)):
            s = s[1:-1].strip()
        else:
            break
    return s


def _until_close(rest: str) -> tuple[str, bool, str]:
    """(URL part, closed, what follows) of ``](...)...``: up to the ')' that closes it
    (nested pairs kept: ``A_(b)``)."""
    depth = 0
    for i, char in enumerate(rest):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return rest[:i], True, rest[i + 1:]
            depth -= 1
    return rest, False, ""


def is_web_url(url: str | None) -> bool:
    """Whether ``url`` is an http(s) URL with a host: the only links stored or shown."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


Note = tuple[str, str]  # (reason, action) of a Problem about one cell


def _parse_link(cell: str) -> tuple[str, str | None, list[Note]]:
    """(text, url, notes) of the first Markdown link in a cell; a bare http(s) URL counts too.
    Unbalanced brackets are repaired, a URL that is not http(s) is dropped; each is a note."""
    notes: list[Note] = []
    opener = _LINK_OPEN.search(cell)
    if opener:
        before, (inner, closed, after) = cell[:opener.start()], _until_close(cell[opener.end():])
        if after.strip() and not after.strip(")]"):
            notes.append((f"stray '{after.strip()}' after the link", "repaired (ignored)"))
        if not closed:
            notes.append(("closed an unclosed link", "repaired"))
        start = before.find("[")
        raw_title, url = (before[start + 1:] if start >= 0 else before), inner.strip()
        if re.search(r"\s", url):
            notes.append(("removed spaces inside the link", "repaired"))
            url = re.sub(r"\s+", "", url)
    elif (wrapped := _TITLE_THEN_TEXT.match(cell)) and not _BARE_URL.search(cell):
        # '[Title]javascript:x)' or '[Title]h)ttps://...': the '(' of '](' is gone and what
        # follows is no http(s) URL; it was kept in the title, link syntax and all
        rest = wrapped.group(2).strip()
        return wrapped.group(1).strip(), None, [(f"text '{rest[:60]}' after the title is no link",
                                                 "repaired (dropped it)")] if rest else []
    elif cell.startswith("[") and "]" not in cell and not _BARE_URL.search(cell):
        return cell.lstrip("[").strip(), None, [("unclosed '[' with no link", "repaired")]
    else:
        bare = _BARE_URL.search(cell)
        if not bare:
            return cell.strip(), None, []
        raw_title, url, start = cell[:bare.start()] + cell[bare.end():], bare.group(0), 0
    title, fixed_url = _trim_brackets(raw_title), _trim_brackets(url, url=True)
    if start < 0 or title != raw_title.strip() or fixed_url != url:
        notes.append((f"unbalanced brackets in the link (read as [{title}]({fixed_url}))", "repaired"))
    if fixed_url and not is_web_url(fixed_url):
        notes.append((f"link '{fixed_url[:80]}' is not an http(s) URL", "repaired (dropped the link)"))
        fixed_url = ""
    return title, fixed_url or None, notes


def read_list_text(path: Path) -> str:
    """The text of a survey list file, or :class:`SurveyInputError` naming the file, the line
    and the fix: too large, binary, or not UTF-8."""
    return read_text_input(path, what="the survey list", max_bytes=MAX_LIST_BYTES)


def _too_large(name: str, size: int) -> str:
    return (f"{name}: {size / 1e6:.1f} MB is more than a survey list can be (at most {MAX_LIST_BYTES / 1e6:g} MB; "
            "the real list is about 12 kB): is it the right file?")


def parse_survey_list(path: Path | str, text: str | None = None) -> SurveyList:
    """Parse the survey README. ``text`` overrides reading ``path`` (which then only names the source)."""
    path = Path(path)
    if text is None:
        text = read_list_text(path)
    elif len(text) > MAX_LIST_BYTES:
        raise SurveyInputError(_too_large(path.name, len(text.encode("utf-8", errors="replace"))))
    elif "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise SurveyInputError(f"{path.name}: line {line} holds NUL bytes: not a Markdown survey list")
    survey = _parse_lines(text, path.name)
    rows, duplicates = _drop_duplicates(survey.rows, survey.source)
    return replace(survey, rows=rows, problems=survey.problems + duplicates)


def _parse_lines(text: str, source: str) -> SurveyList:
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


def _drop_duplicates(rows: list[SurveyListRow], source: str) -> tuple[list[SurveyListRow], list[Problem]]:
    """Each row once: a repeated row (same section, class, name, title and links) is dropped
    and reported once per distinct row, with how often it came back."""
    first: dict[tuple, SurveyListRow] = {}
    repeats: dict[tuple, list[int]] = {}
    for row in rows:
        key = (row.section, row.category, row.name, row.title, row.link, row.code)
        if key in first:
            repeats.setdefault(key, []).append(row.line)
        else:
            first[key] = row
    problems = []
    for key, lines in repeats.items():
        shown = ", ".join(map(str, lines[:5])) + (", ..." if len(lines) > 5 else "")
        problems.append(Problem(source, first[key].line, f"this row comes {len(lines)} more time(s) (rows {shown})",
                                "repaired (kept once)"))
    return list(first.values()), problems


def shrink_verdict(new_rows: int, reference_rows: int, what: str, *, threshold: float = SHRINK_THRESHOLD) -> str | None:
    """Why a list of ``new_rows`` rows must not replace one of ``reference_rows`` (``what``
    names that one: "the bundled list", "the graph"), or None when it may: no rows at all, or
    fewer than ``threshold`` of the reference, is a wrong or broken file far more often than a
    real edit."""
    if new_rows == 0:
        return f"the survey list yields no rows (a header without a table, an empty or wrong file); {what} has " \
               f"{reference_rows}. Nothing written; fix the file, or pass --allow-shrink to empty the list on purpose"
    if reference_rows and new_rows < threshold * reference_rows:
        rows = f"{new_rows} row" + ("" if new_rows == 1 else "s")
        return (f"the survey list yields {rows}, fewer than {threshold:.0%} of the {reference_rows} of "
                f"{what}; nothing written. Check the file, or pass --allow-shrink if the list really shrank")
    return None


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
            return None, [Problem(source, number,
                                  f"{len(cells)} cells for {table.width} columns, and the extra ones are not empty")]
        problems.append(Problem(source, number, f"{len(cells)} cells for {table.width} columns",
                                "repaired (dropped the empty extra cells)"))
        cells = trimmed
    if len(cells) < table.width:
        missing = table.width - len(cells)
        needed = max(table.columns["model"], table.columns["publication"])
        if len(cells) <= needed:
            return None, [Problem(source, number,
                                  f"{len(cells)} cells for {table.width} columns; the Publication cell is missing")]
        problems.append(Problem(source, number, f"{missing} cell(s) missing at the end of the row",
                                "repaired (read as empty)"))
        cells = cells + [""] * missing

    name_cell = cells[table.columns["model"]]
    name = None if name_cell.lower() in _EMPTY_NAMES else name_cell
    title, link, notes = _parse_link(cells[table.columns["publication"]])
    if not title:
        return None, problems + [Problem(source, number, "no title in the Publication column")]
    for reason, action in notes:
        problems.append(Problem(source, number, f"Publication link: {reason}", action))
    if link is None:
        problems.append(Problem(source, number, "no link in the Publication column", "repaired (kept the title only)"))

    if "classification" in table.columns:
        category = cells[table.columns["classification"]]
        if not category or category.lower() in _EMPTY_NAMES:
            problems.append(Problem(source, number, "empty Classification cell",
                                    f"repaired (placed under its section '{table.section}')"))
            category = table.section
    else:
        category = table.section  # sections without a Classification column are classes themselves

    code = None
    if "code" in table.columns:
        code_cell = cells[table.columns["code"]]
        if code_cell and code_cell.lower() not in _EMPTY_NAMES:
            _, code, code_notes = _parse_link(code_cell)
            for reason, action in code_notes:
                problems.append(Problem(source, number, f"Code link: {reason}", action))
            if code is None:
                problems.append(Problem(source, number, f"Code cell '{code_cell}' holds no link",
                                        "repaired (no code link)"))

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
    text = read_list_text(path)
    try:
        payload = json.loads(text)
        rows = [SurveyListRow(**row) for row in payload["rows"]]
        problems = [Problem(**p) for p in payload.get("problems", [])]
        survey = SurveyList(rows=rows, sections=payload["sections"], categories=payload["categories"],
                            problems=problems, source=payload.get("source", path.name))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SurveyInputError(
            f"{path}: not a usable survey-list file ({exc}); regenerate it with scripts/bundle_data.py "
            "or pass the survey README (.md) instead"
        ) from exc
    return replace(survey, rows=[_web_links_only(row, survey) for row in survey.rows])


def _web_links_only(row: SurveyListRow, survey: SurveyList) -> SurveyListRow:
    """A row of a JSON list keeps only http(s) links too (the file may not be ours)."""
    bad = [name for name in ("link", "code") if getattr(row, name) and not is_web_url(getattr(row, name))]
    for name in bad:
        survey.problems.append(Problem(survey.source, row.line, f"{name} '{str(getattr(row, name))[:80]}' is not an "
                                       "http(s) URL", "repaired (dropped the link)"))
    return replace(row, **{name: None for name in bad}) if bad else row
