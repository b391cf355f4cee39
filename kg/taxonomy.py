"""The survey taxonomy as the graph states it: the classes (SKOS concepts without narrower
ones) with their sections. The classifier, the update and the review commands all take
their classes from here, so a new class in the graph needs no code change, and they take
them from the scheme in force (:func:`kg.schemes.scheme_in_force`: ``id:taxonomy`` until a
maintainer adopts a later version), so adopting a version needs none either."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from kg.queries import internal
from kg.schemes import scheme_in_force
from kg.store import Store
from kg.vocab import TAXONOMY_SCHEME


@dataclass(frozen=True)
class Category:
    """One taxonomy class: ``label`` is its skos:prefLabel, ``section`` the prefLabel of its broader
    concept, ``definition`` its skos:definition (what a reviewer reads, and what the classifier
    learns from when a class has few labelled papers)."""

    label: str
    section: str
    iri: str | None = None
    definition: str | None = None


def categories_from_sections(sections: Mapping[str, Sequence[str]]) -> list[Category]:
    """Categories from a ``section -> [class labels]`` mapping (the survey list's shape)."""
    return [Category(label=label, section=section) for section, labels in sections.items() for label in labels]


def taxonomy_categories(store: Store, scheme: str | None = None) -> list[Category]:
    """Every concept of ``scheme`` (default: the scheme in force) without narrower concepts,
    with its section (the broader concept's prefLabel, or itself for a section that is its
    own class) and its definition."""
    scheme = scheme or scheme_in_force(store)
    rows = store.select(internal("scheme-classes", scheme=scheme)).rows
    definitions = taxonomy_definitions(store, scheme)
    by_label: dict[str, Category] = {}
    notation: dict[str, str] = {}
    for r in rows:
        by_label.setdefault(r["label"], Category(label=r["label"], section=r["section"] or r["label"], iri=r["c"],
                                                 definition=definitions.get(r["label"])))
        if r["notation"]:
            notation.setdefault(r["label"], r["notation"])
    return sorted(by_label.values(), key=_survey_order(notation))


def taxonomy_definitions(store: Store, scheme: str | None = None) -> dict[str, str]:
    """prefLabel -> skos:definition for every concept of ``scheme`` (default: the original
    taxonomy; classes and sections); the first definition in label order when a concept
    states several."""
    out: dict[str, str] = {}
    for r in store.select(internal("taxonomy-definitions", scheme=scheme or str(TAXONOMY_SCHEME))).rows:
        out.setdefault(r["label"], r["definition"])
    return out


def _survey_order(notation: Mapping[str, str]) -> Callable[[Category], tuple[str, int, str, str]]:
    """Sort key: a version's own order (its notations, the list's order), else the bundled
    list's order (sections, then classes), unknown classes last by name. Only an order for
    stable output and tie-breaks; the classes themselves come from the graph."""
    from ingest.survey import load_survey_list

    survey = load_survey_list()
    order = {label: i for i, label in enumerate(
        label for section in survey.sections for label in (survey.categories.get(section) or [section]))}
    return lambda c: (notation.get(c.label, "\uffff"), order.get(c.label, len(order)), c.section, c.label)


def bundled_categories() -> list[Category]:
    """The classes of the bundled survey list, with the definitions of the bundled ontology:
    the fallback when no store exists yet."""
    from ingest.survey import load_survey_list

    definitions = bundled_definitions()
    return [replace(c, definition=definitions.get(c.label))
            for c in categories_from_sections(load_survey_list().categories)]


def bundled_definitions() -> dict[str, str]:
    """The definitions ontology.ttl states (read into a throw-away in-memory store)."""
    import pyoxigraph as ox

    from kg.resources import ONTOLOGY_FILE

    store = Store(None)
    store.bulk_load(ONTOLOGY_FILE, ox.RdfFormat.TURTLE)
    return taxonomy_definitions(store)
