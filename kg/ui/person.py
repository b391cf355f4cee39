"""Author page: one person (``?author=andrea-moglia``), their papers and the models those
papers introduce. Anchored on the person: the page asks for their papers only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kg.ui.common import PERSON_BASE, md_escape, qp_str, paper_url, run_about, year_of


def render() -> None:
    slug = qp_str("author")
    st.title("Author")
    if not slug:
        st.info("Search an author's name in the sidebar's search box to open their page.")
        return
    iri = PERSON_BASE + slug
    names = run_about("author-name", iri)
    name = names["name"].iloc[0] if not names.empty else None
    if not isinstance(name, str):
        st.warning(f"No author '{slug}' in the graph; search for one in the sidebar.")
        return
    st.header(name)
    papers = run_about("author-papers", iri)
    st.caption(f"{len(papers)} paper(s) in the graph name {md_escape(name)} as an author (dcterms:creator).")
    if papers.empty:
        return
    st.dataframe(pd.DataFrame({
        "paper": papers["title"].fillna(papers["p"]), "page": papers["p"].map(paper_url),
        "year": papers["issued"].map(year_of), "introduces": papers["models"].replace("", None),
    }), hide_index=True, width="stretch", placeholder="", column_config={
        "page": st.column_config.LinkColumn(display_text="open"),
        "year": st.column_config.NumberColumn(format="%d")})
