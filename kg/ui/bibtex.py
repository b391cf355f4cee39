"""BibTeX generated from a paper's facts in the graph (title, authors, date, venue, ids)."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any


def _clean(value: Any) -> str:
    text = " ".join(str(value).split())
    return text.replace("{", "(").replace("}", ")").replace("\\", "")


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded).lower()


def bibtex_key(authors: list[str], year: Any, title: str) -> str:
    surname = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else "anon"
    word = next((w for w in (_ascii_word(t) for t in title.split()) if len(w) > 3), "paper")
    return f"{surname}{int(year) if isinstance(year, float) else (year or '')}{word}"


def _present(value: Any) -> Any:
    """None for missing values (None, NaN, empty strings), the value otherwise."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def paper_bibtex(facts: dict[str, Any]) -> str:
    """``facts``: title, authors ('; '-separated or a list), year, venue, doi, arxiv, url, key."""
    facts = {k: _present(v) for k, v in facts.items()}
    authors = facts.get("authors") or []
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(";") if a.strip()]
    title = _clean(facts.get("title") or "Untitled")
    year = facts.get("year")
    venue = facts.get("venue")
    doi, arxiv = facts.get("doi"), facts.get("arxiv")
    is_preprint = not doi and (not venue or str(venue).lower() == "arxiv")
    kind = "misc" if is_preprint else "article"
    key = facts.get("key") or bibtex_key(authors, year, title)
    fields: list[tuple[str, str]] = [("title", "{" + title + "}")]
    if authors:
        fields.append(("author", " and ".join(_clean(a) for a in authors)))
    if year:
        fields.append(("year", str(int(year)) if isinstance(year, float) else str(year)))
    if venue and not is_preprint:
        fields.append(("journal", _clean(venue)))
    if doi:
        fields.append(("doi", _clean(doi)))
    if arxiv:
        fields += [("eprint", _clean(arxiv)), ("archivePrefix", "arXiv")]
    url = facts.get("url") or (f"https://doi.org/{doi}" if doi else
                               (f"https://arxiv.org/abs/{arxiv}" if arxiv else None))
    if url:
        fields.append(("url", _clean(url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{_ascii_word(str(key)) or 'paper'},\n{body}\n}}"
