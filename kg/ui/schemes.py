"""The scheme selector of the app's class filters and taxonomy views (issue #18): every version
of the survey taxonomy the graph holds, the scheme in force first chosen, the choice kept in
the URL (``?scheme=taxonomy-2026-11-05``) like the pages' other filters. With one scheme only
there is nothing to choose and no widget is drawn."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from kg.schemes import scheme_in_force, taxonomy_schemes
from kg.ui.common import open_store, store_path, url_selectbox
from kg.vocab import ID, TAXONOMY_SCHEME


@dataclass(frozen=True)
class SchemeChoice:
    key: str  # the IRI's local name, as the URL carries it ("taxonomy", "taxonomy-2026-11-05")
    iri: str
    label: str  # what the selector shows


@st.cache_data(show_spinner=False, ttl=600)
def scheme_choices(path: str) -> tuple[list[SchemeChoice], str]:
    """(every taxonomy scheme of the graph, oldest first; the IRI of the one in force)."""
    store = open_store(path)
    in_force = scheme_in_force(store)
    out = []
    for s in taxonomy_schemes(store):
        key = s.iri.removeprefix(str(ID))
        what = "the survey's original taxonomy" if s.iri == str(TAXONOMY_SCHEME) else (
            f"the list's version of {s.issued.isoformat()}" if s.issued else "a version read from the list")
        out.append(SchemeChoice(key, s.iri, f"{what} (id:{key})" + (", in force" if s.iri == in_force else "")))
    return out, in_force


def scheme_selector(*, container: Any = st, dependents: tuple[str, ...] = ()) -> str:
    """The IRI of the scheme the page shows: the one chosen, default the scheme in force.
    ``dependents`` are the URL keys of widgets whose options are that scheme's classes: when
    the reader switches scheme, their choices (classes of the other scheme) are dropped."""
    choices, in_force = scheme_choices(store_path())
    if len(choices) < 2:
        return in_force
    by_key = {c.key: c for c in choices}
    default = next(c.key for c in choices if c.iri == in_force)
    chosen = url_selectbox("Taxonomy scheme", list(by_key), "scheme", default=default, container=container,
                           format_func=lambda k: by_key[k].label,
                           help="The versions of the survey's taxonomy this graph holds (kg taxonomy list); "
                                "the scheme in force is the default.")
    memo = "_scheme_seen_" + "_".join(dependents)  # per page: another page's choice is no switch here
    seen = st.session_state.get(memo)
    if seen is not None and seen != chosen:
        for key in dependents:
            st.session_state.pop(f"w_{key}", None)
            if key in st.query_params:
                del st.query_params[key]
    st.session_state[memo] = chosen
    return by_key[chosen].iri
