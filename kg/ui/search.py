"""The search box of every page: models, papers, datasets and authors, typo-tolerant.

The index is built once per graph version (store path + the provenance graph's last run)
and shared by every session (``st.cache_resource``); a keystroke never scans the graph.

Every name is cut into words; the query's words are matched against the vocabulary of those
words (``process.extract`` over the distinct words, with a limit: a typo away, or the start of
a word), and the postings of the matched words are scored with numpy. A name scores by how
well each query word matched and how much of the name the query covers, so "MedSAM2" the
model ranks before a title that merely mentions it. Model and dataset names are also compared
whole, punctuation and spaces removed (``process.extract`` with a limit over a few thousand
names), so "MedSMA2" finds MedSAM2 and "sam med 3d" finds SAM-Med3D. At 100,000 papers (the
synthetic graph of `kg bench`) a query takes a few milliseconds.

A query that is an arXiv id or a DOI is looked up exactly in the store instead (a fuzzy
"2304.12306" would find every id of April 2023); such ids are not in the index.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import streamlit as st
from rapidfuzz import fuzz, process

from kg.queries import internal
from kg.vocab import BIBO, MSKG
from kg.ui.common import DATASET_BASE, MODEL_BASE, PAPER_BASE, PERSON_BASE, graph_version, open_store, slug_of

KINDS = ("model", "dataset", "author", "paper")
WEIGHT = {"model": 1.0, "dataset": 0.98, "author": 0.96, "paper": 0.95}  # ties go to the smaller kinds
ICON = {"model": ":material/deployed_code:", "dataset": ":material/dataset:", "author": ":material/person:",
        "paper": ":material/article:"}
WHOLE_NAME_CUTOFF = 60.0  # ratio of a whole model or dataset name, punctuation and spaces removed
WORD_CUTOFF = 75.0  # ratio of one query word to one vocabulary word ("medsma2" ~ "medsam2": 86)
HIT_CUTOFF = 55.0
PREFIX_SCORE = 90.0
PREFIX_WORDS = 50
WORDS_PER_QUERY_WORD = 12
_WORD = re.compile(r"[0-9a-z]+")
_STOP = frozenset("a an and as at by for from in into is of on or the to via with".split())
_DOI = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.I)
_ARXIV = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5})(?:v\d+)?$", re.I)
QUERY_PARAM = {"model": ("model", MODEL_BASE), "dataset": ("dataset", DATASET_BASE),
               "author": ("author", PERSON_BASE), "paper": ("paper", PAPER_BASE)}


@dataclass(frozen=True)
class Hit:
    kind: str
    iri: str
    label: str
    hint: str
    matched: str  # the name that matched (another name of a model, say)
    score: float

    @property
    def query_params(self) -> dict[str, str]:
        """The detail page's URL state for this hit (``model=medsam2``)."""
        key, base = QUERY_PARAM[self.kind]
        return {key: slug_of(self.iri, base)}


@dataclass
class _Words:
    """Word postings of one big kind: vocabulary word -> indices of the names holding it."""
    names: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    lengths: np.ndarray = field(default_factory=lambda: np.zeros(0))
    vocabulary: list[str] = field(default_factory=list)
    postings: list[np.ndarray] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)


@dataclass
class SearchIndex:
    whole: dict[str, tuple[list[str], list[str], list[str]]]  # kind -> (compact names, names, owners)
    words: dict[str, _Words]
    labels: dict[str, str]
    hints: dict[str, str]
    kinds: dict[str, str]

    @property
    def size(self) -> int:
        return len(self.labels)


def _compact(text: str) -> str:
    return "".join(_words_of(text))


def _words_of(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _content_words(words: list[str]) -> list[str]:
    kept = [w for w in words if w not in _STOP]
    return kept or words


def _word_index(names: list[str], owners: list[str]) -> _Words:
    postings: dict[str, list[int]] = defaultdict(list)
    lengths = []
    for i, name in enumerate(names):
        words = set(_content_words(_words_of(name)))
        lengths.append(max(len(words), 1))
        for w in words:
            postings[w].append(i)
    vocabulary = sorted(postings)
    return _Words(names, owners, np.array(lengths, dtype=float), vocabulary,
                  [np.array(postings[w], dtype=np.int64) for w in vocabulary], {w: j for j, w in enumerate(vocabulary)})


def build_index(rows: Iterable[dict[str, Any]]) -> SearchIndex:
    """The index of the rows of ``search-index.rq`` (kind, x, name, via, hint)."""
    labels: dict[str, str] = {}
    hints: dict[str, str] = {}
    kinds: dict[str, str] = {}
    names: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (str(r["x"]), str(r["via"]), str(r["name"]))):
        kind, iri, name, via = row["kind"], str(row["x"]), str(row["name"] or "").strip(), row["via"]
        if not name or kind not in KINDS:
            continue
        kinds[iri] = kind
        if row.get("hint") and (iri not in hints or str(row["hint"]) < hints[iri]):
            hints[iri] = str(row["hint"])
        if via == "label" and iri not in labels:
            labels[iri] = name
        names[kind].append((name, iri))
    for pairs in names.values():  # a thing known only by another name still shows a label
        for name, iri in pairs:
            labels.setdefault(iri, name)
    for iri in kinds:
        labels.setdefault(iri, iri.rsplit("/", 1)[-1])
    whole = {k: ([_compact(n) for n, _ in names[k]], [n for n, _ in names[k]], [i for _, i in names[k]])
             for k in ("model", "dataset")}
    words = {k: _word_index([n for n, _ in names[k]], [i for _, i in names[k]]) for k in KINDS}
    return SearchIndex(whole, words, labels, hints, kinds)


def _whole_name_hits(index: SearchIndex, kind: str, query: str, limit: int) -> list[Hit]:
    processed, raw, owners = index.whole[kind]
    found = process.extract(_compact(query), processed, scorer=fuzz.ratio, processor=None,
                            limit=limit * 3, score_cutoff=WHOLE_NAME_CUTOFF)
    return [Hit(kind, owners[i], index.labels[owners[i]], index.hints.get(owners[i], ""), raw[i], score)
            for _, score, i in found]


def _matching_words(words: _Words, w: str) -> list[tuple[str, float, int]]:
    """Vocabulary words like ``w``: the same word, a word it begins ("segment" of
    "segmentation", scored a little below), or one a typo away."""
    if len(w) <= 2:  # too short to be fuzzy: "2" must not match every digit
        return [(w, 100.0, words.position[w])] if w in words.position else []
    found = {j: score for _, score, j in process.extract(w, words.vocabulary, scorer=fuzz.ratio, processor=None,
                                                         limit=WORDS_PER_QUERY_WORD, score_cutoff=WORD_CUTOFF)}
    start = bisect.bisect_left(words.vocabulary, w)
    for j in range(start, min(start + PREFIX_WORDS, len(words.vocabulary))):
        if not words.vocabulary[j].startswith(w):
            break
        found[j] = max(found.get(j, 0.0), 100.0 if words.vocabulary[j] == w else PREFIX_SCORE)
    return [(words.vocabulary[j], score, j) for j, score in found.items()]


def _word_hits(index: SearchIndex, kind: str, query: str, limit: int) -> list[Hit]:
    words = index.words[kind]
    wanted = _content_words(_words_of(query))
    if not wanted or not words.names:
        return []
    total = np.zeros(len(words.names))
    matched = np.zeros(len(words.names))
    for w in wanted:
        best = np.zeros(len(words.names))
        found = _matching_words(words, w)
        for _, score, j in found:
            rows = words.postings[j]
            best[rows] = np.maximum(best[rows], score)
        total += best
        matched += best > 0
    coverage = np.minimum(matched / words.lengths, 1.0)
    scores = (total / len(wanted)) * (0.7 + 0.3 * coverage)
    top = np.argsort(-scores, kind="stable")[: limit * 3]
    return [Hit(kind, words.owners[i], index.labels[words.owners[i]], index.hints.get(words.owners[i], ""),
                words.names[i], float(scores[i])) for i in top if scores[i] >= HIT_CUTOFF]


def identifier_of(query: str) -> tuple[str, str] | None:
    """(property, value) when ``query`` is an arXiv id or a DOI, to look up exactly."""
    text = query.strip()
    if m := _ARXIV.match(text):
        return str(MSKG.arxivId), m.group(1)
    if m := _DOI.match(text):
        return str(BIBO.doi), m.group(1)
    return None


def identified_paper(path: str, query: str) -> str | None:
    """The paper whose arXiv id or DOI ``query`` is (an anchored look-up in the store)."""
    found = identifier_of(query)
    if found is None:
        return None
    rows = open_store(path).select(internal("paper-by-identifier", property=found[0],
                                            literals={"value": found[1]})).rows
    return str(rows[0]["p"]) if rows else None


def search(index: SearchIndex, query: str, limit: int = 8) -> list[Hit]:
    """The best ``limit`` things for ``query``, one hit per thing, best first."""
    query = query.strip()
    if len(query) < 2:
        return []
    hits = [*(h for k in ("model", "dataset") for h in _whole_name_hits(index, k, query, limit)),
            *(h for k in KINDS for h in _word_hits(index, k, query, limit))]
    best: dict[str, Hit] = {}
    for h in sorted(hits, key=lambda h: (-h.score * WEIGHT[h.kind], len(h.matched), h.label)):
        best.setdefault(h.iri, h)
    return list(best.values())[:limit]


@st.cache_resource(show_spinner="Indexing the graph for search…", max_entries=4)
def search_index(path: str, version: str) -> SearchIndex:
    """One index per store and graph version, shared by every session of the process."""
    return build_index(open_store(path).select(internal("search-index")).rows)


def sidebar(path: str, pages: dict[str, Any]) -> None:
    """The search box at the top of the sidebar; hits link to their detail pages
    (``pages``: kind -> the ``st.Page`` of that kind)."""
    query = st.sidebar.text_input("Search", key="w_search", placeholder="models, papers, datasets, authors",
                                  help="Typos are fine: 'MedSMA2' finds MedSAM2. Press Enter to search.")
    if not query.strip():
        return
    index = search_index(path, graph_version(path))
    paper = identified_paper(path, query)
    hits = ([Hit("paper", paper, index.labels.get(paper, paper), index.hints.get(paper, ""), query, 100.0)]
            if paper else search(index, query))
    if not hits:
        st.sidebar.caption(f"Nothing in the graph resembles '{query.strip()}'.")
        return
    for hit in hits:
        also = f" (as {hit.matched})" if hit.matched != hit.label and hit.kind in ("model", "dataset") else ""
        hint = f" · {hit.hint}" if hit.hint else ""
        st.sidebar.page_link(pages[hit.kind], label=f"{_plain(hit.label)}{_plain(also)}", icon=ICON[hit.kind],
                             help=f"{hit.kind}{_plain(hint)}", query_params=hit.query_params)


def _plain(text: str) -> str:
    """A label shown as text: page links render Markdown, which a title must not inject."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", text)
