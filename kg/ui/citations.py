"""The Graphs page's citation view: a paper's citation neighbourhood and the most central papers
(PageRank of the citation graph).

Read from the derived graph when its PageRank is current (kg.derived: each write ranks the
citation graph once, and the view asks the store only for the neighbourhood it draws), else
computed here, once per graph version and process, as a store written before needs (350,000
links at 100k papers take seconds to read and rank)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import networkx as nx
import pandas as pd
import streamlit as st

from kg.derived import pagerank_rows
from kg.queries import internal
from kg.ui.common import (PAPER_BASE, graph_version, open_store, paper_url, qp_str, run, run_with, short, shorten,
                          slug_of, url_int, url_selectbox)
from kg.ui.data import models_table
from kg.ui.network import Picture, render as render_network

ANCHOR_MODELS = ("MedSAM", "SAM")  # the citation view opens on the paper of the first found
CITATION_CHOICES = 500  # the paper picker lists the most central papers, not 100,000 titles
LIVE_CITATION_GRAPHS = ("graph:semantic-scholar", "graph:arxiv")


@dataclass(frozen=True)
class Citations:
    """The whole citation graph in memory, ranked here (a store without current derived ranks)."""

    graph: nx.DiGraph
    rank: dict[str, float]
    central: list[str]  # every paper, the most central (PageRank) first
    citing: list[str]  # the papers that cite one

    @property
    def links(self) -> int:
        return self.graph.number_of_edges()

    @property
    def citing_count(self) -> int:
        return len(self.citing)

    def first_citing(self) -> str | None:
        return self.citing[0] if self.citing else None

    def has(self, paper: str) -> bool:
        return paper in self.graph

    def around(self, focus: str, radius: int) -> nx.DiGraph:
        return neighbourhood(self.graph, focus, radius)


@dataclass(frozen=True)
class DerivedCitations:
    """The ranks the last write derived (the most central papers only, kg.derived.TOP_PAPERS);
    the links the view draws are asked of the store, around the paper shown."""

    path: str
    version: str
    rank: dict[str, float]
    central: list[str]
    links: int
    citing_count: int

    def first_citing(self) -> str | None:
        rows = open_store(self.path).select(internal("first-citing-paper")).rows
        return str(rows[0]["a"]) if rows else None

    def has(self, paper: str) -> bool:
        return bool(open_store(self.path).raw_query(internal("citation-node", this=paper)))

    def around(self, focus: str, radius: int) -> nx.DiGraph:
        g = nx.DiGraph()
        g.add_node(focus)
        g.add_edges_from(_edges_around(self.path, self.version, focus, radius))
        return g


@st.cache_data(show_spinner=False, max_entries=32)
def _edges_around(path: str, version: str, focus: str, radius: int) -> list[tuple[str, str]]:
    """The links among the papers within ``radius`` citation steps of ``focus`` (either way), as
    :func:`neighbourhood` finds them in memory: step by step, then the links among the last step's papers."""
    store = open_store(path)
    seen, frontier, edges = {focus}, {focus}, set()
    for _ in range(radius):
        rows = store.select(internal("citation-neighbours", papers=sorted(frontier))).rows
        found = {(str(r["a"]), str(r["b"])) for r in rows}
        edges |= found
        frontier = {n for e in found for n in e} - seen
        seen |= frontier
        if not frontier:
            break
    if frontier:
        rows = store.select(internal("citations-from", papers=sorted(frontier))).rows
        edges |= {(a, b) for a, b in ((str(r["a"]), str(r["b"])) for r in rows) if b in frontier}
    return sorted(edges)


@st.cache_resource(show_spinner="Ranking the citation graph…", max_entries=2)
def citation_graph(path: str, version: str) -> Citations:
    """The citation graph and its PageRank, once per graph version and process, never per
    rerun. Callers copy what they change (``nx.ego_graph`` does)."""
    g = nx.DiGraph()
    g.add_edges_from((r["a"], r["b"]) for r in open_store(path).select(internal("citations")).rows)
    rank = nx.pagerank(g) if g.number_of_edges() else {}
    return Citations(g, rank, sorted(g.nodes, key=lambda p: (-rank.get(p, 0), p)), [p for p in g if g.out_degree(p)])


@st.cache_resource(show_spinner=False, max_entries=2)
def citations_for(path: str, version: str) -> Citations | DerivedCitations:
    """The derived ranks when current, else the graph ranked here."""
    derived = pagerank_rows(open_store(path))
    if derived is None:
        return citation_graph(path, version)
    ranked, links, citing = derived
    return DerivedCitations(path, version, dict(ranked), [p for p, _ in ranked], links, citing)


def neighbourhood(g: nx.DiGraph, focus: str, radius: int) -> nx.DiGraph:
    """``nx.ego_graph(g, focus, radius, undirected=True)`` without turning the whole graph
    undirected first (350,000 links at 100k papers: seconds on every rerun): citation steps
    either way, breadth first from ``focus``."""
    seen, frontier = {focus}, {focus}
    for _ in range(radius):
        frontier = {n for p in frontier for n in (*g.predecessors(p), *g.successors(p))} - seen
        seen |= frontier
    return g.subgraph(seen).copy()


def _citation_note(c: Citations | DerivedCitations, title: Callable[[str], str]) -> None:
    """Say plainly where the citations come from: offline, only the survey's references."""
    sources = run("citation-sources")
    by = {short(src): int(n) for src, n in zip(sources["g"], sources["links"])}
    if any(src in LIVE_CITATION_GRAPHS for src in by):
        said = ", ".join(f"{src}: {n}" for src, n in sorted(by.items()))
        st.caption(f"Citation links by source ({said}): `kg enrich` and `kg update` add each tracked paper's "
                   "references and the papers citing SAM, SAM 2 and MedSAM from Semantic Scholar.")
        return
    one = c.citing_count == 1
    first = c.first_citing() if one else None
    who = f"one paper, {shorten(title(first or ''), 80)}, citing" if one else f"{c.citing_count} papers citing"
    st.info(f"Offline build: the graph's only citations are the survey's own references, "
            f"{c.links} links ({who} the papers it reviews; stated by {', '.join(sorted(by))}), "
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


def citations_view(path: str, cap: int, physics: bool, show: Callable[[Picture], None]) -> None:
    c = citations_for(path, graph_version(path))
    if not c.central:
        st.info("The graph holds no citation links yet: `kg enrich` (online) adds them from Semantic Scholar.")
        return
    focus_default = _default_focus(path, c.central)
    shown = list(dict.fromkeys([focus_default, *c.central[:CITATION_CHOICES]]))
    wanted = PAPER_BASE + qp_str("paper") if qp_str("paper") else None
    if wanted and wanted not in shown and c.has(wanted):
        shown.append(wanted)
    first = c.first_citing() if c.citing_count == 1 else None
    titles = _titles({*shown, *([first] if first else [])})

    def title(p: str) -> str:
        return titles.get(p) or p.rsplit("/", 1)[-1]

    _citation_note(c, title)
    slugs = {slug_of(p, PAPER_BASE): p for p in shown}
    focus = slugs[url_selectbox("Paper (the most central first)", list(slugs), "paper",
                                default=slug_of(focus_default, PAPER_BASE),
                                format_func=lambda s: shorten(title(slugs[s]), 110))]
    radius = url_int("Radius (citation steps)", "radius", lo=1, hi=3, default=1)
    ego = c.around(focus, radius)
    titles.update(_titles(set(ego.nodes) - set(titles)))
    for n in ego:
        # Papers below the derived top get the smallest size (their rank is worth < 0.1 px: kg.derived).
        ego.nodes[n].update(label=shorten(title(n), 40), title=title(n), url=paper_url(n),
                            group="focus" if n == focus else "paper", size=8 + 400 * c.rank.get(n, 0))
    left, right = st.columns([3, 1])
    with left:
        show(render_network(ego, cap=cap, physics=physics, keep={focus}))
    with right:
        st.markdown("**Most central papers** (PageRank of the citation graph)")
        top = c.central[:15]
        st.dataframe(pd.DataFrame({"paper": [title(p) for p in top], "PageRank": [c.rank[p] for p in top],
                                   "page": [paper_url(p) for p in top]}),
                     hide_index=True, width="stretch", column_config={
                         "PageRank": st.column_config.NumberColumn(format="%.4f"),
                         "page": st.column_config.LinkColumn(display_text="open")})
        # Radius 1 or more holds every link of the focus, so its degrees are the whole graph's.
        st.caption(f"cites {ego.out_degree(focus)} · cited by {ego.in_degree(focus)} (in the graph)")
