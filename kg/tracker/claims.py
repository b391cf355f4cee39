"""Result claims read from a paper's own words: "achieves an average Dice of 89.2% on BTCV",
"81.88 DSC and 20.64 HD on the Synapse multi-organ segmentation dataset", "DSC 0.912 on AMOS".

A claim is a proposal shown to a reviewer, never a Result: nothing here writes to the
graph. Each claim keeps the sentence it came from, so the reviewer can judge it.

The rules, and why: abstracts report Dice as a percent ("89.2%"), a fraction ("0.912") or a
bare number ("81.88 DSC"); all become percent. A number belongs to the metric word nearest
to it in its sentence ("81.88 DSC and 20.64 HD": 20.64 is a Hausdorff distance), and
numbers that are not scores of the paper's model are left out: differences ("by 4.39%",
"up to 12% higher"), baselines ("from 29.68% to 74.40%": the first), medians in
parentheses, ranges ("0.203-0.308"), thresholds and hedges ("almost 1.0", "P < .001").
The dataset is the one the gazetteer (:mod:`kg.tracker.linking`) finds in the same
sentence, after the number if any ("... on BTCV"), else before; numbers of a list paired
with a list of datasets ("respectively") are paired in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from kg.tracker.linking import Gazetteer, Link

_DICE = r"(?:dice(?:\s+similarity)?(?:\s+(?:coefficients?|scores?|index|metric))?|DSCs?|mDSC|mDice)"
_OTHER = (r"(?:HD\d*|Hausdorff|IoU|mIoU|Jaccard|NSD|ASSD|ASD|MSD\s+distance|sensitivity|specificity|precision|"
          r"recall|accuracy|AUC|AUROC|F1|Spearman|Pearson|correlation|r[sp]?\s*=|P\s*[<=>]|p-value|mm|seconds?|"
          r"parameters|GFLOPs|FLOPs|times|rates?)")
_METRIC = re.compile(rf"(?<![\w-])(?:(?P<dice>{_DICE})|(?P<other>{_OTHER}))(?![\w-])", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.\-–])(?P<num>\d{1,3}(?:\.\d+)?|\.\d+)(?P<pct>\s*\\?%)?(?![\w.]*\d)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[$\\])")
_BEFORE_DELTA = re.compile(r"(?:\bby|\bfrom|\bimprovements?(?:\s+of)?(?:\s+up\s+to)?|\bgains?(?:\s+of)?|"
                           r"\bincreases?(?:\s+of)?|\bdrops?(?:\s+of)?|\bmargins?(?:\s+of)?|\bover|\bmore\s+than|\bless\s+than|\babove|\bbelow|"
                           r"\bexceed\w*|\balmost|\bnearly|\bnear|\bapproximately|\baround|\babout|\branging|"
                           r"[<>≤≥±]|\+/-)\s*(?:of\s+)?$", re.IGNORECASE)
_AFTER_DELTA = re.compile(r"^\s*(?:\\?%)?\s*(?:higher|lower|better|worse|improvement|increase|decrease|gain|"
                          r"points?|pp\b|relative|absolute|more|less|fewer|[-–]\s*\d)", re.IGNORECASE)
_JOINER = re.compile(r"^\s*(?:\\?%)?\s*(?:,|and|or|,\s*and|/)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """A Dice score an abstract claims, as a proposal for a reviewer."""

    metric: str  # "Dice" (DSC, Dice similarity coefficient, Dice score are all Dice)
    value: Decimal  # percent
    written: str  # the number as the text writes it ("0.912", "89.2%")
    dataset: str | None  # the dataset's Name in the survey database, as the gazetteer keys it
    dataset_text: str | None  # the words that named it
    sentence: str

    def describe(self) -> str:
        where = f" on {self.dataset}" if self.dataset else " (no dataset named)"
        return f"{self.metric} {self.value}%{where}: \"{self.sentence}\""


def sentences(text: str) -> list[str]:
    """The sentences of an abstract (a decimal point or 'e.g.' does not end one)."""
    return [s.strip() for s in _SENTENCE.split(" ".join(text.split())) if s.strip()]


def _percent(number: str, pct: bool) -> Decimal | None:
    value = Decimal(number)
    if not pct and value <= 1 and "." in number:
        value = value * 100  # a fraction: 0.912 -> 91.2
    elif not pct and value < 10:
        return None  # "5 input points", "3 datasets": small bare integers are counts, not scores
    value = value.normalize()
    if value == value.to_integral():
        value = value.quantize(Decimal(1))
    return value if Decimal(0) <= value <= Decimal(100) else None


def _owner(sentence: str, start: int, end: int, metrics: list[re.Match[str]]) -> re.Match[str] | None:
    """The metric word a number belongs to: the nearest one in its sentence, a following word
    only when it comes right after the number ("81.88 DSC")."""
    after = [m for m in metrics if m.start() >= end and sentence[end:m.start()].strip(" %\\") == ""]
    before = [m for m in metrics if m.end() <= start]
    near_after = after[0] if after else None
    near_before = before[-1] if before else None
    if near_after is not None:
        return near_after
    return near_before


def _numbers(sentence: str) -> list[tuple[re.Match[str], bool]]:
    """Every number with whether it can be a score at all (not a difference, baseline,
    median in parentheses, range end, threshold or hedge)."""
    found = []
    for m in _NUMBER.finditer(sentence):
        head, tail = sentence[:m.start()], sentence[m.end():]
        ok = not (_BEFORE_DELTA.search(head[-40:]) or _AFTER_DELTA.match(tail)
                  or head.endswith("(") and re.search(r"\d\s*\($", head)
                  or re.search(r"[-–]\s*$", head) and re.search(r"\d\s*[-–]\s*$", head)
                  or re.search(r"(?:\bn|\bN)\s*=\s*$", head))
        found.append((m, bool(ok)))
    return found


def _coordinated(sentence: str, numbers: list[tuple[re.Match[str], bool]]) -> list[tuple[re.Match[str], bool]]:
    """A number joined to the one before by 'and' or a comma shares its fate ("by 4.39% and
    6.68%": both differences; "of 0.80 and 0.82": both scores)."""
    out: list[tuple[re.Match[str], bool]] = []
    for i, (m, ok) in enumerate(numbers):
        if i and _JOINER.match(sentence[numbers[i - 1][0].end():m.start()]):
            ok = out[-1][1] and ok
        out.append((m, ok))
    return out


def _datasets(links: list[Link]) -> list[Link]:
    return [ln for ln in links if ln.kind == "dataset"]


def _assign(claims: list[tuple[re.Match[str], Decimal]], sentence: str, datasets: list[Link]) -> list[Link | None]:
    if not datasets:
        return [None] * len(claims)
    distinct = list({ln.start: ln for ln in datasets}.values())
    if len(claims) > 1 and len(distinct) == len(claims) and "respectively" in sentence.lower():
        return list(distinct)
    out: list[Link | None] = []
    for m, _ in claims:
        after = [ln for ln in distinct if ln.start >= m.end()]
        before = [ln for ln in distinct if ln.end <= m.start()]
        out.append(after[0] if after else (before[-1] if before else None))
    return out


def claims_in_sentence(sentence: str, gazetteer: Gazetteer) -> list[Claim]:
    metrics = list(_METRIC.finditer(sentence))
    if not any(m.group("dice") for m in metrics):
        return []
    kept: list[tuple[re.Match[str], Decimal]] = []
    for m, ok in _coordinated(sentence, _numbers(sentence)):
        owner = _owner(sentence, m.start(), m.end(), metrics)
        if not ok or owner is None or not owner.group("dice"):
            continue
        value = _percent(m.group("num"), bool(m.group("pct")))
        if value is not None:
            kept.append((m, value))
    links = _assign(kept, sentence, _datasets(gazetteer.link(sentence)))
    return [Claim("Dice", value, m.group(0).strip(), ln.key if ln else None, ln.evidence if ln else None, sentence)
            for (m, value), ln in zip(kept, links)]


def extract_claims(text: str | None, gazetteer: Gazetteer) -> list[Claim]:
    """Every Dice claim of ``text`` (an abstract, a comment), in reading order."""
    if not text:
        return []
    return [c for s in sentences(text) for c in claims_in_sentence(s, gazetteer)]


@dataclass(frozen=True)
class ClaimScore:
    """Extraction against hand labels: a found claim is right when a gold claim of the same
    paper has its value (0.01 apart at most; each gold claim matched once), and fully right
    when the dataset agrees too (None for a claim whose dataset the labels leave open)."""

    gold: int
    found: int
    right: int
    fully_right: int

    @staticmethod
    def ratio(a: int, b: int) -> float:
        return a / b if b else 0.0

    def lines(self) -> list[str]:
        r = self.ratio
        return [f"gold claims {self.gold}, extracted {self.found}",
                f"value:           precision {r(self.right, self.found):.3f} ({self.right}/{self.found}), "
                f"recall {r(self.right, self.gold):.3f} ({self.right}/{self.gold})",
                f"value + dataset: precision {r(self.fully_right, self.found):.3f} ({self.fully_right}/{self.found}), "
                f"recall {r(self.fully_right, self.gold):.3f} ({self.fully_right}/{self.gold})"]


def score_claims(found: list[tuple[str, Claim]], gold: list[dict[str, str | None]]) -> ClaimScore:
    """Score ``found`` (paper id, claim) against ``gold`` ({'paper', 'value', 'dataset'})."""
    open_gold = list(gold)
    right = fully = 0
    for paper, claim in found:
        match = next((g for g in open_gold if g["paper"] == paper
                      and abs(Decimal(str(g["value"])) - claim.value) <= Decimal("0.01")), None)
        if match is None:
            continue
        open_gold.remove(match)
        right += 1
        fully += match.get("dataset") == claim.dataset
    return ClaimScore(len(gold), len(found), right, fully)
