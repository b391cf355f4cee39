"""The house's shape, read from the code: one home per concept, dependencies one way, SPARQL
only in .rq/.ru files, small modules and functions."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.queries import INTERNAL_DIR, QUERY_DIR, internal, internal_names, join_updates

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("kg/**/*.py"), *ROOT.glob("ingest/**/*.py"), ROOT / "app.py"])
SPARQL = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b[\s\S]*\bWHERE\b|\bINSERT\s+DATA\b|\bDELETE\s+(DATA|WHERE)\b"
                    r"|\bINSERT\s*\{", re.I)


def _module(path: Path) -> str:
    return path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_no_sparql_text_in_python_sources() -> None:
    offenders = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) > 30 \
                    and SPARQL.search(node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_modules_and_functions_stay_small() -> None:
    big = [f"{p.relative_to(ROOT)}: {n}" for p in SOURCES if (n := p.read_text(encoding="utf-8").count("\n") + 1) > 400]
    long = [f"{p.relative_to(ROOT)}:{node.name}" for p in SOURCES
            for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 80]
    assert (big, long) == ([], [])


def test_dependencies_point_one_way() -> None:
    """app.py -> kg -> ingest; inside kg, cli and ui on top, tracker over the graph modules."""
    wrong = []
    for path in SOURCES:
        mod = _module(path)
        for imported in _imports(path):
            if mod.startswith("ingest") and imported.startswith("kg"):
                wrong.append(f"{mod} imports {imported}")
            if imported.startswith(("kg.cli", "kg.ui")) and not mod.startswith(("kg.cli", "kg.ui", "app")):
                wrong.append(f"{mod} imports {imported}")
            above_tracker = ("kg.tracker", "kg.cli", "kg.ui")
            if imported.startswith("kg.tracker") and not mod.startswith(above_tracker):
                wrong.append(f"{mod} imports {imported}")
    assert wrong == []


def test_named_graphs_are_minted_only_in_vocab() -> None:
    minted = [f"{p.relative_to(ROOT)}" for p in SOURCES if p.name != "vocab.py"
              and re.search(r'GRAPH\[|w3id\.org/medseg-kg/graph/[a-z]', p.read_text(encoding="utf-8"))]
    assert minted == []


@pytest.mark.parametrize("name", internal_names())
def test_every_internal_question_parses(name: str) -> None:
    text = internal(name, data="<urn:x:s> <urn:x:p> <urn:x:o> .\n")
    store = ox.Store()
    if (INTERNAL_DIR / f"{name}.ru").is_file():
        store.update(text)  # runs on an empty store: a syntax error raises
    else:
        store.query(text)


def test_updates_joined_into_one_request_keep_one_prologue() -> None:
    """Oxigraph refuses a PREFIX after ';': the join hoists every part's prologue."""
    store = ox.Store()
    graph = "https://w3id.org/medseg-kg/graph/test"
    store.update(join_updates([
        internal("insert-into-graph", graph=graph,
                 data="<urn:x:a> <urn:x:p> <urn:x:b> .\n<urn:x:c> <urn:x:p> <urn:x:d> .\n"),
        internal("replace-graph", graph=graph, data="<urn:x:c> <urn:x:p> <urn:x:d> .\n"),
    ]))
    assert [q.subject.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))] == ["urn:x:c"]


def test_placeholders_take_only_well_formed_iris_and_escaped_strings() -> None:
    with pytest.raises(ValueError, match="not a usable IRI"):
        internal("replace-graph", graph="https://w3id.org/g> } ; DROP ALL ; INSERT DATA { <x", data="")
    text = internal("paper-by-identifier", property="https://w3id.org/medseg-kg/ontology#arxivId",
                    literals={"value": 'x" } ; DROP ALL #'})
    store = ox.Store()
    assert list(store.query(text)) == []  # the value stayed one string literal


def test_saved_and_internal_questions_have_distinct_names() -> None:
    saved = {p.stem for p in QUERY_DIR.glob("*.rq")}
    assert saved.isdisjoint(internal_names())


def _layout_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## Layout\n"):text.index("Dependencies point one way")]


def _named(module: str, layout: str) -> bool:
    """A module is named by its file name or its stem ('classify' in 'classify*'), or by a
    wildcard the layout uses for a family ('bench*.py', 'store*.py')."""
    stem = module.removesuffix(".py")
    words = set(re.findall(r"\w+\*?(?:\.py)?", layout))
    if module in words or stem in words:
        return True
    prefixes = {w.removesuffix(".py").removesuffix("*") for w in words if "*" in w}
    return any(stem.startswith(prefix) for prefix in prefixes)


@pytest.mark.parametrize("package", ["kg", "kg/tracker", "kg/mapping", "kg/cli", "ingest"])
def test_readme_layout_names_every_module(package: str) -> None:
    layout = _layout_section()
    modules = [p.name for p in sorted((ROOT / package).glob("*.py")) if p.name not in {"__init__.py", "__main__.py"}]
    missing = [m for m in modules if not _named(m, layout)]
    assert not missing, f"README's Layout does not name {package}/{', '.join(missing)}"
