"""The closing numbers of issue #15 for one checkout: people, authors matched across sources,
repaired values, OWL 2 DL profile violations and the mutation suite's catch rate.

    python scripts/measure_graph_quality.py [--tree CHECKOUT] [--no-mutations] [--json]

``--tree`` measures another checkout (an older commit, e.g. from ``git worktree add``) with
the same inputs: that checkout's own code builds its own bundled data and validates with its
own shapes.ttl. The yardsticks stay this checkout's: the OWL API's profile checker and
HermiT (kg/owl/OwlCheck.java with owlready2's jar, java on PATH) and the mutations of
tests/shape_mutations.py, so old and new are measured alike. A mutation counts as caught
when a whole-graph validation (what ``kg validate`` runs) reports a result on the node it
broke that the unmutated graph does not have; "as specified" also wants the severity and
the rule's words the test suite asks for. The mutations take a few minutes (one full
validation each).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path) -> ModuleType:
    """A module of this checkout by file, whichever checkout's ``kg`` is on the path."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _name_key(name: str) -> tuple[str, ...]:
    """Tokens of a name without accents, case or order: 'Merhof, Dorit' = 'Dorit Merhof'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return tuple(sorted(re.sub(r"[^a-z]+", " ", text).split()))


def people_numbers(g: Any, report: Any) -> dict[str, Any]:
    from rdflib.namespace import FOAF, RDF

    persons = set(g.subjects(RDF.type, FOAF.Person))
    by_key: dict[tuple[str, ...], set] = {}
    for p in persons:
        for name in g.objects(p, FOAF.name):
            by_key.setdefault(_name_key(str(name)), set()).add(p)
    people = getattr(report, "people", None)
    return {
        "people": len(persons),
        "names shared by two or more person nodes (order, accents, case aside)": sum(
            len(ps) > 1 for ps in by_key.values()
        ),
        "authors merged across spellings (build report)": people.merged if people else 0,
    }


def value_numbers(g: Any, report: Any) -> dict[str, Any]:
    from rdflib import Namespace
    from rdflib.namespace import DCTERMS

    mskg = Namespace("https://w3id.org/medseg-kg/ontology#")
    dice = [float(d) for d in g.objects(None, mskg.dice)]
    return {
        "values repaired (build report)": sum(p.action.startswith("repaired") for p in report.problems),
        "of them Dice fractions x100": sum(
            p.action.startswith("repaired") and "x100" in p.action + p.reason for p in report.problems
        ),
        "Dice values <= 1": sum(d <= 1 for d in dice),
        "dcterms:hasPart / dcterms:isPartOf": (
            f"{len(set(g.triples((None, DCTERMS.hasPart, None))))} / "
            f"{len(set(g.triples((None, DCTERMS.isPartOf, None))))}"
        ),
        "mskg:sourceFile literals that are absolute paths": sum(
            str(o).startswith("/") for o in g.objects(None, mskg.sourceFile)
        ),
    }


def owl_numbers(tree: Path, g: Any) -> dict[str, Any]:
    from rdflib import Graph

    owl = _load("_measure_owl_check", HERE / "kg" / "owl_check.py")
    alone = owl.check_owl(Graph().parse(tree / "ontology.ttl", format="turtle"))
    with_data = owl.check_owl(g)
    return {
        "OWL 2 DL profile violations, ontology.ttl alone": len(alone.violations),
        "OWL 2 DL profile violations, ontology + survey graph": len(with_data.violations),
        "HermiT: ontology + survey graph consistent": with_data.consistent
        if with_data.consistent is not None
        else f"refused: {(with_data.reasoner_error or '')[:120]}",
    }


def _results(validate_graph: Any, g: Any, shapes: Path) -> set[tuple[str, str, str, str]]:
    report = validate_graph(g, shapes)
    found = list(report.violations) + list(getattr(report, "warnings", []))
    return {(f.focus, f.path or "", f.message, f.severity) for f in found}


def mutation_numbers(tree: Path, g: Any) -> dict[str, Any]:
    from kg.validate import validate_graph

    mutations = _load("_measure_shape_mutations", HERE / "tests" / "shape_mutations.py")
    shapes = tree / "shapes.ttl"
    baseline = _results(validate_graph, g, shapes)
    caught, as_specified, missed, not_applicable = 0, 0, [], []
    for m in mutations.MUTATIONS:
        edit = mutations.Edit(g)
        try:
            focus = m.mutate(edit)
            new = _results(validate_graph, g, shapes) - baseline
        except AssertionError:  # the node the mutation edits is not in this graph
            not_applicable.append(m.name)
            continue
        finally:
            edit.undo()
        on_focus = [r for r in new if r[0] == str(focus) and (m.path is None or r[1] == str(m.path))]
        if any(r[0] == str(focus) for r in new):
            caught += 1
        else:
            missed.append(m.name)
        as_specified += any(m.rule in r[2] and r[3] == m.severity for r in on_focus)
    tried = len(mutations.MUTATIONS) - len(not_applicable)
    return {
        "unmutated graph: violations / warnings": f"{sum(r[3] == 'Violation' for r in baseline)} / "
        f"{sum(r[3] != 'Violation' for r in baseline)}",
        "mutations caught of tried": f"{caught} of {tried}",
        "caught as specified (severity, rule's words)": f"{as_specified} of {tried}",
        "missed": missed,
        "not applicable (node absent)": not_applicable,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=HERE, help="the checkout to measure (default: this one)")
    parser.add_argument("--no-mutations", action="store_true", help="skip the mutation suite (minutes)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    tree = args.tree.resolve()
    sys.path.insert(0, str(tree))  # that checkout's kg and ingest
    from kg.build import build
    from kg.store import Store

    store = Store(None)
    report = build(store)
    g = store.to_rdflib()
    numbers: dict[str, Any] = {"triples": len(g)}
    numbers |= people_numbers(g, report) | value_numbers(g, report) | owl_numbers(tree, g)
    if not args.no_mutations:
        numbers |= mutation_numbers(tree, g)
    if args.json:
        print(json.dumps(numbers, indent=2, default=str))
    else:
        for key, value in numbers.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
