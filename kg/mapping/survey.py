"""The survey as triples: its list (names, classes, code links) in ``graph:survey-list``,
its database (models, datasets, Dice results) in ``graph:survey-db``, the papers of both
and of the arXiv snapshot through :mod:`kg.mapping.papers`. Each source writes only what
it said.

Part/whole links between datasets are stated one way only, as ``dcterms:isPartOf`` (the
ontology declares ``dcterms:hasPart`` its inverse), so one query direction finds them all.
Code links are normalised (:mod:`kg.links`): one spelling per repository across sources,
project pages as ``schema:url``, and papers link code only through their model."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from ingest.ids import slugify
from ingest.records import DbDataset, DbModel, PaperRecord, Problem, SurveyDatabase, SurveyList
from kg.links import page_url, repository_of_page, repository_url
from kg.mapping.facets import load_facets, read_anatomy, read_modality
from kg.mapping.graphs import Mapped
from kg.mapping.list_rows import list_row_triples
from kg.mapping.papers import map_papers
from kg.mapping.terms import (
    FRAMEWORKS, SURVEY_ARXIV_ID, concept_iri, dataset_iri, decimal_literal, model_iri, paper_iri,
    survey_db_date_literal,
)
from kg.people import PeopleReport
from kg.resolve import Resolution, ResultLink, parent_dataset
from kg.vocab import (
    ARXIV_SNAPSHOT, CITO, DCTERMS, FOAF, ID, MSKG, PROV, RDF, RDFS, SDO, SKOS, SURVEY_DB, SURVEY_LIST,
    TAXONOMY_SCHEME, XSD,
)

SURVEY_PAPER = paper_iri(f"paper/arxiv/{SURVEY_ARXIV_ID}")
# Rows of datasets.csv whose Sub-dataset cell names the dataset they were drawn from, not a
# part of theirs: LUNA16 is a selection of LIDC-IDRI's scans (888 of 1,308), so LUNA16 is
# the part. Other rows whose "sub-dataset" is larger than they are get no part/whole link.
DRAWN_FROM = {("LUNA16", "LIDC-IDRI")}


class CodeLinks:
    """One code repository per model, whichever source names it and however it is spelt
    ('?tab=readme-ov-file', '.git', another letter case). Where the list and the database
    name different repositories, the list's wins: the authors keep the list up to date,
    the database is a snapshot. The other one stays as rdfs:seeAlso in its source's graph."""

    def __init__(self, survey: SurveyList, db: SurveyDatabase, res: Resolution) -> None:
        self.chosen: dict[URIRef, str] = {}
        links = [(model_iri(res.row_model[r.line]), r.code) for r in survey.rows if r.code and r.name is not None]
        links += [(model_iri(m.id), m.code) for m in db.models if m.code]
        for model, url in links:
            repo = _repository(url)
            if repo is not None:
                self.chosen.setdefault(model, repo)

    def add(self, g: Graph, model: URIRef, url: str) -> None:
        """schema:codeRepository for the model's repository, schema:url for a project page."""
        url = url.strip()
        if repository_url(url) is None:
            g.add((model, SDO.url, URIRef(page_url(url))))
        repo = _repository(url)
        if repo is None:
            return
        chosen = self.chosen[model]
        if repo.lower() == chosen.lower():
            g.add((model, SDO.codeRepository, URIRef(chosen)))
        else:
            g.add((model, RDFS.seeAlso, URIRef(repo)))


def _repository(url: str) -> str | None:
    """The repository a code link names, or the one a GitHub Pages project site is built from."""
    return repository_url(url) or repository_of_page(url)


@dataclass
class SurveyMapping:
    """The survey's graphs, how its authors were matched, and the cells the mapping repaired."""

    mapped: Mapped
    people: PeopleReport
    problems: list[Problem]


def map_survey(survey: SurveyList, db: SurveyDatabase, snapshot: list[PaperRecord], res: Resolution) -> Mapped:
    """Every graph of the survey build, with the counts the build reports."""
    return map_survey_reported(survey, db, snapshot, res).mapped


def map_survey_reported(survey: SurveyList, db: SurveyDatabase, snapshot: list[PaperRecord],
                        res: Resolution) -> SurveyMapping:
    """:func:`map_survey`, with the people report and the mapping's own repairs."""
    out = Mapped(graphs={})
    problems: list[Problem] = []
    lst, sdb = out.g(SURVEY_LIST), out.g(SURVEY_DB)
    out.g(ARXIV_SNAPSHOT)
    _map_taxonomy(survey, res, lst)
    people = map_papers(res, out)
    code = CodeLinks(survey, db, res)
    _map_list_rows(survey, res, lst, code)
    lst += list_row_triples(survey, res)  # the list's own order and title spellings, to write it back out
    for m in db.models:
        _map_db_model(sdb, m, res, code)
    table = {d.name: d for d in db.datasets}
    for d in db.datasets:
        problems.extend(_map_db_dataset(sdb, d, table))
    for sub in res.sub_datasets.values():
        ds = dataset_iri(sub.name)
        sdb.add((ds, RDF.type, MSKG.Dataset))
        sdb.add((ds, RDFS.label, Literal(sub.name)))
        sdb.add((ds, DCTERMS.isPartOf, dataset_iri(sub.parent)))
        sdb.add((ds, MSKG.resolutionNote, Literal(f"named only in results.csv; a part of '{sub.parent}'")))
    repairs = {p.line: p for p in db.problems if p.source == "results.csv" and p.action.startswith("repaired")}
    _map_results(sdb, res.results, repairs)
    out.counts = {
        "models": len({m.id for m in db.models} | set(res.list_only_models)),
        "database_models": len(db.models),
        "datasets": len(db.datasets) + len(res.sub_datasets),
        "results": len(res.results),
        "papers": len(res.papers),
        "list_rows": len(survey.rows),
    }
    return SurveyMapping(out, people, problems)


def _map_list_rows(survey: SurveyList, res: Resolution, lst: Graph, code: CodeLinks) -> None:
    """Names, classes and code links of the list; the survey cites every listed paper. A
    study's code (a row without a model) is a page about the paper, not its repository."""
    for row in survey.rows:
        paper = paper_iri(res.row_paper[row.line])
        concept = concept_iri(row.category)
        lst.add((paper, RDF.type, MSKG.Paper))
        lst.add((paper, MSKG.category, concept))
        lst.add((SURVEY_PAPER, CITO.cites, paper))
        if row.link:
            lst.add((paper, FOAF.page, URIRef(page_url(row.link))))
        if row.name is None:
            if row.code:
                lst.add((paper, RDFS.seeAlso, URIRef(page_url(row.code))))
            continue
        model_id = res.row_model[row.line]
        model = model_iri(model_id)
        lst.add((model, RDF.type, MSKG.Model))
        lst.add((model, MSKG.listName, Literal(row.name)))
        if model_id in res.list_only_models:
            lst.add((model, RDFS.label, Literal(row.name)))
            lst.add((model, MSKG.introducedIn, paper))
            lst.add((model, MSKG.describedIn, paper))
        elif row.name != model_id:
            lst.add((model, SKOS.altLabel, Literal(row.name)))
        lst.add((model, MSKG.category, concept))
        if row.code:
            code.add(lst, model, row.code)
        base = res.section_base_model.get(row.section)
        if base and base != model_id:
            lst.add((model, MSKG.basedOn, model_iri(base)))


def _map_db_model(sdb: Graph, m: DbModel, res: Resolution, code: CodeLinks) -> None:
    model = model_iri(m.id)
    sdb.add((model, RDF.type, MSKG.Model))
    sdb.add((model, RDFS.label, Literal(m.id)))
    framework = FRAMEWORKS.get(m.framework.lower().replace(" ", ""))
    if framework is not None:
        sdb.add((model, MSKG.framework, framework))
    paper = paper_iri(res.model_paper[m.id])
    sdb.add((model, MSKG.introducedIn, paper))
    sdb.add((model, MSKG.describedIn, paper))
    sdb.add((SURVEY_PAPER, CITO.cites, paper))
    for a in m.architecture:
        sdb.add((model, MSKG.architecture, Literal(a)))
    if m.backbone:
        sdb.add((model, MSKG.visualBackbone, Literal(m.backbone)))
    for base in res.backbone_models.get(m.id, []):
        sdb.add((model, MSKG.basedOn, model_iri(base)))
    for aff in m.affiliations:
        sdb.add((model, MSKG.affiliation, Literal(aff)))
    if m.code:
        code.add(sdb, model, m.code)
    for prop, value in ((MSKG.parametersMillions, m.params_millions), (MSKG.gflops, m.gflops),
                        (MSKG.totalVramGB, m.vram_gb)):
        if value is not None:
            sdb.add((model, prop, decimal_literal(value)))
    if m.gpu_count is not None:
        sdb.add((model, MSKG.gpuCount, Literal(m.gpu_count, datatype=XSD.integer)))
    if m.gpu:
        sdb.add((model, MSKG.gpuModel, Literal(m.gpu)))
    if m.gpu_vendor:
        sdb.add((model, MSKG.gpuVendor, Literal(m.gpu_vendor)))


def _map_db_dataset(sdb: Graph, d: DbDataset, table: dict[str, DbDataset]) -> list[Problem]:
    """The dataset's facts; returns the Sub-dataset cells it did not read as part/whole."""
    ds = dataset_iri(d.name)
    problems: list[Problem] = []
    sdb.add((ds, RDF.type, MSKG.Dataset))
    sdb.add((ds, RDFS.label, Literal(d.name)))
    if d.full_name != d.name:
        sdb.add((ds, DCTERMS.title, Literal(d.full_name)))
    problems.extend(_map_facets(sdb, d))
    for prop, values in ((MSKG.segmentedObject, d.objects), (MSKG.citationKey, d.cit_keys)):
        for v in values:
            if not load_facets().is_placeholder(v):
                sdb.add((ds, prop, Literal(v)))
    for url, text in d.links:
        sdb.add((ds, RDFS.seeAlso, URIRef(page_url(url))))
        sdb.add((URIRef(page_url(url)), RDFS.label, Literal(text)))
    for sub in d.sub_datasets:
        sdb.add((ds, MSKG.includes, Literal(sub)))
        if sub in table and sub != d.name:
            problems.extend(_map_part(sdb, d, table[sub]))
    for prop, value in ((MSKG.volumeCount, d.n_total), (MSKG.labelledVolumeCount, d.n_labelled)):
        if value is not None:
            sdb.add((ds, prop, Literal(value, datatype=XSD.integer)))
    # 'BTCV Cervix' is a part of 'BTCV': the table's own naming says so.
    parent = parent_dataset(d.name, table)
    if parent:
        sdb.add((ds, DCTERMS.isPartOf, dataset_iri(parent)))
    return problems


def _map_facets(sdb: Graph, d: DbDataset) -> list[Problem]:
    """Modality, regions and structures as terms of the facet schemes, each cell's own text as
    a note; text that names no term is reported and kept in the note only."""
    ds = dataset_iri(d.name)
    problems: list[Problem] = []
    cells = ((MSKG.modality, MSKG.modalityNote, "Imaging Modality", read_modality(d.modality), d.modality),
             (MSKG.anatomicalStructure, MSKG.anatomicalStructureNote, "Main Anatomical Structure",
              read_anatomy(d.anatomy), ", ".join(v for v in d.anatomy if not load_facets().is_placeholder(v))),
             (MSKG.bodyRegion, MSKG.bodyRegionNote, "Region", read_anatomy(d.regions),
              ", ".join(v for v in d.regions if not load_facets().is_placeholder(v))))
    for prop, note_prop, column, reading, note in cells:
        for term in reading.terms:
            sdb.add((ds, prop, term))
        if note and not load_facets().is_placeholder(note):
            sdb.add((ds, note_prop, Literal(note)))
        problems.extend(Problem("datasets.csv", d.line, f"{column} '{text}' of '{d.name}' names no term of the "
                                f"{'modality' if prop == MSKG.modality else 'anatomy'} scheme",
                                "kept as a note only") for text in reading.unmatched)
    return problems


def _map_part(sdb: Graph, whole: DbDataset, part: DbDataset) -> list[Problem]:
    """``part`` (named in ``whole``'s Sub-dataset cell) isPartOf ``whole``, unless the cell
    names the dataset ``whole`` was drawn from, or the "part" is larger than the whole."""
    if (whole.name, part.name) in DRAWN_FROM:
        sdb.add((dataset_iri(whole.name), DCTERMS.isPartOf, dataset_iri(part.name)))
        return [Problem("datasets.csv", whole.line, f"Sub-dataset '{part.name}' is the dataset '{whole.name}' was "
                        f"drawn from", f"repaired ('{whole.name}' is a part of '{part.name}')")]
    if part.n_total is not None and whole.n_total is not None and part.n_total > whole.n_total:
        return [Problem("datasets.csv", whole.line, f"Sub-dataset '{part.name}' ({part.n_total} volumes) is larger "
                        f"than '{whole.name}' ({whole.n_total})",
                        "repaired (kept as mskg:includes, no part/whole link)")]
    sdb.add((dataset_iri(part.name), DCTERMS.isPartOf, dataset_iri(whole.name)))
    return []


def _result_node(link: ResultLink, seen: dict[str, int]) -> URIRef:
    """A stable IRI per result: model(s), dataset, kind, and who reported it when not the model."""
    r = link.result
    models = link.model_ids[0] if len(link.model_ids) == 1 else "+".join(link.model_ids)
    base = f"result/{slugify(models)}/{slugify(link.dataset)}/{r.kind}"
    if link.related_model_id and link.related_model_id not in link.model_ids:
        base += f"/by-{slugify(link.related_model_id)}"
    seen[base] += 1
    return ID[base if seen[base] == 1 else f"{base}-{seen[base]}"]


def _map_results(sdb: Graph, results: list[ResultLink], repairs: dict[int | None, Problem]) -> None:
    seen: dict[str, int] = defaultdict(int)
    for link in results:
        r = link.result
        node = _result_node(link, seen)
        ds = dataset_iri(link.dataset)
        sdb.add((node, RDF.type, MSKG.Result))
        for mid in link.model_ids:
            sdb.add((node, MSKG.model, model_iri(mid)))
            sdb.add((model_iri(mid), MSKG.evaluatedOn, ds))
        sdb.add((node, MSKG.dataset, ds))
        sdb.add((node, MSKG.dice, decimal_literal(r.dice)))
        sdb.add((node, MSKG.resultKind, Literal(r.kind)))
        sdb.add((node, PROV.wasDerivedFrom, paper_iri(link.source_paper)))
        if r.date:
            sdb.add((node, DCTERMS.date, survey_db_date_literal(r.date)))
        if r.line in repairs:
            sdb.add((node, MSKG.resolutionNote, Literal(str(repairs[r.line]))))
        for note in link.notes:
            sdb.add((node, MSKG.resolutionNote, Literal(note)))


def map_concept(g: Graph, label: str, broader: str | None = None) -> URIRef:
    """A concept of the survey taxonomy: a top concept (a section), or a class under ``broader``;
    the hierarchy in both directions, as the ontology states it for both schemes."""
    concept = concept_iri(label)
    g.add((concept, RDF.type, SKOS.Concept))
    g.add((concept, SKOS.prefLabel, Literal(label)))
    g.add((concept, SKOS.inScheme, TAXONOMY_SCHEME))
    if broader is None:
        g.add((concept, SKOS.topConceptOf, TAXONOMY_SCHEME))
        g.add((TAXONOMY_SCHEME, SKOS.hasTopConcept, concept))
    else:
        g.add((concept, SKOS.broader, concept_iri(broader)))
        g.add((concept_iri(broader), SKOS.narrower, concept))
    return concept


def _map_taxonomy(survey: SurveyList, res: Resolution, g: Graph) -> None:
    """The taxonomy as read from the list: the ontology holds the same concepts, and a new
    section or class in a later list appears here without any code change."""
    g.add((TAXONOMY_SCHEME, RDF.type, SKOS.ConceptScheme))
    for section in survey.sections:
        sec = map_concept(g, section)
        if section in res.section_base_model:
            g.add((sec, MSKG.impliesBaseModel, model_iri(res.section_base_model[section])))
        for category in survey.categories.get(section, []):
            if category == section:
                continue
            map_concept(g, category, broader=section)
