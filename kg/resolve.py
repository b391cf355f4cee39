"""Entity resolution: one node per real thing.

A survey-list row, a survey-database model, an arXiv record and a BibTeX entry that
describe one paper meet here: by arXiv id or DOI first, by normalised title second
(exact, then a strict fuzzy match), and by a small curated alias table last. Every
decision keeps the method that made it, so ``kg build`` can say how each name was
resolved and list what was not.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from rapidfuzz import fuzz, process

from ingest.ids import normalise_title, slugify
from ingest.records import (
    PaperRecord,
    Problem,
    SurveyDatabase,
    SurveyList,
    SurveyListRow,
)
from kg.aliases import ALIASES_FILE, load_aliases
from kg.mentions import Mention, Mentions, collect_mentions, mention_from_bibtex
from kg.resolve_results import ResultLink, SubDataset, ModelNames, name_key, link_results, parent_dataset

__all__ = [
    "ALIASES_FILE",
    "FUZZY_TITLE_MIN",
    "MIN_TITLE_LEN",
    "Mention",
    "PaperNode",
    "Resolution",
    "ResultLink",
    "SubDataset",
    "load_aliases",
    "mention_from_bibtex",
    "paper_key",
    "parent_dataset",
    "resolve",
]
FUZZY_TITLE_MIN = 94  # rapidfuzz ratio on normalised titles; below this, distinct papers started to meet
MIN_TITLE_LEN = 20  # short titles ('SAM-Med2D') are names, not evidence of identity


@dataclass
class PaperNode:
    key: str  # IRI path under id/ (paper/arxiv/..., paper/doi/..., paper/title/...)
    mentions: list[Mention]
    arxiv_id: str | None
    doi: str | None
    other_dois: list[str]
    how: str  # how the mentions met: 'single', 'arxiv-id', 'doi', 'title', 'fuzzy-title'


@dataclass
class Resolution:
    papers: dict[str, PaperNode]
    model_paper: dict[str, str]  # database model ID -> paper key (first publication)
    row_paper: dict[int, str]  # list row line -> paper key
    row_model: dict[int, str]  # list row line -> model ID (database ID, or the list name for list-only models)
    row_how: dict[int, str]  # list row line -> how its model was found
    list_only_models: dict[str, SurveyListRow]  # name -> row, models the database does not hold
    results: list[ResultLink]
    sub_datasets: dict[str, SubDataset]
    backbone_models: dict[str, list[str]]  # model ID -> base model IDs (from Visual Backbone)
    backbone_notes: list[str]
    section_base_model: dict[str, str]  # section label -> model ID it implies
    problems: list[Problem]
    notes: list[str]  # how non-exact names were resolved (reported by `kg build`)

    @property
    def unresolved(self) -> list[Problem]:
        return [p for p in self.problems if p.action == "skipped"]


class _Clusters:
    """Union-find over mentions that refuses to merge two different arXiv ids."""

    def __init__(self, mentions: list[Mention]) -> None:
        self.parent = list(range(len(mentions)))
        self.arxiv: list[set[str]] = [{m.arxiv_id} if m.arxiv_id else set() for m in mentions]
        self.how: list[str] = ["single"] * len(mentions)
        self.conflicts: list[tuple[int, int, str]] = []

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int, how: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.arxiv[ra] and self.arxiv[rb] and self.arxiv[ra] != self.arxiv[rb]:
            self.conflicts.append((a, b, how))
            return False
        self.parent[rb] = ra
        self.arxiv[ra] |= self.arxiv[rb]
        if self.how[ra] == "single":
            self.how[ra] = how  # the first link that joined the cluster says how it formed
        return True


def paper_key(arxiv_id: str | None, doi: str | None, title: str | None) -> str:
    if arxiv_id:
        return f"paper/arxiv/{arxiv_id}"
    if doi:
        return f"paper/doi/{quote(doi, safe='/._-;()')}"
    return f"paper/title/{slugify(normalise_title(title))[:80]}"


def _cluster(found: Mentions, problems: list[Problem], notes: list[str]) -> _Clusters:
    """Mentions meet by publication versions, arXiv id, DOI, exact title, then strict fuzzy title."""
    mentions = found.all
    clusters = _Clusters(mentions)
    for ids in found.of_model.values():  # first and last publication are versions of one paper
        for other in ids[1:]:
            clusters.union(ids[0], other, "versions")
    by_key: dict[tuple[str, str], int] = {}
    for i, m in enumerate(mentions):
        for kind, value in (("arxiv-id", m.arxiv_id), ("doi", m.doi)):
            if value:
                if (kind, value) in by_key:
                    clusters.union(by_key[(kind, value)], i, kind)
                else:
                    by_key[(kind, value)] = i
    by_title: dict[str, int] = {}
    for i, m in enumerate(mentions):
        t = normalise_title(m.title)
        if len(t) >= MIN_TITLE_LEN:
            if t in by_title:
                clusters.union(by_title[t], i, "title")
            else:
                by_title[t] = i
    # Strict fuzzy title match, only for survey mentions with no arXiv id in their cluster
    # (journal-only papers such as LeSAM or SPA): ids already settled the rest.
    title_keys = list(by_title)
    for i, m in enumerate(mentions):
        t = normalise_title(m.title)
        if m.source == "result-source" or len(t) < MIN_TITLE_LEN or clusters.arxiv[clusters.find(i)]:
            continue
        for other_title, score, _ in process.extract(
            t, title_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_TITLE_MIN, limit=5
        ):
            j = by_title[other_title]
            if other_title != t and clusters.find(j) != clusters.find(i) and clusters.union(j, i, "fuzzy-title"):
                other = mentions[j]
                notes.append(
                    f"title '{m.title}' ({m.source}) = '{other.title}' ({other.source}) by fuzzy title ({score:.0f})"
                )
    for a, b, how in clusters.conflicts:
        problems.append(
            Problem(
                mentions[b].source,
                None,
                f"'{mentions[b].title}' and '{mentions[a].title}' met by {how} but carry different arXiv ids",
                "kept apart",
            )
        )
    return clusters


def _paper_nodes(mentions: list[Mention], clusters: _Clusters) -> tuple[dict[str, PaperNode], dict[int, str]]:
    """One node per cluster, and the node key of each mention."""
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        groups[clusters.find(i)].append(i)
    papers: dict[str, PaperNode] = {}
    node_of: dict[int, str] = {}
    for root, members in groups.items():
        ms = [mentions[i] for i in members]
        arxiv = next((m.arxiv_id for m in ms if m.arxiv_id), None)
        dois = []
        # The journal DOI: the arXiv record's first, then the database's last publication, then others.
        for m in sorted(
            ms, key=lambda m: {"arxiv-snapshot": 0, "survey-db": 1}.get(m.source, 2) - (m.role == "last") * 0.5
        ):
            if m.doi and m.doi not in dois:
                dois.append(m.doi)
        title = next((m.title for m in ms if m.title), None)
        key = paper_key(arxiv, dois[0] if dois else None, title)
        if key in papers:  # two title-only papers with one slug: keep both, distinguishably
            key = f"{key}-{len(papers)}"
        papers[key] = PaperNode(
            key=key,
            mentions=ms,
            arxiv_id=arxiv,
            doi=dois[0] if dois else None,
            other_dois=dois[1:],
            how=clusters.how[root],
        )
        for i in members:
            node_of[i] = key
    return papers, node_of


# --------------------------------------------------------------------------- models


@dataclass
class _RowModels:
    model: dict[int, str]  # list row line -> model ID (database ID, or the list name for list-only models)
    how: dict[int, str]  # list row line -> how its model was found
    list_only: dict[str, SurveyListRow]


def _match_list_rows(
    survey: SurveyList,
    names: ModelNames,
    row_paper: dict[int, str],
    model_paper: dict[str, str],
    model_alias: Mapping[str, str],
    problems: list[Problem],
    notes: list[str],
) -> _RowModels:
    """Each list row's model: the one model of its paper, else by name, else by the alias table."""
    models_of_paper: dict[str, list[str]] = defaultdict(list)
    for mid, key in model_paper.items():
        models_of_paper[key].append(mid)
    rows = _RowModels({}, {}, {})
    for row in survey.rows:
        if row.name is None:
            continue
        candidates = models_of_paper.get(row_paper[row.line], [])
        found, how = None, ""
        if len(candidates) == 1:
            found, how = candidates[0], "paper"
        elif candidates:
            found = next((c for c in candidates if name_key(c) == name_key(row.name)), None)
            how = "paper+name"
        if found is None and name_key(row.name) in names.by_name:
            found, how = names.by_name[name_key(row.name)], "name"
        if found is None and row.name in model_alias:
            found, how = model_alias[row.name], "alias"
            if found not in names.ids:
                problems.append(
                    Problem("aliases.toml", None, f"alias '{row.name}' -> '{found}' names no database model", "skipped")
                )
                found = None
        if found is None:
            rows.list_only[row.name] = row
            rows.model[row.line] = row.name
            rows.how[row.line] = "list-only"
            notes.append(
                f"list row {row.line} '{row.name}': not in the survey database; a model node from the list alone"
            )
        else:
            rows.model[row.line] = found
            rows.how[row.line] = how
            if found != row.name:
                notes.append(f"list row {row.line} '{row.name}' = database '{found}' (by {how})")
    return rows


# --------------------------------------------------------------------------- results and lineage


def _backbone_lineage(
    db: SurveyDatabase, ids: set[str], backbone_alias: Mapping[str, str]
) -> tuple[dict[str, list[str]], list[str]]:
    """Base models named by the Visual Backbone column; variants ('SAM-style ViT') are noted, not linked."""
    backbone_models: dict[str, list[str]] = {}
    backbone_notes: list[str] = []
    for model in db.models:
        if not model.backbone:
            continue
        bases = []
        for part in (p.strip() for p in model.backbone.split(",")):
            target = part if part in ids else backbone_alias.get(part)
            if target and target in ids:
                if target != model.id:
                    bases.append(target)
                continue
            named = [mid for mid in ids if re.search(rf"(?<![\w-]){re.escape(mid)}(?![\w-])", part) and len(mid) > 3]
            if named:
                backbone_notes.append(
                    f"'{model.id}': backbone '{part}' mentions {', '.join(sorted(named))} "
                    "but is a variant; kept as an architecture fact, no basedOn"
                )
        if bases:
            backbone_models[model.id] = bases
    return backbone_models, backbone_notes


def _section_base_models(survey: SurveyList, ids: set[str]) -> dict[str, str]:
    """'SAM 2-based models' implies SAM 2 as the base of every model in the section."""
    section_base: dict[str, str] = {}
    for section in survey.sections:
        m = re.match(r"^(.+?)-based models?$", section.strip(), re.IGNORECASE)
        if m and m.group(1).strip() in ids:
            section_base[section] = m.group(1).strip()
    return section_base


def resolve(
    survey: SurveyList, db: SurveyDatabase, snapshot: list[PaperRecord], aliases: Mapping[str, Any] | None = None
) -> Resolution:
    aliases = aliases if aliases is not None else load_aliases()
    problems: list[Problem] = []
    notes: list[str] = []

    found = collect_mentions(survey, db, snapshot, problems)
    clusters = _cluster(found, problems, notes)
    papers, node_of = _paper_nodes(found.all, clusters)
    model_paper = {mid: node_of[ids[0]] for mid, ids in found.of_model.items() if ids}
    row_paper = {line: node_of[i] for line, i in found.of_row.items()}

    names = ModelNames(db)
    rows = _match_list_rows(survey, names, row_paper, model_paper, aliases.get("model_aliases", {}), problems, notes)
    results, sub_datasets = link_results(
        db, names, aliases.get("result_model_aliases", {}), found, node_of, model_paper, problems, notes
    )
    backbone_models, backbone_notes = _backbone_lineage(db, names.ids, aliases.get("backbone_aliases", {}))

    return Resolution(
        papers=papers,
        model_paper=model_paper,
        row_paper=row_paper,
        row_model=rows.model,
        row_how=rows.how,
        list_only_models=rows.list_only,
        results=results,
        sub_datasets=sub_datasets,
        backbone_models=backbone_models,
        backbone_notes=backbone_notes,
        section_base_model=_section_base_models(survey, names.ids),
        problems=problems,
        notes=notes,
    )
