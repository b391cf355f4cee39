"""The mutation suite's mutations: single edits of the built survey graph, each a thing a
user could get wrong or a source could send, with the node it breaks and the words of the
rule that must reject it. tests/test_shape_mutations.py asserts each is caught;
scripts/measure_graph_quality.py counts how many a checkout's shapes catch in a whole-graph
run, on this checkout or an older one (so this module needs only rdflib and kg.vocab, whose
terms used here older checkouts have too)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rdflib.namespace as rns  # XSD through rns: a module-level XSD makes pytest collection warn
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS

from kg.vocab import CITO, ID, MSKG

BIBO_DOI = URIRef("http://purl.org/ontology/bibo/doi")
CODE = URIRef("https://schema.org/codeRepository")
DECIMAL = rns.XSD.decimal
MEDSAM, SAM, BTCV = ID["model/medsam"], ID["model/sam"], ID["dataset/btcv"]
MEDSAM_PAPER = ID["paper/arxiv/2304.12306"]
SECTION, CLASS = ID["taxonomy/sam-based-models"], ID["taxonomy/adapters-for-sam"]
PERSON = ID["person/dorit-merhof"]


def _result_of(g: Graph, model: URIRef) -> URIRef:
    return sorted(g.subjects(MSKG.model, model))[0]


def _run(g: Graph) -> URIRef:
    return next(iter(g.subjects(MSKG.sourceFile, None)))


class Edit:
    """The built graph, edited and put back: copying 15,000 triples for each of 45
    mutations would cost more than validating them."""

    def __init__(self, g: Graph) -> None:
        self.g, self.added, self.removed = g, [], []  # type: ignore[var-annotated]

    def __getattr__(self, name: str) -> object:
        return getattr(self.g, name)

    def __contains__(self, triple: tuple) -> bool:
        return triple in self.g

    def add(self, t: tuple) -> None:
        if t not in self.g:
            self.g.add(t)
            self.added.append(t)

    def remove(self, pattern: tuple) -> None:
        for t in list(self.g.triples(pattern)):
            self.g.remove(t)
            self.removed.append(t)

    def set(self, t: tuple) -> None:
        self.remove((t[0], t[1], None))
        self.add(t)

    def undo(self) -> None:
        for t in self.added:
            self.g.remove(t)
        for t in self.removed:
            self.g.add(t)


@dataclass
class Mutation:
    name: str
    mutate: Callable[[Graph], URIRef]  # changes the graph, returns the node it broke
    path: URIRef | None  # the result's path, None for node-level rules
    rule: str  # words of the message that name the rule
    severity: str = "Violation"


def _set(s: URIRef, p: URIRef, o: object) -> Callable[[Graph], URIRef]:
    def mutate(g: Graph) -> URIRef:
        g.set((s, p, o))  # type: ignore[arg-type]
        return s

    return mutate


def _add(s: URIRef, p: URIRef, o: object) -> Callable[[Graph], URIRef]:
    def mutate(g: Graph) -> URIRef:
        g.add((s, p, o))  # type: ignore[arg-type]
        return s

    return mutate


def _drop(s: URIRef, p: URIRef) -> Callable[[Graph], URIRef]:
    def mutate(g: Graph) -> URIRef:
        assert (s, p, None) in g, f"nothing to drop: {s} {p}"
        g.remove((s, p, None))
        return s

    return mutate


def _on_result(p: URIRef, o: object, how: str = "set") -> Callable[[Graph], URIRef]:
    def mutate(g: Graph) -> URIRef:
        r = _result_of(g, MEDSAM)
        if how == "drop":
            g.remove((r, p, None))
        else:
            (g.set if how == "set" else g.add)((r, p, o))  # type: ignore[operator]
        return r

    return mutate


def _category_to_section(g: Graph) -> URIRef:
    g.remove((MEDSAM, MSKG.category, None))
    g.add((MEDSAM, MSKG.category, SECTION))
    return MEDSAM


def _broader_cycle(g: Graph) -> URIRef:
    g.add((SECTION, SKOS.broader, CLASS))
    g.add((CLASS, SKOS.narrower, SECTION))
    return SECTION


def _duplicate_dataset(g: Graph) -> URIRef:
    twin = ID["dataset/btcv-again"]
    for _, p, o in list(g.triples((BTCV, None, None))):
        g.add((twin, p, o))
    return twin


def _drop_evaluated_on(g: Graph) -> URIRef:
    dataset = g.value(_result_of(g, MEDSAM), MSKG.dataset)
    g.remove((MEDSAM, MSKG.evaluatedOn, dataset))
    return MEDSAM


def _dice_on_untyped_node(g: Graph) -> URIRef:
    node = ID["result/loose"]
    g.add((node, MSKG.dice, Literal("80.0", datatype=DECIMAL)))
    return node


def _second_person_same_name(g: Graph) -> URIRef:
    twin = ID["person/merhof-dorit"]
    g.add((twin, RDF.type, FOAF.Person))
    g.add((twin, FOAF.name, Literal("Dorit Merhof")))
    return twin


def _source_file_absolute(g: Graph) -> URIRef:
    run = _run(g)
    g.add((run, MSKG.sourceFile, Literal("/home/builder/medseg-kg/ingest/data/gmmis")))
    return run


MUTATIONS = [
    Mutation("category on a section", _category_to_section, MSKG.category, "section that has classes"),
    Mutation(
        "Dice as a fraction",
        _on_result(MSKG.dice, Literal("0.836", datatype=DECIMAL)),
        MSKG.dice,
        "0..1 fraction",
        "Warning",
    ),
    Mutation("skos:broader cycle", _broader_cycle, None, "own broader concept"),
    Mutation("model based on itself", _add(MEDSAM, MSKG.basedOn, MEDSAM), None, "its own base model"),
    Mutation("dataset a part of itself", _add(BTCV, DCTERMS.isPartOf, BTCV), None, "part of itself"),
    Mutation("duplicate dataset under a second IRI", _duplicate_dataset, None, "same rdfs:label"),
    Mutation("person without a name", _drop(PERSON, FOAF.name), FOAF.name, "exactly one foaf:name"),
    Mutation("result without evaluatedOn on its model", _drop_evaluated_on, None, "no mskg:evaluatedOn"),
    Mutation("Dice on an untyped node", _dice_on_untyped_node, None, "typed mskg:Result"),
    Mutation(
        "Dice above 100", _on_result(MSKG.dice, Literal("120.0", datatype=DECIMAL)), MSKG.dice, "between 0 and 100"
    ),
    Mutation("Dice as a string", _on_result(MSKG.dice, Literal("87.1")), MSKG.dice, "xsd:decimal"),
    Mutation(
        "two Dice values",
        _on_result(MSKG.dice, Literal("12.5", datatype=DECIMAL), "add"),
        MSKG.dice,
        "exactly one mskg:dice",
    ),
    Mutation(
        "result without dataset", _on_result(MSKG.dataset, None, "drop"), MSKG.dataset, "exactly one mskg:dataset"
    ),
    Mutation(
        "result kind 'secondary'",
        _on_result(MSKG.resultKind, Literal("secondary")),
        MSKG.resultKind,
        '"primary" or "best"',
    ),
    Mutation(
        "result without its source paper",
        _on_result(PROV.wasDerivedFrom, None, "drop"),
        PROV.wasDerivedFrom,
        "prov:wasDerivedFrom",
    ),
    Mutation("result's model is a dataset", _on_result(MSKG.model, BTCV), MSKG.model, "typed mskg:Model"),
    Mutation(
        "model with two labels", _add(MEDSAM, RDFS.label, Literal("Med SAM")), RDFS.label, "exactly one rdfs:label"
    ),
    Mutation(
        "framework as a string", _set(MEDSAM, MSKG.framework, Literal("Generalist")), MSKG.framework, "not a string"
    ),
    Mutation(
        "introduced in two papers",
        _add(MEDSAM, MSKG.introducedIn, ID["paper/arxiv/2304.02643"]),
        MSKG.introducedIn,
        "at most one",
    ),
    Mutation("based on a paper", _add(MEDSAM, MSKG.basedOn, MEDSAM_PAPER), MSKG.basedOn, "typed mskg:Model"),
    Mutation(
        "code repository as a string",
        _set(MEDSAM, CODE, Literal("https://github.com/bowang-lab/MedSAM")),
        CODE,
        "one IRI",
    ),
    Mutation(
        "code repository with .git",
        _set(MEDSAM, CODE, URIRef("https://github.com/bowang-lab/MedSAM.git")),
        CODE,
        "without '.git'",
    ),
    Mutation(
        "code repository twin with a query string",
        _add(MEDSAM, CODE, URIRef("https://github.com/bowang-lab/MedSAM?tab=readme-ov-file")),
        CODE,
        "at most one IRI",
    ),
    Mutation(
        "code repository on a paper",
        _add(MEDSAM_PAPER, CODE, URIRef("https://github.com/bowang-lab/MedSAM")),
        None,
        "only through its model",
    ),
    Mutation(
        "paper without a title",
        _drop(MEDSAM_PAPER, DCTERMS.title),
        DCTERMS.title,
        "exactly one non-empty dcterms:title",
    ),
    Mutation(
        "paper with two titles", _add(MEDSAM_PAPER, DCTERMS.title, Literal("MedSAM")), DCTERMS.title, "exactly one"
    ),
    Mutation(
        "title with LaTeX",
        _set(MEDSAM_PAPER, DCTERMS.title, Literal(r"$\mathrm{SAM^{Med}}$: annotation")),
        DCTERMS.title,
        "without LaTeX markup",
    ),
    Mutation("issued as prose", _set(MEDSAM_PAPER, DCTERMS.issued, Literal("April 2023")), DCTERMS.issued, "precision"),
    Mutation(
        "issued as a dateTime",
        _set(MEDSAM_PAPER, DCTERMS.issued, Literal("2023-04-24T00:00:00", datatype=rns.XSD.dateTime)),
        DCTERMS.issued,
        "precision",
    ),
    Mutation(
        "arXiv id with version",
        _set(MEDSAM_PAPER, MSKG.arxivId, Literal("arXiv:2304.12306v2")),
        MSKG.arxivId,
        "bare arXiv id",
    ),
    Mutation(
        "DOI with its resolver",
        _set(MEDSAM_PAPER, BIBO_DOI, Literal("https://doi.org/10.1038/s41467-024-44824-z")),
        BIBO_DOI,
        "bare lower-case DOI",
    ),
    Mutation(
        "creator as a string", _add(MEDSAM_PAPER, DCTERMS.creator, Literal("Bo Wang")), DCTERMS.creator, "foaf:Person"
    ),
    Mutation("cites a dataset", _add(MEDSAM_PAPER, CITO.cites, BTCV), CITO.cites, "typed mskg:Paper"),
    Mutation("person named family-first", _set(PERSON, FOAF.name, Literal("Merhof, Dorit")), FOAF.name, "Given Family"),
    Mutation("person named in LaTeX", _set(PERSON, FOAF.name, Literal('Paul F. J\\"ager')), FOAF.name, "LaTeX markup"),
    Mutation("one person under two IRIs", _second_person_same_name, None, "same foaf:name", "Warning"),
    Mutation(
        "part/whole stated as hasPart",
        _add(ID["dataset/lidc-idri"], DCTERMS.hasPart, ID["dataset/luna16"]),
        DCTERMS.hasPart,
        "stated one way",
    ),
    Mutation("dataset a part of a model", _add(BTCV, DCTERMS.isPartOf, MEDSAM), DCTERMS.isPartOf, "parent dataset"),
    Mutation(
        "more labelled volumes than volumes",
        _set(BTCV, MSKG.labelledVolumeCount, Literal(5000)),
        MSKG.labelledVolumeCount,
        "no larger than",
    ),
    Mutation("evaluated on a model", _add(MEDSAM, MSKG.evaluatedOn, SAM), MSKG.evaluatedOn, "typed mskg:Dataset"),
    Mutation(
        "concept with two prefLabels",
        _add(CLASS, SKOS.prefLabel, Literal("Adapters")),
        SKOS.prefLabel,
        "exactly one skos:prefLabel",
    ),
    Mutation(
        "definition without language tag",
        _set(CLASS, SKOS.definition, Literal("Adapters in a frozen SAM.")),
        SKOS.definition,
        "tagged @en",
    ),
    Mutation(
        "narrower without broader", _add(SECTION, SKOS.narrower, ID["taxonomy/zero-shot-of-sam-2"]), None, "disagree"
    ),
    Mutation("source file as a machine path", _source_file_absolute, MSKG.sourceFile, "never by a path"),
    Mutation(
        "page on http",
        _set(MEDSAM_PAPER, FOAF.page, URIRef("http://arxiv.org/abs/2304.12306")),
        FOAF.page,
        "use https",
        "Warning",
    ),
    Mutation(
        "concept without definition",
        _drop(ID["taxonomy/few-shot-of-sam"], SKOS.definition),
        SKOS.definition,
        "no skos:definition",
        "Warning",
    ),
]
