"""The survey's upstream list, watched by `kg update`: fetched, parsed, compared with the
version seen last (the first time, with the bundled list) row by row, and stored again
only when it changed, so a re-run over an unchanged list writes nothing.

A list that no longer follows the scheme in force is a new version of the taxonomy
(:mod:`kg.tracker.schemes`): its rows are not reported as "changed class", and the version
is staged beside the scheme in force instead of mixed into it."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from ingest.http import HttpPolicy, SourceError
from ingest.ids import normalise_title, slugify
from ingest.records import SurveyListRow
from ingest.survey import load_survey_list, parse_survey_list
from ingest.survey_list_shape import read_facets
from kg.mapping import map_list_snapshot
from kg.queries import internal, join_updates
from kg.store import Store
from kg.tracker.report import ListChanges
from kg.tracker.schemes import FIT, SchemeChange, follow_list, staging_update


def _row_key(row: SurveyListRow) -> str:
    return f"model:{slugify(row.name)}" if row.name else f"title:{normalise_title(row.title)}"


def diff_survey_lists(old: list[SurveyListRow], new: list[SurveyListRow]) -> tuple[
        list[SurveyListRow], list[tuple[SurveyListRow, SurveyListRow]], list[SurveyListRow]]:
    """(new rows, rows that changed section or class (old, new), removed rows), keyed by the
    model name, or the normalised title for rows without a model."""
    old_by = {_row_key(r): r for r in old}
    new_by = {_row_key(r): r for r in new}
    added = [r for k, r in new_by.items() if k not in old_by]
    changed = [(old_by[k], r) for k, r in new_by.items()
               if k in old_by and (old_by[k].section, old_by[k].category) != (r.section, r.category)]
    removed = [r for k, r in old_by.items() if k not in new_by]
    return added, changed, removed


def stored_list_snapshot(store: Store) -> tuple[list[SurveyListRow], str]:
    """The rows seen last and where they come from ('the version seen on ...' or 'the bundled list')."""
    rows = store.select(internal("upstream-list-snapshot")).rows
    if rows:
        payload = json.loads(rows[0]["v"])
        return [SurveyListRow(**r) for r in payload["rows"]], f"the version seen on {payload.get('seen', '?')}"
    return load_survey_list().rows, "the bundled list"


def known_model_slugs(store: Store) -> set[str]:
    return {slugify(r["n"]) for r in store.select(internal("known-model-names")).rows}


def read_upstream_list(store: Store, policy: HttpPolicy, url: str, today: date,
                       act: URIRef) -> tuple[ListChanges, list[SurveyListRow], str]:
    """(what changed, the rows read, the update that stores the new snapshot and stages a
    taxonomy version, or ''). A list that cannot be fetched or yields no table is a failure
    noted in the changes."""
    lc = ListChanges(url=url)
    try:
        response = policy.get(url, source="survey list")
        text = response.content.decode("utf-8", errors="replace")
        parsed = parse_survey_list(Path(url.rsplit("/", 1)[-1] or "README.md"), text=text)
        if not parsed.rows:
            raise ValueError("no paper table in the file (is the URL right, or is it an error page?)")
    except (SourceError, ValueError) as exc:
        lc.note = f"{url}: {exc}"
        return lc, [], ""
    lc.fetched = True
    lc.rows = len(parsed.rows)
    previous, lc.compared_with = stored_list_snapshot(store)
    lc.new_rows, lc.changed, lc.removed = diff_survey_lists(previous, parsed.rows)
    lc.broken = list(parsed.problems)
    facets = read_facets(text)
    rows_now: list[dict[str, Any]] = [asdict(r) for r in parsed.rows]
    unchanged = lc.compared_with != "the bundled list" and [asdict(r) for r in previous] == rows_now
    change = follow_list(store, parsed.rows, facets, today)
    stage = _note_scheme_change(lc, change, previous, url, staged=not unchanged)
    if unchanged:
        return lc, parsed.rows, stage
    payload = {"url": url, "seen": today.isoformat(), "rows": rows_now,
               "facets": {str(line): [f.column, f.value] for line, f in sorted(facets.items())}}
    g = Graph()
    map_list_snapshot(g, json.dumps(payload, ensure_ascii=False, sort_keys=True), url, act)
    return lc, parsed.rows, join_updates([internal("replace-upstream-list", data=g.serialize(format="nt")), stage])


def _note_scheme_change(lc: ListChanges, change: SchemeChange | None, previous: list[SurveyListRow], url: str,
                        staged: bool) -> str:
    """Record the version the list follows in ``lc``; the staging update when the version is
    new to the graph or the list changed since the last run ('' otherwise). Rows compared
    across two structures did not "change class": the structure did, so they are dropped
    from ``lc.changed`` (the crosswalk says how the models moved)."""
    if change is None:
        return ""
    lc.scheme_change = change
    change.new_entries = [r.name or r.title for r in lc.new_rows]
    change.removed = [r.name or r.title for r in lc.removed]
    labels = change.labels
    if change.changes_taxonomy and (not previous or sum(r.category in labels for r in previous) < FIT * len(previous)):
        lc.changed = []
    if not (staged or change.first_seen):
        return ""
    stage = staging_update(change, url)
    change.staged_now = bool(stage)
    return stage
