"""Compare: two to five models side by side (``?models=medsam&models=medsam2``, a link to
share): their facts, their Dice on the datasets they share (a grouped bar chart and a table
with the best of each dataset in bold), and their lineage drawn together.

Every question is anchored on the chosen models (``VALUES ?m { ... }``), so the page costs
the same at 100 or 100,000 papers."""

from __future__ import annotations

from typing import Any

import altair as alt
import networkx as nx
import pandas as pd
import streamlit as st

from kg.ui.common import (MODEL_BASE, md_escape, model_url, paper_url, qp_list, run, run_with, set_qp, shorten,
                          slug_of, year_of)
from kg.ui.network import render as render_network

MIN_MODELS, MAX_MODELS = 2, 5
BEST_CSS = "font-weight: bold; background-color: #ffe08a"
FALLBACK_NOTE = "*"
EXAMPLE = {"medsam": "MedSAM", "sat": "SAT", "nnu-net": "nnU-Net"}  # 27 datasets in common in the survey


def model_names() -> dict[str, str]:
    """Every model's IRI and label, A to Z (labels that two models share get their slug)."""
    rows = run("model-labels").dropna()
    rows = rows.sort_values("model", key=lambda s: s.str.casefold())
    doubled = set(rows["model"][rows["model"].duplicated(keep=False)])
    return {m: f"{n} ({slug_of(m, MODEL_BASE)})" if n in doubled else str(n) for m, n in zip(rows["m"], rows["model"])}


def pick_models(names: dict[str, str]) -> list[str]:
    """The chosen models, from the URL first (``?models=`` slugs), then the widget."""
    slugs = {slug_of(m, MODEL_BASE): m for m in names}
    wanted = [s for s in qp_list("models") if s in slugs]
    unknown = [s for s in qp_list("models") if s not in slugs]
    if unknown:
        st.warning(f"No model {', '.join(map(repr, unknown))} in the graph; left out.")
    if len(wanted) > MAX_MODELS:
        st.warning(f"At most {MAX_MODELS} models side by side: the first {MAX_MODELS} of the link are shown.")
        wanted = wanted[:MAX_MODELS]
    if "w_models" not in st.session_state or st.session_state.get("_url_models") != wanted:
        st.session_state["w_models"] = wanted  # a followed link wins over the widget's old state
    chosen = st.multiselect(f"Models ({MIN_MODELS} to {MAX_MODELS})", list(slugs), key="w_models",
                            format_func=lambda s: names[slugs[s]], max_selections=MAX_MODELS,
                            placeholder="type a model's name")
    set_qp("models", chosen)
    st.session_state["_url_models"] = chosen
    return [slugs[s] for s in chosen]


def best_numbers(results: pd.DataFrame) -> pd.DataFrame:
    """One number per model and dataset: the best primary Dice (the model's own paper) when
    there is one, else the best in the literature, marked ``fallback``; with its source."""
    if results.empty:
        return pd.DataFrame(columns=["m", "dataset", "dice", "kind", "src", "srcTitle", "fallback"])
    res = results.drop_duplicates(subset=["r", "m"]).copy()
    res["dice"] = res["dice"].astype(float)
    res["rank"] = (res["kind"] != "primary").astype(int)
    res = res.sort_values(["m", "dataset", "rank", "dice"], ascending=[True, True, True, False])
    best = res.drop_duplicates(subset=["m", "dataset"], keep="first").copy()  # one row's number and source
    best["fallback"] = best["kind"] != "primary"
    return best[["m", "dataset", "dice", "kind", "src", "srcTitle", "fallback"]]


def shared_datasets(numbers: pd.DataFrame, models: list[str]) -> tuple[list[str], bool]:
    """The datasets all ``models`` have a number on; if none, those at least two have (and
    False). Ordered by how many of the models have one, then by name."""
    per = numbers.groupby("dataset")["m"].nunique()
    everyone = sorted(per[per == len(models)].index, key=str.casefold)
    if everyone:
        return everyone, True
    some = per[per >= 2]
    return sorted(some.index, key=lambda d: (-some[d], d.casefold())), False


def dice_table(numbers: pd.DataFrame, names: dict[str, str], models: list[str], datasets: list[str]):
    """Datasets (rows) x models (columns), the best of each row in bold, a number taken from
    another paper (no primary result) marked with a star."""
    shown = numbers[numbers["dataset"].isin(datasets)]
    matrix = shown.pivot_table(index="dataset", columns="m", values="dice", aggfunc="max")
    matrix = matrix.reindex(index=datasets, columns=models)  # a model without a number keeps its (blank) column
    fallback = shown[shown["fallback"]].set_index(["dataset", "m"]).index
    matrix.columns = [names[m] for m in matrix.columns]
    matrix.columns.name = None

    def best_in_row(row: pd.Series) -> list[str]:
        top = row.max()
        return [BEST_CSS if pd.notna(v) and v == top else "" for v in row]

    styler = matrix.style.apply(best_in_row, axis=1).format("{:.1f}", na_rep="")
    for dataset, m in fallback:
        styler = styler.format(f"{{:.1f}} {FALLBACK_NOTE}", subset=pd.IndexSlice[[dataset], [names[m]]])
    return styler


def dice_chart(numbers: pd.DataFrame, names: dict[str, str], models: list[str], datasets: list[str]) -> alt.Chart:
    shown = numbers[numbers["dataset"].isin(datasets)].copy()
    shown["model"] = shown["m"].map(names)
    shown["number"] = shown["fallback"].map({True: "best in literature (no primary)", False: "primary"})
    shown["source"] = shown["srcTitle"].fillna(shown["src"]).fillna("")
    order = [names[m] for m in models]
    bars = alt.Chart(shown).mark_bar().encode(
        x=alt.X("dataset:N", sort=datasets, title=None, axis=alt.Axis(labelAngle=-45, labelLimit=180,
                                                                      labelOverlap=False)),
        xOffset=alt.XOffset("model:N", sort=order),
        y=alt.Y("dice:Q", title="Dice (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("model:N", sort=order, scale=alt.Scale(domain=order, scheme="tableau10"),
                        legend=alt.Legend(orient="top", title=None, labelLimit=0)),
        opacity=alt.Opacity("number:N", scale=alt.Scale(domain=["primary", "best in literature (no primary)"],
                                                        range=[1.0, 0.5]),
                            legend=alt.Legend(orient="top", title=None, labelLimit=0)),
        tooltip=["model", "dataset", alt.Tooltip("dice:Q", format=".1f", title="Dice"), "number", "source"])
    return bars.properties(height=380)


def lineage_graph(edges: pd.DataFrame, models: list[str], names: dict[str, str]) -> nx.DiGraph:
    g = nx.DiGraph()
    for m in models:
        g.add_node(m, label=names[m])
    for a, al, b, bl in edges[["a", "aLabel", "b", "bLabel"]].itertuples(index=False):
        g.add_edge(a, b, title=f"{al} is based on {bl}")
        g.nodes[a].setdefault("label", al)
        g.nodes[b].setdefault("label", bl)
    for n in g:
        chosen = n in models
        g.nodes[n].update(group="focus" if chosen else "base", size=22 if chosen else 14, url=model_url(n),
                          title=f"{g.nodes[n]['label']} ({'chosen' if chosen else 'ancestor'})")
    return g


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value) == "":
        return ""
    return md_escape(value)


def facts_markdown(facts: pd.DataFrame, models: list[str], names: dict[str, str], numbers: pd.DataFrame) -> str:
    """The facts as one Markdown table (a column per model), with links to each model's page,
    paper page and code."""
    rows = facts.set_index("m")
    per = numbers.groupby("m")["dataset"].nunique()
    header = "| | " + " | ".join(f"[{md_escape(names[m])}]({model_url(m)})" for m in models) + " |"
    lines = [header, "|---" * (len(models) + 1) + "|"]

    def fact(label: str, value_of: Any) -> None:
        cells = [value_of(rows.loc[m]) if m in rows.index else "" for m in models]
        lines.append(f"| **{label}** | " + " | ".join(cells) + " |")

    def links(codes: Any) -> str:
        urls = sorted((u for u in str(codes or "").split(" | ") if u.startswith(("http://", "https://"))), key=len)
        return f"[code]({urls[0].replace(')', '%29')})" if urls else "no code"

    fact("Framework", lambda r: _cell(r["framework"]))
    fact("Taxonomy class", lambda r: _cell(r["classes"]))
    fact("Section", lambda r: _cell(r["sections"]))
    fact("Based on", lambda r: _cell(r["bases"]) or "none")
    fact("Year", lambda r: _cell(year_of(r["issued"])))
    fact("Parameters (M)", lambda r: _cell(f"{float(r['params']):g}" if pd.notna(r["params"]) else ""))
    fact("Backbone", lambda r: _cell(r["backbone"]))
    fact("Code", lambda r: links(r["codes"]))
    fact("Paper", lambda r: f"[{md_escape(shorten(r['title'], 70))}]({paper_url(r['paper'])})"
         if isinstance(r["paper"], str) else "")
    lines.append("| **Datasets with a Dice** | " + " | ".join(str(int(per.get(m, 0))) for m in models) + " |")
    return "\n".join(lines)


def render() -> None:
    st.title("Compare models")
    names = model_names()
    if not names:
        st.info("The graph has no models yet.")
        return
    models = pick_models(names)
    if len(models) < MIN_MODELS:
        known = {s: n for s, n in EXAMPLE.items() if MODEL_BASE + s in names}
        example = "&".join(f"models={s}" for s in known)
        st.info(f"Pick {MIN_MODELS} to {MAX_MODELS} models above to put them side by side"
                + (f", or open [{', '.join(known.values())}](./compare?{example})." if len(known) > 1 else "."))
        return
    facts = run_with("compare-facts", models=models)
    numbers = best_numbers(run_with("compare-results", models=models))
    datasets, by_all = shared_datasets(numbers, models) if not numbers.empty else ([], False)

    st.subheader("Facts")
    st.markdown(facts_markdown(facts, models, names, numbers))

    st.subheader("Dice on the datasets they share")
    if not datasets:
        st.info("No dataset has a Dice result of two of these models.")
    else:
        st.caption((f"The {len(datasets)} datasets every chosen model has a result on." if by_all else
                    f"No dataset has a result of every chosen model: the {len(datasets)} datasets with results of "
                    "at least two, the most shared first.")
                   + f" Each number is the model's own paper's (primary); {FALLBACK_NOTE} and a paler bar: the best "
                   "in the literature, for a model with no primary result there. **Bold**: the best of the row.")
        st.altair_chart(dice_chart(numbers, names, models, datasets), width="stretch")
        st.dataframe(dice_table(numbers, names, models, datasets), width="stretch", placeholder="",
                     height=min(38 + 35 * len(datasets), 560),
                     column_config={"_index": st.column_config.TextColumn("dataset", width="medium", pinned=True)})
        silent = [names[m] for m in models if m not in set(numbers["m"])]
        if silent:
            st.caption(f"No Dice result in the graph for {', '.join(silent)}.")

    st.subheader("Lineage")
    edges = run_with("compare-lineage", models=models)
    g = lineage_graph(edges, models, names)
    st.caption("The chosen models (red) and every model they are based on, directly or through another "
               "(orange); an arrow points to the model adapted. Double-click a model to open its page.")
    st.iframe(render_network(g, height=420).html, height=440)
