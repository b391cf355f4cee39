"""A taxonomy scheme's structure in the survey list's order, for writing the list back out:
sections with their classes and the entries (models, or papers presenting none) under
each. Apart from :mod:`kg.schemes` because it reads the classes through :mod:`kg.taxonomy`,
which itself asks :mod:`kg.schemes` for the scheme in force."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from kg.queries import internal
from kg.schemes import scheme_in_force
from kg.store import Store
from kg.taxonomy import taxonomy_categories


@dataclass
class OutlineClass:
    iri: str
    label: str
    notation: str | None
    scope_note: str | None
    column: str | None  # the list table's extra column ("Fine-tuning"), if the version had one
    members: list[dict[str, str | None]] = field(default_factory=list)  # x, kind, title, strategy, note


@dataclass
class OutlineSection:
    iri: str
    label: str
    notation: str | None
    classes: list[OutlineClass] = field(default_factory=list)


_COLUMN = re.compile(r'third column "([^"]+)"')


def scheme_outline(store: Store, scheme: str | None = None) -> list[OutlineSection]:
    """The scheme's structure in the list's order (notations; bundled order for the original):
    sections (top concepts) with their classes (a section without classes is its own) and
    the entries under each, one per row of the list (a model, or a paper presenting none),
    with their strategy and note. What `kg export
    --format survey-md` writes, one table per class of a version, one per section of the original."""
    scheme = scheme or scheme_in_force(store)
    concepts = store.select(internal("scheme-concepts", scheme=scheme)).rows
    order = {c.label: i for i, c in enumerate(taxonomy_categories(store, scheme))}
    by_label = {r["label"]: r for r in concepts}
    sections: dict[str, OutlineSection] = {}  # in the order of their first class
    classes: dict[str, OutlineClass] = {}
    for label in sorted(order, key=order.get):
        r = by_label[label]
        note = r["note"]
        column = _COLUMN.search(note or "")
        cls = OutlineClass(str(r["c"]), label, r["notation"], note, column.group(1) if column else None)
        classes[label] = cls
        top = by_label.get(r["broader"] or label, r)
        section = sections.setdefault(top["label"], OutlineSection(str(top["c"]), top["label"], top["notation"]))
        section.classes.append(cls)
    owned: dict[str, set[str]] = defaultdict(set)  # class -> papers describing one of its models
    rows = store.select(internal("scheme-members", scheme=scheme)).rows
    for m in rows:
        if m["kind"] == "model" and m["paper"]:
            owned[m["label"]].add(str(m["paper"]))
    seen: set[tuple[str, str]] = set()
    for m in rows:
        cls = classes.get(m["label"])
        key = (str(m["x"]), m["label"])
        if cls is None or key in seen or (m["kind"] == "paper" and key[0] in owned[m["label"]]):
            continue  # one entry per row of the list: a model, or a paper that presents none (a study)
        seen.add(key)
        cls.members.append({"x": key[0], "kind": m["kind"], "title": m["title"],
                            "strategy": m["strategy"], "note": m["note"]})
    return list(sections.values())
