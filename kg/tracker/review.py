"""The review queue: the papers of ``graph:candidates`` with the status and class in force,
and how a reviewer names a paper (IRI, arXiv id or DOI). Decisions themselves live in the
curation file (:mod:`ingest.curation`); the graph derives from it (:mod:`kg.mapping.curation`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.curation import latest_decisions
from ingest.ids import normalise_arxiv_id, normalise_doi
from kg.mapping import curation_update
from kg.queries import check_iri, internal
from kg.store import Store
from kg.vocab import BIBO, ID, MSKG


class UnknownPaper(ValueError):
    """A reviewer named a paper the graph does not hold, or something that names no paper."""


@dataclass
class QueueItem:
    paper: str
    title: str
    status: str
    category: str | None
    predicted: str | None
    confidence: float | None
    arxiv: str | None
    evidence: dict[str, Any]
    issued: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"paper": self.paper, "title": self.title, "status": self.status, "category": self.category,
                "predicted": self.predicted, "confidence": self.confidence, "arxiv": self.arxiv,
                "evidence": self.evidence}


def _evidence(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"text": text}


def queue(store: Store, status: str | None = "candidate") -> list[QueueItem]:
    """Papers of the candidate graph with their status in force (``None`` or "all": every
    status), best confidence first."""
    items = []
    for r in store.select(internal("review-queue")).rows:
        item = QueueItem(r["p"], r["title"] or "", r["status"] or "candidate", r["category"], r["predicted"],
                         float(r["confidence"]) if r["confidence"] is not None else None, r["arxiv"],
                         _evidence(r["evidence"]), r["issued"])
        if status in (None, "all") or item.status == status:
            items.append(item)
    return sorted(items, key=lambda i: (-(i.confidence or 0.0), i.title))


def resolve_paper(store: Store, ref: str) -> str:
    """A paper IRI from an IRI, an arXiv id ('2501.01234', 'arXiv:2501.01234v2') or a DOI."""
    ref = ref.strip()
    if ref.startswith(str(ID) + "paper/"):
        try:
            return check_iri(ref)
        except ValueError:
            raise UnknownPaper(f"'{ref}' is not a well-formed IRI (no spaces, quotes or angle brackets)") from None
    arxiv = normalise_arxiv_id(ref)
    doi = None if arxiv else normalise_doi(ref)
    if arxiv is None and doi is None:
        raise UnknownPaper(f"'{ref}' is neither a paper IRI ({ID}paper/...), an arXiv id nor a DOI")
    prop, name, value = (MSKG.arxivId, "arXiv id", arxiv) if arxiv else (BIBO.doi, "DOI", doi)
    rows = store.select(internal("paper-by-identifier", property=str(prop), literals={"value": str(value)})).rows
    if not rows:
        raise UnknownPaper(f"no paper with {name} {value} in the graph (see `kg review list`)")
    return rows[0]["p"]


def apply_curation(store: Store, path: Path | None) -> int:
    """Re-apply the decisions of ``path`` now (one transaction); returns how many are in force."""
    decisions = latest_decisions(path) if path is not None else {}
    store.update(curation_update(decisions))
    store.flush()
    return len(decisions)
