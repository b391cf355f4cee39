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

from kg.resources import ONTOLOGY_FILE
from kg.vocab import BIBO, CITO, DCTERMS, FOAF, GRAPH, ID, MSKG, PROV, RDF, RDFS, SDO, SKOS, XSD


G_ONTOLOGY = str(GRAPH["ontology"])
G_LIST = str(GRAPH["survey-list"])
G_DB = str(GRAPH["survey-db"])
G_ARXIV = str(GRAPH["arxiv"])
G_S2 = str(GRAPH["semantic-scholar"])
G_PROV = str(GRAPH["provenance"])

_WORDS = (
    "segmentation medical image foundation model prompt promptable universal generalist volumetric "
    "zero-shot few-shot adapter fine-tuning parameter-efficient lesion tumour organ abdominal cardiac "
    "brain retinal polyp skin ultrasound endoscopy pathology radiology CT MRI X-ray 3D 2D video "
    "memory attention transformer encoder decoder mask box point click interactive annotation "
    "benchmark dataset evaluation Dice robust efficient lightweight multi-modal text-guided "
    "vision-language contrastive self-supervised pretraining distillation uncertainty calibration "
    "boundary multi-organ cross-domain generalisation federated semi-supervised weakly labelled"
).split()
_FIRST = ("Ana Bo Chen Dara Eli Fang Gita Hugo Ines Jun Kai Lena Mina Nils Omar Pia Qi Rosa Sam Tara "
          "Uma Vik Wei Xin Yara Zoe Li Ming Noor Ivan").split()
_LAST = ("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Lin He Gao Luo Muller "
         "Schmidt Rossi Moglia Garcia Martin Silva Kim Park Lee Nguyen Tanaka Sato Patel Singh Khan").split()
_MODALITIES = ("CT", "MRI", "Ultrasound", "X-ray", "Endoscopy", "Dermoscopy", "Fundus", "Histopathology")
_REGIONS = ("Abdomen", "Brain", "Thorax", "Head and neck", "Pelvis", "Skin", "Eye", "Whole body")
_OBJECTS = ("liver", "kidney", "spleen", "pancreas", "tumour", "polyp", "lesion", "heart", "lung", "vessel")
_PREFIXES = ("Med", "Uni", "Bio", "Sam", "Seg", "Vol", "Path", "Echo", "Derm", "Retina", "Onco", "Gen")
_SUFFIXES = ("Adapter", "Net", "SAM", "Former", "Seg", "Prompt", "Track", "Med", "Vision", "Mamba", "Diff")

# The real models and datasets the saved questions ask about, with their lineage and class.
_ANCHOR_MODELS = (  # label, base, class, framework
    ("SAM", None, "Zero-shot of SAM", "Generalist"),
    ("SAM 2", "SAM", "Zero-shot of SAM 2", "Generalist"),
    ("MedSAM", "SAM", "Full fine-tuning of SAM", "Generalist"),
    ("MedSAM2", "SAM 2", "Fine-tuning of SAM 2", "Generalist"),
    ("Med-SA", "SAM", "Adapters for SAM", "Generalist"),
    ("SAM-Med3D", "SAM", "Modifications to SAM architecture", "Generalist"),
    ("U-Net", None, None, "TaskSpecific"),
    ("nnU-Net", "U-Net", None, "TaskSpecific"),
    ("CLIP", None, None, "Generalist"),
)
_ANCHOR_DATASETS = (  # label, parent, modality, region
    ("BTCV", None, "CT", "Abdomen"),
    ("BTCV Abdomen", "BTCV", "CT", "Abdomen"),
    ("BTCV Cervix", "BTCV", "CT", "Pelvis"),
    ("AMOS", None, "CT", "Abdomen"),
    ("KiTS19", None, "CT", "Abdomen"),
    ("BraTS 2021", None, "MRI", "Brain"),
    ("ACDC", None, "MRI", "Thorax"),
    ("ISIC 2018", None, "Dermoscopy", "Skin"),
    ("Kvasir-SEG", None, "Endoscopy", "Abdomen"),
    ("REFUGE", None, "Fundus", "Eye"),
)


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


def _taxonomy() -> tuple[list[ox.Quad], dict[str, str], dict[str, str | None]]:
    """The ontology's quads, and its survey taxonomy: label -> concept IRI, concept -> section."""
    blank: dict[str, ox.BlankNode] = {}  # the parser names blank nodes at random; rename them in order

    def stable(term: object) -> object:
        if isinstance(term, ox.BlankNode):
            return blank.setdefault(term.value, ox.BlankNode(f"onto{len(blank)}"))
        return term

    quads = [ox.Quad(stable(t.subject), t.predicate, stable(t.object), ox.NamedNode(G_ONTOLOGY))
             for t in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)]
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
    return quads, concepts, {iri: broader.get(iri) for iri in concepts.values()}


def generate(out_path: Path, papers: int = 100_000, seed: int = 42) -> SyntheticCounts:
    """Write the synthetic graph as N-Quads to ``out_path``; return what it holds."""
    rng = random.Random(seed)
    onto_quads, concepts, section_of = _taxonomy()
    leaves = sorted(c for c in concepts.values() if c not in set(section_of.values()))
    label_of = {iri: label for label, iri in concepts.items()}
    n_models = max(len(_ANCHOR_MODELS) + 20, papers // 50)
    n_datasets = max(len(_ANCHOR_DATASETS) + 10, papers // 400)
    n_people = max(50, papers * 2 // 5)
    counts = SyntheticCounts(papers=papers, models=n_models, datasets=n_datasets, results=0, people=n_people, citations=0)

    with open(out_path, "w", encoding="utf-8", newline="\n") as fh:
        w = _Writer(fh)
        for q in onto_quads:
            fh.write(f"{q} .\n")
        w.counts[G_ONTOLOGY] = len(onto_quads)

        # -- the survey list's taxonomy (sections state their narrower classes, as the build does)
        scheme = _iri(ID["taxonomy"])
        w.quad(scheme, RDF.type, _iri(SKOS.ConceptScheme), G_LIST)
        for label, iri in sorted(concepts.items()):
            c = _iri(iri)
            w.quad(c, RDF.type, _iri(SKOS.Concept), G_LIST)
            w.quad(c, SKOS.prefLabel, _lit(label), G_LIST)
            w.quad(c, SKOS.inScheme, scheme, G_LIST)
            if section_of[iri]:
                w.quad(c, SKOS.broader, _iri(section_of[iri]), G_LIST)
                w.quad(_iri(section_of[iri]), SKOS.narrower, c, G_LIST)

        # -- people
        for i in range(n_people):
            person = _iri(ID[f"person/p{i}"])
            w.quad(person, RDF.type, _iri(FOAF.Person), G_ARXIV)
            w.quad(person, FOAF.name, _lit(f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"), G_ARXIV)

        # -- papers: dates grow with the index, so a paper cites only older ones
        start, span = date(2015, 1, 1), (date(2025, 9, 30) - date(2015, 1, 1)).days
        paper_iris: list[str] = []
        categorised: set[int] = set()
        for i in range(papers):
            day = start + timedelta(days=int(span * (i / max(1, papers - 1)) ** 0.5))
            arxiv_id = f"{day:%y%m}.{i:05d}"
            paper = _iri(ID[f"paper/arxiv/{arxiv_id}"])
            paper_iris.append(paper)
            words = rng.sample(_WORDS, 8)
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
                w.quad(paper, DCTERMS.abstract, _lit(" ".join(rng.choices(_WORDS, k=24)) + "."), G_ARXIV)
            authors = [rng.randrange(n_people) for _ in range(rng.randint(1, 5))]
            for a in authors:
                w.quad(paper, DCTERMS.creator, _iri(ID[f"person/p{a}"]), G_ARXIV)
            if rng.random() < 0.35:
                w.quad(paper, RDF.type, _iri(MSKG.Paper), G_S2)
                w.quad(paper, BIBO.doi, _lit(f"10.5555/syn.{seed}.{i}"), G_S2)
                w.quad(paper, MSKG.citationCount, _typed(rng.randint(0, 400), XSD.integer), G_S2)
            # citations: to older papers, skewed towards the oldest (the field's anchors)
            if i:
                for _ in range(rng.choice((0, 1, 2, 3, 4, 5, 6, 7))):
                    cited = int(i * rng.random() ** 3)
                    w.quad(paper, CITO.cites, paper_iris[cited], G_S2)
                    counts.citations += 1
            if in_taxonomy:
                categorised.add(i)
                w.quad(paper, RDF.type, _iri(MSKG.Paper), G_LIST)
                w.quad(paper, MSKG.category, _iri(rng.choice(leaves)), G_LIST)

        # -- datasets
        dataset_iris: list[str] = []
        for k in range(n_datasets):
            if k < len(_ANCHOR_DATASETS):
                label, parent, modality, region = _ANCHOR_DATASETS[k]
            else:
                label, parent = f"{rng.choice(_PREFIXES)}{rng.choice(_OBJECTS).capitalize()}-{k}", None
                modality, region = rng.choice(_MODALITIES), rng.choice(_REGIONS)
            ds = _iri(ID[f"dataset/{_slug(label)}"])
            dataset_iris.append(ds)
            w.quad(ds, RDF.type, _iri(MSKG.Dataset), G_DB)
            w.quad(ds, RDFS.label, _lit(label), G_DB)
            w.quad(ds, MSKG.modality, _lit(modality), G_DB)
            w.quad(ds, MSKG.bodyRegion, _lit(region), G_DB)
            w.quad(ds, MSKG.segmentedObject, _lit(rng.choice(_OBJECTS)), G_DB)
            if parent:
                w.quad(ds, DCTERMS.isPartOf, _iri(ID[f"dataset/{_slug(parent)}"]), G_DB)

        # -- models: the anchors first, then adaptations of earlier models
        model_iris: list[str] = []
        anchors: dict[str, int] = {}
        evaluated: set[tuple[int, int]] = set()
        for k in range(n_models):
            if k < len(_ANCHOR_MODELS):
                label, base_label, cls, fw = _ANCHOR_MODELS[k]
                base = anchors.get(base_label) if base_label else None
                anchors[label] = k
                concept = concepts.get(cls) if cls else None
                paper_index = k * 50 % papers
            else:
                label = f"{rng.choice(_PREFIXES)}{rng.choice(_SUFFIXES)}-{k}"
                concept = rng.choice(leaves)
                section = label_of.get(section_of.get(concept) or "", "")
                if section.startswith("SAM 2"):
                    base = anchors["SAM 2"] if rng.random() < 0.8 else rng.randrange(k)
                elif section.startswith("SAM"):
                    base = anchors["SAM"] if rng.random() < 0.7 else rng.randrange(k)
                else:
                    base = rng.choice((None, None, anchors["U-Net"], anchors["nnU-Net"], anchors["CLIP"]))
                fw = "Generalist" if rng.random() < 0.6 else "TaskSpecific"
                paper_index = rng.randrange(max(1, papers // 50)) * 50
            m = _iri(ID[f"model/{_slug(label)}"])
            model_iris.append(m)
            paper = paper_iris[paper_index]
            w.quad(m, RDF.type, _iri(MSKG.Model), G_DB)
            w.quad(m, RDFS.label, _lit(label), G_DB)
            w.quad(m, MSKG.framework, _iri(MSKG[fw]), G_DB)
            w.quad(m, MSKG.introducedIn, paper, G_DB)
            w.quad(m, MSKG.describedIn, paper, G_DB)
            w.quad(m, MSKG.visualBackbone, _lit(rng.choice(("ViT-B", "ViT-H", "Hiera-L", "ResNet-50", "Swin-B"))), G_DB)
            if base is not None:
                w.quad(m, MSKG.basedOn, model_iris[base], G_DB)
            if concept:
                w.quad(m, RDF.type, _iri(MSKG.Model), G_LIST)
                w.quad(m, MSKG.category, _iri(concept), G_LIST)
            if label in ("SAM", "SAM 2", "MedSAM", "MedSAM2", "Med-SA") or rng.random() < 0.7:
                w.quad(m, SDO.codeRepository, _iri(f"https://github.com/synthetic/{_slug(label)}"), G_DB)

            # -- results: a dozen per model, on a few datasets (the anchors on BTCV and its parts)
            if label in ("U-Net", "CLIP"):
                continue
            picks = [rng.randrange(n_datasets) for _ in range(rng.randint(2, 5))]
            if concept == concepts.get("Adapters for SAM") or label in ("MedSAM", "MedSAM2"):
                picks += [0, 1]
            for j in range(12):
                d = picks[j % len(picks)]
                kind = "primary" if j % 3 else "best"
                r = _iri(ID[f"result/{_slug(label)}/{j}"])
                w.quad(r, RDF.type, _iri(MSKG.Result), G_DB)
                w.quad(r, MSKG.model, m, G_DB)
                w.quad(r, MSKG.dataset, dataset_iris[d], G_DB)
                w.quad(r, MSKG.dice, _typed(f"{rng.randint(400, 980) / 10:.1f}", XSD.decimal), G_DB)
                w.quad(r, MSKG.resultKind, _lit(kind), G_DB)
                w.quad(r, PROV.wasDerivedFrom, paper if kind == "primary" else rng.choice(paper_iris), G_DB)
                if (k, d) not in evaluated:
                    evaluated.add((k, d))
                    w.quad(m, MSKG.evaluatedOn, dataset_iris[d], G_DB)
                counts.results += 1

        # -- provenance: a year of weekly update runs
        for week in range(52):
            run = _iri(ID[f"activity/update/synthetic-{week:02d}"])
            began = date(2025, 1, 6) + timedelta(weeks=week)
            w.quad(run, RDF.type, _iri(PROV.Activity), G_PROV)
            w.quad(run, PROV.startedAtTime, _typed(f"{began}T03:00:00+00:00", XSD.dateTime), G_PROV)
            w.quad(run, PROV.endedAtTime, _typed(f"{began}T03:{10 + week % 40:02d}:00+00:00", XSD.dateTime), G_PROV)
            w.quad(run, MSKG.paperCount, _typed(papers * (week + 1) // 52, XSD.integer), G_PROV)
            w.quad(run, MSKG.modelCount, _typed(n_models * (week + 1) // 52, XSD.integer), G_PROV)

    counts.graphs = dict(sorted(w.counts.items()))
    counts.quads = sum(w.counts.values())
    return counts
