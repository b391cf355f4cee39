"""Every `kg query` example of the README's "Asking questions" section runs on the survey
build and returns the number of rows the README says (its "# N rows" comment), each row a
different fact; and the section's vocabulary names every term the saved questions use."""

from __future__ import annotations

import csv
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from kg.queries import saved_queries
from kg.store import Store

README = Path(__file__).resolve().parents[1] / "README.md"
TERM = re.compile(r"\b(?:mskg|dcterms|skos|prov|cito|schema|rdfs|foaf|bibo|dcat):[A-Za-z][A-Za-z0-9]*")


def asking_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("## Asking questions"):text.index("## Serving and sharing the graph")]


def examples() -> list[tuple[list[str], int]]:
    """(kg arguments, stated row count) per example: a code line starting `kg query` and the
    more deeply indented lines that continue it."""
    found: list[str] = []
    for line in asking_section().splitlines():
        if line.startswith("    kg query"):
            found.append(line.strip())
        elif found and line.startswith("     ") and not line.strip().startswith("kg "):
            found[-1] += "\n" + line.strip()
    out = []
    for command in found:
        stated = re.search(r"#\s*(\d+) rows?", command)
        assert stated, f"README example states no row count: {command}"
        out.append((shlex.split(command, comments=True)[1:], int(stated.group(1))))
    return out


def test_the_readme_has_examples() -> None:
    assert len(examples()) >= 5


def _id(value: object) -> str:
    return " ".join(value)[:40] if isinstance(value, list) else str(value)


@pytest.mark.parametrize(("args", "rows"), examples(), ids=_id)
def test_a_readme_example_returns_the_rows_it_states(build_report: object, store_dir: Path, args: list[str],
                                                     rows: int) -> None:
    env = {**os.environ, "MSKG_STORE": str(store_dir)}
    proc = subprocess.run([sys.executable, "-m", "kg.cli", *args, "-f", "csv"], capture_output=True, text=True,
                          env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    got = list(csv.reader(io.StringIO(proc.stdout)))[1:]
    assert len(got) == rows, got
    assert len({tuple(r) for r in got}) == len(got), "a row repeats: the example counts a fact twice"


def test_the_counts_the_readme_states_are_the_builds(store: Store) -> None:
    assert "83 models (the survey database's 82" in " ".join(asking_section().split())
    db = "https://w3id.org/medseg-kg/graph/survey-db"
    n = store.select("SELECT (COUNT(DISTINCT ?m) AS ?all) (COUNT(DISTINCT ?d) AS ?db) WHERE { "
                     "{ ?m a <https://w3id.org/medseg-kg/ontology#Model> } UNION "
                     f"{{ GRAPH <{db}> {{ ?d a <https://w3id.org/medseg-kg/ontology#Model> }} }} }}").rows[0]
    assert (n["all"], n["db"]) == (83, 82)


def test_the_vocabulary_names_every_term_the_saved_questions_use() -> None:
    section = asking_section()
    used = {t for q in saved_queries() for t in TERM.findall(re.sub(r"(?m)#.*$", "", q.text))}
    missing = sorted(t for t in used if f"`{t}`" not in section and t not in section)
    assert missing == [], missing
    for term in ("dcterms:issued", "mskg:venue", "mskg:modality", "mskg:bodyRegion", "mskg:anatomicalStructure"):
        assert f"`{term}`" in section
