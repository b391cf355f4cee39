"""Results: Dice of models x datasets along a chosen axis, the best per column in bold, rows
marked generalist or task-specific, primary (own paper) or best-in-literature numbers, and
the source paper (with BibTeX) of every number; plus a chart of the same comparison."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from kg.ui.bibtex import paper_bibtex
from kg.ui.common import (empty_note, model_url, paper_url, qp_str, set_qp, store_path, url_multiselect,
                          url_text)
from kg.ui.data import datasets_table, papers_table, results_table

AXES = {"dataset": "dataset", "segmented object": "objects", "anatomical structure": "anatomy",
        "body region": "regions"}
KINDS = {"primary": "primary (the model's own paper)", "best": "best in literature"}
ROW_COLOURS = {"Generalist": "#e3eefc", "Task-specific": "#fdebd8"}
BEST_CSS = "font-weight: bold; background-color: #ffe08a"
DEFAULT_DATASETS = 8


def dice_matrix(results: pd.DataFrame) -> pd.DataFrame:
    """Models (rows, with their framework) x datasets: the best Dice of each cell."""
    if results.empty:
        return pd.DataFrame()
    best = results.groupby(["model", "framework", "dataset"], as_index=False)["dice"].max()
    matrix = best.pivot_table(index=["model", "framework"], columns="dataset", values="dice", aggfunc="max")
    matrix = matrix.reset_index().set_index("model")
    matrix.columns.name = None
    return matrix.sort_values(["framework", "model"])


def style_dice(matrix: pd.DataFrame):
    """Bold (and shade) the maximum of every dataset column; tint each row by framework."""
    datasets = [c for c in matrix.columns if c != "framework"]

    def best_in_column(col: pd.Series) -> list[str]:
        top = col.max()
        return [BEST_CSS if pd.notna(v) and v == top else "" for v in col]

    def framework_tint(col: pd.Series) -> list[str]:
        return [f"background-color: {ROW_COLOURS.get(v, '#ffffff')}" for v in col]

    return (matrix.style
            .apply(best_in_column, subset=datasets, axis=0)
            .apply(framework_tint, subset=["framework"], axis=0)
            .format("{:.1f}", subset=datasets, na_rep="–"))




def render() -> None:
    st.title("Dice results")
    path = store_path()
    results, datasets = results_table(path), datasets_table(path)
    if results.empty:
        st.info("The graph holds no Dice results yet.")
        return

    with st.sidebar:
        st.header("Compare")
        axis_names = list(AXES)
        wanted_axis = qp_str("axis", "dataset")
        axis = st.radio("Axis", axis_names, index=axis_names.index(wanted_axis) if wanted_axis in axis_names else 0,
                        key="w_axis")
        set_qp("axis", axis if axis != "dataset" else None)
        column = AXES[axis]
        if column == "dataset":
            options = sorted(results["dataset"].unique(), key=str.casefold)
        else:
            options = sorted({v for vals in datasets[column] for v in vals}, key=str.casefold)
        values = url_multiselect(f"{axis.capitalize()} values", options, "values")
        kind_keys = list(KINDS)
        wanted_kind = qp_str("kind", "primary")
        kind = st.radio("Numbers", kind_keys, format_func=KINDS.get,
                        index=kind_keys.index(wanted_kind) if wanted_kind in kind_keys else 0, key="w_kind")
        set_qp("kind", kind if kind != "primary" else None)
        frameworks = url_multiselect("Framework", sorted(results["framework"].unique()), "fw")
        model_q = url_text("Model name contains", "mq")

    picked = results[results["kind"] == kind]
    if values:
        if column == "dataset":
            names = set(values)
        else:
            names = set(datasets[datasets[column].apply(lambda vs: any(v in values for v in vs))]["dataset"])
        picked = picked[picked["dataset"].isin(names)]
        st.caption(f"{axis.capitalize()}: {', '.join(values)} → {picked['dataset'].nunique()} datasets")
    else:
        top = picked.groupby("dataset")["m"].nunique().sort_values(ascending=False).head(DEFAULT_DATASETS).index
        picked = picked[picked["dataset"].isin(top)]
        st.caption(f"The {len(top)} datasets with the most evaluated models; choose an axis and values in the sidebar.")
    if frameworks:
        picked = picked[picked["framework"].isin(frameworks)]
    if model_q:
        picked = picked[picked["model"].str.casefold().str.contains(model_q.casefold(), regex=False)]
    if picked.empty:
        empty_note(f"{KINDS[kind]} results")
        return

    matrix = dice_matrix(picked)
    table_tab, chart_tab, source_tab = st.tabs(["Dice table", "Chart", "Sources of the numbers"])
    with table_tab:
        st.markdown("**Bold**: best Dice of the column. Rows: blue = generalist, orange = task-specific. "
                    "Sort by clicking a column header.")
        st.dataframe(style_dice(matrix), width="stretch", height=min(38 + 35 * len(matrix), 760),
                     column_config={"_index": st.column_config.TextColumn("model", pinned=True)})
    with chart_tab:
        chart = alt.Chart(picked).mark_circle(size=70, opacity=0.8).encode(
            x=alt.X("dataset:N", sort="ascending", title=None, axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("dice:Q", title="Dice (%)", scale=alt.Scale(zero=False)),
            color=alt.Color("framework:N", scale=alt.Scale(domain=list(ROW_COLOURS), range=["#4C78A8", "#F58518"])),
            tooltip=["model", "dataset", alt.Tooltip("dice:Q", format=".1f"), "framework", "srcTitle"])
        st.altair_chart(chart.properties(height=420), width="stretch")
    with source_tab:
        papers = papers_table(path).set_index("paper")
        src = picked.sort_values(["dataset", "dice"], ascending=[True, False])

        def bib(p: str) -> str:
            if p not in papers.index:
                return ""
            row = papers.loc[p]
            return paper_bibtex({"title": row["title"], "authors": row["authors"], "year": row["year"],
                                 "venue": next((v for v in str(row["venues"] or "").split(" | ") if v and v.lower() != "arxiv"), None),
                                 "doi": row["doi"], "arxiv": row["arxiv"], "key": row["bibKey"]})

        view = pd.DataFrame({
            "model": src["model"], "model page": src["m"].map(model_url), "dataset": src["dataset"],
            "Dice": src["dice"], "framework": src["framework"],
            "source paper": src["srcTitle"].fillna(src["src"]),
            "source page": src["src"].map(lambda p: paper_url(p) if isinstance(p, str) else None),
            "BibTeX": src["src"].map(lambda p: bib(p) if isinstance(p, str) else ""),
        })
        st.caption("Every number with the paper it was taken from (prov:wasDerivedFrom); hover a BibTeX cell to read it.")
        st.dataframe(view, hide_index=True, width="stretch", column_config={
            "model page": st.column_config.LinkColumn(display_text="open"),
            "source page": st.column_config.LinkColumn(display_text="open"),
            "Dice": st.column_config.NumberColumn(format="%.1f"),
        })
        chosen = st.selectbox("BibTeX of a source paper", sorted(view["source paper"].dropna().unique()), key="w_bib")
        if chosen:
            st.code(view.loc[view["source paper"] == chosen, "BibTeX"].iloc[0], language="latex")
