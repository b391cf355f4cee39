"""Live records (arXiv, Semantic Scholar) as triples about a paper already resolved to an
IRI, written so that they never contradict what another graph states (:class:`KnownFacts`)
and so that a source states each single-valued fact of a paper once.

One paper, several records of one source. Semantic Scholar often lists a preprint and its
journal version as two records (one with the arXiv id, one with the DOI, the same title),
sometimes in one page; a paper also comes back twice in a page or across pages. Each call
of :func:`map_live_record` merges the new record with the source's earlier records of the
paper and rewrites the source's single-valued facts by one rule:

- the *primary* record is the first one that describes the published version (a DOI, a
  journal reference or a venue that is not a preprint server), else the first one;
- ids (Semantic Scholar id, corpus id, PubMed id, DOI) and the source's page, venue,
  journal reference, category, comment and author list are the primary record's, filled
  from the others where it has none; the other records' ids are kept as
  ``dcterms:identifier`` ("s2:...", "corpus:...", "pmid:...", "doi:...");
- counts are the largest any record gives (S2 splits a work's citations between its
  records, so the largest is the nearest to the truth), with the latest retrieval date;
- the first date is the earliest, the arXiv version and the modification date the latest;
  a paper is withdrawn when any of its records says so;
- an arXiv DOI (10.48550/arXiv.X) is the arXiv id X, never a ``bibo:doi``.

Facts another graph already states (title, first date, DOI, arXiv id, abstract, S2 id,
counts) are not stated again: a different spelling becomes an alternative or an identifier.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ingest.ids import normalise_title, split_doi
from ingest.records import PREPRINT_VENUES, PaperRecord
from kg.mapping.terms import date_literal, person_iri
from kg.vocab import BIBO, CITO, DCTERMS, FOAF, MSKG, RDF, RDFS, XSD

Triple = tuple[Node, Node, Node]


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
    counts: bool = False  # citation counts are stated (by another graph, or another source)
    arxiv_version: int | None = None  # the latest arXiv version the graph records
    sources: dict[str, _SourceFacts] = field(default_factory=dict, repr=False)  # what this run wrote


@dataclass
class _SourceFacts:
    """One source's records of one paper in this run and the merged triples they gave."""

    before: KnownFacts  # what was stated before this source wrote about the paper
    kept: StoredIds  # the ids this source's graph stated for the paper before the run
    records: list[PaperRecord] = field(default_factory=list)
    triples: set[Triple] = field(default_factory=set)
    conflicts: set[str] = field(default_factory=set)


@dataclass
class StoredIds:
    """The ids a source's graph states for a paper before a run rewrites its description: a
    refresh keeps them (a later answer that lists only the preprint must not erase the DOI
    of the journal version), as the property again when the new records give none."""

    arxiv: list[str] = field(default_factory=list)  # each list: the property's value first,
    doi: list[str] = field(default_factory=list)  # then the values kept as dcterms:identifier
    s2: list[str] = field(default_factory=list)
    corpus: list[str] = field(default_factory=list)
    pmid: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # dcterms:identifier values of other kinds


def map_live_record(g: Graph, paper: URIRef, r: PaperRecord, known: KnownFacts,
                    stored: StoredIds | None = None) -> list[str]:
    """Triples of one arXiv or Semantic Scholar record about ``paper``, merged with what the
    same source said of it earlier in the run (see the module docstring); returns the new
    conflicts it declined to write (an arXiv id different from the graph's, say). ``known``
    is updated with what was written, so a record of another source adds no second title.
    ``stored``: the ids the source's graph held for the paper, when the run replaces them."""
    mine = known.sources.get(r.source)
    if mine is None:
        mine = known.sources[r.source] = _SourceFacts(before=replace(known, sources={}), kept=stored or StoredIds())
    if r in mine.records:  # the same record again (a paper cited by many): nothing new to merge
        _add_multi_valued(g, paper, r)
        return []
    mine.records.append(r)
    merged, conflicts = _merged(paper, mine.records, mine.before, mine.kept)
    claimed = set().union(*(s.triples for src, s in known.sources.items() if src != r.source))
    for t in mine.triples - merged - claimed:
        g.remove(t)
    for t in merged - mine.triples:
        g.add(t)
    mine.triples = merged
    _add_multi_valued(g, paper, r)
    _note_written(known, mine.before, paper, merged)
    new = [c for c in conflicts if c not in mine.conflicts]
    mine.conflicts.update(new)
    return new


def _primary(records: list[PaperRecord]) -> PaperRecord:
    return next((r for r in records if r.published_version), records[0])


def _first(records: list[PaperRecord], attr: str) -> object:
    return next((getattr(r, attr) for r in records if getattr(r, attr)), None)


def _merged(paper: URIRef, records: list[PaperRecord], before: KnownFacts,
            kept: StoredIds) -> tuple[set[Triple], list[str]]:
    """The single-valued (and derived) triples of one source's records of one paper."""
    primary = _primary(records)
    ordered = [primary] + [r for r in records if r is not primary]
    out: set[Triple] = set()
    conflicts = _identity(out, paper, ordered, before, kept)
    _titles(out, paper, ordered, before)
    _dates(out, paper, ordered, before)
    venues = [r.venue for r in ordered if r.published_version and r.venue] + [r.venue for r in ordered if r.venue]
    venue = next((v for v in venues if v.strip().lower() not in PREPRINT_VENUES), venues[0] if venues else None)
    for prop, value in ((MSKG.venue, venue), (DCTERMS.bibliographicCitation, _first(ordered, "journal_ref")),
                        (MSKG.primaryCategory, _first(ordered, "primary_category")),
                        (RDFS.comment, _first(ordered, "comment")), (FOAF.page, primary.url or _first(ordered, "url"))):
        if value:
            out.add((paper, prop, URIRef(str(value)) if prop == FOAF.page else Literal(str(value))))
    if not before.abstract and _first(ordered, "abstract"):
        out.add((paper, DCTERMS.abstract, Literal(str(_first(ordered, "abstract")))))
    authors = next((r.authors for r in ordered if r.authors), [])
    if authors:
        out.add((paper, MSKG.authorList, Literal("; ".join(a.name for a in authors))))
    versions = [r.version for r in ordered if r.version]
    if versions:
        out.add((paper, MSKG.arxivVersion, Literal(max(versions), datatype=XSD.integer)))
    if any(r.withdrawn for r in ordered):
        out.add((paper, MSKG.withdrawn, Literal(True)))
    if not before.counts:
        _counts(out, paper, ordered)
    return out, conflicts


def _identity(out: set[Triple], paper: URIRef, ordered: list[PaperRecord], before: KnownFacts,
              kept: StoredIds) -> list[str]:
    """arXiv id, DOI and the source's own ids; a second value of an id is an identifier. An
    id the graph already states wins (IRIs and identities stay stable), then the primary
    record's, then the one the source's graph stated before the run."""
    conflicts: list[str] = []
    arxiv_ids, dois = [], []
    for r in ordered:
        doi, arxiv_in_doi = split_doi(r.doi)
        arxiv_ids += [a for a in (r.arxiv_id, arxiv_in_doi) if a and a not in arxiv_ids]
        if doi and doi not in dois:
            dois.append(doi)
    arxiv_id = before.arxiv_id or (kept.arxiv[0] if kept.arxiv else None) or (arxiv_ids[0] if arxiv_ids else None)
    for other in dict.fromkeys(arxiv_ids + kept.arxiv):
        if other == arxiv_id:
            out.add((paper, MSKG.arxivId, Literal(other)))
        else:
            conflicts.append(f"{paper}: {ordered[0].source} says arXiv {other}, the graph says {arxiv_id}; not written")
    chosen = {"doi": before.doi or (dois[0] if dois else None), "s2": before.s2_paper_id}
    for key, attr, prop in (("doi", None, BIBO.doi), ("s2", "s2_paper_id", MSKG.s2PaperId),
                            ("corpus", "corpus_id", MSKG.corpusId), ("pmid", "pubmed_id", MSKG.pubmedId)):
        given = dois if attr is None else [str(getattr(r, attr)) for r in ordered if getattr(r, attr)]
        values = list(dict.fromkeys(given + getattr(kept, key)))
        pick = chosen.get(key) or (given[0] if given else None) or (values[0] if values else None)
        for value in values:
            out.add((paper, prop, Literal(value)) if value == pick
                    else (paper, DCTERMS.identifier, Literal(f"{key}:{value}")))
    for value in kept.other:
        out.add((paper, DCTERMS.identifier, Literal(value)))
    return conflicts


def _titles(out: set[Triple], paper: URIRef, ordered: list[PaperRecord], before: KnownFacts) -> None:
    spelled = {normalise_title(before.title)} if before.title else set()
    for r in ordered:
        if not r.title or normalise_title(r.title) in spelled:
            continue
        out.add((paper, DCTERMS.alternative if spelled else DCTERMS.title, Literal(r.title)))
        spelled.add(normalise_title(r.title))


def _dates(out: set[Triple], paper: URIRef, ordered: list[PaperRecord], before: KnownFacts) -> None:
    """The first appearance (earliest date, else earliest year) and the latest modification."""
    if not before.issued:
        dates = [r.published for r in ordered if r.published]
        years = [r.year for r in ordered if r.year]
        if dates:
            out.add((paper, DCTERMS.issued, date_literal(min(dates))))
        elif years:
            out.add((paper, DCTERMS.issued, Literal(str(min(years)), datatype=XSD.gYear)))
    modified = [r.updated for r in ordered if r.updated]
    if modified:
        out.add((paper, DCTERMS.modified, date_literal(max(modified))))


def _counts(out: set[Triple], paper: URIRef, ordered: list[PaperRecord]) -> None:
    counted = [r for r in ordered if r.citation_count is not None or r.influential_citation_count is not None]
    for prop, attr in ((MSKG.citationCount, "citation_count"),
                       (MSKG.influentialCitationCount, "influential_citation_count")):
        values = [getattr(r, attr) for r in counted if getattr(r, attr) is not None]
        if values:
            out.add((paper, prop, Literal(max(values), datatype=XSD.integer)))
    retrieved: list[date] = [r.retrieved for r in counted if r.retrieved]
    if retrieved:
        out.add((paper, MSKG.countsRetrieved, date_literal(max(retrieved))))


def _add_multi_valued(g: Graph, paper: URIRef, r: PaperRecord) -> None:
    """Facts with many values (type, categories, authors): every record adds its own."""
    g.add((paper, RDF.type, MSKG.Paper))
    for c in r.categories:
        g.add((paper, MSKG.arxivCategory, Literal(c)))
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


def _note_written(known: KnownFacts, before: KnownFacts, paper: URIRef, merged: set[Triple]) -> None:
    """What the other sources of this run must now treat as stated: this source's values
    where nothing was stated before it wrote (its primary record may have changed since)."""
    stated = {p: o for s, p, o in merged if s == paper}
    for attr, prop in (("title", DCTERMS.title), ("doi", BIBO.doi), ("arxiv_id", MSKG.arxivId),
                       ("s2_paper_id", MSKG.s2PaperId)):
        if getattr(before, attr) is None and prop in stated:
            setattr(known, attr, str(stated[prop]))
    known.issued |= DCTERMS.issued in stated
    known.abstract |= DCTERMS.abstract in stated
    known.counts |= MSKG.citationCount in stated or MSKG.influentialCitationCount in stated


def map_citation(g: Graph, citing: URIRef, cited: URIRef) -> None:
    if citing != cited:
        g.add((citing, CITO.cites, cited))


def map_unresolved_references(g: Graph, citing: URIRef, count: int) -> None:
    """How many of ``citing``'s references the source could not resolve to a paper: kept as
    a count on the citing paper, never as nodes or edges (they are captions and footnotes
    as often as papers)."""
    g.add((citing, MSKG.unresolvedReferenceCount, Literal(int(count), datatype=XSD.integer)))
