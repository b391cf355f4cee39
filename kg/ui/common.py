"""What every page shares: the store (opened once, read-only), the app's SPARQL files, cached
results as DataFrames, URL state (``st.query_params``) and links between pages.

The app's own questions live in ``kg/queries/internal/*.rq`` beside the code's other questions
(the analysts' saved questions are ``kg/queries/*.rq``), loaded by :mod:`kg.queries`. A query
about one resource names it ``<urn:mskg:this>``; :func:`run_about` substitutes a checked IRI.
"""

from __future__ import annotations

import re
from typing import Any, Iterable
from urllib.parse import quote

import pandas as pd
import streamlit as st

from ingest.survey_list import is_web_url
from kg.queries import internal, saved_text
from kg.store import Store, StoreError, default_store_location, store_version
from kg.vocab import ID, short_iri

MODEL_BASE = str(ID) + "model/"
PAPER_BASE = str(ID) + "paper/"
DATASET_BASE = str(ID) + "dataset/"
PERSON_BASE = str(ID) + "person/"
TAXONOMY_BASE = str(ID) + "taxonomy/"



# -- queries ---------------------------------------------------------------------------------


def store_path() -> str:
    """The store directory or SPARQL endpoint URL ($MSKG_STORE as given)."""
    return str(default_store_location())


_SEEN_VERSION: dict[str, str] = {}  # store path -> the graph version the caches hold (process-wide)


def refresh_on_new_version(path: str) -> None:
    """Drop every cached handle and answer when the graph changed since they were made (a
    build, update, enrich, review or restore landed): the caches follow the graph's version,
    not a timer. The version of a store directory is read from its files without opening it."""
    try:
        version = store_version(path)
    except (StoreError, OSError):
        return  # no graph yet: the page says so
    if _SEEN_VERSION.get(path) not in (None, version):
        st.cache_data.clear()
        st.cache_resource.clear()
    _SEEN_VERSION[path] = version


@st.cache_resource(show_spinner=False)
def open_store(path: str) -> Store:
    """One read-only handle per store path and process."""
    return Store.open(path, read_only=True)


def _store_or_stop() -> Store:
    try:
        return open_store(store_path())
    except StoreError as exc:
        st.error(str(exc))
        st.info("Build the graph first: `kg build` (or set MSKG_STORE to a built store).")
        st.stop()
        raise


@st.cache_data(show_spinner=False, ttl=600, max_entries=256)
def _select(sparql: str, path: str) -> pd.DataFrame:
    rows = open_store(path).select(sparql)
    return pd.DataFrame(rows.rows, columns=rows.variables)


def run(name: str) -> pd.DataFrame:
    """Run an internal question (cached by query text and store path); a copy, so pages may modify it."""
    _store_or_stop()
    return _select(internal(name), store_path()).copy()


def run_saved(name: str) -> pd.DataFrame:
    """Run a saved question (``kg/queries/<name>.rq``), the same text `kg query NAME` runs."""
    _store_or_stop()
    return _select(saved_text(name), store_path()).copy()


def run_about(name: str, iri: str) -> pd.DataFrame:
    """Run an internal question about one resource (``<urn:mskg:this>`` replaced by ``iri``)."""
    _store_or_stop()
    return _select(internal(name, this=iri), store_path()).copy()


def run_with(name: str, **iris: str | list[str]) -> pd.DataFrame:
    """Run an internal question with its IRI placeholders filled (a list fills a VALUES block),
    so a page asks the store about the few things it shows, not about everything."""
    _store_or_stop()
    return _select(internal(name, **iris), store_path()).copy()


def graph_version(path: str) -> str:
    """The provenance graph's last run (IRI and end), asked fresh on every call: caches of
    things built once per graph (the search index) are keyed by it, so a new build, enrich or
    update run is seen without a restart."""
    rows = open_store(path).select(internal("last-run")).rows
    return f"{rows[0]['a']}@{rows[0]['end']}" if rows else "no-run"


# -- display helpers -------------------------------------------------------------------------

def short(iri: Any) -> str:
    """A compact form of an IRI for tables (``mskg:basedOn``, ``id:model/sam``)."""
    return short_iri(iri)


def join_values(values: Iterable[Any], sep: str = ", ") -> str:
    seen: list[str] = []
    for v in values:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            continue
        s = str(v)
        if s and s not in seen:
            seen.append(s)
    return sep.join(seen)


def slug_of(iri: str, base: str) -> str:
    return iri[len(base):] if iri.startswith(base) else iri


def model_url(iri: str) -> str:
    """A relative link to the model page (works from any page of the app)."""
    return f"./model?model={quote(slug_of(iri, MODEL_BASE), safe='/')}"


def paper_url(iri: str) -> str:
    return f"./paper?paper={quote(slug_of(iri, PAPER_BASE), safe='/')}"


def dataset_url(iri: str) -> str:
    return f"./datasets?dataset={quote(slug_of(iri, DATASET_BASE), safe='/')}"


def person_url(iri: str) -> str:
    return f"./author?author={quote(slug_of(iri, PERSON_BASE), safe='/')}"


def year_of(issued: Any) -> int | None:
    """The year of a ``dcterms:issued`` value, whatever its precision: a date, an xsd:gYear,
    gYearMonth or date literal (its first four characters), or missing."""
    if issued is None or (isinstance(issued, float) and pd.isna(issued)):
        return None
    head = str(issued)[:4]
    return int(head) if head.isdigit() else None


def month_of(issued: Any) -> int | None:
    """The month of a ``dcterms:issued`` value when it has one (``2023-04``, ``2023-04-05``)."""
    text = "" if issued is None else str(issued)
    return int(text[5:7]) if len(text) >= 7 and text[4] == "-" and text[5:7].isdigit() else None




def web_link(url: Any) -> str | None:
    """``url`` when it is an http(s) URL with a host, else None: the only links a link column
    shows (a ``javascript:`` or ``data:`` URL stored by any source never becomes a link)."""
    return url if isinstance(url, str) and is_web_url(url) else None


def paper_web_url(arxiv: Any, doi: Any) -> str | None:
    if isinstance(doi, str) and doi:
        return f"https://doi.org/{doi}"
    if isinstance(arxiv, str) and arxiv:
        return f"https://arxiv.org/abs/{arxiv}"
    return None


def shorten(text: Any, most: int) -> str:
    """``text`` in at most ``most`` characters, cut at a word's end when there is one, with "…"."""
    text = str(text)
    if len(text) <= most:
        return text
    cut = text.rfind(" ", 0, most - 1)
    return text[: cut if cut > 0 else most - 1].rstrip(" :,;-") + "…"


def md_escape(text: Any) -> str:
    """Text safe to put inside Streamlit Markdown: no HTML (Streamlit never renders it
    unless asked), and Markdown's own syntax characters neutralised."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$])", r"\\\1", str(text))


# -- URL state -------------------------------------------------------------------------------

def qp_list(key: str) -> list[str]:
    return [v for v in st.query_params.get_all(key) if v != ""]


def qp_str(key: str, default: str = "") -> str:
    values = st.query_params.get_all(key)
    return values[0] if values else default


def set_qp(key: str, value: Any) -> None:
    """Mirror one widget's value in the URL (removed when empty or default)."""
    if value is None or value == "" or value == [] or value is False:
        if key in st.query_params:
            del st.query_params[key]
        return
    if isinstance(value, (list, tuple)):
        new = [str(v) for v in value]
        if st.query_params.get_all(key) != new:
            st.query_params[key] = new
        return
    text = "1" if value is True else str(value)
    if st.query_params.get_all(key) != [text]:
        st.query_params[key] = text


def url_multiselect(label: str, options: list[str], key: str, *, container: Any = st, **kw: Any) -> list[str]:
    default = [v for v in qp_list(key) if v in options]
    value = container.multiselect(label, options, default=default, key=f"w_{key}", **kw)
    set_qp(key, value)
    return value




def url_selectbox(label: str, options: list[str], key: str, *, default: str | None = None, container: Any = st,
                  **kw: Any) -> str:
    """A selectbox whose value lives in the URL (``?key=value``). A link followed to this page,
    even from this page (a search hit), changes the URL but not the widget's remembered state:
    when the URL changed since the last run, the URL wins; otherwise the widget does."""
    wanted = qp_str(key, default or "")
    wanted = wanted if wanted in options else (default if default in options else options[0])
    widget, seen = f"w_{key}", f"_url_{key}"
    if widget not in st.session_state or st.session_state.get(seen) != wanted or \
            st.session_state[widget] not in options:
        st.session_state[widget] = wanted
    value = container.selectbox(label, options, key=widget, **kw)
    set_qp(key, value if value != default else None)
    st.session_state[seen] = value
    return value


def url_text(label: str, key: str, *, container: Any = st, **kw: Any) -> str:
    value = container.text_input(label, value=qp_str(key), key=f"w_{key}", **kw)
    set_qp(key, value.strip())
    return value.strip()


def url_checkbox(label: str, key: str, *, container: Any = st, **kw: Any) -> bool:
    value = container.checkbox(label, value=qp_str(key) == "1", key=f"w_{key}", **kw)
    set_qp(key, value)
    return value


def url_int(label: str, key: str, *, lo: int, hi: int, default: int, container: Any = st, **kw: Any) -> int:
    try:
        start = min(max(int(qp_str(key, str(default))), lo), hi)
    except ValueError:
        start = default
    value = container.slider(label, lo, hi, start, key=f"w_{key}", **kw)
    set_qp(key, value if value != default else None)
    return value


def empty_note(what: str) -> None:
    st.info(f"No {what} match these filters. Widen them (or clear the URL's parameters).")


# Up to this many papers a page keys the whole bibliography itself when it first shows an entry
# (about a second); above it (24 s at 100k papers) a button asks first, and every page and
# session then shares the keyed bibliography until a new run lands.
BIBLIOGRAPHY_ON_VIEW = 5_000


@st.cache_resource(show_spinner=False, max_entries=4)
def _bibliography(path: str) -> dict[str, Any]:
    """The keyed bibliography of the store, once built: ``{"entries": {paper: BibEntry}}``
    (empty until then). A resource, not data: shared by every session, dropped with the other
    caches when a new run lands (the keys need the whole bibliography)."""
    return {}


@st.cache_data(show_spinner=False, max_entries=4)
def _paper_statements(path: str) -> int:
    """How many statements type a paper (each source states its own): the bibliography's size, cheaply."""
    rows = open_store(path).select(internal("paper-count")).rows
    return int(rows[0]["n"]) if rows else 0


def _build_bibliography(path: str) -> dict[str, Any]:
    from kg.bibtex import all_entries

    held = _bibliography(path)
    if "entries" not in held:
        held["entries"] = {e.paper: e for e in all_entries(open_store(path))}
    return held["entries"]


def paper_bib(path: str, paper: str) -> str | None:
    """A paper's BibTeX entry, the same one `kg export --format bibtex` writes (kg.bibtex);
    '' for a paper the bibliography leaves out (a queued or rejected candidate); None while a
    large graph's bibliography is not keyed yet (:func:`bibliography_button` offers to)."""
    from kg.bibtex import render

    entries = _bibliography(path).get("entries")
    if entries is None:
        if _paper_statements(path) > BIBLIOGRAPHY_ON_VIEW:
            return None
        entries = _build_bibliography(path)
    entry = entries.get(paper)
    return render([entry]) if entry is not None else ""


def bibliography_button(path: str, key: str) -> None:
    """Offer to key a large graph's bibliography (BibTeX keys are unique across every paper,
    so one entry costs as much as all); the page reruns with the entries once it is done."""
    st.caption("BibTeX: the keys are unique across the whole bibliography, so the first entry keys every "
               "paper of this large graph once (about half a minute at 100,000 papers; then every page shows them). "
               "`kg export --format bibtex` writes the same entries.")
    if st.button("Show BibTeX (key the bibliography)", key=key):
        with st.spinner("Keying the bibliography…"):
            _build_bibliography(path)
        st.rerun()
