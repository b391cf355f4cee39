"""Issue #18 in the app: the class filters and taxonomy views offer a scheme selector (the
scheme in force by default, the original one selectable, the choice in the URL), on a store
where `kg update` staged the fusion-level version of the list (tests/fixtures/survey-list-
fusion.md, served by the local fake server as in tests/test_schemes.py) and a maintainer
adopted it (AppTest)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from apptest import elements, no_exception, page, point_app_at
from fakeapi import FakeApi
from test_schemes import F1_NEW, F1_STUDIES, HEADINGS, LEVELS, V, run, serve_list

from kg.build import build
from kg.schemes import adopt_scheme
from kg.store import Store

ORIGINAL_SECTIONS = ["Other models trained only on both images and text", "Other models trained only on images",
                     "SAM 2-based models", "SAM-based models"]
KEY = "taxonomy-2026-11-05"  # the adopted version's key in the URL


@pytest.fixture(scope="module")
def adopted_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store on disk with the survey build, the fusion-level version staged and adopted."""
    root = tmp_path_factory.mktemp("adopted")
    store = Store.open(root / "graph")
    build(store)
    api = FakeApi().start()
    try:
        serve_list(api, "survey-list-fusion.md")
        run(store, api, root)
    finally:
        api.stop()
    adopt_scheme(store, V, decided=date(2026, 11, 7))
    del store  # release the write lock: the app opens the store read-only
    return root / "graph"


@pytest.fixture
def app_store(adopted_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return point_app_at(adopted_dir, monkeypatch, tmp_path)


def test_models_filter_by_class_of_the_scheme_in_force_and_switch_back_to_the_original(app_store: Path) -> None:
    at = page("models").run()
    no_exception(at)
    scheme = at.sidebar.selectbox(key="w_scheme")
    assert scheme.value == KEY and scheme.options == ["the survey's original taxonomy (id:taxonomy)",
                                                      f"the list's version of 2026-11-05 (id:{KEY}), in force"]
    classes = at.sidebar.multiselect(key="w_class")
    assert set(classes.options) <= set(HEADINGS) and {F1_STUDIES, F1_NEW} <= set(classes.options)
    classes.select(F1_STUDIES).run()
    studies = at.dataframe[0].value
    assert len(studies) == 11 and studies["class"].eq(F1_STUDIES).all()
    assert "MedSAM" in set(studies["model"]) and at.query_params["class"] == F1_STUDIES
    assert "scheme" not in at.query_params  # the default is not written into the URL

    at.sidebar.selectbox(key="w_scheme").select("taxonomy").run()  # switch: the version's class is dropped
    no_exception(at)
    assert at.query_params["scheme"] == "taxonomy" and "class" not in at.query_params
    assert at.sidebar.multiselect(key="w_class").value == []
    options = at.sidebar.multiselect(key="w_class").options
    assert "Adapters for SAM" in options and not set(options) & set(HEADINGS)
    at.sidebar.multiselect(key="w_class").select("Adapters for SAM").run()
    assert len(at.dataframe[0].value) == 9  # the nine adapters of the survey's original classes


def test_the_url_chooses_the_scheme_and_its_class(app_store: Path) -> None:
    at = page("models", {"scheme": "taxonomy", "class": "Adapters for SAM"}).run()
    no_exception(at)
    assert at.sidebar.selectbox(key="w_scheme").value == "taxonomy"
    table = at.dataframe[0].value
    assert len(table) == 9 and table["class"].str.contains("Adapters for SAM").all()
    # 3DMedSAM, an adapter in the original, is a new architecture in the version in force
    at = page("models", {"class": F1_NEW}).run()
    assert "3DMedSAM" in set(at.dataframe[0].value["model"])


def test_overview_treemap_shows_the_scheme_chosen(app_store: Path) -> None:
    at = page("overview").run()
    no_exception(at)
    assert at.selectbox(key="w_scheme").value == KEY
    table = at.dataframe[-1].value  # "Taxonomy as a table"
    assert set(table["section"]) == set(LEVELS) and set(table["class"]) == set(HEADINGS)
    assert table.set_index("class").loc[F1_STUDIES, "models"] == 11
    at.selectbox(key="w_scheme").select("taxonomy").run()
    no_exception(at)
    table = at.dataframe[-1].value
    assert sorted(set(table["section"])) == ORIGINAL_SECTIONS and len(table) == 13
    assert at.query_params["scheme"] == "taxonomy"


def test_timeline_per_class_follows_the_scheme(app_store: Path) -> None:
    at = page("leaderboards", {"view": "timeline"}).run()
    no_exception(at)
    classes = json.loads(elements(at, "vega_lite_chart")[0].proto.spec)["facet"]["row"]["sort"]
    assert F1_STUDIES in classes and set(classes) <= set(HEADINGS)
    at.selectbox(key="w_scheme").select("taxonomy").run()
    classes = json.loads(elements(at, "vega_lite_chart")[0].proto.spec)["facet"]["row"]["sort"]
    assert "Adapters for SAM" in classes and len(classes) == 11 and not set(classes) & set(HEADINGS)


def test_one_scheme_draws_no_selector(build_report, store_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                      tmp_path: Path) -> None:
    point_app_at(store_dir, monkeypatch, tmp_path)
    at = page("models").run()
    no_exception(at)
    assert not [s for s in at.sidebar.selectbox if s.key == "w_scheme"]
    assert "Adapters for SAM" in at.sidebar.multiselect(key="w_class").options
