"""The `kg` command end to end, as a user runs it: real processes, a real store on disk."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

KG = [sys.executable, "-m", "kg.cli"]


def kg(*args: str, store: Path, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSKG_STORE": str(store), "COLUMNS": "200"}
    proc = subprocess.run([*KG, *args], capture_output=True, text=True, env=env, input=stdin, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"kg {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("cli") / "store"
    proc = kg("build", store=store)
    assert "Dice results 1041" in proc.stderr and "unresolved: none" in proc.stderr
    return store


def test_every_command_has_help(tmp_path: Path) -> None:
    for command in ("build", "query", "export", "validate", "stats"):
        proc = kg(command, "--help", store=tmp_path / "unused")
        assert "Usage:" in proc.stdout


def test_store_option_overrides_the_environment(built: Path, tmp_path: Path) -> None:
    proc = subprocess.run([*KG, "--store", str(built), "stats", "--json"], capture_output=True, text=True,
                          env={**os.environ, "MSKG_STORE": str(tmp_path / "elsewhere")}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["classes"]["results"] == 1041


def test_stats_counts(built: Path) -> None:
    stats = json.loads(kg("stats", "--json", store=built).stdout)
    assert stats["classes"]["models"] == 83 and stats["classes"]["results"] == 1041
    assert stats["classes"]["datasets"] == 61
    assert "https://w3id.org/medseg-kg/graph/survey-db" in stats["graphs"]


def test_validate_passes_on_the_built_graph(built: Path) -> None:
    assert "conforms" in kg("validate", store=built).stderr


def test_query_outputs(built: Path) -> None:
    rows = json.loads(kg("query", "lineage-of-medsam2", "-f", "json", store=built).stdout)
    assert rows == [{"ancestor": "SAM 2", "distance": 1}, {"ancestor": "SAM", "distance": 2}]
    text = kg("query", 'SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a mskg:Result }', "-f", "csv", store=built).stdout
    assert list(csv.DictReader(io.StringIO(text))) == [{"n": "1041"}]
    table = kg("query", "models-without-code", store=built).stdout
    assert "LeSAM" in table
    piped = kg("query", "-", "-f", "json", store=built, stdin="ASK { ?m rdfs:label \"MedSAM\" }").stdout
    assert json.loads(piped) == [{"result": True}]


def test_query_errors_are_messages_not_tracebacks(built: Path) -> None:
    proc = kg("query", "SELECT ?x WHERE { ?x", store=built, check=False)
    assert proc.returncode != 0 and "query failed" in proc.stderr and "Traceback" not in proc.stderr
    proc = kg("query", "no-such-question", store=built, check=False)
    assert proc.returncode != 0 and "kg query --list" in proc.stderr


def test_query_on_a_missing_store_says_to_build(tmp_path: Path) -> None:
    proc = kg("stats", store=tmp_path / "none", check=False)
    assert proc.returncode != 0 and "run `kg build` first" in proc.stderr


@pytest.mark.parametrize("fmt,parse_as", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_export_then_reimport_round_trip(built: Path, tmp_path: Path, fmt: str, parse_as: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    kg("export", "--format", fmt, "-o", str(out), store=built)
    reread = Graph().parse(out, format=parse_as)
    from kg.store import Store
    original = Store.open(built, read_only=True).to_rdflib()
    assert len(reread) == len(original)
    assert isomorphic(reread, original)


def test_export_quads_keep_named_graphs(built: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.nq"
    kg("export", "--format", "nquads", "-o", str(out), store=built)
    ds = Dataset()
    ds.parse(out, format="nquads")
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert "https://w3id.org/medseg-kg/graph/survey-list" in names


def test_export_graphml_and_csv(built: Path, tmp_path: Path) -> None:
    import networkx as nx
    gml = tmp_path / "g.graphml"
    kg("export", "--format", "graphml", "-o", str(gml), store=built)
    g = nx.read_graphml(gml)
    medsam = "https://w3id.org/medseg-kg/id/model/medsam"
    assert g.nodes[medsam]["label"] == "MedSAM"
    assert g.has_edge(medsam, "https://w3id.org/medseg-kg/id/model/sam")
    out = tmp_path / "tables"
    kg("export", "--format", "csv", "-o", str(out), store=built)
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert {"result", "model", "dataset", "dice", "kind"} <= set(rows[0])
    assert len({r["result"] for r in rows}) == 1041
    assert g.nodes[medsam]["type"] == "Model" and g.nodes[medsam]["class"] == "Full fine-tuning of SAM"


def test_validate_fails_with_a_readable_report(built: Path, tmp_path: Path) -> None:
    import shutil
    broken = tmp_path / "store"
    shutil.copytree(built, broken)
    from kg.store import Store
    s = Store.open(broken)
    s.update('PREFIX mskg: <https://w3id.org/medseg-kg/ontology#> '
             'INSERT DATA { GRAPH <urn:test> { <https://w3id.org/medseg-kg/id/result/bad> a mskg:Result ; '
             'mskg:dice 120.0 } }')
    del s
    proc = kg("validate", store=broken, check=False)
    assert proc.returncode == 1
    assert "id/result/bad" in proc.stderr and "violation" in proc.stderr.lower()


def test_validate_reports_a_warning_apart_and_still_passes(built: Path, tmp_path: Path) -> None:
    """Issue #15: a Dice of 0.836 is a judgement (sh:Warning), printed under its own count,
    not a violation: the exit status stays 0."""
    import shutil

    from kg.store import Store

    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    s = Store.open(copy)
    s.update('PREFIX mskg: <https://w3id.org/medseg-kg/ontology#> '
             'DELETE { GRAPH ?g { ?r mskg:dice ?d } } INSERT { GRAPH ?g { ?r mskg:dice 0.836 } } '
             'WHERE { { SELECT ?r WHERE { ?r mskg:model <https://w3id.org/medseg-kg/id/model/medsam> } '
             'ORDER BY ?r LIMIT 1 } GRAPH ?g { ?r mskg:dice ?d } }')
    del s
    proc = kg("validate", store=copy, check=False)
    assert proc.returncode == 0, proc.stderr
    out = " ".join(proc.stderr.split())
    assert "no SHACL violations" in out and "1 warning(s)" in out, out
    assert "id/result/medsam/" in out.split("1 warning(s)")[1] and "0..1 fraction" in out, out


def test_build_verbose_lists_people_merged_and_near_misses(tmp_path: Path) -> None:
    proc = kg("build", "-v", store=tmp_path / "store")
    out = " ".join(proc.stderr.split())
    assert "people 471 (47 matched across name orders and spellings" in out, out[:2000]
    assert "person: Dorit Merhof: Dorit Merhof = Merhof, Dorit" in out


def test_long_inline_sparql_is_a_query_not_a_file_name(built: Path) -> None:
    """Issue #14, item 13: over ~250 characters the text was tried as a file name (OSError)."""
    values = " ".join(f'"{"m" * 8}{i}"' for i in range(60))
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {values} }} }}"
    assert len(text) > 600
    rows = json.loads(kg("query", text, "-f", "json", store=built).stdout)
    assert rows == [{"n": 60}]
    proc = kg("query", text.replace("SELECT", "SELEKT"), store=built, check=False)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and "File name too long" not in proc.stderr


def test_a_syntax_error_is_reported_at_the_users_own_line(built: Path) -> None:
    """Issue #14, item 14: the prefixes added for the user are one line the user never wrote."""
    proc = kg("query", "SELECT * WHERE { ?s ?p }", store=built, check=False)
    assert proc.returncode != 0 and "error at 1:" in proc.stderr, proc.stderr
    proc = kg("query", "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p }", store=built, check=False)
    assert "error at 3:" in proc.stderr, proc.stderr
    declared = "PREFIX ex: <http://e/>\nSELECT * WHERE { ?s ex:p }"  # declares its own prefix: still line 2
    assert "error at 2:" in kg("query", declared, store=built, check=False).stderr


def test_every_cli_option_has_help_text() -> None:
    import click

    from kg.cli import main as root

    def missing(command: click.Command, path: str) -> list[str]:
        found = [f"{path} {p.opts}" for p in command.params
                 if isinstance(p, click.Option) and not p.hidden and not (p.help or "").strip()]
        for name, sub in getattr(command, "commands", {}).items():
            found += missing(sub, f"{path} {name}")
        return found

    assert missing(root, "kg") == []
