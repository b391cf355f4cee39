"""IRIs and literals every mapping shares: one place mints a model's, a dataset's, a
concept's, a person's or a paper's IRI, and one place writes a decimal or a date.

Dates carry the precision their source has: a day (xsd:date), a month (xsd:gYearMonth) or
a year (xsd:gYear). The survey database stores months as the first of the month (its
README: "Database dates are month-precision"), so a database date on day 1 is a month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rdflib import Literal, URIRef

from ingest.ids import slugify
from kg.people import display_name
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
    """One IRI per person whatever the name order: 'Merhof, Dorit' and 'Dorit Merhof' are
    both person/dorit-merhof (kg.people matches initials and identifiers on top)."""
    return ID[f"person/{slugify(display_name(name))}"]


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


def month_literal(value: date) -> Literal:
    return Literal(f"{value.year:04d}-{value.month:02d}", datatype=XSD.gYearMonth)


def year_literal(year: int) -> Literal:
    return Literal(f"{year:04d}", datatype=XSD.gYear)


def survey_db_date_literal(value: date) -> Literal:
    """A survey-database date: a month unless the database gives a day other than the 1st."""
    return month_literal(value) if value.day == 1 else date_literal(value)


FACET_SCHEMES = ("modality", "anatomy")


def facet_scheme_iri(scheme: str) -> URIRef:
    """id:modality or id:anatomy, the concept schemes of the dataset facets."""
    if scheme not in FACET_SCHEMES:
        raise ValueError(f"unknown facet scheme '{scheme}'; choose one of {', '.join(FACET_SCHEMES)}")
    return ID[scheme]


def facet_iri(scheme: str, key: str) -> URIRef:
    """A facet concept, e.g. id:modality/mri or id:anatomy/brain (keys are those of kg/data/facets.toml)."""
    return ID[f"{facet_scheme_iri(scheme).rsplit('/', 1)[-1]}/{key}"]
