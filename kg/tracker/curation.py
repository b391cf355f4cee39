"""The curation file: a maintainer's accept/reject decisions on candidate papers.

One TOML file, appended to, never rewritten, so that a decision is a line in a diff and
two writers (the app's review page, the weekly update) cannot lose each other's work::

    [[decision]]
    paper = "https://w3id.org/medseg-kg/id/paper/arxiv/2501.00001"
    status = "accepted"
    category = "Adapters for SAM"
    decided = 2026-11-27

Where it lives: ``$MSKG_CURATION_FILE``, else ``curation.toml`` beside the store directory.
The latest decision for a paper wins.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CURATION_ENV = "MSKG_CURATION_FILE"
STATUSES = ("accepted", "rejected")


class CurationError(ValueError):
    """A decision that cannot be written or a file that cannot be read; the message says which."""


@dataclass(frozen=True)
class Decision:
    paper: str  # the paper's IRI
    status: str  # "accepted" or "rejected"
    category: str  # skos:prefLabel of the taxonomy class ("" when none)
    decided: date


def curation_path(store_path: str | Path) -> Path:
    """``$MSKG_CURATION_FILE``, else ``<store>/../curation.toml``."""
    if os.environ.get(CURATION_ENV):
        return Path(os.environ[CURATION_ENV]).expanduser()
    return Path(store_path).expanduser().resolve().parent / "curation.toml"


def read_decisions(path: str | Path) -> list[Decision]:
    """Every decision in file order; an absent file holds none."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CurationError(f"{path}: not valid TOML ({exc}); fix or move the file") from exc
    out = []
    for i, table in enumerate(data.get("decision", []), start=1):
        try:
            decided = table["decided"]
            if not isinstance(decided, date):
                decided = date.fromisoformat(str(decided))
            out.append(Decision(str(table["paper"]), str(table["status"]), str(table.get("category", "")), decided))
        except (KeyError, ValueError) as exc:
            raise CurationError(f"{path}: decision {i} lacks or misstates {exc}; fix the entry") from exc
    return out


def latest_decisions(path: str | Path) -> dict[str, Decision]:
    """The decision in force for each paper (the last one written)."""
    return {d.paper: d for d in read_decisions(path)}


def _toml_string(value: str) -> str:
    # JSON string escapes (\" \\ \n \uXXXX) are valid TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=False)


def format_decision(decision: Decision) -> str:
    if decision.status not in STATUSES:
        raise CurationError(f"status '{decision.status}' is neither of {', '.join(STATUSES)}")
    if not decision.paper.startswith(("http://", "https://")):
        raise CurationError(f"paper '{decision.paper}' is not an IRI")
    return (
        "[[decision]]\n"
        f"paper = {_toml_string(decision.paper)}\n"
        f"status = {_toml_string(decision.status)}\n"
        f"category = {_toml_string(decision.category)}\n"
        f"decided = {decision.decided.isoformat()}\n"
    )


def append_decision(path: str | Path, decision: Decision) -> None:
    """Append one ``[[decision]]`` table (creating the file and its folder if needed)."""
    path = Path(path)
    text = format_decision(decision)
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    sep = "" if not existing or existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(sep + text)


__all__ = ["CURATION_ENV", "STATUSES", "CurationError", "Decision", "curation_path", "read_decisions",
           "latest_decisions", "format_decision", "append_decision"]
