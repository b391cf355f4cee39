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

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH, SKOS

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
from kg.vocab import ARXIV, BIBO, CANDIDATES, CITO, CURATION, DCTERMS, MSKG, SEMANTIC_SCHOLAR, SURVEY_GRAPHS

LIVE_GRAPHS = [str(g) for g in (ARXIV, SEMANTIC_SCHOLAR, CANDIDATES, CURATION)]
SURVEY = [str(g) for g in SURVEY_GRAPHS]


class Survey:
    """The survey graph built once; :meth:`fresh` gives an in-memory copy per case."""

    def __init__(self, folder: Path) -> None:
        store = Store(None)
        build(store)
        self.dump = folder / "survey.nq"
        store.dump_to(self.dump, ox.RdfFormat.N_QUADS)
        self.axioms = store.construct(with_prefixes(  # what sh:class reads besides rdf:type
            "CONSTRUCT { ?a rdfs:subClassOf ?b } WHERE { ?a rdfs:subClassOf ?b }"))
        self.shapes = Graph().parse(SHAPES_FILE, format="turtle")
        self.tracked = q(store, """SELECT DISTINCT ?p ?arxiv ?doi ?title WHERE {
            GRAPH ?g { ?p a mskg:Paper } FILTER(?g IN (graph:survey-list, graph:survey-db, graph:arxiv-snapshot))
            OPTIONAL { ?p mskg:arxivId ?arxiv } OPTIONAL { ?p bibo:doi ?doi } OPTIONAL { ?p dcterms:title ?title } }""")
        seen: dict[str, dict[str, Any]] = {}
        for row in self.tracked:  # one row per paper: a paper has one title in the survey graphs
            seen.setdefault(row["p"], row)
        self.papers = [{"arxiv": r["arxiv"], "doi": r["doi"], "title": r["title"]} for r in seen.values()]
        self.facts = _facts(x for g in SURVEY for x in store.quads(g))  # what the survey graphs say (never changes)

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
class Facts:
    """The facts of the invariant, read from quads in one pass (a query per fact is slower)."""

    papers: set[str] = field(default_factory=set)
    titled: set[str] = field(default_factory=set)
    titles: dict[str, set[str]] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)  # bare values: 'doi:10.1/x' and '10.1/x' are one id
    edges: set[tuple[str, str]] = field(default_factory=set)
    counts: dict[str, int] = field(default_factory=dict)  # paper -> mskg:unresolvedReferenceCount
    single: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)  # (graph, paper, prop) -> values
    dois: set[tuple[str, str]] = field(default_factory=set)
    identified: set[str] = field(default_factory=set)  # papers with an arXiv id, a DOI or an S2 id


_ID_PROPS = {str(MSKG.arxivId), str(BIBO.doi), str(MSKG.s2PaperId), str(MSKG.corpusId), str(MSKG.pubmedId),
             str(DCTERMS.identifier)}
_PRIMARY_IDS = {str(MSKG.arxivId), str(BIBO.doi), str(MSKG.s2PaperId)}
_SINGLE = {str(t) for t in (MSKG.citationCount, MSKG.influentialCitationCount, MSKG.countsRetrieved, MSKG.corpusId,
                            MSKG.s2PaperId, MSKG.pubmedId, MSKG.venue, MSKG.arxivVersion, DCTERMS.title,
                            DCTERMS.issued, BIBO.doi, MSKG.arxivId, MSKG.unresolvedReferenceCount, DCTERMS.abstract)}


def _facts(quads: Iterable[ox.Quad]) -> Facts:
    f = Facts()
    for x in quads:
        s, p, o, g = x.subject.value, x.predicate.value, x.object.value, x.graph_name.value
        if p == _TYPE and o == _PAPER:
            f.papers.add(s)
        elif p == _TITLE:
            f.titled.add(s)
            f.titles.setdefault(s, set()).add(o)
        elif p == _CITES:
            f.edges.add((s, o))
        elif p == _COUNT:
            f.counts[s] = int(o)
        if p in _ID_PROPS:
            kind, _, bare = o.partition(":")
            f.ids.setdefault(s, set()).add(bare if kind in ("doi", "s2", "corpus", "pmid") else o)
            if p == str(BIBO.doi):
                f.dois.add((s, o))
            if p in _PRIMARY_IDS:
                f.identified.add(s)
        if p in _SINGLE and g in LIVE_GRAPHS[:3]:
            f.single.setdefault((g, s, p), set()).add(o)
    return f


_TYPE, _PAPER, _TITLE = str(RDF.type), str(MSKG.Paper), str(DCTERMS.title)
_CITES, _COUNT = str(CITO.cites), str(MSKG.unresolvedReferenceCount)


@dataclass
class Before:
    """What the store held before a run, for the "nothing lost" half of the invariant."""

    survey_sizes: dict[str, int]  # the survey's graphs (compared exactly at the end of a test: survey_intact)
    live: set[ox.Quad]  # the live graphs' quads, to find the nodes a run touched
    facts: Facts  # the live graphs' facts (the survey's are Survey.facts)


def snapshot(store: Store) -> Before:
    live = {x for g in LIVE_GRAPHS for x in store.quads(g)}
    sizes = store.graph_sizes()
    return Before({g: sizes.get(g, 0) for g in SURVEY}, live, _facts(live))


def survey_intact(store: Store, survey: Survey) -> bool:
    """The survey's graphs hold exactly what the build wrote."""
    fresh = survey.fresh()
    return all(set(store.quads(g)) == set(fresh.quads(g)) for g in SURVEY)


def broken(store: Store, before: Before, survey: Survey, *, lists_kept: set[str] = frozenset(),  # type: ignore[assignment]
           now: Before | None = None) -> list[str]:
    """Every way the store breaks the invariant after a run (empty: it holds). ``lists_kept``:
    papers whose reference lists the run did not read again completely (their edges must stay).
    ``now``: the store's snapshot after the run, when the caller has taken it."""
    now = now or snapshot(store)
    out = [f"SHACL: {v}" for v in violations(store, survey, before.live ^ now.live)]
    if now.survey_sizes != before.survey_sizes:
        out.append(f"the survey's graphs changed: {before.survey_sizes} -> {now.survey_sizes}")
    b, a, sv = before.facts, now.facts, survey.facts
    out += [f"lost the paper {p}" for p in b.papers - a.papers - sv.papers]
    out += [f"lost the title of {p}" for p in b.titled - a.titled - sv.titled]
    for p, ids in b.ids.items():
        lost = {i for i in ids - a.ids.get(p, set()) - sv.ids.get(p, set())
                if not i.lower().startswith("10.48550/arxiv.")}
        if lost and (p in b.papers or p in sv.papers):
            out.append(f"lost identifiers of {p}: {sorted(lost)}")
    out += [f"lost the edge {x} -> {y}" for x, y in b.edges - a.edges - sv.edges if x in lists_kept]
    out += [f"lost the unresolved count of {p}" for p in b.counts if p in lists_kept and p not in a.counts]
    return out + junk(a, survey)


def junk(a: Facts, survey: Survey) -> list[str]:
    """Papers outside the survey without a title or an identifier, arXiv DOIs as DOIs, captions
    as papers, two values of a single-valued fact in one live graph."""
    outside = a.papers - survey.facts.papers
    out = [f"no title: {p}" for p in outside - a.titled]
    out += [f"no arXiv id, DOI or S2 id: {p}" for p in outside - a.identified]
    out += [f"arXiv DOI as bibo:doi: {p} {d}" for p, d in a.dois if d.lower().startswith("10.48550/")]
    out += [f"a caption became a paper: {t}" for p in outside for t in a.titles.get(p, ())
            if any(t.startswith(j) for j in JUNK_TITLES)]
    out += [f"{len(v)} values of {prop} for {p} in {g}" for (g, p, prop), v in a.single.items() if len(v) > 1]
    return out


def violations(store: Store, survey: Survey, changed: set[ox.Quad] | None = None) -> list[str]:
    """SHACL violations of the nodes a run touched (subjects of the live-graph triples it added
    or removed; every node of the live graphs when ``changed`` is None), with the shapes and the
    engine of `kg validate`. A shape looks at its focus node's own triples and at the class (or
    scheme) of the nodes they point to, so the data graph is exactly that, read from the union:
    the focus nodes' triples, their objects' rdf:type and skos:inScheme, and the subclass axioms.
    Tests also run the full `kg validate` on the store a chain of runs leaves."""
    quads = changed if changed is not None else {x for g in LIVE_GRAPHS for x in store.quads(g)}
    subjects = sorted({x.subject.value for x in quads if isinstance(x.subject, ox.NamedNode)})
    if not subjects:
        return []
    data = _construct(store, subjects, "?s ?p ?o", "?s ?p ?o")
    targets = {MSKG.Paper, MSKG.Model, MSKG.Dataset, MSKG.Result, SKOS.Concept}
    focus = sorted({URIRef(s) for s in subjects if any(t in targets for t in data.objects(URIRef(s), RDF.type))
                    or (URIRef(s), SKOS.inScheme, None) in data})
    if not focus:
        return []
    objects = sorted({str(o) for _, _, o in data if isinstance(o, URIRef)})
    if objects:
        data += _construct(store, objects, "?s a ?t . ?s skos:inScheme ?k", "{ ?s a ?t } UNION { ?s skos:inScheme ?k }")
    data += survey.axioms
    conforms, report, _ = shacl_validate(data, shacl_graph=survey.shapes, inference="none", focus_nodes=focus,
                                         inplace=True)
    if conforms:
        return []
    return sorted(f"{report.value(r, SH.focusNode)} {report.value(r, SH.resultPath)}: "
                  f"{report.value(r, SH.resultMessage)}" for r in report.subjects(SH.resultSeverity, None))


def _construct(store: Store, nodes: list[str], template: str, pattern: str) -> Graph:
    values = " ".join(f"<{n}>" for n in nodes)
    return store.construct(with_prefixes(f"CONSTRUCT {{ {template} }} WHERE {{ VALUES ?s {{ {values} }} {pattern} }}"))
