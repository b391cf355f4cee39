"""The classifier of a run that has seen the reviewers' decisions.

Every decision in the curation file is a labelled paper: accepted with a class (or as
predicted) is an example of that class, rejected is a near miss, "maybe" with a class
teaches the class only. The decisions name papers by IRI; their titles and abstracts come
from the graph (the candidates graph keeps them), so the weekly update builds its
classifier with :func:`classifier_for_update` and the next run already knows what the
reviewer said.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ingest.curation import Decision
from kg.queries import internal
from kg.store_base import GraphStore
from kg.taxonomy import Category
from kg.tracker.classify import Example, PaperClassifier, PaperText, load_training_examples

__all__ = ["classifier_for_update", "reviewed_texts"]


def reviewed_texts(store: GraphStore, papers: Iterable[str]) -> dict[str, PaperText]:
    """Title, abstract and predicted class of each paper the graph has a title for."""
    wanted = sorted(set(papers))
    if not wanted:
        return {}
    rows = store.select(internal("reviewed-paper-texts", papers=wanted)).rows
    return {r["p"]: PaperText(str(r["title"]), r["abstract"], r["predicted"]) for r in rows if r["title"]}


def classifier_for_update(store: GraphStore, categories: Sequence[Category], decisions: Mapping[str, Decision],
                          examples: Sequence[Example] | None = None) -> PaperClassifier:
    """The bundled training papers plus every decision of the curation file."""
    examples = load_training_examples() if examples is None else examples
    return PaperClassifier(categories, examples, decisions=decisions, texts=reviewed_texts(store, decisions))
