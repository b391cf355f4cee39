"""The survey as triples: its list (names, classes, code links) in ``graph:survey-list``,
its database (models, datasets, Dice results) in ``graph:survey-db``, the papers of both
and of the arXiv snapshot through :mod:`kg.mapping.papers`. Each source writes only what
it said."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef

from ingest.ids import slugify
from ingest.records import DbDataset, DbModel, PaperRecord, SurveyDatabase, SurveyList
from kg.mapping.graphs import Mapped
from kg.mapping.papers import map_papers
from kg.mapping.terms import (
    FRAMEWORKS, SURVEY_ARXIV_ID, concept_iri, dataset_iri, date_literal, decimal_literal, model_iri, paper_iri,
)
from kg.resolve import Resolution, ResultLink, parent_dataset
from kg.vocab import (
    ARXIV_SNAPSHOT, CITO, DCTERMS, FOAF, ID, MSKG, PROV, RDF, RDFS, SDO, SKOS, SURVEY_DB, SURVEY_LIST,
    TAXONOMY_SCHEME, XSD,
)

SURVEY_PAPER = paper_iri(f"paper/arxiv/{SURVEY_ARXIV_ID}")


def map_survey(survey: SurveyList, db: SurveyDatabase, snapshot: list[PaperRecord], res: Resolution) -> Mapped:
    """Every graph of the survey build, with the counts the build reports."""
    out = Mapped(graphs={})
    lst, sdb = out.g(SURVEY_LIST), out.g(SURVEY_DB)
    out.g(ARXIV_SNAPSHOT)
    _map_taxonomy(survey, res, lst)
    map_papers(res, out)
    _map_list_rows(survey, res, lst)
    for m in db.models:
        _map_db_model(sdb, m, res)
    table_names = {d.name for d in db.datasets}
    for d in db.datasets:
        _map_db_dataset(sdb, d, table_names)
    for sub in res.sub_datasets.values():
        ds = dataset_iri(sub.name)
        sdb.add((ds, RDF.type, MSKG.Dataset))
        sdb.add((ds, RDFS.label, Literal(sub.name)))
        sdb.add((ds, DCTERMS.isPartOf, dataset_iri(sub.parent)))
        sdb.add((ds, MSKG.resolutionNote, Literal(f"named only in results.csv; a part of '{sub.parent}'")))
    _map_results(sdb, res.results)
    out.counts = {
        "models": len({m.id for m in db.models} | set(res.list_only_models)),
        "database_models": len(db.models),
        "datasets": len(db.datasets) + len(res.sub_datasets),
        "results": len(res.results),
        "papers": len(res.papers),
        "list_rows": len(survey.rows),
    }
    return out


def _map_list_rows(survey: SurveyList, res: Resolution, lst: Graph) -> None:
    """Names, classes and code links of the list; the survey cites every listed paper."""
    for row in survey.rows:
        paper = paper_iri(res.row_paper[row.line])
        concept = concept_iri(row.category)
        lst.add((paper, RDF.type, MSKG.Paper))
        lst.add((paper, MSKG.category, concept))
        lst.add((SURVEY_PAPER, CITO.cites, paper))
        if row.link:
            lst.add((paper, FOAF.page, URIRef(row.link)))
        if row.name is None:
            if row.code:
                lst.add((paper, SDO.codeRepository, URIRef(row.code)))
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
            lst.add((model, SDO.codeRepository, URIRef(row.code)))
        base = res.section_base_model.get(row.section)
        if base and base != model_id:
            lst.add((model, MSKG.basedOn, model_iri(base)))


def _map_db_model(sdb: Graph, m: DbModel, res: Resolution) -> None:
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
        sdb.add((model, SDO.codeRepository, URIRef(m.code.strip())))
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


def _map_db_dataset(sdb: Graph, d: DbDataset, table_names: set[str]) -> None:
    ds = dataset_iri(d.name)
    sdb.add((ds, RDF.type, MSKG.Dataset))
    sdb.add((ds, RDFS.label, Literal(d.name)))
    if d.full_name != d.name:
        sdb.add((ds, DCTERMS.title, Literal(d.full_name)))
    if d.modality:
        sdb.add((ds, MSKG.modality, Literal(d.modality)))
    for prop, values in ((MSKG.segmentedObject, d.objects), (MSKG.anatomicalStructure, d.anatomy),
                         (MSKG.bodyRegion, d.regions), (MSKG.citationKey, d.cit_keys)):
        for v in values:
            sdb.add((ds, prop, Literal(v)))
    for url, text in d.links:
        sdb.add((ds, RDFS.seeAlso, URIRef(url)))
        sdb.add((URIRef(url), RDFS.label, Literal(text)))
    for sub in d.sub_datasets:
        sdb.add((ds, MSKG.includes, Literal(sub)))
        if sub in table_names and sub != d.name:
            sdb.add((ds, DCTERMS.hasPart, dataset_iri(sub)))
    for prop, value in ((MSKG.volumeCount, d.n_total), (MSKG.labelledVolumeCount, d.n_labelled)):
        if value is not None:
            sdb.add((ds, prop, Literal(value, datatype=XSD.integer)))
    # 'BTCV Cervix' is a part of 'BTCV': the table's own naming says so.
    parent = parent_dataset(d.name, table_names)
    if parent:
        sdb.add((ds, DCTERMS.isPartOf, dataset_iri(parent)))


def _result_node(link: ResultLink, seen: dict[str, int]) -> URIRef:
    """A stable IRI per result: model(s), dataset, kind, and who reported it when not the model."""
    r = link.result
    models = link.model_ids[0] if len(link.model_ids) == 1 else "+".join(link.model_ids)
    base = f"result/{slugify(models)}/{slugify(link.dataset)}/{r.kind}"
    if link.related_model_id and link.related_model_id not in link.model_ids:
        base += f"/by-{slugify(link.related_model_id)}"
    seen[base] += 1
    return ID[base if seen[base] == 1 else f"{base}-{seen[base]}"]


def _map_results(sdb: Graph, results: list[ResultLink]) -> None:
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
            sdb.add((node, DCTERMS.date, date_literal(r.date)))
        for note in link.notes:
            sdb.add((node, MSKG.resolutionNote, Literal(note)))


def map_concept(g: Graph, label: str, broader: str | None = None) -> URIRef:
    """A concept of the survey taxonomy: a top concept (a section), or a class under ``broader``."""
    concept = concept_iri(label)
    g.add((concept, RDF.type, SKOS.Concept))
    g.add((concept, SKOS.prefLabel, Literal(label)))
    g.add((concept, SKOS.inScheme, TAXONOMY_SCHEME))
    if broader is None:
        g.add((concept, SKOS.topConceptOf, TAXONOMY_SCHEME))
    else:
        g.add((concept, SKOS.broader, concept_iri(broader)))
    return concept


def _map_taxonomy(survey: SurveyList, res: Resolution, g: Graph) -> None:
    """The taxonomy as read from the list: the ontology holds the same concepts, and a new
    section or class in a later list appears here without any code change."""
    g.add((TAXONOMY_SCHEME, RDF.type, SKOS.ConceptScheme))
    for section in survey.sections:
        sec = map_concept(g, section)
        g.add((TAXONOMY_SCHEME, SKOS.hasTopConcept, sec))
        if section in res.section_base_model:
            g.add((sec, MSKG.impliesBaseModel, model_iri(res.section_base_model[section])))
        for category in survey.categories.get(section, []):
            if category == section:
                continue
            cat = map_concept(g, category, broader=section)
            g.add((sec, SKOS.narrower, cat))
