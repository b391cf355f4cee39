"""SHACL validation of the merged graph against shapes.ttl (pyshacl, on an in-memory copy:
pyshacl is much faster on a plain rdflib Graph than through a store).

Violations and warnings are reported apart: a violation is an error (``kg validate`` exits
1), a warning (sh:Warning) is a judgement for a person to check, such as a Dice below 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import processor

from kg.resources import SHAPES_FILE
from kg.store import Store


@dataclass
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str  # 'Violation', 'Warning' or 'Info'
    shape: str | None = None  # the shape (or its property shape, a blank node) that failed
    value: str | None = None  # the offending value, where the constraint names one


@dataclass
class ValidationReport:
    """``conforms`` is False only for violations; warnings never fail a build or a CI run."""

    conforms: bool
    violations: list[Violation]  # severity Violation
    text: str
    warnings: list[Violation] = field(default_factory=list)  # severity Warning or Info


@contextmanager
def _sparql_translated_once() -> Iterator[None]:
    """pyshacl runs a SPARQL constraint once per focus node with the same text, and rdflib
    parses the text each time: 12 ms a parse, 10 s of a 13 s validation. Translate each
    text once while validating (the translated query is not changed by evaluation)."""
    original_parse, original_translate = processor.parseQuery, processor.translateQuery
    cache: dict[tuple[str, Any, Any], Any] = {}

    def translate(text: str, base: Any = None, init_ns: Any = None) -> Any:
        key = (text, base, tuple(sorted(init_ns.items())) if init_ns else None)
        if key not in cache:
            cache[key] = original_translate(original_parse(text), base, init_ns)
        return cache[key]

    processor.parseQuery, processor.translateQuery = (lambda text: text), translate  # type: ignore[assignment]
    try:
        yield
    finally:
        processor.parseQuery, processor.translateQuery = original_parse, original_translate  # type: ignore[assignment]


def _results(report_graph: Graph) -> list[Violation]:
    out = []
    for result in report_graph.subjects(URIRef(str(SH.resultSeverity)), None):
        def one(p: URIRef, result: object = result) -> str | None:
            v = report_graph.value(result, p)
            return str(v) if v is not None else None
        out.append(Violation(
            focus=one(SH.focusNode) or "?", path=one(SH.resultPath), message=one(SH.resultMessage) or "",
            severity=(one(SH.resultSeverity) or "").rsplit("#", 1)[-1], shape=one(SH.sourceShape),
            value=one(SH.value),
        ))
    out.sort(key=lambda v: (v.focus, v.path or "", v.message))
    return out


def shapes_targeting(data: Graph, shapes: Graph, nodes: list[URIRef]) -> list[URIRef]:
    """The node shapes whose targets (class, subjects of, objects of, node) hold one of ``nodes``."""
    def targets(shape: URIRef, node: URIRef) -> bool:
        types = set(data.objects(node, RDF.type))
        types |= {sup for t in types for sup in data.transitive_objects(t, RDFS.subClassOf)}
        return (any(c in types for c in shapes.objects(shape, SH.targetClass))
                or (shape, RDF.type, RDFS.Class) in shapes and shape in types
                or any((node, p, None) in data for p in shapes.objects(shape, SH.targetSubjectsOf))
                or any((None, p, node) in data for p in shapes.objects(shape, SH.targetObjectsOf))
                or node in set(shapes.objects(shape, SH.targetNode)))
    return [s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)
            and any(targets(s, n) for n in nodes)]


def validate_graph(data: Graph, shapes: Path | Graph = SHAPES_FILE,
                   focus: list[URIRef] | None = None) -> ValidationReport:
    """Validate ``data``; with ``focus``, only those nodes, against the shapes that target
    them (nested shapes are checked in full, and the rest of ``data`` is there for class and
    SPARQL checks): what a full run reports about those nodes, in a fraction of its time."""
    shapes_graph = shapes if isinstance(shapes, Graph) else Graph().parse(shapes, format="turtle")
    use = shapes_targeting(data, shapes_graph, focus) if focus else None
    if focus and not use:
        return ValidationReport(True, [], "no shape targets the focus nodes", [])
    # pyshacl checks a sh:node's shape only when it is among use_shapes, and then also applies
    # it to the focus nodes themselves: those direct results are dropped below, by message
    # (pyshacl reports its own copies of the shapes' blank nodes).
    nested = {n for n in shapes_graph.objects(None, SH.node) if isinstance(n, URIRef)} - set(use or [])
    direct = {str(m) for n in nested for node in (n, *shapes_graph.objects(n, SH.property))
              for m in shapes_graph.objects(node, SH.message)}
    if use:
        use = [*use, *sorted(nested)]
    # No ontology mixing or inference: the shapes target classes that the mapping asserts
    # explicitly, and mixing the ontology in made pyshacl 1,000x slower (7 min vs 0.3 s here).
    with _sparql_translated_once():
        _, report_graph, text = shacl_validate(data, shacl_graph=shapes_graph, inference="none", allow_warnings=True,
                                               focus_nodes=focus or None, use_shapes=use)
    results = [r for r in _results(report_graph) if not (focus and r.message in direct)]
    violations = [r for r in results if r.severity == "Violation"]
    return ValidationReport(not violations, violations, str(text), [r for r in results if r.severity != "Violation"])


def validate_store(store: Store) -> ValidationReport:
    return validate_graph(store.to_rdflib())
