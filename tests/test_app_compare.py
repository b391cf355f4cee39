"""The Compare page (AppTest, the survey graph): models side by side from a shareable URL."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from apptest import elements, no_exception, page, point_app_at

from kg.ui.compare import best_numbers, shared_datasets

TRIO = ["medsam", "sat", "nnu-net"]


@pytest.fixture
def app_store(build_report, store_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return point_app_at(store_dir, monkeypatch, tmp_path)


def display_values(table) -> pd.DataFrame:
    """What a styled st.dataframe shows in each cell (the Styler's formatted text)."""
    return pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_pandas()


def bold_cells(table) -> set[tuple[int, int]]:
    cells = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", table.proto.arrow_data.styler.styles):
        if "font-weight: bold" in body:
            cells |= {(int(r), int(c)) for r, c in re.findall(r"_row(\d+)_col(\d+)", selectors)}
    return cells


def test_three_models_from_the_url_side_by_side(app_store: Path) -> None:
    at = page("compare", {"models": TRIO}).run()
    no_exception(at)
    assert at.multiselect(key="w_models").value == TRIO
    facts = next(m.value for m in at.markdown if m.value.startswith("| |"))
    header = facts.splitlines()[0]
    assert [re.sub(r"\\(.)", r"\1", n) for n in re.findall(r"\[([^\]]+)\]\(\./model\?model=", header)] == \
        ["MedSAM", "SAT", "nnU-Net"]
    for fact in ("Framework", "Taxonomy class", "Based on", "Year", "Parameters (M)", "Code", "Paper"):
        assert f"| **{fact}** |" in facts
    framework = next(line for line in facts.splitlines() if line.startswith("| **Framework**"))
    assert framework.split(" | ")[1:] == ["Generalist", "Generalist", "Task\\-specific |"]
    assert "[code](https://github.com/bowang-lab/MedSAM" in facts

    table = at.dataframe[0]
    matrix = table.value
    assert list(matrix.columns) == ["MedSAM", "SAT", "nnU-Net"] and matrix.notna().all().all()  # shared by all
    expected = {(r, c) for r, row in enumerate(matrix.itertuples(index=False)) for c, v in enumerate(row)
                if v == max(row)}
    assert bold_cells(table) == expected
    shown = display_values(table)
    # MedSAM reports no primary number in the survey: its cells are best-in-literature, starred
    assert shown["MedSAM"].str.endswith(" *").all()
    assert not shown["SAT"].str.endswith(" *").all()
    charts = elements(at, "vega_lite_chart")
    assert charts and "xOffset" in charts[0].proto.spec and '"model"' in charts[0].proto.spec
    lineage = elements(at, "iframe")[0].proto.srcdoc
    for name in ("MedSAM", "SAT", "nnU-Net", "SAM", "3D U-Net", "U-Net"):
        assert f'"label": "{name}"' in lineage


def test_the_url_follows_the_picker(app_store: Path) -> None:
    at = page("compare", {"models": TRIO[:2]}).run()
    at.multiselect(key="w_models").select("nnu-net").run()
    no_exception(at)
    assert at.query_params["models"] == TRIO
    assert list(at.dataframe[0].value.columns) == ["MedSAM", "SAT", "nnU-Net"]
    at.multiselect(key="w_models").unselect("sat").run()
    assert at.query_params["models"] == ["medsam", "nnu-net"]


def test_fewer_than_two_unknown_or_more_than_five(app_store: Path) -> None:
    at = page("compare", {"models": ["medsam"]}).run()
    no_exception(at)
    assert any("Pick 2 to 5 models" in i.value and "./compare?models=medsam&models=sat" in i.value for i in at.info)
    assert not at.dataframe
    at = page("compare", {"models": ["medsam", "no-such-model", "sam"]}).run()
    assert any("no-such-model" in w.value for w in at.warning)
    assert at.multiselect(key="w_models").value == ["medsam", "sam"]
    six = ["medsam", "sam", "sam-2", "medsam2", "sat", "nnu-net"]
    at = page("compare", {"models": six}).run()
    no_exception(at)
    assert any("At most 5" in w.value for w in at.warning)
    assert at.multiselect(key="w_models").value == six[:5]


def test_a_model_without_results_keeps_a_blank_column(app_store: Path) -> None:
    at = page("compare", {"models": ["medsam", "medsam2", "sam-med3d"]}).run()
    no_exception(at)
    matrix = at.dataframe[0].value
    assert list(matrix.columns) == ["MedSAM", "MedSAM2", "SAM-Med3D"] and matrix["MedSAM2"].isna().all()
    assert (display_values(at.dataframe[0])["MedSAM2"] == "").all()
    assert any("No Dice result in the graph for MedSAM2" in c.value for c in at.caption)
    assert any("at least two" in c.value for c in at.caption)


def test_primary_numbers_win_and_the_others_are_marked() -> None:
    rows = pd.DataFrame([
        ("r1", "a", "d1", 80.0, "best", "p1", "P1"), ("r2", "a", "d1", 70.0, "primary", "p2", "P2"),
        ("r3", "a", "d2", 60.0, "best", "p3", None), ("r4", "a", "d2", 65.0, "best", "p4", "P4"),
        ("r5", "b", "d1", 75.0, "primary", "p5", "P5"),
    ], columns=["r", "m", "dataset", "dice", "kind", "src", "srcTitle"])
    best = best_numbers(rows).set_index(["m", "dataset"])
    # the primary number wins over a higher best-in-literature one
    assert best.loc[("a", "d1"), "dice"] == 70.0 and not best.loc[("a", "d1"), "fallback"]
    assert best.loc[("a", "d2"), "dice"] == 65.0 and best.loc[("a", "d2"), "src"] == "p4"  # one row's number and source
    assert bool(best.loc[("a", "d2"), "fallback"])
    assert shared_datasets(best.reset_index(), ["a", "b"]) == (["d1"], True)
    assert shared_datasets(best.reset_index(), ["a", "b", "c"]) == (["d1"], False)


def test_a_model_page_links_to_comparing_it_with_its_base(app_store: Path) -> None:
    at = page("model", {"model": "medsam2"}).run()
    no_exception(at)
    assert any("](./compare?models=medsam2&models=sam-2)" in m.value for m in at.markdown)
