"""Suggestions for accepting a paper as a model, shown to the reviewer before anything is
written: the model's name from the title ("MedSAM2: Segment Anything in 3D..." -> MedSAM2),
its base model and datasets from the gazetteer (:mod:`kg.tracker.linking`), its code URL
from the paper's own words (abstract, arXiv comments) or a source's code link, and the
Dice claims of its abstract (:mod:`kg.tracker.claims`).

Every field is a proposal; :meth:`Suggestion.accepted` turns the reviewer's answers (any
field they gave overrides the suggestion) into :class:`kg.mapping.accepted.AcceptedModel`.
Claims become results only when the reviewer confirms them, one by one.
"""

from __future__ import annotations

import getpass
import re
import subprocess
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from ingest.ids import slugify
from kg.known_models import KnownModel, KnownNames, find_model, known_names
from kg.mapping.accepted import AcceptedModel, ConfirmedResult
from kg.queries import internal
from kg.store_base import GraphStore
from kg.tracker.claims import Claim, extract_claims
from kg.tracker.linking import Gazetteer

_CODE_URL = re.compile(r"https?://(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co|bitbucket\.org|"
                       r"[\w-]+\.github\.io)/[^\s)\]}>,;\"'`]+", re.IGNORECASE)
_NAME_TOKEN = r"[A-Za-z0-9][A-Za-z0-9+\-]*"
# A name is a word with an inner capital or a digit (MedSAM, SAM-Med3D, UNETR++, nnU-Net) or
# an acronym (SAT); 'Segment Anything' is a phrase, not a name.
_NAMELIKE = re.compile(r"^(?=.*[A-Z].*[A-Z0-9]|.*[0-9])[A-Za-z0-9+\-]{2,}$")
# "termed Mask-Enhanced SAM (M-SAM)": up to four capitalised words, then maybe an acronym
_INTRODUCING = re.compile(rf"\b(?i:termed|named|called|dubbed|coined|namely)\s+(?i:as\s+)?\(?"
                          rf"((?:[A-Z][\w+\-]*\s+){{0,3}}[A-Z0-9][\w+\-]*)(?:\s*\(({_NAME_TOKEN})\))?")
# "we propose the Decoupled SAM (DeSAM)", "we propose a dynamic on-demand network (DoDNet)"
_WE_ACRONYM = re.compile(rf"\b(?i:we)\s+(?:propose|present|introduce|develop|design|build)\b[^.;()]{{0,80}}?"
                         rf"\(({_NAME_TOKEN})\)")
_WE_PRESENT = re.compile(rf"\b(?i:we)\s+(?:propose|present|introduce|develop|design|build)\s+(?:the\s+)?"
                         rf"({_NAME_TOKEN})")
_OUR_MODEL = re.compile(rf"\b(?i:our|the\s+proposed)\s+(?:\w+\s+)?({_NAME_TOKEN})\s+"
                        r"(?:model|method|framework|network)\b")
# The words that say a paper builds on a model ("built upon ... SAM", "fine-tuning the
# Segment Anything Model 2"): such a mention outranks a model named only in passing.
_BUILDS_ON = re.compile(r"(?:built\s+(?:up)?on|based\s+on|fine-?tun\w*|adapt\w*|extend\w*|derived\s+from|"
                        r"on\s+top\s+of|initiali[sz]\w*\s+(?:from|with))\b[^.;]{0,60}$", re.IGNORECASE)


@dataclass
class Suggestion:
    """What the graph suggests for accepting ``paper`` as a model; ``notes`` say where each came from."""

    paper: str
    title: str
    name: str | None = None
    category: str | None = None
    based_on: str | None = None  # a model's label
    based_on_others: list[str] = field(default_factory=list)  # other models the paper names
    datasets: list[tuple[str, str]] = field(default_factory=list)  # (IRI, label), in order of mention
    code: str | None = None
    framework: str = "generalist"
    claims: list[Claim] = field(default_factory=list)
    claim_datasets: list[str | None] = field(default_factory=list)  # the IRI of each claim's dataset
    existing: KnownModel | None = None  # the model of that name the graph already has
    notes: dict[str, str] = field(default_factory=dict)

    def accepted(self, *, name: str | None = None, category: str | None = None, based_on: str | None = None,
                 code: str | None = None, framework: str | None = None, confirmed: list[int] | None = None,
                 by: str = "", decided: date | None = None) -> AcceptedModel:
        """The accepted-model facts: each field the reviewer gave, else the suggestion;
        results only for the claims whose indexes are in ``confirmed`` and that name a dataset."""
        results = []
        for i in confirmed or []:
            claim, dataset = self.claims[i], self.claim_datasets[i]
            if dataset is None:
                raise ValueError(f"claim {i + 1} ({claim.describe()}) names no dataset of the graph; "
                                 "add it to the results table with its dataset instead")
            results.append(ConfirmedResult(dataset, claim.value, "primary", claim.sentence))
        pick = (lambda given, suggested: suggested if given is None else given)  # noqa: E731 - '' clears a field
        return AcceptedModel(
            paper=self.paper, name=pick(name, self.name) or "", category=pick(category, self.category) or "",
            based_on=pick(based_on, self.based_on) or "", code=pick(code, self.code) or "",
            framework=pick(framework, self.framework) or "", results=tuple(results), by=by, decided=decided)

    def lines(self) -> list[str]:
        """The suggestion for a terminal, one field per line, with where it came from."""
        def show(label: str, value: object, key: str) -> str:
            note = self.notes.get(key)
            return f"{label:<10} {value if value else '-'}" + (f"  ({note})" if note else "")

        out = [f"paper      {self.paper}", f"title      {self.title}", show("model", self.name, "name"),
               show("class", self.category, "category"), show("based on", self.based_on, "based_on"),
               show("datasets", ", ".join(label for _, label in self.datasets), "datasets"),
               show("code", self.code, "code"), show("framework", self.framework, "framework")]
        for i, c in enumerate(self.claims, start=1):
            out.append(f"claim {i:<4} {c.describe()}")
        return out


def default_decider() -> str:
    """Who is deciding: ``git config user.name``, else the login name, else 'unknown'."""
    try:
        done = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False)
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return getpass.getuser() or "unknown"
    except (OSError, KeyError):  # no login name (e.g. a container without a passwd entry)
        return "unknown"


def _clean_title(title: str) -> str:
    return re.sub(r"\$[^$]*\$", " ", title).strip()


def name_from_title(title: str) -> str | None:
    """The model's name when the title starts with one: 'MedSAM2: Segment Anything in 3D
    Medical Images and Videos' -> 'MedSAM2'; 'SAMM (Segment Any Medical Model): ...' -> 'SAMM';
    a title that is only a name ('SAM-Med2D') is the name."""
    title = _clean_title(title)
    head = re.split(r"\s*[:—–]\s+|\s+-\s+", title, maxsplit=1)[0] if re.search(r":|\s[—–-]\s", title) else title
    head = re.sub(r"\s*\([^)]*\)\s*", " ", head).strip()
    words = head.split()
    if not 1 <= len(words) <= 4 or not any(_NAMELIKE.match(w) for w in words):
        return None
    return head


def name_from_abstract(abstract: str) -> str | None:
    """The name an abstract introduces: 'we propose the Decoupled SAM (DeSAM)' -> 'DeSAM',
    'we present MedSAM2, ...' -> 'MedSAM2', '... a 3D foundation model, named SegVol' -> 'SegVol'."""
    for m in _WE_ACRONYM.finditer(abstract):
        if _NAMELIKE.match(m.group(1)):
            return m.group(1)
    for pattern in (_WE_PRESENT, _INTRODUCING, _OUR_MODEL):
        for m in pattern.finditer(abstract):
            acronym = m.group(2) if pattern is _INTRODUCING else None
            if acronym and _NAMELIKE.match(acronym):
                return acronym
            if any(_NAMELIKE.match(w) for w in m.group(1).split()):
                return m.group(1).strip().rstrip("-")
    return None


def code_from_text(texts: list[str]) -> str | None:
    """The first code-hosting URL in ``texts`` (trailing punctuation removed)."""
    for text in texts:
        m = _CODE_URL.search(text or "")
        if m:
            return m.group(0).rstrip(".")
    return None


def _paper_text(store: GraphStore, paper: str) -> dict[str, list[str]]:
    rows = store.select(internal("paper-text", paper=paper)).rows
    if not rows:
        raise KeyError(f"no paper {paper} in the graph")
    out: dict[str, list[str]] = {}
    for r in rows:
        for key, value in r.items():
            if value is not None and value not in out.setdefault(key, []):
                out[key].append(str(value))
    return out


def _base_model(s: Suggestion, text: dict[str, list[str]], gazetteer: Gazetteer, known: KnownNames) -> None:
    """The model the paper says it builds on ("built upon ... SAM", "fine-tuning the Segment
    Anything Model 2"), else the one its class implies (SAM for a SAM-based class). Models
    named otherwise only go to ``based_on_others`` (title mentions first, then the most
    named): a model named in passing is as often a competitor as a base. Never the model itself."""
    title, body = " ".join(text.get("title", [])), " ".join(text.get("abstract", []))
    whole = title + "\n" + body
    links = [ln for ln in gazetteer.link(whole) if ln.kind == "model"]
    own = slugify(s.name) if s.name else None
    builds_on = {ln.key for ln in links if _BUILDS_ON.search(whole[max(0, ln.start - 80):ln.start])}
    implied = [m for m in (known.models.get(slugify(i.rsplit("/", 1)[-1])) for i in text.get("implied", [])) if m]
    in_title = {ln.key for ln in links if ln.start < len(title)}
    counts = Counter(ln.key for ln in links)
    ranked = sorted(counts, key=lambda k: (k not in builds_on, k not in in_title, -counts[k], k))
    models = [(k, m) for k, m in ((k, known.model(k)) for k in ranked) if m is not None
              and slugify(m.label) != own and (s.existing is None or m.iri != s.existing.iri)]
    s.based_on_others = [m.label for _, m in models]
    if models and models[0][0] in builds_on:
        key, model = models[0]
        s.based_on = model.label
        s.notes["based_on"] = f"the paper builds on it; named {counts[key]}x in the title and abstract"
    elif implied:
        s.based_on = implied[0].label
        s.notes["based_on"] = f"implied by the class '{s.category}'"
    s.based_on_others = [name for name in s.based_on_others if name != s.based_on]


def _name(s: Suggestion, text: dict[str, list[str]], known: KnownNames) -> None:
    """A model of the graph introduced in this very paper, else a name from the title, else
    one the abstract introduces ("we present MedSAM2", "termed ... (M-SAM)")."""
    own = sorted(m.label for m in known.models.values() if m.introduced_in == s.paper)
    from_title = None if own else name_from_title(s.title)
    from_abstract = None if own or from_title else name_from_abstract(" ".join(text.get("abstract", [])))
    s.name = (own or [None])[0] or from_title or from_abstract
    if not s.name:
        return
    s.notes["name"] = ("the graph's model introduced in this paper" if own else
                       "from the title" if from_title else "from the abstract")
    s.existing = known.model(s.name)
    if s.existing is not None and not own:
        s.notes["name"] += f"; links to the graph's model '{s.existing.label}' <{s.existing.iri}>"


def _claims(s: Suggestion, text: dict[str, list[str]], gazetteer: Gazetteer, known: KnownNames) -> None:
    for source in [*text.get("abstract", []), *text.get("comment", [])]:
        for claim in extract_claims(source, gazetteer):
            if any(c.value == claim.value and c.dataset == claim.dataset for c in s.claims):
                continue  # two sources' copies of one abstract
            s.claims.append(claim)
            found = known.dataset(claim.dataset) if claim.dataset else None
            s.claim_datasets.append(found[0] if found else None)


def suggest_model(store: GraphStore, paper: str, gazetteer: Gazetteer | None = None,
                  known: KnownNames | None = None) -> Suggestion:
    """Everything the graph can suggest for accepting ``paper`` (an IRI) as a model."""
    if gazetteer is None:
        from ingest.survey_database import load_survey_database

        gazetteer = Gazetteer.from_survey_database(load_survey_database())
    known = known if known is not None else known_names(store)
    text = _paper_text(store, paper)
    s = Suggestion(paper=paper, title=(text.get("title") or [""])[0])
    category = (text.get("category") or text.get("predicted") or [None])[0]
    s.category = category
    if category:
        undecided = not text.get("category") or "candidate" in text.get("status", [])
        s.notes["category"] = "the predicted class" if undecided else "the class in force"
    _name(s, text, known)
    if s.name and s.existing is None:  # a model accepted earlier (graph:curation) takes this paper too
        s.existing = find_model(store, s.name)
        if s.existing is not None:
            s.notes["name"] += f"; links to the model accepted earlier as '{s.existing.label}'"
    _base_model(s, text, gazetteer, known)
    mentions = gazetteer.link(s.title + "\n" + " ".join(text.get("abstract", [])))
    for key in dict.fromkeys(ln.key for ln in mentions if ln.kind == "dataset"):
        found = known.dataset(key)
        if found and found not in s.datasets:
            s.datasets.append(found)
    stated = [c for c in text.get("code", [])]
    s.code = (stated or [None])[0] or code_from_text([*text.get("comment", []), *text.get("abstract", []),
                                                      *text.get("page", [])])
    if s.code:
        s.notes["code"] = "a source's code link" if stated else "a URL in the paper's comments, abstract or pages"
    s.notes["framework"] = "the survey's classes hold generalist models; say task-specific for a baseline"
    _claims(s, text, gazetteer, known)
    return s


def with_name(s: Suggestion, name: str, known: KnownNames) -> Suggestion:
    """The suggestion for another name (the existing model of that name, if any)."""
    return replace(s, name=name, existing=known.model(name))


def table_rows(accepted: AcceptedModel, known: KnownNames) -> list[dict[str, object]]:
    """The accepted model's confirmed results as rows of the maintainer's results table
    (``ingest.results_table.append_results``): where confirmed results live, so that every
    build and review re-derives them from the table like any other curated result."""
    labels = {iri: label for iri, label in known.datasets.values()}
    return [{"ID": accepted.name, "Related Paper": "", "Date": accepted.decided or "", "Dataset": labels[r.dataset],
             "Kind": r.kind, "Dice": r.dice, "Source": accepted.paper, "By": accepted.by, "Evidence": r.evidence}
            for r in accepted.results]
