"""The search box: typo-tolerant over models, papers, datasets and authors, from an index built
once per graph version and shared by sessions."""

from __future__ import annotations

from pathlib import Path

import pytest
from apptest import elements, no_exception, point_app_at, whole_app

from kg.build import build
from kg.queries import internal
from kg.store import Store
from kg.ui.common import graph_version, open_store
from kg.ui.search import build_index, identifier_of, search, search_index

@pytest.fixture
def app_store(build_report, store_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return point_app_at(store_dir, monkeypatch, tmp_path)


@pytest.fixture(scope="module")
def index(build_report, store_dir: Path):
    return build_index(Store.open(store_dir, read_only=True).select(internal("search-index")).rows)


@pytest.mark.parametrize("query, kind, label", [
    ("MedSMA2", "model", "MedSAM2"),  # two letters swapped
    ("medsam", "model", "MedSAM"),
    ("sam med 3d", "model", "SAM-Med3D"),  # spaces and punctuation differ
    ("btcv", "dataset", "BTCV"),
    ("Mogila", "author", "Andrea Moglia"),  # a typo in a surname
    ("segment anything medical", "paper", "Segment Anything in Medical Images"),
    ("universeg", "model", "UniverSeg"),
])
def test_the_first_hit(index, query: str, kind: str, label: str) -> None:
    hit = search(index, query)[0]
    assert (hit.kind, hit.label) == (kind, label)


def test_hits_are_distinct_capped_and_link_to_detail_pages(index) -> None:
    hits = search(index, "sam", limit=8)
    assert len(hits) == 8 and len({h.iri for h in hits}) == 8
    assert hits[0].label == "SAM" and hits[0].query_params == {"model": "sam"}
    paper = next(h for h in search(index, "MedSAM2 videos") if h.kind == "paper")
    assert paper.query_params == {"paper": "arxiv/2504.03600"}
    author = search(index, "Andrea Moglia")[0]
    assert author.query_params == {"author": "andrea-moglia"}
    assert search(index, "xyzzy qqq") == [] and search(index, "a") == []


def test_identifiers_are_looked_up_exactly() -> None:
    assert identifier_of("arXiv:2304.12306v2") == ("https://w3id.org/medseg-kg/ontology#arxivId", "2304.12306")
    assert identifier_of("https://doi.org/10.1038/s41467-024-44824-z") == \
        ("http://purl.org/ontology/bibo/doi", "10.1038/s41467-024-44824-z")
    assert identifier_of("MedSAM2") is None


def test_the_sidebar_box_on_every_page_finds_a_misspelled_model(app_store: Path) -> None:
    at = whole_app().run()
    no_exception(at)
    at.sidebar.text_input(key="w_search").input("MedSMA2").run()
    no_exception(at)
    links = elements(at, "page_link")
    assert links, "no search hit"
    first = links[0].proto
    assert (first.label, first.page, first.query_string) == ("MedSAM2", "model", "model=medsam2")
    at.sidebar.text_input(key="w_search").input("2304.12306").run()
    first = elements(at, "page_link")[0].proto
    assert (first.page, first.query_string) == ("paper", "paper=arxiv%2F2304.12306")
    at.sidebar.text_input(key="w_search").input("qqqq zzzz").run()
    assert not elements(at, "page_link") and any("Nothing in the graph" in c.value for c in at.sidebar.caption)


def test_one_index_per_graph_version(tmp_path: Path) -> None:
    """The index is shared while the graph stays as it is, and rebuilt after a new run (seen
    by a new read-only handle, or at once through a SPARQL endpoint)."""
    path = tmp_path / "store"
    for _ in range(2):
        store = Store.open(path)
        build(store)  # each build: a new prov:Activity in the provenance graph
        del store
        if _ == 0:
            first = graph_version(str(path))
            index = search_index(str(path), first)
            assert search_index(str(path), first) is index
            open_store.clear()  # let go of the read-only handle before the next build
    open_store.clear()
    second = graph_version(str(path))
    assert second != first and search_index(str(path), second) is not index
    assert search(search_index(str(path), second), "MedSMA2")[0].label == "MedSAM2"


def test_paper_pages_link_their_authors_and_author_pages_list_papers(app_store: Path) -> None:
    from apptest import page
    at = page("paper", {"paper": "arxiv/2304.12306"}).run()
    no_exception(at)
    authors = next(m.value for m in at.markdown if m.value.startswith("Authors: "))
    assert "[Jun Ma](./author?author=jun-ma)" in authors and "[Bo Wang](./author?author=bo-wang)" in authors
    at = page("author", {"author": "jun-ma"}).run()
    no_exception(at)
    assert at.header[0].value == "Jun Ma"
    papers = at.dataframe[0].value
    medsam = papers[papers["page"] == "./paper?paper=arxiv/2304.12306"]
    assert list(medsam["introduces"]) == ["MedSAM"] and list(medsam["year"]) == [2023]
    at = page("author", {"author": "no-such-person"}).run()
    assert any("No author 'no-such-person'" in w.value for w in at.warning)
