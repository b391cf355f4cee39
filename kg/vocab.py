"""Vocabularies as rdflib ``DefinedNamespace`` classes, so a misspelt term fails at import
time instead of silently minting a new IRI. ``MSKG`` is the project's ontology
(``ontology.ttl`` defines every term listed here); the others are standard
vocabularies rdflib does not ship."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

__all__ = [
    "MSKG", "CITO", "FABIO", "BIBO", "ID", "GRAPH",
    "DCAT", "DCTERMS", "FOAF", "OWL", "PROV", "RDF", "RDFS", "SDO", "SKOS", "XSD",
    "PREFIXES", "TAXONOMY_SCHEME", "FRAMEWORK_SCHEME", "ADAPTATION_STRATEGY_SCHEME", "short_iri",
    "ONTOLOGY_GRAPH", "SURVEY_LIST", "SURVEY_DB", "ARXIV_SNAPSHOT", "ARXIV", "SEMANTIC_SCHOLAR", "CANDIDATES",
    "CURATION", "SURVEY_LIST_UPSTREAM", "PROVENANCE", "SURVEY_GRAPHS", "TAXONOMY_STAGED", "TAXONOMY_IN_FORCE",
]


class MSKG(DefinedNamespace):
    """medseg-kg ontology, https://w3id.org/medseg-kg/ontology#"""

    _NS = Namespace("https://w3id.org/medseg-kg/ontology#")
    _fail = True

    # classes
    Model: URIRef
    Paper: URIRef
    Dataset: URIRef
    Result: URIRef
    Framework: URIRef
    # framework individuals (also skos:Concepts of the framework scheme)
    Generalist: URIRef
    TaskSpecific: URIRef
    # core object properties
    category: URIRef  # Model or Paper -> skos:Concept of the survey taxonomy
    basedOn: URIRef  # Model -> Model it adapts
    introducedIn: URIRef  # Model -> its first Paper
    describedIn: URIRef  # Model -> any Paper presenting it (first and last publication)
    evaluatedOn: URIRef  # Model -> Dataset
    framework: URIRef  # Model -> Generalist | TaskSpecific
    model: URIRef  # Result -> Model
    dataset: URIRef  # Result -> Dataset
    impliesBaseModel: URIRef  # taxonomy Concept -> Model (a SAM-based class implies SAM)
    adaptationStrategy: URIRef  # Model or Paper -> skos:Concept of id:adaptation-strategy (a facet, never a class)
    # result data properties
    dice: URIRef
    resultKind: URIRef
    resolutionNote: URIRef  # how a source value was resolved to a node (kept for audit)
    # paper data properties
    arxivId: URIRef
    s2PaperId: URIRef
    pubmedId: URIRef
    corpusId: URIRef
    primaryCategory: URIRef
    arxivCategory: URIRef
    venue: URIRef
    lastIssued: URIRef  # date of the latest publication (version of record)
    bibKey: URIRef
    bibtex: URIRef
    authorList: URIRef  # authors in order, '; '-separated (dcterms:creator is unordered)
    arxivVersion: URIRef  # latest arXiv version number seen
    withdrawn: URIRef  # Paper -> true when arXiv says the paper (or its latest version) was withdrawn
    unresolvedReferenceCount: URIRef  # Paper -> references a source could not resolve to a paper (not added)
    s2AuthorId: URIRef  # foaf:Person -> Semantic Scholar author id
    orcid: URIRef  # foaf:Person -> ORCID iD
    authorAffiliation: URIRef  # foaf:Person -> affiliation as stated on a paper
    citationCount: URIRef
    influentialCitationCount: URIRef
    countsRetrieved: URIRef
    reviewStatus: URIRef
    confidence: URIRef
    # model data properties
    architecture: URIRef
    visualBackbone: URIRef
    affiliation: URIRef
    country: URIRef
    parametersMillions: URIRef
    gflops: URIRef
    gpuCount: URIRef
    gpuModel: URIRef
    gpuVendor: URIRef
    totalVramGB: URIRef
    listName: URIRef  # the name in the survey's paper list
    # dataset facets: Dataset -> skos:Concept of id:modality / id:anatomy, and the source's text
    modality: URIRef
    anatomicalStructure: URIRef
    bodyRegion: URIRef
    modalityNote: URIRef
    anatomicalStructureNote: URIRef
    bodyRegionNote: URIRef
    # dataset data properties
    segmentedObject: URIRef
    includes: URIRef  # names of sub-collections listed by the survey database
    volumeCount: URIRef
    labelledVolumeCount: URIRef
    citationKey: URIRef
    # provenance of build runs
    sourceFile: URIRef
    tripleCount: URIRef
    modelCount: URIRef
    paperCount: URIRef
    datasetCount: URIRef
    resultCount: URIRef
    problemCount: URIRef
    citationsAdded: URIRef
    papersAdded: URIRef
    papersEnriched: URIRef
    failureCount: URIRef
    # the weekly update: candidates, their evidence and links, review, discovery runs
    predictedCategory: URIRef  # Paper -> skos:Concept the classifier chose (mskg:category follows review)
    evidence: URIRef  # Paper -> JSON: matched phrases, nearest known papers, links, how it was found
    mentionsDataset: URIRef  # Paper -> Dataset named in its title or abstract
    mentionsModel: URIRef  # Paper -> Model named in its title or abstract (a base model, usually)
    mentionsModality: URIRef  # Paper -> imaging modality named in its title or abstract
    reviewedOn: URIRef  # Paper -> date of the curation decision in force
    candidatesAdded: URIRef
    papersDiscovered: URIRef
    papersSkipped: URIRef
    listPosition: URIRef  # Paper -> its row's position in the survey's list (1 = first)
    listTitle: URIRef  # Paper -> the title exactly as the list writes it
    decidedBy: URIRef  # Paper, Model or Result -> who made the curation decision behind it
    windowStart: URIRef
    windowEnd: URIRef


class CITO(DefinedNamespace):
    _NS = Namespace("http://purl.org/spar/cito/")
    _fail = True
    cites: URIRef
    isCitedBy: URIRef


class FABIO(DefinedNamespace):
    _NS = Namespace("http://purl.org/spar/fabio/")
    _fail = True
    ScholarlyWork: URIRef
    Preprint: URIRef
    JournalArticle: URIRef


class BIBO(DefinedNamespace):
    _NS = Namespace("http://purl.org/ontology/bibo/")
    _fail = True
    doi: URIRef
    uri: URIRef


#: resources (models, papers, datasets, taxonomy, runs)
ID = Namespace("https://w3id.org/medseg-kg/id/")
#: named graphs, one per source
GRAPH = Namespace("https://w3id.org/medseg-kg/graph/")

# Every named graph the code writes, here and nowhere else. One graph per source, so any
# triple can be traced to what stated it.
ONTOLOGY_GRAPH = GRAPH["ontology"]  # ontology.ttl as loaded by the last build
SURVEY_LIST = GRAPH["survey-list"]  # the survey's paper list (bundled README table)
SURVEY_DB = GRAPH["survey-db"]  # the survey database: models, datasets, Dice results
ARXIV_SNAPSHOT = GRAPH["arxiv-snapshot"]  # the bundled arXiv metadata of the survey's papers
ARXIV = GRAPH["arxiv"]  # live arXiv records (kg enrich)
SEMANTIC_SCHOLAR = GRAPH["semantic-scholar"]  # live Semantic Scholar records and citations
CANDIDATES = GRAPH["candidates"]  # papers queued by kg update for review
CURATION = GRAPH["curation"]  # human decisions, re-derived from the curation file
SURVEY_LIST_UPSTREAM = GRAPH["survey-list-upstream"]  # the upstream list as kg update saw it last
PROVENANCE = GRAPH["provenance"]  # one prov:Activity per build, enrich and update run
# Later versions of the survey taxonomy read from the upstream list (issue #18): each version
# its own skos:ConceptScheme, the places of the models in it, their adaptation strategies and
# the crosswalk from the scheme in force, written by kg update and never mixed into id:taxonomy.
TAXONOMY_STAGED = GRAPH["taxonomy-staged"]
# The merge of the named graphs, each triple once, on a server whose default graph cannot be
# written (Virtuoso 7); the embedded store and Oxigraph keep it in the default graph (kg.store_merge).
MERGED = GRAPH["merged"]
TAXONOMY_IN_FORCE = GRAPH["taxonomy-in-force"]  # the one scheme a maintainer adopted (absent: id:taxonomy)
#: the graphs that describe the survey's own papers (the papers a live refresh tracks)
SURVEY_GRAPHS = (SURVEY_LIST, SURVEY_DB, ARXIV_SNAPSHOT)

TAXONOMY_SCHEME = ID["taxonomy"]
FRAMEWORK_SCHEME = ID["framework"]
ADAPTATION_STRATEGY_SCHEME = ID["adaptation-strategy"]  # a facet (full fine-tuning, adapters, LoRA...), never a class

PREFIXES: dict[str, str] = {
    "mskg": str(MSKG._NS),
    "id": str(ID),
    "graph": str(GRAPH),
    "cito": str(CITO._NS),
    "fabio": str(FABIO._NS),
    "bibo": str(BIBO._NS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "skos": str(SKOS),
    "schema": str(SDO),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}


def short_iri(iri: object) -> str:
    """A compact form of an IRI for people (``mskg:basedOn``, ``id:model/sam``); the longest
    matching namespace wins, so ``id:`` is not shadowed by a shorter base."""
    text = str(iri)
    for prefix, base in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if text.startswith(base):
            return f"{prefix}:{text[len(base):]}"
    return text
