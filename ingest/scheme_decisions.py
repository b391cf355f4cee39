"""A maintainer's adoption of a taxonomy version, kept in the curation file beside the paper
decisions (``ingest.curation``): the same file, the same append-only rule, its own table
so that the paper decisions' reader never meets it::

    [[scheme]]
    adopted = "https://w3id.org/medseg-kg/id/taxonomy-2025-07-01"
    decided = 2025-07-10

The last table written is the scheme in force; adopting ``id:taxonomy`` again switches back.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingest.curation import CurationError


@dataclass(frozen=True)
class SchemeDecision:
    scheme: str  # the adopted skos:ConceptScheme's IRI
    decided: date


def read_scheme_decisions(path: str | Path) -> list[SchemeDecision]:
    """Every adoption in file order; an absent file holds none."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CurationError(f"{path}: not valid TOML ({exc}); fix or move the file") from exc
    out = []
    for i, table in enumerate(data.get("scheme", []), start=1):
        try:
            decided = table["decided"]
            out.append(SchemeDecision(str(table["adopted"]),
                                      decided if isinstance(decided, date) else date.fromisoformat(str(decided))))
        except (KeyError, ValueError) as exc:
            raise CurationError(f"{path}: scheme decision {i} lacks or misstates {exc}; fix the entry") from exc
    return out


def latest_scheme_decision(path: str | Path) -> SchemeDecision | None:
    decisions = read_scheme_decisions(path)
    return decisions[-1] if decisions else None


def append_scheme_decision(path: str | Path, decision: SchemeDecision) -> None:
    """Append one ``[[scheme]]`` table (creating the file and its folder if needed)."""
    if not decision.scheme.startswith(("http://", "https://")):
        raise CurationError(f"scheme '{decision.scheme}' is not an IRI")
    path = Path(path)
    text = f"[[scheme]]\nadopted = {json.dumps(decision.scheme)}\ndecided = {decision.decided.isoformat()}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    sep = "" if not existing or existing.endswith("\n\n") else ("\n" if existing.endswith("\n") else "\n\n")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(sep + text)
