"""Exports analysts can load (issue #20, items 4, 5, 6): CSV tables joined with pandas,
GraphML read back with networkx and coloured by class, JSON-LD expanded by pyld and parsed
by rdflib to the same graph."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.export import export
from kg.store import Store

MEDSAM = "https://w3id.org/medseg-kg/id/model/medsam"


@pytest.fixture(scope="module")
def tables(store: Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tables")
    export(store, "csv", out)
    return out


def test_the_tables_are_one_row_per_entity_and_results_join_models(tables: Path) -> None:
    models = pd.read_csv(tables / "models.csv")
    datasets = pd.read_csv(tables / "datasets.csv")
    results = pd.read_csv(tables / "results.csv")
    papers = pd.read_csv(tables / "papers.csv")
    assert len(models) == models["model"].nunique() == 83  # 82 database models + 1 list-only
    assert len(datasets) == datasets["dataset"].nunique() == 61  # 55 table datasets + 6 sub-datasets
    assert papers["paper"].is_unique
    # 1041 results; the 17 that name two models (one database row for "U-Net, 3D U-Net") give a row per model.
    assert results["result"].nunique() == 1041 and len(results) == 1041 + 17
    joined = results.merge(models, on="model", how="left", validate="many_to_one", indicator=True)
    assert (joined["_merge"] == "both").all()
    assert set(results["dataset"]) <= set(datasets["dataset"])
    medsam = models.set_index("model").loc[MEDSAM]
    assert medsam["label"] == "MedSAM" and medsam["class"] == "Full fine-tuning of SAM" and medsam["year"] == 2023


def test_the_tables_carry_facet_labels_and_iris(tables: Path) -> None:
    datasets = pd.read_csv(tables / "datasets.csv").set_index("label")
    assert datasets.loc["TotalSegmentator", "modality"] == "CT | Contrast-enhanced CT | MRI"
    assert datasets.loc["BraTS", "bodyRegion"] == "Head"
    assert pd.isna(datasets.loc["CHAOS Liver", "modality"])  # a sub-dataset shows none, not "unknown"


def test_citations_table_and_zip_archive(store: Store, tables: Path, tmp_path: Path) -> None:
    citations = pd.read_csv(tables / "citations.csv")
    assert len(citations) > 0 and not citations.duplicated().any()
    archive = tmp_path / "tables.zip"
    export(store, "csv", archive)
    with zipfile.ZipFile(archive) as z:
        assert sorted(z.namelist()) == ["citations.csv", "datasets.csv", "models.csv", "papers.csv", "results.csv"]
        assert z.read("results.csv").decode() == (tables / "results.csv").read_text()


def test_graphml_nodes_carry_typed_attributes_and_group_by_class(store: Store, tmp_path: Path) -> None:
    out = tmp_path / "graph.graphml"
    export(store, "graphml", out)
    text = out.read_text()
    assert '<key id="' in text and 'attr.name="year" attr.type="long"' in text
    assert 'attr.name="dice" attr.type="double"' in text
    g = nx.read_graphml(out)
    medsam = g.nodes[MEDSAM]
    facts = (medsam["type"], medsam["label"], medsam["year"], medsam["framework"])
    assert facts == ("Model", "MedSAM", 2023, "Generalist")
    groups: dict[str, set[str]] = {}
    for _, data in g.nodes(data=True):
        if data.get("type") == "Model" and "class" in data:
            groups.setdefault(data["class"], set()).add(data["label"])
    assert {"Med-SA", "MA-SAM", "TP-Mamba", "3DSAM-adapter"} <= groups["Adapters for SAM"]
    assert len(groups["Adapters for SAM"]) == 9
    results = [d for _, d in g.nodes(data=True) if d.get("type") == "Result"]
    assert len(results) == 1041 and all(isinstance(d["dice"], float) for d in results)
    assert any(d["label"] == "MedSAM on BTCV (best)" for d in results)
    assert {d["label"] for _, _, d in g.edges(data=True)} >= {"basedOn", "model", "dataset", "category"}


def test_jsonld_has_a_context_with_compact_keys_and_round_trips_in_pyld_and_rdflib(
        store: Store, tmp_path: Path) -> None:
    from pyld import jsonld

    out = tmp_path / "graph.jsonld"
    export(store, "jsonld", out)
    doc = json.loads(out.read_text())
    assert {"model", "dataset", "dice", "basedOn", "title"} <= set(doc["@context"])
    result = next(n for n in doc["@graph"] if n.get("@type") == "mskg:Result")
    assert {"model", "dataset", "dice", "kind"} <= set(result)
    by_rdflib = Graph().parse(out, format="json-ld")
    assert isomorphic(by_rdflib, store.to_rdflib())
    nquads = jsonld.to_rdf(jsonld.expand(doc), {"format": "application/n-quads"})
    by_pyld = Graph().parse(data=nquads, format="nt")  # no named graphs: N-Quads lines are N-Triples
    assert len(by_pyld) == len(by_rdflib) and isomorphic(by_pyld, by_rdflib)
