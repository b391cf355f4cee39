"""IRIs and literals every mapping shares: one place mints a model's, a dataset's, a
concept's, a person's or a paper's IRI, and one place writes a decimal or a date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rdflib import Literal, URIRef

from ingest.ids import slugify
from kg.vocab import ID, MSKG, XSD

SURVEY_ARXIV_ID = "2506.10825"
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


def decimal_literal(value: Decimal | float | int) -> Literal:
    """The canonical xsd:decimal form ('69' -> '69.0', '88.60' -> '88.6'), so that every
    serialisation round trip gives back the same literal."""
    text = format(value if isinstance(value, Decimal) else Decimal(str(value)), "f")
    if "." in text:
        text = text.rstrip("0")
    text = text + "0" if text.endswith(".") else (text if "." in text else text + ".0")
    return Literal(text, datatype=XSD.decimal)


def date_literal(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD.date)
