"""The one mapping layer: resolved records -> triples, one named graph per source.

Each source writes only what it said: the survey list its names, classes and links; the
survey database its models, datasets and results; the arXiv snapshot its metadata. Where
sources disagree on a single-valued fact (a paper's title, its first date, its DOI) the
value is written once, in the graph of the most authoritative source, and the other
spellings become ``dcterms:alternative``/``dcterms:identifier``, so the merged graph keeps
one title per paper and every value still traces back to its source.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable

from rdflib import Graph, Literal, URIRef

from ingest.ids import normalise_title, slugify
from ingest.records import PaperRecord, SurveyDatabase, SurveyList
from kg.resolve import Mention, PaperNode, Resolution
from kg.vocab import (
    ARXIV_SNAPSHOT, BIBO, CITO, DCTERMS, FABIO, FOAF, ID, MSKG, PROV, RDF, RDFS, SDO, SKOS, SURVEY_DB, SURVEY_LIST,
    TAXONOMY_SCHEME, XSD,
)

SURVEY_ARXIV_ID = "2506.10825"

# Which source's spelling of a single-valued paper fact wins, best first.
_SOURCE_RANK = {"arxiv-snapshot": 0, "survey-db": 1, "result-source": 2, "survey-list": 3}
_GRAPH_OF_SOURCE = {"arxiv-snapshot": ARXIV_SNAPSHOT, "survey-db": SURVEY_DB,
                    "result-source": SURVEY_DB, "survey-list": SURVEY_LIST}
FRAMEWORKS = {"generalist": MSKG.Generalist, "task-specific": MSKG.TaskSpecific, "taskspecific": MSKG.TaskSpecific}


def model_iri(name: str) -> URIRef:
    return ID[f"model/{slugify(name)}"]


def dataset_iri(name: str) -> URIRef:
    return ID[f"dataset/{slugify(name)}"]


def concept_iri(label: str) -> URIRef:
    return ID[f"taxonomy/{slugify(label)}"]


def person_iri(name: str) -> URIRef:
    return ID[f"person/{slugify(name)}"]


def paper_iri(key: str) -> URIRef:
    return ID[key]


def _dec(value: Decimal) -> Literal:
    """The canonical xsd:decimal form ('69' -> '69.0', '88.60' -> '88.6'), so that every
    serialisation round trip gives back the same literal."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0")
    text = text + "0" if text.endswith(".") else (text if "." in text else text + ".0")
    return Literal(text, datatype=XSD.decimal)


def _date(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)


@dataclass
class Mapped:
    graphs: dict[URIRef, Graph]
    counts: dict[str, int] = field(default_factory=dict)

    def g(self, name: URIRef) -> Graph:
        if name not in self.graphs:
            self.graphs[name] = Graph(identifier=name)
        return self.graphs[name]


def map_survey(survey: SurveyList, db: SurveyDatabase, snapshot: list[PaperRecord], res: Resolution) -> Mapped:
    out = Mapped(graphs={})
    lst, sdb = out.g(SURVEY_LIST), out.g(SURVEY_DB)
    out.g(ARXIV_SNAPSHOT)

    _map_taxonomy(survey, res, lst)
    _map_papers(res, out)
    survey_paper = paper_iri(f"paper/arxiv/{SURVEY_ARXIV_ID}")

    # -- survey list rows: names, classes, code links; the survey cites every listed paper
    models_in_list: dict[str, URIRef] = {}
    for row in survey.rows:
        paper = paper_iri(res.row_paper[row.line])
        concept = concept_iri(row.category)
        lst.add((paper, RDF.type, MSKG.Paper))
        lst.add((paper, MSKG.category, concept))
        lst.add((survey_paper, CITO.cites, paper))
        if row.link:
            lst.add((paper, FOAF.page, URIRef(row.link)))
        if row.name is None:
            if row.code:
                lst.add((paper, SDO.codeRepository, URIRef(row.code)))
            continue
        model_id = res.row_model[row.line]
        model = model_iri(model_id)
        models_in_list[model_id] = model
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

    # -- survey database: models ------------------------------------------------------
    for m in db.models:
        model = model_iri(m.id)
        sdb.add((model, RDF.type, MSKG.Model))
        sdb.add((model, RDFS.label, Literal(m.id)))
        framework = FRAMEWORKS.get(m.framework.lower().replace(" ", ""))
        if framework is not None:
            sdb.add((model, MSKG.framework, framework))
        paper = paper_iri(res.model_paper[m.id])
        sdb.add((model, MSKG.introducedIn, paper))
        sdb.add((model, MSKG.describedIn, paper))
        sdb.add((survey_paper, CITO.cites, paper))
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
                sdb.add((model, prop, _dec(value)))
        if m.gpu_count is not None:
            sdb.add((model, MSKG.gpuCount, Literal(m.gpu_count, datatype=XSD.integer)))
        if m.gpu:
            sdb.add((model, MSKG.gpuModel, Literal(m.gpu)))
        if m.gpu_vendor:
            sdb.add((model, MSKG.gpuVendor, Literal(m.gpu_vendor)))

    # -- survey database: datasets ----------------------------------------------------
    table_names = {d.name for d in db.datasets}
    for d in db.datasets:
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
        parent = max((p for p in table_names if d.name.startswith(p + " ")), key=len, default=None)
        if parent:
            sdb.add((ds, DCTERMS.isPartOf, dataset_iri(parent)))
    for sub in res.sub_datasets.values():
        ds = dataset_iri(sub.name)
        sdb.add((ds, RDF.type, MSKG.Dataset))
        sdb.add((ds, RDFS.label, Literal(sub.name)))
        sdb.add((ds, DCTERMS.isPartOf, dataset_iri(sub.parent)))
        sdb.add((ds, MSKG.resolutionNote, Literal(f"named only in results.csv; a part of '{sub.parent}'")))

    # -- survey database: results -----------------------------------------------------
    seen: dict[str, int] = defaultdict(int)
    for link in res.results:
        r = link.result
        base = f"result/{slugify(link.model_ids[0] if len(link.model_ids) == 1 else '+'.join(link.model_ids))}/{slugify(link.dataset)}/{r.kind}"
        if link.related_model_id and link.related_model_id not in link.model_ids:
            base += f"/by-{slugify(link.related_model_id)}"
        seen[base] += 1
        node = ID[base if seen[base] == 1 else f"{base}-{seen[base]}"]
        ds = dataset_iri(link.dataset)
        sdb.add((node, RDF.type, MSKG.Result))
        for mid in link.model_ids:
            sdb.add((node, MSKG.model, model_iri(mid)))
            sdb.add((model_iri(mid), MSKG.evaluatedOn, ds))
        sdb.add((node, MSKG.dataset, ds))
        sdb.add((node, MSKG.dice, _dec(r.dice)))
        sdb.add((node, MSKG.resultKind, Literal(r.kind)))
        sdb.add((node, PROV.wasDerivedFrom, paper_iri(link.source_paper)))
        if r.date:
            sdb.add((node, DCTERMS.date, _date(r.date)))
        for note in link.notes:
            sdb.add((node, MSKG.resolutionNote, Literal(note)))

    out.counts = {
        "models": len({m.id for m in db.models} | set(res.list_only_models)),
        "database_models": len(db.models),
        "datasets": len(db.datasets) + len(res.sub_datasets),
        "results": len(res.results),
        "papers": len(res.papers),
        "list_rows": len(survey.rows),
    }
    return out


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


def _best(mentions: Iterable[Mention], attr: str) -> tuple[Mention | None, object]:
    ranked = sorted((m for m in mentions if getattr(m, attr)), key=lambda m: _SOURCE_RANK.get(m.source, 9))
    return (ranked[0], getattr(ranked[0], attr)) if ranked else (None, None)


def _map_papers(res: Resolution, out: Mapped) -> None:
    for node in res.papers.values():
        _map_paper(node, out)


def _map_paper(node: PaperNode, out: Mapped) -> None:
    paper = paper_iri(node.key)
    sources = {m.source for m in node.mentions}
    for source in sources:
        out.g(_GRAPH_OF_SOURCE[source]).add((paper, RDF.type, MSKG.Paper))

    title_m, title = _best(node.mentions, "title")
    if title_m is not None:
        out.g(_GRAPH_OF_SOURCE[title_m.source]).add((paper, DCTERMS.title, Literal(title)))
        spelled = {normalise_title(str(title))}
        for m in node.mentions:
            if m.title and normalise_title(m.title) not in spelled:
                spelled.add(normalise_title(m.title))
                out.g(_GRAPH_OF_SOURCE[m.source]).add((paper, DCTERMS.alternative, Literal(m.title)))

    if node.arxiv_id:
        for m in node.mentions:
            if m.arxiv_id == node.arxiv_id:
                out.g(_GRAPH_OF_SOURCE[m.source]).add((paper, MSKG.arxivId, Literal(node.arxiv_id)))
                break
    if node.doi:
        m = next(m for m in sorted(node.mentions, key=lambda m: _SOURCE_RANK.get(m.source, 9)) if m.doi == node.doi)
        g = out.g(_GRAPH_OF_SOURCE[m.source])
        g.add((paper, BIBO.doi, Literal(node.doi)))
        g.add((paper, RDF.type, FABIO.JournalArticle))
        for other in node.other_dois:
            g.add((paper, DCTERMS.identifier, Literal(f"doi:{other}")))
    elif node.arxiv_id:
        out.g(ARXIV_SNAPSHOT if "arxiv-snapshot" in sources else SURVEY_DB).add((paper, RDF.type, FABIO.Preprint))

    # First appearance: arXiv v1 when known, else the database's (month-precision) first date,
    # else the year of a BibTeX entry.
    issued_m, issued = _best((m for m in node.mentions if m.role != "last"), "issued")
    if issued_m is not None:
        out.g(_GRAPH_OF_SOURCE[issued_m.source]).add((paper, DCTERMS.issued, _date(issued)))
    else:
        year_m, year = _best(node.mentions, "year")
        if year_m is not None:
            out.g(_GRAPH_OF_SOURCE[year_m.source]).add((paper, DCTERMS.issued, Literal(str(year), datatype=XSD.gYear)))

    for m in node.mentions:
        g = out.g(_GRAPH_OF_SOURCE[m.source])
        if m.source == "survey-db":
            if m.role == "last" and m.issued:
                g.add((paper, MSKG.lastIssued, _date(m.issued)))
            if m.venue:
                g.add((paper, MSKG.venue, Literal(m.venue)))
            if m.bibkey:
                g.add((paper, MSKG.bibKey, Literal(m.bibkey)))
            if m.link:
                g.add((paper, FOAF.page, URIRef(m.link.strip())))
        elif m.source == "result-source":
            if m.bibkey:
                g.add((paper, MSKG.bibKey, Literal(m.bibkey)))
            if m.bibtex:
                g.add((paper, MSKG.bibtex, Literal(m.bibtex)))
            if m.venue:
                g.add((paper, MSKG.venue, Literal(m.venue)))
            if not any(x.source == "arxiv-snapshot" for x in node.mentions):
                _add_authors(g, paper, m.authors)
        elif m.source == "arxiv-snapshot" and m.record is not None:
            _map_snapshot_record(g, paper, m.record)


def _add_authors(g: Graph, paper: URIRef, names: list[str]) -> None:
    if not names:
        return
    g.add((paper, MSKG.authorList, Literal("; ".join(names))))
    for name in names:
        person = person_iri(name)
        g.add((person, RDF.type, FOAF.Person))
        g.add((person, FOAF.name, Literal(name)))
        g.add((paper, DCTERMS.creator, person))


def _map_snapshot_record(g: Graph, paper: URIRef, r: PaperRecord) -> None:
    _add_authors(g, paper, [a.name for a in r.authors])
    if r.abstract:
        g.add((paper, DCTERMS.abstract, Literal(r.abstract)))
    if r.primary_category:
        g.add((paper, MSKG.primaryCategory, Literal(r.primary_category)))
    for c in r.categories:
        g.add((paper, MSKG.arxivCategory, Literal(c)))
    if r.journal_ref:
        g.add((paper, DCTERMS.bibliographicCitation, Literal(r.journal_ref)))
    if r.venue:
        g.add((paper, MSKG.venue, Literal(r.venue)))
    if r.comment:
        g.add((paper, RDFS.comment, Literal(r.comment)))
    if r.arxiv_id:
        g.add((paper, FOAF.page, URIRef(f"https://arxiv.org/abs/{r.arxiv_id}")))


# ---------------------------------------------------------------------------------------
# Live sources: arXiv and Semantic Scholar records, citations
# ---------------------------------------------------------------------------------------



@dataclass
class KnownFacts:
    """What other graphs already say about a paper, so that a live source adds a second
    spelling as an alternative instead of a second title, date or DOI."""

    title: str | None = None
    issued: bool = False
    doi: str | None = None
    arxiv_id: str | None = None
    abstract: bool = False
    s2_paper_id: str | None = None


def map_live_record(g: Graph, paper: URIRef, r: PaperRecord, known: KnownFacts) -> list[str]:
    """Triples of one arXiv or Semantic Scholar record about ``paper``; returns the conflicts
    it declined to write (an arXiv id different from the graph's, say). ``known`` is updated
    with what was written, so a second record of the same paper adds no second title."""
    conflicts: list[str] = []
    g.add((paper, RDF.type, MSKG.Paper))
    if r.title:
        if known.title is None:
            g.add((paper, DCTERMS.title, Literal(r.title)))
            known.title = r.title
        elif normalise_title(known.title) != normalise_title(r.title):
            g.add((paper, DCTERMS.alternative, Literal(r.title)))
    if r.published and not known.issued:
        g.add((paper, DCTERMS.issued, _date(r.published)))
        known.issued = True
    elif r.year and not known.issued:
        g.add((paper, DCTERMS.issued, Literal(str(r.year), datatype=XSD.gYear)))
        known.issued = True
    if r.updated:
        g.add((paper, DCTERMS.modified, _date(r.updated)))
    if r.arxiv_id:
        if known.arxiv_id and known.arxiv_id != r.arxiv_id:
            conflicts.append(f"{paper}: {r.source} says arXiv {r.arxiv_id}, the graph says {known.arxiv_id}; not written")
        else:
            g.add((paper, MSKG.arxivId, Literal(r.arxiv_id)))
            known.arxiv_id = r.arxiv_id
    if r.doi:
        if known.doi is None or known.doi == r.doi:
            g.add((paper, BIBO.doi, Literal(r.doi)))
            known.doi = r.doi
        else:
            g.add((paper, DCTERMS.identifier, Literal(f"doi:{r.doi}")))
    if r.s2_paper_id:
        # Semantic Scholar sometimes keeps a preprint and its published version as two
        # records; merged here, the second id stays findable as an identifier.
        if known.s2_paper_id in (None, r.s2_paper_id):
            g.add((paper, MSKG.s2PaperId, Literal(r.s2_paper_id)))
            known.s2_paper_id = r.s2_paper_id
        else:
            g.add((paper, DCTERMS.identifier, Literal(f"s2:{r.s2_paper_id}")))
    for prop, value in ((MSKG.pubmedId, r.pubmed_id), (MSKG.corpusId, r.corpus_id),
                        (MSKG.primaryCategory, r.primary_category), (DCTERMS.bibliographicCitation, r.journal_ref),
                        (MSKG.venue, r.venue), (RDFS.comment, r.comment)):
        if value:
            g.add((paper, prop, Literal(str(value))))
    for c in r.categories:
        g.add((paper, MSKG.arxivCategory, Literal(c)))
    if r.version:
        g.add((paper, MSKG.arxivVersion, Literal(r.version, datatype=XSD.integer)))
    if r.abstract and not known.abstract:
        g.add((paper, DCTERMS.abstract, Literal(r.abstract)))
        known.abstract = True
    if r.url:
        g.add((paper, FOAF.page, URIRef(r.url)))
    if r.citation_count is not None:
        g.add((paper, MSKG.citationCount, Literal(r.citation_count, datatype=XSD.integer)))
    if r.influential_citation_count is not None:
        g.add((paper, MSKG.influentialCitationCount, Literal(r.influential_citation_count, datatype=XSD.integer)))
    if r.retrieved and (r.citation_count is not None or r.influential_citation_count is not None):
        g.add((paper, MSKG.countsRetrieved, _date(r.retrieved)))
    if r.authors:
        g.add((paper, MSKG.authorList, Literal("; ".join(a.name for a in r.authors))))
    for a in r.authors:
        person = person_iri(a.name)
        g.add((person, RDF.type, FOAF.Person))
        g.add((person, FOAF.name, Literal(a.name)))
        g.add((paper, DCTERMS.creator, person))
        if a.s2_author_id:
            g.add((person, MSKG.s2AuthorId, Literal(a.s2_author_id)))
        if a.orcid:
            g.add((person, MSKG.orcid, Literal(a.orcid)))
        for aff in a.affiliations:
            g.add((person, MSKG.authorAffiliation, Literal(aff)))
    return conflicts


AGENT = ID["agent/medseg-kg"]


def map_run(g: Graph, act: URIRef, command: str, started: datetime, ended: datetime) -> None:
    """The triples every run shares: a prov:Activity by the medseg-kg agent, with its times."""
    g.add((act, RDF.type, PROV.Activity))
    g.add((act, RDFS.label, Literal(f"kg {command} {started.isoformat(timespec='seconds')}")))
    g.add((act, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
    g.add((act, PROV.endedAtTime, Literal(ended.isoformat(), datatype=XSD.dateTime)))
    g.add((act, PROV.wasAssociatedWith, AGENT))
    g.add((AGENT, RDF.type, PROV.SoftwareAgent))
    g.add((AGENT, RDFS.label, Literal("medseg-kg")))


def map_citation(g: Graph, citing: URIRef, cited: URIRef) -> None:
    if citing != cited:
        g.add((citing, CITO.cites, cited))
