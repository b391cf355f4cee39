"""Paper mentions: one source's view of a paper before entity resolution, and how each source's
records become mentions (list rows, a survey-database model's publications, arXiv records, a BibTeX
'Source' cell).

Resolution (:mod:`kg.resolve`) only compares mentions; reading the sources' shapes,
BibTeX above all, is kept here so its quirks (arXiv ids hidden in ``journal`` or in a
DOI, braces in titles) stay out of the matching logic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import bibtexparser

from ingest.ids import arxiv_id_from_link, normalise_arxiv_id, normalise_doi
from ingest.records import DbModel, PaperRecord, Problem, SurveyDatabase, SurveyList

__all__ = ["Mention", "Mentions", "collect_mentions", "mention_from_bibtex", "mentions_of_model"]


@dataclass
class Mention:
    """One source's view of a paper, before resolution."""

    source: str  # 'survey-list', 'survey-db', 'arxiv-snapshot', 'result-source'
    title: str | None
    arxiv_id: str | None = None
    doi: str | None = None
    link: str | None = None
    issued: date | None = None
    venue: str | None = None
    bibkey: str | None = None
    bibtex: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    record: PaperRecord | None = None
    role: str = ""  # 'first' / 'last' publication for database mentions


def _clean_bibtex_text(value: str | None) -> str | None:
    if not value:
        return None
    return " ".join(value.replace("{", "").replace("}", "").split()) or None


def _arxiv_id_of_entry(fields: dict[str, str]) -> str | None:
    """The arXiv id wherever the entry hides it: eprint, url, an arXiv DOI, or 'arXiv preprint arXiv:...'."""
    arxiv = None
    if (fields.get("archiveprefix") or "").lower() == "arxiv" or "arxiv" in (fields.get("journal") or "").lower():
        arxiv = normalise_arxiv_id(fields.get("eprint"))
    arxiv = arxiv or arxiv_id_from_link(fields.get("url")) or arxiv_id_from_link(fields.get("doi"))
    journal = re.search(
        r"arxiv(?: preprint)?\s*(?:arxiv:)?\s*(\d{4}\.\d{4,5})", fields.get("journal") or "", re.IGNORECASE
    )
    if not arxiv and journal:
        arxiv = journal.group(1)
    return arxiv


def mention_from_bibtex(text: str) -> Mention | None:
    """A BibTeX entry (the database's 'Source' cell) as a paper mention."""
    library = bibtexparser.parse_string(text)
    if not library.entries:
        return None
    entry = library.entries[0]
    fields = {f.key.lower(): f.value for f in entry.fields}
    arxiv = _arxiv_id_of_entry(fields)
    doi = normalise_doi(fields.get("doi")) if not arxiv_id_from_link(fields.get("doi")) else None
    year = fields.get("year")
    authors = [a.strip() for a in re.split(r"\s+and\s+", _clean_bibtex_text(fields.get("author")) or "") if a.strip()]
    return Mention(
        source="result-source",
        title=_clean_bibtex_text(fields.get("title")),
        arxiv_id=arxiv,
        doi=doi,
        link=fields.get("url"),
        venue=_clean_bibtex_text(fields.get("journal") or fields.get("booktitle")),
        bibkey=entry.key,
        bibtex=text.strip(),
        authors=authors,
        year=int(year) if year and year.strip().isdigit() else None,
    )


def mentions_of_model(model: DbModel) -> list[Mention]:
    """A database model's first and last publication (versions of one paper, joined later)."""
    mentions = []
    for role, pub in (("first", model.first), ("last", model.last)):
        if pub is None:
            continue
        mentions.append(
            Mention(
                source="survey-db",
                title=model.title,
                arxiv_id=pub.arxiv_id,
                doi=pub.doi,
                link=pub.link,
                issued=pub.date,
                venue=pub.publisher,
                bibkey=pub.bibkey,
                role=role,
            )
        )
    return mentions


@dataclass
class Mentions:
    """Every source's mentions of papers, and which row, model or result each came from (indices into ``all``)."""

    all: list[Mention]
    of_row: dict[int, int]  # list row line -> mention
    of_model: dict[str, list[int]]  # database model ID -> its publications' mentions
    of_result: dict[int, int]  # results.csv line -> the mention of its Source BibTeX


def collect_mentions(
    survey: SurveyList, db: SurveyDatabase, snapshot: list[PaperRecord], problems: list[Problem]
) -> Mentions:
    """Mentions from the list rows, the database models, the arXiv snapshot and the results' BibTeX,
    in that order; unusable records become problems."""
    found = Mentions([], {}, {}, {})
    mentions = found.all
    for row in survey.rows:
        found.of_row[row.line] = len(mentions)
        mentions.append(
            Mention(source="survey-list", title=row.title, arxiv_id=row.arxiv_id, doi=row.doi, link=row.link)
        )
    for model in db.models:
        found.of_model[model.id] = []
        for m in mentions_of_model(model):
            found.of_model[model.id].append(len(mentions))
            mentions.append(m)
    for record in snapshot:
        if not (record.title or record.arxiv_id or record.doi):
            problems.append(
                Problem(
                    "arxiv-snapshot.json",
                    None,
                    f"record '{record.extra.get('seed_name', '?')}' has no title, arXiv id or DOI",
                    "skipped",
                )
            )
            continue
        mentions.append(
            Mention(
                source="arxiv-snapshot",
                title=record.title,
                arxiv_id=record.arxiv_id,
                doi=record.doi,
                issued=record.published,
                venue=record.venue or record.journal_ref,
                authors=[a.name for a in record.authors],
                record=record,
            )
        )
    for result in db.results:
        if result.source_bibtex:
            try:
                m = mention_from_bibtex(result.source_bibtex)
            except Exception as exc:  # noqa: BLE001 - bibtexparser raises several types on broken entries
                m = None
                problems.append(
                    Problem(
                        "results.csv",
                        result.line,
                        f"Source BibTeX unreadable ({exc})",
                        "repaired (source paper: the related model's paper)",
                    )
                )
            if m is not None and (m.title or m.arxiv_id or m.doi):
                found.of_result[result.line] = len(mentions)
                mentions.append(m)
    return found
