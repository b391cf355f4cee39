"""Real-shaped answers of the live APIs, written out from a seed, for the live-path invariant
tests (tests/test_live_invariants.py) and the before/after measurement (scripts/measure_live_path.py).

The wire formats follow the public recordings of the client libraries themselves:

- arXiv, the 2026 feed format (lukasschwab/arxiv.py tests/fixtures/*.json, captured 2026-04):
  namespaces declared on <feed>; the feed's <id> under https://arxiv.org/api/; <title> before
  <updated> in an entry; https links; <arxiv:primary_category> without a scheme; <arxiv:doi>
  followed by a <link title="doi">; <opensearch:*> with their prefix.
- Semantic Scholar Graph API v1 (danielnsilva/semanticscholar tests/data/*.yaml): a batch answer
  is a list with null for unknown ids; reference pages hold ``citedPaper`` objects whose
  ``paperId`` is null when S2 could not resolve the reference (only a title, sometimes a year);
  the last page has no ``next``; a search with no hits is ``{"total": 0, "offset": 0}``
  without ``data``; errors are ``{"error": ...}`` (400, 404) or ``{"message": ...}`` (403, 504).

Ids, titles and counts are invented (or taken from the invented update fixtures); nothing is
copied from a live answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from fakeapi import FakeApi, Reply, Seen, atom, json_reply

ARXIV_PATH = "/api/query"
BATCH_PATH = "/graph/v1/paper/batch"

# Titles of the kind S2 leaves unresolved in real reference lists (footnotes, table captions,
# bare venues): they must never become papers.
JUNK_TITLES = [
    "Author's names in italics refer to the Bibliography",
    "Table 7: Business effects on existing business owners",
    "London Math. Soc",
    "J-PAL working paper",
    "Printed in Great Britain",
    "World Development Indicators Table 4.14: Exchange rates and prices",
    "Proceedings of the IEEE conference on computer vision and pattern recognition",
    "arXiv preprint",
    "In: MICCAI",
]


@dataclass
class Entry:
    """One arXiv paper as the API describes its latest version."""

    arxiv_id: str
    title: str
    summary: str = "We study segmentation."
    version: int = 1
    published: str = "2024-03-01T12:00:00Z"
    updated: str | None = None
    authors: list[str] = field(default_factory=lambda: ["A. Author"])
    categories: list[str] = field(default_factory=lambda: ["eess.IV", "cs.CV"])
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None


def entry_2026(e: Entry) -> str:
    """An <entry> in the element order and spelling of the 2026 API."""
    vid = f"{e.arxiv_id}v{e.version}"
    parts = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{vid}</id>",
        f"    <title>{escape(e.title)}</title>",
        f"    <updated>{e.updated or e.published}</updated>",
        f'    <link href="https://arxiv.org/abs/{vid}" rel="alternate" type="text/html"/>',
        f'    <link href="https://arxiv.org/pdf/{vid}" rel="related" type="application/pdf" title="pdf"/>',
        f"    <summary>{escape(e.summary)}</summary>",
    ]
    parts += [f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>' for c in e.categories]
    parts.append(f"    <published>{e.published}</published>")
    if e.comment:
        parts.append(f"    <arxiv:comment>{escape(e.comment)}</arxiv:comment>")
    parts.append(f'    <arxiv:primary_category term="{e.categories[0]}"/>')
    if e.journal_ref:
        parts.append(f"    <arxiv:journal_ref>{escape(e.journal_ref)}</arxiv:journal_ref>")
    parts += [f"    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in e.authors]
    if e.doi:
        parts.append(f"    <arxiv:doi>{escape(e.doi)}</arxiv:doi>")
        parts.append(f'    <link rel="related" href="https://doi.org/{escape(e.doi)}" title="doi"/>')
    parts.append("  </entry>\n")
    return "\n".join(parts)


def feed_2026(entries: list[str], *, total: int | None = None, start: int = 0, per_page: int | None = None,
              query: str = "") -> str:
    """An API answer page in the 2026 layout around ``entries``."""
    q = escape(query)
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" xmlns:arxiv="http://arxiv.org/schemas/atom"'
        ' xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>https://arxiv.org/api/Wm3r9Qx2bT0yVf1kLc8sJp5nHa4</id>\n"
        f"  <title>arXiv Query: {q}</title>\n"
        "  <updated>2026-04-12T22:10:19Z</updated>\n"
        f'  <link href="https://arxiv.org/api/query?{q}" type="application/atom+xml"/>\n'
        f"  <opensearch:itemsPerPage>{len(entries) if per_page is None else per_page}</opensearch:itemsPerPage>\n"
        f"  <opensearch:totalResults>{len(entries) if total is None else total}</opensearch:totalResults>\n"
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
        + "".join(entries) + "</feed>\n"
    )


def s2_paper(paper_id: str | None, title: str | None, *, arxiv: str | None = None, doi: str | None = None,
             corpus: int | None = None, year: int | None = 2024, date: str | None = None, venue: str = "",
             journal: dict[str, Any] | None = None, authors: list[tuple[str | None, str]] | None = None,
             citations: int | None = 0, influential: int | None = 0, abstract: str | None = None) -> dict[str, Any]:
    """A Graph API paper object with the fields ingest.s2_papers.PAPER_FIELDS asks for."""
    external: dict[str, Any] | None = None
    if paper_id is not None:
        external = {"CorpusId": corpus if corpus is not None else int(paper_id[:7], 16)}
        if arxiv:
            external["ArXiv"] = arxiv
        if doi:
            external["DOI"] = doi
    return {"paperId": paper_id, "externalIds": external, "title": title, "abstract": abstract, "venue": venue,
            "year": year, "publicationDate": date, "journal": journal,
            "authors": [{"authorId": a, "name": n} for a, n in (authors or [])],
            "citationCount": citations, "influentialCitationCount": influential}


def unresolved(title: str, year: int | None = None) -> dict[str, Any]:
    """A reference S2 could not resolve, as the API sends it with our fields."""
    paper = s2_paper(None, title, year=year, citations=None, influential=None, authors=[(None, "G. H. Hardy")])
    paper["venue"] = None
    return paper


@dataclass
class World:
    """Everything the fake APIs answer in one run."""

    arxiv: dict[str, str] = field(default_factory=dict)  # arXiv id -> <entry> (id_list answers)
    searches: list[str] = field(default_factory=list)  # <entry> texts served for every search, newest first
    empty_pages: dict[int, int] = field(default_factory=dict)  # search start index -> times served empty
    batch: dict[str, dict[str, Any] | None] = field(default_factory=dict)  # 'ARXIV:x' / 'DOI:y' -> paper
    references: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # S2 id -> citedPaper objects
    reference_cut: int | None = 1000  # S2 serves no references past this offset ({offset, data: []})
    citations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # anchor arXiv id -> citingPaper
    faults: dict[str, Reply] = field(default_factory=dict)  # path -> the reply served instead
    page_size: int = 10  # arXiv search page size the sources are built with


def _page(items: list[dict[str, Any]], offset: int, limit: int, key: str, cut: int | None = None) -> dict[str, Any]:
    if cut is not None and offset >= cut:
        return {"offset": offset, "data": []}
    data = items[offset: offset + limit]
    page: dict[str, Any] = {"offset": offset, "data": [{key: d} for d in data]}
    if offset + limit < len(items):
        page["next"] = offset + limit
    return page


def serve(api: FakeApi, world: World) -> None:
    """Answer arXiv and Semantic Scholar from ``world`` on ``api``."""
    served_empty: dict[int, int] = {}

    def arxiv(seen: Seen) -> Reply:
        if ARXIV_PATH in world.faults:
            return world.faults[ARXIV_PATH]
        ids = [i for i in seen.query.get("id_list", [""])[0].split(",") if i]
        if ids:
            return atom(feed_2026([world.arxiv[i] for i in ids if i in world.arxiv], query=seen.raw_query))
        start, size = int(seen.query["start"][0]), int(seen.query["max_results"][0])
        total = len(world.searches)
        if served_empty.get(start, 0) < world.empty_pages.get(start, 0):
            served_empty[start] = served_empty.get(start, 0) + 1  # arXiv's empty-page quirk
            return atom(feed_2026([], total=total, start=start, per_page=size, query=seen.raw_query))
        return atom(feed_2026(world.searches[start:start + size], total=total, start=start, per_page=size,
                              query=seen.raw_query))

    def batch(seen: Seen) -> Reply:
        if BATCH_PATH in world.faults:
            return world.faults[BATCH_PATH]
        return json_reply([world.batch.get(i) for i in seen.json()["ids"]])

    def graph(seen: Seen) -> Reply:
        if seen.path in world.faults:
            return world.faults[seen.path]
        m = re.fullmatch(r"/graph/v1/paper/(.+)/(references|citations)", seen.path)
        if not m:
            return json_reply({"error": f"no such route {seen.path}"}, 404)
        offset, limit = int(seen.query["offset"][0]), int(seen.query["limit"][0])
        if m.group(2) == "references":
            if m.group(1) not in world.references:
                return json_reply({"error": f"Paper with id {m.group(1)} not found"}, 404)
            return json_reply(_page(world.references[m.group(1)], offset, limit, "citedPaper", world.reference_cut))
        anchor = m.group(1).removeprefix("ARXIV:")
        return json_reply(_page(world.citations.get(anchor, []), offset, limit, "citingPaper"))

    api.handle("GET", ARXIV_PATH, arxiv)
    api.handle("POST", BATCH_PATH, batch)
    for path in ("references", "citations"):
        api.handle_prefix("GET", "/graph/v1/paper/", path, graph)
