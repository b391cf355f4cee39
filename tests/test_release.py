"""A citable release (issue #20, item 7): the dump, the tables and a VoID + DCAT description
whose counts check_release compares with the dump."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from kg.release import DCAT3, VOID, check_release, version, write_release
from kg.store import Store
from kg.vocab import DCTERMS, MSKG, PROV, XSD


@pytest.fixture(scope="module")
def release(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    write_release(store, out)
    return out


def test_the_release_describes_its_version_licences_counts_and_runs(release: Path) -> None:
    d = Graph().parse(release / "dataset.ttl", format="turtle")
    rel = URIRef(f"https://w3id.org/medseg-kg/id/release/{version()}")
    assert (rel, DCAT3.version, Literal(version())) in d and version() == "0.1.0"
    parts = {d.value(p, VOID["class"]): int(d.value(p, VOID.entities)) for p in d.objects(rel, VOID.classPartition)}
    assert parts[MSKG.Model] == 83 and parts[MSKG.Dataset] == 61 and parts[MSKG.Result] == 1041
    survey_db = URIRef("https://w3id.org/medseg-kg/graph/survey-db")
    assert d.value(survey_db, DCTERMS.license) == URIRef("https://spdx.org/licenses/MIT.html")
    assert "CC BY-NC-ND 4.0" in str(d.value(rel, DCTERMS.rights))
    assert d.value(rel, DCTERMS.issued).datatype == XSD.date
    assert list(d.objects(rel, PROV.wasGeneratedBy)), "no build run named"
    assert sorted(p.name for p in (release / "tables").iterdir()) == [
        "citations.csv", "datasets.csv", "models.csv", "papers.csv", "results.csv"]


def test_check_release_agrees_with_a_fresh_release(release: Path) -> None:
    assert check_release(release) == []


def test_check_release_names_a_count_that_does_not_match_and_a_missing_table(release: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(release, broken)
    d = Graph().parse(broken / "dataset.ttl", format="turtle")
    survey_db = URIRef("https://w3id.org/medseg-kg/graph/survey-db")
    n = int(d.value(survey_db, VOID.triples))
    d.set((survey_db, VOID.triples, Literal(n + 1, datatype=XSD.integer)))
    d.serialize(destination=broken / "dataset.ttl", format="turtle")
    (broken / "tables" / "papers.csv").unlink()
    problems = check_release(broken)
    assert f"dataset.ttl: triples in graph {survey_db}: description says {n + 1}, graph.nq has {n}" in problems
    assert "dataset.ttl: distribution tables/papers.csv is missing" in problems
    assert len(problems) == 2, problems
