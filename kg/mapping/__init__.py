"""The one mapping layer: records -> triples, one named graph per source.

What lives here: the IRIs and literals every mapping shares (:mod:`.terms`), the survey
build (:mod:`.survey`, :mod:`.papers`), live records and citations (:mod:`.live`), the
weekly update's candidates (:mod:`.candidates`), and one provenance activity per run
(:mod:`.runs`). It may import ``ingest.records``/``ingest.ids``, :mod:`kg.vocab`,
:mod:`kg.queries` (for the update texts) and :mod:`kg.resolve`; nothing in it reads a
store or the network.

Where sources disagree on a single-valued fact (a paper's title, its first date, its DOI)
the value is written once, in the graph of the most authoritative source, and the other
spellings become ``dcterms:alternative``/``dcterms:identifier``, so the merged graph keeps
one title per paper and every value still traces back to its source.
"""

from kg.mapping.candidates import CandidateFacts, map_candidate
from kg.mapping.curation import curation_update
from kg.mapping.graphs import Mapped, insert_update
from kg.mapping.live import KnownFacts, map_citation, map_live_record
from kg.mapping.runs import AGENT, Run, map_list_snapshot, map_run, provenance_update
from kg.mapping.survey import map_concept, map_survey
from kg.mapping.terms import (
    FRAMEWORKS, SURVEY_ARXIV_ID, concept_iri, dataset_iri, date_literal, decimal_literal, model_iri, paper_iri,
    person_iri,
)

__all__ = [
    "AGENT", "FRAMEWORKS", "SURVEY_ARXIV_ID", "CandidateFacts", "KnownFacts", "Mapped", "Run", "concept_iri",
    "curation_update", "dataset_iri", "date_literal", "decimal_literal", "insert_update", "map_candidate",
    "map_citation", "map_concept", "map_list_snapshot", "map_live_record", "map_run", "map_survey", "model_iri",
    "paper_iri", "person_iri", "provenance_update",
]
