"""Real-shaped answers of the live APIs, written out from a seed, for the live-path invariant
tests (tests/test_live_invariants.py) and the before/after measurement (tests/measure_live.py).

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

import random
import re
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from fakeapi import RECORDED, FakeApi, Reply, Seen, atom, json_reply

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
    reference_cut: int = 1000  # S2 serves no references past this offset ({offset, data: []})
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


# --------------------------------------------------------------------------- random worlds


def update_entries() -> list[Entry]:
    """The invented recent papers of tests/recorded/update/arxiv-entries.xml as entries."""
    text = (RECORDED / "update" / "arxiv-entries.xml").read_text(encoding="utf-8")
    out = []
    for m in re.finditer(r"  <entry>.*?</entry>\n", text, re.DOTALL):
        e = m.group(0)
        def one(tag: str, e: str = e) -> str:
            return " ".join(re.search(rf"<{tag}>(.*?)</{tag}>", e, re.DOTALL).group(1).split())  # type: ignore[union-attr]
        out.append(Entry(re.search(r"abs/(\d{4}\.\d{5})", e).group(1), one("title"), one("summary"),  # type: ignore[union-attr]
                         published=one("published"), authors=re.findall(r"<name>(.*?)</name>", e)))
    return out


def _hex(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(40))


def _maybe(rng: random.Random, p: float, value: Any, other: Any = None) -> Any:
    return other if rng.random() < p else value


@dataclass
class Knobs:
    """How often each real-world oddity shows up (the measured rates of the issue by default)."""

    p_batch_null: float = 0.05
    p_arxiv_doi: float = 0.7  # S2 gives externalIds.DOI = 10.48550/arXiv.X for most arXiv papers
    p_unresolved: float = 0.3  # 23 of 67 and 6 of 14 in the real reference pages
    p_pair: float = 0.15  # a preprint and its published version both in one list
    p_duplicate: float = 0.05  # the same record twice in one page
    p_null_field: float = 0.25  # each nullable field
    p_bad_record: float = 0.03  # no title, or an impossible date
    p_withdrawn: float = 0.05
    p_bad_arxiv_date: float = 0.3  # per world: one arXiv entry with an unparsable date
    p_empty_page: float = 0.3  # per world: a search page that comes back empty
    references: tuple[int, int] = (3, 25)
    citers: tuple[int, int] = (5, 40)
    pool: int = 60  # literature shared by the reference lists (so lists overlap)


ANCHORS = {"SAM": "2304.02643", "SAM 2": "2408.00714", "MedSAM": "2304.12306"}
_BAD_DATES = ["0000-00-00T00:00:00Z", "2023-04-31T17:56:12Z", "2023-04-24 17:56", "April 24, 2023", "2023-W17"]
_PUBLISHED_VENUES = ["Medical Image Analysis", "IEEE Transactions on Medical Imaging", "Nature Communications",
                     "MICCAI", "Radiology: Artificial Intelligence"]


class _Maker:
    """Mints ids and real-shaped records from one random stream."""

    def __init__(self, rng: random.Random, knobs: Knobs) -> None:
        self.rng, self.k = rng, knobs
        self.serial = 0

    def arxiv_id(self) -> str:
        self.serial += 1
        return f"25{self.rng.randint(1, 12):02d}.{10000 + self.serial:05d}"

    def record(self, title: str | None, *, arxiv: str | None = None, doi: str | None = None,
               venue: str = "", published: bool = False, year: int | None = None) -> dict[str, Any]:
        rng, k = self.rng, self.k
        year = year or rng.choice([2023, 2024, 2025, 2026])
        day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if arxiv and not doi and rng.random() < k.p_arxiv_doi:
            doi = f"10.48550/arXiv.{arxiv}"
        journal = ({"name": venue or rng.choice(_PUBLISHED_VENUES), "volume": str(rng.randint(1, 99))} if published
                   else ({"name": "ArXiv", "volume": f"abs/{arxiv}"} if arxiv else None))
        paper = s2_paper(_hex(rng), title, arxiv=arxiv, doi=doi, year=_maybe(rng, k.p_null_field, year),
                         date=_maybe(rng, k.p_null_field, day), venue=_maybe(rng, k.p_null_field, venue, ""),
                         journal=_maybe(rng, k.p_null_field, journal),
                         authors=[(_maybe(rng, k.p_null_field, str(rng.randint(10**6, 10**9))), n)
                                  for n in rng.sample(["Jun Ma", "Bo Wang", "Ada Lovelace", "Yuting He", "Li Wei",
                                                       "María Núñez"], rng.randint(0, 3))],
                         citations=rng.randint(0, 3000), influential=rng.randint(0, 200),
                         abstract=_maybe(rng, k.p_null_field, f"On {title}."))
        if rng.random() < k.p_bad_record:
            if rng.random() < 0.5:
                paper["title"] = None  # an id but nothing to call it
            else:
                paper["publicationDate"] = rng.choice(["2023-02-30", "2023-13-01", "n.d."])
        return paper

    def pair(self, title: str) -> list[dict[str, Any]]:
        """A preprint and its journal version: two S2 records, one work."""
        arxiv = self.arxiv_id()
        pre = self.record(title, arxiv=arxiv, venue=_maybe(self.rng, 0.5, "ArXiv", ""))
        pub_title = title.lower() if self.rng.random() < 0.3 else title
        pub = self.record(pub_title, doi=f"10.1016/j.media.{self.rng.randint(2023, 2026)}.{self.rng.randint(10**5, 10**6)}",
                          venue=self.rng.choice(_PUBLISHED_VENUES), published=True)
        return [pre, pub]

    def literature(self) -> list[list[dict[str, Any]]]:
        """The pool the reference and citation lists draw from; a pool item is one work (1 or 2 records)."""
        pool = []
        for n in range(self.k.pool):
            title = f"A study of medical segmentation number {n} with {self.rng.choice(['SAM', 'adapters', 'prompts'])}"
            kind = self.rng.random()
            if kind < self.k.p_pair:
                pool.append(self.pair(title))
            elif kind < 0.7:
                pool.append([self.record(title, arxiv=self.arxiv_id())])
            else:
                pool.append([self.record(title, doi=f"10.1109/tmi.{2024}.{self.rng.randint(10**6, 10**7)}",
                                         venue=self.rng.choice(_PUBLISHED_VENUES), published=True)])
        return pool

    def listing(self, pool: list[list[dict[str, Any]]], extra: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
        """A reference or citation list: works from the pool and ``extra``, unresolved entries, duplicates."""
        rng, out = self.rng, []
        for _ in range(n):
            r = rng.random()
            if r < self.k.p_unresolved:
                out.append(unresolved(rng.choice(JUNK_TITLES) + _maybe(rng, 0.5, "", f" ({rng.randint(1, 99)})"),
                                      year=_maybe(rng, 0.5, None, 1937)))
            elif extra and r < self.k.p_unresolved + 0.15:
                out.append(dict(rng.choice(extra)))
            else:
                work = rng.choice(pool)
                out += [dict(x) for x in (work if len(work) == 1 or rng.random() < 0.8 else work[:1])]
            if out and rng.random() < self.k.p_duplicate:
                out.append(dict(out[-1]))
        return out


def survey_records(m: _Maker, survey: list[dict[str, str | None]], world: World) -> list[dict[str, Any]]:
    """The batch answer (and the id_list entries) for the survey's tracked papers."""
    found = []
    for p in survey:
        key = f"ARXIV:{p['arxiv']}" if p["arxiv"] else (f"DOI:{p['doi']}" if p["doi"] else None)
        if key is None:
            continue
        rec = m.record(p["title"], arxiv=p["arxiv"], doi=p["doi"] if m.rng.random() < 0.5 else None,
                       published=bool(p["doi"]))
        if rec["title"] is None:
            rec["title"] = p["title"]  # the bad-record case is exercised on the lists
        world.batch[key] = None if m.rng.random() < m.k.p_batch_null else rec
        if world.batch[key] is not None:
            found.append(rec)
        if p["arxiv"]:
            world.arxiv[str(p["arxiv"])] = entry_2026(arxiv_entry_for(m, str(p["arxiv"]), str(p["title"])))
    return found


def arxiv_entry_for(m: _Maker, arxiv_id: str, title: str) -> Entry:
    rng = m.rng
    e = Entry(arxiv_id, title, f"Abstract of {title}.", version=rng.randint(1, 4),
              published=f"20{arxiv_id[:2]}-{arxiv_id[2:4]}-1{rng.randint(0, 9)}T12:00:00Z")
    if e.version > 1:
        e.updated = f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T08:30:00Z"
    if rng.random() < m.k.p_withdrawn:
        e.comment = "This paper has been withdrawn by the author due to a crucial error in Table 2"
        e.summary = "This paper has been withdrawn."
    if rng.random() < 0.3:
        e.doi = f"10.48550/arXiv.{arxiv_id}" if rng.random() < 0.2 else f"10.1000/j.x.{rng.randint(10**4, 10**5)}"
    return e


def random_world(seed: int, survey: list[dict[str, str | None]], knobs: Knobs | None = None) -> World:
    """One run's answers, from ``seed``: the batch for ``survey`` (tracked papers: arxiv, doi,
    title), their reference lists, the anchors' citers, the arXiv searches of the update."""
    m = _Maker(random.Random(seed), knobs or Knobs())
    rng, k, world = m.rng, m.k, World()
    found = survey_records(m, survey, world)
    pool = m.literature()
    for rec in found:
        world.references[rec["paperId"]] = m.listing(pool, found, rng.randint(*k.references))
    citers = [[m.record(e.title, arxiv=e.arxiv_id, year=2026)] for e in update_entries()] + pool
    for arxiv_id in ANCHORS.values():
        world.citations[arxiv_id] = m.listing(citers, [], rng.randint(*k.citers))
    world.searches = [entry_2026(search_entry(m, e)) for e in update_entries()]
    known = [p for p in survey if p["arxiv"]]
    for p in rng.sample(known, min(2, len(known))):  # a new version of a paper of the survey
        e = arxiv_entry_for(m, str(p["arxiv"]), str(p["title"]))
        e.version, e.updated = e.version + 3, "2026-10-20T09:00:00Z"
        world.searches.insert(rng.randrange(len(world.searches)), entry_2026(e))
    if rng.random() < k.p_bad_arxiv_date:
        bad = rng.randrange(len(world.searches))
        world.searches[bad] = re.sub(r"<published>.*?</published>", f"<published>{rng.choice(_BAD_DATES)}</published>",
                                     world.searches[bad])
    if rng.random() < k.p_empty_page:
        later_pages = (len(world.searches) - 1) // world.page_size  # the first page is never the quirk
        world.empty_pages[world.page_size * rng.randint(1, max(1, later_pages))] = rng.choice([1, 99])
    return world


def search_entry(m: _Maker, e: Entry) -> Entry:
    if m.rng.random() < m.k.p_withdrawn:
        e.comment, e.version = "This paper has been withdrawn", 2
    elif m.rng.random() < 0.2:
        e.version, e.updated = 2, "2026-11-25T10:00:00Z"
    return e
