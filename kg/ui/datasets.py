"""Datasets: modality, region, objects, size, links, and which models were evaluated on each."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st

from kg.ui.common import (DATASET_BASE, empty_note, md_escape, model_url, slug_of, store_path, url_multiselect,
                          url_selectbox, url_text, web_link)
from kg.ui.data import datasets_table, results_about


def _count(value: object) -> str:
    return f"{int(value):,}" if isinstance(value, (int, float)) and pd.notna(value) else "–"


def render() -> None:
    st.title("Datasets")
    path = store_path()
    table = datasets_table(path)
    if table.empty:
        st.info("The graph has no datasets yet.")
        return
    with st.sidebar:
        st.header("Filter datasets")
        q = url_text("Search (name, object, structure)", "dq")
        modality = url_multiselect("Modality", sorted(table["modality"].unique(), key=str.casefold), "modality")
        regions = url_multiselect("Body region", sorted({r for rs in table["regions"] for r in rs}, key=str.casefold),
                                  "region")
    shown = table
    if modality:
        shown = shown[shown["modality"].isin(modality)]
    if regions:
        shown = shown[shown["regions"].apply(lambda rs: any(r in regions for r in rs))]
    if q:
        hay = (shown["dataset"] + " " + shown["full name"] + " " + shown["objects"].apply(" ".join) + " "
               + shown["anatomy"].apply(" ".join))
        shown = shown[hay.str.casefold().str.contains(q.casefold(), regex=False)]
    subs = int((shown["part of"] != "").sum())
    st.caption(f"{len(shown)} of {len(table)} datasets" + (f"; {subs} of them are sub-datasets, part of another "
                                                           "(see 'part of')" if subs else ""))
    if shown.empty:
        empty_note("datasets")
        return
    view = pd.DataFrame({
        "dataset": shown["dataset"],
        "kind": shown["part of"].map(lambda p: f"sub-dataset of {p}" if p else "dataset"),
        "full name": shown["full name"], "modality": shown["modality"],
        "regions": shown["regions"].apply(", ".join), "objects": shown["objects"].apply(", ".join),
        "anatomy": shown["anatomy"].apply(", ".join), "volumes": shown["volumes"],
        "labelled": shown["labelled volumes"], "part of": shown["part of"],
        "link": shown["links"].apply(lambda ls: next((u for u, _ in ls if web_link(u)), None)),
        "# models": shown["# models"], "models evaluated": shown["models evaluated"].apply(", ".join),
    })
    st.dataframe(view, hide_index=True, width="stretch", height=min(38 + 35 * len(view), 560), placeholder="",
                 column_config={"link": st.column_config.LinkColumn(display_text="web page"),
                                "kind": st.column_config.TextColumn(width="medium"),
                                "volumes": st.column_config.NumberColumn(format="%d"),
                                "labelled": st.column_config.NumberColumn(format="%d")})

    _one_dataset(shown, path)


def _one_dataset(shown: pd.DataFrame, path: str) -> None:
    """One dataset's facts, links and models (the URL's ``?dataset=``)."""
    st.subheader("One dataset")
    iri_of = {slug_of(i, DATASET_BASE): i for i in shown["iri"]}
    names = dict(zip(shown["iri"], shown["dataset"]))
    slug = url_selectbox("Dataset", list(iri_of), "dataset", format_func=lambda s: names[iri_of[s]])
    row = shown[shown["iri"] == iri_of[slug]].iloc[0]
    name = row["dataset"]
    c1, c2 = st.columns([2, 3])
    with c1:
        full = f" — {md_escape(row['full name'])}" if row["full name"] else ""
        st.markdown(f"**{md_escape(row['dataset'])}**{full}")
        st.markdown(f"Modality: {md_escape(row['modality'])}  \n"
                    f"Regions: {md_escape(', '.join(row['regions']) or '–')}  \n"
                    f"Objects: {md_escape(', '.join(row['objects']) or '–')}  \n"
                    f"Volumes: {_count(row['volumes'])} (labelled: {_count(row['labelled volumes'])})")
        for url, text in row["links"]:
            if web_link(url):
                st.markdown(f"- [{md_escape(text)}]({url.replace(')', '%29')})")
        if row["part of"]:
            st.caption(f"A sub-dataset: part of {md_escape(row['part of'])}.")
        st.markdown(f"[Leaderboard on {md_escape(name)}](./leaderboards?dataset={quote(slug, safe='/')})")
        if row["includes"]:
            st.caption("Includes: " + ", ".join(row["includes"]))
    with c2:
        every = datasets_table(path)  # the results of every dataset of that name, as before the filters
        res = results_about(datasets=list(every.loc[every["dataset"] == name, "iri"]))
        if res.empty:
            st.info("No Dice result on this dataset in the graph.")
        else:
            best = (res.sort_values("dice", ascending=False).groupby(["m", "kind"], as_index=False).first()
                    .sort_values("dice", ascending=False))
            st.dataframe(pd.DataFrame({
                "model": best["model"], "page": best["m"].map(model_url), "framework": best["framework"],
                "kind": best["kind"], "Dice": best["dice"], "source": best["srcTitle"],
            }), hide_index=True, width="stretch", column_config={
                "page": st.column_config.LinkColumn(display_text="open"),
                "Dice": st.column_config.NumberColumn(format="%.1f")})
