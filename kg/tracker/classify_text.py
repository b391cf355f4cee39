"""Text as the paper classifier sees it: normalised words, the SAM / SAM 2 anchor tokens, features.

Both stages of the classifier work on the same normalised text: the TF-IDF
vectors are built from :func:`features`, and the cue phrases and section
anchors are matched against the word lists of :func:`document`. One home for
the normalisation keeps the two from drifting apart.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

__all__ = ["SAM_TOKENS", "Document", "document", "features", "normalise", "tokens"]

# SAM 2 must be told apart from SAM: 'SAM 2', 'SAM-2', 'SAM2', 'MedSAM2', 'Segment Anything Model 2'
# all become the token ``sam2``; 'SAM', 'MedSAM', 'SAM-Med3D', 'Segment Anything' become ``sam``.
# 'SAM 2D' / 'SAM-Med2D' are not SAM 2.
_ANCHOR = re.compile(
    r"(?P<sam2>(?i:segment[\s-]+anything(?:[\s-]+model)?[\s-]*v?2)(?![\w.]\d|[A-Za-z\d])"
    r"|[A-Za-z\d]*SAM[\s-]?v?2(?![A-Za-z\d]|\.\d*[A-Za-z]))"
    r"|(?P<sam>(?i:segment[\s-]+anything(?:[\s-]+model)?)|[A-Za-z\d]*SAM[A-Za-z\d]*)"
)
SAM_TOKENS = ("sam", "sam2")  # what _ANCHOR emits; a SAM mention implies segmentation and a generalist base
_WORD = re.compile(r"[a-z][a-z0-9]*|[0-9]+[a-z][a-z0-9]*")
_STOP = frozenset([
    "a", "an", "the", "of", "for", "to", "in", "on", "and", "or", "with", "by", "from", "as", "at", "is",
    "are", "be", "been", "was", "were", "this", "that", "these", "those", "we", "our", "us", "it", "its",
    "their", "they", "which", "who", "can", "could", "may", "might", "will", "would", "also", "than", "then",
    "such", "via", "into", "using", "use", "used", "based", "both", "only", "other", "not", "no", "but",
    "while", "over", "under", "between", "more", "most", "however", "here", "there", "each", "all", "any",
    "new", "propose", "proposed", "method", "methods", "approach", "paper", "study", "results", "show",
    "shows", "model", "models",
])


def _anchor_replacement(match: re.Match[str]) -> str:
    anchor = "sam2" if match.group("sam2") else "sam"
    plain = re.sub(r"[^a-z0-9]+", " ", match.group(0).lower()).strip()
    return f" {anchor} " if plain.replace(" ", "") == anchor else f" {plain} {anchor} "


def normalise(text: str) -> str:
    """Lower-case text with SAM/SAM 2 mentions turned into the anchor tokens ``sam`` / ``sam2``."""
    return _ANCHOR.sub(_anchor_replacement, text).lower()


def _stem(word: str) -> str:
    """A deliberately crude plural/ending folder: enough to pair 'adapters' with 'adapter'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(normalised: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(normalised) if w not in _STOP and len(w) > 1]


def features(norm_title: str, norm_abstract: str) -> Counter[str]:
    """Unigrams and bigrams of normalised text; the title counts twice because it is the
    densest statement of scope."""
    counts: Counter[str] = Counter()
    for text, weight in ((norm_title, 2), (norm_abstract, 1)):
        words = tokens(text)
        for w in words:
            counts[w] += weight
        for a, b in itertools.pairwise(words):
            counts[f"{a} {b}"] += weight
    return counts


@dataclass
class Document:
    """One paper ready for both stages; word lists come in pairs because cue phrases with a capital
    letter match the original case and all others the normalised text."""

    title: str
    abstract: str
    norm_title: str
    norm_abstract: str
    title_words: tuple[list[str], list[str]]  # (lower-case from the normalised text, original case)
    abstract_words: tuple[list[str], list[str]]


def document(title: str, abstract: str | None) -> Document:
    title = title or ""
    abstract = abstract or ""
    norm_title, norm_abstract = normalise(title), normalise(abstract)

    def words(original: str, normalised: str) -> tuple[list[str], list[str]]:
        return re.findall(r"[a-z0-9]+", normalised), re.findall(r"[A-Za-z0-9]+", original)

    return Document(title, abstract, norm_title, norm_abstract, words(title, norm_title),
                    words(abstract, norm_abstract))
