"""Semantic Scholar's papers in our terms: the fields we ask for, the id forms the
Graph API accepts, and a Graph API paper object as a :class:`PaperRecord`.

Apart from :mod:`ingest.semantic_scholar` (the transport and the calls) because this
part is pure: it needs no client, no network and no policy, and is read by the
batch, reference, citation and search calls alike.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ingest.ids import normalise_arxiv_id, normalise_doi, split_doi
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

_PAPER_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")  # S2's are 40 hex digits; this one goes into an IRI
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
    """A Graph API paper object as a plain record; ``retrieved`` is today (counts change).

    Every field may be null. ``externalIds.DOI`` of an arXiv paper is usually its arXiv DOI
    (10.48550/arXiv.X): that is read as the arXiv id, never as the paper's DOI."""
    ext = _mapping(data.get("externalIds"))
    paper_id = _text(data.get("paperId"))
    paper_id = paper_id if paper_id and _PAPER_ID.fullmatch(paper_id) else None  # it becomes part of a URL
    published = _iso_date(data.get("publicationDate"))
    journal = _mapping(data.get("journal"))
    venue = _text(data.get("venue")) or _text(journal.get("name"))
    corpus = ext.get("CorpusId")
    doi, arxiv_from_doi = split_doi(_text(ext.get("DOI")))
    year = data.get("year")
    return PaperRecord(
        source=SOURCE,
        title=_text(data.get("title")),
        arxiv_id=normalise_arxiv_id(_text(ext.get("ArXiv"))) or arxiv_from_doi,
        doi=doi,
        s2_paper_id=paper_id,
        pubmed_id=str(ext["PubMed"]) if ext.get("PubMed") else None,
        corpus_id=str(corpus) if corpus is not None else None,
        authors=[
            Author(name=_text(a.get("name")) or "", s2_author_id=_text(a.get("authorId")))
            for a in data.get("authors") or []
            if isinstance(a, Mapping) and _text(a.get("name"))
        ],
        abstract=_text(data.get("abstract")),
        published=published,
        journal_ref=_journal_ref(journal),
        venue=venue,
        year=year if isinstance(year, int) and 1000 < year < 3000 else (published.year if published else None),
        url=f"https://www.semanticscholar.org/paper/{paper_id}" if paper_id else None,
        citation_count=_count(data.get("citationCount")),
        influential_citation_count=_count(data.get("influentialCitationCount")),
        retrieved=date.today(),
    )


def _text(value: Any) -> str | None:
    """A value as collapsed text, None when empty (S2 sends '' and null alike)."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _count(value: Any) -> int | None:
    """A count as the graph states it (a non-negative integer), None for anything else."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _journal_ref(journal: Mapping[str, Any]) -> str | None:
    name = _text(journal.get("name"))
    if not name or name.lower() == "arxiv":  # S2 files preprints under journal 'ArXiv'
        return None
    volume = _text(journal.get("volume"))
    pages = _text(journal.get("pages"))
    return name + (f" {volume}" if volume else "") + (f", {pages}" if pages else "")


def sanitise_answer(data: Any, *, batch: bool) -> list[tuple[str, str]]:
    """Make an answer safe for the package's object constructors, in place; returns what was
    repaired. The package parses ``publicationDate`` with strptime and builds objects from
    every list item, so one bad date or one null ``citedPaper`` would raise for the whole
    page: dates that are not YYYY-MM-DD become null, and page items that are no paper are
    dropped (a batch keeps its nulls, whose positions name the unknown ids). Each note is
    (what was wrong, what was done)."""
    notes: list[tuple[str, str]] = []
    if batch:
        papers = [p for p in data if isinstance(p, dict)] if isinstance(data, list) else []
        if isinstance(data, list):
            data[:] = [p if isinstance(p, dict) else None for p in data]
    elif isinstance(data, dict) and "data" in data and not isinstance(data["data"], list):
        notes.append((f"a page's data is a {type(data['data']).__name__}, not a list", "read as an empty page"))
        data["data"] = []
        return notes
    elif isinstance(data, dict) and isinstance(data.get("data"), list):
        items = data["data"]
        kept = [i for i in items if isinstance(i, dict) and _item_paper(i) is not None]
        if len(kept) < len(items):
            notes.append((f"{len(items) - len(kept)} entries of a page were not paper objects", "skipped"))
        data["data"] = kept
        papers = [_item_paper(i) for i in kept]  # type: ignore[misc]
    else:
        return notes
    for paper in papers:
        for key, kind in (("authors", list), ("journal", dict)):
            if paper.get(key) is not None and not isinstance(paper[key], kind):
                notes.append((f"paper {paper.get('paperId') or paper.get('title')!r}: {key} is a "
                              f"{type(paper[key]).__name__}", f"repaired (read as no {key})"))
                paper[key] = None
        if isinstance(paper.get("authors"), list):
            paper["authors"] = [a for a in paper["authors"] if isinstance(a, dict)]
        value = paper.get("publicationDate")
        if value is not None and _iso_date(value) is None:
            notes.append((f"paper {paper.get('paperId') or paper.get('title')!r}: publicationDate {value!r} "
                          "is not a date (YYYY-MM-DD)", "repaired (read without a date)"))
            paper["publicationDate"] = None
    return notes


def _item_paper(item: dict[str, Any]) -> dict[str, Any] | None:
    """The paper object of a page item: references and citations wrap it, search pages do not."""
    for key in ("citedPaper", "citingPaper"):
        if key in item:
            return item[key] if isinstance(item[key], dict) else None
    return item


def _iso_date(value: Any) -> date | None:
    """A YYYY-MM-DD date, read exactly as the package reads it (strptime), else None."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
