"""A reviewer's decision, checked against the graph before it is written: what `kg review`
and the app's What's new page share, so a decision made in either is the same entry of the
curation file.

Checking needs only read access (the app opens the store read-only); writing touches only
the curation file and the maintainer's results table. Applying the decisions to the graph
is the caller's business: the CLI applies them at once, the app leaves them to the next
`kg build` or `kg update`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ingest.curation import CurationError, Decision, append_decision, format_decision
from ingest.results_table import ResultsTableError, append_results
from kg.known_models import known_names
from kg.mapping.accepted import AcceptError, AcceptedModel, accepted_model_triples
from kg.queries import internal
from kg.schemes import scheme_in_force
from kg.store_base import GraphStore
from kg.taxonomy import taxonomy_categories
from kg.tracker.review import UnknownPaper, resolve_paper
from kg.tracker.suggest import Suggestion, table_rows
from kg.vocab import TAXONOMY_SCHEME


class DecisionRefused(ValueError):
    """A decision that cannot be written; ``param`` names the input at fault ("PAPER",
    "--category") so the CLI can point at its option, and the message says the fix."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


def class_labels(store: GraphStore) -> list[str]:
    """The taxonomy's class labels, sorted: the choices a reviewer has."""
    return sorted(c.label for c in taxonomy_categories(store))


def checked_decisions(store: GraphStore, papers: Sequence[str], status: str, category: str | None,
                      today: date | None = None, **fields: str) -> list[Decision]:
    """One decision per paper of ``papers`` (IRIs, arXiv ids or DOIs) with ``fields`` (reason,
    by...), each checked: a class of the taxonomy, a paper the graph describes, an entry the
    curation file can hold. Raises :class:`DecisionRefused`; nothing is written here."""
    if category:
        labels = class_labels(store)
        if category not in labels:
            raise DecisionRefused(f"'{category}' is not a class of the taxonomy; one of: {', '.join(labels)}",
                                  "--category")
    try:
        iris = [resolve_paper(store, p) for p in papers]
    except UnknownPaper as exc:
        raise DecisionRefused(str(exc), "PAPER") from exc
    unknown = sorted(set(iris) - _papers_in_graph(store, iris))
    if unknown:  # a decision on a paper the graph lacks would make every later build fail validation
        raise DecisionRefused(f"no paper {', '.join(unknown)} in the graph (see `kg review list`); nothing written",
                              "PAPER")
    in_force = scheme_in_force(store)
    if category and in_force != str(TAXONOMY_SCHEME):  # a class of an adopted version names its scheme
        fields["scheme"] = in_force
    fields = {k: v for k, v in fields.items() if v}
    decisions = [Decision(iri, status, category or "", today or date.today(), **fields) for iri in iris]
    try:
        for decision in decisions:
            format_decision(decision)  # every decision is checked before the first is written
    except CurationError as exc:
        raise DecisionRefused(str(exc)) from exc
    return decisions


def _papers_in_graph(store: GraphStore, iris: list[str]) -> set[str]:
    """The papers of ``iris`` the graph describes (has a title for: what the shapes ask of a paper)."""
    return {row["p"] for row in store.select(internal("titles-of-papers", papers=iris)).rows}


def record_decisions(path: Path, decisions: Sequence[Decision]) -> str:
    """Append ``decisions`` (already checked) to the curation file; returns the text written."""
    try:
        for decision in decisions:
            append_decision(path, decision)
    except CurationError as exc:
        raise DecisionRefused(str(exc)) from exc
    return "\n".join(format_decision(d) for d in decisions)


@dataclass(frozen=True)
class ModelAcceptance:
    """A paper accepted as a model, checked and ready to write: the curation file's entry and
    the results table's rows for the claims the reviewer confirmed."""

    decision: Decision
    accepted: AcceptedModel
    rows: list[dict[str, object]] = field(default_factory=list)

    def written(self) -> str:
        """What writing it puts in the files, for the reviewer to see."""
        text = format_decision(self.decision)
        for row in self.rows:
            text += f"# results table: {row['ID']} on {row['Dataset']}: Dice {row['Dice']} ({row['Kind']})\n"
        return text


def model_acceptance(store: GraphStore, suggestion: Suggestion, *, name: str, category: str | None,
                     based_on: str | None, code: str | None, framework: str | None, confirmed: Sequence[int],
                     by: str, reason: str = "", today: date | None = None) -> ModelAcceptance:
    """The acceptance of ``suggestion``'s paper as the model ``name``: each field the reviewer
    gave (None: the suggestion's; '' clears it), results for the claims whose 0-based indexes
    are in ``confirmed``. Refused (:class:`DecisionRefused`) before anything is written when
    the model's triples could not be made."""
    today = today or date.today()
    try:
        accepted = suggestion.accepted(name=name, category=category, based_on=based_on, code=code,
                                       framework=framework, confirmed=list(confirmed), by=by, decided=today)
        known = known_names(store)
        accepted_model_triples(accepted, known)  # refuse now, before anything is written
        decision = Decision(suggestion.paper, "accepted", accepted.category, today, model=accepted.name,
                            based_on=accepted.based_on, code=accepted.code, framework=accepted.framework, by=by,
                            reason=reason)
        format_decision(decision)
        rows = table_rows(accepted, known)
    except (AcceptError, CurationError, ValueError, IndexError, KeyError) as exc:
        raise DecisionRefused(str(exc)) from exc
    return ModelAcceptance(decision, accepted, rows)


def record_model_acceptance(acceptance: ModelAcceptance, curation: Path, table: Path | None) -> None:
    """Write ``acceptance``: its decision to the curation file, its confirmed results to the
    maintainer's results table (``table``; required when there are results)."""
    if acceptance.rows and table is None:
        raise DecisionRefused("confirmed results need the maintainer's results table: set MSKG_RESULTS_FILE; "
                              "nothing written")
    try:
        append_decision(curation, acceptance.decision)
        if acceptance.rows and table is not None:
            append_results(table, acceptance.rows)
    except (CurationError, ResultsTableError) as exc:
        raise DecisionRefused(str(exc)) from exc
