"""Graph views (pyvis): model lineage, models-datasets, the taxonomy, the citation
neighbourhood of a paper; beside each picture, networkx answers the question it raises
(lineage depth and descendants, clusters of models sharing datasets, central papers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import networkx as nx
import pandas as pd
import streamlit as st

from kg.ui.common import (DATASET_BASE, PAPER_BASE, TAXONOMY_BASE, dataset_url, graph_version, model_url, open_store,
                          paper_url, qp_str, run, run_about, run_saved, run_with, set_qp, short, shorten, slug_of,
                          store_path, url_checkbox, url_int, url_selectbox)
from kg.queries import internal
from kg.ui.data import model_frameworks, models_table
from kg.ui.network import Picture, render as render_network
from kg.views import descendants_of, lineage_depths

DEFAULT_CAP = 300
READABLE_NODES = 40  # a force layout with more nodes than this stops being legible at the app's size
ANCHOR_MODELS = ("MedSAM", "SAM")  # the citation view opens on the paper of the first found
CITATION_CHOICES = 500  # the paper picker lists the most central papers, not 100,000 titles
LIVE_CITATION_GRAPHS = ("graph:semantic-scholar", "graph:arxiv")
VIEWS = ["lineage", "models-datasets", "taxonomy", "citations"]
TITLES = {"lineage": "Model lineage (based on)", "models-datasets": "Models and the datasets they were evaluated on",
          "taxonomy": "The survey taxonomy", "citations": "Citation neighbourhood of a paper"}


def _show(picture: Picture) -> None:
    for note in picture.notes:
        st.warning(note)
    st.caption(f"{picture.nodes} nodes, {picture.edges} edges. Drag to move, scroll to zoom, hover for details, "
               "double-click a model or paper to open its page.")
    st.iframe(picture.html, height=640)


@st.cache_data(show_spinner=False, ttl=600)
def lineage_nx(path: str) -> nx.DiGraph:
    g = nx.DiGraph()
    frameworks = model_frameworks(path)
    for m, model, b, base in run("lineage")[["m", "model", "b", "base"]].itertuples(index=False):
        g.add_edge(m, b)
        for node, label in ((m, model), (b, base)):
            fw = frameworks.get(node, "")
            g.nodes[node].update(label=label, title=f"{label} ({fw})" if fw else label, url=model_url(node))
    return g


@st.cache_data(show_spinner=False, ttl=600)
def _depths(path: str) -> dict[str, int]:
    return lineage_depths(lineage_nx(path))


def lineage_view(path: str, cap: int, physics: bool) -> None:
    g = lineage_nx(path)
    if g.number_of_nodes() == 0:
        st.info("No basedOn links in the graph.")
        return
    bases = sorted({g.nodes[n]["label"] for n in g if g.in_degree(n) > 0}, key=str.casefold)
    by_label = {g.nodes[n]["label"]: n for n in g}
    base_label = url_selectbox("Focus on a base model (its descendants and ancestors)", ["(all)"] + bases, "base",
                               default="SAM" if "SAM" in bases else bases[0])
    shown = g.copy()
    for n in shown:
        shown.nodes[n]["group"] = "base" if g.in_degree(n) > 0 else "model"
        shown.nodes[n]["size"] = 10 + 2 * min(g.in_degree(n), 15)
    keep: set[str] = set()
    if base_label != "(all)":
        base = by_label[base_label]
        desc = descendants_of(g, base)
        keep = desc | nx.descendants(g, base) | {base}
        shown = shown.subgraph(keep).copy()
        shown.nodes[base]["group"] = "focus"
    left, right = st.columns([3, 1])
    with left:
        _show(render_network(shown, cap=cap, physics=physics, keep=keep))
    with right:
        if base_label != "(all)":
            base = by_label[base_label]
            desc = descendants_of(g, base)
            st.metric(f"Models built on {base_label}", len(desc))
            depth = _depths(path)
            st.metric(f"Lineage depth of {base_label}", depth.get(base, 0),
                      help="longest basedOn chain from this model to a root model")
            deepest = max(desc, key=lambda n: (depth.get(n, 0), g.nodes[n]["label"]), default=None)
            if deepest:
                st.caption(f"Deepest descendant: {g.nodes[deepest]['label']} (depth {depth.get(deepest, 0)})")
        counts = pd.DataFrame([(g.nodes[n]["label"], len(descendants_of(g, n))) for n in g if g.in_degree(n) > 0],
                              columns=["base model", "descendants"]).sort_values("descendants", ascending=False)
        st.dataframe(counts, hide_index=True, width="stretch", height=300)


def _md_scopes() -> tuple[dict[str, str], dict[str, tuple[str, str | None]], str]:
    """The pictures the models-datasets view offers: one taxonomy class, one dataset and its
    parts, or everything; the default is the biggest class under READABLE_NODES nodes."""
    sizes = run("model-class-sizes")
    families = run("leaderboard-datasets")
    labels: dict[str, str] = {}
    scopes: dict[str, tuple[str, str | None]] = {}
    for c, cls, m, d in sizes[["c", "class", "models", "datasets"]].itertuples(index=False):
        key = "class:" + slug_of(c, TAXONOMY_BASE)
        labels[key], scopes[key] = f"Class: {cls} ({m} models, {d} datasets)", ("class", c)
    for d, name, part, m in families[["d", "dataset", "partOf", "models"]].itertuples(index=False):
        if not isinstance(part, str):  # a family is named by its top dataset
            key = "dataset:" + slug_of(d, DATASET_BASE)
            labels[key], scopes[key] = f"Dataset: {name} and its parts ({m} models)", ("family", d)
    nodes = sizes["models"].astype(int) + sizes["datasets"].astype(int)
    readable = sizes[nodes <= READABLE_NODES]
    # When no class is readable (a large graph), the smallest class still beats the hairball.
    first = readable.iloc[0] if not readable.empty else (sizes.loc[nodes.idxmin()] if not sizes.empty else None)
    default = "class:" + slug_of(first["c"], TAXONOMY_BASE) if first is not None else "all"
    labels["all"], scopes["all"] = "Everything (every model with a result and every dataset)", ("all", None)
    return labels, scopes, default


def models_datasets_view(path: str, cap: int, physics: bool) -> None:
    labels, scopes, default = _md_scopes()
    key = url_selectbox("Show", list(labels), "scope", default=default, format_func=labels.get,
                        help="the whole picture is a hairball: one class or one dataset family at a time reads")
    kind, iri = scopes[key]
    ev = run("evaluated-on") if kind == "all" else run_about(
        "evaluated-on-in-class" if kind == "class" else "evaluated-on-in-family", iri)
    if ev.empty:
        st.info("No model was evaluated on a dataset in the graph.")
        return
    g = nx.Graph()
    for m, model, d, dataset, n in ev[["m", "model", "d", "dataset", "results"]].itertuples(index=False):
        g.add_node(m, label=model, title=model, group="model", url=model_url(m))
        g.add_node(d, label=dataset, title=dataset, group="dataset", shape="square", url=dataset_url(d))
        g.add_edge(m, d, title=f"{model} on {dataset}: {n} result(s)")
    for n in g:
        g.nodes[n]["size"] = 8 + min(g.degree(n), 30)
    left, right = st.columns([3, 1])
    with left:
        if g.number_of_nodes() > READABLE_NODES:
            st.caption(f"{g.number_of_nodes()} nodes are more than a picture can show legibly; pick a class or a "
                       "dataset above.")
        _show(render_network(g, cap=cap, physics=physics, directed=False))
    with right:
        _clusters(ev)


@st.cache_data(show_spinner=False, ttl=600, max_entries=32)
def cluster_rows(ev: pd.DataFrame, min_shared: int) -> list[dict]:
    """Louvain clusters of the models of ``ev`` (model x dataset rows) linked when they share at
    least ``min_shared`` datasets; cached, since the projection of a whole large graph takes seconds."""
    pairs = ev[["m", "d"]].drop_duplicates()
    g = nx.Graph()
    g.add_edges_from(pairs.itertuples(index=False, name=None))
    proj = nx.bipartite.weighted_projected_graph(g, set(pairs["m"]))
    proj.remove_edges_from([(a, b) for a, b, w in proj.edges(data="weight") if w < min_shared])
    proj.remove_nodes_from([n for n in list(proj) if proj.degree(n) == 0])
    if proj.number_of_nodes() == 0:
        return []
    labels = dict(zip(ev["m"], ev["model"]))
    clusters = nx.community.louvain_communities(proj, weight="weight", seed=7)
    return [{"cluster": i + 1, "models": len(c), "members": ", ".join(sorted((labels[n] for n in c), key=str.casefold))}
            for i, c in enumerate(sorted(clusters, key=len, reverse=True))]


def _clusters(ev: pd.DataFrame) -> None:
    st.markdown("**Clusters of models sharing datasets**")
    min_shared = st.slider("Linked when sharing at least … datasets", 1, 10, 3, key="w_min_shared")
    rows = cluster_rows(ev, min_shared)
    if not rows:
        st.info("No two models share that many datasets.")
        return
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", height=min(38 + 35 * len(rows), 360))


def taxonomy_view(path: str, cap: int, physics: bool) -> None:
    tax = run_saved("taxonomy")
    table = models_table(path)
    g = nx.DiGraph()
    for c, section, cls in tax[["c", "section", "class"]].itertuples(index=False):
        g.add_node("section:" + section, label=section, title=f"section: {section}", group="section", size=28,
                   shape="box")
        if cls != section:
            g.add_node(c, label=cls, title=f"class: {cls}", group="class", size=20)
            g.add_edge("section:" + section, c)
    by_class = {cls: c for c, cls in zip(tax["c"], tax["class"])}
    for iri, model, classes in table[["iri", "model", "classes"]].itertuples(index=False):
        for cls in classes:
            target = by_class.get(cls)
            if target is None:
                continue
            target = target if target in g else "section:" + cls
            g.add_node(iri, label=model, title=model, group="model", size=10, url=model_url(iri))
            g.add_edge(target, iri)
    _show(render_network(g, cap=cap, physics=physics))


@dataclass(frozen=True)
class Citations:
    graph: nx.DiGraph
    rank: dict[str, float]
    central: list[str]  # every paper, the most central (PageRank) first
    citing: list[str]  # the papers that cite one


@st.cache_resource(show_spinner="Ranking the citation graph…", max_entries=2)
def citation_graph(path: str, version: str) -> Citations:
    """The citation graph and its PageRank, once per graph version and process (350,000 links at
    100,000 papers take seconds to rank), never per rerun. Callers copy what they change
    (``nx.ego_graph`` does)."""
    g = nx.DiGraph()
    g.add_edges_from((r["a"], r["b"]) for r in open_store(path).select(internal("citations")).rows)
    rank = nx.pagerank(g) if g.number_of_edges() else {}
    return Citations(g, rank, sorted(g.nodes, key=lambda p: (-rank.get(p, 0), p)), [p for p in g if g.out_degree(p)])


def neighbourhood(g: nx.DiGraph, focus: str, radius: int) -> nx.DiGraph:
    """``nx.ego_graph(g, focus, radius, undirected=True)`` without turning the whole graph
    undirected first (350,000 links at 100k papers: seconds on every rerun): citation steps
    either way, breadth first from ``focus``."""
    seen, frontier = {focus}, {focus}
    for _ in range(radius):
        frontier = {n for p in frontier for n in (*g.predecessors(p), *g.successors(p))} - seen
        seen |= frontier
    return g.subgraph(seen).copy()


def _citation_note(c: Citations, title: Callable[[str], str]) -> None:
    """Say plainly where the citations come from: offline, only the survey's references."""
    sources = run("citation-sources")
    by = {short(src): int(n) for src, n in zip(sources["g"], sources["links"])}
    if any(src in LIVE_CITATION_GRAPHS for src in by):
        said = ", ".join(f"{src}: {n}" for src, n in sorted(by.items()))
        st.caption(f"Citation links by source ({said}): `kg enrich` and `kg update` add each tracked paper's "
                   "references and the papers citing SAM, SAM 2 and MedSAM from Semantic Scholar.")
        return
    one = len(c.citing) == 1
    who = f"one paper, {shorten(title(c.citing[0]), 80)}, citing" if one else f"{len(c.citing)} papers citing"
    st.info(f"Offline build: the graph's only citations are the survey's own references, "
            f"{c.graph.number_of_edges()} links ({who} the papers it reviews; stated by {', '.join(sorted(by))}), "
            f"so every paper's neighbourhood is {'that paper' if one else 'the survey'}. Run `kg enrich` (online) "
            "to add each paper's references and the papers citing it from Semantic Scholar; this view then shows "
            "who builds on whom.")


def _default_focus(path: str, candidates: list[str]) -> str:
    table = models_table(path)
    papers = dict(zip(table["model"], table["paper_iri"])) if not table.empty else {}
    for name in ANCHOR_MODELS:
        if papers.get(name) in candidates:
            return papers[name]
    return candidates[0]


def _titles(papers: set[str]) -> dict[str, str]:
    """Titles of just the papers a view shows (not of every paper of the graph)."""
    rows = run_with("titles-of-papers", papers=sorted(papers)) if papers else pd.DataFrame(columns=["p", "t"])
    return {str(p): str(t) for p, t in zip(rows["p"], rows["t"]) if isinstance(t, str)}


def citations_view(path: str, cap: int, physics: bool) -> None:
    c = citation_graph(path, graph_version(path))
    if not c.central:
        st.info("The graph holds no citation links yet: `kg enrich` (online) adds them from Semantic Scholar.")
        return
    focus_default = _default_focus(path, c.central)
    shown = list(dict.fromkeys([focus_default, *c.central[:CITATION_CHOICES]]))
    wanted = PAPER_BASE + qp_str("paper") if qp_str("paper") else None
    if wanted in c.graph and wanted not in shown:
        shown.append(wanted)
    titles = _titles({*shown, *c.citing[:1]})

    def title(p: str) -> str:
        return titles.get(p) or p.rsplit("/", 1)[-1]

    _citation_note(c, title)
    slugs = {slug_of(p, PAPER_BASE): p for p in shown}
    focus = slugs[url_selectbox("Paper (the most central first)", list(slugs), "paper",
                                default=slug_of(focus_default, PAPER_BASE),
                                format_func=lambda s: shorten(title(slugs[s]), 110))]
    radius = url_int("Radius (citation steps)", "radius", lo=1, hi=3, default=1)
    ego = neighbourhood(c.graph, focus, radius)
    titles.update(_titles(set(ego.nodes) - set(titles)))
    for n in ego:
        ego.nodes[n].update(label=shorten(title(n), 40), title=title(n), url=paper_url(n),
                            group="focus" if n == focus else "paper", size=8 + 400 * c.rank.get(n, 0))
    left, right = st.columns([3, 1])
    with left:
        _show(render_network(ego, cap=cap, physics=physics, keep={focus}))
    with right:
        st.markdown("**Most central papers** (PageRank of the citation graph)")
        top = c.central[:15]
        st.dataframe(pd.DataFrame({"paper": [title(p) for p in top], "PageRank": [c.rank[p] for p in top],
                                   "page": [paper_url(p) for p in top]}),
                     hide_index=True, width="stretch", column_config={
                         "PageRank": st.column_config.NumberColumn(format="%.4f"),
                         "page": st.column_config.LinkColumn(display_text="open")})
        st.caption(f"cites {c.graph.out_degree(focus)} · cited by {c.graph.in_degree(focus)} (in the graph)")


def render() -> None:
    st.title("Graph views")
    path = store_path()
    wanted = qp_str("view", "lineage")
    view = st.radio("View", VIEWS, index=VIEWS.index(wanted) if wanted in VIEWS else 0, format_func=TITLES.get,
                    horizontal=True, key="w_view")
    set_qp("view", view if view != "lineage" else None)
    with st.sidebar:
        st.header("Picture settings")
        # 300 by default: a browser lays out more nodes than that for seconds (1,000 of the 100k
        # graph's lineage: 2-3 s a visit), and no picture of the survey graph has as many.
        cap = url_int("Node cap", "cap", lo=50, hi=2000, default=DEFAULT_CAP,
                      help="above this many nodes the least connected are left out")
        physics = url_checkbox("Keep physics running after layout (small graphs)", "physics")
    {"lineage": lineage_view, "models-datasets": models_datasets_view, "taxonomy": taxonomy_view,
     "citations": citations_view}[view](path, cap, physics)
