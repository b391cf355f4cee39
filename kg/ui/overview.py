"""Overview: counts, papers per year per taxonomy section, the taxonomy as a treemap (of
the scheme chosen, default the scheme in force),
and freshness (each source's last run, from the provenance graph)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from kg.stats import class_counts
from kg.ui.common import md_escape, open_store, run, run_with, short, store_path
from kg.ui.schemes import scheme_selector

# Section names are long and two begin alike ("Other models trained only on ..."): one per
# line, never cut.
_LEGEND = alt.Legend(orient="bottom", columns=1, labelLimit=0, title="section")
# A fixed size, not the page's width: each label is cut to its box, which needs the box in pixels.
TREEMAP_WIDTH_PX, TREEMAP_HEIGHT_PX = 900, 420
LABEL_CHAR_PX = 6.2  # width of one character at the labels' 11 px font
_RUN_TIME = r"\s+\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:\d{2})?$"


def _fit_label(text: str, room_px: float) -> str:
    """``text`` cut to what ``room_px`` pixels hold at the labels' font size, with an ellipsis."""
    chars = int(room_px / LABEL_CHAR_PX)
    return text if len(text) <= chars else (text[: max(chars - 1, 0)] + "…" if chars >= 4 else "")


def treemap_rects(df: pd.DataFrame, value: str) -> pd.DataFrame:
    """A slice-and-dice treemap: sections side by side (width by total), their classes stacked
    (height by count). No plotting library with a treemap is a dependency; altair draws rects.
    Each label fits its box: written along the longer side, cut to it."""
    df = df[df[value] > 0]
    total = float(df[value].sum()) or 1.0
    rects, x = [], 0.0
    for section, grp in df.groupby("section", sort=True):
        width = float(grp[value].sum()) / total
        y, sec_total = 0.0, float(grp[value].sum())
        for _, row in grp.sort_values(value, ascending=False).iterrows():
            h = float(row[value]) / sec_total
            w_px, h_px = width * TREEMAP_WIDTH_PX, h * TREEMAP_HEIGHT_PX
            upright = h_px > w_px * 1.5 and w_px < LABEL_CHAR_PX * len(str(row["class"])) + 8
            label = _fit_label(str(row["class"]), (h_px if upright else w_px) - 8)
            rects.append({"section": section, "class": row["class"], value: int(row[value]),
                          "x": x, "x2": x + width, "y": y, "y2": y + h, "xm": x + width / 2, "ym": y + h / 2,
                          "label": label, "angle": 270 if upright else 0,
                          "show": bool(label) and (w_px if upright else h_px) >= 14})
            y += h
        x += width
    return pd.DataFrame(rects)


@st.cache_data(show_spinner=False, ttl=600)
def counts_of(path: str) -> dict[str, int]:
    """The same counts as `kg stats` (``path`` keys the cache)."""
    return class_counts(open_store(path))


def _counts_row(counts: dict[str, int], parts: pd.DataFrame) -> None:
    cols = st.columns(7)
    subs = parts["d"].nunique() if not parts.empty else 0
    helps = {"datasets": f"{counts.get('datasets', 0) - subs} datasets and {subs} sub-datasets (parts of another)",
             "taxonomy sections": "the survey's four top-level groups",
             "taxonomy classes": "the classes models are placed in (a section without sub-classes counts as one)"}
    for col, (what, key) in zip(cols, [("Models", "models"), ("Papers", "papers"), ("Datasets", "datasets"),
                                       ("Dice results", "results"), ("Taxonomy sections", "taxonomy sections"),
                                       ("Taxonomy classes", "taxonomy classes"),
                                       ("Citation links", "citations (cito:cites)")]):
        col.metric(what, counts.get(key, 0), help=helps.get(key))
    if subs:
        families = ", ".join(f"{parent} ({n})" for parent, n in parts.groupby("parentLabel")["d"].nunique().items())
        st.caption(f"Datasets: {counts.get('datasets', 0) - subs} benchmarks and {subs} sub-datasets, each part of "
                   f"another: {md_escape(families)}.")


def _freshness() -> None:
    st.subheader("Freshness")
    fresh = run("freshness")
    if fresh.empty:
        st.warning("The provenance graph records no run: build the graph with `kg build`.")
        return
    fresh["ended"] = pd.to_datetime(fresh["ended"], utc=True, errors="coerce")
    latest = fresh.sort_values("ended", ascending=False).groupby("graph", sort=False).head(1)
    st.metric("Last run ended", latest["ended"].max().strftime("%Y-%m-%d %H:%M UTC"))
    runs = latest["runLabel"].fillna(latest["run"].map(short)).str.replace(_RUN_TIME, "", regex=True)
    view = pd.DataFrame({
        "source": latest["graph"].map(short).str.removeprefix("graph:"),
        "last run (UTC)": runs + ", " + latest["ended"].dt.strftime("%Y-%m-%d %H:%M"),
        "triples": latest["triples"],
    }).sort_values("source")
    st.dataframe(view, hide_index=True, width="stretch", placeholder="", column_config={
        "source": st.column_config.TextColumn(help="the named graph a source writes (graph:…)"),
        "triples": st.column_config.NumberColumn(format="%d")})


def render() -> None:
    st.title("Generalist models for medical image segmentation")
    st.caption("A knowledge graph built from the survey by Moglia et al. 2025 (arXiv:2506.10825), kept up to date.")
    _counts_row(counts_of(store_path()), run("dataset-parts"))

    left, right = st.columns([3, 2])
    with left:
        st.subheader("Papers per year and taxonomy section")
        ppy = run("papers-per-year-per-section").dropna(subset=["year"])
        if ppy.empty:
            st.info("No dated papers with a taxonomy class yet.")
        else:
            ppy["year"] = ppy["year"].astype(int).astype(str)
            chart = alt.Chart(ppy).mark_bar().encode(
                x=alt.X("year:O", title="year"), y=alt.Y("papers:Q", title="papers"),
                color=alt.Color("section:N", legend=_LEGEND), tooltip=["year", "section", "papers"])
            st.altair_chart(chart, width="stretch")
    with right:
        _freshness()

    st.subheader("The survey taxonomy")
    tax = run_with("taxonomy-of-scheme", scheme=scheme_selector())  # default: the scheme in force
    measure = st.radio("Size by", ["models", "papers"], horizontal=True, key="w_tax_measure")
    rects = treemap_rects(tax, measure) if not tax.empty else pd.DataFrame()
    if rects.empty:
        st.info("The taxonomy is empty.")
    else:
        base = alt.Chart(rects)
        boxes = base.mark_rect(stroke="white", strokeWidth=2).encode(
            x=alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 1])), x2="x2:Q",
            y=alt.Y("y:Q", axis=None, scale=alt.Scale(domain=[0, 1], reverse=True)), y2="y2:Q",
            color=alt.Color("section:N", legend=_LEGEND), tooltip=["section", "class", measure])
        labels = base.transform_filter("datum.show").mark_text(fontSize=11, color="white").encode(
            x="xm:Q", y="ym:Q", text="label:N", angle=alt.Angle("angle:Q", scale=None))
        st.altair_chart((boxes + labels).properties(width=TREEMAP_WIDTH_PX, height=TREEMAP_HEIGHT_PX),
                        width="content")
        with st.expander("Taxonomy as a table"):
            st.dataframe(tax.drop(columns=["c", "notation"]), hide_index=True, width="stretch")
