"""Semantic Scholar's papers in our terms: the fields we ask for, the id forms the
Graph API accepts, and a Graph API paper object as a :class:`PaperRecord`.

Apart from :mod:`ingest.semantic_scholar` (the transport and the calls) because this
part is pure: it needs no client, no network and no policy, and is read by the
batch, reference, citation and search calls alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ingest.ids import normalise_arxiv_id, normalise_doi
from ingest.records import Author, PaperRecord

SOURCE = "semantic-scholar"  # what records and run reports call this source

# Always explicit: the package's defaults ask for more (and heavier) fields.
PAPER_FIELDS: list[str] = [
    "paperId",
    "externalIds",
    "title",
    "abstract",
    "venue",
    "year",
    "publicationDate",
    "authors",  # authorId and name
    "citationCount",
    "influentialCitationCount",
    "journal",
]

_ID_PREFIXES = ("ARXIV:", "DOI:", "CORPUSID:", "PMID:", "PMCID:", "MAG:", "ACL:", "URL:")


def s2_paper_id(value: str) -> str:
    """An id the Graph API accepts: arXiv ids and DOIs get their prefix, others pass through."""
    value = value.strip()
    upper = value.upper()
    if upper.startswith("ARXIV:") and normalise_arxiv_id(value[6:]):
        return f"ARXIV:{normalise_arxiv_id(value[6:])}"
    if upper.startswith("DOI:") and normalise_doi(value[4:]):
        return f"DOI:{normalise_doi(value[4:])}"
    if upper.startswith(_ID_PREFIXES):
        return value
    arxiv_id = normalise_arxiv_id(value)
    if arxiv_id:
        return f"ARXIV:{arxiv_id}"
    doi = normalise_doi(value)
    if doi:
        return f"DOI:{doi}"
    return value


def paper_from_s2(data: Mapping[str, Any]) -> PaperRecord:
    """A Graph API paper object as a plain record; ``retrieved`` is today (counts change)."""
    ext = data.get("externalIds") or {}
    paper_id = data.get("paperId")
    published = _iso_date(data.get("publicationDate"))
    journal = data.get("journal") or {}
    venue = (data.get("venue") or "").strip() or (journal.get("name") or "").strip() or None
    corpus = ext.get("CorpusId")
    return PaperRecord(
        source=SOURCE,
        title=" ".join((data.get("title") or "").split()) or None,
        arxiv_id=normalise_arxiv_id(ext.get("ArXiv")),
        doi=normalise_doi(ext.get("DOI")),
        s2_paper_id=paper_id,
        pubmed_id=str(ext["PubMed"]) if ext.get("PubMed") else None,
        corpus_id=str(corpus) if corpus is not None else None,
        authors=[
            Author(name=a.get("name") or "", s2_author_id=a.get("authorId"))
            for a in data.get("authors") or []
            if a.get("name")
        ],
        abstract=" ".join((data.get("abstract") or "").split()) or None,
        published=published,
        journal_ref=_journal_ref(journal),
        venue=venue,
        year=data.get("year") or (published.year if published else None),
        url=f"https://www.semanticscholar.org/paper/{paper_id}" if paper_id else None,
        citation_count=data.get("citationCount"),
        influential_citation_count=data.get("influentialCitationCount"),
        retrieved=date.today(),
    )


def _journal_ref(journal: Mapping[str, Any]) -> str | None:
    name = (journal.get("name") or "").strip()
    if not name or name.lower() == "arxiv":  # S2 files preprints under journal 'ArXiv'
        return None
    volume = (journal.get("volume") or "").strip()
    pages = (journal.get("pages") or "").strip()
    return name + (f" {volume}" if volume else "") + (f", {pages}" if pages else "")


def _iso_date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
