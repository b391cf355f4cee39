"""Issue #13 as an outside tester tries it: seeded answers in the live APIs' wire formats with
one thing broken at a time, through the real ``arxiv`` and ``semanticscholar`` packages on
127.0.0.1. Semantic Scholar pages whose fields hold the wrong JSON type (a title that is a
number, externalIds a list, a year "12", counts as strings, authors without names); arXiv
2026 feeds with entries missing an element, holding an impossible date or an old-style id.
Whatever arrives: no exception but a SourceError, every record kept has an id and a title,
no arXiv DOI is a DOI, a search reads each entry once and ends complete (a bad entry is
skipped and reported, never an empty page), and one request per page.

MSKG_FUZZ_SEED shifts the seeds (other worlds), MSKG_FUZZ_CASES sets how many per test."""

from __future__ import annotations

import os
import random
import re
from datetime import date
from typing import Any

import pytest

import fakeapi
from fakeapi import FakeApi, fast_policy
from realshaped import Entry, World, entry_2026, s2_paper, serve
from ingest.arxiv import ArxivSource
from ingest.errors import SourceError
from ingest.semantic_scholar import SemanticScholarSource

fake_api = fakeapi.fake_api  # the fixture (a local server per test), under the name the tests ask for

CASES = int(os.environ.get("MSKG_FUZZ_CASES", "100"))
SEED = int(os.environ.get("MSKG_FUZZ_SEED", "0")) * 10_000
WRONG = [None, "", 0, -1, 1.5, True, "12", [], {}, ["x"], {"a": 1}, "  ", "null", 10**20]
S2_FIELDS = ["paperId", "externalIds", "title", "abstract", "venue", "year", "publicationDate", "journal",
             "authors", "citationCount", "influentialCitationCount"]
S2_INNER = {"externalIds": ["ArXiv", "DOI", "CorpusId", "PubMed"], "journal": ["name", "volume", "pages"]}
ID_LIKE = ["10.48550/ARXIV.2401.00001", "2401.00001v3", "hep-th/9901001", "arXiv:2401.00001"]
BAD_TEXT = ["", "   ", "2026-13-01T00:00:00Z", "2026-11-05", "x", "2026-11-05T10:00:00+25:00", "&amp;",
            "2026-02-29T10:00:00Z", "\u0661\u0662\u0663", "0"]
ATOM_TAGS = ["id", "title", "updated", "published", "summary", "name", "arxiv:doi", "arxiv:comment"]


def _wrong_types(rng: random.Random, paper: dict[str, Any]) -> dict[str, Any]:
    for _ in range(rng.randint(1, 4)):
        where = rng.choice(S2_FIELDS + ["externalIds.", "journal.", "authors."])
        if where == "authors.":
            paper["authors"] = [{"authorId": rng.choice(WRONG), "name": rng.choice(WRONG + ["A. Author"])}]
        elif where.endswith("."):
            inner = paper[where[:-1]] if isinstance(paper.get(where[:-1]), dict) else {}
            inner[rng.choice(S2_INNER[where[:-1]])] = rng.choice(WRONG + ID_LIKE)
            paper[where[:-1]] = inner
        else:
            paper[where] = rng.choice(WRONG)
    return paper


@pytest.mark.parametrize("case", range(SEED, SEED + CASES, 10))
def test_semantic_scholar_pages_with_wrong_types_give_only_usable_records(case: int, fake_api: FakeApi) -> None:
    for seed in range(case, case + 10):
        rng = random.Random(seed)
        papers = [s2_paper(f"{rng.getrandbits(160):040x}", f"Segmentation paper {i}", arxiv=f"2401.{10000 + i}",
                           doi=rng.choice([None, f"10.48550/arXiv.2401.{10000 + i}", f"10.1/x{i}"]), corpus=i + 1)
                  for i in range(12)]
        papers = [_wrong_types(rng, p) if rng.random() < 0.5 else p for p in papers]
        fake_api.routes.clear()
        serve(fake_api, World(references={"a" * 40: papers}, citations={"2304.02643": papers}))
        source = SemanticScholarSource(fast_policy(), api_url=fake_api.url, min_interval=0, page_limit=5)
        try:
            listings = [source.references("a" * 40), source.citations("2304.02643")]
        except SourceError:
            continue  # a source error is reported to the user as such: allowed
        for listing in listings:
            assert listing.complete, (seed, listing.note)
            for r in listing.records:
                assert isinstance(r.title, str) and r.title and r.s2_paper_id, (seed, r)
                assert not (r.doi or "").lower().startswith("10.48550/"), (seed, r.doi)
            # every item is accounted for: a record, an unresolved reference, or a skip the report names
            assert len(listing.records) + listing.unresolved + listing.skipped <= len(papers)


def _broken_entry(rng: random.Random, entry: str) -> str:
    for _ in range(rng.randint(1, 3)):
        tag, how = rng.choice(ATOM_TAGS), rng.random()
        if how < 0.45:
            entry = re.sub(rf"<{tag}>.*?</{tag}>", f"<{tag}>{rng.choice(BAD_TEXT)}</{tag}>", entry, count=1, flags=re.S)
        elif how < 0.8:
            entry = re.sub(rf"\s*<{tag}>.*?</{tag}>", "", entry, count=1, flags=re.S)
        else:
            entry = re.sub(r"<arxiv:primary_category[^>]*/>", "", entry)
    return entry


@pytest.mark.parametrize("case", range(SEED, SEED + CASES, 10))
def test_arxiv_feeds_with_broken_entries_are_read_once_each_and_complete(case: int, fake_api: FakeApi) -> None:
    for seed in range(case, case + 10):
        rng = random.Random(seed)
        entries = []
        for i in range(rng.randint(1, 35)):
            e = entry_2026(Entry(f"2611.{60000 + i:05d}", f"Segmentation study {i}", published="2026-11-20T10:00:00Z",
                                 version=rng.randint(1, 3),
                                 doi=rng.choice([None, f"10.48550/ARXIV.2611.{60000 + i:05d}"])))
            entries.append(_broken_entry(rng, e) if rng.random() < 0.3 else e)
        fake_api.routes.clear()
        fake_api.seen.clear()
        serve(fake_api, World(searches=entries, arxiv={f"2611.{60000 + i:05d}": e for i, e in enumerate(entries)}))
        source = ArxivSource(fast_policy(), api_url=fake_api.url + "/api/query", min_interval=0, page_size=10)
        listing = source.search("abs:segmentation", submitted_from=date(2026, 10, 1), submitted_until=date(2026, 12, 1))
        starts = [s.query["start"][0] for s in fake_api.requests_to("/api/query")]
        assert starts == [str(n) for n in range(0, len(entries), 10)], (seed, starts)  # one request a page
        assert listing.complete, (seed, listing.note)
        ids = [r.arxiv_id for r in listing.records]
        assert len(ids) == len(set(ids)), (seed, ids)
        fetched = source.fetch([f"2611.{60000 + i:05d}" for i in range(len(entries))], strict=False)
        for r in listing.records + fetched:
            assert r.arxiv_id and r.title and not (r.doi or "").lower().startswith("10.48550/"), (seed, r)
