"""The parts of the survey list's shape that :mod:`ingest.survey_list` does not keep: the
third column of tables that have no Classification column (mid-2025: "Fine-tuning",
"Application", "Additional training") and what a section heading says about fusion level
and model family ("List of studies on SAM leveraging F_1 fusion").

The parser reads any later version without code changes, but it drops a column it does not
know and takes the heading as the class of every row of such a table. A changed taxonomy
is read from exactly these two things, so they are read here, from the same text, and tied
to the parser's rows by line number. Plain records, no RDF (like the rest of ingest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# the columns the parser itself reads; any other column of a paper table is a facet
_KNOWN_COLUMNS = {"model", "publication", "classification", "code"}
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_LEVEL = re.compile(r"\bF[_ ]?(\d+)\b")
_NO_FUSION = re.compile(r"^\s*no fusion\b", re.I)


@dataclass(frozen=True)
class Facet:
    """The cell of a table's extra column on one row: ``column`` is its header as written."""

    column: str
    value: str


@dataclass(frozen=True)
class HeadingShape:
    """What a section heading states beyond its text. ``level`` is the fusion level's label
    ("Fusion level F_1", "No fusion") or None when the heading names none; ``family`` the
    model family ("SAM", "SAM 2", "images", "text and images") or None."""

    level: str | None
    family: str | None


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().removeprefix("|").removesuffix("|").split("|")]


def _fit(cells: list[str], width: int) -> list[str] | None:
    """The row's cells at the header's width, repaired the way the parser repairs them (empty
    surplus cells dropped from the right, missing ones read as empty), or None when the
    parser skips the row."""
    if len(cells) > width:
        trimmed = list(cells)
        for i in range(len(trimmed) - 1, 0, -1):
            if len(trimmed) > width and not trimmed[i]:
                del trimmed[i]
        return trimmed if len(trimmed) == width else None
    return cells + [""] * (width - len(cells))


def read_facets(text: str) -> dict[int, Facet]:
    """Line number -> the extra column's cell, for every row of a table with one extra column
    (a table with several unknown columns keeps the first; none so far has two)."""
    out: dict[int, Facet] = {}
    header: tuple[int, str, int] | None = None  # (column index, column name, width)
    in_table = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if _HEADING.match(line):
            header, in_table = None, False
            continue
        if not line.startswith("|"):
            continue  # blank lines do not end a table, as in the parser
        cells = _cells(line)
        if not in_table:
            names = [c.lower() for c in cells]
            if {"model", "publication"} <= set(names):
                in_table = True
                extra = [i for i, n in enumerate(names) if n and n not in _KNOWN_COLUMNS]
                header = (extra[0], cells[extra[0]], len(cells)) if extra else None
            continue
        if header is None or all(_SEPARATOR.match(c) for c in cells if c):
            continue
        fitted = _fit(cells, header[2])
        if fitted is not None and fitted[header[0]]:
            out[number] = Facet(header[1], fitted[header[0]])
    return out


def heading_shape(heading: str) -> HeadingShape:
    """Fusion level and model family of a heading, read off its words ("leveraging F_1
    fusion", "Fusion level F_4 - ...", "No fusion: ..."; "on SAM2", "trained on both text
    and images")."""
    level = None
    found = _LEVEL.search(heading)
    if found:
        level = f"Fusion level F_{found.group(1)}"
    elif _NO_FUSION.match(heading):
        level = "No fusion"
    lowered = heading.lower()
    family = None
    if re.search(r"\bsam\s?2\b", lowered):
        family = "SAM 2"
    elif re.search(r"\bsam\b", lowered):
        family = "SAM"
    elif "text" in lowered and "image" in lowered:
        family = "text and images"
    elif "image" in lowered:
        family = "images"
    return HeadingShape(level, family)
