"""Streamlit entry point: explore the medseg-kg graph.

The app reads the store read-only and never talks to the network itself (app -> kg -> ingest).
Run it with `streamlit run app.py` after `kg build`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kg.queries import with_prefixes
from kg.stats import graph_stats
from kg.store import Store, StoreError, default_store_path

MODELS = """
SELECT ?model (SAMPLE(?fw) AS ?framework) (SAMPLE(?cl) AS ?class) (SAMPLE(?bb) AS ?backbone)
       (SAMPLE(?y) AS ?year) (SAMPLE(?code) AS ?codeRepository) WHERE {
  ?m a mskg:Model ; rdfs:label ?model .
  OPTIONAL { ?m mskg:framework/skos:prefLabel ?fw }
  OPTIONAL { ?m mskg:category/skos:prefLabel ?cl }
  OPTIONAL { ?m mskg:visualBackbone ?bb }
  OPTIONAL { ?m mskg:introducedIn/dcterms:issued ?d BIND(YEAR(?d) AS ?y) }
  OPTIONAL { ?m schema:codeRepository ?code }
}
GROUP BY ?model ORDER BY ?model
"""


@st.cache_resource
def open_store() -> Store:
    return Store.open(None, read_only=True)


def main() -> None:
    st.set_page_config(page_title="medseg-kg", layout="wide")
    st.title("medseg-kg: generalist models for medical image segmentation")
    try:
        store = open_store()
    except StoreError as exc:
        st.error(f"{exc}")
        st.stop()
    stats = graph_stats(store)
    cols = st.columns(5)
    for col, key in zip(cols, ["models", "papers", "datasets", "results", "citations (cito:cites)"]):
        col.metric(key.capitalize(), stats["classes"][key])
    st.caption(f"Store: {default_store_path()}")
    rows = store.select(with_prefixes(MODELS)).rows
    st.subheader("Models")
    st.dataframe(pd.DataFrame(rows), use_container_width=True, hide_index=True)


main()
