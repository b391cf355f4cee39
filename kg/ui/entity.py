"""Model and paper pages: every fact with its provenance (which source graph, which run,
when), BibTeX to copy, lineage, datasets and results, citations in and out."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st

from kg.ui.common import (
    MODEL_BASE, PAPER_BASE, md_escape, model_url, paper_bib, paper_url, person_url, qp_str, run, run_about, short,
    slug_of, store_path, url_selectbox,
)
from kg.ui.data import models_table, papers_about, papers_table, results_table
from kg.ui.graphs import lineage_nx
from kg.views import descendants_of


def _runs_by_graph() -> pd.DataFrame:
    fresh = run("freshness")
    if fresh.empty:
        return pd.DataFrame(columns=["graph", "run", "runLabel", "ended"])
    fresh["ended"] = pd.to_datetime(fresh["ended"], utc=True, errors="coerce")
    return fresh.sort_values("ended", ascending=False).groupby("graph", sort=False).head(1).set_index("graph")


def provenance_table(iri: str) -> pd.DataFrame:
    """Each statement about ``iri``: property, value, source (named graph), the run that last
    wrote that graph (prov:wasGeneratedBy in the provenance graph) and when it ended."""
    facts = run_about("entity-facts", iri)
    if facts.empty:
        return facts
    runs = _runs_by_graph()
    facts["value"] = [lbl if isinstance(lbl, str) else str(o) for o, lbl in zip(facts["o"], facts["olabel"])]
    facts["o"] = facts["o"].map(str)  # values of mixed types (dates, decimals, IRIs) do not sort together
    out = (facts.groupby(["p", "o", "g"], as_index=False, sort=False).agg(value=("value", "first")))
    out["property"] = out["p"].map(short)
    out["source"] = out["g"].map(short)
    out["run"] = out["g"].map(lambda g: runs.loc[g, "runLabel"] if g in runs.index else "unknown")
    out["when"] = out["g"].map(lambda g: runs.loc[g, "ended"].strftime("%Y-%m-%d %H:%M UTC")
                               if g in runs.index and pd.notna(runs.loc[g, "ended"]) else "unknown")
    out["value"] = [v if not str(o).startswith("http") or v != str(o) else short(o)
                    for v, o in zip(out["value"], out["o"])]
    return out[["property", "value", "source", "run", "when"]].sort_values(["property", "value"])


def _facts_section(iri: str) -> None:
    st.subheader("Facts and their provenance")
    prov = provenance_table(iri)
    if prov.empty:
        st.info("No statement about this resource in the graph.")
        return
    st.dataframe(prov[prov["property"] != "rdf:type"], hide_index=True, width="stretch",
                 height=min(38 + 35 * len(prov), 520))


def _pick(kind: str, options: dict[str, str], key: str, base: str) -> str:
    """The resource named in the URL (``?model=medsam``) or chosen here; the URL follows (and
    a link followed to this page, a search hit say, wins over the widget's old choice)."""
    slugs = {slug_of(iri, base): iri for iri in options}
    want = qp_str(key)
    if want and want not in slugs:
        st.warning(f"No {kind} '{want}' in the graph; pick one below.")
    slug = url_selectbox(kind.capitalize(), list(slugs), key, format_func=lambda s: options[slugs[s]])
    return slugs[slug]


def bibtex_for(paper: str, papers: pd.DataFrame) -> str | None:
    if paper not in papers.index:
        return None
    return paper_bib(store_path(), paper) or None


def render_model() -> None:
    path = store_path()
    table = models_table(path)
    if table.empty:
        st.info("The graph has no models yet.")
        return
    names = dict(zip(table["iri"], table["model"]))
    st.title("Model")
    iri = _pick("model", names, "model", MODEL_BASE)
    row = table.set_index("iri").loc[iri]
    st.header(row["model"])
    cols = st.columns(4)
    cols[0].metric("Framework", row["framework"])
    cols[1].metric("Year", "–" if pd.isna(row["year"]) else int(row["year"]))
    cols[2].metric("Parameters (M)", "–" if pd.isna(row["params (M)"]) else f"{row['params (M)']:.1f}")
    cols[3].metric("GPUs", "–" if pd.isna(row["GPUs"]) else int(row["GPUs"]))
    st.markdown(f"Class: **{md_escape(', '.join(row['classes']) or '–')}** · backbone: "
                f"{md_escape(row['backbone'] or '–')} · countries: {md_escape(', '.join(row['countries']))}")
    links = []
    if isinstance(row["paper_iri"], str):
        links.append(f"[paper page]({paper_url(row['paper_iri'])})")
    if isinstance(row["paper link"], str):
        links.append(f"[publication]({row['paper link']})")
    links += [f"[code]({c})" for c in row["code links"] if c.startswith(("http://", "https://"))]
    if links:
        st.markdown(" · ".join(links))
    if isinstance(row["title"], str):
        st.caption(md_escape(row["title"]))

    if isinstance(row["paper_iri"], str):
        bib = bibtex_for(row["paper_iri"], papers_about([row["paper_iri"]]))
        if bib:
            st.markdown("**BibTeX** (generated from the paper's facts; copy with the button)")
            st.code(bib, language="latex")

    st.subheader("Lineage")
    g = lineage_nx(path)
    if iri in g:
        import networkx as nx

        ancestors = sorted((g.nodes[n]["label"], n) for n in nx.descendants(g, iri))
        children = sorted((g.nodes[n]["label"], n) for n in g.predecessors(iri))
        desc = descendants_of(g, iri)
        built_on = ", ".join(f"[{md_escape(lbl)}]({model_url(n)})" for lbl, n in ancestors)
        adapted_by = ", ".join(f"[{md_escape(lbl)}]({model_url(n)})" for lbl, n in children)
        st.markdown("Built on: " + (built_on or "–"))
        bases = [slug_of(n, MODEL_BASE) for n in g.successors(iri)]
        if bases:
            trio = "&".join(f"models={quote(s, safe='/')}" for s in [slug_of(iri, MODEL_BASE), *bases][:5])
            st.markdown(f"[Compare {md_escape(row['model'])} with what it is based on](./compare?{trio})")
        st.markdown("Directly adapted by: " + (adapted_by or "–") + f" ({len(desc)} descendants in all)")
    else:
        st.caption("No basedOn link to or from this model.")

    st.subheader("Datasets and Dice results")
    res = results_table(path)
    res = res[res["m"] == iri]
    if res.empty:
        st.info("No Dice result for this model in the graph.")
    else:
        st.dataframe(pd.DataFrame({
            "dataset": res["dataset"], "kind": res["kind"], "Dice": res["dice"],
            "source paper": res["srcTitle"].fillna(res["src"]), "source page": res["src"].map(paper_url),
        }).sort_values(["dataset", "kind"]), hide_index=True, width="stretch", column_config={
            "source page": st.column_config.LinkColumn(display_text="open"),
            "Dice": st.column_config.NumberColumn(format="%.1f")})
    _facts_section(iri)


def render_paper() -> None:
    path = store_path()
    papers = papers_table(path)
    if papers.empty:
        st.info("The graph has no papers yet.")
        return
    options = dict(zip(papers["paper"], papers["title"].astype(str).str.slice(0, 110)))
    options = dict(sorted(options.items(), key=lambda kv: kv[1].casefold()))
    st.title("Paper")
    iri = _pick("paper", options, "paper", PAPER_BASE)
    indexed = papers.set_index("paper")
    row = indexed.loc[iri]
    st.header(str(row["title"]))
    meta = [str(x) for x in (row["authors"], row["issued"], row["venues"]) if isinstance(x, str) or pd.notna(x)]
    st.caption(md_escape(" · ".join(meta)))
    authors = run_about("paper-authors", iri)
    if not authors.empty:
        st.markdown("Authors: " + ", ".join(f"[{md_escape(n)}]({person_url(x)})"
                                            for x, n in zip(authors["x"], authors["name"])))
    if isinstance(row["link"], str):
        st.markdown(f"[publication]({row['link']})")
    bib = bibtex_for(iri, indexed)
    if bib:
        st.markdown("**BibTeX** (generated from the paper's facts; copy with the button)")
        st.code(bib, language="latex")
    if isinstance(row["bibtex"], str) and row["bibtex"].strip():
        with st.expander("BibTeX as the source database wrote it"):
            st.code(row["bibtex"], language="latex")

    table = models_table(path)
    introduced = table[table["paper_iri"] == iri]
    if not introduced.empty:
        st.markdown("Introduces: " + ", ".join(f"[{md_escape(m)}]({model_url(i)})"
                                               for m, i in zip(introduced["model"], introduced["iri"])))
    res = results_table(path)
    res = res[res["src"] == iri]
    if not res.empty:
        st.subheader(f"Dice results taken from this paper ({len(res)})")
        st.dataframe(res[["model", "dataset", "kind", "dice"]].sort_values(["model", "dataset"]),
                     hide_index=True, width="stretch")

    st.subheader("Citations")
    cites = run("citations")
    titles = dict(zip(papers["paper"], papers["title"]))
    out_ = cites[cites["a"] == iri]["b"]
    in_ = cites[cites["b"] == iri]["a"]
    c1, c2 = st.columns(2)
    for col, label, items in ((c1, f"Cites ({len(out_)})", out_), (c2, f"Cited by ({len(in_)})", in_)):
        with col:
            st.markdown(f"**{label}**")
            if len(items) == 0:
                st.caption("none in the graph")
            st.dataframe(pd.DataFrame({"paper": [titles.get(p, p) for p in items],
                                       "page": [paper_url(p) for p in items]}),
                         hide_index=True, width="stretch", column_config={
                             "page": st.column_config.LinkColumn(display_text="open")}) if len(items) else None
    _facts_section(iri)
