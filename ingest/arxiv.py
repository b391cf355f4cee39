"""arXiv metadata: fetch papers by id and search by query + submission window.

Built on the ``arxiv`` package (4.x): its URL building (``Search``,
``Client._format_url``), pagination (``Client._results``) and lxml Atom parser
(``arxiv._feed``, which keeps ``<arxiv:affiliation>``) all run unchanged. We
subclass :class:`arxiv.Client` and override only ``_parse_feed``, the one place
where a page is fetched, because arxiv 4.0.2 was measured to:

* send requests with no timeout (a stalled socket hangs the run forever);
* retry a 400 (bad id) exactly like a 503, three times;
* parse an HTML page served with status 200 into an empty result list, so a
  maintenance page reads as "no papers";
* keep its 3 s politeness delay per ``Client`` instance (two clients, two
  streams of requests);
* put the whole ``id_list`` into every page URL (hundreds of ids make URLs
  that proxies and arXiv reject).

* abort the whole page (and with it ``kg update``) on one entry whose date
  ``datetime.fromisoformat`` cannot read (ValueError: Invalid isoformat string);
* end a search silently on arXiv's known empty-page quirk (a later page with no
  entries although ``totalResults`` promises more).

So every page goes through :class:`ingest.http.HttpPolicy` (timeouts, cache,
per-host rate limit shared by the whole run, retries on 429/5xx only,
record/replay), bodies that are not Atom raise :class:`SourceBadResponse`, and
id lists are sent in chunks (100 ids per request by default). Entries are built
one by one with the package's own builder: a bad one is skipped and reported
(source, id, reason), the rest of the page is kept, and paging moves on by the
entries arXiv sent (the package's loop moves by those that parsed). An empty
later page is asked again; still empty, the search's :class:`Listing` is incomplete and names the
query and the page, so the update does not move its window past it.

The base URL comes from ``MSKG_ARXIV_API_URL`` (default
https://export.arxiv.org/api/query); tests point it at a local server.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Generator, Iterable, Iterator
from datetime import date
from itertools import islice

import arxiv
import requests
from arxiv import _feed
from lxml import etree

from ingest.errors import SourceBadResponse, SourceError, SourceRejected
from ingest.http import HttpPolicy
from ingest.package_logs import package_output_kept
from ingest.ids import normalise_arxiv_id, split_doi
from ingest.records import Author, Listing, PaperRecord, Problem
from ingest.run_report import RunReport

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
ENV_API_URL = "MSKG_ARXIV_API_URL"
MIN_INTERVAL_SECONDS = 3.0  # arXiv API terms of use: one request every three seconds
IDS_PER_REQUEST = 100
SOURCE = "arxiv"
log = logging.getLogger(__name__)

MAX_PAGES = 50  # no search is read past this many pages
EMPTY_PAGE_RETRIES = 2  # a later page with no entries is asked again this many times

_ATOM = "{http://www.w3.org/2005/Atom}"
_ATOM_FEED = _ATOM + "feed"
_VERSION = re.compile(r"v(\d+)$")
# How arXiv says a paper (or its latest version) is withdrawn, in the comment or the abstract.
_WITHDRAWN = re.compile(r"\b(?:(?:paper|article|submission|manuscript|work) (?:has been|is|was) withdrawn|"
                        r"withdrawn by (?:the )?(?:authors?|arxiv)|withdrawal of this paper)\b", re.IGNORECASE)


def arxiv_api_url() -> str:
    """The query endpoint: ``MSKG_ARXIV_API_URL`` or arXiv's export API."""
    return (os.environ.get(ENV_API_URL) or DEFAULT_API_URL).rstrip("?")


def _atom_problem(response: requests.Response) -> str | None:
    """Why a 200 body is not an arXiv Atom feed, or None when it is one."""
    content = response.content.strip()
    if not content:
        return "arXiv returned an empty body instead of an Atom feed; try again later"
    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        root = None
    if root is None or root.tag != _ATOM_FEED:
        kind = response.headers.get("Content-Type", "no content type")
        return (
            f"arXiv returned {kind} instead of an Atom feed (starts {content[:40]!r}); the API "
            f"may be in maintenance, or {ENV_API_URL} points at the wrong address"
        )
    return None


def _arxiv_error_summary(body: str | None) -> str | None:
    """arXiv answers a bad request with an Atom feed holding one error entry; its summary says why."""
    if not body:
        return None
    m = re.search(r"<summary>(.*?)</summary>", body, re.DOTALL)
    return " ".join(m.group(1).split()) if m else None


class _PolicyClient(arxiv.Client):
    """An ``arxiv.Client`` whose pages are fetched through the run's HTTP policy."""

    def __init__(self, policy: HttpPolicy, api_url: str, page_size: int) -> None:
        # The package's own delay and retries are off: the policy does both, per host.
        super().__init__(page_size=page_size, delay_seconds=0.0, num_retries=0)
        self.query_url_format = api_url.replace("{", "{{").replace("}", "}}") + "?{}"
        self._session = policy.session  # nothing in the package may reach the net without timeouts
        self._policy = policy
        self.empty_page_retries = EMPTY_PAGE_RETRIES
        self.empty_page: str | None = None  # the URL of the page that stayed empty, for the caller
        self.entries_sent = 0  # <entry> elements in the latest page, parsed or not

    def _results(self, search: arxiv.Search, offset: int = 0) -> Generator[arxiv.Result, None, None]:
        """The package's paging loop (arxiv 4.0.2 ``Client._results``), moving on by the entries
        arXiv sent instead of by those that parsed: else a skipped bad entry makes the next page
        start one early, and a page holding only bad entries reads as arXiv's empty page (the
        search marked incomplete, its window kept open, every week again)."""
        feed = self._parse_feed(self._format_url(search, offset, self.page_size), first_page=True)
        total = feed.header.total_results
        while self.entries_sent:
            yield from feed.results
            offset += self.entries_sent
            if offset >= total:
                return
            feed = self._parse_feed(self._format_url(search, offset, self.page_size), first_page=False)

    def _parse_feed(self, url: str, first_page: bool = True, _try_index: int = 0) -> _feed.ParsedFeed:
        attempts = 1 + (0 if first_page else self.empty_page_retries)
        for attempt in range(attempts):
            try:
                response = self._policy.get(
                    url, source=SOURCE, validate=_atom_problem, force_refresh=attempt > 0
                )
            except SourceRejected as err:
                summary = _arxiv_error_summary(err.body_excerpt)
                if summary:
                    raise SourceRejected(
                        f"arXiv rejected the request: {summary}; check the ids or query",
                        url=err.url,
                        status=err.status,
                        body_excerpt=err.body_excerpt,
                    ) from None
                raise
            feed = self._parse_page(response.content, url)
            if self.entries_sent or first_page:
                return feed
        # Still empty: ending here ends the package's paging loop; the caller reads
        # ``empty_page`` and marks its search incomplete.
        self.empty_page = self._policy.redact_url(url)
        return feed

    def _parse_page(self, content: bytes, url: str) -> _feed.ParsedFeed:
        """The page's header by the package's parser, its entries one by one by the package's
        entry builder, so one bad entry costs that entry only (reported), not the page."""
        parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
        root = etree.fromstring(content, parser=parser)
        if root is None:
            raise SourceBadResponse("arXiv sent a malformed Atom feed; try again later",
                                    url=self._policy.redact_url(url))
        entries = root.findall(_ATOM + "entry")
        self.entries_sent = len(entries)
        for entry in entries:
            root.remove(entry)
        feed = _feed.parse(etree.tostring(root))
        if feed.malformed:
            raise SourceBadResponse(
                f"arXiv sent a malformed Atom feed ({feed.error}); try again later",
                url=self._policy.redact_url(url),
            )
        for entry in entries:
            entry_id = " ".join((entry.findtext(_ATOM + "id") or "").split()) or "an entry without <id>"
            try:
                with package_output_kept("arxiv", log):
                    result = _feed._build_result(entry)
            except (ValueError, TypeError, AttributeError) as exc:
                self._policy.report.add_problem(SOURCE, f"{entry_id}: arXiv sent a value the feed parser cannot "
                                                        f"read ({exc})")
                continue
            if result is None:
                self._policy.report.add_problem(SOURCE, f"{entry_id}: the entry lacks its <id>, <published> or "
                                                        "<updated>")
            else:
                feed.results.append(result)
        return feed


class ArxivSource:
    """arXiv for one run: one client, one policy, one rate limit.

    Make one per run and reuse it; ``min_interval`` overrides the 3 s politeness
    interval (tests use 0), ``ids_per_request`` the id-list chunk size.
    """

    def __init__(
        self,
        policy: HttpPolicy | None = None,
        *,
        api_url: str | None = None,
        ids_per_request: int = IDS_PER_REQUEST,
        page_size: int = 100,
        min_interval: float | None = None,
    ) -> None:
        if ids_per_request < 1:
            raise ValueError(f"ids_per_request must be at least 1, not {ids_per_request}")
        self.policy = policy or HttpPolicy()
        self.api_url = api_url or arxiv_api_url()
        self.ids_per_request = ids_per_request
        self.policy.set_rate_limit(
            self.api_url,
            MIN_INTERVAL_SECONDS if min_interval is None else min_interval,
            override=min_interval is not None,
        )
        self.client = _PolicyClient(self.policy, self.api_url, page_size)

    @property
    def report(self) -> RunReport:
        """The run's report (the policy's): ids arXiv does not know end up here."""
        return self.policy.report

    def fetch(self, ids: Iterable[str], *, strict: bool = True) -> list[PaperRecord]:
        """Latest metadata of each paper in ``ids`` (any form: 'arXiv:2304.12306v2', URLs not accepted).

        Ids arXiv does not know are reported in the run report, not raised.
        With ``strict=False`` a failing chunk is reported and skipped, so a
        weekly run keeps what it got; otherwise the :class:`SourceError` is raised.
        """
        wanted: list[str] = []
        for raw in ids:
            norm = normalise_arxiv_id(raw)
            if norm is None:
                self.report.add_problem(SOURCE, f"{raw!r} is not an arXiv id (e.g. 2304.12306)")
            elif norm not in wanted:
                wanted.append(norm)
        records: list[PaperRecord] = []
        for chunk in _chunks(wanted, self.ids_per_request):
            # One page holds the whole chunk, so we ask for exactly one page: the
            # package's pagination would re-ask for "missing" ids on a second page.
            search = arxiv.Search(id_list=chunk, max_results=len(chunk))
            url = self.client._format_url(search, 0, len(chunk))
            try:
                feed = self.client._parse_feed(url, first_page=True)
            except SourceError:
                if strict:
                    raise
                continue
            got: dict[str, PaperRecord] = {}
            for record in self._records(feed.results):
                if record.arxiv_id in chunk:
                    got.setdefault(record.arxiv_id, record)
            records += [got[i] for i in chunk if i in got]
            for missing in (i for i in chunk if i not in got):
                self.report.add_problem(SOURCE, f"arXiv returned no entry for {missing}; check the id")
        return records

    def search(
        self,
        query: str,
        *,
        submitted_from: date | None = None,
        submitted_until: date | None = None,
        max_results: int | None = 500,
        strict: bool = True,
    ) -> Listing:
        """Papers matching an arXiv query (e.g. ``abs:"segment anything" AND cat:eess.IV``),
        newest first, submitted (v1) within the window when one is given.

        The listing is incomplete (``complete`` False, ``note`` naming the page) when a later
        page stayed empty after retries or the page cap was reached; a search cut at
        ``max_results`` says so in its note but is complete: asking again gives the same cut."""
        cap = min(max_results or MAX_PAGES * self.client.page_size, MAX_PAGES * self.client.page_size)
        search = arxiv.Search(
            query=with_submitted_window(query, submitted_from, submitted_until),
            max_results=cap,
            sort_by=arxiv.SortCriterion.SubmittedDate,
            sort_order=arxiv.SortOrder.Descending,
        )
        listing = Listing()
        self.client.empty_page = None
        try:
            results = list(islice(self.client.results(search), cap))
        except SourceError:
            if strict:
                raise
            return Listing(complete=False, note=f"the arXiv search {query!r} failed (see the failures)")
        listing.records = self._records(results)
        listing.skipped = len(results) - len(listing.records)
        if self.client.empty_page is not None:
            start = re.search(r"[?&]start=(\d+)", self.client.empty_page)
            first = int(start.group(1)) if start else len(results)
            listing.complete = False
            listing.note = (f"page {first // self.client.page_size + 1} (results {first + 1}-"
                            f"{first + self.client.page_size}) came back empty {1 + self.client.empty_page_retries} "
                            f"times; {len(results)} results read, the rest of this window is searched again next run")
            self.report.problems.append(Problem(SOURCE, None, f"arXiv search {query!r}: {listing.note}",
                                                "marked incomplete"))
        elif len(results) >= cap:
            listing.note = (f"stopped at {cap} results (max_results); raise it to read further back in the window"
                            if cap == max_results else f"stopped at {cap} results: read {MAX_PAGES} pages, the most "
                            "one search reads; narrow the query or the window to read further back")
            self.report.problems.append(Problem(SOURCE, None, f"arXiv search {query!r}: {listing.note}", "noted"))
        return listing

    def _records(self, results: Iterable[arxiv.Result]) -> list[PaperRecord]:
        """The results as records; one without an arXiv id or a title cannot be a paper of the graph."""
        records = []
        for result in results:
            record = paper_from_result(result)
            if record.arxiv_id and record.title:
                records.append(record)
            else:
                what = "no arXiv id in its <id>" if not record.arxiv_id else "no title"
                self.report.add_problem(SOURCE, f"{result.entry_id}: {what}")
        return records


def with_submitted_window(query: str, since: date | None, until: date | None) -> str:
    """``query`` restricted to a submittedDate range (arXiv's [YYYYMMDDHHMM TO ...] syntax)."""
    if since is None and until is None:
        return query
    start = (since or date(1991, 8, 1)).strftime("%Y%m%d") + "0000"
    end = (until or date.today()).strftime("%Y%m%d") + "2359"
    window = f"submittedDate:[{start} TO {end}]"
    return f"({query}) AND {window}" if query.strip() else window


def paper_from_result(result: arxiv.Result) -> PaperRecord:
    """An ``arxiv.Result`` as a plain record (ids normalised, whitespace collapsed)."""
    short = result.get_short_id()
    arxiv_id = normalise_arxiv_id(short)
    m = _VERSION.search(short)
    published = result.published.date() if result.published else None
    doi, _same_paper = split_doi(result.doi)  # an arXiv DOI in <arxiv:doi> is this paper's arXiv id
    comment, summary = _clean(result.comment), _clean(result.summary)
    return PaperRecord(
        source=SOURCE,
        title=_clean(result.title),
        arxiv_id=arxiv_id,
        doi=doi,
        authors=[
            Author(name=" ".join(a.name.split()), affiliations=[" ".join(x.split()) for x in a.affiliation])
            for a in result.authors
            if a.name and a.name.strip()  # an <author> without a <name> names nobody
        ],
        abstract=summary,
        published=published,
        updated=result.updated.date() if result.updated else None,
        version=int(m.group(1)) if m else None,
        primary_category=result.primary_category or None,
        categories=list(result.categories),
        journal_ref=_clean(result.journal_ref),
        year=published.year if published else None,
        comment=comment,
        url=f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else result.entry_id,
        retrieved=date.today(),
        withdrawn=bool(_WITHDRAWN.search(comment or "") or _WITHDRAWN.search(summary or "")),
    )


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
