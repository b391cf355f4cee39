"""The Streamlit app's navigation and entry point: each page is a ``render`` function of a
module in :mod:`kg.ui`, registered here. The top-level ``app.py`` (``streamlit run app.py``)
and `kg app` (for an installed package) both run :func:`main`."""

from __future__ import annotations

import streamlit as st

from kg.store import StoreError
from kg.ui import (compare, datasets, entity, gaps, graphs, leaderboard, models, overview, person, results, search,
                   sparql, whats_new)
from ingest.redact import redact_text, redact_url
from kg.ui.common import open_store, refresh_on_new_version, store_path

HOME = st.Page(overview.render, title="Overview", icon=":material/home:", url_path="home", default=True)
MODEL = st.Page(entity.render_model, title="Model page", icon=":material/deployed_code:", url_path="model")
PAPER = st.Page(entity.render_paper, title="Paper page", icon=":material/article:", url_path="paper")
DATASETS = st.Page(datasets.render, title="Datasets", icon=":material/dataset:", url_path="datasets")
AUTHOR = st.Page(person.render, title="Author page", icon=":material/person:", url_path="author")
PAGES = {
    "Explore": [
        HOME,
        # The default page is served at the root ("/"); /overview, the address people type or
        # bookmark, opens it too instead of "Page not found".
        st.Page(overview.render, title="Overview", url_path="overview", visibility="hidden"),
        st.Page(models.render, title="Models", icon=":material/model_training:", url_path="models"),
        st.Page(compare.render, title="Compare", icon=":material/compare_arrows:", url_path="compare"),
        st.Page(results.render, title="Results", icon=":material/table_chart:", url_path="results"),
        st.Page(leaderboard.render, title="Leaderboards", icon=":material/leaderboard:", url_path="leaderboards"),
        DATASETS,
        st.Page(graphs.render, title="Graphs", icon=":material/hub:", url_path="graphs"),
    ],
    "Details": [MODEL, PAPER, AUTHOR],
    "Ask and review": [
        st.Page(sparql.render, title="SPARQL", icon=":material/terminal:", url_path="sparql"),
        st.Page(whats_new.render, title="What's new", icon=":material/new_releases:", url_path="whats-new"),
        st.Page(gaps.render, title="Gaps", icon=":material/help_center:", url_path="gaps"),
    ],
}
SEARCH_TARGETS = {"model": MODEL, "paper": PAPER, "dataset": DATASETS, "author": AUTHOR}


def main() -> None:
    st.set_page_config(page_title="medseg-kg", page_icon=":material/hub:", layout="wide")
    page = st.navigation(PAGES, expanded=True)  # every page listed, none behind "View more"
    refresh_on_new_version(store_path())
    try:
        open_store(store_path())
    except StoreError as exc:
        st.error(redact_text(str(exc)))
        st.info("Build the graph first: `kg build` (or set MSKG_STORE to a built store).")
        st.stop()
    search.sidebar(store_path(), SEARCH_TARGETS)
    st.sidebar.caption(f"Store: {redact_url(store_path())} (read-only)")
    page.run()


if __name__ == "__main__":  # `streamlit run` runs this file as the main module (kg app does)
    main()
