"""A release a data repository (Zenodo, a DCAT catalogue) can take: the N-Quads dump, the CSV
tables, and dataset.ttl, a VoID + DCAT description with the version, the date, the licences
of the data it holds, counts per class and per named graph, and the runs that built it.

The licences are those of the bundled sources (ingest/data/README.md), stated per named graph
because they differ: the survey database is MIT (attribute the survey and the database), the
arXiv metadata CC0 1.0, and the survey's paper list CC BY-NC-ND 4.0, of which the graph keeps
facts only (names, titles, links, classes). No single licence covers the whole, so the release
states none for the whole and says so in dcterms:rights.

:func:`check_release` reads a release back and compares the counts its description states
with its dump (for `kg validate --release DIR`)."""

from __future__ import annotations

from datetime import date
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef

from kg.export import export
from kg.queries import internal
from kg.store import Store
from kg.vocab import ARXIV_SNAPSHOT, DCAT, DCTERMS, ID, ONTOLOGY_GRAPH, PROV, RDF, RDFS, SURVEY_DB, SURVEY_LIST, XSD

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT3 = Namespace(str(DCAT))  # dcat:version is DCAT 3, newer than rdflib's DCAT namespace
DUMP = "graph.nq"
TABLES = "tables"
DESCRIPTION = "dataset.ttl"
LICENCES = {
    SURVEY_DB: "https://spdx.org/licenses/MIT.html",
    ARXIV_SNAPSHOT: "https://creativecommons.org/publicdomain/zero/1.0/",
    SURVEY_LIST: "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    ONTOLOGY_GRAPH: "https://spdx.org/licenses/MIT.html",
}
RIGHTS = ("Facts from three sources under different licences, stated per named graph (void:subset): the survey "
          "database (Hal9000-lab, MIT; attribute Moglia et al. 2025, arXiv:2506.10825, and the database), arXiv "
          "metadata (CC0 1.0), and facts (names, titles, links, classes) from the survey's paper list (CC BY-NC-ND "
          "4.0). Graphs written by live updates carry the terms of their sources (arXiv, Semantic Scholar).")


def version() -> str:
    try:
        return metadata.version("medseg-kg")
    except metadata.PackageNotFoundError:  # a checkout that was never installed
        return "0.0.0+unknown"


def _dump_counts(dump: Path) -> tuple[dict[str, int], dict[str, int]]:
    """(entities per class, triples per named graph) of an N-Quads file, as its reader sees them."""
    st = ox.Store()
    st.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    # Classes over the union of the graphs, as kg query sees them (a model typed by two sources once).
    by_class = st.query(internal("release-class-partition"), use_default_graph_as_union=True)
    classes = {r["class"].value: int(r["n"].value) for r in by_class}
    graphs = {r["g"].value: int(r["n"].value) for r in st.query(internal("graph-sizes"))}
    return classes, graphs


def describe(out_dir: Path, runs: list[str], today: date | None = None) -> Graph:
    """The VoID + DCAT description of the release in ``out_dir`` (its dump and tables written)."""
    classes, graphs = _dump_counts(out_dir / DUMP)
    v = version()
    release = ID[f"release/{v}"]
    g = Graph()
    for prefix, ns in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("prov", PROV)):
        g.bind(prefix, ns)
    for t in (VOID.Dataset, DCAT.Dataset):
        g.add((release, RDF.type, t))
    g.add((release, DCTERMS.title, Literal(f"medseg-kg {v}: a knowledge graph of generalist medical image "
                                             "segmentation models", lang="en")))
    g.add((release, DCTERMS.description, Literal("Models, datasets, Dice results, papers and citations of the "
                                                 "survey by Moglia et al. (2025) and its weekly updates, as RDF "
                                                 "(N-Quads, one named graph per source) and CSV tables.", lang="en")))
    g.add((release, DCAT3.version, Literal(v)))
    g.add((release, DCTERMS.issued, Literal((today or date.today()).isoformat(), datatype=XSD.date)))
    g.add((release, DCTERMS.rights, Literal(RIGHTS, lang="en")))
    g.add((release, DCTERMS.source, URIRef("https://arxiv.org/abs/2506.10825")))
    g.add((release, VOID.triples, Literal(sum(graphs.values()), datatype=XSD.integer)))
    for cls, n in sorted(classes.items()):
        part = BNode()
        g.add((release, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(n, datatype=XSD.integer)))
    for name, n in sorted(graphs.items()):
        sub = URIRef(name)
        g.add((release, VOID.subset, sub))
        g.add((sub, RDF.type, VOID.Dataset))
        g.add((sub, VOID.triples, Literal(n, datatype=XSD.integer)))
        if sub in LICENCES:
            g.add((sub, DCTERMS.license, URIRef(LICENCES[sub])))
    for run in runs:
        g.add((release, PROV.wasGeneratedBy, URIRef(run)))
    files = [out_dir / DUMP, *sorted((out_dir / TABLES).glob("*.csv"))]
    for path in files:
        dist = ID[f"release/{v}/{path.relative_to(out_dir).as_posix()}"]
        g.add((release, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, RDFS.label, Literal(path.relative_to(out_dir).as_posix())))
        g.add((dist, DCAT.mediaType, Literal("application/n-quads" if path.suffix == ".nq" else "text/csv")))
        g.add((dist, DCAT.byteSize, Literal(path.stat().st_size, datatype=XSD.integer)))
    return g


def write_release(store: Store, out_dir: Path) -> Path:
    """The dump, the tables and dataset.ttl into ``out_dir``; returns the description's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    export(store, "nquads", out_dir / DUMP)
    export(store, "csv", out_dir / TABLES)
    runs = sorted({str(r["run"]) for r in store.select(internal("runs")).rows})
    path = out_dir / DESCRIPTION
    describe(out_dir, runs).serialize(destination=path, format="turtle", encoding="utf-8")
    return path


def check_release(out_dir: Path) -> list[str]:
    """What is wrong with the release in ``out_dir``: missing files, or a count its description
    states that its dump does not have. An empty list means the two agree."""
    problems = [f"{out_dir / name}: missing" for name in (DUMP, DESCRIPTION) if not (out_dir / name).is_file()]
    if problems:
        return problems
    description = Graph().parse(out_dir / DESCRIPTION, format="turtle")
    stated: dict[str, dict[str, int]] = {"class": {}, "graph": {}, "all": {}}
    for row in description.query(internal("release-description-counts")):
        stated[str(row[0])][str(row[1])] = int(row[2])
    classes, graphs = _dump_counts(out_dir / DUMP)
    actual = {"class": classes, "graph": graphs, "all": {"all": sum(graphs.values())}}
    what = {"class": "entities of class", "graph": "triples in graph", "all": "triples in all"}
    for kind in ("all", "graph", "class"):
        for key in sorted(set(stated[kind]) | set(actual[kind])):
            s, a = stated[kind].get(key), actual[kind].get(key)
            if s != a:
                problems.append(f"{DESCRIPTION}: {what[kind]} {key}: description says {s}, {DUMP} has {a}")
    for dist in description.subjects(RDF.type, DCAT.Distribution):
        name, size = description.value(dist, RDFS.label), description.value(dist, DCAT.byteSize)
        path = out_dir / str(name)
        if not path.is_file():
            problems.append(f"{DESCRIPTION}: distribution {name} is missing")
        elif size is not None and int(size) != path.stat().st_size:
            problems.append(f"{DESCRIPTION}: {name} is {path.stat().st_size} bytes, the description says {size}")
    return problems


__all__ = ["write_release", "check_release", "describe", "version"]
