"""Resolution of the survey database's results: which models a results.csv row names (with
every repair noted), which dataset or sub-dataset, which source paper. Split from
:mod:`kg.resolve`, which calls :func:`link_results` once per build."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ingest.ids import normalise_title
from ingest.records import DbResult, Problem, SurveyDatabase
from kg.mentions import Mentions


@dataclass
class ResultLink:
    result: DbResult
    model_ids: list[str]  # survey database IDs
    related_model_id: str | None
    dataset: str  # key into Resolution.datasets
    source_paper: str  # PaperNode key
    notes: list[str]


@dataclass
class SubDataset:
    name: str
    parent: str


def name_key(name: str) -> str:
    """'Biomedical SAM-2 (BioSAM-2)' -> 'biomedical sam 2'; 'TP Mamba' == 'TP-Mamba'."""
    return normalise_title(re.sub(r"\([^)]*\)", " ", name))


def parent_dataset(name: str, names: Iterable[str]) -> str | None:
    """The table dataset ``name`` is a part of: 'BTCV Cervix' is a part of 'BTCV'. The parent's name
    plus a space starts the name; of several ('MSD', 'MSD Liver'), the longest, being the closest."""
    return max((p for p in names if name.startswith(p + " ")), key=len, default=None)


# --------------------------------------------------------------------------- papers


class ModelNames:
    """Survey-database model IDs, looked up as the list and results.csv write them."""

    def __init__(self, db: SurveyDatabase) -> None:
        self.ids = {m.id for m in db.models}
        self.by_name: dict[str, str] = {}
        for m in db.models:
            self.by_name.setdefault(name_key(m.id), m.id)


def _result_models(
    name: str,
    names: ModelNames,
    result_alias: Mapping[str, str],
    line: int,
    column: str,
    link_notes: list[str],
    problems: list[Problem],
) -> list[str]:
    """The models a results.csv cell names; every repair is noted, a name no model answers is a problem."""
    raw = name
    name = name.strip()
    if name in names.ids:
        if raw != name:
            link_notes.append(f"{column} '{raw}': surrounding spaces removed")
        return [name]
    if name_key(name) in names.by_name:
        link_notes.append(f"{column} '{raw}' = '{names.by_name[name_key(name)]}' (case/punctuation)")
        return [names.by_name[name_key(name)]]
    prefix = [mid for mid in names.ids if re.sub(r"\s*\([^)]*\)\s*$", "", mid) == name]
    if len(prefix) == 1:
        link_notes.append(f"{column} '{raw}' = '{prefix[0]}' (name without its parenthesis)")
        return prefix
    if name in result_alias and result_alias[name] in names.ids:
        link_notes.append(f"{column} '{raw}' = '{result_alias[name]}' (alias table)")
        return [result_alias[name]]
    parts = [p.strip() for p in name.split(",")]
    if len(parts) > 1 and all(p in names.ids for p in parts):
        link_notes.append(f"{column} '{raw}' names {len(parts)} models at once; the result links to each")
        return parts
    problems.append(
        Problem(
            "results.csv",
            line,
            f"{column} '{raw}' names no model of models.csv; add the model or an alias in kg/data/aliases.toml",
        )
    )
    return []


def link_results(
    db: SurveyDatabase,
    names: ModelNames,
    result_alias: Mapping[str, str],
    found: Mentions,
    node_of: dict[int, str],
    model_paper: dict[str, str],
    problems: list[Problem],
    notes: list[str],
) -> tuple[list[ResultLink], dict[str, SubDataset]]:
    """Each result's models, dataset (or sub-dataset of a table dataset) and source paper."""
    dataset_names = {d.name for d in db.datasets}
    sub_datasets: dict[str, SubDataset] = {}
    results: list[ResultLink] = []
    for result in db.results:
        link_notes: list[str] = []
        model_ids = _result_models(result.model_id, names, result_alias, result.line, "ID", link_notes, problems)
        related = (
            _result_models(
                result.related_paper, names, result_alias, result.line, "Related Paper", link_notes, problems
            )
            if result.related_paper.strip()
            else model_ids
        )
        if not model_ids:
            continue
        dataset = result.dataset.strip()
        if dataset not in dataset_names:
            parent = parent_dataset(dataset, dataset_names)
            if parent is None:
                problems.append(
                    Problem(
                        "results.csv",
                        result.line,
                        f"Dataset '{result.dataset}' is not in datasets.csv; add it there or fix the name",
                    )
                )
                continue
            sub_datasets.setdefault(dataset, SubDataset(dataset, parent))
            link_notes.append(f"Dataset '{dataset}' is a part of '{parent}'")
        if result.line in found.of_result:
            source_paper = node_of[found.of_result[result.line]]
        elif related and related[0] in model_paper:
            source_paper = model_paper[related[0]]
        else:
            source_paper = model_paper[model_ids[0]]
        results.append(
            ResultLink(result, model_ids, related[0] if related else None, dataset, source_paper, link_notes)
        )
        notes.extend(f"results.csv row {result.line}: {n}" for n in link_notes if "part of" not in n)
    return results, sub_datasets
