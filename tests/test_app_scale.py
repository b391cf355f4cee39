"""What the pages compute differently so that they stay fast at 100k papers gives the same
answers as the straightforward way, on the survey graph and on generated graphs."""

from __future__ import annotations

import random

import networkx as nx
import pandas as pd
import pytest
from apptest import no_exception, page, point_app_at

from kg.queries import internal
from kg.store import Store
from kg.ui.graphs import neighbourhood
from kg.ui.results import DEFAULT_DATASETS, chosen_datasets, numbers_of_kind
from kg.views import lineage_depth, lineage_depths


def _frame(store: Store, name: str) -> pd.DataFrame:
    rows = store.select(internal(name))
    return pd.DataFrame(rows.rows, columns=rows.variables)


def test_lineage_depths_match_each_models_depth(store: Store) -> None:
    lineage = nx.DiGraph()
    lineage.add_edges_from((r["m"], r["b"]) for r in store.select(internal("lineage")).rows)
    assert lineage.number_of_nodes() > 50
    depths = lineage_depths(lineage)
    assert depths == {n: lineage_depth(lineage, n) for n in lineage}
    assert max(depths.values()) >= 2  # MedSAM2 -> SAM 2 -> SAM


def test_lineage_depths_of_a_lineage_with_a_cycle() -> None:
    g = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "b"), ("d", "a")])
    assert lineage_depths(g) == {n: lineage_depth(g, n) for n in g}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_neighbourhood_is_the_undirected_ego_graph(seed: int) -> None:
    g = nx.gnp_random_graph(300, 0.012, directed=True, seed=seed)
    for focus in random.Random(seed).sample(list(g), 5):
        for radius in (1, 2, 3):
            ego = nx.ego_graph(g, focus, radius=radius, undirected=True)
            near = neighbourhood(g, focus, radius)
            assert set(near.nodes) == set(ego.nodes) and set(near.edges) == set(ego.edges)


@pytest.mark.parametrize("kind", ["mixed", "primary", "best"])
def test_default_datasets_counted_in_the_store_are_those_of_every_result(store: Store, store_dir, monkeypatch,
                                                                        kind: str) -> None:
    """The Results page ranks its default datasets from counts aggregated in the store; ranking
    every result row in pandas (as it did) picks the same datasets in the same order."""
    results = _frame(store, "results")
    results["dice"] = results["dice"].astype(float)
    picked = numbers_of_kind(results.drop_duplicates(subset=["r", "m"]), kind)
    expected = list(picked.groupby("dataset")["m"].nunique().sort_values(ascending=False)
                    .head(DEFAULT_DATASETS).index)
    from kg.ui.data import result_datasets

    monkeypatch.setenv("MSKG_STORE", str(store_dir))
    summary = result_datasets(str(store_dir))
    assert chosen_datasets(summary, str(store_dir), {"values": [], "kind": kind}) == expected
    assert sorted(summary["dataset"]) == sorted(results["dataset"].unique())  # the dataset axis's options
    assert len(expected) == DEFAULT_DATASETS


def test_results_asked_per_anchor_are_those_of_every_result(build_report, store_dir, monkeypatch) -> None:
    """A page's results anchored on its models, datasets or source papers are the rows of
    every result that concern them (which of a result's sources a row names may differ)."""
    from kg.ui import data

    monkeypatch.setenv("MSKG_STORE", str(store_dir))
    every = _frame(Store.open(store_dir, read_only=True), "results").drop_duplicates(subset=["r", "m"])
    every["framework"] = every["framework"].fillna("unknown")
    medsam, btcv = "https://w3id.org/medseg-kg/id/model/medsam", "https://w3id.org/medseg-kg/id/dataset/btcv"
    source = every.loc[every["m"] == medsam, "src"].dropna().iloc[0]
    for asked, expected in ((data.results_about(models=[medsam]), every[every["m"] == medsam]),
                            (data.results_about(datasets=[btcv]), every[every["d"] == btcv])):
        assert not expected.empty and set(asked.columns) == set(every.columns)
        assert sorted(asked["r"]) == sorted(expected["r"])
    from_source = data.results_about(papers=[source])  # a result with two sources is on both papers' pages
    assert set(every.loc[every["src"] == source, "r"]) <= set(from_source["r"]) <= set(every["r"])
    assert data.results_about().empty
    assert data.result_frameworks(str(store_dir)) == sorted(every["framework"].unique())


def _cells(row: pd.Series) -> dict:
    """A row's values, a missing one None however pandas spells it (a one-row column of
    missing numbers holds None, a longer one NaN)."""
    return {k: None if not isinstance(v, list) and pd.isna(v) else v for k, v in row.items()}


def test_a_models_row_asked_alone_is_its_row_of_the_models_table(build_report, store_dir, monkeypatch) -> None:
    from kg.ui import data

    monkeypatch.setenv("MSKG_STORE", str(store_dir))
    table = data.models_table(str(store_dir)).set_index("iri")
    for slug in ("medsam", "medsam2", "sam", "nnu-net"):
        iri = f"https://w3id.org/medseg-kg/id/model/{slug}"
        alone = data.model_rows([iri]).set_index("iri")
        assert list(alone.index) == [iri]
        assert _cells(alone.loc[iri]) == _cells(table.loc[iri])
    assert data.model_frameworks(str(store_dir)) == table["framework"].to_dict()
    assert data.model_names(str(store_dir)) == table["model"].to_dict()


def test_a_large_graphs_bibtex_waits_for_a_click(build_report, store_dir, monkeypatch, tmp_path) -> None:
    """Above BIBLIOGRAPHY_ON_VIEW papers a page offers to key the bibliography instead of
    keying it on view; after the click it shows the entry `kg export --format bibtex` writes."""
    from kg.bibtex import bibtex_export
    from kg.ui import common

    point_app_at(store_dir, monkeypatch, tmp_path)
    monkeypatch.setattr(common, "BIBLIOGRAPHY_ON_VIEW", 10)  # the survey's 92 papers count as large
    common._bibliography.clear()
    at = page("paper", {"paper": "arxiv/2304.12306"}).run()
    no_exception(at)
    assert not at.code and any("keys are unique across the whole bibliography" in c.value for c in at.caption)
    at.button(key="w_bib_key").click().run()
    no_exception(at)
    paper = "https://w3id.org/medseg-kg/id/paper/arxiv/2304.12306"
    assert at.code[0].value.strip() == bibtex_export(Store.open(store_dir, read_only=True), [paper]).text.strip()
    common._bibliography.clear()
