"""What the survey's paper list says about its own rows, so that the list can be written
back out of the graph row for row (:mod:`kg.survey_md`): each row's position and the title
as the list spells it (``graph:survey-list`` otherwise keeps one title per paper, the best
source's), and which model a named row presents.

Meant to be added to ``graph:survey-list`` by the survey mapping (one call in
:func:`kg.mapping.survey.map_survey`, see issue #17's wiring note).
"""

from __future__ import annotations

from rdflib import Graph, Literal

from ingest.records import SurveyList
from kg.mapping.terms import model_iri, paper_iri
from kg.resolve import Resolution
from kg.vocab import MSKG, XSD

# Not yet in kg.vocab/ontology.ttl (see the wiring note): spelled through the namespace
# until MSKG defines them, then MSKG.listPosition and MSKG.listTitle.
LIST_POSITION = MSKG.listPosition  # Paper -> xsd:integer: its row's position in the survey's list (1 = first)
LIST_TITLE = MSKG.listTitle  # Paper -> xsd:string: the title as the list's row writes it


def list_row_triples(survey: SurveyList, res: Resolution) -> Graph:
    """Position, the list's title and the row's model (mskg:describedIn) of every list row."""
    g = Graph()
    for position, row in enumerate(survey.rows, start=1):
        paper = paper_iri(res.row_paper[row.line])
        g.add((paper, LIST_POSITION, Literal(position, datatype=XSD.integer)))
        g.add((paper, LIST_TITLE, Literal(row.title)))
        if row.name is not None:
            g.add((model_iri(res.row_model[row.line]), MSKG.describedIn, paper))
    return g
