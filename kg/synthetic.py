"""A deterministic synthetic scholarly graph in the project's ontology, for `kg bench`.

The shape follows what a citation crawl of the field looks like once `kg enrich` has run for
a while: most papers are references or citing papers known only by their arXiv/Semantic
Scholar metadata (title, date, authors, abstract, ids, citations); a few percent are placed in
the survey taxonomy; one model per fifty papers, with its lineage (``basedOn``), code, datasets
and Dice results. Every source writes its own named graph, and facts that two sources both
state (a paper's type) are stated in both, as in the real build. The ontology graph is the real
``ontology.ttl``, and the anchors of the saved questions exist ("SAM", "SAM 2", "MedSAM",
"MedSAM2", "BTCV" and its parts, the class "Adapters for SAM"), so every saved question has
answers, at any size.

Same ``papers`` and ``seed``, same bytes: the N-Quads file is written in a fixed order.

At 100,000 papers: ~2,000 models, ~250 datasets, ~24,000 results, ~40,000 people and
~1.5M quads.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from kg.mapping.facets import read_anatomy, read_modality
from kg.resources import ONTOLOGY_FILE
from kg.synthetic_names import (
    ANCHOR_DATASETS,
    ANCHOR_MODELS,
    FIRST_NAMES,
    LAST_NAMES,
    MODALITIES,
    NAME_PREFIXES,
    NAME_SUFFIXES,
    OBJECTS,
    REGIONS,
    WORDS,
)
from kg.vocab import (
    ARXIV,
    BIBO,
    CITO,
    DCTERMS,
    FOAF,
    ID,
    ONTOLOGY_GRAPH,
    PROVENANCE,
    SEMANTIC_SCHOLAR,
    SURVEY_DB,
    SURVEY_LIST,
    MSKG,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    XSD,
)

G_ONTOLOGY = str(ONTOLOGY_GRAPH)
G_LIST = str(SURVEY_LIST)
G_DB = str(SURVEY_DB)
G_ARXIV = str(ARXIV)
G_S2 = str(SEMANTIC_SCHOLAR)
G_PROV = str(PROVENANCE)


@dataclass
class SyntheticCounts:
    papers: int
    models: int
    datasets: int
    results: int
    people: int
    citations: int
    quads: int = 0
    graphs: dict[str, int] = field(default_factory=dict)


def _iri(x: object) -> str:
    return f"<{x}>"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _typed(value: object, datatype: object) -> str:
    return f'"{value}"^^<{datatype}>'


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


class _Writer:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.counts: dict[str, int] = {}

    def quad(self, s: str, p: object, o: str, g: str) -> None:
        self.out.write(f"{s} <{p}> {o} <{g}> .\n")
        self.counts[g] = self.counts.get(g, 0) + 1


@dataclass
class _Taxonomy:
    """The ontology's quads and its survey taxonomy: label -> concept IRI, concept -> section."""

    quads: list[ox.Quad]
    concepts: dict[str, str]
    section_of: dict[str, str | None]

    @property
    def leaves(self) -> list[str]:
        """The classes models and papers are placed in (concepts that are no one's section)."""
        sections = set(self.section_of.values())
        return sorted(c for c in self.concepts.values() if c not in sections)


def _taxonomy() -> _Taxonomy:
    blank: dict[str, ox.BlankNode] = {}  # the parser names blank nodes at random; rename them in order

    def stable(term: object) -> object:
        if isinstance(term, ox.BlankNode):
            return blank.setdefault(term.value, ox.BlankNode(f"onto{len(blank)}"))
        return term

    quads = [
        ox.Quad(stable(t.subject), t.predicate, stable(t.object), ox.NamedNode(G_ONTOLOGY))
        for t in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    ]
    labels: dict[str, str] = {}
    in_taxonomy: set[str] = set()
    broader: dict[str, str | None] = {}
    for q in quads:
        s, p, o = q.subject, q.predicate.value, q.object
        if p == str(SKOS.prefLabel) and isinstance(s, ox.NamedNode):
            labels[o.value] = s.value
        elif p == str(SKOS.inScheme) and o.value == str(ID["taxonomy"]):
            in_taxonomy.add(s.value)
        elif p == str(SKOS.broader):
            broader[s.value] = o.value
    concepts = {label: iri for label, iri in labels.items() if iri in in_taxonomy}
    return _Taxonomy(quads, concepts, {iri: broader.get(iri) for iri in concepts.values()})


class _Generator:
    """One generation: the writer, ONE random stream and what later sections refer to. The
    sections draw from the stream in a fixed order, which is what makes the bytes repeatable:
    reordering two draws changes the graph."""

    def __init__(self, w: _Writer, papers: int, seed: int, taxonomy: _Taxonomy) -> None:
        self.w, self.rng, self.seed, self.tax = w, random.Random(seed), seed, taxonomy
        self.leaves = taxonomy.leaves
        self.label_of = {iri: label for label, iri in taxonomy.concepts.items()}
        self.counts = SyntheticCounts(
            papers=papers,
            models=max(len(ANCHOR_MODELS) + 20, papers // 50),
            datasets=max(len(ANCHOR_DATASETS) + 10, papers // 400),
            results=0,
            people=max(50, papers * 2 // 5),
            citations=0,
        )
        self.paper_iris: list[str] = []
        self.dataset_iris: list[str] = []
        self.model_iris: list[str] = []
        self.anchors: dict[str, int] = {}  # anchor model label -> its index
        self.evaluated: set[tuple[int, int]] = set()  # (model, dataset) pairs already stated

    def write_ontology(self) -> None:
        for q in self.tax.quads:
            self.w.out.write(f"{q} .\n")
        self.w.counts[G_ONTOLOGY] = len(self.tax.quads)

    def write_taxonomy(self) -> None:
        """The survey list's taxonomy (sections state their narrower classes, as the build does)."""
        w, section_of = self.w, self.tax.section_of
        scheme = _iri(ID["taxonomy"])
        w.quad(scheme, RDF.type, _iri(SKOS.ConceptScheme), G_LIST)
        for label, iri in sorted(self.tax.concepts.items()):
            c = _iri(iri)
            w.quad(c, RDF.type, _iri(SKOS.Concept), G_LIST)
            w.quad(c, SKOS.prefLabel, _lit(label), G_LIST)
            w.quad(c, SKOS.inScheme, scheme, G_LIST)
            if section_of[iri]:
                w.quad(c, SKOS.broader, _iri(section_of[iri]), G_LIST)
                w.quad(_iri(section_of[iri]), SKOS.narrower, c, G_LIST)

    def write_people(self) -> None:
        for i in range(self.counts.people):
            person = _iri(ID[f"person/p{i}"])
            self.w.quad(person, RDF.type, _iri(FOAF.Person), G_ARXIV)
            self.w.quad(
                person, FOAF.name, _lit(f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"), G_ARXIV
            )

    def write_papers(self) -> None:
        """Dates grow with the index, so a paper cites only older ones."""
        papers = self.counts.papers
        start, span = date(2015, 1, 1), (date(2025, 9, 30) - date(2015, 1, 1)).days
        for i in range(papers):
            self.write_paper(i, start + timedelta(days=int(span * (i / max(1, papers - 1)) ** 0.5)))

    def write_paper(self, i: int, day: date) -> None:
        w, rng = self.w, self.rng
        arxiv_id = f"{day:%y%m}.{i:05d}"
        paper = _iri(ID[f"paper/arxiv/{arxiv_id}"])
        self.paper_iris.append(paper)
        words = rng.sample(WORDS, 8)
        title = f"{words[0].capitalize()} {words[1]} {words[2]} for {words[3]} {words[4]} {words[5]}"
        w.quad(paper, RDF.type, _iri(MSKG.Paper), G_ARXIV)
        w.quad(paper, DCTERMS.title, _lit(title), G_ARXIV)
        in_taxonomy = rng.random() < 0.04
        # Some references are known only by their year (Semantic Scholar); never the papers the
        # saved questions date (classified ones, and those introducing a model: every 50th).
        if rng.random() < 0.1 and i % 50 and not in_taxonomy:
            w.quad(paper, DCTERMS.issued, _typed(day.year, XSD.gYear), G_ARXIV)
        else:
            w.quad(paper, DCTERMS.issued, _typed(day.isoformat(), XSD.date), G_ARXIV)
        w.quad(paper, MSKG.arxivId, _lit(arxiv_id), G_ARXIV)
        if rng.random() < 0.6:
            w.quad(paper, DCTERMS.abstract, _lit(" ".join(rng.choices(WORDS, k=24)) + "."), G_ARXIV)
        for a in [rng.randrange(self.counts.people) for _ in range(rng.randint(1, 5))]:
            w.quad(paper, DCTERMS.creator, _iri(ID[f"person/p{a}"]), G_ARXIV)
        if rng.random() < 0.35:
            w.quad(paper, RDF.type, _iri(MSKG.Paper), G_S2)
            w.quad(paper, BIBO.doi, _lit(f"10.5555/syn.{self.seed}.{i}"), G_S2)
            w.quad(paper, MSKG.citationCount, _typed(rng.randint(0, 400), XSD.integer), G_S2)
        if i:  # citations: to older papers, skewed towards the oldest (the field's anchors)
            for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 6, 7))):
                w.quad(paper, CITO.cites, self.paper_iris[int(i * rng.random() ** 3)], G_S2)
                self.counts.citations += 1
        if in_taxonomy:
            w.quad(paper, RDF.type, _iri(MSKG.Paper), G_LIST)
            w.quad(paper, MSKG.category, _iri(rng.choice(self.leaves)), G_LIST)

    def write_datasets(self) -> None:
        w, rng = self.w, self.rng
        for k in range(self.counts.datasets):
            if k < len(ANCHOR_DATASETS):
                label, parent, modality, region = ANCHOR_DATASETS[k]
            else:
                label, parent = f"{rng.choice(NAME_PREFIXES)}{rng.choice(OBJECTS).capitalize()}-{k}", None
                modality, region = rng.choice(MODALITIES), rng.choice(REGIONS)
            ds = _iri(ID[f"dataset/{_slug(label)}"])
            self.dataset_iris.append(ds)
            w.quad(ds, RDF.type, _iri(MSKG.Dataset), G_DB)
            w.quad(ds, RDFS.label, _lit(label), G_DB)
            # Facets are terms of the schemes in kg/data/facets.toml, as in the real build.
            for term in read_modality(modality).terms:
                w.quad(ds, MSKG.modality, _iri(term), G_DB)
            w.quad(ds, MSKG.modalityNote, _lit(modality), G_DB)
            for term in read_anatomy([region]).terms:
                w.quad(ds, MSKG.bodyRegion, _iri(term), G_DB)
            w.quad(ds, MSKG.segmentedObject, _lit(rng.choice(OBJECTS)), G_DB)
            if parent:
                w.quad(ds, DCTERMS.isPartOf, _iri(ID[f"dataset/{_slug(parent)}"]), G_DB)

    def _model_plan(self, k: int) -> tuple[str, int | None, str | None, str, int]:
        """Model ``k``: label, index of its base model, class, framework, index of its paper.
        The anchors come first; the others adapt an earlier model, mostly SAM or SAM 2."""
        rng, papers = self.rng, self.counts.papers
        if k < len(ANCHOR_MODELS):
            label, base_label, cls, fw = ANCHOR_MODELS[k]
            base = self.anchors.get(base_label) if base_label else None
            self.anchors[label] = k
            return label, base, self.tax.concepts.get(cls) if cls else None, fw, k * 50 % papers
        label = f"{rng.choice(NAME_PREFIXES)}{rng.choice(NAME_SUFFIXES)}-{k}"
        concept = rng.choice(self.leaves)
        section = self.label_of.get(self.tax.section_of.get(concept) or "", "")
        if section.startswith("SAM 2"):
            base = self.anchors["SAM 2"] if rng.random() < 0.8 else rng.randrange(k)
        elif section.startswith("SAM"):
            base = self.anchors["SAM"] if rng.random() < 0.7 else rng.randrange(k)
        else:
            base = rng.choice((None, None, self.anchors["U-Net"], self.anchors["nnU-Net"], self.anchors["CLIP"]))
        fw = "Generalist" if rng.random() < 0.6 else "TaskSpecific"
        return label, base, concept, fw, rng.randrange(max(1, papers // 50)) * 50

    def write_models(self) -> None:
        for k in range(self.counts.models):
            self.write_model(k, *self._model_plan(k))

    def write_model(self, k: int, label: str, base: int | None, concept: str | None, fw: str, paper_index: int) -> None:
        w, rng = self.w, self.rng
        m = _iri(ID[f"model/{_slug(label)}"])
        self.model_iris.append(m)
        paper = self.paper_iris[paper_index]
        w.quad(m, RDF.type, _iri(MSKG.Model), G_DB)
        w.quad(m, RDFS.label, _lit(label), G_DB)
        w.quad(m, MSKG.framework, _iri(MSKG[fw]), G_DB)
        w.quad(m, MSKG.introducedIn, paper, G_DB)
        w.quad(m, MSKG.describedIn, paper, G_DB)
        w.quad(m, MSKG.visualBackbone, _lit(rng.choice(("ViT-B", "ViT-H", "Hiera-L", "ResNet-50", "Swin-B"))), G_DB)
        if base is not None:
            w.quad(m, MSKG.basedOn, self.model_iris[base], G_DB)
        if concept:
            w.quad(m, RDF.type, _iri(MSKG.Model), G_LIST)
            w.quad(m, MSKG.category, _iri(concept), G_LIST)
        if label in ("SAM", "SAM 2", "MedSAM", "MedSAM2", "Med-SA") or rng.random() < 0.7:
            w.quad(m, SDO.codeRepository, _iri(f"https://github.com/synthetic/{_slug(label)}"), G_DB)
        if label not in ("U-Net", "CLIP"):
            self.write_results(k, label, m, concept, paper)

    def write_results(self, k: int, label: str, m: str, concept: str | None, paper: str) -> None:
        """A dozen results per model, on a few datasets (the anchors on BTCV and its parts)."""
        w, rng = self.w, self.rng
        picks = [rng.randrange(self.counts.datasets) for _ in range(rng.randint(2, 5))]
        if concept == self.tax.concepts.get("Adapters for SAM") or label in ("MedSAM", "MedSAM2"):
            picks += [0, 1]
        for j in range(12):
            d = picks[j % len(picks)]
            kind = "primary" if j % 3 else "best"
            r = _iri(ID[f"result/{_slug(label)}/{j}"])
            w.quad(r, RDF.type, _iri(MSKG.Result), G_DB)
            w.quad(r, MSKG.model, m, G_DB)
            w.quad(r, MSKG.dataset, self.dataset_iris[d], G_DB)
            w.quad(r, MSKG.dice, _typed(f"{rng.randint(400, 980) / 10:.1f}", XSD.decimal), G_DB)
            w.quad(r, MSKG.resultKind, _lit(kind), G_DB)
            w.quad(r, PROV.wasDerivedFrom, paper if kind == "primary" else rng.choice(self.paper_iris), G_DB)
            if (k, d) not in self.evaluated:
                self.evaluated.add((k, d))
                w.quad(m, MSKG.evaluatedOn, self.dataset_iris[d], G_DB)
            self.counts.results += 1

    def write_provenance(self) -> None:
        """A year of weekly update runs."""
        w, papers, models = self.w, self.counts.papers, self.counts.models
        for week in range(52):
            run = _iri(ID[f"activity/update/synthetic-{week:02d}"])
            began = date(2025, 1, 6) + timedelta(weeks=week)
            w.quad(run, RDF.type, _iri(PROV.Activity), G_PROV)
            w.quad(run, PROV.startedAtTime, _typed(f"{began}T03:00:00+00:00", XSD.dateTime), G_PROV)
            w.quad(run, PROV.endedAtTime, _typed(f"{began}T03:{10 + week % 40:02d}:00+00:00", XSD.dateTime), G_PROV)
            w.quad(run, MSKG.paperCount, _typed(papers * (week + 1) // 52, XSD.integer), G_PROV)
            w.quad(run, MSKG.modelCount, _typed(models * (week + 1) // 52, XSD.integer), G_PROV)


def generate(out_path: Path, papers: int = 100_000, seed: int = 42) -> SyntheticCounts:
    """Write the synthetic graph as N-Quads to ``out_path``; return what it holds."""
    with open(out_path, "w", encoding="utf-8", newline="\n") as fh:
        g = _Generator(_Writer(fh), papers, seed, _taxonomy())
        # The order of the sections is the order of the random draws: keep it.
        g.write_ontology()
        g.write_taxonomy()
        g.write_people()
        g.write_papers()
        g.write_datasets()
        g.write_models()
        g.write_provenance()
    counts = g.counts
    counts.graphs = dict(sorted(g.w.counts.items()))
    counts.quads = sum(g.w.counts.values())
    return counts
