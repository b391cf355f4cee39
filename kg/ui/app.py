"""The Streamlit app's navigation and entry point: each page is a ``render`` function of a
module in :mod:`kg.ui`, registered here. The top-level ``app.py`` (``streamlit run app.py``)
and `kg app` (for an installed package) both run :func:`main`."""

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



if __name__ == "__main__":  # `streamlit run` runs this file as the main module (kg app does)
    main()
