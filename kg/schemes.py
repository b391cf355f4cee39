"""The versions of the survey taxonomy in the graph and the one in force (issue #18).

The original scheme ``id:taxonomy`` is in force until a maintainer adopts a version that
`kg update` staged from the upstream list (:func:`adopt_scheme`, recorded in the curation
file); :func:`scheme_in_force` is what the classifier, the review commands, the app and the
export read, so adopting, or switching back, is one call. :func:`map_through_crosswalk`
carries class labels of one version into the scheme in force, flagged where the crosswalk
splits a class; :func:`scheme_outline` is the structure a writer of the list follows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Graph

from ingest.scheme_decisions import SchemeDecision, append_scheme_decision, latest_scheme_decision
from kg.mapping.schemes import map_adoption
from kg.queries import internal
from kg.store import Store
from kg.vocab import PREFIXES, TAXONOMY_IN_FORCE, TAXONOMY_SCHEME


class SchemeError(ValueError):
    """A scheme that is not a taxonomy version of this graph; the message lists those that are."""


@dataclass(frozen=True)
class SchemeInfo:
    iri: str
    label: str | None
    issued: date | None
    previous: str | None  # the scheme it revises (None for the original)
    in_force: bool


def expand(iri: str) -> str:
    """``id:taxonomy-2025-07-01`` -> the full IRI (a full IRI is returned as it is)."""
    prefix, _, rest = iri.partition(":")
    return PREFIXES[prefix] + rest if prefix in PREFIXES and not rest.startswith("//") else iri


def scheme_in_force(store: Store) -> str:
    """The adopted scheme's IRI, or ``id:taxonomy`` when none is adopted (or the adopted one
    is no longer in the graph, so a lost staging graph can never leave no taxonomy at all)."""
    rows = store.select(internal("scheme-in-force")).rows
    return str(rows[0]["s"]) if rows else str(TAXONOMY_SCHEME)


def taxonomy_schemes(store: Store) -> list[SchemeInfo]:
    """The original scheme and every version read from the list, oldest first."""
    in_force = scheme_in_force(store)
    seen: dict[str, SchemeInfo] = {}
    for r in store.select(internal("taxonomy-schemes")).rows:
        iri = str(r["s"])
        if iri not in seen:
            issued = r["issued"] if isinstance(r["issued"], date) else None
            seen[iri] = SchemeInfo(iri, r["label"], issued, r["previous"], iri == in_force)
    return list(seen.values())


def adopt_scheme(store: Store, scheme_iri: str, *, curation_file: Path | None = None,
                 decided: date | None = None) -> str:
    """Put ``scheme_iri`` (a version of the taxonomy, or ``id:taxonomy`` to switch back) in
    force; the decision is appended to ``curation_file`` when given. Returns the full IRI."""
    iri = expand(scheme_iri)
    known = [s.iri for s in taxonomy_schemes(store)]
    if iri not in known:
        raise SchemeError(f"{scheme_iri}: not a taxonomy scheme of this graph; one of: {', '.join(known)}")
    decided = decided or date.today()
    if curation_file is not None:
        append_scheme_decision(curation_file, SchemeDecision(iri, decided))
    g = Graph()
    map_adoption(g, iri, decided)
    store.update(internal("replace-graph", graph=str(TAXONOMY_IN_FORCE), data=g.serialize(format="nt")))
    store.flush()
    return iri


def adoption_update(store: Store, curation_file: Path | None) -> str:
    """The update that re-applies the curation file's last ``[[scheme]]`` decision, as builds
    and updates re-apply the paper decisions ('' without a file or a decision, or when the
    decided scheme is not in this graph: the store then keeps the scheme it has in force)."""
    decision = latest_scheme_decision(curation_file) if curation_file is not None else None
    if decision is None or decision.scheme not in {s.iri for s in taxonomy_schemes(store)}:
        return ""
    g = Graph()
    map_adoption(g, decision.scheme, decision.decided)
    return internal("replace-graph", graph=str(TAXONOMY_IN_FORCE), data=g.serialize(format="nt"))


def scheme_labels(store: Store, scheme: str) -> set[str]:
    """The concept labels of ``scheme`` (sections and classes) that a source of record states:
    what the upstream list is measured against. A concept only a candidate's graph states is
    left out, so headings an older `kg update` mixed into id:taxonomy do not make a list of
    another version look like one of id:taxonomy."""
    return {r["label"] for r in store.select(internal("scheme-labels-of-record", scheme=scheme)).rows}


def crosswalk(store: Store, scheme: str | None = None) -> list[dict[str, object]]:
    """The crosswalk links into ``scheme`` (default: the scheme in force), for review: old
    class and scheme, the SKOS mapping, new class, entries listed under both, a sentence."""
    rows = store.select(internal("crosswalk", scheme=scheme or scheme_in_force(store))).rows
    return [{"from": r["from"], "old": r["oldLabel"], "match": str(r["match"]).rsplit("#", 1)[-1],
             "new": r["newLabel"], "entries": int(r["n"]), "description": r["description"]} for r in rows]


def class_labels(store: Store, scheme: str) -> set[str]:
    return {r["label"] for r in store.select(internal("scheme-classes", scheme=scheme)).rows}


def _links(store: Store) -> dict[tuple[str, str], list[tuple[str, str, int]]]:
    """(scheme, label) -> [(other scheme, other label, shared entries)], both directions."""
    out: dict[tuple[str, str], list[tuple[str, str, int]]] = defaultdict(list)
    for r in store.select(internal("crosswalk-links")).rows:
        out[(str(r["from"]), r["oldLabel"])].append((str(r["to"]), r["newLabel"], int(r["n"])))
        out[(str(r["to"]), r["newLabel"])].append((str(r["from"]), r["oldLabel"], int(r["n"])))
    return out


def map_through_crosswalk(store: Store, labels: list[str] | set[str],
                         to_scheme: str | None = None) -> dict[str, tuple[str | None, bool]]:
    """Each class label of an older (or newer) version -> (its class in ``to_scheme``,
    default the scheme in force, or None; ambiguous). A label of the target maps to itself;
    another follows the crosswalk links of its class, hop by hop (at most one scheme at a
    time, never back), to the target's class sharing most entries. Ambiguous: the class's
    entries are split over several classes on some hop, or the best ones tie."""
    target = to_scheme or scheme_in_force(store)
    own = class_labels(store, target)
    links = _links(store)
    out: dict[str, tuple[str | None, bool]] = {}
    for label in labels:
        if label in own:
            out[label] = (label, False)
            continue
        starts = [key for key in links if key[1] == label and key[0] != target]
        out[label] = _follow(starts, links, target)
    return out


def _follow(starts: list[tuple[str, str]], links: dict[tuple[str, str], list[tuple[str, str, int]]],
            target: str) -> tuple[str | None, bool]:
    """Breadth-first over schemes from ``starts`` to ``target``: the heaviest link per hop."""
    ambiguous = len(starts) > 1
    frontier, visited = starts, {s for s, _ in starts}
    for _ in range(8):  # a chain of versions longer than this is not a crosswalk anyone reviews
        hops = [(s, lab, n) for key in frontier for s, lab, n in links.get(key, []) if s not in visited]
        if not hops:
            return None, False
        into = [h for h in hops if h[0] == target] or hops
        by_label: dict[tuple[str, str], int] = defaultdict(int)
        for s, lab, n in into:
            by_label[(s, lab)] += n
        ranked = sorted(by_label.items(), key=lambda kv: (-kv[1], kv[0]))
        ambiguous |= len(ranked) > 1
        best = ranked[0][0]
        if best[0] == target:
            return best[1], ambiguous
        visited |= {s for s, _, _ in hops}
        frontier = [best]
    return None, False
