"""The models and datasets the graph already holds, by every name they go by.

Accepting a paper as a model, naming its base model, and a maintainer's results table all
name models and datasets by text ("SAM 2", "MedSAM", "BTCV"). A name the graph knows must
link to the node it already has, never mint a second one, so every such lookup goes through
here: from a store (:func:`known_names`, :func:`find_model`) or, during a build, from the
graphs about to be written (:func:`known_names_in`), when the store still holds the old ones.

Names are compared by their slug (``ingest.ids.slugify``: letter case, spaces and punctuation
ignored), the rule that mints model and dataset IRIs, so "sam 2" and "SAM-2" are one name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph

from ingest.ids import slugify
from kg.queries import internal
from kg.store_base import GraphStore
from kg.vocab import BIBO, MSKG, RDF, RDFS, SDO, SKOS


@dataclass(frozen=True)
class KnownModel:
    iri: str
    label: str  # its one rdfs:label
    introduced_in: str | None = None  # the paper of mskg:introducedIn, if any
    framework: str | None = None  # the IRI of mskg:framework, if any
    code: str | None = None  # its schema:codeRepository, if any (a model has one)


@dataclass
class KnownNames:
    """Models and datasets by the slug of each of their names."""

    models: dict[str, KnownModel] = field(default_factory=dict)
    datasets: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug -> (IRI, label)
    spelled: dict[str, str] = field(default_factory=dict)  # model name slug -> the name as a source writes it

    def model(self, name: str) -> KnownModel | None:
        return self.models.get(slugify(name)) if name and name.strip() else None

    def dataset(self, name: str) -> tuple[str, str] | None:
        return self.datasets.get(slugify(name)) if name and name.strip() else None

    def model_names(self) -> set[str]:
        """Every name of every model (labels, other names, list names)."""
        return set(self.spelled.values())

    def dataset_names(self) -> set[str]:
        return {label for _, label in self.datasets.values()}

    def add_model(self, name: str, model: KnownModel, *, own: bool = False) -> None:
        """Register ``name`` for ``model``; a model's own label wins over another's other name."""
        key = slugify(name)
        if own or key not in self.models:
            self.models[key] = model
            self.spelled[key] = name

    def copy(self) -> KnownNames:
        return KnownNames(dict(self.models), dict(self.datasets), dict(self.spelled))


def _model_from_row(r: dict) -> KnownModel:
    return KnownModel(r["m"], r["label"] or r["name"], r["introduced"], r["framework"], r.get("code"))


def known_names(store: GraphStore) -> KnownNames:
    """Every model and dataset name of ``store``."""
    out = KnownNames()
    for r in store.select(internal("model-names")).rows:
        out.add_model(r["name"], _model_from_row(r), own=r["name"] == r["label"])
    for r in store.select(internal("dataset-names")).rows:
        out.datasets.setdefault(slugify(r["name"]), (r["d"], r["label"]))
    return out


def find_model(store: GraphStore, name: str) -> KnownModel | None:
    """The model ``name`` stands for, or None (the first by IRI if two share the name)."""
    if not name or not name.strip():
        return None
    rows = store.select(internal("model-by-name", literals={"name": name.strip()})).rows
    return _model_from_row({**rows[0], "name": name.strip()}) if rows else None


def known_names_in(graphs: Iterable[Graph]) -> KnownNames:
    """The same index from rdflib graphs (a build's mapped graphs, before they are written)."""
    union = Graph()
    for g in graphs:
        union += g
    out = KnownNames()
    for m in set(union.subjects(RDF.type, MSKG.Model)):
        label = next((str(x) for x in union.objects(m, RDFS.label)), None)
        names = [str(x) for p in (RDFS.label, SKOS.altLabel, MSKG.listName) for x in union.objects(m, p)]
        if label is None and names:
            label = names[0]
        if label is None:
            continue
        intro = next((str(x) for x in union.objects(m, MSKG.introducedIn)), None)
        fw = next((str(x) for x in union.objects(m, MSKG.framework)), None)
        code = next((str(x) for x in union.objects(m, SDO.codeRepository)), None)
        known = KnownModel(str(m), label, intro, fw, code)
        for name in names:
            out.add_model(name, known, own=name == label)
    for d in set(union.subjects(RDF.type, MSKG.Dataset)):
        label = next((str(x) for x in union.objects(d, RDFS.label)), None)
        if label is None:
            continue
        for name in [label, *(str(x) for x in union.objects(d, SKOS.altLabel))]:
            out.datasets.setdefault(slugify(name), (str(d), label))
    return out


def _paper_keys(out: dict[str, str], paper: str, arxiv: str | None, doi: str | None) -> None:
    out.setdefault(paper, paper)
    if arxiv:
        out.setdefault(f"arxiv:{arxiv}", paper)
    if doi:
        out.setdefault(f"doi:{doi.lower()}", paper)


def known_papers(store: GraphStore) -> dict[str, str]:
    """Paper IRIs by 'arxiv:ID', 'doi:DOI' and by the IRI itself (how a results table names them)."""
    out: dict[str, str] = {}
    for r in store.select(internal("paper-identifiers")).rows:
        _paper_keys(out, r["p"], r["arxiv"], r["doi"])
    return out


def known_papers_in(graphs: Iterable[Graph]) -> dict[str, str]:
    """The same index from rdflib graphs (a build's mapped graphs, before they are written)."""
    out: dict[str, str] = {}
    graphs = list(graphs)
    for g in graphs:
        for p in g.subjects(RDF.type, MSKG.Paper):
            arxiv = next((str(x) for h in graphs for x in h.objects(p, MSKG.arxivId)), None)
            doi = next((str(x) for h in graphs for x in h.objects(p, BIBO.doi)), None)
            _paper_keys(out, str(p), arxiv, doi)
    return out
