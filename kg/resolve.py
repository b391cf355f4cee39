"""Entity resolution: one node per real thing.

A survey-list row, a survey-database model, an arXiv record and a BibTeX entry that
describe one paper meet here: by arXiv id or DOI first, by normalised title second
(exact, then a strict fuzzy match), and by a small curated alias table last. Every
decision keeps the method that made it, so ``kg build`` can say how each name was
resolved and list what was not.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import quote

import bibtexparser
from rapidfuzz import fuzz, process

from ingest.ids import arxiv_id_from_link, normalise_arxiv_id, normalise_doi, normalise_title, slugify
from ingest.records import DbModel, DbResult, PaperRecord, Problem, SurveyDatabase, SurveyList, SurveyListRow

ALIASES_FILE = Path(__file__).resolve().parent / "data" / "aliases.toml"
FUZZY_TITLE_MIN = 94  # rapidfuzz ratio on normalised titles; below this, distinct papers started to meet
MIN_TITLE_LEN = 20  # short titles ('SAM-Med2D') are names, not evidence of identity


@dataclass
class Mention:
    """One source's view of a paper, before resolution."""

    source: str  # 'survey-list', 'survey-db', 'arxiv-snapshot', 'result-source'
    title: str | None
    arxiv_id: str | None = None
    doi: str | None = None
    link: str | None = None
    issued: date | None = None
    venue: str | None = None
    bibkey: str | None = None
    bibtex: str | None = None
    authors: list[str] = field(default_factory=list)
    year: int | None = None
    record: PaperRecord | None = None
    role: str = ""  # 'first' / 'last' publication for database mentions


@dataclass
class PaperNode:
    key: str  # IRI path under id/ (paper/arxiv/..., paper/doi/..., paper/title/...)
    mentions: list[Mention]
    arxiv_id: str | None
    doi: str | None
    other_dois: list[str]
    how: str  # how the mentions met: 'single', 'arxiv-id', 'doi', 'title', 'fuzzy-title'


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


def load_aliases(path: Path = ALIASES_FILE) -> dict[str, dict[str, str]]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _name_key(name: str) -> str:
    """'Biomedical SAM-2 (BioSAM-2)' -> 'biomedical sam 2'; 'TP Mamba' == 'TP-Mamba'."""
    return normalise_title(re.sub(r"\([^)]*\)", " ", name))


def paper_key(arxiv_id: str | None, doi: str | None, title: str | None) -> str:
    if arxiv_id:
        return f"paper/arxiv/{arxiv_id}"
    if doi:
        return f"paper/doi/{quote(doi, safe='/._-;()')}"
    return f"paper/title/{slugify(normalise_title(title))[:80]}"


def _clean_bibtex_text(value: str | None) -> str | None:
    if not value:
        return None
    return " ".join(value.replace("{", "").replace("}", "").split()) or None


def mention_from_bibtex(text: str) -> Mention | None:
    """A BibTeX entry (the database's 'Source' cell) as a paper mention."""
    library = bibtexparser.parse_string(text)
    if not library.entries:
        return None
    entry = library.entries[0]
    fields = {f.key.lower(): f.value for f in entry.fields}
    arxiv = None
    if (fields.get("archiveprefix") or "").lower() == "arxiv" or "arxiv" in (fields.get("journal") or "").lower():
        arxiv = normalise_arxiv_id(fields.get("eprint"))
    arxiv = arxiv or arxiv_id_from_link(fields.get("url")) or arxiv_id_from_link(fields.get("doi"))
    journal = re.search(r"arxiv(?: preprint)?\s*(?:arxiv:)?\s*(\d{4}\.\d{4,5})", fields.get("journal") or "", re.I)
    if not arxiv and journal:
        arxiv = journal.group(1)
    doi = normalise_doi(fields.get("doi")) if not arxiv_id_from_link(fields.get("doi")) else None
    year = fields.get("year")
    authors = [a.strip() for a in re.split(r"\s+and\s+", _clean_bibtex_text(fields.get("author")) or "") if a.strip()]
    return Mention(
        source="result-source",
        title=_clean_bibtex_text(fields.get("title")),
        arxiv_id=arxiv,
        doi=doi,
        link=fields.get("url"),
        venue=_clean_bibtex_text(fields.get("journal") or fields.get("booktitle")),
        bibkey=entry.key,
        bibtex=text.strip(),
        authors=authors,
        year=int(year) if year and year.strip().isdigit() else None,
    )


def _model_mentions(model: DbModel) -> list[Mention]:
    mentions = []
    for role, pub in (("first", model.first), ("last", model.last)):
        if pub is None:
            continue
        mentions.append(Mention(
            source="survey-db", title=model.title, arxiv_id=pub.arxiv_id, doi=pub.doi, link=pub.link,
            issued=pub.date, venue=pub.publisher, bibkey=pub.bibkey, role=role,
        ))
    return mentions


def resolve(survey: SurveyList, db: SurveyDatabase, snapshot: list[PaperRecord],
            aliases: dict[str, dict[str, str]] | None = None) -> Resolution:
    aliases = aliases if aliases is not None else load_aliases()
    problems: list[Problem] = []
    notes: list[str] = []

    # -- papers ------------------------------------------------------------------------
    mentions: list[Mention] = []
    row_mention: dict[int, int] = {}
    model_mentions: dict[str, list[int]] = {}
    for row in survey.rows:
        row_mention[row.line] = len(mentions)
        mentions.append(Mention(source="survey-list", title=row.title, arxiv_id=row.arxiv_id, doi=row.doi, link=row.link))
    for model in db.models:
        model_mentions[model.id] = []
        for m in _model_mentions(model):
            model_mentions[model.id].append(len(mentions))
            mentions.append(m)
    for record in snapshot:
        if not (record.title or record.arxiv_id or record.doi):
            problems.append(Problem("arxiv-snapshot.json", None, f"record '{record.extra.get('seed_name', '?')}' has no title, arXiv id or DOI", "skipped"))
            continue
        mentions.append(Mention(
            source="arxiv-snapshot", title=record.title, arxiv_id=record.arxiv_id, doi=record.doi,
            issued=record.published, venue=record.venue or record.journal_ref,
            authors=[a.name for a in record.authors], record=record,
        ))
    result_mention: dict[int, int] = {}
    for result in db.results:
        if result.source_bibtex:
            try:
                m = mention_from_bibtex(result.source_bibtex)
            except Exception as exc:  # bibtexparser raises several types on broken entries
                m = None
                problems.append(Problem("results.csv", result.line, f"Source BibTeX unreadable ({exc})", "repaired (source paper: the related model's paper)"))
            if m is not None and (m.title or m.arxiv_id or m.doi):
                result_mention[result.line] = len(mentions)
                mentions.append(m)

    clusters = _Clusters(mentions)
    for ids in model_mentions.values():  # first and last publication are versions of one paper
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
        for other_title, score, _ in process.extract(t, title_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_TITLE_MIN, limit=5):
            j = by_title[other_title]
            if other_title != t and clusters.find(j) != clusters.find(i) and clusters.union(j, i, "fuzzy-title"):
                notes.append(f"title '{m.title}' ({m.source}) = '{mentions[j].title}' ({mentions[j].source}) by fuzzy title ({score:.0f})")
    for a, b, how in clusters.conflicts:
        problems.append(Problem(mentions[b].source, None,
                                f"'{mentions[b].title}' and '{mentions[a].title}' met by {how} but carry different arXiv ids",
                                "kept apart"))

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
        for m in sorted(ms, key=lambda m: {"arxiv-snapshot": 0, "survey-db": 1}.get(m.source, 2) - (m.role == "last") * 0.5):
            if m.doi and m.doi not in dois:
                dois.append(m.doi)
        title = next((m.title for m in ms if m.title), None)
        key = paper_key(arxiv, dois[0] if dois else None, title)
        if key in papers:  # two title-only papers with one slug: keep both, distinguishably
            key = f"{key}-{len(papers)}"
        papers[key] = PaperNode(key=key, mentions=ms, arxiv_id=arxiv, doi=dois[0] if dois else None,
                                other_dois=dois[1:], how=clusters.how[root])
        for i in members:
            node_of[i] = key

    model_paper = {mid: node_of[ids[0]] for mid, ids in model_mentions.items() if ids}
    row_paper = {line: node_of[i] for line, i in row_mention.items()}

    # -- models --------------------------------------------------------------------------
    db_ids = {m.id for m in db.models}
    by_name: dict[str, str] = {}
    for m in db.models:
        by_name.setdefault(_name_key(m.id), m.id)
    models_of_paper: dict[str, list[str]] = defaultdict(list)
    for mid, key in model_paper.items():
        models_of_paper[key].append(mid)
    model_alias = aliases.get("model_aliases", {})

    row_model: dict[int, str] = {}
    row_how: dict[int, str] = {}
    list_only: dict[str, SurveyListRow] = {}
    for row in survey.rows:
        if row.name is None:
            continue
        candidates = models_of_paper.get(row_paper[row.line], [])
        found, how = None, ""
        if len(candidates) == 1:
            found, how = candidates[0], "paper"
        elif candidates:
            found = next((c for c in candidates if _name_key(c) == _name_key(row.name)), None)
            how = "paper+name"
        if found is None and _name_key(row.name) in by_name:
            found, how = by_name[_name_key(row.name)], "name"
        if found is None and row.name in model_alias:
            found, how = model_alias[row.name], "alias"
            if found not in db_ids:
                problems.append(Problem("aliases.toml", None, f"alias '{row.name}' -> '{found}' names no database model", "skipped"))
                found = None
        if found is None:
            list_only[row.name] = row
            row_model[row.line] = row.name
            row_how[row.line] = "list-only"
            notes.append(f"list row {row.line} '{row.name}': not in the survey database; a model node from the list alone")
        else:
            row_model[row.line] = found
            row_how[row.line] = how
            if found != row.name:
                notes.append(f"list row {row.line} '{row.name}' = database '{found}' (by {how})")

    # -- results -------------------------------------------------------------------------
    dataset_names = {d.name for d in db.datasets}
    sub_datasets: dict[str, SubDataset] = {}
    results: list[ResultLink] = []
    result_alias = aliases.get("result_model_aliases", {})

    def model_for(name: str, line: int, column: str, link_notes: list[str]) -> list[str]:
        raw = name
        name = name.strip()
        if name in db_ids:
            if raw != name:
                link_notes.append(f"{column} '{raw}': surrounding spaces removed")
            return [name]
        if _name_key(name) in by_name:
            link_notes.append(f"{column} '{raw}' = '{by_name[_name_key(name)]}' (case/punctuation)")
            return [by_name[_name_key(name)]]
        prefix = [mid for mid in db_ids if re.sub(r"\s*\([^)]*\)\s*$", "", mid) == name]
        if len(prefix) == 1:
            link_notes.append(f"{column} '{raw}' = '{prefix[0]}' (name without its parenthesis)")
            return prefix
        if name in result_alias and result_alias[name] in db_ids:
            link_notes.append(f"{column} '{raw}' = '{result_alias[name]}' (alias table)")
            return [result_alias[name]]
        parts = [p.strip() for p in name.split(",")]
        if len(parts) > 1 and all(p in db_ids for p in parts):
            link_notes.append(f"{column} '{raw}' names {len(parts)} models at once; the result links to each")
            return parts
        problems.append(Problem("results.csv", line, f"{column} '{raw}' names no model of models.csv; add the model or an alias in kg/data/aliases.toml"))
        return []

    for result in db.results:
        link_notes: list[str] = []
        model_ids = model_for(result.model_id, result.line, "ID", link_notes)
        related = model_for(result.related_paper, result.line, "Related Paper", link_notes) if result.related_paper.strip() else model_ids
        if not model_ids:
            continue
        dataset = result.dataset.strip()
        if dataset not in dataset_names:
            parent = max((d for d in dataset_names if dataset.startswith(d + " ")), key=len, default=None)
            if parent is None:
                problems.append(Problem("results.csv", result.line,
                                        f"Dataset '{result.dataset}' is not in datasets.csv; add it there or fix the name"))
                continue
            sub_datasets.setdefault(dataset, SubDataset(dataset, parent))
            link_notes.append(f"Dataset '{dataset}' is a part of '{parent}'")
        if result.line in result_mention:
            source_paper = node_of[result_mention[result.line]]
        elif related and related[0] in model_paper:
            source_paper = model_paper[related[0]]
        else:
            source_paper = model_paper[model_ids[0]]
        results.append(ResultLink(result, model_ids, related[0] if related else None, dataset, source_paper, link_notes))
        notes.extend(f"results.csv row {result.line}: {n}" for n in link_notes if "part of" not in n)

    # -- lineage from the Visual Backbone and the taxonomy ----------------------------------
    backbone_alias = aliases.get("backbone_aliases", {})
    backbone_models: dict[str, list[str]] = {}
    backbone_notes: list[str] = []
    for model in db.models:
        if not model.backbone:
            continue
        bases = []
        for part in (p.strip() for p in model.backbone.split(",")):
            target = part if part in db_ids else backbone_alias.get(part)
            if target and target in db_ids:
                if target != model.id:
                    bases.append(target)
                continue
            named = [mid for mid in db_ids if re.search(rf"(?<![\w-]){re.escape(mid)}(?![\w-])", part) and len(mid) > 3]
            if named:
                backbone_notes.append(f"'{model.id}': backbone '{part}' mentions {', '.join(sorted(named))} "
                                      "but is a variant; kept as an architecture fact, no basedOn")
        if bases:
            backbone_models[model.id] = bases
    section_base: dict[str, str] = {}
    for section in survey.sections:
        m = re.match(r"^(.+?)-based models?$", section.strip(), re.I)
        if m and m.group(1).strip() in db_ids:
            section_base[section] = m.group(1).strip()

    return Resolution(
        papers=papers, model_paper=model_paper, row_paper=row_paper, row_model=row_model, row_how=row_how,
        list_only_models=list_only, results=results, sub_datasets=sub_datasets, backbone_models=backbone_models,
        backbone_notes=backbone_notes, section_base_model=section_base, problems=problems, notes=notes,
    )
