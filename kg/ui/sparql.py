"""SPARQL console: the saved questions as starting points, read-only by construction
(kg.sparql_guard), a time limit and a row cap, CSV and JSON downloads."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from kg.queries import INTERNAL_DIR, saved_queries, user_positions, with_prefixes
from kg.sparql_guard import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, GuardedResult, memory_limit_mb, run_guarded
from kg.ui.common import qp_str, set_qp, store_path

BLANK = "(blank)"


def _console_start() -> str:
    """The blank editor's example, without the comment line that documents the file."""
    text = (INTERNAL_DIR / "console-start.rq").read_text(encoding="utf-8")
    return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))


def run_console_query(store: str, text: str) -> GuardedResult:
    """Run the reader's ``text`` with the project's prefixes added, and report any error at
    the reader's own line (the added prefixes are one line the reader never saw)."""
    sent = with_prefixes(text)
    result = run_guarded(store, sent)
    if result.error:
        result.error = user_positions(result.error, text, sent)
    return result


def render() -> None:
    st.title("SPARQL console")
    st.caption("Read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY) and SERVICE are "
               f"refused; each query runs apart with a {DEFAULT_TIMEOUT_S:g} s limit, {memory_limit_mb():,} MB of "
               f"memory and at most {DEFAULT_ROW_CAP:,} rows. Prefixes mskg:, id:, dcterms:, skos:, prov:, cito:, "
               "schema:, rdfs: … are added for you; the default graph is the merge of all named graphs, each "
               "fact once (a paper typed by three sources is one row, so COUNT(*) counts papers); "
               "GRAPH ?g { … } tells which source said it.")
    saved = {q.name: q for q in saved_queries()}
    names = [BLANK] + list(saved)
    wanted = qp_str("q", names[1] if len(names) > 1 else BLANK)
    name = st.selectbox("Start from a saved question", names, index=names.index(wanted) if wanted in names else 0,
                        format_func=lambda n: n if n == BLANK else f"{saved[n].title}  ({n})", key="w_saved")
    set_qp("q", name if name != BLANK else None)
    if name != BLANK and saved[name].description:
        st.caption(saved[name].description)
    # The editor's content follows the chosen question until the reader edits it.
    if st.session_state.get("sparql_loaded") != name:
        st.session_state["sparql_loaded"] = name
        st.session_state["w_sparql_text"] = saved[name].text if name != BLANK else _console_start()
    text = st.text_area("Query", key="w_sparql_text", height=260)
    if st.button("Run query", type="primary", key="w_run"):
        st.session_state["sparql_result"] = run_console_query(store_path(), text)
    result = st.session_state.get("sparql_result")
    if result is None:
        return
    if result.error:
        st.error(result.error)
        return
    frame = pd.DataFrame(result.rows, columns=result.variables)
    note = f"{len(frame):,} row(s) in {result.seconds:.2f} s"
    if result.truncated:
        note += f" — cut at the row cap of {DEFAULT_ROW_CAP:,}; add LIMIT or narrow the query"
    st.caption(note)
    if frame.empty:
        st.info("The query returned no rows.")
        return
    st.dataframe(frame, hide_index=True, width="stretch")
    c1, c2 = st.columns(2)
    c1.download_button("Download CSV", frame.to_csv(index=False).encode(), "query.csv", "text/csv", key="w_csv")
    c2.download_button("Download JSON", json.dumps(result.rows, ensure_ascii=False, indent=1, default=str).encode(),
                       "query.json", "application/json", key="w_json")
