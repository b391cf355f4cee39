"""Every human-stated fact beyond a paper's review status and class, gathered for
``graph:curation``: the accepted models of the curation file's decisions and the rows of the
maintainer's results table. Build, update and review all derive them here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rdflib import Graph

from ingest.results_table import read_results_table
from kg.known_models import KnownNames
from kg.mapping.accepted import accepted_from_decision, accepted_models_triples, combined_names
from kg.mapping.results_table import results_table_triples


def curated_facts(decisions: Iterable[Any], known: KnownNames, results_table: str | Path | None = None,
                  papers: Mapping[str, str] | None = None) -> Graph:
    """Every human-stated fact beyond a paper's status and class, for ``graph:curation``: the
    accepted models of ``decisions`` (in file order) and the rows of the maintainer's results
    table (validated against the graph's names plus the accepted models). ``known`` and
    ``papers`` must describe the graph without graph:curation. Raises
    :class:`ingest.results_table.ResultsTableError` or :class:`AcceptError`, before any triple
    is returned, so nothing is stored half-way."""
    accepted = [a for a in (accepted_from_decision(d) for d in decisions) if a is not None]
    g = accepted_models_triples(accepted, known)
    if results_table is not None:
        names = combined_names(known, accepted)
        rows = read_results_table(results_table, names.model_names(), names.dataset_names(), papers or {})
        g += results_table_triples(rows, names, source=Path(results_table).name)
    return g
