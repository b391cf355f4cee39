"""Semantic Scholar Graph API: batch metadata, references, citations, search.

Built on the ``semanticscholar`` package (0.12): its endpoint URLs, field
handling, ``Paper``/``Reference``/``Citation`` objects and ``PaginatedResults``
(offset/next paging, stopping at the API's offset + limit <= 9,999 cap) run
unchanged. What we replace is its transport, ``ApiRequester``, because 0.12 was
measured to:

* turn a 502/503 into an empty ``Paper`` with no error (a dead API looks like a
  paper with no metadata);
* ignore ``Retry-After`` on 429 and sleep through waits of up to 60 s (about
  251 s in all) before a ``tenacity.RetryError``, even with ``retry=False``;
* send queries without URL-encoding them (``&`` and ``#`` in a search split or
  truncate the query);
* drop the API key on paginated calls (references, citations): their
  ``PaginatedResults`` are built without the auth header;
* call ``logging.basicConfig`` when a client is constructed, which installs a
  handler on the root logger of whatever application imported us.

So a subclass of ``ApiRequester`` sends every call through
:class:`ingest.http.HttpPolicy` (timeouts, cache, 1 request/s, retries on
429/5xx honouring Retry-After, a wait budget, record/replay), always with the
``x-api-key`` header when ``S2_API_KEY`` is set; queries are URL-encoded before
they reach the package; client construction restores the root logger.

The key is registered as a secret with the policy, so it never appears in
reports, exceptions, logs, cache keys or recordings.

Paging is ours too, because 0.12 loops forever on a search without hits
(``{"total": 0, "offset": 0}``: 177 identical requests in 9 s were measured): a
page without data ends a list, at most ``MAX_PAGES`` pages are read, and a list
cut short (the 9,999 cap, the 1,000-reference cut, the page cap) says so in the
report and its :class:`Listing`. Unresolved references and citers (``paperId``
null) are counted, never returned; answers are made safe for the package's
constructors (:func:`ingest.s2_papers.sanitise_answer`); the package's own log
lines ("IDs not found: [...]") go to our logger at DEBUG, not stderr.

Base URL: ``MSKG_S2_API_URL`` (default https://api.semanticscholar.org).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from urllib.parse import quote, quote_plus

from semanticscholar._utils import _run_async
from semanticscholar.ApiRequester import ApiRequester
from semanticscholar.AsyncSemanticScholar import AsyncSemanticScholar
from semanticscholar.PaginatedResults import PaginatedResults
from semanticscholar.SemanticScholarException import NoMorePagesException

from ingest.errors import SourceBadResponse, SourceError
from ingest.http import HttpPolicy, expect_json
from ingest.package_logs import package_output_kept
from ingest.records import Listing, PaperRecord, Problem
from ingest.run_report import RunReport
from ingest.s2_papers import PAPER_FIELDS, SOURCE, paper_from_s2, s2_paper_id, sanitise_answer

DEFAULT_API_URL = "https://api.semanticscholar.org"
ENV_API_URL = "MSKG_S2_API_URL"
ENV_API_KEY = "S2_API_KEY"
MIN_INTERVAL_SECONDS = 1.0  # the API's introductory rate limit: one request per second

BATCH_MAX_IDS = 500
PAGE_LIMIT = 1000  # references/citations page size (the API's maximum)
OFFSET_CAP = 9999  # the API refuses offset + limit beyond this, per paper
MAX_PAGES = 40  # no list is read past this many pages, whatever the API says about more

log = logging.getLogger(__name__)


def s2_api_url() -> str:
    """The Graph API's base: ``MSKG_S2_API_URL`` (tests point it at a local server) or the real one."""
    return (os.environ.get(ENV_API_URL) or DEFAULT_API_URL).rstrip("/")


@contextmanager
def _root_logger_untouched() -> Iterator[None]:
    """Undo the package's ``logging.basicConfig`` call on the application's root logger."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


class _PolicyRequester(ApiRequester):
    """The package's transport, replaced: every call goes through the run's policy."""

    def __init__(self, policy: HttpPolicy, api_key: str | None) -> None:
        super().__init__(timeout=policy.config.read_timeout, retry=False)
        self._policy = policy
        self._api_key = api_key
        self.last_data: Any = None  # the raw JSON of the latest call (batch needs its nulls)

    async def get_data_async(
        self, url: str, parameters: str, headers: dict | None, payload: dict | None = None
    ) -> Any:
        parameters = (parameters or "").lstrip("&")
        full_url = f"{url}?{parameters}" if parameters else url
        # The package's own headers are ignored: they lack the key on paginated calls.
        send_headers = {"x-api-key": self._api_key} if self._api_key else {}
        response = self._policy.request(
            "POST" if payload is not None else "GET",
            full_url,
            source=SOURCE,
            headers=send_headers,
            json_body=payload,
            validate=expect_json,
        )
        data = response.json()
        if isinstance(data, dict) and set(data) <= {"error", "message"} and data:
            raise SourceBadResponse(
                f"Semantic Scholar answered 200 with an error: {self._policy.redact(str(data))}",
                url=self._policy.redact_url(full_url),
                status=response.status_code,
            )
        batch = payload is not None
        if (batch and not isinstance(data, list)) or (not batch and not isinstance(data, dict)):
            raise SourceBadResponse(
                f"Semantic Scholar answered a {type(data).__name__} where the API sends a "
                f"{'list' if batch else 'JSON object'}; try again later",
                url=self._policy.redact_url(full_url), status=response.status_code)
        for note, action in sanitise_answer(data, batch=batch):
            self._policy.report.problems.append(Problem(SOURCE, None, f"{note} ({self._policy.redact_url(url)})",
                                                        action))
        self.last_data = data
        return data


class _PolicyClient(AsyncSemanticScholar):
    def __init__(self, requester: _PolicyRequester, api_url: str) -> None:
        with _root_logger_untouched():
            super().__init__(api_url=api_url, retry=False)
        self._requester = requester


class SemanticScholarSource:
    """Semantic Scholar for one run. Make one per run and reuse it.

    ``api_key`` defaults to ``S2_API_KEY``; ``min_interval`` overrides the
    1 s politeness interval (tests use 0); ``page_limit`` is the page size of
    references and citations (at most 1000).
    """

    def __init__(self, policy: HttpPolicy | None = None, *, api_url: str | None = None, api_key: str | None = None,
                 min_interval: float | None = None, page_limit: int = PAGE_LIMIT) -> None:
        if not 1 <= page_limit <= 1000:
            raise ValueError(f"page_limit must be 1..1000, not {page_limit}")
        self.policy = policy or HttpPolicy()
        self.api_url = api_url or s2_api_url()
        key = api_key if api_key is not None else os.environ.get(ENV_API_KEY) or None
        self.policy.add_secret(key)
        self.policy.set_rate_limit(
            self.api_url,
            MIN_INTERVAL_SECONDS if min_interval is None else min_interval,
            override=min_interval is not None,
        )
        self.page_limit = page_limit
        self._client = _PolicyClient(_PolicyRequester(self.policy, key), self.api_url)

    @property
    def report(self) -> RunReport:
        """The run's report (the policy's): unknown ids and truncated lists end up here."""
        return self.policy.report

    # -- batch

    def papers(self, ids: Iterable[str], *, strict: bool = True) -> dict[str, PaperRecord]:
        """Metadata for each id (arXiv id, DOI, S2 paper id, 'CorpusId:...'), keyed by the id as given.

        Ids the API does not know (null in the batch answer) are reported, one note per
        request naming them all, not raised.
        """
        asked = list(dict.fromkeys(ids))
        found: dict[str, PaperRecord] = {}
        for start in range(0, len(asked), BATCH_MAX_IDS):
            chunk = asked[start : start + BATCH_MAX_IDS]
            api_ids = [s2_paper_id(i) for i in chunk]
            try:
                # The package validates the chunk and builds the call; we read the raw
                # answer ourselves because it drops nulls and with them their position.
                raw = self._call(lambda ids=api_ids: self._client.get_papers(ids, fields=PAPER_FIELDS))
            except SourceError:
                if strict:
                    raise
                continue
            if not isinstance(raw, list) or len(raw) != len(chunk):
                raise SourceBadResponse(
                    f"paper/batch answered {type(raw).__name__} of {len(raw) if isinstance(raw, list) else '?'}"
                    f" items for {len(chunk)} ids; expected one entry (or null) per id",
                    url=self.api_url + "/graph/v1/paper/batch",
                )
            unknown = [given for given, entry in zip(chunk, raw) if entry is None]
            for given, entry in zip(chunk, raw):
                if entry is not None:
                    record = self._usable(entry, f"the batch entry for {given}")
                    if record is not None:
                        found[given] = record
            if unknown:
                self.report.problems.append(Problem(SOURCE, None, f"Semantic Scholar does not know {len(unknown)} of "
                                                    f"{len(chunk)} ids ({', '.join(unknown)})", "check them"))
        return found

    def _call(self, make: Callable[[], Any]) -> Any:
        """Run one package coroutine with its output captured; the raw JSON of its last request."""
        requester: _PolicyRequester = self._client._requester  # type: ignore[assignment]
        requester.last_data = None
        with package_output_kept("semanticscholar", log):
            result = _run_async(make())
        return result if isinstance(result, PaginatedResults) else requester.last_data

    def _usable(self, data: dict[str, Any], where: str) -> PaperRecord | None:
        """``data`` as a record, or None (reported) when it cannot be a paper of the graph."""
        record = paper_from_s2(data)
        problem = "has no title" if record.title is None else (
            f"has no usable paperId ({str(data.get('paperId'))[:40]!r})" if record.s2_paper_id is None else None)
        if problem:
            ids = record.s2_paper_id or record.arxiv_id or record.doi or "no id"
            self.report.add_problem(SOURCE, f"{where} ({ids}) {problem}")
            return None
        return record

    # -- references and citations

    def references(self, paper_id: str, *, strict: bool = True) -> Listing:
        """The papers ``paper_id`` cites. References S2 could not resolve (no paperId) are
        counted in ``unresolved``, not returned: they are footnotes and captions as often as papers."""
        return self._paged("references", paper_id, strict)

    def citations(self, paper_id: str, *, since: date | None = None, strict: bool = True) -> Listing:
        """The papers citing ``paper_id``; with ``since``, only those published on or after it.

        The API cannot filter citations by date, so every page is read and the
        filter applied here; a paper with a year but no publication date is
        kept when its year is ``since``'s year or later (better a duplicate
        candidate than a missed one).
        """
        listing = self._paged("citations", paper_id, strict)
        if since is not None:
            listing.records = [r for r in listing.records if _published_since(r, since)]
        return listing

    def _paged(self, kind: str, paper_id: str, strict: bool) -> Listing:
        api_id = quote(s2_paper_id(paper_id), safe=":/")
        method = self._client.get_paper_references if kind == "references" else self._client.get_paper_citations
        key = "citedPaper" if kind == "references" else "citingPaper"
        listing = Listing()
        try:
            raw = self._pages(lambda: method(api_id, fields=PAPER_FIELDS, limit=self.page_limit),
                              f"{kind} of {paper_id}", listing)
        except SourceError:
            if strict:
                raise
            listing.complete, listing.note = False, f"{kind} of {paper_id}: a request failed (see the failures)"
            return listing
        for item in raw:
            paper = item.get(key)
            if not isinstance(paper, dict) or not paper.get("paperId"):
                listing.unresolved += 1
                continue
            record = self._usable(paper, f"an entry of the {kind} of {paper_id}")
            if record is None:
                listing.skipped += 1
            else:
                listing.records.append(record)
        return listing

    def _pages(self, first: Callable[[], Any], what: str, listing: Listing, max_items: int = OFFSET_CAP) -> list[dict]:
        """Every raw item of a paged answer, page by page, with the guards the package lacks:
        a page without data ends the list, no more than ``MAX_PAGES`` pages are read, and a
        list that stops before its end says why (run report and ``listing.note``)."""
        requester: _PolicyRequester = self._client._requester  # type: ignore[assignment]
        pages: PaginatedResults = self._call(first)
        items, read = [i.raw_data for i in pages.items], 1
        while True:
            last = requester.last_data if isinstance(requester.last_data, dict) else {}
            if not last.get("data"):
                if read > 1 or last.get("offset"):  # an empty page after a full one: S2's cut
                    self._stopped(listing, f"{what} stop at {len(items)}: Semantic Scholar sent an empty page at "
                                           f"offset {last.get('offset')} (it serves no more through this endpoint)")
                break
            if last.get("next") is None and not last.get("token"):
                break
            if len(items) >= max_items:
                self._stopped(listing, f"{what} truncated at {max_items}: the most this call reads "
                                       f"(offset + limit <= {OFFSET_CAP} per paper, or max_results)")
                break
            if read >= MAX_PAGES:
                self._stopped(listing, f"{what} truncated at {len(items)}: read {MAX_PAGES} pages, "
                                       "the most one list may take")
                break
            before = len(pages.items)
            try:
                with package_output_kept("semanticscholar", log):
                    pages.next_page()
            except NoMorePagesException:
                self._stopped(listing, f"{what} truncated at {len(items)}: the API serves at most {OFFSET_CAP} per "
                                       "paper (offset + limit); the rest needs the S2 datasets API")
                break
            items += [i.raw_data for i in pages.items[before:]]
            read += 1
        return items[:max_items]

    def _stopped(self, listing: Listing, why: str) -> None:
        listing.complete, listing.note = False, why
        self.report.problems.append(Problem(SOURCE, None, why, "the list is incomplete"))

    # -- search

    def search(
        self,
        query: str,
        *,
        year: str | int | None = None,
        publication_date_or_year: str | None = None,
        max_results: int = 100,
        strict: bool = True,
    ) -> Listing:
        """Relevance search for discovery, e.g. ``search('medical SAM adapter', year='2024-')``.

        ``publication_date_or_year`` takes the API's range syntax
        ('2025-06-01:2025-06-08', '2024:'); the relevance endpoint serves at most
        1,000 results. A search without hits ends after one request.
        """
        if not query.strip():
            raise ValueError("search needs a non-empty query, e.g. 'segment anything medical'")
        listing = Listing()
        try:
            raw = self._pages(lambda: self._client.search_paper(
                quote_plus(query),  # the package pastes the query into the URL as is
                year=str(year) if year is not None else None,
                publication_date_or_year=publication_date_or_year,
                fields=PAPER_FIELDS,
                limit=max(1, min(100, max_results)),
            ), f"results of the search {query!r}", listing, max_items=max_results)
        except SourceError:
            if strict:
                raise
            return Listing(complete=False, note=f"the search {query!r} failed (see the failures)")
        for paper in raw:
            record = self._usable(paper, f"a result of the search {query!r}") if paper.get("paperId") else None
            if record is None:
                listing.skipped += 1
            else:
                listing.records.append(record)
        return listing


def _published_since(record: PaperRecord, since: date) -> bool:
    """Whether to keep a citer: by date when S2 has one, else by year (better a duplicate than a miss)."""
    if record.published is not None:
        return record.published >= since
    return record.year is not None and record.year >= since.year
