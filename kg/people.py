"""Author identity: one node per real person, whatever order, accents or initials a source
spells the name with.

The survey database's BibTeX writes "Merhof, Dorit", the arXiv snapshot "Dorit Merhof";
both are one person. Names are read into one order ("Given Family"), compared without
accents or case, and matched across sources in this order: the same name, then initials
("D. Merhof" = "Dorit Merhof" when exactly one full name fits), then a shared Semantic
Scholar author id or ORCID iD. Two different ORCID iDs are never merged. What was merged,
and what looked alike but was kept apart, is reported (``kg build -v``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from ingest.ids import slugify
from ingest.text import decode_markup

# Lower-case words that belong to a family name ("Ludwig van Beethoven", "Vincenzo de Luca").
_PARTICLES = {
    "van",
    "von",
    "de",
    "der",
    "den",
    "del",
    "della",
    "di",
    "da",
    "du",
    "le",
    "la",
    "dos",
    "das",
    "ter",
    "ten",
}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
NEAR_MISS_MIN = 90  # rapidfuzz ratio of two folded names kept apart that still deserve a look


@dataclass(frozen=True)
class NameMention:
    """One author name as one source wrote it."""

    raw: str
    source: str  # 'arxiv-snapshot', 'result-source', ...
    s2_author_id: str | None = None
    orcid: str | None = None


@dataclass
class Person:
    name: str  # "Given Family", decoded
    forms: set[str] = field(default_factory=set)  # decoded spellings the sources used
    sources: set[str] = field(default_factory=set)
    s2_author_ids: set[str] = field(default_factory=set)
    orcids: set[str] = field(default_factory=set)


@dataclass
class PeopleReport:
    people: int
    names: int  # distinct spellings read
    merged: int  # persons whose spellings made more than one node before they were matched
    merges: list[str]  # one line per person whose spellings would have made several nodes
    near_misses: list[str]  # names kept apart that look alike


def display_name(raw: str) -> str:
    """'Merhof, Dorit' -> 'Dorit Merhof'; 'J\\"ager, Paul F.' -> 'Paul F. Jäger'; a name
    already in given-family order is only decoded and its spaces tidied."""
    text = " ".join(decode_markup(raw).split())
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and all(parts):
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and all(parts) and parts[1].lower() in _SUFFIXES:  # BibTeX 'von Last, Jr, First'
        return f"{parts[2]} {parts[0]} {parts[1]}"
    return text


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
# Letters that Unicode does not decompose into a base letter and an accent, so NFKD keeps
# them whole and the ASCII filter below would cut the name in two ('Søren' -> 's ren',
# never equal to 'Soren' nor fitting 'S.'): spelled the way names are written without them.
_UNDECOMPOSED = str.maketrans({
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ı": "i",
    "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "þ": "th", "Þ": "Th", "ß": "ss",
})


def fold(text: str, umlauts: bool = True) -> str:
    """Accents, case and punctuation away; German umlauts as their spelled-out pairs, the
    way names are written without them ('Jäger' = 'Jaeger'), or, with ``umlauts=False``,
    dropped like any accent ('Jäger' = 'Jager')."""
    text = unicodedata.normalize("NFC", text)
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS) if umlauts else text).translate(_UNDECOMPOSED)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^a-z]+", " ", text).split())


def _split(name: str, umlauts: bool = True) -> tuple[list[str], str]:
    """Given-name tokens and family name (folded) of a display name. An initial stays one
    letter however its letter folds ('Ü.' and 'Æ.' are 'u' and 'a', not 'ue' and 'ae')."""
    tokens = []
    for word in re.split(r"[\s\-\u2010]+", name):
        folded = fold(word, umlauts).split()
        if sum(c.isalpha() for c in word) == 1 and folded:
            folded = [folded[0][0]]
        tokens += [t for t in folded if t not in _SUFFIXES]
    if not tokens:
        return [], ""
    start = len(tokens) - 1
    while start > 0 and tokens[start - 1] in _PARTICLES:
        start -= 1
    return tokens[:start], " ".join(tokens[start:])


def _key(name: str, umlauts: bool = True) -> tuple[str, str]:
    given, family = _split(name, umlauts)
    return " ".join(given), family


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(b)] = self.find(a)


class People:
    """The persons behind a set of name mentions; ``person(raw)`` finds one by any spelling."""

    def __init__(self, mentions: Iterable[NameMention]) -> None:
        self._mentions = list(mentions)
        self._spellings = sorted({display_name(m.raw) for m in self._mentions})
        index = {s: i for i, s in enumerate(self._spellings)}
        union = _Union(len(self._spellings))
        self.how: dict[int, set[str]] = defaultdict(set)
        self._join_same_names(union)
        self._join_by_identifier(union, index)
        near = self._join_by_initials(union)
        clusters: dict[int, list[str]] = defaultdict(list)
        for s in self._spellings:
            clusters[union.find(index[s])].append(s)
        self._of: dict[str, Person] = {}
        for names in clusters.values():
            person = Person(name=max(names, key=_completeness))
            for name in names:
                self._of[name] = person
        for m in self._mentions:
            p = self._of[display_name(m.raw)]
            p.forms.add(" ".join(decode_markup(m.raw).split()))
            p.sources.add(m.source)
            p.s2_author_ids |= {m.s2_author_id} if m.s2_author_id else set()
            p.orcids |= {m.orcid} if m.orcid else set()
        self.report = self._report(clusters, index, near)

    def person(self, raw: str) -> Person:
        return self._of[display_name(raw)]

    def persons(self) -> list[Person]:
        return list({id(p): p for p in self._of.values()}.values())

    def _join_same_names(self, union: _Union) -> None:
        for umlauts in (True, False):
            by_key: dict[tuple[str, str], int] = {}
            for i, s in enumerate(self._spellings):
                k = _key(s, umlauts)
                if k in by_key:
                    union.join(by_key[k], i)
                    self.how[i].add("name order, accents or case")
                else:
                    by_key[k] = i

    def _join_by_identifier(self, union: _Union, index: dict[str, int]) -> None:
        orcid_of: dict[int, str] = {}
        for m in self._mentions:
            if m.orcid:
                i = index[display_name(m.raw)]
                orcid_of.setdefault(union.find(i), m.orcid)
        for attr in ("orcid", "s2_author_id"):
            first: dict[str, int] = {}
            for m in self._mentions:
                value = getattr(m, attr)
                if not value:
                    continue
                i = index[display_name(m.raw)]
                if value not in first:
                    first[value] = i
                    continue
                a, b = union.find(first[value]), union.find(i)
                if a != b and not (orcid_of.get(a) and orcid_of.get(b) and orcid_of[a] != orcid_of[b]):
                    union.join(a, b)
                    self.how[i].add("ORCID iD" if attr == "orcid" else "Semantic Scholar author id")

    def _join_by_initials(self, union: _Union) -> list[str]:
        """'D. Merhof' and 'Alan Yuille' join 'Dorit Merhof' and 'Alan L. Yuille' when exactly
        one more complete name of that family fits; several fits are reported, not merged."""
        near: list[str] = []
        # Both ways of folding umlauts: 'Ü.' is 'ue' spelled out, and only 'u' fits 'Ülkü'
        # as an initial; 'Jager' is a family 'Jäger' only with umlauts dropped.
        split = {u: [_split(s, u) for s in self._spellings] for u in (True, False)}
        by_family: dict[tuple[bool, str], list[int]] = defaultdict(list)
        for u, parts in split.items():
            for i, (_, family) in enumerate(parts):
                by_family[u, family].append(i)
        order = sorted(range(len(self._spellings)), key=lambda i: _completeness(self._spellings[i]))
        for i in order:
            mine = _completeness(self._spellings[i])
            fits = sorted({
                j
                for u, parts in split.items()
                for j in by_family[u, parts[i][1]]
                if union.find(j) != union.find(i)
                and _completeness(self._spellings[j]) > mine
                and _given_fit(parts[i][0], parts[j][0])
            })
            roots = {union.find(j) for j in fits}
            if len(roots) == 1:
                union.join(fits[0], i)
                self.how[i].add("initials")
            elif len(roots) > 1:
                near.append(
                    f"'{self._spellings[i]}' fits {len(roots)} people "
                    f"({', '.join(self._spellings[j] for j in fits)}); kept apart"
                )
        return near

    def _report(self, clusters: dict[int, list[str]], index: dict[str, int], near: list[str]) -> PeopleReport:
        merges = []
        for names in sorted(clusters.values(), key=lambda ns: max(ns, key=_completeness)):
            person = self._of[names[0]]
            slugs = {slugify(f) for f in person.forms}
            if len(person.forms) > 1:
                hows = set().union(*(self.how.get(index[n], set()) for n in names))
                if len(person.forms) > len(names) or not hows:  # two spellings, one name in given-family order
                    hows.add("name order, accents or case")
                how = ", ".join(sorted(hows))
                merges.append(
                    f"{person.name}: {' = '.join(sorted(person.forms))} ({how}; "
                    f"{len(slugs)} node{'s' if len(slugs) > 1 else ''} before)"
                )
        keys = sorted({(fold(p.name), p.name) for p in self.persons()})
        for (a, name_a), (b, name_b) in zip(keys, keys[1:]):
            score = fuzz.ratio(a, b)
            if score >= NEAR_MISS_MIN and _split(name_a)[1] == _split(name_b)[1]:
                near.append(f"'{name_a}' and '{name_b}' look alike ({score:.0f}); kept apart")
        merged_nodes = sum(len({slugify(f) for f in p.forms}) > 1 for p in self.persons())
        spellings = {" ".join(decode_markup(m.raw).split()) for m in self._mentions}
        return PeopleReport(
            people=len(clusters), names=len(spellings), merged=merged_nodes, merges=merges, near_misses=near
        )


def _token_fit(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _given_fit(short: list[str], full: list[str]) -> bool:
    """'d' fits 'dorit'; 'alan' fits 'alan l'; 'j m' fits 'jean marc'; 'jun' does not fit 'jie'.
    The first given names must fit; every other name of ``short`` must fit one of ``full``'s.
    Initials alone may leave names of ``full`` out ('j' fits 'jean marc', as 'J. Müller' is
    written for Jean-Marc Müller): they say no more than a first letter. A spelled-out given
    name may leave out only initials ('jun' does not fit 'jun ming')."""
    if not short or not full or not _token_fit(short[0], full[0]):
        return False
    rest = list(full[1:])
    for token in short[1:]:
        hit = next((k for k, t in enumerate(rest) if _token_fit(token, t)), None)
        if hit is None:
            return False
        del rest[: hit + 1]
    return all(len(t) == 1 for t in rest) or len(short) == len(full) or all(len(t) == 1 for t in short)


def _completeness(name: str) -> tuple[int, int, str]:
    """Prefer the spelling with the longest given name, then the one with accents."""
    given, _ = _split(name)
    return (sum(len(t) for t in given), sum(not c.isascii() for c in name), name)
