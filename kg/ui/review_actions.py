"""The maintainer's actions on one candidate of the What's new page: accept as a model (the
form pre-filled by :func:`kg.tracker.suggest.suggest_model`, as `kg review accept --model`
shows it), accept the paper alone, change its class, reject, or keep it as "maybe".

Each action is checked and written by :mod:`kg.tracker.decide`, the code `kg review` runs,
so the app writes the same curation entry the CLI would. The app never writes the store
(it holds it read-only): the next `kg build` or `kg update` applies the decision. Every
submit asks :func:`kg.ui.maintainer.current_access` again; a refusal writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from ingest.curation import CurationError, latest_decisions
from ingest.survey_database import load_survey_database
from kg.paths import results_table_file
from kg.tracker.decide import (
    DecisionRefused, checked_decisions, class_labels, model_acceptance, record_decisions, record_model_acceptance,
)
from kg.tracker.linking import Gazetteer
from kg.tracker.review import reclassify
from kg.tracker.suggest import Suggestion, suggest_model
from kg.ui.common import md_escape, open_store
from kg.ui.maintainer import current_access

ACTIONS = ("Accept as a model", "Accept the paper", "Change class", "Reject", "Maybe")
FRAMEWORKS = ("generalist", "task-specific")
_WRITTEN = "mskg_review_written"  # what the last action wrote, shown after the rerun that follows it


@st.cache_resource(show_spinner=False)
def _gazetteer() -> Gazetteer:
    return Gazetteer.from_survey_database(load_survey_database())


@st.cache_resource(show_spinner=False, max_entries=64)
def suggestion_for(path: str, paper: str) -> Suggestion:
    """The CLI's suggestion for ``paper``, once per store and paper (the app's store is read-only,
    so it changes only with the graph's version, which clears this cache)."""
    return suggest_model(open_store(path), paper, _gazetteer())


def render_actions(cands: pd.DataFrame, path: str, curation: Path) -> None:
    """Pick a candidate and an action; the action's form writes one decision on submit."""
    decided = dict(zip(cands["paper"], cands["decision"])) if "decision" in cands else {}
    titles = {p: (t or p) + (f" (decided: {decided[p]})" if decided.get(p) else "")
              for p, t in zip(cands["paper"], cands["title"])}
    paper = st.selectbox("Candidate to review", list(cands["paper"]), key="w_review_paper",
                         format_func=lambda p: titles.get(p, p))
    action = st.radio("Action", ACTIONS, horizontal=True, key="w_review_action")
    written = st.session_state.pop(_WRITTEN, None)
    if written:
        where, text = written
        st.success(f"Written to {where} (the next `kg build` or `kg update` applies it):")
        st.code(text, language="toml")
    if paper is None:
        return
    if action == ACTIONS[0]:
        _accept_as_model(path, paper, curation)
    else:
        _decision_form(action, path, paper, curation, _first_class(cands, paper))


def _first_class(cands: pd.DataFrame, paper: str) -> str:
    row = cands[cands["paper"] == paper]
    return str(row["category"].iloc[0] or "").split(" | ")[0] if len(row) else ""


def _index(options: list[str], value: str | None) -> int | None:
    return options.index(value) if value in options else None


def _accept_as_model(path: str, paper: str, curation: Path) -> None:
    store = open_store(path)
    s = suggestion_for(path, paper)
    labels = class_labels(store)
    with st.form(f"w_am_form_{paper}"):
        name = st.text_input("Model name", value=s.name or "", key=f"w_am_name_{paper}", help=s.notes.get("name"))
        category = st.selectbox("Class", labels, index=_index(labels, s.category), key=f"w_am_class_{paper}",
                                help=s.notes.get("category"))
        based_on = st.text_input("Based on", value=s.based_on or "", key=f"w_am_based_{paper}",
                                 help=s.notes.get("based_on"))
        if s.based_on_others:
            st.caption("Other models the paper names: " + md_escape(", ".join(s.based_on_others)))
        code = st.text_input("Code", value=s.code or "", key=f"w_am_code_{paper}", help=s.notes.get("code"))
        framework = st.selectbox("Framework", FRAMEWORKS, index=_index(list(FRAMEWORKS), s.framework) or 0,
                                 key=f"w_am_framework_{paper}", help=s.notes.get("framework"))
        if s.datasets:
            st.caption("Datasets the paper names: " + md_escape(", ".join(label for _, label in s.datasets)))
        confirmed = []
        if s.claims:
            st.markdown("**Results proposed from the abstract** (stored only when ticked):")
        for i, claim in enumerate(s.claims):
            no_dataset = s.claim_datasets[i] is None
            where = f" on {claim.dataset}" if claim.dataset else " (no dataset named)"
            # a plain label (it is also the box's accessible name); the abstract's sentence goes below, escaped
            if st.checkbox(f"Claim {i + 1}: {claim.metric} {claim.value}%{where}", key=f"w_am_claim_{i}_{paper}",
                           disabled=no_dataset, help="names no dataset of the graph: add it to the results table "
                           "instead" if no_dataset else None):
                confirmed.append(i)
            st.caption(md_escape(f"“{claim.sentence}”"))
        reason = st.text_input("Reason (optional)", key=f"w_am_reason_{paper}")
        if not st.form_submit_button("Accept as a model"):
            return
    by = _signed_in_maintainer()
    if by is None:
        return
    try:
        acceptance = model_acceptance(store, s, name=name.strip(), category=category or "",
                                      based_on=based_on.strip(), code=code.strip(), framework=framework,
                                      confirmed=confirmed, by=by, reason=reason.strip())
        table = results_table_file(path)
        record_model_acceptance(acceptance, curation, table)
    except DecisionRefused as exc:
        st.error(f"{exc} (nothing was written)")
        return
    _done(acceptance.written(), f"{curation}" + (f" and {table}" if acceptance.rows else ""))


def _decision_form(action: str, path: str, paper: str, curation: Path, current: str) -> None:
    store = open_store(path)
    labels = class_labels(store)
    with st.form(f"w_{action}_form_{paper}"):
        label = None
        if action != "Reject":
            label = st.selectbox("Class", labels, index=_index(labels, current), key=f"w_{action}_class_{paper}")
        reason = st.text_input("Reason" + ("" if action == "Reject" else " (optional)"),
                               key=f"w_{action}_reason_{paper}")
        if not st.form_submit_button(action):
            return
    by = _signed_in_maintainer()
    if by is None:
        return
    try:
        status = {"Accept the paper": "accepted", "Reject": "rejected", "Maybe": "maybe"}.get(action)
        if action == "Change class":  # as `kg review classify`: accepted stays accepted, else "maybe"
            status = reclassify(store, paper, label or "", latest_decisions(curation), reason=reason).status
        decisions = checked_decisions(store, [paper], status or "", label or None, reason=reason.strip(),
                                      by=by)
        text = record_decisions(curation, decisions)
    except (DecisionRefused, CurationError, ValueError) as exc:
        st.error(f"{exc} (nothing was written)")
        return
    _done(text, str(curation))


def _signed_in_maintainer() -> str | None:
    """Who may write now (checked again at each click), or None after saying why not."""
    access = current_access()
    if access.by is None:
        st.error(f"Refused: {access.why_not}. Nothing was written.")
    return access.by


def _done(text: str, where: str) -> None:
    st.session_state[_WRITTEN] = (where, text)
    st.toast("Decision written to the curation file")
    st.rerun()
