"""Results: Dice of models x datasets along a chosen axis, the best per column in bold, rows
marked generalist or task-specific, and the source paper (with BibTeX) of every number; plus
a labelled chart of the same comparison.

Which numbers: by default every model shows, with its own paper's number (primary) where it
reports one and otherwise the best number in the literature, marked with a star. SAM, MedSAM
and SAM 2 report no primary results in the survey; a primary-only default would hide them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kg.ui.charts import FRAMEWORKS, ranked_bars
from kg.ui.common import (
    bibliography_button, empty_note, model_url, paper_bib, paper_url, qp_str, set_qp, store_path, url_multiselect,
    url_text,
)
from kg.ui.data import datasets_table, papers_about, result_datasets, result_frameworks, results_about

AXES = {"dataset": "dataset", "segmented object": "objects", "anatomical structure": "anatomy",
        "body region": "regions"}
KINDS = {"mixed": "primary where reported, else best in literature (*)",
         "primary": "primary only (the model's own paper)", "best": "best in literature only"}
ROW_COLOURS = {"Generalist": "#e3eefc", "Task-specific": "#fdebd8"}
BEST_CSS = "font-weight: bold; background-color: #ffe08a"
FALLBACK = "*"
DEFAULT_DATASETS = 8


def numbers_of_kind(results: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The results a view shows: one kind only, or (``mixed``) for each model and dataset its
    primary results when it has one there, else its best-in-literature ones (``fallback``)."""
    if kind != "mixed":
        return results[results["kind"] == kind].assign(fallback=False)
    has_primary = set(results.loc[results["kind"] == "primary", ["m", "dataset"]].itertuples(index=False, name=None))
    own = [(m, d) in has_primary for m, d in zip(results["m"], results["dataset"])]
    keep = [o == (k == "primary") for o, k in zip(own, results["kind"])]
    out = results[keep].copy()
    out["fallback"] = out["kind"] != "primary"
    return out


def dice_matrix(results: pd.DataFrame) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """Models (rows, with their framework) x datasets: the best Dice of each cell, and the
    cells whose number is a fallback (best in literature: the model has no primary one there)."""
    if results.empty:
        return pd.DataFrame(), set()
    best = results.groupby(["model", "framework", "dataset"], as_index=False).agg(
        dice=("dice", "max"), fallback=("fallback", "all"))
    matrix = best.pivot_table(index=["model", "framework"], columns="dataset", values="dice", aggfunc="max")
    matrix = matrix.reset_index().set_index("model")
    matrix.columns.name = None
    fallback = {(m, d) for m, d, f in best[["model", "dataset", "fallback"]].itertuples(index=False) if f}
    return matrix.sort_values(["framework", "model"]), fallback


def style_dice(matrix: pd.DataFrame, fallback: set[tuple[str, str]] | None = None):
    """Bold (and shade) the maximum of every dataset column; tint each row by framework; a
    star after a fallback number; empty cells blank."""
    datasets = [c for c in matrix.columns if c != "framework"]

    def best_in_column(col: pd.Series) -> list[str]:
        top = col.max()
        return [BEST_CSS if pd.notna(v) and v == top else "" for v in col]

    def framework_tint(col: pd.Series) -> list[str]:
        return [f"background-color: {ROW_COLOURS.get(v, '#ffffff')}" for v in col]

    styler = (matrix.style
              .apply(best_in_column, subset=datasets, axis=0)
              .apply(framework_tint, subset=["framework"], axis=0)
              .format("{:.1f}", subset=datasets, na_rep=""))
    for model, dataset in sorted(fallback or set()):
        if model in matrix.index and dataset in datasets:
            styler = styler.format(f"{{:.1f}} {FALLBACK}", subset=pd.IndexSlice[[model], [dataset]])
    return styler


def _controls(summary: pd.DataFrame, frameworks: list[str], path: str) -> dict:
    with st.sidebar:
        st.header("Compare")
        axis_names = list(AXES)
        wanted_axis = qp_str("axis", "dataset")
        axis = st.radio("Axis", axis_names, index=axis_names.index(wanted_axis) if wanted_axis in axis_names else 0,
                        key="w_axis")
        set_qp("axis", axis if axis != "dataset" else None)
        column = AXES[axis]
        if column == "dataset":
            options = sorted(summary["dataset"].unique(), key=str.casefold)
        else:  # the datasets' facts are read only for an axis that needs them
            options = sorted({v for vals in datasets_table(path)[column] for v in vals}, key=str.casefold)
        values = url_multiselect(f"{axis.capitalize()} values", options, "values")
        kind_keys = list(KINDS)
        wanted_kind = qp_str("kind", "mixed")
        kind = st.radio("Numbers", kind_keys, format_func=KINDS.get,
                        index=kind_keys.index(wanted_kind) if wanted_kind in kind_keys else 0, key="w_kind")
        set_qp("kind", kind if kind != "mixed" else None)
        chosen_fw = url_multiselect("Framework", frameworks, "fw")
        model_q = url_text("Model name contains", "mq")
    return {"axis": axis, "column": column, "values": values, "kind": kind, "fw": chosen_fw, "q": model_q}


def chosen_datasets(summary: pd.DataFrame, path: str, c: dict) -> list[str]:
    """The names of the datasets the controls ``c`` show: those of the chosen axis values, else
    the :data:`DEFAULT_DATASETS` with the most evaluated models (counted in the store)."""
    if c["values"]:
        if c["column"] == "dataset":
            return sorted(set(c["values"]))
        datasets = datasets_table(path)
        hit = datasets[datasets[c["column"]].apply(lambda vs: any(v in c["values"] for v in vs))]
        return sorted(set(hit["dataset"]))
    kind = "any" if c["kind"] == "mixed" else c["kind"]
    counted = summary if kind == "any" else result_datasets(path, per_kind=True)
    counted = counted[counted["kind"] == kind]
    # Per name, in the order pandas' groupby gives names: ties break as when every row was ranked.
    models = counted.groupby("dataset")["models"].sum()
    return list(models.sort_values(ascending=False).head(DEFAULT_DATASETS).index)


def pick_results(results: pd.DataFrame, names: list[str], c: dict) -> pd.DataFrame:
    """The numbers the page shows for the controls ``c`` on the datasets ``names`` (a plain
    function, tested directly)."""
    picked = numbers_of_kind(results, c["kind"])
    picked = picked[picked["dataset"].isin(set(names))]
    if c["values"]:
        st.caption(f"{c['axis'].capitalize()}: {', '.join(c['values'])} → {picked['dataset'].nunique()} datasets")
    else:
        st.caption(f"The {len(names)} datasets with the most evaluated models; choose an axis and values in the "
                   "sidebar.")
    if c["fw"]:
        picked = picked[picked["framework"].isin(c["fw"])]
    if c["q"]:
        picked = picked[picked["model"].str.casefold().str.contains(c["q"].casefold(), regex=False)]
    return picked


def _chart(picked: pd.DataFrame) -> None:
    best = (picked.sort_values("dice", ascending=False).drop_duplicates(subset=["m", "dataset"])
            .assign(number=lambda d: d["fallback"].map({True: "best in literature", False: "primary"}),
                    source=lambda d: d["srcTitle"].fillna(d["src"]).fillna(""),
                    framework=lambda d: d["framework"].where(d["framework"].isin(FRAMEWORKS), "unknown")))
    st.caption("Each dataset ranks its models, best first; hover a bar for the number's kind and source paper.")
    st.altair_chart(ranked_bars(best, facet="dataset", tooltip=[
        "model", "dataset", {"field": "dice", "type": "quantitative", "format": ".1f", "title": "Dice"},
        "framework", "number", "source"]), width="content")


def _sources(picked: pd.DataFrame) -> None:
    path = store_path()
    papers = papers_about(list(picked["src"].dropna().unique()))
    src = picked.sort_values(["dataset", "dice"], ascending=[True, False])
    keyed = paper_bib(path, papers.index[0]) is not None if len(papers) else True

    def bib(p: str) -> str:
        return (paper_bib(path, p) or "") if keyed and p in papers.index else ""

    view = pd.DataFrame({
        "model": src["model"], "model page": src["m"].map(model_url), "dataset": src["dataset"],
        "Dice": src["dice"], "kind": src["kind"], "framework": src["framework"],
        "source paper": src["srcTitle"].fillna(src["src"]),
        "source page": src["src"].map(lambda p: paper_url(p) if isinstance(p, str) else None),
        "BibTeX": src["src"].map(lambda p: bib(p) if isinstance(p, str) else ""),
    })
    st.caption("Every number with the paper it was taken from (prov:wasDerivedFrom); "
               "hover a BibTeX cell to read it.")
    st.dataframe(view, hide_index=True, width="stretch", placeholder="", column_config={
        "model page": st.column_config.LinkColumn(display_text="open"),
        "source page": st.column_config.LinkColumn(display_text="open"),
        "Dice": st.column_config.NumberColumn(format="%.1f"),
    })
    if not keyed:
        bibliography_button(path, "w_bib_key")
        return
    chosen = st.selectbox("BibTeX of a source paper", sorted(view["source paper"].dropna().unique()), key="w_bib")
    if chosen:
        st.code(view.loc[view["source paper"] == chosen, "BibTeX"].iloc[0], language="latex")


def render() -> None:
    st.title("Dice results")
    path = store_path()
    summary = result_datasets(path)
    if summary.empty:
        st.info("The graph holds no Dice results yet.")
        return
    controls = _controls(summary, result_frameworks(path), path)
    names = chosen_datasets(summary, path, controls)
    iris = summary.loc[summary["dataset"].isin(set(names)), "d"].tolist()
    picked = pick_results(results_about(datasets=iris), names, controls)
    if picked.empty:
        empty_note(f"{KINDS[controls['kind']]} results")
        return
    matrix, fallback = dice_matrix(picked)
    table_tab, chart_tab, source_tab = st.tabs(["Dice table", "Chart", "Sources of the numbers"])
    with table_tab:
        star = (f" {FALLBACK}: best in the literature, where the model's own paper reports no number on that "
                "dataset." if fallback else "")
        st.markdown(f"**Bold**: best Dice of the column. Rows: blue = generalist, orange = task-specific.{star} "
                    "Sort by clicking a column header; an empty cell: no number in the graph.")
        st.dataframe(style_dice(matrix, fallback), width="stretch", height=min(38 + 35 * len(matrix), 760),
                     placeholder="", column_config={"_index": st.column_config.TextColumn("model", pinned=True)})
    with chart_tab:
        _chart(picked)
    with source_tab:
        _sources(picked)
