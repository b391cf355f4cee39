"""The saved questions answer correctly on the built survey graph (checked against the sources)."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal

import pytest

from ingest.survey import BUNDLED_DATABASE
from kg.queries import saved_queries, with_prefixes
from kg.store import Store


def run(store: Store, name: str) -> list[dict]:
    query = next(q for q in saved_queries() if q.name == name)
    return store.select(with_prefixes(query.text)).rows


def test_there_are_at_least_12_documented_questions() -> None:
    queries = saved_queries()
    assert len(queries) >= 12
    assert all(q.title and q.title != q.name.replace("-", " ") for q in queries)


@pytest.mark.parametrize("name", [q.name for q in saved_queries()])
def test_every_saved_question_runs_and_answers(store: Store, name: str) -> None:
    assert run(store, name), f"{name} returned no rows on the survey graph"


def test_adapters_for_sam_on_btcv_with_code(store: Store) -> None:
    rows = run(store, "adapters-for-sam-on-btcv-with-code")
    assert [r["model"] for r in rows] == ["Med-SA", "MA-SAM", "TP-Mamba", "3DSAM-adapter"]
    assert all(r["codeRepository"].startswith("https://github.com/") for r in rows)


def test_best_dice_per_dataset_matches_the_csv(store: Store) -> None:
    framework = {}
    with (BUNDLED_DATABASE / "models.csv").open(newline="") as handle:
        for m in csv.DictReader(handle):
            framework[m["ID"]] = m["Framework"]
    best: dict[tuple[str, str], Decimal] = defaultdict(lambda: Decimal(-1))
    with (BUNDLED_DATABASE / "results.csv").open(newline="") as handle:
        for r in csv.DictReader(handle):
            if r["Dataset"] == "BTCV":
                for mid in (m.strip() for m in r["ID"].split(",")):
                    fw = framework.get(mid)
                    if fw:
                        best[(r["Dataset"], fw)] = max(best[(r["Dataset"], fw)], Decimal(r["Dice"]))
    btcv = next(r for r in run(store, "best-dice-per-dataset-generalist-vs-task-specific") if r["dataset"] == "BTCV")
    assert btcv["generalist"] == best[("BTCV", "Generalist")]
    assert btcv["taskSpecific"] == best[("BTCV", "Task-specific")]


def test_lineage_of_medsam2(store: Store) -> None:
    assert run(store, "lineage-of-medsam2") == [
        {"ancestor": "SAM 2", "distance": 1},
        {"ancestor": "SAM", "distance": 2},
    ]


def test_models_without_code_have_none_in_either_source(store: Store) -> None:
    names = {r["model"] for r in run(store, "models-without-code")}
    with (BUNDLED_DATABASE / "models.csv").open(newline="") as handle:
        no_code_in_db = {m["ID"] for m in csv.DictReader(handle) if not m["Code"].strip()}
    assert names <= no_code_in_db | {"SAMM"}
    assert {"LeSAM", "3DMedSAM", "SAMMed"} <= names
    assert "MedSAM" not in names


def test_taxonomy_lists_13_classes(store: Store) -> None:
    rows = run(store, "taxonomy")
    assert len(rows) == 13
    adapters = next(r for r in rows if r["class"] == "Adapters for SAM")
    assert adapters["section"] == "SAM-based models" and adapters["models"] == 9


def test_evaluation_studies(store: Store) -> None:
    rows = run(store, "evaluation-studies")
    assert len(rows) == 7 and {r["class"] for r in rows} >= {"Zero-shot of SAM", "Zero-shot of SAM 2"}


def test_models_per_class_per_year_sum_to_classified_models(store: Store) -> None:
    rows = run(store, "models-per-taxonomy-class-per-year")
    assert sum(r["models"] for r in rows) == 49  # 48 list rows with a database model + SAMM


def test_papers_per_year_counts_every_dated_paper_once(store: Store) -> None:
    """Its name promises all papers: the 89 of 92 with a date (it counted only the 53
    classified ones before; those are classified-papers-per-year-per-section's)."""
    rows = run(store, "papers-per-year")
    assert sum(r["papers"] for r in rows) == 89
    assert {r["year"]: r["papers"] for r in rows}[2023] == 32
    dated = store.select(with_prefixes(
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a mskg:Paper ; dcterms:issued ?i }"))
    assert dated.rows[0]["n"] == 89
    assert run(store, "classified-papers-per-year-per-section")
