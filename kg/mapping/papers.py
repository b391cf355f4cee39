"""The survey's papers as triples: each fact in the graph of the source that said it, a
single-valued fact (title, first date, DOI) once, in the graph of the most authoritative
source, the other spellings kept as ``dcterms:alternative``/``dcterms:identifier``.

Names and titles are decoded (LaTeX, HTML entities) before they are written; a title whose
source spelling holds math keeps that spelling as a ``dcterms:alternative``. Authors are one
node per person across sources (:mod:`kg.people`), named "Given Family" with each source's
own spelling as ``skos:altLabel``."""

from __future__ import annotations

from typing import Iterable

from rdflib import Graph, Literal, URIRef

from ingest.ids import normalise_title
from ingest.records import PaperRecord
from ingest.text import decode_markup, has_math
from kg.links import page_url
from kg.mapping.graphs import Mapped
from kg.mapping.terms import date_literal, paper_iri, person_iri, survey_db_date_literal, year_literal
from kg.people import NameMention, People, PeopleReport
from kg.resolve import Mention, PaperNode, Resolution
from kg.vocab import ARXIV_SNAPSHOT, BIBO, DCTERMS, FABIO, FOAF, MSKG, RDF, RDFS, SKOS, SURVEY_DB, SURVEY_LIST

# Which source's spelling of a single-valued paper fact wins, best first.
_SOURCE_RANK = {"arxiv-snapshot": 0, "survey-db": 1, "result-source": 2, "survey-list": 3}
_GRAPH_OF_SOURCE = {"arxiv-snapshot": ARXIV_SNAPSHOT, "survey-db": SURVEY_DB,
                    "result-source": SURVEY_DB, "survey-list": SURVEY_LIST}


def _best(mentions: Iterable[Mention], attr: str) -> tuple[Mention | None, object]:
    ranked = sorted((m for m in mentions if getattr(m, attr)), key=lambda m: _SOURCE_RANK.get(m.source, 9))
    return (ranked[0], getattr(ranked[0], attr)) if ranked else (None, None)


def _author_names(node: PaperNode) -> list[tuple[str, list[NameMention]]]:
    """Each source's author list of the paper, as (source, names): the arXiv record's, or
    the BibTeX entry's when no arXiv record describes the paper."""
    lists = []
    has_snapshot = any(x.source == "arxiv-snapshot" for x in node.mentions)
    for m in node.mentions:
        if m.source == "result-source" and not has_snapshot and m.authors:
            lists.append((m.source, [NameMention(a, m.source) for a in m.authors]))
        elif m.source == "arxiv-snapshot" and m.record is not None and m.record.authors:
            lists.append((m.source, [NameMention(a.name, m.source, a.s2_author_id, a.orcid)
                                     for a in m.record.authors]))
    return lists


def map_papers(res: Resolution, out: Mapped) -> PeopleReport:
    """Every paper of ``res``; returns what matching the authors across sources did."""
    people = People(n for node in res.papers.values() for _, names in _author_names(node) for n in names)
    for node in res.papers.values():
        _map_paper(node, out, people)
    return people.report


def _text(value: object) -> Literal:
    return Literal(decode_markup(str(value)))


def _date_of(m: Mention, value: object) -> Literal:
    return survey_db_date_literal(value) if m.source == "survey-db" else date_literal(value)  # type: ignore[arg-type]


def _map_title(node: PaperNode, paper: URIRef, out: Mapped) -> None:
    title_m, title = _best(node.mentions, "title")
    if title_m is None:
        return
    decoded = decode_markup(str(title))
    out.g(_GRAPH_OF_SOURCE[title_m.source]).add((paper, DCTERMS.title, Literal(decoded)))
    spelled = {normalise_title(decoded)}
    if has_math(str(title)):  # the decoded title loses the math's layout: keep the source's
        out.g(_GRAPH_OF_SOURCE[title_m.source]).add((paper, DCTERMS.alternative, Literal(str(title))))
    for m in node.mentions:
        if m.title and normalise_title(decode_markup(m.title)) not in spelled:
            spelled.add(normalise_title(decode_markup(m.title)))
            out.g(_GRAPH_OF_SOURCE[m.source]).add((paper, DCTERMS.alternative, _text(m.title)))


def _map_paper(node: PaperNode, out: Mapped, people: People) -> None:
    paper = paper_iri(node.key)
    sources = {m.source for m in node.mentions}
    for source in sources:
        out.g(_GRAPH_OF_SOURCE[source]).add((paper, RDF.type, MSKG.Paper))

    _map_title(node, paper, out)

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

    # First appearance: arXiv v1 when known (a day), else the database's first date (a month),
    # else the year of a BibTeX entry.
    issued_m, issued = _best((m for m in node.mentions if m.role != "last"), "issued")
    if issued_m is not None:
        out.g(_GRAPH_OF_SOURCE[issued_m.source]).add((paper, DCTERMS.issued, _date_of(issued_m, issued)))
    else:
        year_m, year = _best(node.mentions, "year")
        if year_m is not None:
            out.g(_GRAPH_OF_SOURCE[year_m.source]).add((paper, DCTERMS.issued, year_literal(int(year))))  # type: ignore[call-overload]
    _map_facts(node, paper, out, people)


def _map_facts(node: PaperNode, paper: URIRef, out: Mapped, people: People) -> None:
    authors = dict(_author_names(node))

    for m in node.mentions:
        g = out.g(_GRAPH_OF_SOURCE[m.source])
        if m.source == "survey-db":
            if m.role == "last" and m.issued:
                g.add((paper, MSKG.lastIssued, survey_db_date_literal(m.issued)))
            if m.venue:
                g.add((paper, MSKG.venue, _text(m.venue)))
            if m.bibkey:
                g.add((paper, MSKG.bibKey, Literal(m.bibkey)))
            if m.link:
                g.add((paper, FOAF.page, URIRef(page_url(m.link))))
        elif m.source == "result-source":
            if m.bibkey:
                g.add((paper, MSKG.bibKey, Literal(m.bibkey)))
            if m.bibtex:
                g.add((paper, MSKG.bibtex, Literal(m.bibtex)))
            if m.venue:
                g.add((paper, MSKG.venue, _text(m.venue)))
            if m.source in authors:
                _add_authors(g, paper, authors.pop(m.source), people)
        elif m.source == "arxiv-snapshot" and m.record is not None:
            if m.source in authors:
                _add_authors(g, paper, authors.pop(m.source), people)
            _map_snapshot_record(g, paper, m.record)


def _add_authors(g: Graph, paper: URIRef, names: list[NameMention], people: People) -> None:
    """The ordered list in "Given Family" form, and one node per person with the source's
    own spelling (decoded) as skos:altLabel where it differs."""
    persons = [people.person(n.raw) for n in names]
    g.add((paper, MSKG.authorList, Literal("; ".join(p.name for p in persons))))
    for mention, person in zip(names, persons):
        node = person_iri(person.name)
        g.add((node, RDF.type, FOAF.Person))
        g.add((node, FOAF.name, Literal(person.name)))
        spelled = " ".join(decode_markup(mention.raw).split())
        if spelled != person.name:
            g.add((node, SKOS.altLabel, Literal(spelled)))
        for prop, value in ((MSKG.s2AuthorId, mention.s2_author_id), (MSKG.orcid, mention.orcid)):
            if value:
                g.add((node, prop, Literal(value)))
        g.add((paper, DCTERMS.creator, node))


def _map_snapshot_record(g: Graph, paper: URIRef, r: PaperRecord) -> None:
    if r.abstract:
        g.add((paper, DCTERMS.abstract, _text(r.abstract)))
    if r.primary_category:
        g.add((paper, MSKG.primaryCategory, Literal(r.primary_category)))
    for c in r.categories:
        g.add((paper, MSKG.arxivCategory, Literal(c)))
    if r.journal_ref:
        g.add((paper, DCTERMS.bibliographicCitation, _text(r.journal_ref)))
    if r.venue:
        g.add((paper, MSKG.venue, _text(r.venue)))
    if r.comment:
        g.add((paper, RDFS.comment, _text(r.comment)))
    if r.arxiv_id:
        g.add((paper, FOAF.page, URIRef(f"https://arxiv.org/abs/{r.arxiv_id}")))
