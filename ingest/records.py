"""Plain records produced by the sources. They carry facts, not triples.

Every record keeps where it came from (file and line, or URL) so that problems
and provenance can name their origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Problem:
    """A row or value a source could not use, with where it is and what to do."""

    source: str  # file name or URL
    line: int | None
    reason: str
    action: str = "skipped"  # 'skipped' (row not used) or 'repaired' (row used, as described)

    def __str__(self) -> str:
        where = f"row {self.line} of {self.source}" if self.line else self.source
        return f"{where}: {self.reason}; {self.action}"


@dataclass(frozen=True)
class SurveyListRow:
    """One row of a table in the survey's paper list (its README)."""

    line: int
    section: str
    category: str  # the Classification cell; the section name where the table has none
    name: str | None  # None for rows whose name is '---' (evaluation studies)
    title: str
    link: str | None
    code: str | None
    arxiv_id: str | None = None
    doi: str | None = None


@dataclass(frozen=True)
class SurveyList:
    rows: list[SurveyListRow]
    sections: list[str]  # in file order
    categories: dict[str, list[str]]  # section -> its classes, in file order
    problems: list[Problem]
    source: str


@dataclass(frozen=True)
class Publication:
    """A publication as the survey database names it (first or last publication of a model)."""

    date: date | None
    publisher: str | None
    link: str | None
    bibkey: str | None
    arxiv_id: str | None = None
    doi: str | None = None


@dataclass(frozen=True)
class DbModel:
    line: int
    id: str
    title: str
    affiliations: list[str]
    first: Publication
    last: Publication | None
    code: str | None
    framework: str  # 'Generalist' or 'Task-specific'
    architecture: list[str]
    backbone: str | None
    params_millions: Decimal | None
    gflops: Decimal | None
    gpu_count: int | None
    gpu: str | None
    gpu_vendor: str | None
    vram_gb: Decimal | None


@dataclass(frozen=True)
class DbDataset:
    line: int
    name: str
    full_name: str
    sub_datasets: list[str]
    modality: str | None
    objects: list[str]
    anatomy: list[str]
    regions: list[str]
    links: list[tuple[str, str]]  # (url, text)
    cit_keys: list[str]
    n_total: int | None
    n_labelled: int | None


@dataclass(frozen=True)
class DbResult:
    line: int  # the CSV record's first line in results.csv
    model_id: str  # as written (may name two models, differ in case, ...)
    related_paper: str
    date: date | None
    dataset: str
    kind: str  # 'primary' or 'best'
    dice: Decimal
    source_bibtex: str | None


@dataclass(frozen=True)
class SurveyDatabase:
    models: list[DbModel]
    datasets: list[DbDataset]
    results: list[DbResult]
    problems: list[Problem]
    source: str


@dataclass(frozen=True)
class Author:
    name: str
    affiliations: list[str] = field(default_factory=list)
    s2_author_id: str | None = None
    orcid: str | None = None


@dataclass(frozen=True)
class PaperRecord:
    """Bibliographic metadata of one paper from any source (arXiv, Semantic Scholar, snapshot).

    Identifiers are normalised: ``arxiv_id`` without version or 'arXiv:' prefix,
    ``doi`` lower-case without the resolver prefix.
    """

    source: str  # 'arxiv', 'semantic-scholar', 'arxiv-snapshot', ...
    title: str | None
    arxiv_id: str | None = None
    doi: str | None = None
    s2_paper_id: str | None = None
    pubmed_id: str | None = None
    corpus_id: str | None = None
    authors: list[Author] = field(default_factory=list)
    abstract: str | None = None
    published: date | None = None  # first version / first publication
    updated: date | None = None  # latest version
    version: int | None = None
    primary_category: str | None = None
    categories: list[str] = field(default_factory=list)
    journal_ref: str | None = None
    venue: str | None = None
    year: int | None = None
    comment: str | None = None
    url: str | None = None
    citation_count: int | None = None
    influential_citation_count: int | None = None
    retrieved: date | None = None  # when counts were read
    withdrawn: bool = False  # the source says the paper (or its latest version) was withdrawn
    extra: dict[str, str] = field(default_factory=dict)  # source-specific facts (e.g. seed links)

    @property
    def published_version(self) -> bool:
        """Whether this record describes the version of record (a DOI, a journal reference,
        a venue that is not a preprint server), not the preprint: the rule that picks the
        venue and the ids when a source lists both versions of one paper."""
        venue = (self.venue or "").strip().lower()
        return bool(self.doi or self.journal_ref or (venue and venue not in PREPRINT_VENUES))


# How sources name preprint servers when they give a venue (Semantic Scholar: 'ArXiv').
PREPRINT_VENUES = frozenset({"arxiv", "arxiv.org", "biorxiv", "medrxiv", "ssrn", "research square", "preprints"})


@dataclass
class Listing:
    """One paged list a source read (references, citations, search hits): the usable records,
    and what was left out, so that callers can count it and say so."""

    records: list[PaperRecord] = field(default_factory=list)
    unresolved: int = 0  # entries the source could not resolve to a paper (S2: paperId null)
    skipped: int = 0  # malformed entries, each reported in the run report
    complete: bool = True  # False: paging stopped early (page cap, an empty page, the API's cut)
    note: str | None = None  # why the list is not complete, naming the query and the page
