"""What the app's AppTest modules share: each page's script and helpers. A module's store
fixture is three lines (a fixture imported from here would shadow its test's argument)::

    @pytest.fixture
    def app_store(build_report, store_dir, monkeypatch, tmp_path):
        return point_app_at(store_dir, monkeypatch, tmp_path)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


REVIEW_PAPER = "https://w3id.org/medseg-kg/id/paper/arxiv/2611.00017"
REVIEW_ABSTRACT = (
    "Promptable segmentation of 3D scans is still slow. We present MedSAM3, a foundation model built upon MedSAM2 "
    "with a sparse memory bank. MedSAM3 achieves an average Dice of 89.2% on BTCV and DSC 0.912 on AMOS, and "
    "improves the Dice of SAM 2 by 6.1%. It is also evaluated on KiTS.")


def add_review_candidate(store: Any) -> None:
    """Queue MedSAM3 in ``store`` (a built survey graph) as a candidate: its abstract claims two
    Dice scores and its comment gives its code."""
    from rdflib import Graph, Literal, URIRef

    from kg.mapping import concept_iri, curation_update, decimal_literal, insert_update
    from kg.vocab import CANDIDATES, DCTERMS, MSKG, RDF, RDFS

    g = Graph()
    p = URIRef(REVIEW_PAPER)
    g.add((p, RDF.type, MSKG.Paper))
    g.add((p, DCTERMS.title, Literal("MedSAM3: Faster Segment Anything in 3D Medical Images")))
    g.add((p, DCTERMS.abstract, Literal(REVIEW_ABSTRACT)))
    g.add((p, RDFS.comment, Literal("12 pages. Code: https://github.com/example/MedSAM3.")))
    g.add((p, MSKG.predictedCategory, concept_iri("Fine-tuning of SAM 2")))
    g.add((p, MSKG.confidence, decimal_literal("0.9")))
    store.update(insert_update(CANDIDATES, g))
    store.update(curation_update({}))


def build_review_store(path: Path) -> Path:
    """The survey graph at ``path`` plus the candidate of :func:`add_review_candidate`: what
    the review page's tests accept."""
    from kg.build import build
    from kg.store import Store

    store = Store.open(path)
    build(store)
    add_review_candidate(store)
    store.flush()
    del store  # release the write lock for the app's read-only handle
    return path


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
