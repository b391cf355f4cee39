"""The survey's papers as triples: each fact in the graph of the source that said it, a
single-valued fact (title, first date, DOI) once, in the graph of the most authoritative
source, the other spellings kept as ``dcterms:alternative``/``dcterms:identifier``."""

from __future__ import annotations

from typing import Iterable

from rdflib import Graph, Literal, URIRef

from ingest.ids import normalise_title
from ingest.records import PaperRecord
from kg.mapping.graphs import Mapped
from kg.mapping.terms import date_literal, paper_iri, person_iri
from kg.resolve import Mention, PaperNode, Resolution
from kg.vocab import ARXIV_SNAPSHOT, BIBO, DCTERMS, FABIO, FOAF, MSKG, RDF, RDFS, SURVEY_DB, SURVEY_LIST, XSD

# Which source's spelling of a single-valued paper fact wins, best first.
_SOURCE_RANK = {"arxiv-snapshot": 0, "survey-db": 1, "result-source": 2, "survey-list": 3}
_GRAPH_OF_SOURCE = {"arxiv-snapshot": ARXIV_SNAPSHOT, "survey-db": SURVEY_DB,
                    "result-source": SURVEY_DB, "survey-list": SURVEY_LIST}


def _best(mentions: Iterable[Mention], attr: str) -> tuple[Mention | None, object]:
    ranked = sorted((m for m in mentions if getattr(m, attr)), key=lambda m: _SOURCE_RANK.get(m.source, 9))
    return (ranked[0], getattr(ranked[0], attr)) if ranked else (None, None)


def map_papers(res: Resolution, out: Mapped) -> None:
    for node in res.papers.values():
        _map_paper(node, out)


def _map_paper(node: PaperNode, out: Mapped) -> None:
    paper = paper_iri(node.key)
    sources = {m.source for m in node.mentions}
    for source in sources:
        out.g(_GRAPH_OF_SOURCE[source]).add((paper, RDF.type, MSKG.Paper))

    title_m, title = _best(node.mentions, "title")
    if title_m is not None:
        out.g(_GRAPH_OF_SOURCE[title_m.source]).add((paper, DCTERMS.title, Literal(title)))
        spelled = {normalise_title(str(title))}
        for m in node.mentions:
            if m.title and normalise_title(m.title) not in spelled:
                spelled.add(normalise_title(m.title))
                out.g(_GRAPH_OF_SOURCE[m.source]).add((paper, DCTERMS.alternative, Literal(m.title)))

    if node.arxiv_id:
        for m in node.mentions:
            if m.arxiv_id == node.arxiv_id:
                out.g(_GRAPH_OF_SOURCE[m.source]).add((paper, MSKG.arxivId, Literal(node.arxiv_id)))
                break
    if node.doi:
        m = next(m for m in sorted(node.mentions, key=lambda m: _SOURCE_RANK.get(m.source, 9)) if m.doi == node.doi)
        g = out.g(_GRAPH_OF_SOURCE[m.source])
        g.add((paper, BIBO.doi, Literal(node.doi)))
        g.add((paper, RDF.type, FABIO.JournalArticle))
        for other in node.other_dois:
            g.add((paper, DCTERMS.identifier, Literal(f"doi:{other}")))
    elif node.arxiv_id:
        out.g(ARXIV_SNAPSHOT if "arxiv-snapshot" in sources else SURVEY_DB).add((paper, RDF.type, FABIO.Preprint))

    # First appearance: arXiv v1 when known, else the database's (month-precision) first date,
    # else the year of a BibTeX entry.
    issued_m, issued = _best((m for m in node.mentions if m.role != "last"), "issued")
    if issued_m is not None:
        out.g(_GRAPH_OF_SOURCE[issued_m.source]).add((paper, DCTERMS.issued, date_literal(issued)))
    else:
        year_m, year = _best(node.mentions, "year")
        if year_m is not None:
            out.g(_GRAPH_OF_SOURCE[year_m.source]).add((paper, DCTERMS.issued, Literal(str(year), datatype=XSD.gYear)))

    for m in node.mentions:
        g = out.g(_GRAPH_OF_SOURCE[m.source])
        if m.source == "survey-db":
            if m.role == "last" and m.issued:
                g.add((paper, MSKG.lastIssued, date_literal(m.issued)))
            if m.venue:
                g.add((paper, MSKG.venue, Literal(m.venue)))
            if m.bibkey:
                g.add((paper, MSKG.bibKey, Literal(m.bibkey)))
            if m.link:
                g.add((paper, FOAF.page, URIRef(m.link.strip())))
        elif m.source == "result-source":
            if m.bibkey:
                g.add((paper, MSKG.bibKey, Literal(m.bibkey)))
            if m.bibtex:
                g.add((paper, MSKG.bibtex, Literal(m.bibtex)))
            if m.venue:
                g.add((paper, MSKG.venue, Literal(m.venue)))
            if not any(x.source == "arxiv-snapshot" for x in node.mentions):
                _add_authors(g, paper, m.authors)
        elif m.source == "arxiv-snapshot" and m.record is not None:
            _map_snapshot_record(g, paper, m.record)


def _add_authors(g: Graph, paper: URIRef, names: list[str]) -> None:
    if not names:
        return
    g.add((paper, MSKG.authorList, Literal("; ".join(names))))
    for name in names:
        person = person_iri(name)
        g.add((person, RDF.type, FOAF.Person))
        g.add((person, FOAF.name, Literal(name)))
        g.add((paper, DCTERMS.creator, person))


def _map_snapshot_record(g: Graph, paper: URIRef, r: PaperRecord) -> None:
    _add_authors(g, paper, [a.name for a in r.authors])
    if r.abstract:
        g.add((paper, DCTERMS.abstract, Literal(r.abstract)))
    if r.primary_category:
        g.add((paper, MSKG.primaryCategory, Literal(r.primary_category)))
    for c in r.categories:
        g.add((paper, MSKG.arxivCategory, Literal(c)))
    if r.journal_ref:
        g.add((paper, DCTERMS.bibliographicCitation, Literal(r.journal_ref)))
    if r.venue:
        g.add((paper, MSKG.venue, Literal(r.venue)))
    if r.comment:
        g.add((paper, RDFS.comment, Literal(r.comment)))
    if r.arxiv_id:
        g.add((paper, FOAF.page, URIRef(f"https://arxiv.org/abs/{r.arxiv_id}")))
