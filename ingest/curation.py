"""The curation file: a maintainer's accept/reject decisions on candidate papers.

One TOML file, appended to, never rewritten, so that a decision is a line in a diff and
two writers (the app's review page, the weekly update) cannot lose each other's work::

    [[decision]]
    paper = "https://w3id.org/medseg-kg/id/paper/arxiv/2501.00001"
    status = "accepted"
    category = "Adapters for SAM"
    decided = 2026-11-27

Where it lives: ``kg.paths.curation_file`` (``$MSKG_CURATION_FILE``, else beside the store).
The latest decision for a paper wins. Every entry is checked when written and when read
(:func:`decision_problems`: a well-formed IRI, a known status, the right types), and a bad
one is reported with its line; it is never appended.

This module reads and appends the file (plain records, like every input ingest reads); the
graph only ever *derives* from it (``kg.mapping.curation``):

* an undecided candidate has ``mskg:reviewStatus "candidate"`` and ``mskg:category`` =
  its prediction, both in ``graph:candidates``;
* a decided paper has its status (and its class: the reviewer's, else the prediction)
  in ``graph:curation``, and no status or class in ``graph:candidates``, so the union of
  the graphs states exactly one status and one class per paper (shapes.ttl checks it).

`kg build`, `kg update` and `kg review` run that update inside their own one transaction,
so a human decision is re-applied on every run and never overwritten by one, and a
rejected paper stays rejected even when the candidate graph is rebuilt.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ingest.text_input import read_text_input

STATUSES = ("accepted", "rejected", "maybe")  # "maybe": stays in the queue, with its class and reason
# Optional text fields, written only when set (so older files stay byte-identical): why, who,
# and for an acceptance as a model its name, base model, code link and framework; the
# taxonomy scheme the class belongs to ("" = the original survey taxonomy).
OPTIONAL_KEYS = ("reason", "by", "model", "based_on", "code", "framework", "scheme")
KEYS = ("paper", "status", "category", "decided", *OPTIONAL_KEYS)
MAX_FILE_BYTES = 20_000_000  # ~100,000 decisions; a larger file is not a curation file

# What can stand between '<' and '>' in SPARQL and N-Triples (as kg.queries.check_iri demands).
_IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_HEADER = re.compile(r"^\s*\[\[\s*decision\s*\]\]")


class CurationError(ValueError):
    """A decision that cannot be written or a file that cannot be read; the message says which."""


@dataclass(frozen=True)
class Decision:
    paper: str  # the paper's IRI
    status: str  # "accepted", "rejected" or "maybe"
    category: str  # skos:prefLabel of the taxonomy class ("" when none)
    decided: date
    line: int | None = field(default=None, compare=False)  # of its [[decision]] header, when read from a file
    reason: str = ""
    by: str = ""
    model: str = ""
    based_on: str = ""
    code: str = ""
    framework: str = ""
    scheme: str = ""


def decision_problems(decision: Decision) -> list[str]:
    """What is wrong with ``decision`` (nothing: an empty list). One rule for writing and reading."""
    problems = []
    if not isinstance(decision.paper, str) or not _IRI.match(decision.paper):
        problems.append(f"paper {decision.paper!r} is not a well-formed http(s) IRI (no spaces, quotes or angle "
                        "brackets)")
    if decision.status not in STATUSES:
        problems.append(f"status {decision.status!r} is neither of {', '.join(STATUSES)}")
    if not isinstance(decision.category, str):
        problems.append(f"category {decision.category!r} is not a text (a taxonomy class label, or \"\")")
    if not isinstance(decision.decided, date):
        problems.append(f"decided {decision.decided!r} is not a date (YYYY-MM-DD)")
    for key in OPTIONAL_KEYS:
        if not isinstance(getattr(decision, key), str):
            problems.append(f"{key} {getattr(decision, key)!r} is not a text")
    return problems


def read_decisions(path: str | Path) -> list[Decision]:
    """Every decision in file order; an absent file holds none. Anything unusable raises
    :class:`CurationError` naming the file, the entry's line and the fix."""
    path = Path(path)
    if not path.exists():
        return []
    text = _read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CurationError(f"{path}: not valid TOML ({exc}); fix that line or move the file away") from exc
    entries = data.get("decision", [])
    unknown = sorted(set(data) - {"decision", "scheme"})  # [[scheme]]: taxonomy adoptions (ingest.scheme_decisions)
    if unknown or not isinstance(entries, list):
        raise CurationError(f"{path}: a curation file holds only [[decision]] and [[scheme]] tables; found "
                            f"{', '.join(unknown) or 'decision = ' + type(entries).__name__}; fix or remove it")
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if _HEADER.match(line)]
    if len(lines) != len(entries):
        lines = []  # decisions written as an inline array: name them by number instead
    return [_decision(path, entry, i, lines[i - 1] if lines else None) for i, entry in enumerate(entries, start=1)]


def _read_text(path: Path) -> str:
    return read_text_input(path, what="the TOML curation file ($MSKG_CURATION_FILE)", max_bytes=MAX_FILE_BYTES,
                           error=CurationError)


def _decision(path: Path, entry: Any, number: int, line: int | None) -> Decision:
    where = f"{path}: line {line}" if line else f"{path}: decision {number}"
    if not isinstance(entry, dict):
        raise CurationError(f"{where}: a decision must be a [[decision]] table, not {type(entry).__name__}; fix it")
    extra = sorted(set(entry) - set(KEYS))
    missing = [k for k in ("paper", "status", "decided") if k not in entry]
    if extra or missing:
        what = "; ".join(filter(None, [f"missing {', '.join(missing)}" if missing else "",
                                       f"unknown key {', '.join(extra)}" if extra else ""]))
        raise CurationError(f"{where}: {what} (a decision has {', '.join(KEYS)}); fix the entry")
    decided = entry["decided"]
    if isinstance(decided, str):
        try:
            decided = date.fromisoformat(decided)
        except ValueError:
            pass  # reported below as not a date
    decision = Decision(entry["paper"], entry["status"], entry.get("category", ""), decided, line,
                        **{k: entry[k] for k in OPTIONAL_KEYS if k in entry})
    problems = decision_problems(decision)
    if problems:
        raise CurationError(f"{where}: {'; '.join(problems)}; fix the entry")
    return decision


def latest_decisions(path: str | Path) -> dict[str, Decision]:
    """The decision in force for each paper (the last one written)."""
    return {d.paper: d for d in read_decisions(path)}


def _toml_string(value: str) -> str:
    # JSON string escapes (\" \\ \n \uXXXX) are valid TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=False)


def format_decision(decision: Decision) -> str:
    problems = decision_problems(decision)
    if problems:
        raise CurationError("; ".join(problems))
    return (
        "[[decision]]\n"
        f"paper = {_toml_string(decision.paper)}\n"
        f"status = {_toml_string(decision.status)}\n"
        f"category = {_toml_string(decision.category)}\n"
        f"decided = {decision.decided.isoformat()}\n"
        + "".join(f"{k} = {_toml_string(getattr(decision, k))}\n" for k in OPTIONAL_KEYS if getattr(decision, k))
    )


def append_decision(path: str | Path, decision: Decision) -> None:
    """Append one ``[[decision]]`` table (creating the file and its folder if needed). A bad
    decision is refused before anything is written, and so is appending to a file that
    cannot be read back (the new entry would be lost behind the broken one)."""
    path = Path(path)
    text = format_decision(decision)
    read_decisions(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    sep = "" if not existing or existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(sep + text)
