"""Live records (arXiv, Semantic Scholar) as triples about a paper already resolved to an
IRI, written so that they never contradict what another graph states (:class:`KnownFacts`)."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from ingest.ids import normalise_title
from ingest.records import PaperRecord
from kg.mapping.terms import date_literal, person_iri
from kg.vocab import BIBO, CITO, DCTERMS, FOAF, MSKG, RDF, RDFS, XSD


@dataclass
class KnownFacts:
    """What other graphs already say about a paper, so that a live source adds a second
    spelling as an alternative instead of a second title, date or DOI."""

    title: str | None = None
    issued: bool = False
    doi: str | None = None
    arxiv_id: str | None = None
    abstract: bool = False
    s2_paper_id: str | None = None


def map_live_record(g: Graph, paper: URIRef, r: PaperRecord, known: KnownFacts) -> list[str]:
    """Triples of one arXiv or Semantic Scholar record about ``paper``; returns the conflicts
    it declined to write (an arXiv id different from the graph's, say). ``known`` is updated
    with what was written, so a second record of the same paper adds no second title."""
    conflicts: list[str] = []
    g.add((paper, RDF.type, MSKG.Paper))
    if r.title:
        if known.title is None:
            g.add((paper, DCTERMS.title, Literal(r.title)))
            known.title = r.title
        elif normalise_title(known.title) != normalise_title(r.title):
            g.add((paper, DCTERMS.alternative, Literal(r.title)))
    if r.published and not known.issued:
        g.add((paper, DCTERMS.issued, date_literal(r.published)))
        known.issued = True
    elif r.year and not known.issued:
        g.add((paper, DCTERMS.issued, Literal(str(r.year), datatype=XSD.gYear)))
        known.issued = True
    if r.updated:
        g.add((paper, DCTERMS.modified, date_literal(r.updated)))
    if r.arxiv_id:
        if known.arxiv_id and known.arxiv_id != r.arxiv_id:
            conflicts.append(f"{paper}: {r.source} says arXiv {r.arxiv_id}, the graph says {known.arxiv_id}; not written")
        else:
            g.add((paper, MSKG.arxivId, Literal(r.arxiv_id)))
            known.arxiv_id = r.arxiv_id
    if r.doi:
        if known.doi is None or known.doi == r.doi:
            g.add((paper, BIBO.doi, Literal(r.doi)))
            known.doi = r.doi
        else:
            g.add((paper, DCTERMS.identifier, Literal(f"doi:{r.doi}")))
    if r.s2_paper_id:
        # Semantic Scholar sometimes keeps a preprint and its published version as two
        # records; merged here, the second id stays findable as an identifier.
        if known.s2_paper_id in (None, r.s2_paper_id):
            g.add((paper, MSKG.s2PaperId, Literal(r.s2_paper_id)))
            known.s2_paper_id = r.s2_paper_id
        else:
            g.add((paper, DCTERMS.identifier, Literal(f"s2:{r.s2_paper_id}")))
    for prop, value in ((MSKG.pubmedId, r.pubmed_id), (MSKG.corpusId, r.corpus_id),
                        (MSKG.primaryCategory, r.primary_category), (DCTERMS.bibliographicCitation, r.journal_ref),
                        (MSKG.venue, r.venue), (RDFS.comment, r.comment)):
        if value:
            g.add((paper, prop, Literal(str(value))))
    for c in r.categories:
        g.add((paper, MSKG.arxivCategory, Literal(c)))
    if r.version:
        g.add((paper, MSKG.arxivVersion, Literal(r.version, datatype=XSD.integer)))
    if r.abstract and not known.abstract:
        g.add((paper, DCTERMS.abstract, Literal(r.abstract)))
        known.abstract = True
    if r.url:
        g.add((paper, FOAF.page, URIRef(r.url)))
    if r.citation_count is not None:
        g.add((paper, MSKG.citationCount, Literal(r.citation_count, datatype=XSD.integer)))
    if r.influential_citation_count is not None:
        g.add((paper, MSKG.influentialCitationCount, Literal(r.influential_citation_count, datatype=XSD.integer)))
    if r.retrieved and (r.citation_count is not None or r.influential_citation_count is not None):
        g.add((paper, MSKG.countsRetrieved, date_literal(r.retrieved)))
    if r.authors:
        g.add((paper, MSKG.authorList, Literal("; ".join(a.name for a in r.authors))))
    for a in r.authors:
        person = person_iri(a.name)
        g.add((person, RDF.type, FOAF.Person))
        g.add((person, FOAF.name, Literal(a.name)))
        g.add((paper, DCTERMS.creator, person))
        if a.s2_author_id:
            g.add((person, MSKG.s2AuthorId, Literal(a.s2_author_id)))
        if a.orcid:
            g.add((person, MSKG.orcid, Literal(a.orcid)))
        for aff in a.affiliations:
            g.add((person, MSKG.authorAffiliation, Literal(aff)))
    return conflicts


def map_citation(g: Graph, citing: URIRef, cited: URIRef) -> None:
    if citing != cited:
        g.add((citing, CITO.cites, cited))
