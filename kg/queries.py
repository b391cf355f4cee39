"""Saved SPARQL questions: one ``.rq`` file per question in ``kg/queries``, named for it.

The first comment lines of a file are its documentation (``# title:`` and free text);
the CLI, the app and the tests all read the same files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.vocab import PREFIXES

QUERY_DIR = Path(__file__).resolve().parent / "queries"


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    text: str
    path: Path


def prefix_block() -> str:
    return "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items())


def _parse(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    title, lines = path.stem.replace("-", " "), []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body.lower().startswith("title:"):
            title = body.split(":", 1)[1].strip()
        elif body:
            lines.append(body)
    return SavedQuery(path.stem, title, " ".join(lines), text, path)


def saved_queries() -> list[SavedQuery]:
    return [_parse(p) for p in sorted(QUERY_DIR.glob("*.rq"))]


def load_query(name_or_path: str) -> SavedQuery | None:
    """A saved question by name ('lineage-of-medsam2'), or any .rq file by path; None if neither."""
    path = Path(name_or_path)
    if path.suffix == ".rq" and path.is_file():
        return _parse(path)
    candidate = QUERY_DIR / f"{name_or_path.removesuffix('.rq')}.rq"
    return _parse(candidate) if candidate.is_file() else None


def with_prefixes(sparql: str) -> str:
    """Add the project's prefixes to a query that did not declare them (a convenience for
    `kg query` one-liners; a declared prefix of the same name is kept, as SPARQL allows)."""
    declared = {line.split()[1].rstrip(":") for line in sparql.splitlines()
                if line.strip().upper().startswith("PREFIX") and len(line.split()) > 1}
    missing = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared)
    return f"{missing}\n{sparql}"
