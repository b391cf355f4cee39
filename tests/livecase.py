"""What the live-path tests share: the survey store built once (and copied per case), the
sources pointed at a local server, and the invariant every run must keep:

- ``kg validate`` passes (SHACL);
- nothing stored before is lost: the survey's graphs are untouched, every paper is still a
  paper with a title and every identifier it had, reference lists not read again keep their
  edges and their count of unresolved references;
- no junk: every mskg:Paper outside the survey has a title and an arXiv id, a DOI or an S2 id,
  no bibo:doi is an arXiv DOI, no footnote or caption became a paper;
- one value per single-valued fact per live source graph (the survey's own graphs keep what
  the survey database says, two venues of a model's two publications included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from fakeapi import FakeApi
from realshaped import JUNK_TITLES
from ingest.arxiv import ArxivSource
from ingest.http import HttpPolicy, build_policy
from ingest.semantic_scholar import SemanticScholarSource
from kg.build import build
from kg.queries import with_prefixes
from kg.resources import SHAPES_FILE
from kg.store import Store
from kg.tracker.config import DiscoveryConfig
from kg.vocab import ARXIV, CANDIDATES, CURATION, PROVENANCE, SEMANTIC_SCHOLAR, SURVEY_GRAPHS

LIVE_GRAPHS = [str(g) for g in (ARXIV, SEMANTIC_SCHOLAR, CANDIDATES, CURATION)]
SURVEY = [str(g) for g in SURVEY_GRAPHS]
SINGLE_PER_SOURCE = ["mskg:citationCount", "mskg:influentialCitationCount", "mskg:countsRetrieved", "mskg:corpusId",
                     "mskg:s2PaperId", "mskg:pubmedId", "mskg:venue", "mskg:arxivVersion", "dcterms:title",
                     "dcterms:issued", "bibo:doi", "mskg:arxivId", "mskg:unresolvedReferenceCount", "dcterms:abstract"]


class Survey:
    """The survey graph built once; :meth:`fresh` gives an in-memory copy per case."""

    def __init__(self, folder: Path) -> None:
        store = Store(None)
        build(store)
        self.dump = folder / "survey.nq"
        self.dump.write_bytes(store.dump(ox.RdfFormat.N_QUADS))
        self.graph = store.to_rdflib()  # the union, for validating the nodes a run touched
        self.shapes = Graph().parse(SHAPES_FILE, format="turtle")
        self.tracked = q(store, """SELECT DISTINCT ?p ?arxiv ?doi ?title WHERE {
            GRAPH ?g { ?p a mskg:Paper } FILTER(?g IN (graph:survey-list, graph:survey-db, graph:arxiv-snapshot))
            OPTIONAL { ?p mskg:arxivId ?arxiv } OPTIONAL { ?p bibo:doi ?doi } OPTIONAL { ?p dcterms:title ?title } }""")
        seen: dict[str, dict[str, Any]] = {}
        for row in self.tracked:  # one row per paper: a paper has one title in the survey graphs
            seen.setdefault(row["p"], row)
        self.papers = [{"arxiv": r["arxiv"], "doi": r["doi"], "title": r["title"]} for r in seen.values()]

    def fresh(self) -> Store:
        store = Store(None)
        store.bulk_load(self.dump, ox.RdfFormat.N_QUADS, trusted=True)
        return store


def q(store: Store, body: str) -> list[dict[str, Any]]:
    return store.select(with_prefixes(body)).rows


def policy() -> HttpPolicy:
    return build_policy(None, wait_budget_seconds=5, max_attempts=2, backoff_base=0.001, backoff_max=0.002)


def sources(api: FakeApi, p: HttpPolicy, *, page_size: int = 10, page_limit: int = 10) -> dict[str, Any]:
    return {"arxiv_source": ArxivSource(p, api_url=api.url + "/api/query", min_interval=0, page_size=page_size),
            "s2_source": SemanticScholarSource(p, api_url=api.url, min_interval=0, page_limit=page_limit)}


def update_config(queries: int = 2) -> DiscoveryConfig:
    config = DiscoveryConfig.load()
    config.queries = config.queries[:queries]
    config.list_enabled = False
    return config


SINCE, TODAY = date(2026, 10, 1), date(2026, 12, 1)


# --------------------------------------------------------------------------- the invariant


@dataclass
class Before:
    """What the store held before a run, for the "nothing lost" half of the invariant."""

    survey: set[str]
    titled: dict[str, bool]  # paper -> has a title
    ids: dict[str, set[str]]  # paper -> its identifier values (arXiv ids, DOIs, S2 ids, dcterms:identifier)
    edges: set[tuple[str, str]]
    counts: dict[str, int]  # paper -> mskg:unresolvedReferenceCount


def _ids(store: Store) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for r in q(store, """SELECT DISTINCT ?p ?v WHERE { ?p a mskg:Paper .
            { ?p mskg:arxivId ?v } UNION { ?p bibo:doi ?v } UNION { ?p mskg:s2PaperId ?v }
            UNION { ?p dcterms:identifier ?v } }"""):
        out.setdefault(r["p"], set()).add(str(r["v"]))
    return out


def snapshot(store: Store) -> Before:
    titled = {r["p"]: r["t"] for r in q(store, """SELECT ?p (BOUND(?x) AS ?t) WHERE { { SELECT DISTINCT ?p WHERE {
        ?p a mskg:Paper } } OPTIONAL { ?p dcterms:title ?x } }""")}
    return Before({str(x) for g in SURVEY for x in store.quads(g)}, titled, _ids(store),
                  {(r["a"], r["b"]) for r in q(store, "SELECT DISTINCT ?a ?b WHERE { ?a cito:cites ?b }")},
                  {r["p"]: r["n"] for r in q(store, "SELECT ?p ?n WHERE { ?p mskg:unresolvedReferenceCount ?n }")})


def broken(store: Store, before: Before, survey: Survey, *, lists_kept: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Every way the store breaks the invariant after a run (empty: it holds). ``lists_kept``:
    papers whose reference lists the run did not read again completely (their edges must stay)."""
    out = [f"SHACL: {v}" for v in violations(store, survey)]
    if {str(x) for g in SURVEY for x in store.quads(g)} != before.survey:
        out.append("the survey's graphs changed")
    now_titled, now_ids = snapshot(store).titled, _ids(store)
    for p, had_title in before.titled.items():
        if p not in now_titled:
            out.append(f"lost the paper {p}")
        elif had_title and not now_titled[p]:
            out.append(f"lost the title of {p}")
    for p, ids in before.ids.items():
        lost = {i for i in ids - now_ids.get(p, set()) if not i.lower().startswith("10.48550/arxiv.")}
        if lost:
            out.append(f"lost identifiers of {p}: {sorted(lost)}")
    edges = {(r["a"], r["b"]) for r in q(store, "SELECT DISTINCT ?a ?b WHERE { ?a cito:cites ?b }")}
    out += [f"lost the edge {a} -> {b}" for a, b in before.edges - edges if a in lists_kept]
    counts = {r["p"]: r["n"] for r in q(store, "SELECT ?p ?n WHERE { ?p mskg:unresolvedReferenceCount ?n }")}
    out += [f"lost the unresolved count of {p}" for p in before.counts if p in lists_kept and p not in counts]
    return out + junk(store)


def junk(store: Store) -> list[str]:
    """Papers outside the survey without a title or an identifier, arXiv DOIs as DOIs, captions as papers."""
    out = [f"no title or no identifier: {r['p']}" for r in q(store, """SELECT DISTINCT ?p WHERE { ?p a mskg:Paper
        FILTER NOT EXISTS { GRAPH ?g { ?p a mskg:Paper }
                            FILTER(?g IN (graph:survey-list, graph:survey-db, graph:arxiv-snapshot)) }
        FILTER (NOT EXISTS { ?p dcterms:title ?t } || NOT EXISTS { { ?p mskg:arxivId ?i } UNION { ?p bibo:doi ?i }
                                                                UNION { ?p mskg:s2PaperId ?i } }) }""")]
    out += [f"arXiv DOI as bibo:doi: {r['p']} {r['d']}" for r in q(store, """SELECT ?p ?d WHERE { ?p bibo:doi ?d
        FILTER(STRSTARTS(LCASE(?d), "10.48550/")) }""")]
    titles = {r["t"] for r in q(store, "SELECT DISTINCT ?t WHERE { ?p a mskg:Paper ; dcterms:title ?t }")}
    out += [f"a caption became a paper: {t}" for t in titles if any(t.startswith(j) for j in JUNK_TITLES)]
    for prop in SINGLE_PER_SOURCE:
        rows = q(store, f"""SELECT ?g ?p (COUNT(DISTINCT ?v) AS ?n) WHERE {{ GRAPH ?g {{ ?p {prop} ?v }}
                            FILTER(?g IN (graph:arxiv, graph:semantic-scholar, graph:candidates)) }}
                            GROUP BY ?g ?p HAVING (COUNT(DISTINCT ?v) > 1)""")
        out += [f"{r['n']} values of {prop} for {r['p']} in {r['g']}" for r in rows]
    return out


def violations(store: Store, survey: Survey) -> list[str]:
    """SHACL violations of the nodes the live graphs describe, checked in the union with the
    survey graph (which the runs never change: :func:`broken` checks that too). The same
    shapes and engine as `kg validate`; tests also run the full `kg validate` on the last store."""
    live = Graph()
    for name in LIVE_GRAPHS + [str(PROVENANCE)]:
        live += store.to_rdflib([name]) if name in store.named_graphs() else Graph()
    focus = {s for s in live.subjects() if isinstance(s, URIRef)}
    if not focus:
        return []
    added = [t for t in live if t not in survey.graph]
    for t in added:
        survey.graph.add(t)
    try:
        conforms, report, _ = shacl_validate(survey.graph, shacl_graph=survey.shapes, inference="none",
                                             focus_nodes=sorted(focus))
    finally:
        for t in added:
            survey.graph.remove(t)
    if conforms:
        return []
    return sorted(f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: "
                  f"{report.value(r, SH.resultMessage)}" for r in report.subjects(SH.resultSeverity, None))
