"""Random real-shaped worlds (tests/realshaped.py formats) from a seed: what arXiv and
Semantic Scholar answer in one run, with the oddities of the real APIs at the rates the
issue measured (arXiv DOIs for most arXiv papers, a third of the references unresolved,
preprint + journal version pairs, duplicates, nulls in every nullable field, bad records,
an empty search page, an unparsable arXiv date, withdrawn papers, new versions).

A :class:`Universe` is the literature of a chain of runs (the same papers come back, as
they do week after week); each :func:`random_world` draws one run's answers from it, with
fields nulled, counts moved and records repeated anew."""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass
from typing import Any

from fakeapi import RECORDED
from realshaped import JUNK_TITLES, Entry, World, entry_2026, s2_paper, unresolved

ANCHORS = {"SAM": "2304.02643", "SAM 2": "2408.00714", "MedSAM": "2304.12306"}
WITHDRAWN_COMMENT = "This paper has been withdrawn by the author due to a crucial error in Table 2"
_BAD_DATES = ["0000-00-00T00:00:00Z", "2023-04-31T17:56:12Z", "2026-11-05 at 12:00", "April 24, 2023", "2023-W17"]
_VENUES = ["Medical Image Analysis", "IEEE Transactions on Medical Imaging", "Nature Communications", "MICCAI"]
Survey = list[dict[str, Any]]  # tracked papers: {"arxiv", "doi", "title"}


@dataclass
class Knobs:
    """How often each real-world oddity shows up (the measured rates of the issue by default)."""

    p_batch_null: float = 0.05
    p_arxiv_answer: float = 1.0  # share of the tracked papers the arXiv id_list answer holds
    p_arxiv_doi: float = 0.7  # S2 gives externalIds.DOI = 10.48550/arXiv.X for most arXiv papers (170 of 243)
    p_unresolved: float = 0.3  # 23 of 67 and 6 of 14 in the real reference pages
    p_pair: float = 0.15  # a work listed as preprint + journal version
    p_duplicate: float = 0.05  # the same record twice in one page
    p_null_field: float = 0.25  # each nullable field
    p_bad_record: float = 0.03  # no title, or an impossible date
    p_withdrawn: float = 0.05
    p_bad_arxiv_date: float = 0.3  # per run: one arXiv entry with an unparsable date
    p_empty_page: float = 0.3  # per run: a search page that comes back empty (once, or for good)
    references: tuple[int, int] = (3, 25)
    citers: tuple[int, int] = (5, 40)
    pool: int = 60  # works the reference and citation lists draw from


def _hex(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(40))


def _maybe(rng: random.Random, p: float, value: Any, other: Any = None) -> Any:
    return other if rng.random() < p else value


class Universe:
    """The papers of a chain of runs: the survey's papers as S2 knows them, and the
    literature (works of one or two records) their reference and citation lists draw from."""

    def __init__(self, seed: int, survey: Survey, knobs: Knobs) -> None:
        self.rng, self.k, self.serial = random.Random(seed), knobs, 0
        self.survey = [(p, self.record(p["title"], arxiv=p["arxiv"], doi=p["doi"] if self.rng.random() < 0.5 else None,
                                       published=bool(p["doi"]))) for p in survey if p["arxiv"] or p["doi"]]
        self.pool = [self.work(n) for n in range(knobs.pool)]
        self.recent = [Entry(e.arxiv_id, e.title, e.summary, published=e.published, authors=e.authors)
                       for e in update_entries()]
        self.citers = [[self.record(e.title, arxiv=e.arxiv_id, year=2026)] for e in self.recent] + self.pool

    def arxiv_id(self) -> str:
        self.serial += 1
        return f"25{self.rng.randint(1, 12):02d}.{10000 + self.serial:05d}"

    def record(self, title: str | None, *, arxiv: str | None = None, doi: str | None = None, venue: str = "",
               published: bool = False, year: int | None = None) -> dict[str, Any]:
        rng = self.rng
        year = year or rng.choice([2023, 2024, 2025, 2026])
        journal = ({"name": venue or rng.choice(_VENUES), "volume": str(rng.randint(1, 99))} if published
                   else ({"name": "ArXiv", "volume": f"abs/{arxiv}"} if arxiv else None))
        if arxiv and not doi and rng.random() < self.k.p_arxiv_doi:
            doi = f"10.48550/arXiv.{arxiv}"
        names = rng.sample(["Jun Ma", "Bo Wang", "Ada Lovelace", "Yuting He", "Li Wei", "María Núñez"],
                           rng.randint(0, 3))
        return s2_paper(_hex(rng), title, arxiv=arxiv, doi=doi, year=year,
                        date=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", venue=venue,
                        journal=journal, authors=[(str(rng.randint(10**6, 10**9)), n) for n in names],
                        citations=rng.randint(0, 3000), influential=rng.randint(0, 200), abstract=f"On {title}.")

    def work(self, n: int) -> list[dict[str, Any]]:
        rng = self.rng
        title = f"A study of medical segmentation number {n} with {rng.choice(['SAM', 'adapters', 'prompts'])}"
        kind = rng.random()
        if kind < self.k.p_pair:  # a preprint and its journal version: two S2 records, one work
            pre = self.record(title, arxiv=self.arxiv_id(), venue=_maybe(rng, 0.5, "ArXiv", ""))
            pub = self.record(title.lower() if rng.random() < 0.3 else title, venue=rng.choice(_VENUES),
                              doi=f"10.1016/j.media.2025.{rng.randint(10**5, 10**6)}", published=True)
            return [pre, pub]
        if kind < 0.7:
            return [self.record(title, arxiv=self.arxiv_id())]
        return [self.record(title, doi=f"10.1109/tmi.2024.{rng.randint(10**6, 10**7)}", venue=rng.choice(_VENUES),
                            published=True)]


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


class _Run:
    """One run's draws from a universe."""

    def __init__(self, seed: int, u: Universe) -> None:
        self.rng, self.u, self.k = random.Random(seed), u, u.k

    def vary(self, record: dict[str, Any]) -> dict[str, Any]:
        """The record as this run's page gives it: nullable fields nulled, counts moved, sometimes broken."""
        rng, k, r = self.rng, self.k, copy.deepcopy(record)
        for key in ("abstract", "year", "publicationDate", "journal"):
            if rng.random() < k.p_null_field:
                r[key] = None
        if rng.random() < k.p_null_field:
            r["venue"] = rng.choice(["", None])
        for a in r["authors"]:
            if rng.random() < k.p_null_field:
                a["authorId"] = None
        r["citationCount"] = _maybe(rng, 0.05, r["citationCount"] + rng.randint(0, 20), None)
        if rng.random() < k.p_bad_record:
            if rng.random() < 0.5:
                r["title"] = None  # an id but nothing to call it
            else:
                r["publicationDate"] = rng.choice(["2023-02-30", "2023-13-01", "n.d."])
        return r

    def listing(self, works: list[list[dict[str, Any]]], extra: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
        """A reference or citation list: works (one or both records), unresolved entries, duplicates."""
        rng, out = self.rng, []
        for _ in range(n):
            r = rng.random()
            if r < self.k.p_unresolved:
                out.append(unresolved(rng.choice(JUNK_TITLES) + _maybe(rng, 0.5, "", f" ({rng.randint(1, 99)})"),
                                      year=_maybe(rng, 0.5, None, 1937)))
            elif extra and r < self.k.p_unresolved + 0.15:
                out.append(self.vary(rng.choice(extra)))
            else:
                work = rng.choice(works)
                both = len(work) == 2 and rng.random() < 0.8
                out += [self.vary(x) for x in (rng.sample(work, 2) if both else work[:1])]
            if out and rng.random() < self.k.p_duplicate:
                out.append(copy.deepcopy(out[-1]))
        return out

    def entry(self, e: Entry, *, bump: int = 0) -> str:
        rng, e = self.rng, copy.deepcopy(e)
        e.version = max(1, e.version) + bump + _maybe(rng, 0.2, 0, 1)
        if e.version > 1:
            e.updated = "2026-11-25T10:00:00Z"
        if rng.random() < self.k.p_withdrawn:
            e.comment, e.summary = WITHDRAWN_COMMENT, "This paper has been withdrawn."
        if rng.random() < 0.3:
            e.doi = f"10.48550/arXiv.{e.arxiv_id}" if rng.random() < 0.3 else f"10.1000/j.x.{rng.randint(10**4, 10**5)}"
        return entry_2026(e)


def random_world(seed: int, survey: Survey, knobs: Knobs | None = None, universe: Universe | None = None) -> World:
    """One run's answers, from ``seed``: the batch and id_list answers for ``survey`` (the
    tracked papers), their reference lists, the anchors' citers, the update's arXiv searches."""
    u = universe or Universe(seed, survey, knobs or Knobs())
    run, world = _Run(seed + 1, u), World()
    rng, k = run.rng, u.k
    found = []
    for p, rec in u.survey:
        key = f"ARXIV:{p['arxiv']}" if p["arxiv"] else f"DOI:{p['doi']}"
        if rng.random() >= k.p_batch_null:
            world.batch[key] = answer = run.vary(rec)
            answer["title"] = answer["title"] or rec["title"]  # bad records are exercised in the lists
            found.append(answer)
        if p["arxiv"] and rng.random() < k.p_arxiv_answer:
            world.arxiv[p["arxiv"]] = run.entry(Entry(p["arxiv"], p["title"], f"Abstract of {p['title']}.",
                                                      published=f"20{p['arxiv'][:2]}-{p['arxiv'][2:4]}-10T12:00:00Z"))
    for rec in found:
        world.references[rec["paperId"]] = run.listing(u.pool, [r for _, r in u.survey], rng.randint(*k.references))
    for arxiv_id in ANCHORS.values():
        world.citations[arxiv_id] = run.listing(u.citers, [], rng.randint(*k.citers))
    world.searches = [run.entry(e) for e in u.recent]
    known = [p for p, _ in u.survey if p["arxiv"]]
    for p in rng.sample(known, min(2, len(known))):  # a new version of a paper of the survey
        e = Entry(p["arxiv"], p["title"], f"Abstract of {p['title']}.", version=4, published="2023-04-10T12:00:00Z")
        world.searches.insert(rng.randrange(len(world.searches)), run.entry(e, bump=1))
    if rng.random() < k.p_bad_arxiv_date:
        bad = rng.randrange(len(world.searches))
        world.searches[bad] = re.sub(r"<published>.*?</published>", f"<published>{rng.choice(_BAD_DATES)}</published>",
                                     world.searches[bad])
    if rng.random() < k.p_empty_page:
        later_pages = (len(world.searches) - 1) // world.page_size  # the first page is never the quirk
        world.empty_pages[world.page_size * rng.randint(1, max(1, later_pages))] = rng.choice([1, 99])
    return world
