"""Semantic Scholar Graph API: batch metadata, references, citations, search.

Built on the ``semanticscholar`` package (0.12): its endpoint URLs, field
handling, ``Paper``/``Reference``/``Citation`` objects and ``PaginatedResults``
(offset/next paging, stopping at the API's offset + limit <= 9,999 cap) run
unchanged. What we replace is its transport, ``ApiRequester``, because 0.12 was
measured to:

* turn a 502/503 into an empty ``Paper`` with no error (a dead API looks like a
  paper with no metadata);
* ignore ``Retry-After`` on 429 and sleep through exponential waits of up to
  60 s, about 251 s in total, before a ``tenacity.RetryError``, and do so even
  with ``retry=False`` on some paths;
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

Base URL: ``MSKG_S2_API_URL`` (default https://api.semanticscholar.org).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from itertools import islice
from typing import Any
from urllib.parse import quote, quote_plus

from semanticscholar._utils import _run_async
from semanticscholar.ApiRequester import ApiRequester
from semanticscholar.AsyncSemanticScholar import AsyncSemanticScholar

from ingest.errors import SourceBadResponse, SourceError
from ingest.http import HttpPolicy, expect_json
from ingest.records import PaperRecord
from ingest.run_report import RunReport
from ingest.s2_papers import PAPER_FIELDS, SOURCE, paper_from_s2, s2_paper_id

DEFAULT_API_URL = "https://api.semanticscholar.org"
ENV_API_URL = "MSKG_S2_API_URL"
ENV_API_KEY = "S2_API_KEY"
MIN_INTERVAL_SECONDS = 1.0  # the API's introductory rate limit: one request per second

BATCH_MAX_IDS = 500
PAGE_LIMIT = 1000  # references/citations page size (the API's maximum)
OFFSET_CAP = 9999  # the API refuses offset + limit beyond this, per paper


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

    def __init__(
        self,
        policy: HttpPolicy | None = None,
        *,
        api_url: str | None = None,
        api_key: str | None = None,
        min_interval: float | None = None,
        page_limit: int = PAGE_LIMIT,
    ) -> None:
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

        Ids the API does not know (null in the batch answer) are reported, not raised.
        """
        asked = list(dict.fromkeys(ids))
        found: dict[str, PaperRecord] = {}
        for start in range(0, len(asked), BATCH_MAX_IDS):
            chunk = asked[start : start + BATCH_MAX_IDS]
            api_ids = [s2_paper_id(i) for i in chunk]
            try:
                # The package validates the chunk and builds the call; we read the raw
                # answer ourselves because it drops nulls and with them their position.
                raw = self._batch_raw(api_ids)
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
            for given, entry in zip(chunk, raw):
                if entry is None:
                    self.report.add_problem(SOURCE, f"Semantic Scholar does not know {given}; check the id")
                else:
                    found[given] = paper_from_s2(entry)
        return found

    def _batch_raw(self, api_ids: list[str]) -> Any:
        requester: _PolicyRequester = self._client._requester  # type: ignore[assignment]
        requester.last_data = None
        _run_async(self._client.get_papers(api_ids, fields=PAPER_FIELDS))
        return requester.last_data

    # -- references and citations

    def references(self, paper_id: str, *, strict: bool = True) -> list[PaperRecord]:
        """The papers ``paper_id`` cites (unresolved references keep their title only)."""
        return [
            paper_from_s2(item["citedPaper"])
            for item in self._paged("references", paper_id, strict)
            if item.get("citedPaper")
        ]

    def citations(self, paper_id: str, *, since: date | None = None, strict: bool = True) -> list[PaperRecord]:
        """The papers citing ``paper_id``; with ``since``, only those published on or after it.

        The API cannot filter citations by date, so every page is read and the
        filter applied here; a paper with a year but no publication date is
        kept when its year is ``since``'s year or later (better a duplicate
        candidate than a missed one).
        """
        records = [
            paper_from_s2(item["citingPaper"])
            for item in self._paged("citations", paper_id, strict)
            if item.get("citingPaper")
        ]
        if since is None:
            return records
        return [r for r in records if _published_since(r, since)]

    def _paged(self, kind: str, paper_id: str, strict: bool) -> list[dict[str, Any]]:
        api_id = quote(s2_paper_id(paper_id), safe=":/")
        method = self._client.get_paper_references if kind == "references" else self._client.get_paper_citations
        items: list[dict[str, Any]] = []
        try:
            pages = _run_async(method(api_id, fields=PAPER_FIELDS, limit=self.page_limit))
            for item in pages:  # later pages are fetched by the package as we iterate
                items.append(item.raw_data)
        except SourceError:
            if strict:
                raise
            return items
        if pages.next:
            # The package stopped although the API offered more: the 9,999 cap.
            self.report.add_problem(
                SOURCE,
                f"{kind} of {paper_id} truncated at {len(items)}: the API serves at most "
                f"{OFFSET_CAP} per paper (offset + limit); the rest needs the S2 datasets API",
            )
        return items

    # -- search

    def search(
        self,
        query: str,
        *,
        year: str | int | None = None,
        publication_date_or_year: str | None = None,
        max_results: int = 100,
        strict: bool = True,
    ) -> list[PaperRecord]:
        """Relevance search for discovery, e.g. ``search('medical SAM adapter', year='2024-')``.

        ``publication_date_or_year`` takes the API's range syntax
        ('2025-06-01:2025-06-08', '2024:'); the relevance endpoint serves at most
        1,000 results.
        """
        if not query.strip():
            raise ValueError("search needs a non-empty query, e.g. 'segment anything medical'")
        try:
            pages = _run_async(
                self._client.search_paper(
                    quote_plus(query),  # the package pastes the query into the URL as is
                    year=str(year) if year is not None else None,
                    publication_date_or_year=publication_date_or_year,
                    fields=PAPER_FIELDS,
                    limit=max(1, min(100, max_results)),
                )
            )
            return [paper_from_s2(p.raw_data) for p in islice(pages, max_results)]
        except SourceError:
            if strict:
                raise
            return []


def _published_since(record: PaperRecord, since: date) -> bool:
    """Whether to keep a citer: by date when S2 has one, else by year (better a duplicate than a miss)."""
    if record.published is not None:
        return record.published >= since
    return record.year is not None and record.year >= since.year
