"""Leaderboards (per dataset, timeline per class) and the Results page's defaults and chart
(AppTest, the survey graph)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from apptest import elements, no_exception, page, point_app_at

from kg.queries import saved_text
from kg.store import Store
from kg.ui.results import numbers_of_kind


@pytest.fixture
def app_store(build_report, store_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return point_app_at(store_dir, monkeypatch, tmp_path)


def spec(at, i: int = 0) -> dict:
    return json.loads(elements(at, "vega_lite_chart")[i].proto.spec)


def chart_data(at, i: int = 0) -> pd.DataFrame:
    """The rows a chart draws (Streamlit sends them beside the spec, as Arrow)."""
    proto = elements(at, "vega_lite_chart")[i].proto
    data = proto.datasets[0].data.data if proto.datasets else proto.data.data
    return pa.ipc.open_stream(data).read_pandas()


def fields(node, key: str = "field") -> set[str]:
    """Every value of ``key`` anywhere in a Vega-Lite spec."""
    found = set()
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key and isinstance(v, str):
                found.add(v)
            found |= fields(v, key)
    elif isinstance(node, list):
        for v in node:
            found |= fields(v, key)
    return found


def test_btcv_leaderboard_answers_who_is_best_and_shows_sources(app_store: Path, store: Store) -> None:
    at = page("leaderboards", {"dataset": "btcv"}).run()
    no_exception(at)
    board = at.dataframe[0].value
    assert board["Dice"].is_monotonic_decreasing and board["rank"].iloc[0] == 1
    assert board["model"].is_unique and len(board) > 40
    assert board["source page"].str.startswith("./paper?paper=").all() and board["source paper"].notna().all()
    # the same answer as the analysts' saved question
    row = next(r for r in store.select(saved_text("best-dice-per-dataset-generalist-vs-task-specific")).rows
               if r["dataset"] == "BTCV")
    top = board.iloc[0]
    assert top["Dice"] == pytest.approx(float(max(row["generalist"], row["taskSpecific"])))
    best_of = {fw: board[board["framework"] == fw]["Dice"].max() for fw in ("Generalist", "Task-specific")}
    assert best_of["Generalist"] == pytest.approx(float(row["generalist"]))
    assert best_of["Task-specific"] == pytest.approx(float(row["taskSpecific"]))
    headline = next(m.value for m in at.markdown if m.value.startswith("**Best on BTCV"))
    assert top["model"] in headline.replace("\\", "") and f"{top['Dice']:.1f}" in headline
    assert "](./paper?paper=" in headline  # the source, one click away
    chart = spec(at)
    assert {"model", "dice", "framework", "source", "url"} <= fields(chart)
    assert chart["layer"][0]["encoding"]["href"]["field"] == "url"
    assert chart["layer"][0]["encoding"]["color"]["scale"]["domain"] == ["Generalist", "Task-specific"]


def test_primary_only_leaves_out_models_without_their_own_number(app_store: Path) -> None:
    every = page("leaderboards", {"dataset": "btcv"}).run().dataframe[0].value
    at = page("leaderboards", {"dataset": "btcv", "kind": "primary"}).run()
    no_exception(at)
    primary = at.dataframe[0].value
    assert set(primary["number"]) == {"primary"} and len(primary) < len(every)
    assert {"SAM", "MedSAM"} <= set(every["model"]) and not {"SAM", "MedSAM"} & set(primary["model"])


def test_the_dataset_picker_and_the_url(app_store: Path) -> None:
    at = page("leaderboards").run()
    no_exception(at)
    picker = at.selectbox(key="w_dataset")
    assert picker.value == "btcv" and picker.options[0] == "BTCV (51 models)"  # the most evaluated first
    at.selectbox(key="w_dataset").select("amos").run()
    assert at.query_params["dataset"] == "amos"
    assert any(m.value.startswith("**Best on AMOS") for m in at.markdown)


def test_timeline_of_models_per_class(app_store: Path) -> None:
    at = page("leaderboards", {"view": "timeline"}).run()
    no_exception(at)
    chart = spec(at)
    assert chart["facet"]["row"]["field"] == "class"
    classes = chart["facet"]["row"]["sort"]
    assert "Adapters for SAM" in classes and "Fine-tuning of SAM 2" in classes and len(classes) == 11
    rows = chart_data(at)
    adapters = rows[rows["class"] == "Adapters for SAM"]
    assert len(adapters) == 9 and set(adapters["year"]) <= {"2023", "2024", "2025"}
    assert (rows.groupby(["class", "year"])["slot"].apply(lambda s: sorted(s) == list(range(len(s))))).all()
    assert {"href", "text"} <= set(chart["spec"]["layer"][1]["encoding"])


def test_results_show_every_model_by_default_with_best_numbers_starred(app_store: Path) -> None:
    at = page("results", {"values": ["BTCV"]}).run()
    no_exception(at)
    table = at.dataframe[0]
    matrix = table.value
    assert {"SAM", "MedSAM", "SAM 2"} <= set(matrix.index)  # no primary result, shown all the same
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_pandas()
    assert shown.loc["MedSAM", "BTCV"] == f"{matrix.loc['MedSAM', 'BTCV']:.1f} *"
    primary_only = page("results", {"values": ["BTCV"], "kind": "primary"}).run().dataframe[0].value
    assert not {"SAM", "MedSAM", "SAM 2"} & set(primary_only.index)
    own = set(primary_only.index)
    assert all(not v.endswith("*") for m, v in shown["BTCV"].items() if m in own)


def test_results_cells_without_a_number_are_blank(app_store: Path) -> None:
    at = page("results", {"values": ["AMOS", "BTCV"]}).run()
    table = at.dataframe[0]
    shown = pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_pandas()
    empty = table.value[["AMOS", "BTCV"]].isna()
    assert empty.any().any() and (shown[["AMOS", "BTCV"]][empty] == "").sum().sum() == empty.sum().sum()
    assert table.proto.placeholder == ""


def test_results_chart_is_labelled(app_store: Path) -> None:
    at = page("results", {"values": ["AMOS", "BTCV"]}).run()
    chart = spec(at)
    assert chart["facet"]["field"] == "dataset"
    layer = chart["spec"]["layer"]
    assert layer[0]["encoding"]["y"]["field"] == "model" and "axis" in layer[0]["encoding"]["y"]
    assert layer[0]["encoding"]["y"]["axis"] is not None
    assert layer[1]["mark"]["type"] == "text" and layer[1]["encoding"]["text"]["field"] == "dice"


def test_mixed_numbers_prefer_each_cell_s_primary() -> None:
    res = pd.DataFrame({"m": ["a", "a", "a", "b"], "dataset": ["d1", "d1", "d2", "d1"],
                        "kind": ["primary", "best", "best", "best"], "dice": [70.0, 90.0, 60.0, 50.0]})
    mixed = numbers_of_kind(res, "mixed")
    assert sorted(zip(mixed["m"], mixed["dataset"], mixed["dice"], mixed["fallback"])) == \
        [("a", "d1", 70.0, False), ("a", "d2", 60.0, True), ("b", "d1", 50.0, True)]
    assert list(numbers_of_kind(res, "best")["dice"]) == [90.0, 60.0, 50.0]
