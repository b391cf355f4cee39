"""OWL 2 DL for real: the OWL API's profile checker and HermiT's consistency check over the
ontology, or the ontology with the graph's data.

Both come inside owlready2's HermiT.jar (a PyPI package: ``pip install owlready2``); the
small Java program beside this module runs them, launched as a single source file, which
needs a JDK's ``java`` on PATH (17 here). Used by tests/test_owl_profile.py in CI.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

CHECKER = Path(__file__).resolve().parent / "owl" / "OwlCheck.java"


class OwlCheckUnavailable(RuntimeError):
    """No java, or no owlready2 (with its HermiT.jar): say which to install."""


@dataclass
class OwlReport:
    violations: list[tuple[str, str]]  # (kind, text) of each OWL 2 DL profile violation
    consistent: bool | None  # None when HermiT refused the input
    reasoner_error: str | None = None


def hermit_jar() -> Path:
    try:
        import owlready2
    except ImportError as exc:
        raise OwlCheckUnavailable("the OWL check needs owlready2 (pip install owlready2), which ships HermiT") from exc
    jar = Path(owlready2.__file__).resolve().parent / "hermit" / "HermiT.jar"
    if not jar.is_file():
        raise OwlCheckUnavailable(f"owlready2 is installed but {jar} is missing; reinstall owlready2")
    return jar


def check_owl(graph: Graph, timeout_s: float = 600) -> OwlReport:
    """Profile violations and consistency of ``graph`` (the ontology, possibly with data)."""
    java = shutil.which("java")
    if java is None:
        raise OwlCheckUnavailable(
            "the OWL check needs java (a JDK 11 or later) on PATH, e.g. apt-get install default-jdk"
        )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.nt"
        graph.serialize(destination=path, format="nt", encoding="utf-8")
        proc = subprocess.run(
            [java, "-cp", str(hermit_jar()), str(CHECKER), str(path)],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"the OWL check failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return parse_report(proc.stdout)


def parse_report(text: str) -> OwlReport:
    violations: list[tuple[str, str]] = []
    consistent: bool | None = None
    error = None
    for line in text.splitlines():
        kind, _, rest = line.partition("\t")
        if kind == "violation":
            name, _, what = rest.partition("\t")
            violations.append((name, what))
        elif kind == "consistent":
            consistent = rest.strip() == "true"
        elif kind == "reasoner-error":
            error = rest.strip()
    return OwlReport(violations, consistent, error)
