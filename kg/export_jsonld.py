"""JSON-LD with a @context a reader can use: compact keys for the core vocabulary ("model",
"dataset", "dice", "basedOn", "title"...), IRIs where the vocabulary links nodes, and the
project's prefixes for everything else, so that a JSON reader sees {"dice": 88.9, "model":
{"@id": "id:model/medsam"}} and a JSON-LD processor expands it back to the same triples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.vocab import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
# key -> (prefixed term, links a node?) ; datatyped keys are listed in TYPED.
TERMS: dict[str, tuple[str, bool]] = {
    "label": ("rdfs:label", False), "title": ("dcterms:title", False), "issued": ("dcterms:issued", False),
    "prefLabel": ("skos:prefLabel", False), "altLabel": ("skos:altLabel", False),
    "model": ("mskg:model", True), "dataset": ("mskg:dataset", True), "kind": ("mskg:resultKind", False),
    "basedOn": ("mskg:basedOn", True), "category": ("mskg:category", True), "framework": ("mskg:framework", True),
    "introducedIn": ("mskg:introducedIn", True), "evaluatedOn": ("mskg:evaluatedOn", True),
    "modality": ("mskg:modality", True), "bodyRegion": ("mskg:bodyRegion", True),
    "anatomicalStructure": ("mskg:anatomicalStructure", True), "broader": ("skos:broader", True),
    "narrower": ("skos:narrower", True), "inScheme": ("skos:inScheme", True), "isPartOf": ("dcterms:isPartOf", True),
    "cites": ("cito:cites", True), "creator": ("dcterms:creator", True), "derivedFrom": ("prov:wasDerivedFrom", True),
    "codeRepository": ("schema:codeRepository", True), "venue": ("mskg:venue", False),
    "arxivId": ("mskg:arxivId", False), "doi": ("bibo:doi", False), "name": ("foaf:name", False),
}
TYPED = {"dice": ("mskg:dice", XSD + "decimal")}


def context() -> dict[str, Any]:
    """The @context: the project's prefixes, then one compact key per core term."""
    ctx: dict[str, Any] = {prefix: str(iri) for prefix, iri in PREFIXES.items()}
    for key, (term, links) in TERMS.items():
        ctx[key] = {"@id": term, "@type": "@id"} if links else term
    for key, (term, datatype) in TYPED.items():
        ctx[key] = {"@id": term, "@type": datatype}
    return ctx


def write_jsonld(g: Graph, out: Path) -> None:
    """``g`` as compact JSON-LD under :func:`context` (embedded, so the file stands alone)."""
    text = g.serialize(format="json-ld", context=context(), auto_compact=True)
    data = json.loads(text)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
