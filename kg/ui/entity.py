"""Model and paper pages: every fact with its provenance (which source graph, which run,
when), BibTeX to copy, lineage, datasets and results, citations in and out."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st

from kg.ui.common import (
    MODEL_BASE, PAPER_BASE, bibliography_button, md_escape, model_url, paper_bib, paper_url, paper_web_url, person_url,
    qp_str, run, run_about, short, slug_of, store_path, url_selectbox,
)
from kg.ui.data import model_names, model_rows, papers_about, results_about
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


def _bibtex_block(paper: str) -> None:
    """The paper's BibTeX to copy (as `kg export --format bibtex` writes it), or, on a large
    graph whose bibliography is not keyed yet, the button that keys it."""
    bib = paper_bib(store_path(), paper)
    if bib is None:
        bibliography_button(store_path(), "w_bib_key")
    elif bib:
        st.markdown("**BibTeX** (generated from the paper's facts; copy with the button)")
        st.code(bib, language="latex")


def render_model() -> None:
    path = store_path()
    names = model_names(path)
    if not names:
        st.info("The graph has no models yet.")
        return
    st.title("Model")
    iri = _pick("model", names, "model", MODEL_BASE)
    row = model_rows([iri]).set_index("iri").loc[iri]
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
        _bibtex_block(row["paper_iri"])

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
    res = results_about(models=[iri])
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


def _paper_options(wanted: str) -> dict[str, str]:
    """Paper IRI -> title shown in the picker: the papers that introduce a model (a bounded
    list) and the one the URL names, when the graph has it."""
    listed = run("papers-introducing-models")
    options = {p: str(t) if isinstance(t, str) else p.rsplit("/", 1)[-1] for p, t in zip(listed["paper"],
                                                                                          listed["title"])}
    if wanted and wanted not in options and not run_about("entity-facts", wanted).empty:
        options[wanted] = str(papers_about([wanted])["title"].iloc[0])
    options = {p: t[:110] for p, t in options.items()}
    return dict(sorted(options.items(), key=lambda kv: kv[1].casefold()))


def _citations_section(iri: str) -> None:
    st.subheader("Citations")
    cites = run_about("paper-citations", iri)
    c1, c2 = st.columns(2)
    for col, label, way in ((c1, "Cites", "out"), (c2, "Cited by", "in")):
        items = cites[cites["dir"] == way] if not cites.empty else cites
        with col:
            st.markdown(f"**{label} ({len(items)})**")
            if len(items) == 0:
                st.caption("none in the graph")
                continue
            st.dataframe(pd.DataFrame({"paper": items["title"].fillna(items["other"]).tolist(),
                                       "page": [paper_url(p) for p in items["other"]]}),
                         hide_index=True, width="stretch", column_config={
                             "page": st.column_config.LinkColumn(display_text="open")})


def render_paper() -> None:
    """One paper, anchored on its IRI: every question of the page is about that paper."""
    wanted = qp_str("paper")
    options = _paper_options(PAPER_BASE + wanted if wanted else "")
    if not options:
        st.info("The graph has no papers yet.")
        return
    st.title("Paper")
    iri = _pick("paper", options, "paper", PAPER_BASE)
    st.caption("The list holds the papers that introduce a model; any other paper opens from the search box.")
    row = papers_about([iri]).loc[iri]
    st.header(str(row["title"]))
    meta = [str(x) for x in (row["authors"], row["issued"], row["venues"]) if isinstance(x, str) or pd.notna(x)]
    st.caption(md_escape(" · ".join(meta)))
    authors = run_about("paper-authors", iri)
    if not authors.empty:
        st.markdown("Authors: " + ", ".join(f"[{md_escape(n)}]({person_url(x)})"
                                            for x, n in zip(authors["x"], authors["name"])))
    link = paper_web_url(row["arxiv"], row["doi"])
    if isinstance(link, str):
        st.markdown(f"[publication]({link})")
    _bibtex_block(iri)
    if isinstance(row["bibtex"], str) and row["bibtex"].strip():
        with st.expander("BibTeX as the source database wrote it"):
            st.code(row["bibtex"], language="latex")

    introduced = run_about("models-introduced-in", iri)
    if not introduced.empty:
        introduced = introduced.sort_values("model", key=lambda s: s.str.casefold())
        st.markdown("Introduces: " + ", ".join(f"[{md_escape(m)}]({model_url(i)})"
                                               for m, i in zip(introduced["model"], introduced["m"])))
    res = results_about(papers=[iri])
    if not res.empty:
        st.subheader(f"Dice results taken from this paper ({len(res)})")
        st.dataframe(res[["model", "dataset", "kind", "dice"]].sort_values(["model", "dataset"]),
                     hide_index=True, width="stretch")
    _citations_section(iri)
    _facts_section(iri)
