"""Leaderboards: per dataset, every model ranked by Dice, coloured generalist / task-specific,
each number's source paper on hover and one click away ("which model is best on BTCV, and
is it a generalist?" without SPARQL); and a timeline of the models of every taxonomy class.

Both views ask the store for what they draw only: the results of one dataset
(``leaderboard``), the datasets with their model counts aggregated in the store
(``leaderboard-datasets``), one row per model classified in the scheme chosen (``model-timeline``; default: the
scheme in force)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kg.ui.charts import ranked_bars, timeline_chart, timeline_rows
from kg.ui.common import (DATASET_BASE, md_escape, model_url, paper_url, qp_str, run, run_about, run_with, set_qp,
                          slug_of, url_selectbox)
from kg.ui.schemes import scheme_selector

VIEWS = {"dataset": "Per dataset", "timeline": "Timeline per class"}
KINDS = {"all": "best of each model (any paper)", "primary": "primary only (the model's own paper)"}


def ranking(results: pd.DataFrame, kind: str = "all") -> pd.DataFrame:
    """One row per model: its best Dice on the dataset (primary numbers only if ``kind`` says
    so), with the kind and source paper of that number; best first, ranked 1, 2, 3 (ties share)."""
    res = results.drop_duplicates(subset=["r", "m"]).copy()
    if kind == "primary":
        res = res[res["kind"] == "primary"]
    if res.empty:
        return res.assign(rank=[], source=[], url=[])
    res["dice"] = res["dice"].astype(float)
    res["framework"] = res["framework"].fillna("unknown")
    # drop_duplicates, not groupby().first(): first() takes each column's first non-null value,
    # which could pair one number with another row's source paper.
    best = (res.sort_values(["dice", "kind", "model"], ascending=[False, False, True])
            .drop_duplicates(subset="m", keep="first").reset_index(drop=True))
    best["rank"] = best["dice"].rank(method="min", ascending=False).astype(int)
    best["source"] = best["srcTitle"].fillna(best["src"]).fillna("no source paper")
    best["url"] = best["src"].map(lambda p: paper_url(p) if isinstance(p, str) else None)
    return best


def _headline(board: pd.DataFrame, dataset: str) -> None:
    top = board.iloc[0]
    source = (f"[{md_escape(top['source'])}]({top['url']})" if isinstance(top["url"], str)
              else md_escape(top["source"]))
    st.markdown(f"**Best on {md_escape(dataset)}: [{md_escape(top['model'])}]({model_url(top['m'])})**, "
                f"a {md_escape(str(top['framework']).lower())} model: Dice {top['dice']:.1f} ({top['kind']} number, "
                f"from {source}).")
    cols = st.columns(3)
    by = {fw: board[board["framework"] == fw] for fw in ("Generalist", "Task-specific")}
    for col, fw in zip(cols, by):
        if by[fw].empty:
            col.metric(f"Best {fw.lower()}", "none")
        else:
            col.metric(f"Best {fw.lower()}", f"{by[fw]['dice'].iloc[0]:.1f}", help=str(by[fw]["model"].iloc[0]))
            col.caption(md_escape(by[fw]["model"].iloc[0]))
    if not by["Generalist"].empty and not by["Task-specific"].empty:
        gap = by["Generalist"]["dice"].iloc[0] - by["Task-specific"]["dice"].iloc[0]
        cols[2].metric("Generalist minus task-specific", f"{gap:+.1f}", help="difference of the two best Dice")


def dataset_view() -> None:
    datasets = run("leaderboard-datasets")
    if datasets.empty:
        st.info("The graph holds no Dice results yet.")
        return
    by_slug = {slug_of(d, DATASET_BASE): d for d in datasets["d"]}
    info = datasets.set_index("d")

    def label(slug: str) -> str:
        row = info.loc[by_slug[slug]]
        part = f", part of {row['partOf']}" if isinstance(row["partOf"], str) else ""
        return f"{row['dataset']} ({int(row['models'])} models{part})"

    c1, c2 = st.columns([2, 1])
    slug = url_selectbox("Dataset (most evaluated first)", list(by_slug), "dataset", default=list(by_slug)[0],
                         container=c1, format_func=label)
    kind_keys = list(KINDS)
    wanted = qp_str("kind", "all")
    kind = c2.radio("Numbers", kind_keys, format_func=KINDS.get, key="w_kind",
                    index=kind_keys.index(wanted) if wanted in kind_keys else 0)
    set_qp("kind", kind if kind != "all" else None)
    d = by_slug[slug]
    name = str(info.loc[d, "dataset"])
    board = ranking(run_about("leaderboard", d), kind)
    if board.empty:
        st.info(f"No {'primary ' if kind == 'primary' else ''}Dice result on {name} in the graph.")
        return
    _headline(board, name)
    st.caption("Hover a bar for the paper the number comes from; click it to open that paper's page. "
               "Blue: generalist, orange: task-specific.")
    chart = ranked_bars(board, href="url", tooltip=["rank", "model", "framework",
                                                    {"field": "dice", "type": "quantitative", "format": ".1f",
                                                     "title": "Dice"}, "kind", "source"])
    st.altair_chart(chart, width="stretch")
    st.dataframe(pd.DataFrame({
        "rank": board["rank"], "model": board["model"], "model page": board["m"].map(model_url),
        "framework": board["framework"], "Dice": board["dice"], "number": board["kind"],
        "source paper": board["source"], "source page": board["url"],
    }), hide_index=True, width="stretch", placeholder="", column_config={
        "rank": st.column_config.NumberColumn(width="small"),
        "model page": st.column_config.LinkColumn(display_text="open", width="small"),
        "framework": st.column_config.TextColumn(width="small"),
        "number": st.column_config.TextColumn(width="small"),
        "source paper": st.column_config.TextColumn(width="large"),
        "source page": st.column_config.LinkColumn(display_text="open", width="small"),
        "Dice": st.column_config.NumberColumn(format="%.1f", width="small")})


def timeline_view() -> None:
    models = run_with("model-timeline", scheme=scheme_selector())
    if models.empty:
        st.info("No model of the graph has a taxonomy class yet.")
        return
    rows = timeline_rows(models)
    rows["url"] = rows["m"].map(model_url)
    order = rows[["section", "class"]].drop_duplicates().sort_values(["section", "class"])
    sections = sorted(rows["section"].unique())
    st.caption(f"{rows['m'].nunique()} models in {len(order)} classes, by the year of the paper that introduced "
               "them (a model in two classes shows in both). Hover a name for its date; click to open its page.")
    st.altair_chart(timeline_chart(rows, list(order["class"]), sections), width="content")
    per_year = rows.pivot_table(index="class", columns="year", values="m", aggfunc="nunique", fill_value=0)
    with st.expander("Models per class and year, as a table"):
        st.dataframe(per_year.reindex(list(order["class"])), width="stretch")


def render() -> None:
    st.title("Leaderboards")
    keys = list(VIEWS)
    wanted = qp_str("view", "dataset")
    view = st.segmented_control("View", keys, format_func=VIEWS.get, key="w_board_view",
                                default=wanted if wanted in keys else "dataset") or "dataset"
    set_qp("view", view if view != "dataset" else None)
    dataset_view() if view == "dataset" else timeline_view()
