"""The curation file: a maintainer's accept/reject decisions on candidate papers.

One TOML file, appended to, never rewritten, so that a decision is a line in a diff and
two writers (the app's review page, the weekly update) cannot lose each other's work::

    [[decision]]
    paper = "https://w3id.org/medseg-kg/id/paper/arxiv/2501.00001"
    status = "accepted"
    category = "Adapters for SAM"
    decided = 2026-11-27

Where it lives: ``kg.paths.curation_file`` (``$MSKG_CURATION_FILE``, else beside the store). The latest decision for a paper wins.

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
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

STATUSES = ("accepted", "rejected")


class CurationError(ValueError):
    """A decision that cannot be written or a file that cannot be read; the message says which."""


@dataclass(frozen=True)
class Decision:
    paper: str  # the paper's IRI
    status: str  # "accepted" or "rejected"
    category: str  # skos:prefLabel of the taxonomy class ("" when none)
    decided: date


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
