"""BibTeX from the graph: one implementation for `kg export --format bibtex` and the app's
copy buttons, written and checked with bibtexparser (v2).

Which version a paper is cited as. A paper is one node (preprint and publication), and the
sources disagree on its venue, so the choice is explicit:

1. a published venue of the survey database (its First/Last Publisher) with the date of
   that publication (mskg:lastIssued): MedSAM is Nature Communications 2024, not arXiv 2023;
2. else the venue of a complete BibTeX entry a source gave (mskg:bibtex, the survey
   database's Source column), with its year, volume and pages; it wins over 1 when it is
   the same version (same year), since it says more;
3. else a live source's venue (Semantic Scholar), with the paper's latest date;
4. else the arXiv preprint: @misc with eprint, archivePrefix and primaryClass, and the year
   of its first version (dcterms:issued).

The entry type follows the venue: @inproceedings for conferences and workshops (MICCAI,
CVPR, ICCV, NeurIPS, ... or a venue saying Conference, Proceedings, Workshop), @article for
journals, @misc for arXiv. Authors come from the ordered mskg:authorList (else dcterms:creator
names, else the stored BibTeX entry's authors, which the entry's notes then say); a paper
with none known offline gets no author field and a note. Keys read like Google Scholar's
(ma2024segment) and are unique across the whole graph (ma2024segmenta, ma2024segmentb), so a
paper's key is the same in every export and on every page.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import bibtexparser
from bibtexparser import BibtexFormat, Library, model

from ingest.ids import normalise_title, slugify
from kg.known_models import known_names
from kg.queries import internal, saved_text
from kg.store_base import GraphStore
from kg.vocab import ARXIV, ARXIV_SNAPSHOT, CANDIDATES, SEMANTIC_SCHOLAR, SURVEY_DB

_CONFERENCES = re.compile(
    r"\b(?:MICCAI|CVPR|ICCV|ECCV|NeurIPS|NIPS|ICLR|ICML|AAAI|IJCAI|WACV|ISBI|3DV|MIDL|BrainLes|EMNLP|CEMNLP|ACL|"
    r"NAACL|BMVC|IPMI|ACCV|KDD|MLHC|CHIL|PMLR|Conference|Proceedings|Workshops?|Symposium|Congress|"
    r"Advances in Neural Information Processing|Lecture Notes)\b", re.IGNORECASE)
_ARXIV_VENUES = {"arxiv", "arxiv.org", "corr", "arxiv preprint", "preprint"}
_STOPWORDS = set("a an the on of for in to and with via towards toward from by is are at as do does can we our "
                 "its into when what how why not no be this that".split())
# Who is trusted for an author list, best first (an arXiv listing is the authors' own).
_AUTHOR_RANK = {str(ARXIV_SNAPSHOT): 0, str(ARXIV): 1, str(SEMANTIC_SCHOLAR): 2, str(CANDIDATES): 3, str(SURVEY_DB): 4}
_CHUNK = 400  # papers per facts query, so a large graph is read in bounded pieces


@dataclass
class BibEntry:
    paper: str
    entry_type: str  # "article", "inproceedings" or "misc"
    fields: list[tuple[str, str]]
    base_key: str
    key: str = ""
    notes: list[str] = field(default_factory=list)
    first_issued: str = ""  # the first date, for the order of keys that collide
    title: str = ""
    arxiv: str | None = None


@dataclass
class BibExport:
    text: str
    entries: list[BibEntry]
    notes: list[str]  # what the reader should know: papers without authors, authors from stored BibTeX


def entry_type(venue: str | None) -> str:
    """'inproceedings' for a conference or workshop, 'article' for a journal, 'misc' for none or arXiv."""
    if not venue or venue.strip().lower() in _ARXIV_VENUES:
        return "misc"
    return "inproceedings" if _CONFERENCES.search(venue) else "article"


def ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]", "", folded).lower()


def family_name(author: str) -> str:
    """'Jun Ma' -> 'Ma'; 'Chen, Yixin' -> 'Chen'; 'Alexander C. Berg' -> 'Berg'."""
    author = re.sub(r"[{}\\\"']", "", author).strip()
    if "," in author:
        return author.split(",", 1)[0].strip()
    words = [w for w in author.split() if w.lower().rstrip(".") not in {"jr", "sr", "ii", "iii"}]
    return words[-1] if words else ""


def base_key(authors: list[str], year: int | None, title: str) -> str:
    """ma2024segment: first author's family name, year, first title word that is not a stopword."""
    surname = ascii_word(family_name(authors[0])) if authors else ""
    words = [ascii_word(w) for w in re.sub(r"\$[^$]*\$", " ", title).split()]
    word = next((w for w in words if w and w not in _STOPWORDS), "paper")
    return f"{surname or 'anon'}{year or ''}{word}"


def _year(value: Any) -> int | None:
    if isinstance(value, date):
        return value.year
    m = re.match(r"\s*(\d{4})", str(value or ""))
    return int(m.group(1)) if m else None


def _plain(value: str) -> str:
    return " ".join(re.sub(r"[{}]", "", value or "").split())


def paper_facts(store: GraphStore, papers: list[str]) -> dict[str, dict[str, list[tuple[str, Any]]]]:
    out: dict[str, dict[str, list[tuple[str, Any]]]] = {p: defaultdict(list) for p in papers}
    for i in range(0, len(papers), _CHUNK):
        for r in store.select(internal("bibtex-facts", papers=papers[i:i + _CHUNK])).rows:
            pair = (r["g"], r["v"])
            if pair not in out[r["p"]][r["k"]]:
                out[r["p"]][r["k"]].append(pair)
    return out


def _first(facts: dict[str, list[tuple[str, Any]]], key: str) -> Any:
    values = sorted(facts.get(key, []), key=lambda gv: (_AUTHOR_RANK.get(gv[0], 9), str(gv[1])))
    return values[0][1] if values else None


def _stored_entry(facts: dict[str, list[tuple[str, Any]]], title: str) -> dict[str, str] | None:
    """The stored BibTeX entry of this paper (a stored text may hold several), as plain fields."""
    for _, text in facts.get("bibtex", []):
        try:
            entries = bibtexparser.parse_string(str(text)).entries
        except Exception:  # noqa: BLE001 - a broken stored entry is skipped, not fatal
            continue
        same = [e for e in entries if "title" in e.fields_dict
                and normalise_title(_plain(str(e.fields_dict["title"].value))) == normalise_title(title)]
        chosen = same[0] if same else (entries[0] if entries else None)
        if chosen is not None:
            return {f.key.lower(): _plain(str(f.value)) for f in chosen.fields} | {"ENTRYTYPE": chosen.entry_type}
    return None


def _snapshot_venue(value: str) -> tuple[str, int] | None:
    """'Medical Image Analysis (2023)' or 'ICCV 2023': a clean venue and year; the snapshot's
    other venue texts are notes (journal versions under other titles, hearsay) and are not used."""
    m = re.fullmatch(r"\s*([^();,]+?)\s*(?:\((\d{4})\)|(\d{4}))\s*", value)
    return (m.group(1), int(m.group(2) or m.group(3))) if m else None


def _version(facts: dict[str, list[tuple[str, Any]]], stored: dict[str, str] | None) -> tuple[str | None, int | None]:
    """(venue, year) of the version the entry cites (see the module docstring)."""
    bib_venue = (stored or {}).get("journal") or (stored or {}).get("booktitle")
    bib_year = _year((stored or {}).get("year"))
    last, issued = _year(_first(facts, "last")), _year(_first(facts, "issued"))
    published = [(g, str(v)) for g, v in facts.get("venue", []) if str(v).strip().lower() not in _ARXIV_VENUES]
    database = sorted({v for g, v in published if g == str(SURVEY_DB)
                       and normalise_title(v) != normalise_title(bib_venue or "")})
    if bib_venue and (not database or bib_year == last):
        return bib_venue, bib_year or last or issued
    if database:
        return database[0], last or issued
    live = sorted({v for g, v in published if g not in (str(SURVEY_DB), str(ARXIV_SNAPSHOT))})
    if live:
        return live[0], last or issued
    clean = [c for c in (_snapshot_venue(v) for g, v in published if g == str(ARXIV_SNAPSHOT)) if c]
    if clean:
        return clean[0]
    return None, issued


def _authors(facts: dict[str, list[tuple[str, Any]]], stored: dict[str, str] | None) -> tuple[list[str], str]:
    listed = _first(facts, "authors")
    if listed:
        return [a.strip() for a in str(listed).split(";") if a.strip()], ""
    creators = sorted({str(v) for _, v in facts.get("creator", [])})
    if creators:
        return creators, "author order unknown (the graph has the authors but not their order)"
    if stored and stored.get("author"):
        names = [a.strip() for a in re.split(r"\s+and\s+", stored["author"]) if a.strip()]
        return names, "authors taken from the survey database's BibTeX entry (no source of the graph lists them)"
    return [], "no authors known offline (`kg enrich` fetches them from arXiv and Semantic Scholar)"


def _escape(text: str) -> str:
    """Text safe inside a BibTeX value: unbalanced braces dropped, & % # escaped."""
    depth, out = 0, []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                continue
            depth -= 1
        out.append(ch)
    text = "".join(out) + "}" * depth
    return re.sub(r"(?<!\\)([&%#])", r"\\\1", " ".join(text.split()))


def make_entry(paper: str, facts: dict[str, list[tuple[str, Any]]]) -> BibEntry:
    """The BibTeX entry of one paper from its facts (see the module docstring)."""
    title = str(_first(facts, "title") or "Untitled")
    stored = _stored_entry(facts, title)
    venue, year = _version(facts, stored)
    kind = entry_type(venue)
    authors, author_note = _authors(facts, stored)
    fields: list[tuple[str, str]] = [("title", "{" + _escape(title) + "}")]
    if authors:
        fields.append(("author", " and ".join(_escape(a) for a in authors)))
    if year:
        fields.append(("year", str(year)))
    if kind != "misc":
        fields.append(("booktitle" if kind == "inproceedings" else "journal", _escape(venue or "")))
        same = stored is not None and normalise_title(venue or "") == normalise_title(
            stored.get("journal") or stored.get("booktitle") or "")
        for name in ("volume", "number", "pages", "publisher"):
            if same and stored.get(name):
                fields.append((name, _escape(stored[name])))
    doi, arxiv = _first(facts, "doi"), _first(facts, "arxiv")
    if doi and kind != "misc":
        fields.append(("doi", str(doi)))
    if arxiv and kind == "misc":
        fields += [("eprint", str(arxiv)), ("archivePrefix", "arXiv")]
        primary = _first(facts, "class") or _first(facts, "category")
        if primary:
            fields.append(("primaryClass", str(primary)))
    url = f"https://doi.org/{doi}" if doi and kind != "misc" else (f"https://arxiv.org/abs/{arxiv}" if arxiv else None)
    if url:
        fields.append(("url", url))
    entry = BibEntry(paper, kind, fields, base_key(authors, year, title),
                     first_issued=str(_first(facts, "issued") or "9999"), title=title, arxiv=arxiv)
    if author_note:
        entry.notes.append(author_note)
    return entry


def _assign_keys(entries: list[BibEntry]) -> None:
    """Keys unique across ``entries``: of the papers sharing a key, the first published keeps
    it and the later ones get a, b, ... (so a newly added paper never renames an older one)."""
    groups: dict[str, list[BibEntry]] = defaultdict(list)
    for e in sorted(entries, key=lambda e: (e.first_issued, e.paper)):
        groups[e.base_key].append(e)
    taken = set(groups)
    for key, group in groups.items():
        group[0].key = key
        suffixes = (f"{key}{chr(ord('a') + i)}" if i < 26 else f"{key}{i}" for i in range(10_000))
        free = (k for k in suffixes if k not in taken)
        for e in group[1:]:
            e.key = next(free)
            taken.add(e.key)


def all_entries(store: GraphStore) -> list[BibEntry]:
    """An entry for every paper of the bibliography (not candidates or rejected papers), keyed."""
    papers = [r["p"] for r in store.select(internal("bibtex-papers")).rows]
    facts = paper_facts(store, papers)
    entries = [make_entry(p, facts[p]) for p in papers]
    _assign_keys(entries)
    return entries


def render(entries: list[BibEntry], *, comments: bool = True) -> str:
    """The entries as BibTeX text (bibtexparser's writer); notes as '%' comments before their entry."""
    library = Library()
    for e in entries:
        if comments and e.notes:
            library.add(model.ImplicitComment("\n".join(f"% {e.key}: {n}" for n in e.notes)))
        library.add(model.Entry(e.entry_type, e.key, [model.Field(k, v) for k, v in e.fields]))
    fmt = BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    return bibtexparser.write_string(library, bibtex_format=fmt).strip() + "\n"


def bibtex_export(store: GraphStore, papers: list[str] | None = None) -> BibExport:
    """The entries of ``papers`` (IRIs; None: every paper of the bibliography), in the given
    order, with what the reader should know."""
    entries = all_entries(store)
    if papers is not None:
        by_paper = {e.paper: e for e in entries}
        missing = [p for p in papers if p not in by_paper]
        if missing:
            raise KeyError(f"not in the bibliography (unknown, queued or rejected): {', '.join(missing)}")
        entries = [by_paper[p] for p in dict.fromkeys(papers)]
    notes = [f"{e.key} <{e.paper}>: {n}" for e in entries for n in e.notes]
    return BibExport(render(entries), entries, notes)


def papers_of_query(store: GraphStore, name: str, entries: list[BibEntry] | None = None) -> list[str]:
    """The papers a saved question's answers name, in the order of the answers: paper IRIs,
    arXiv ids and titles of papers, and models (by IRI or name) for the paper introducing them."""
    entries = entries if entries is not None else all_entries(store)
    index: dict[str, str] = {}
    for e in entries:
        index[e.paper] = e.paper
        index[f"title:{normalise_title(e.title)}"] = e.paper
        if e.arxiv:
            index[f"arxiv:{e.arxiv}"] = e.paper
    for key, known in known_names(store).models.items():  # every name of every model
        if known.introduced_in in index:
            index.setdefault(known.iri, known.introduced_in)
            index.setdefault(f"model:{key}", known.introduced_in)
    found = []
    for row in store.select(saved_text(name)).rows:
        for value in row.values():
            if not isinstance(value, str) or not value.strip():
                continue
            for key in (value, f"arxiv:{value}", f"title:{normalise_title(value)}", f"model:{slugify(value)}"):
                if key in index:
                    found.append(index[key])
                    break
    return list(dict.fromkeys(found))
