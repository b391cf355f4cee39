"""A change of the survey's taxonomy, as `kg update` meets it in the upstream list (issue #18).

The list follows a scheme when most of its rows carry a class (or section) of that scheme.
When it no longer follows the scheme in force, it is a new version of the taxonomy, not
dozens of rows that "changed class": :func:`follow_list` reads the version's structure off
the list (a section with a Classification column is a section of classes; a heading that
names a fusion level is a class under that level; any other heading is its own class), the
places of the models and papers it lists, what each table's extra column says (an
adaptation strategy, or free text kept as a note), and the crosswalk from the scheme the
version revises, derived from the entries listed under both. :func:`staging_update` writes
it into ``graph:taxonomy-staged``, beside the scheme in force and never inside it, until a
maintainer adopts it (:func:`kg.schemes.adopt_scheme`). New rows of such a list are classed
in the scheme in force through the crosswalk (:meth:`SchemeChange.class_in_force`), so no
candidate carries a heading of another version as its class.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rdflib import Graph, URIRef

from ingest.ids import normalise_title, slugify
from ingest.records import PaperRecord, SurveyListRow
from ingest.survey_list_shape import Facet, heading_shape
from kg.mapping.schemes import (
    STRATEGY_COLUMNS, CrosswalkLink, Place, Version, VersionConcept, crosswalk_prefix, map_crosswalk, map_place,
    map_version, read_facet, scheme_concept_iri, version_scheme_iri,
)
from kg.queries import internal
from kg.schemes import map_through_crosswalk, scheme_in_force, scheme_labels, taxonomy_schemes
from kg.store import Store
from kg.tracker.classify_records import Example
from kg.tracker.paper_index import PaperIndex
from kg.vocab import TAXONOMY_SCHEME

FIT = 0.5  # the share of the list's rows a scheme must know for the list to follow it
_FAMILY_BASE = {"SAM": "SAM", "SAM 2": "SAM 2"}


@dataclass(frozen=True)
class RowPlace:
    """One row of the list in the version it follows."""

    line: int
    label: str  # its class in the version
    concept: URIRef
    strategy: str | None
    note: str | None
    model: URIRef | None  # the model of the graph the row names, if known
    paper: URIRef | None  # the row's paper, if known
    old: tuple[str, ...] = ()  # the entry's classes in the scheme the version revises

    @property
    def entry(self) -> URIRef | None:
        return self.model or self.paper


@dataclass
class SchemeChange:
    """The version of the taxonomy the list follows, when it is not the original in force."""

    scheme: str
    previous: str  # the scheme it revises: the crosswalk runs from there
    issued: date
    in_force: str  # the scheme in force now
    fit_in_force: float
    first_seen: bool
    concepts: list[VersionConcept]
    columns: dict[str, str]  # class label -> its table's extra column
    rows: dict[int, RowPlace]
    links: list[CrosswalkLink]
    new_entries: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    staged_now: bool = False

    @property
    def changes_taxonomy(self) -> bool:
        """True when the list left the scheme in force (False: it follows an adopted version)."""
        return self.scheme != self.in_force

    @property
    def labels(self) -> set[str]:
        return {c.label for c in self.concepts}

    def class_in_force(self, row: SurveyListRow) -> tuple[str, float, dict[str, Any]] | None:
        """The class in the scheme in force of a row new to the list, through the crosswalk:
        the class most entries listed under the row's class (and strategy) came from, when
        one class holds at least half of them; None when the crosswalk cannot say."""
        place = self.rows.get(row.line)
        if place is None or self.previous != self.in_force:
            return None
        for strategy in ([place.strategy] if place.strategy else []) + [None]:
            peers = [p for p in self.rows.values() if p.label == place.label and p.old and p.entry != place.entry
                     and (strategy is None or p.strategy == strategy)]
            olds = Counter(o for p in peers for o in p.old)
            if not olds:
                continue
            ranked = olds.most_common(2)
            top, n = ranked[0]
            if (len(ranked) == 1 or ranked[1][1] < n) and 2 * n >= len(peers):
                return top, round(n / len(peers), 4), {
                    "reason": f"a new row (line {row.line}) of the upstream list, which follows the taxonomy version "
                              f"{self.scheme}: listed under '{place.label}'"
                              + (f" with strategy '{strategy}'" if strategy else "")
                              + f"; {n} of the {len(peers)} entries listed there before were '{top}'",
                    "classifier": "crosswalk", "survey_list_line": row.line, "list_version": self.scheme,
                    "list_class": place.label, **({"strategy": strategy} if strategy else {})}
        return None

    def place_row(self, g: Graph, entry: URIRef, row: SurveyListRow) -> None:
        """A queued row's place in the version (and its strategy or note) for its candidate."""
        place = self.rows.get(row.line)
        if place is not None:
            map_place(g, Place(entry, place.concept, place.strategy, place.note))


def _fit(rows: list[SurveyListRow], labels: set[str]) -> float:
    return sum(r.category in labels for r in rows) / len(rows) if rows else 0.0


def version_concepts(rows: list[SurveyListRow], facets: dict[int, Facet]) -> tuple[list[VersionConcept],
                                                                                      dict[str, str]]:
    """The version's concepts in the list's order, and each class's extra column."""
    sections: dict[str, list[str]] = {}
    for r in rows:
        sections.setdefault(r.section, [])
        if r.category not in sections[r.section]:
            sections[r.section].append(r.category)
    columns = {}
    for r in rows:
        if r.line in facets:
            columns.setdefault(r.category, facets[r.line].column)
    tops: dict[str, list[str]] = {}
    for section, classes in sections.items():
        shape = heading_shape(section)
        if classes != [section]:  # the table has a Classification column: a section of classes
            tops.setdefault(section, []).extend(c for c in classes if c != section)
        elif shape.level and shape.level != section:
            tops.setdefault(shape.level, []).append(section)
        else:
            tops.setdefault(section, [])
    out = []
    for i, (top, classes) in enumerate(tops.items(), start=1):
        out.append(VersionConcept(top, None, f"{i:02d}"))
        for j, label in enumerate(dict.fromkeys(classes), start=1):
            family = heading_shape(label).family if label in sections else None
            out.append(VersionConcept(label, top, f"{i:02d}.{j:02d}", _scope_note(family, columns.get(label)),
                                      _FAMILY_BASE.get(family or "")))
    return out, columns


def _scope_note(family: str | None, column: str | None) -> str | None:
    parts = [f"model family {family}"] if family else []
    if column:
        kind = "an adaptation strategy" if column.strip().lower() in STRATEGY_COLUMNS else "free text, kept as a note"
        parts.append(f'third column "{column}" ({kind})')
    return "A table of the survey list; " + "; ".join(parts) if parts else None


def _old_classes(store: Store, scheme: str) -> tuple[dict[str, set[str]], Counter[str], dict[str, URIRef]]:
    """(entry -> its classes in ``scheme``, class -> entries, class -> concept). An entry is a
    model, or a paper that describes no model of the scheme (an evaluation study)."""
    classes: dict[str, set[str]] = defaultdict(set)
    kinds: dict[str, str] = {}
    owned: set[str] = set()
    concepts: dict[str, URIRef] = {}
    for r in store.select(internal("scheme-members", scheme=scheme)).rows:
        x = str(r["x"])
        classes[x].add(r["label"])
        kinds[x] = r["kind"]
        concepts[r["label"]] = URIRef(str(r["c"]))
        if r["kind"] == "model" and r["paper"]:
            owned.add(str(r["paper"]))
    entries = {x: c for x, c in classes.items() if kinds[x] == "model" or x not in owned}
    totals: Counter[str] = Counter(label for c in entries.values() for label in c)
    return entries, totals, concepts


def _resolve_rows(store: Store, scheme: str, rows: list[SurveyListRow], facets: dict[int, Facet],
                  old: dict[str, set[str]]) -> dict[int, RowPlace]:
    by_name: dict[str, URIRef] = {}
    for r in store.select(internal("models-by-name")).rows:
        by_name.setdefault(slugify(r["n"]), URIRef(str(r["m"])))
    index = PaperIndex.from_store(store)
    out = {}
    for row in rows:
        model = by_name.get(slugify(row.name)) if row.name else None
        found = index.find(PaperRecord(source="survey-list", title=row.title, arxiv_id=row.arxiv_id, doi=row.doi))
        paper = URIRef(found) if found else None
        strategy, note = read_facet(facets[row.line].column, facets[row.line].value) if row.line in facets \
            else (None, None)
        entry = model or paper
        out[row.line] = RowPlace(row.line, row.category, scheme_concept_iri(scheme, row.category), strategy, note,
                                 model, paper, tuple(sorted(old.get(str(entry), ()))) if entry else ())
    return out


def match_kind(shared: int, old_shared: int, new_shared: int) -> str:
    """The SKOS mapping property for ``shared`` entries out of the old class's ``old_shared``
    and the new class's ``new_shared`` (entries listed in both versions)."""
    if shared == old_shared == new_shared:
        return "exactMatch"
    if shared == old_shared:
        return "broadMatch"  # all the old class went into the new one, which holds more: broader
    if shared == new_shared:
        return "narrowMatch"
    if 2 * shared > old_shared and 2 * shared > new_shared:
        return "closeMatch"
    return "relatedMatch"


def derive_crosswalk(places: dict[int, RowPlace], totals: Counter[str],
                     concepts: dict[str, URIRef]) -> list[CrosswalkLink]:
    """One link per (old class, new class) pair that shares an entry, with its counts."""
    pairs: dict[tuple[str, str], dict[URIRef, str]] = defaultdict(dict)
    new_concept: dict[str, URIRef] = {}
    for p in places.values():
        new_concept[p.label] = p.concept
        for o in p.old:
            if p.entry is not None:
                pairs[(o, p.label)].setdefault(p.entry, p.strategy or "(none)")
    old_shared: dict[str, set[URIRef]] = defaultdict(set)
    new_shared: dict[str, set[URIRef]] = defaultdict(set)
    for (o, n), entries in pairs.items():
        old_shared[o] |= entries.keys()
        new_shared[n] |= entries.keys()
    links = []
    for (o, n), entries in pairs.items():
        strategies = tuple(sorted(Counter(entries.values()).items(), key=lambda kv: (-kv[1], kv[0])))
        links.append(CrosswalkLink(concepts[o], new_concept[n], o, n,
                                   match_kind(len(entries), len(old_shared[o]), len(new_shared[n])),
                                   len(entries), len(old_shared[o]), totals[o], len(new_shared[n]), strategies,
                                   tuple(sorted(entries))))
    return sorted(links, key=lambda link: (link.old_label, -link.shared, link.new_label))


def _version_for(store: Store, rows: list[SurveyListRow], in_force: str, today: date) -> tuple[str, str, date,
                                                                                               bool] | None:
    """(version, the scheme it revises, its date, first seen) the list follows, or None when
    it follows the original scheme in force."""
    schemes = taxonomy_schemes(store)
    if _fit(rows, scheme_labels(store, in_force)) >= FIT:
        if in_force == str(TAXONOMY_SCHEME):
            return None
        info = next(s for s in schemes if s.iri == in_force)
        return in_force, str(info.previous or TAXONOMY_SCHEME), info.issued or today, False
    fits = sorted(((_fit(rows, scheme_labels(store, s.iri)), s) for s in schemes if s.iri != in_force),
                  key=lambda fs: (-fs[0], fs[1].iri))
    if fits and fits[0][0] >= FIT:
        info = fits[0][1]
        previous = in_force if info.iri == str(TAXONOMY_SCHEME) else str(info.previous or in_force)
        return info.iri, previous, info.issued or today, False
    known, n = {s.iri for s in schemes}, 1
    while str(version_scheme_iri(today, n)) in known:
        n += 1
    return str(version_scheme_iri(today, n)), in_force, today, True


def follow_list(store: Store, rows: list[SurveyListRow], facets: dict[int, Facet],
                today: date) -> SchemeChange | None:
    """The version of the taxonomy ``rows`` follow (see the module docstring), or None when
    they follow the original scheme and it is in force (the list's ordinary weekly edits)."""
    in_force = scheme_in_force(store)
    found = _version_for(store, rows, in_force, today)
    if found is None:
        return None
    scheme, previous, issued, first_seen = found
    concepts, columns = version_concepts(rows, facets)
    old, totals, old_concepts = _old_classes(store, previous)
    places = _resolve_rows(store, scheme, rows, facets, old)
    return SchemeChange(scheme, previous, issued, in_force, _fit(rows, scheme_labels(store, in_force)), first_seen,
                        concepts, columns, places, derive_crosswalk(places, totals, old_concepts))


def staging_update(change: SchemeChange, url: str) -> str:
    """The update that writes the version, its places and its crosswalk into
    ``graph:taxonomy-staged`` (re-deriving what an earlier run wrote for it); '' for the
    original scheme, which lives in the survey graphs and is never restaged."""
    if change.scheme == str(TAXONOMY_SCHEME):
        return ""
    g = Graph()
    map_version(g, Version(URIRef(change.scheme), URIRef(change.previous), change.issued, url, change.concepts))
    for p in change.rows.values():
        if p.model is not None:
            map_place(g, Place(p.model, p.concept, p.strategy, p.note))
        if p.paper is not None:
            map_place(g, Place(p.paper, p.concept, None if p.model else p.strategy, None if p.model else p.note))
    map_crosswalk(g, change.previous, change.scheme, change.links)
    return internal("restage-version", scheme=change.scheme, data=g.serialize(format="nt"),
                    literals={"prefix": crosswalk_prefix(change.previous, change.scheme)})


def list_version_labels(change: SchemeChange | None) -> set[str]:
    """The labels of a version the list follows while another scheme is in force: they are
    not classes new to the taxonomy in force (they belong to the version), so the update
    does not report them as such."""
    return change.labels if change is not None and change.changes_taxonomy else set()


def examples_in_force(store: Store, examples: list[Example]) -> list[Example]:
    """The classifier's labelled examples with labels of the scheme in force: a paper the
    version places takes its class there; any other follows :func:`map_through_crosswalk`,
    and one whose class the crosswalk splits (ambiguous) or cannot map is left out, rather
    than taught to the classifier under a guess. Near misses (no label) stay as they are."""
    in_force = scheme_in_force(store)
    if in_force == str(TAXONOMY_SCHEME):
        return list(examples)
    own = {r["label"] for r in store.select(internal("scheme-classes", scheme=in_force)).rows}
    by_title = {normalise_title(r["title"]): r["label"] for r in
                store.select(internal("scheme-members", scheme=in_force)).rows if r["title"] and r["label"] in own}
    mapped = map_through_crosswalk(store, {e.label for e in examples if e.label and e.label not in own}, in_force)
    out = []
    for e in examples:
        if e.label is None or e.label in own:
            out.append(e)
            continue
        new, ambiguous = mapped.get(e.label, (None, False))
        label = by_title.get(normalise_title(e.title)) or (None if ambiguous else new)
        if label:
            out.append(Example(e.title, e.abstract, label))
    return out
