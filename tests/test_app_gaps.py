"""The curator's Gaps page, and the Overview and Graphs fixes of issue #21 (AppTest, the
survey graph)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from apptest import elements, no_exception, page, point_app_at

from ingest.survey import BUNDLED_DATABASE
from kg.queries import saved_text
from kg.store import Store


@pytest.fixture
def app_store(build_report, store_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return point_app_at(store_dir, monkeypatch, tmp_path)


def _table_with(at, column: str, value: str):
    return next(df.value for df in at.dataframe if column in df.value.columns and value in set(df.value[column]))


def test_gaps_counts_every_gap_as_the_saved_question_does(app_store: Path, store: Store) -> None:
    at = page("gaps").run()
    no_exception(at)
    counted = {r["gap"]: int(r["things"]) for r in store.select(saved_text("gaps-summary")).rows}
    assert len(counted) == 8 and counted["models without code"] == 11
    shown = {m.label: m.value for m in at.metric}
    assert {label.lower(): int(v) for label, v in shown.items()} == counted


def test_gaps_lists_a_model_without_code_with_a_link(app_store: Path) -> None:
    at = page("gaps").run()
    models = _table_with(at, "model", "LeSAM")
    assert models.loc[models["model"] == "LeSAM", "page"].iloc[0] == "./model?model=lesam"
    with (BUNDLED_DATABASE / "models.csv").open(newline="") as handle:
        with_code = {m["ID"] for m in csv.DictReader(handle) if m["Code"].strip()}
    assert not set(models["model"]) & with_code and "MedSAM" not in set(models["model"])
    assert models["page"].str.startswith("./model?model=").all()


def test_gaps_lists_papers_and_datasets_to_fill(app_store: Path) -> None:
    at = page("gaps").run()
    datasets = _table_with(at, "dataset", "TotalSegmentator Organs")
    assert datasets["page"].str.startswith("./datasets?dataset=").all()
    assert set(datasets["part of"]) <= {"TotalSegmentator", "CHAOS"}
    papers = _table_with(at, "paper", "SPA: Leveraging the SAM with Spatial Priors Adapter for Enhanced Medical "
                                      "Image Segmentation")
    dated = papers["date"].dropna()
    # newest first, undated last
    assert list(dated) == sorted(dated, reverse=True) and papers["date"].iloc[: len(dated)].notna().all()
    assert len(papers) == 49 and any("Listed: 49 of the 50, the papers that introduce a model" in c.value
                                     for c in at.caption)
    assert "Generalist Models in Medical Image Segmentation: A Survey and Performance Comparison" not in \
        set(papers["paper"])  # the survey itself introduces no model and has no class: not listed
    assert any("kg query gaps-papers-without-abstract" in c.value for c in at.caption)
    assert any("None: no results to fill" in s.value for s in at.success)


def test_overview_counts_sections_classes_and_sub_datasets(app_store: Path) -> None:
    at = page("overview").run()
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Taxonomy sections"] == "4" and metrics["Taxonomy classes"] == "13"
    assert metrics["Datasets"] == "61"
    note = next(c.value for c in at.caption if c.value.startswith("Datasets:"))
    assert "43 benchmarks and 18 sub-datasets" in note and r"TotalSegmentator \(5\)" in note  # escaped Markdown
    for chart in elements(at, "vega_lite_chart"):
        legends = re.findall(r'"legend":\s*(\{[^{}]*\})', chart.proto.spec)
        assert legends and all(json.loads(lg).get("labelLimit") == 0 for lg in legends)  # section names never cut


def test_treemap_labels_fit_their_boxes(app_store: Path) -> None:
    from kg.ui.overview import LABEL_CHAR_PX, TREEMAP_HEIGHT_PX, TREEMAP_WIDTH_PX, treemap_rects
    at = page("overview").run()
    rects = treemap_rects(next(df.value for df in at.dataframe if "class" in df.value.columns).assign(c=""), "models")
    for r in rects[rects["show"]].itertuples():
        room = (r.y2 - r.y) * TREEMAP_HEIGHT_PX if r.angle else (r.x2 - r.x) * TREEMAP_WIDTH_PX
        assert len(r.label) * LABEL_CHAR_PX <= room, r.label
    assert "Adapters for SAM" in set(rects["label"]) and any(rects["label"].str.endswith("…"))


def test_models_datasets_view_opens_on_one_readable_class(app_store: Path) -> None:
    from kg.ui.graphs import READABLE_NODES
    at = page("graphs", {"view": "models-datasets"}).run()
    no_exception(at)
    assert at.selectbox(key="w_scope").value == "class:adapters-for-sam"
    nodes = int(re.search(r"(\d+) nodes", next(c.value for c in at.caption if " nodes, " in c.value)).group(1))
    assert 10 < nodes <= READABLE_NODES
    at.selectbox(key="w_scope").select("dataset:btcv").run()
    no_exception(at)
    assert at.query_params["scope"] == "dataset:btcv"
    html = elements(at, "iframe")[0].proto.srcdoc
    assert '"label": "BTCV Cervix"' in html and '"label": "BTCV"' in html
    at.selectbox(key="w_scope").select("all").run()
    assert any("more than a picture can show" in c.value for c in at.caption)


def test_citation_view_opens_on_medsam_and_says_where_citations_come_from(app_store: Path) -> None:
    at = page("graphs", {"view": "citations"}).run()
    no_exception(at)
    assert at.selectbox(key="w_paper").value == "arxiv/2304.12306"  # MedSAM's paper, not a random leaf
    note = at.info[0].value
    assert "Offline build" in note and "kg enrich" in note and "survey" in note
    html = elements(at, "iframe")[0].proto.srcdoc
    assert "Segment Anything in Medical Images" in html
