"""The Streamlit app through streamlit.testing.v1.AppTest, against a store built in a tmp dir.

Each page is run by calling its render function (the way app.py's st.navigation runs it),
plus app.py itself; widgets are changed and the results checked; the URL (st.query_params)
round-trips. A second store adds hostile strings and a review candidate."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from apptest import PAGES, ROOT, elements, no_exception, page, point_app_at, whole_app
from streamlit.testing.v1 import AppTest

from kg.build import build
from kg.store import Store

HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> href \'q\''


@pytest.fixture
def app_store(build_report, store_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    return point_app_at(store_dir, monkeypatch, tmp_path)


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders(app_store: Path, name: str) -> None:
    at = page(name).run()
    no_exception(at)
    titles = {"overview": "Generalist models for medical image segmentation", "models": "Models",
              "results": "Dice results", "datasets": "Datasets", "graphs": "Graph views", "model": "Model",
              "paper": "Paper", "sparql": "SPARQL console", "whats-new": "What's new"}
    if name in titles:
        assert [t.value for t in at.title] == [titles[name]]
    else:  # the pages added later have their own tests; here: they render with one title
        assert len(at.title) == 1


def test_app_entry_point_renders_the_overview(app_store: Path) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    no_exception(at)
    assert at.title[0].value.startswith("Generalist models")
    counts = {m.label: m.value for m in at.metric}
    assert counts["Models"] == "83" and counts["Dice results"] == "1041"


def test_overview_shows_freshness_from_provenance(app_store: Path) -> None:
    at = page("overview").run()
    freshness = next(df.value for df in at.dataframe if "source" in df.value.columns)
    assert "survey-db" in set(freshness["source"])
    assert freshness["last run (UTC)"].str.match(r"kg build, \d{4}-\d{2}-\d{2} \d{2}:\d{2}$").all()


def test_model_filters_narrow_the_table(app_store: Path) -> None:
    at = page("models").run()
    all_models = at.dataframe[0].value
    assert len(all_models) == 83
    at.sidebar.multiselect(key="w_class").select("Adapters for SAM").run()
    adapters = at.dataframe[0].value
    assert sorted(adapters["model"]) == ["3DMedSAM", "3DSAM-adapter", "EMedSAM", "LeSAM", "MA-SAM", "MEA M-SAM",
                                         "Med-SA", "SPA", "TP-Mamba"]
    assert adapters["class"].str.contains("Adapters for SAM").all()
    at.sidebar.checkbox(key="w_code").check().run()
    with_code = at.dataframe[0].value
    assert sorted(with_code["model"]) == ["3DSAM-adapter", "MA-SAM", "MEA M-SAM", "Med-SA", "TP-Mamba"]
    assert with_code["code"].notna().all()
    assert at.query_params["class"] == "Adapters for SAM" and at.query_params["code"] == "1"
    at.sidebar.text_input(key="w_q").input("no such model anywhere").run()
    no_exception(at)
    assert [i.value for i in at.info] == ["No models match these filters. Widen them (or clear the URL's parameters)."]


def test_model_search_and_country(app_store: Path) -> None:
    at = page("models", {"q": "MedSAM2"}).run()
    assert "MedSAM2" in set(at.dataframe[0].value["model"])
    at = page("models", {"country": "Canada"}).run()
    table = at.dataframe[0].value
    assert "MedSAM" in set(table["model"]) and table["countries"].str.contains("Canada").all()


def test_query_params_round_trip(app_store: Path) -> None:
    """A link with filters reproduces the view; changing a widget changes the link."""
    at = page("models", {"framework": "Task-specific", "years": "2020-2022"}).run()
    assert at.sidebar.multiselect(key="w_framework").value == ["Task-specific"]
    assert at.sidebar.slider(key="w_years").value == (2020, 2022)
    table = at.dataframe[0].value
    assert set(table["framework"]) == {"Task-specific"} and table["year"].between(2020, 2022).all()
    assert at.query_params["framework"] == "Task-specific" and at.query_params["years"] == "2020-2022"
    # the selected model travels in the URL too
    at = page("model", {"model": "medsam2"}).run()
    no_exception(at)
    assert any(h.value == "MedSAM2" for h in at.header)
    at.selectbox(key="w_model").select("medsam").run()
    assert at.query_params["model"] == "medsam"
    at = page("results", {"axis": "body region", "values": "Abdomen", "kind": "best"}).run()
    assert at.sidebar.radio(key="w_axis").value == "body region"
    assert at.sidebar.radio(key="w_kind").value == "best"
    assert at.query_params["values"] == "Abdomen"


def _bold_cells(styles: str) -> set[tuple[int, int]]:
    cells = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", styles):
        if "font-weight: bold" in body:
            cells |= {(int(r), int(c)) for r, c in re.findall(r"_row(\d+)_col(\d+)", selectors)}
    return cells


def test_dice_table_bolds_each_column_maximum(app_store: Path) -> None:
    at = page("results", {"values": ["AMOS", "BTCV"], "kind": "primary"}).run()
    no_exception(at)
    table = at.dataframe[0]
    matrix = table.value
    assert list(matrix.columns) == ["framework", "AMOS", "BTCV"]
    assert set(matrix["framework"]) == {"Generalist", "Task-specific"}
    bold = _bold_cells(table.proto.arrow_data.styler.styles)
    expected = {(r, c) for c, col in enumerate(matrix.columns) if col != "framework"
                for r, v in enumerate(matrix[col]) if v == matrix[col].max()}
    assert bold == expected == {(4, 2), (27, 1)}  # BTCV: Disruptive Autoencoders 92.10; AMOS: MedNeXt 91.77


def test_results_primary_vs_best_and_sources(app_store: Path) -> None:
    at = page("results", {"values": "BTCV", "kind": "primary"}).run()
    primary = at.dataframe[0].value
    at.sidebar.radio(key="w_kind").set_value("best").run()
    best = at.dataframe[0].value
    assert not primary.equals(best)
    sources = at.dataframe[1].value  # the "Sources of the numbers" tab
    assert sources["source paper"].notna().all() and (sources["dataset"] == "BTCV").all()
    assert sources["BibTeX"].str.startswith("@").any()
    # kg.bibtex may open with a % note (no authors known offline); the entry follows it
    assert at.code and at.code[0].value.lstrip("%").split("\n\n")[-1].startswith("@")


def test_results_by_anatomical_axis(app_store: Path) -> None:
    at = page("results", {"axis": "anatomical structure"}).run()
    options = at.sidebar.multiselect(key="w_values").options
    assert options
    at.sidebar.multiselect(key="w_values").select(options[0]).run()
    no_exception(at)
    assert at.dataframe


def test_datasets_page_lists_models_evaluated(app_store: Path) -> None:
    at = page("datasets", {"dataset": "btcv"}).run()
    table = at.dataframe[0].value
    btcv = table[table["dataset"] == "BTCV"].iloc[0]
    assert btcv["# models"] == 51 and "MedSAM" in btcv["models evaluated"]
    assert at.selectbox(key="w_dataset").value == "btcv"  # the URL's slug, shown by name
    assert any(m.value.startswith("**BTCV**") for m in at.markdown)
    # Modalities are terms now (kg/data/facets.toml): "CT" is the datasets whose only term is CT.
    at.sidebar.multiselect(key="w_modality").select("CT").run()
    assert at.sidebar.multiselect(key="w_modality").value == ["CT"] and len(at.dataframe[0].value) == 8


def test_graph_views_render_and_answer(app_store: Path) -> None:
    at = page("graphs").run()
    no_exception(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Models built on SAM"] == "27"
    for view in ("models-datasets", "taxonomy", "citations"):
        at.radio(key="w_view").set_value(view).run()
        no_exception(at)
        assert at.query_params["view"] == view
    html = _iframe_html(at)
    assert "vis.Network" in html and not re.search(r"<script[^>]+src=[\"']?https?:", html)
    pagerank = at.dataframe[0].value
    assert "PageRank" in pagerank.columns and pagerank["PageRank"].is_monotonic_decreasing


def _iframe_html(at: AppTest) -> str:
    frames = elements(at, "iframe")
    assert frames, "no iframe on the page"
    return frames[0].proto.srcdoc


def test_entity_pages_show_provenance_and_bibtex(app_store: Path) -> None:
    at = page("model", {"model": "medsam"}).run()
    no_exception(at)
    facts = at.dataframe[-1].value
    assert {"property", "value", "source", "run", "when"} <= set(facts.columns)
    assert "graph:survey-db" in set(facts["source"]) and facts["run"].str.startswith("kg build").all()
    assert at.code[0].value.startswith("@") and "Segment Anything in Medical Images" in at.code[0].value
    at = page("paper", {"paper": "arxiv/2304.12306"}).run()
    no_exception(at)
    assert any("Cited by" in m.value for m in at.markdown)
    from kg.bibtex import bibtex_export

    expected = bibtex_export(Store.open(app_store, read_only=True), ["https://w3id.org/medseg-kg/id/paper/arxiv/2304.12306"]).text
    assert at.code[0].value.strip() == expected.strip() and expected.startswith("@article{ma2024segment")


def test_unknown_model_in_the_url_says_so(app_store: Path) -> None:
    at = page("model", {"model": "no-such-model"}).run()
    no_exception(at)
    assert any("No model 'no-such-model'" in w.value for w in at.warning)


def test_sparql_console_runs_refuses_and_reports_errors(app_store: Path) -> None:
    at = page("sparql", {"q": "lineage-of-medsam2"}).run()
    assert "MedSAM2" in at.text_area(key="w_sparql_text").value
    at.button(key="w_run").click().run()
    no_exception(at)
    assert set(at.dataframe[0].value["ancestor"]) == {"SAM", "SAM 2"}
    at.text_area(key="w_sparql_text").input("DELETE WHERE { ?s ?p ?o }").run()
    at.button(key="w_run").click().run()
    refused = "only read-only queries run here; found DELETE (SPARQL Update or federation)"
    assert [e.value for e in at.error] == [refused]
    at.text_area(key="w_sparql_text").input("SELECT * WHERE { ?s ?p }").run()
    at.button(key="w_run").click().run()
    no_exception(at)
    assert at.error and "Traceback" not in at.error[0].value


# -- a store with hostile strings and a candidate paper ----------------------------------------

@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "store"
    store = Store.open(path)
    build(store)
    text = json.dumps(HOSTILE)
    store.update(f"""
    PREFIX mskg: <https://w3id.org/medseg-kg/ontology#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
    INSERT DATA {{ GRAPH <https://w3id.org/medseg-kg/graph/candidates> {{
      <https://w3id.org/medseg-kg/id/paper/arxiv/2601.00001> a mskg:Paper ; dcterms:title {text} ;
         mskg:reviewStatus "candidate" ; mskg:confidence "0.87"^^xsd:decimal ;
         mskg:category <https://w3id.org/medseg-kg/id/taxonomy/adapters-for-sam> ;
         mskg:predictedCategory <https://w3id.org/medseg-kg/id/taxonomy/adapters-for-sam> ;
         mskg:evidence "{{\\"matched\\": \\"SAM adapter, CT, multi-organ\\"}}" ;
         dcterms:issued "2026-01-02"^^xsd:date .
    }} }} ;
    INSERT DATA {{ GRAPH <https://w3id.org/medseg-kg/graph/test-update> {{
      <https://w3id.org/medseg-kg/id/model/hostile> a mskg:Model ; rdfs:label {text} ;
         mskg:basedOn <https://w3id.org/medseg-kg/id/model/sam> ;
         mskg:introducedIn <https://w3id.org/medseg-kg/id/paper/arxiv/2601.00001> .
    }} }}""")
    store.flush()
    del store
    return path


@pytest.fixture
def hostile_app(hostile_store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("MSKG_STORE", str(hostile_store))
    monkeypatch.setenv("MSKG_CURATION_FILE", str(tmp_path / "curation.toml"))
    digests = tmp_path / "digests"
    digests.mkdir()
    (digests / "2026-01-05.md").write_text("# Week 2\n\n3 new papers <script>alert(1)</script>\n")
    (digests / "2025-12-29.md").write_text("# Week 1\n")
    monkeypatch.setenv("MSKG_DIGEST_DIR", str(digests))
    return tmp_path


def test_hostile_labels_are_escaped_in_graph_views(hostile_app: Path) -> None:
    at = page("graphs", {"base": "SAM"}).run()
    no_exception(at)
    html = _iframe_html(at)
    data = json.loads(re.search(r"nodes = new vis\.DataSet\((.*?)\);\n", html).group(1))
    hostile = [n for n in data if n["id"].endswith("/model/hostile")]
    assert hostile, "the hostile model is not in the lineage picture"
    assert hostile[0]["label"].startswith("&lt;script&gt;") and "<" not in hostile[0]["title"]
    assert "<script>alert" not in html and "<img src=x" not in html


def test_whats_new_shows_digest_and_candidates_read_only(hostile_app: Path) -> None:
    at = page("whats-new").run()
    no_exception(at)
    assert any("2026-01-05" in s.value for s in at.subheader)
    cands = at.dataframe[0].value
    assert cands["title"].iloc[0] == HOSTILE and cands["confidence"].iloc[0] == pytest.approx(0.87)
    assert cands["class"].iloc[0] == "Adapters for SAM" and "SAM adapter" in cands["evidence"].iloc[0]
    assert not at.button, "accept/reject must not appear outside maintainer mode"


def test_maintainer_mode_writes_the_curation_file(hostile_app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit import config

    monkeypatch.setenv("MSKG_MAINTAINER", "1")  # honoured for an app bound to 127.0.0.1 only
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    try:
        at = page("whats-new").run()
        paper = "https://w3id.org/medseg-kg/id/paper/arxiv/2601.00001"
        assert at.selectbox(key="w_review_paper").value == paper
        at.radio(key="w_review_action").set_value("Accept the paper").run()
        at.button(key=f"FormSubmitter:w_Accept the paper_form_{paper}-Accept the paper").click().run()
    finally:
        config.set_option("server.address", before)
    no_exception(at)
    data = tomllib.loads((hostile_app / "curation.toml").read_text())
    assert data["decision"][-1]["paper"] == paper and data["decision"][-1]["status"] == "accepted"
    assert data["decision"][-1]["category"] == "Adapters for SAM"
    assert at.dataframe[0].value["decision"].iloc[0] == "accepted"


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_hostile_strings_as_text(hostile_app: Path, name: str) -> None:
    at = page(name, {"model": "hostile", "paper": "arxiv/2601.00001"}).run()
    no_exception(at)
    for md in at.markdown:
        assert "<script>" not in md.value or not md.proto.allow_html


def test_every_internal_select_runs(build_report, store_dir: Path) -> None:
    from kg.queries import INTERNAL_DIR, internal, internal_names

    store = Store.open(store_dir, read_only=True)
    names = [n for n in internal_names() if (INTERNAL_DIR / f"{n}.rq").is_file()]
    assert names == sorted(p.stem for p in INTERNAL_DIR.glob("*.rq"))
    for name in names:
        text = internal(name, this="https://w3id.org/medseg-kg/id/model/medsam")
        # raises on a syntax error; a CONSTRUCT (the Linked Data descriptions) is read as triples
        (store.construct if re.search(r"(?m)^CONSTRUCT\b", text) else store.select)(text)


def test_gaps_page_lists_the_candidate_waiting_for_a_review(hostile_app: Path) -> None:
    at = page("gaps").run()
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Candidates waiting for a review"] == "1"
    waiting = next(df.value for df in at.dataframe if "queued (run start)" in df.value.columns)
    assert list(waiting["paper"]) == [HOSTILE] and list(waiting["status"]) == ["candidate"]
    assert waiting["page"].iloc[0] == "./paper?paper=arxiv/2601.00001"


def test_hostile_names_stay_text_in_compare_and_search(hostile_app: Path) -> None:
    from apptest import whole_app
    at = page("compare", {"models": ["hostile", "sam"]}).run()
    no_exception(at)
    facts = next(m.value for m in at.markdown if m.value.startswith("| |"))
    assert "<script>" not in facts and "\\<script\\>" in facts
    assert "<script>alert" not in elements(at, "iframe")[0].proto.srcdoc
    at = whole_app().run()
    at.sidebar.text_input(key="w_search").input("script alert").run()
    labels = [link.proto.label for link in elements(at, "page_link")]
    assert labels and all("<script>" not in label for label in labels)


def test_the_app_follows_a_new_build_without_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The read-only handle and the cached answers are dropped when the graph's version
    changes (here: a model added after the first page run), not when a timer runs out."""
    from kg.stats import class_counts
    from kg.ui.common import open_store

    store_dir = tmp_path / "store"
    store = Store.open(store_dir)
    build(store)
    del store
    point_app_at(store_dir, monkeypatch, tmp_path)
    first = whole_app().run()
    no_exception(first)
    assert class_counts(open_store(str(store_dir)))["models"] == 83
    writer = Store.open(store_dir)  # the app's handle is read-only: a writer may open the store
    writer.update("""INSERT DATA { GRAPH <https://w3id.org/medseg-kg/graph/test-update> {
        <https://w3id.org/medseg-kg/id/model/newcomer> a <https://w3id.org/medseg-kg/ontology#Model> } }""")
    writer.flush()
    del writer
    second = whole_app().run()
    no_exception(second)
    assert class_counts(open_store(str(store_dir)))["models"] == 84
