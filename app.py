"""Streamlit entry point: explore the medseg-kg graph.

The app reads the store read-only and never talks to the network itself (app -> kg -> ingest).
Pages live in ``kg/ui``; each is a ``render`` function registered here. Run it with
``streamlit run app.py`` after ``kg build``.
"""

from __future__ import annotations

import streamlit as st

from kg.store import StoreError
from kg.ui import datasets, entity, graphs, models, overview, results, sparql, whats_new
from kg.ui.common import open_store, store_path

PAGES = {
    "Explore": [
        st.Page(overview.render, title="Overview", icon=":material/home:", url_path="overview", default=True),
        st.Page(models.render, title="Models", icon=":material/model_training:", url_path="models"),
        st.Page(results.render, title="Results", icon=":material/table_chart:", url_path="results"),
        st.Page(datasets.render, title="Datasets", icon=":material/dataset:", url_path="datasets"),
        st.Page(graphs.render, title="Graphs", icon=":material/hub:", url_path="graphs"),
    ],
    "Details": [
        st.Page(entity.render_model, title="Model page", icon=":material/deployed_code:", url_path="model"),
        st.Page(entity.render_paper, title="Paper page", icon=":material/article:", url_path="paper"),
    ],
    "Ask and review": [
        st.Page(sparql.render, title="SPARQL", icon=":material/terminal:", url_path="sparql"),
        st.Page(whats_new.render, title="What's new", icon=":material/new_releases:", url_path="whats-new"),
    ],
}


def main() -> None:
    st.set_page_config(page_title="medseg-kg", page_icon=":material/hub:", layout="wide")
    page = st.navigation(PAGES)
    try:
        open_store(store_path())
    except StoreError as exc:
        st.error(str(exc))
        st.info("Build the graph first: `kg build` (or set MSKG_STORE to a built store).")
        st.stop()
    st.sidebar.caption(f"Store: {store_path()} (read-only)")
    page.run()


main()
