"""The maintainer's results table: the survey database's results shape, every row checked
against the real graph's model, dataset and paper names (accepted models included), a bad
row naming file, row and fix, and nothing stored when any row is bad."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from ingest.curation import Decision
from ingest.results_table import (
    COLUMNS, REQUIRED_COLUMNS, ResultsTableError, TableResult, append_results, read_results_table,
)
from ingest.survey_database import RESULT_COLUMNS
from kg.build import build
from kg.known_models import known_names, known_papers
from kg.mapping import concept_iri, curation_update, decimal_literal, insert_update
from kg.mapping.curated import curated_facts
from kg.queries import internal, join_updates
from kg.store import Store
from kg.validate import validate_store
from kg.vocab import CANDIDATES, CURATION, DCTERMS, MSKG, RDF

TABLES = Path(__file__).resolve().parent / "fixtures" / "results-table"
FAKE = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00017"
TRANSUNET_PAPER = "https://w3id.org/medseg-kg/id/paper/arxiv/2102.04306"
MEDSAM_PAPER = "https://w3id.org/medseg-kg/id/paper/arxiv/2304.12306"




ACCEPT = Decision(FAKE, "accepted", "Fine-tuning of SAM 2", date(2026, 12, 1), model="MedSAM3",
                       based_on="MedSAM2")


@pytest.fixture()
def store() -> Store:
    s = Store(None)
    build(s)
    g = Graph()
    p = URIRef(FAKE)
    g.add((p, RDF.type, MSKG.Paper))
    g.add((p, DCTERMS.title, Literal("MedSAM3: Segment Anything in 3D Medical Images, Faster")))
    g.add((p, MSKG.arxivId, Literal("2611.00017")))
    g.add((p, MSKG.predictedCategory, concept_iri("Fine-tuning of SAM 2")))
    g.add((p, MSKG.confidence, decimal_literal("0.9")))
    s.update(insert_update(CANDIDATES, g))
    s.update(curation_update({}))
    return s


def rederive(store: Store, table: Path) -> None:
    """As the wiring applies it: the decisions' update and the curated facts in one request."""
    extra = curated_facts([ACCEPT], known_names(store), table, known_papers(store))
    store.update(join_updates([curation_update({ACCEPT.paper: ACCEPT}), insert_update(CURATION, extra)]))


def results(store: Store) -> dict[str, tuple]:
    return {r["r"]: (r["model"], r["dataset"], r["dice"], r["kind"], r["src"], r["date"])
            for r in store.select(internal("results")).rows}


def test_the_columns_are_the_survey_databases() -> None:
    assert REQUIRED_COLUMNS == RESULT_COLUMNS
    assert COLUMNS == [*RESULT_COLUMNS, "By", "Evidence"]


def test_good_rows_become_results_after_the_bundled_ones(store: Store) -> None:
    before = results(store)
    assert len(before) == 1041
    rederive(store, TABLES / "good.csv")
    new = sorted(v for k, v in results(store).items() if k not in before)
    assert new == [
        ("Med-SA", "AMOS", Decimal("80.5"), "best", TRANSUNET_PAPER, date(2025, 3, 1)),
        ("MedSAM2", "Synapse", Decimal("77.0"), "best", MEDSAM_PAPER, None),  # Related Paper: MedSAM's paper
        ("MedSAM3", "BTCV", Decimal("89.2"), "primary", FAKE, date(2026, 12, 1)),
    ]
    assert validate_store(store).violations == []


def test_one_bad_row_rejects_the_table_and_nothing_is_stored(store: Store, tmp_path: Path) -> None:
    before = set(store.quads())
    table = tmp_path / "results.csv"
    shutil.copy(TABLES / "bad.csv", table)
    with pytest.raises(ResultsTableError) as err:
        rederive(store, table)
    assert err.value.problems == [
        f"{table}, row 1 (line 2): unknown model 'MedSAM4' (did you mean 'MedSAM', 'MedSAM3', 'MedSAM2'?); "
        "accept its paper as a model first (kg review accept PAPER --model NAME) or fix the name",
        f"{table}, row 2 (line 3): unknown dataset 'BTCVV' (did you mean 'BTCV'?); use a dataset name of the "
        "graph (kg query most-evaluated-datasets lists them)",
        f"{table}, row 3 (line 4): Dice '0.912' looks like a fraction; the table takes percent (91.2)",
        f"{table}, row 4 (line 5): Kind 'median' is neither 'primary' nor 'best'",
        f"{table}, row 5 (line 6): Source 'arXiv:2699.99999' names no paper of the graph; accept or add the "
        "paper first",
        f"{table}, row 6 (line 7): Date '2026-13-01' is not a date (YYYY-MM-DD)",
        f"{table}, row 8 (line 9): repeats row 7 (same model, dataset, kind and source); delete one",
    ]
    assert set(store.quads()) == before


def test_a_model_only_accepted_later_is_unknown_until_then(store: Store) -> None:
    known = known_names(store)
    with pytest.raises(ResultsTableError) as err:
        read_results_table(TABLES / "good.csv", known.model_names(), known.dataset_names(), known_papers(store))
    assert [p.split(": ", 1)[1][:26] for p in err.value.problems] == ["unknown model 'MedSAM3' (d"]


def test_a_table_without_the_columns_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "results.csv"
    table.write_text("Model,Dataset,Dice\nMedSAM,BTCV,80\n", encoding="utf-8")
    with pytest.raises(ResultsTableError) as err:
        read_results_table(table, {"MedSAM"}, {"BTCV"})
    assert str(err.value) == (f"{table}: missing column(s) ID, Related Paper, Date, Kind, Source; the header must be "
                              "ID,Related Paper,Date,Dataset,Kind,Dice,Source (optionally ,By,Evidence)")
    assert read_results_table(tmp_path / "absent.csv", {"MedSAM"}, {"BTCV"}) == []


def test_appended_rows_read_back(tmp_path: Path) -> None:
    table = tmp_path / "new" / "results.csv"
    row = {"ID": "MedSAM", "Dataset": "BTCV", "Kind": "primary", "Dice": Decimal("85.3"), "Source": MEDSAM_PAPER,
           "By": "A. Maintainer", "Evidence": "a Dice similarity coefficient\nof 85.3 on BTCV"}
    assert append_results(table, [row]) == []
    assert table.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)
    papers = {MEDSAM_PAPER: MEDSAM_PAPER}
    assert read_results_table(table, {"MedSAM"}, {"BTCV"}, papers) == [
        TableResult(2, "MedSAM", None, None, "BTCV", "primary", Decimal("85.3"), MEDSAM_PAPER, "A. Maintainer",
                    "a Dice similarity coefficient of 85.3 on BTCV")]
    old = tmp_path / "old.csv"
    old.write_text(",".join(REQUIRED_COLUMNS) + "\n", encoding="utf-8")
    assert append_results(old, [row]) == ["By", "Evidence"]  # the old header has no room for them
    assert len(read_results_table(old, {"MedSAM"}, {"BTCV"}, papers)) == 1
