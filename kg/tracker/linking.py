"""Entity linking: find the survey's datasets, base models and imaging modalities in free text.

New papers arrive as title + abstract; to place them in the graph we need to
know which datasets they evaluate on ('Synapse multi-organ' is BTCV), which
model they build on ('Segment Anything Model 2' is SAM 2, not SAM) and which
modalities they touch. A gazetteer with explicit rules beats fuzzy matching
here: acronyms are short and collide with ordinary words ('SAT', 'PET', 'CT'
inside 'CTSpine1K'), so every alias matches on word boundaries, short or
acronym-like aliases only with their exact case, and the longest match wins.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kg.aliases import gazetteer_aliases

if TYPE_CHECKING:  # pragma: no cover - typing only; ingest never imports kg
    from ingest.records import SurveyDatabase

__all__ = ["DATASET_ALIASES", "MODALITY_ALIASES", "MODEL_ALIASES", "Gazetteer", "Link"]

Kind = str  # 'dataset' | 'model' | 'modality'


@dataclass(frozen=True, order=True)
class Link:
    """``key`` is the dataset Name / model ID / modality label as the source tables write it."""

    start: int
    kind: Kind
    key: str
    evidence: str  # the text that matched, as written

    @property
    def end(self) -> int:
        return self.start + len(self.evidence)


# ---- hand-written alias tables (target -> aliases): their one home is kg/data/aliases.toml ([gazetteer.*]),
# shared with entity resolution, and exported under these names as part of this module's API.

DATASET_ALIASES, MODEL_ALIASES, MODALITY_ALIASES = gazetteer_aliases()

_SEPARATOR = re.compile(r"[\s\-_]+")
_WORD_CHAR = "A-Za-z0-9"


def canonical(alias: str, fold: bool) -> str:
    """Spaces, hyphens and underscores are one separator; case folded unless the alias is exact-case."""
    text = _SEPARATOR.sub(" ", alias.strip())
    return text.lower() if fold else text


def is_exact_case(alias: str) -> bool:
    """Short aliases ('CT', 'SAT', 'SAM 2') and single acronym-like words ('BraTS', 'MedSAM', 'nnU-Net')
    keep their case: 'sat', 'pet' and 'brats' in lower case are other words or sloppy text."""
    alias = alias.strip()
    if len(alias) <= 5:
        return True
    if " " in alias:
        return False
    return any(c.isupper() for c in alias[1:]) or any(c.isdigit() for c in alias)


def _alias_regex(alias: str) -> str:
    parts = [re.escape(p) for p in _SEPARATOR.split(alias.strip()) if p]
    return r"[\s\-_]+".join(parts)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _name_overlap(key: str, alias: str) -> int:
    return len(_words(key) & _words(alias))


class Gazetteer:
    """Aliases of datasets, models and modalities, matched longest-first on word boundaries.

    Each table maps a key (dataset Name, model ID, modality label) to its aliases;
    the key itself is always an alias. An alias claimed by several keys of one
    kind goes to the key it *is* (canonically equal), else to the keys sharing
    most words with it; remaining ties are all reported, which is honest for
    genuinely ambiguous names. ``exact_case`` forces aliases (e.g. long proper
    names such as dataset full names) to match only with their written case.
    """

    def __init__(
        self,
        datasets: Mapping[str, Sequence[str]],
        models: Mapping[str, Sequence[str]],
        modalities: Mapping[str, Sequence[str]] | None = None,
        exact_case: Iterable[str] = (),
    ) -> None:
        forced = {a.strip() for a in exact_case}
        tables = {
            "dataset": datasets,
            "model": models,
            "modality": MODALITY_ALIASES if modalities is None else modalities,
        }
        # (exact?, canonical alias) -> kind -> keys
        claims: dict[tuple[bool, str], dict[Kind, set[str]]] = defaultdict(lambda: defaultdict(set))
        spelled: dict[tuple[bool, str], str] = {}
        for kind, table in tables.items():
            for key, aliases in table.items():
                for alias in [key, *aliases]:
                    if not alias or not alias.strip():
                        continue
                    exact = alias.strip() in forced or is_exact_case(alias)
                    token = (exact, canonical(alias, fold=not exact))
                    claims[token][kind].add(key)
                    spelled.setdefault(token, alias.strip())
        self._entries: dict[tuple[bool, str], list[tuple[Kind, str]]] = {}
        for token, by_kind in claims.items():
            resolved: list[tuple[Kind, str]] = []
            for kind, keys in sorted(by_kind.items()):
                own = [k for k in keys if canonical(k, fold=not token[0]) == token[1]]
                if own:
                    keys = set(own)
                elif len(keys) > 1:
                    best = max(_name_overlap(k, token[1]) for k in keys)
                    keys = {k for k in keys if _name_overlap(k, token[1]) == best}
                resolved += [(kind, k) for k in sorted(keys)]
            self._entries[token] = resolved
        self._patterns = []
        for exact in (True, False):
            aliases = sorted({spelled[t] for t in self._entries if t[0] == exact}, key=lambda a: (-len(a), a))
            if not aliases:
                continue
            body = "|".join(_alias_regex(a) for a in aliases)
            # a zero-width look-ahead finds a match at *every* start, so a short early match cannot hide a longer one
            pattern = rf"(?<![{_WORD_CHAR}])(?=((?:{body}))(?![{_WORD_CHAR}]))"
            self._patterns.append((exact, re.compile(pattern, 0 if exact else re.IGNORECASE)))

    def link(self, text: str) -> list[Link]:
        """All links in ``text``, in order of position; overlapping matches keep the longest
        (so 'SAM 2' yields SAM 2 and not also SAM; 'Pancreas-CT' yields the dataset, not CT)."""
        candidates: list[tuple[int, int, list[tuple[Kind, str]]]] = []
        for exact, pattern in self._patterns:
            for m in pattern.finditer(text):
                start, end = m.start(1), m.end(1)
                entries = self._entries.get((exact, canonical(m.group(1), fold=not exact)))
                if entries:
                    candidates.append((start, end, entries))
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken: list[tuple[int, int]] = []
        links: set[Link] = set()
        for start, end, entries in candidates:
            if any(start < e and s < end for s, e in taken if (s, e) != (start, end)):
                continue
            taken.append((start, end))
            links.update(Link(start, kind, key, text[start:end]) for kind, key in entries)
        return sorted(links)

    # ---- building from the survey database

    @classmethod
    def from_survey_database(cls, db: SurveyDatabase) -> Gazetteer:
        """Datasets from Name, Full Name and versioned sub-datasets; models from ID and Visual Backbone;
        plus the hand-written alias tables (kg/data/aliases.toml)."""
        datasets: dict[str, list[str]] = {d.name: [] for d in db.datasets}
        full_names: set[str] = set()
        for d in db.datasets:
            names = [n.strip() for n in d.name.split(" / ")] if " / " in d.name else []
            datasets[d.name] += names
            if d.full_name and d.full_name != d.name and _distinctive(d.full_name):
                datasets[d.name].append(d.full_name)
                full_names.add(d.full_name)
        for d in db.datasets:
            for sub in d.sub_datasets:
                parent = _versioned_parent(sub, d.name)
                if parent and sub not in datasets:
                    datasets[d.name] += _year_variants(sub)
        for target, aliases in DATASET_ALIASES.items():
            if target in datasets:
                datasets[target] += aliases
            elif target == "MSD":  # the decathlon as a whole: the tables name it only as a sub-dataset ('MSD')
                datasets[target] = list(aliases)
        models: dict[str, list[str]] = {m.id: [] for m in db.models}
        for m in db.models:
            paren = re.fullmatch(r"(.+?)\s*\((.+)\)", m.id)
            if paren:
                models[m.id] += [paren.group(1), paren.group(2)]
        squashed = {re.sub(r"[^a-z0-9+]", "", k.lower()): k for k in models}
        for m in db.models:
            for part in (m.backbone or "").split(","):
                name = re.sub(r"^(?:2D\+3D|2D|3D)\s+", "", part.strip())
                name = re.sub(r"\s+framework$", "", name)
                target = squashed.get(re.sub(r"[^a-z0-9+]", "", name.lower()))
                if target and name != target:
                    models[target].append(name)
        for target, aliases in MODEL_ALIASES.items():
            if target in models:
                models[target] += aliases
            elif target == "CLIP":  # a base model outside the survey database
                models[target] = list(aliases)
        return cls(datasets, models, MODALITY_ALIASES, exact_case=full_names)


def _distinctive(full_name: str) -> bool:
    """Full names of three words or fewer ('Brain Tumor Segmentation') are ordinary phrases in abstracts."""
    words = full_name.split()
    return len(words) >= 4 or any(re.search(r"\d|[a-z][A-Z]", w) for w in words)


def _versioned_parent(sub: str, parent: str) -> bool:
    """'BraTS 2021' is a version of BraTS, 'KiTS19' of KiTS; 'TCIA' under FLARE is a *source*, and
    mentioning it says nothing about FLARE, so only sub-datasets named after their parent are aliases."""
    heads = [parent] + (parent.split(" / ") if " / " in parent else [])
    return any(canonical(sub, True).startswith(canonical(h, True)) and sub != h for h in heads)


def _year_variants(name: str) -> list[str]:
    """'BraTS 2021' <-> 'BraTS2021' <-> 'BraTS21'; 'KiTS19' <-> 'KiTS 2019'."""
    m = re.fullmatch(r"(.*?[A-Za-z])[\s\-]*(?:20)?(\d{2})", name)
    if not m:
        return [name]
    head, yy = m.group(1), m.group(2)
    return sorted({name, f"{head} 20{yy}", f"{head}20{yy}", f"{head}{yy}", f"{head} {yy}"})
