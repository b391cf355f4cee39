"""What the app's AppTest modules share: each page's script and helpers. A module's store
fixture is three lines (a fixture imported from here would shadow its test's argument)::

    @pytest.fixture
    def app_store(build_report, store_dir, monkeypatch, tmp_path):
        return point_app_at(store_dir, monkeypatch, tmp_path)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "overview": "from kg.ui import overview\noverview.render()",
    "models": "from kg.ui import models\nmodels.render()",
    "compare": "from kg.ui import compare\ncompare.render()",
    "results": "from kg.ui import results\nresults.render()",
    "leaderboards": "from kg.ui import leaderboard\nleaderboard.render()",
    "datasets": "from kg.ui import datasets\ndatasets.render()",
    "graphs": "from kg.ui import graphs\ngraphs.render()",
    "model": "from kg.ui import entity\nentity.render_model()",
    "paper": "from kg.ui import entity\nentity.render_paper()",
    "author": "from kg.ui import person\nperson.render()",
    "sparql": "from kg.ui import sparql\nsparql.render()",
    "whats-new": "from kg.ui import whats_new\nwhats_new.render()",
    "gaps": "from kg.ui import gaps\ngaps.render()",
}


def point_app_at(store_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The app's environment for one test: the built store, empty digests and curation file."""
    monkeypatch.setenv("MSKG_STORE", str(store_dir))
    monkeypatch.setenv("MSKG_DIGEST_DIR", str(tmp_path / "digests"))
    monkeypatch.setenv("MSKG_CURATION_FILE", str(tmp_path / "curation.toml"))
    monkeypatch.delenv("MSKG_MAINTAINER", raising=False)
    return store_dir


def page(name: str, query_params: dict | None = None) -> AppTest:
    at = AppTest.from_string(PAGES[name], default_timeout=60)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    return at


def whole_app(query_params: dict | None = None) -> AppTest:
    """app.py itself: the navigation, the sidebar's search box, then the default page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    return at


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def elements(at: AppTest, kind: str) -> list:
    """Every element of ``kind`` (``page_link``, ``iframe``, ``arrow_vega_lite_chart``...) in the
    tree, main area and sidebar, for the kinds AppTest has no accessor for."""
    def walk(node):
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else []):
            yield child
            yield from walk(child)
    return [e for e in walk(at._tree) if getattr(e, "type", "") == kind]
