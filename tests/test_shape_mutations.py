"""Shapes that catch what they should: single mutations of the built survey graph, each a
thing a user could get wrong or a source could send, each rejected by validation with a
result on the node it broke and a message that names the rule. The graph is built once per
session (conftest's store); each test edits it in memory, validates the node it broke (with
the whole graph there for class and SPARQL checks), and undoes its edit. The mutations are in
tests/shape_mutations.py."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.namespace import DCTERMS, RDF

from kg.resources import SHAPES_FILE
from kg.store import Store
from kg.validate import ValidationReport, validate_graph
from kg.vocab import MSKG
from shape_mutations import DECIMAL, MUTATIONS, Edit, Mutation


@pytest.fixture(scope="session")
def built(store: Store) -> Graph:
    return store.to_rdflib()


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def _findings(report: ValidationReport, severity: str) -> list:
    return report.violations if severity == "Violation" else report.warnings


def test_the_built_graph_has_no_violation_and_no_warning(built: Graph) -> None:
    report = validate_graph(built)
    assert report.conforms and report.violations == [], report.text
    assert report.warnings == [], [f"{w.focus}: {w.message}" for w in report.warnings]


def test_there_are_at_least_30_mutations() -> None:
    assert len(MUTATIONS) >= 30 and len({m.name for m in MUTATIONS}) == len(MUTATIONS)


@pytest.mark.parametrize("mutation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_the_mutation_is_caught(built: Graph, shapes: Graph, mutation: Mutation) -> None:
    edit = Edit(built)
    try:
        focus = mutation.mutate(edit)  # type: ignore[arg-type]
        report = validate_graph(built, shapes, focus=[focus])
    finally:
        edit.undo()
    found = [
        f
        for f in _findings(report, mutation.severity)
        if f.focus == str(focus) and (mutation.path is None or f.path == str(mutation.path))
    ]
    everything = [f"{f.severity} {f.focus} {f.path}: {f.message}" for f in report.violations + report.warnings]
    assert found, f"{mutation.name}: nothing on {focus} {mutation.path}; got {everything}"
    assert any(mutation.rule in f.message for f in found), [f.message for f in found]
    assert report.conforms == (mutation.severity != "Violation")


def test_the_edits_are_undone_and_a_whole_broken_graph_fails(built: Graph, shapes: Graph) -> None:
    """The whole-graph run (what kg validate does) on one copy: the suite's edits left no
    trace, and a result node with a score but nothing else fails on its own."""
    g = Graph()
    g += built
    assert validate_graph(g, shapes).conforms
    node = BNode()
    g.add((node, RDF.type, MSKG.Result))
    g.add((node, MSKG.dice, Literal("50.0", datatype=DECIMAL)))
    report = validate_graph(g, shapes)
    assert not report.conforms
    assert {v.path for v in report.violations if v.focus == str(node)} >= {str(MSKG.model), str(MSKG.dataset)}


def test_a_title_with_a_lone_dollar_is_text(built: Graph, shapes: Graph) -> None:
    """A price is no math: only a pair of dollars is LaTeX (the 'title with LaTeX' mutation)."""
    edit = Edit(built)
    paper = next(iter(built.subjects(MSKG.arxivId, None)))
    try:
        edit.set((paper, DCTERMS.title, Literal("Segment anything for under $10")))
        report = validate_graph(built, shapes, focus=[paper])
    finally:
        edit.undo()
    assert report.conforms, [v.message for v in report.violations]
