"""The review queue: the papers of ``graph:candidates`` with the status and class in force,
and how a reviewer names a paper (IRI, arXiv id or DOI). Decisions themselves live in the
curation file (:mod:`ingest.curation`); the graph derives from it (:mod:`kg.mapping.curation`).

The open queue (status "candidate", and "maybe": looked at, not decided) comes least certain
first, with a few exploration picks (:mod:`kg.tracker.review_order`); each item shows its two
most probable classes, whether it "needs a class", and the definition of its class. A
reviewer's streak of rejections since the last acceptance is :func:`rejection_streak`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ingest.curation import Decision, latest_decisions
from ingest.ids import normalise_arxiv_id, normalise_doi
from kg.known_models import known_names, known_papers
from kg.mapping import curation_update
from kg.mapping.curated import curated_facts
from kg.queries import check_iri, internal
from kg.store import Store
from kg.taxonomy import taxonomy_categories, taxonomy_definitions
from kg.tracker.review_order import needs_class, review_order
from kg.vocab import BIBO, ID, MSKG

OPEN = ("candidate", "maybe")  # statuses that keep a paper in the queue


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
    top2: list[tuple[str, float]] = field(default_factory=list)  # the two most probable classes, P(class | in scope)
    needs_class: bool = False  # the top two are within NEEDS_CLASS_MARGIN: the reviewer should pick the class
    explored: bool = False  # placed early by exploration, not by the model's order
    definition: str | None = None  # skos:definition of the class in force (or predicted)
    reason: str = ""  # the reviewer's note on the decision in force, if any

    def to_dict(self) -> dict[str, Any]:
        return {"paper": self.paper, "title": self.title, "status": self.status, "category": self.category,
                "predicted": self.predicted, "confidence": self.confidence, "arxiv": self.arxiv,
                "evidence": self.evidence, "top2": [list(t) for t in self.top2], "needs_class": self.needs_class,
                "explored": self.explored, "definition": self.definition, "reason": self.reason}


def _evidence(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"text": text}
    return value if isinstance(value, dict) else {"text": text}


def _top2(evidence: dict[str, Any], predicted: str | None, confidence: float | None) -> list[tuple[str, float]]:
    """The evidence's top two classes; a candidate queued before they were recorded shows its
    prediction alone."""
    try:
        top = [(str(label), float(p)) for label, p in evidence.get("top2") or []][:2]
    except (TypeError, ValueError):
        top = []
    return top or ([(predicted, confidence or 0.0)] if predicted else [])


def queue(store: Store, status: str | None = "candidate", *, order: str = "uncertain", seed: int = 0,
          decisions: Mapping[str, Decision] | None = None) -> list[QueueItem]:
    """Papers of the candidate graph with their status in force, in review order.

    ``status``: "candidate" lists the open queue (undecided papers and those marked
    "maybe"), "maybe", "accepted" or "rejected" only those, ``None`` or "all" every paper.
    ``order``: "uncertain" (least certain first) or "screening" (most probably in scope
    first); the open queue gets exploration picks (seeded by ``seed``). ``decisions`` (the
    curation file's, optional) supply the reviewers' reasons."""
    definitions = taxonomy_definitions(store)
    items = []
    for r in store.select(internal("review-queue")).rows:
        confidence = float(r["confidence"]) if r["confidence"] is not None else None
        evidence = _evidence(r["evidence"])
        item = QueueItem(r["p"], r["title"] or "", r["status"] or "candidate", r["category"], r["predicted"],
                         confidence, r["arxiv"], evidence, r["issued"])
        item.top2 = _top2(evidence, item.predicted, confidence)
        item.needs_class = item.status in OPEN and needs_class(item.top2)
        item.definition = definitions.get(item.category or item.predicted or "")
        decision = (decisions or {}).get(item.paper)
        item.reason = str(getattr(decision, "reason", "") or "") if decision else ""
        wanted = OPEN if status == "candidate" else None if status in (None, "all") else (status,)
        if wanted is None or item.status in wanted:
            items.append(item)
    items.sort(key=lambda i: i.title)  # ties in the review order stay alphabetical
    # an unknown confidence (a candidate from before confidences were kept) is the least certain
    certainty = [i.confidence if i.confidence is not None else 0.0 for i in items]
    relevance = [float(i.evidence.get("p_relevant", c)) for i, c in zip(items, certainty)]
    explore = status == "candidate"
    positions, explored = review_order(certainty, relevance, order=order, seed=seed,
                                       explore=0.05 if explore else 0.0)
    for k in explored:
        items[k].explored = True
    return [items[k] for k in positions]


def rejection_streak(decisions: Sequence[Decision]) -> int:
    """How many papers in a row the reviewers rejected since the last one they accepted
    (``decisions`` in file order, as :func:`ingest.curation.read_decisions` returns them;
    "maybe" neither breaks nor extends the streak). A long streak says the queue's tail is
    near misses: a reason to stop screening, or to look at why the searches drift."""
    rejected: set[str] = set()
    for d in reversed(decisions):
        if d.status == "accepted":
            break
        if d.status == "rejected":
            rejected.add(d.paper)
    return len(rejected)


def reclassify(store: Store, paper: str, label: str, decisions: Mapping[str, Decision], *,
               reason: str = "", today: date | None = None) -> Decision:
    """The decision that files ``paper`` under class ``label``: an accepted paper stays
    accepted with the new class; any other stays in the queue as "maybe" with that class
    (the classifier learns the class at once, the scope is still open). Raises ValueError
    naming the classes when ``label`` is not one."""
    labels = sorted(c.label for c in taxonomy_categories(store))
    if label not in labels:
        raise ValueError(f"'{label}' is not a class of the taxonomy; one of: {', '.join(labels)}")
    current = decisions.get(paper)
    status = "accepted" if current is not None and current.status == "accepted" else "maybe"
    return make_decision(paper, status, label, today or date.today(), reason)


def make_decision(paper: str, status: str, category: str, decided: date, reason: str = "") -> Decision:
    """A Decision with its reason when the curation record has that field (it is being added
    to ingest/curation.py; until then a reason is dropped rather than failing the decision)."""
    if reason and "reason" in getattr(Decision, "__dataclass_fields__", {}):
        return Decision(paper, status, category, decided, reason=reason)  # type: ignore[call-arg]
    return Decision(paper, status, category, decided)


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


def apply_curation(store: Store, path: Path | None, results_table: Path | None = None) -> int:
    """Re-apply the decisions of ``path`` (and the maintainer's results table) now, in one
    transaction; returns how many decisions are in force."""
    decisions = latest_decisions(path) if path is not None and path.exists() else {}
    table = results_table if results_table is not None and results_table.exists() else None
    extra = curated_facts(decisions.values(), known_names(store), table, known_papers(store))
    store.update(curation_update(decisions, extra))
    store.flush()
    return len(decisions)
