"""Identifier normalisation shared by every source, so records from different
sources meet on equal strings (arXiv ids without versions, bare lower-case DOIs)."""

from __future__ import annotations

import re
import unicodedata

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z\-]+(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_ID = re.compile(rf"(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?", re.IGNORECASE)
_ARXIV_IN_URL = re.compile(
    rf"arxiv\.org/(?:abs|pdf|html)/(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?", re.IGNORECASE
)
# arXiv's own DOIs (DataCite, since 2022): 10.48550/arXiv.2304.12306, 10.48550/arXiv.hep-th/9901001
_ARXIV_DOI = re.compile(rf"10\.48550/arxiv\.(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?", re.IGNORECASE)
_DOI = re.compile(r"(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)


def normalise_arxiv_id(value: str | None) -> str | None:
    """'arXiv:2304.12306v3' -> '2304.12306'; None when the value holds no arXiv id."""
    if not value:
        return None
    value = value.strip()
    if value.lower().startswith("arxiv:"):
        value = value[6:]
    m = _ARXIV_ID.fullmatch(value)
    return m.group("id") if m else None


def normalise_doi(value: str | None) -> str | None:
    """'https://doi.org/10.1109/TMI.2025.3530097' -> '10.1109/tmi.2025.3530097'.

    DOIs are case-insensitive by definition, so lower case is the canonical form here.
    """
    if not value:
        return None
    m = _DOI.search(value.strip())
    if not m:
        return None
    return m.group(1).rstrip(".,;)").lower()


def arxiv_id_from_doi(doi: str | None) -> str | None:
    """The arXiv id an arXiv DOI stands for ('10.48550/arXiv.2304.12306' -> '2304.12306'),
    None for any other DOI. Sources (Semantic Scholar above all) give these as a paper's DOI;
    they name the preprint, not a publication, so they are arXiv ids and never a bibo:doi."""
    if not doi:
        return None
    m = _ARXIV_DOI.search(doi.strip())
    return normalise_arxiv_id(m.group("id")) if m else None


def split_doi(value: str | None) -> tuple[str | None, str | None]:
    """(DOI, arXiv id) of a DOI as a source gives it: an arXiv DOI is an arXiv id in disguise,
    so '10.48550/arXiv.2304.12306' gives (None, '2304.12306'); others give (doi, None)."""
    arxiv_id = arxiv_id_from_doi(value)
    return (None, arxiv_id) if arxiv_id else (normalise_doi(value), None)


def arxiv_id_from_link(link: str | None) -> str | None:
    """The arXiv id in an arxiv.org URL or an arXiv DOI (10.48550/arXiv.X), else None."""
    if not link:
        return None
    m = _ARXIV_IN_URL.search(link) or _ARXIV_DOI.search(link)
    return m.group("id") if m else None


_DOI_IN_PATH = re.compile(r"/(10\.\d{4,9}/[^?#\s]+)")
_NATURE_ARTICLE = re.compile(r"nature\.com/articles/(s\d{5}-\d{3}-\d{5}-\w)", re.IGNORECASE)


def doi_from_link(link: str | None) -> str | None:
    """The DOI a link carries: doi.org links, publisher paths that embed the DOI
    (Springer chapters, Wiley/T&F/NEJM '/doi/...'), and Nature article ids.
    Not an arXiv DOI, which is an arXiv id in disguise."""
    if not link or arxiv_id_from_link(link):
        return None
    link = link.strip()
    if "doi.org/" in link or link.lower().startswith("10."):
        return normalise_doi(link)
    m = _DOI_IN_PATH.search(link)
    if m:
        return normalise_doi(m.group(1))
    m = _NATURE_ARTICLE.search(link)
    if m:
        return f"10.1038/{m.group(1).lower()}"
    return None


def normalise_title(title: str | None) -> str:
    """Case, accents, punctuation and spacing removed, so that transcriptions of one title meet."""
    if not title:
        return ""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def slugify(text: str) -> str:
    """A stable IRI path segment: 'Adapters for SAM' -> 'adapters-for-sam'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"\+", "-plus", text)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "x"
