"""The built graph: every source fact on the right node, values equal to the sources,
lineage edges, provenance, idempotence and atomicity."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib.compare import to_canonical_graph

from ingest.survey import BUNDLED_DATABASE, SurveyInputError, load_survey_list
from kg.build import build
from kg.vocab import ARXIV_SNAPSHOT, PROVENANCE, SURVEY_DB, SURVEY_LIST
from kg.queries import with_prefixes
from kg.store import Store


def q(store: Store, body: str) -> list[dict]:
    return store.select(with_prefixes(body)).rows


def count(store: Store, cls: str, graph: str | None = None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?x a {cls} }}" if graph else f"?x a {cls}"
    return q(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}")[0]["n"]


def test_counts_equal_the_sources(store: Store, build_report) -> None:
    assert count(store, "mskg:Model", str(SURVEY_DB)) == 82
    assert count(store, "mskg:Model") == 83  # + SAMM, named only in the list
    assert (
        q(
            store,
            "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a mskg:Dataset "
            "FILTER NOT EXISTS { ?d mskg:resolutionNote ?x } }",
        )[0]["n"]
        == 55
    )
    assert count(store, "mskg:Result") == 1041
    assert build_report.counts["list_rows"] == 56


def test_every_dice_value_equals_the_source(store: Store) -> None:
    """As published, except the one fraction in the percent column (row 12: 0.879 -> 87.9)."""
    rows = q(store, "SELECT ?r ?dice ?kind WHERE { ?r a mskg:Result ; mskg:dice ?dice ; mskg:resultKind ?kind }")
    graph_values = sorted((r["kind"], r["dice"]) for r in rows)
    with (BUNDLED_DATABASE / "results.csv").open(newline="") as handle:
        source = [(r["Kind"], Decimal(r["Dice"])) for r in csv.DictReader(handle)]
    assert graph_values == sorted((k, d * 100 if 0 < d <= 1 else d) for k, d in source)
    assert min(d for _, d in graph_values) > 1


def test_a_known_result_is_on_the_right_nodes(store: Store) -> None:
    rows = q(
        store,
        """SELECT ?dice ?paper WHERE { ?r mskg:model id:model\\/spa ; mskg:dataset id:dataset\\/promise12 ;
                       mskg:resultKind "primary" ; mskg:dice ?dice ; prov:wasDerivedFrom ?paper }""",
    )
    assert rows == [
        {"dice": Decimal("94.29"), "paper": "https://w3id.org/medseg-kg/id/paper/doi/10.1109/jbhi.2025.3526174"}
    ]


def test_every_list_row_is_on_the_right_node_and_class(store: Store) -> None:
    survey = load_survey_list()
    rows = q(
        store,
        """SELECT ?name ?class WHERE { GRAPH graph:survey-list { ?m mskg:listName ?name ; mskg:category ?c }
           ?c skos:prefLabel ?class }""",
    )
    in_graph = {(r["name"], r["class"]) for r in rows}
    assert in_graph == {(r.name, r.category) for r in survey.rows if r.name}
    medsa = q(store, 'SELECT ?label WHERE { ?m mskg:listName "MedSA" ; rdfs:label ?label }')
    assert medsa == [{"label": "Med-SA"}]
    studies = q(
        store,
        """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a mskg:Paper ; mskg:category ?c
                          FILTER NOT EXISTS { ?m mskg:introducedIn ?p } }""",
    )
    assert studies[0]["n"] == 7


def test_lineage_edges(store: Store) -> None:
    def bases(label: str) -> set[str]:
        return {
            r["b"]
            for r in q(store, f'SELECT DISTINCT ?b WHERE {{ ?m rdfs:label "{label}" ; mskg:basedOn/rdfs:label ?b }}')
        }

    assert bases("MedSAM") == {"SAM"}
    assert bases("MedSAM2") == {"SAM 2"}
    assert bases("SAM 2") == {"SAM"}
    assert bases("SAMM") == {"SAM"}  # from its SAM-based class alone
    assert bases("STU-Net") == {"nnU-Net"}
    assert bases("HERMES") == {"MedFormer"}
    assert bases("IMIS-Net") == set()
    chain = q(store, 'ASK { ?m rdfs:label "MedSAM2" ; mskg:basedOn+ ?s . ?s rdfs:label "SAM" }')
    assert chain == [{"result": True}]


def test_each_source_has_its_named_graph_and_a_paper_has_one_title(store: Store) -> None:
    graphs = set(store.named_graphs())
    assert {str(SURVEY_LIST), str(SURVEY_DB), str(ARXIV_SNAPSHOT), str(PROVENANCE)} <= graphs
    many = q(
        store, "SELECT ?p WHERE { ?p a mskg:Paper ; dcterms:title ?t } GROUP BY ?p HAVING (COUNT(DISTINCT ?t) > 1)"
    )
    assert many == []
    medsam = q(store, """SELECT ?g WHERE { GRAPH ?g { id:paper\\/arxiv\\/2304.12306 dcterms:abstract ?a } }""")
    assert medsam == [{"g": str(ARXIV_SNAPSHOT)}]


def test_build_is_a_prov_activity_with_counts(store: Store, build_report) -> None:
    rows = q(
        store,
        f"""SELECT ?models ?results WHERE {{ <{build_report.activity}> a prov:Activity ;
                        mskg:modelCount ?models ; mskg:resultCount ?results ;
                        prov:startedAtTime ?s ; prov:endedAtTime ?e }}""",
    )
    assert rows == [{"models": 83, "results": 1041}]
    gen = q(store, f"SELECT ?g WHERE {{ ?g prov:wasGeneratedBy <{build_report.activity}> }}")
    assert {r["g"] for r in gen} >= {str(SURVEY_DB), str(SURVEY_LIST), str(ARXIV_SNAPSHOT)}


def _source_graphs(store: Store) -> dict[str, set]:
    # canonical form, because the ontology's OWL lists are blank nodes with fresh ids per parse
    return {g: set(to_canonical_graph(store.to_rdflib([g]))) for g in store.named_graphs() if g != str(PROVENANCE)}


def test_two_builds_give_the_same_graph(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    first = build(store)
    before = _source_graphs(store)
    second = build(store)
    assert _source_graphs(store) == before
    assert first.activity != second.activity  # each run is recorded


def test_store_persists_across_reopen(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    build(store)
    before = _source_graphs(store)
    del store
    again = Store.open(tmp_path / "s", read_only=True)
    assert _source_graphs(again) == before


def test_a_failed_build_leaves_the_stored_graph_as_it_was(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s")
    build(store)
    before = _source_graphs(store)
    broken = tmp_path / "db"
    shutil.copytree(BUNDLED_DATABASE, broken)
    (broken / "models.csv").write_text("ID,Title\nX,Y\n")
    with pytest.raises(SurveyInputError, match="models.csv: missing column"):
        build(store, database=broken)
    assert _source_graphs(store) == before


def test_unknown_dataset_in_a_result_is_reported_not_invented(tmp_path: Path) -> None:
    broken = tmp_path / "db"
    shutil.copytree(BUNDLED_DATABASE, broken)
    path = broken / "results.csv"
    path.write_text(
        path.read_text().replace("SPA,SPA,2025-01-01 00:00:00,PROMISE12", "SPA,SPA,2025-01-01 00:00:00,Atlantis", 1)
    )
    report = build(Store(None), database=broken)
    skipped = [str(p) for p in report.problems if p.action == "skipped"]
    assert skipped == [
        "row 2 of results.csv: Dataset 'Atlantis' is not in datasets.csv; add it there or fix the name; skipped"
    ]
    assert report.counts["results"] == 1040
