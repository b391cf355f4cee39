"""Overview: counts, papers per year per taxonomy section, the taxonomy as a treemap,
and freshness (each source's last run, from the provenance graph)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from kg.stats import class_counts
from kg.ui.common import open_store, run, run_saved, short, store_path


def treemap_rects(df: pd.DataFrame, value: str) -> pd.DataFrame:
    """A slice-and-dice treemap: sections side by side (width by total), their classes stacked
    (height by count). No plotting library with a treemap is a dependency; altair draws rects."""
    df = df[df[value] > 0]
    total = float(df[value].sum()) or 1.0
    rects, x = [], 0.0
    for section, grp in df.groupby("section", sort=True):
        width = float(grp[value].sum()) / total
        y, sec_total = 0.0, float(grp[value].sum())
        for _, row in grp.sort_values(value, ascending=False).iterrows():
            h = float(row[value]) / sec_total
            rects.append({"section": section, "class": row["class"], value: int(row[value]),
                          "x": x, "x2": x + width, "y": y, "y2": y + h, "xm": x + width / 2, "ym": y + h / 2,
                          "show": h * width > 0.02})
            y += h
        x += width
    return pd.DataFrame(rects)


@st.cache_data(show_spinner=False, ttl=600)
def counts_of(path: str) -> dict[str, int]:
    """The same counts as `kg stats` (``path`` keys the cache)."""
    return class_counts(open_store(path))


def render() -> None:
    st.title("Generalist models for medical image segmentation")
    st.caption("A knowledge graph built from the survey by Moglia et al. 2025 (arXiv:2506.10825), kept up to date.")

    counts = counts_of(store_path())
    cols = st.columns(7)
    for col, (what, key) in zip(cols, [("Models", "models"), ("Papers", "papers"), ("Datasets", "datasets"),
                                       ("Dice results", "results"), ("Taxonomy sections", "taxonomy sections"),
                                       ("Taxonomy classes", "taxonomy classes"),
                                       ("Citation links", "citations (cito:cites)")]):
        col.metric(what, counts.get(key, 0))

    left, right = st.columns([3, 2])
    with left:
        st.subheader("Papers per year and taxonomy section")
        ppy = run("papers-per-year-per-section")
        if ppy.empty:
            st.info("No dated papers with a taxonomy class yet.")
        else:
            ppy["year"] = ppy["year"].astype(int).astype(str)
            chart = alt.Chart(ppy).mark_bar().encode(
                x=alt.X("year:O", title="year"), y=alt.Y("papers:Q", title="papers"),
                color=alt.Color("section:N", legend=alt.Legend(orient="bottom", columns=2)),
                tooltip=["year", "section", "papers"])
            st.altair_chart(chart, width="stretch")
    with right:
        st.subheader("Freshness")
        fresh = run("freshness")
        if fresh.empty:
            st.warning("The provenance graph records no run: build the graph with `kg build`.")
        else:
            fresh["ended"] = pd.to_datetime(fresh["ended"], utc=True, errors="coerce")
            latest = fresh.sort_values("ended", ascending=False).groupby("graph", sort=False).head(1)
            st.metric("Last run ended", latest["ended"].max().strftime("%Y-%m-%d %H:%M UTC"))
            view = pd.DataFrame({
                "source (named graph)": latest["graph"].map(short),
                "last run": latest["runLabel"].fillna(latest["run"].map(short)),
                "ended": latest["ended"].dt.strftime("%Y-%m-%d %H:%M"),
                "triples": latest["triples"],
            }).sort_values("source (named graph)")
            st.dataframe(view, hide_index=True, width="stretch")

    st.subheader("The survey taxonomy")
    tax = run_saved("taxonomy")
    measure = st.radio("Size by", ["models", "papers"], horizontal=True, key="w_tax_measure")
    rects = treemap_rects(tax, measure) if not tax.empty else pd.DataFrame()
    if rects.empty:
        st.info("The taxonomy is empty.")
    else:
        base = alt.Chart(rects)
        boxes = base.mark_rect(stroke="white", strokeWidth=2).encode(
            x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 1])), x2="x2:Q",
            y=alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[0, 1], reverse=True)), y2="y2:Q",
            color=alt.Color("section:N", legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=["section", "class", measure])
        labels = base.transform_filter("datum.show").mark_text(fontSize=11, color="white", limit=140).encode(
            x="xm:Q", y="ym:Q", text="class:N")
        st.altair_chart((boxes + labels).properties(height=420), width="stretch")
        with st.expander("Taxonomy as a table"):
            st.dataframe(tax.drop(columns=["c"]), hide_index=True, width="stretch")
