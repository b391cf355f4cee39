"""Models: the survey's filters (class, in the taxonomy scheme chosen, default the one in
force; framework, architecture, backbone, year, publishers, country, code) and free-text
search over a sortable table with links to paper and code."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kg.ui.common import (empty_note, model_url, qp_str, set_qp, store_path, url_checkbox, url_multiselect, url_text,
                          web_link)
from kg.ui.countries import UNKNOWN
from kg.ui.data import models_table
from kg.ui.schemes import scheme_selector


def _options(table: pd.DataFrame, column: str) -> list[str]:
    values: set[str] = set()
    for v in table[column]:
        if isinstance(v, list):
            values.update(map(str, v))
        elif v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v):
            values.add(str(v))
    return sorted(values, key=str.casefold)


def _any_in(cell: object, wanted: list[str]) -> bool:
    if isinstance(cell, list):
        return any(str(c) in wanted for c in cell)
    return str(cell) in wanted


def filter_models(table: pd.DataFrame, f: dict) -> pd.DataFrame:
    """Apply the page's filters (a plain function, so tests can call it too)."""
    out = table
    for key, column in (("class", "classes"), ("framework", "framework"), ("arch", "architecture"),
                        ("base", "based on"), ("backbone", "backbone"), ("first", "first publisher"),
                        ("last", "last publisher"), ("country", "countries")):
        if f.get(key):
            out = out[out[column].apply(lambda c, w=f[key]: _any_in(c, w))]
    if f.get("years"):
        lo, hi = f["years"]
        out = out[out["year"].notna() & (out["year"] >= lo) & (out["year"] <= hi)]
    if f.get("code"):
        out = out[out["code"].notna()]
    if f.get("q"):
        q = f["q"].casefold()
        hay = out[["model", "other names", "title", "backbone"]].astype(str).agg(" ".join, axis=1) + " " + \
            out["affiliations"].apply(" ".join) + " " + out["classes"].apply(" ".join)
        out = out[hay.str.casefold().str.contains(q, regex=False)]
    return out


def render() -> None:
    st.title("Models")
    with st.sidebar:
        st.header("Filter models")
        scheme = scheme_selector(dependents=("class",))
    table = models_table(store_path(), scheme)
    if table.empty:
        st.info("The graph has no models yet.")
        return

    with st.sidebar:
        f = {
            "q": url_text("Search (name, title, affiliation, class)", "q"),
            "class": url_multiselect("Taxonomy class", _options(table, "classes"), "class"),
            "framework": url_multiselect("Framework", _options(table, "framework"), "framework"),
            "arch": url_multiselect("Architecture", _options(table, "architecture"), "arch"),
            "base": url_multiselect("Base model (lineage)", _options(table, "based on"), "base"),
            "backbone": url_multiselect("Visual backbone", _options(table, "backbone"), "backbone"),
            "first": url_multiselect("First publisher", _options(table, "first publisher"), "first"),
            "last": url_multiselect("Last publisher", _options(table, "last publisher"), "last"),
            "country": url_multiselect("Country (from affiliations)", _options(table, "countries"), "country",
                                       help=f"'{UNKNOWN}': an affiliation the app's table does not place"),
            "code": url_checkbox("Code available", "code"),
        }
        years = table["year"].dropna()
        if not years.empty:
            lo, hi = int(years.min()), int(years.max())
            try:
                start = tuple(int(x) for x in qp_str("years").split("-")) if qp_str("years") else (lo, hi)
                start = (max(lo, min(start)), min(hi, max(start)))
            except ValueError:
                start = (lo, hi)
            if lo < hi:
                chosen = st.slider("Release year", lo, hi, start, key="w_years")
                set_qp("years", f"{chosen[0]}-{chosen[1]}" if chosen != (lo, hi) else None)
                f["years"] = chosen if chosen != (lo, hi) else None

    shown = filter_models(table, f)
    st.caption(f"{len(shown)} of {len(table)} models. First/last publisher: the venues of the introducing "
               "paper (arXiv counts as the first when there is another). Country: derived from affiliations.")
    if shown.empty:
        empty_note("models")
        return
    view = pd.DataFrame({
        "model": shown["model"],
        "details": shown["iri"].map(model_url),
        "framework": shown["framework"],
        "class": shown["classes"].apply(", ".join),
        "based on": shown["based on"].apply(", ".join),
        "backbone": shown["backbone"],
        "architecture": shown["architecture"].apply(", ".join),
        "year": shown["year"],
        "paper": shown["paper link"].map(web_link),
        "title": shown["title"],
        "first publisher": shown["first publisher"],
        "last publisher": shown["last publisher"],
        "code": shown["code"].map(web_link),
        "params (M)": shown["params (M)"],
        "GFLOPs": shown["GFLOPs"],
        "GPUs": shown["GPUs"],
        "GPU model": shown["GPU model"],
        "VRAM (GB)": shown["VRAM (GB)"],
        "countries": shown["countries"].apply(", ".join),
        "affiliations": shown["affiliations"].apply("; ".join),
    })
    st.dataframe(
        view, hide_index=True, width="stretch", height=min(38 + 35 * len(view), 720),
        column_config={
            "details": st.column_config.LinkColumn("details", display_text="open", help="the model's page"),
            "paper": st.column_config.LinkColumn("paper", display_text="paper"),
            "code": st.column_config.LinkColumn("code", display_text="code"),
            "year": st.column_config.NumberColumn("year", format="%d"),
            "params (M)": st.column_config.NumberColumn(format="%.1f"),
            "GFLOPs": st.column_config.NumberColumn(format="%.1f"),
            "GPUs": st.column_config.NumberColumn(format="%d"),
            "VRAM (GB)": st.column_config.NumberColumn(format="%.0f"),
        },
    )
    st.download_button("Download these models (CSV)", view.to_csv(index=False).encode(), "models.csv", "text/csv")
