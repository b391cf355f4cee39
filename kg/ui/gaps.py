"""Gaps: what the graph does not know yet, for a curator to fill: models without code or
without a base model, papers without an abstract or authors, datasets without a modality or
an anatomy term, results without a source paper, candidates waiting longest for a review.

Each gap is a question in a .rq file (the saved ones run as `kg query NAME` too), counted in
the store by the saved question ``gaps-summary``; the lists are ordered and capped in the
store (the first 200, those that matter first), so the page costs the same at 100,000
papers. Every row links to the thing's page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd
import streamlit as st

from kg.ui.common import dataset_url, model_url, paper_url, run, run_saved

LINK = st.column_config.LinkColumn(display_text="open")
PAPERS_LISTED = "the papers that introduce a model or are placed in the taxonomy, newest first"


@dataclass(frozen=True)
class Gap:
    name: str  # as gaps-summary counts it
    question: str  # the .rq file that lists it
    saved: bool  # kg/queries/NAME.rq (else kg/queries/internal/)
    fill: str  # how a curator fills it
    table: Callable[[pd.DataFrame], pd.DataFrame]
    listed: str = "those that matter first"  # which of them the list shows, when not all


def _models_without_code(rows: pd.DataFrame) -> pd.DataFrame:
    names = run("model-labels")
    iri = dict(zip(names["model"], names["m"]))  # the saved question names models by label
    page = rows["model"].map(lambda n: model_url(iri[n]) if n in iri else None)
    return pd.DataFrame({"model": rows["model"], "page": page, "framework": rows["framework"]})


def _models(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"model": rows["model"], "page": rows["m"].map(model_url), "classes": rows["classes"]})


def _papers(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"paper": rows["title"].fillna(rows["paper"]), "page": rows["paper"].map(paper_url),
                         "date": rows["issued"]})


def _datasets(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"dataset": rows["dataset"], "page": rows["d"].map(dataset_url), "part of": rows["partOf"],
                         "models evaluated": rows["models"]})


def _results(rows: pd.DataFrame) -> pd.DataFrame:
    page = rows["mi"].map(lambda m: model_url(m) if isinstance(m, str) else None)
    return pd.DataFrame({"model": rows["model"], "page": page, "dataset": rows["dataset"], "Dice": rows["score"],
                         "result": rows["r"]})


def _candidates(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"paper": rows["title"].fillna(rows["p"]), "page": rows["p"].map(paper_url),
                         "status": rows["status"], "queued (run start)": rows["queued"], "class": rows["class"],
                         "confidence": rows["confidence"]})


GAPS = [
    Gap("models without code", "models-without-code", True,
        "add the repository to the survey list's Code column (or schema:codeRepository)", _models_without_code),
    Gap("models without a base model", "gaps-models-without-base-model", True,
        "add the model it adapts (mskg:basedOn; the survey database's backbone column)", _models),
    Gap("papers without an abstract", "gaps-papers-without-abstract", True,
        "run `kg enrich` online: arXiv and Semantic Scholar give abstracts", _papers, PAPERS_LISTED),
    Gap("papers without authors", "gaps-papers-without-authors", False,
        "run `kg enrich` online, or give the paper's arXiv id or DOI in the survey list", _papers, PAPERS_LISTED),
    Gap("datasets without a modality", "gaps-datasets-without-modality", False,
        "add the Imaging Modality to the dataset's row of the survey database (a sub-dataset seen only in "
        "the results has no row yet: add one)", _datasets),
    Gap("datasets without an anatomy term", "gaps-datasets-without-anatomy", False,
        "add the Region or Main Anatomical Structure to the dataset's row", _datasets),
    Gap("results without a source paper", "gaps-results-without-source", False,
        "name the paper the number was taken from (the database's Related Paper or Source)", _results),
    Gap("candidates waiting for a review", "gaps-candidates-waiting-longest", False,
        "decide with `kg review accept|reject` (or on What's new in maintainer mode)", _candidates),
]


def counts() -> dict[str, int]:
    summary = run_saved("gaps-summary")
    return {str(g): int(n) for g, n in zip(summary["gap"], summary["things"])}


def _show(gap: Gap, count: int) -> None:
    where = f"`kg query {gap.question}`" if gap.saved else f"kg/queries/internal/{gap.question}.rq"
    with st.expander(f"{gap.name.capitalize()}: {count:,}", expanded=0 < count):
        st.caption(f"Asked by {where}. To fill: {gap.fill}.")
        if count == 0:
            st.success(f"None: no {gap.name.split(' without ')[0].split(' waiting')[0]} to fill.")
            return
        rows = run_saved(gap.question) if gap.saved else run(gap.question)
        table = gap.table(rows)
        if len(table) < count:
            st.caption(f"Listed: {len(table):,} of the {count:,}, {gap.listed}.")
        st.dataframe(table, hide_index=True, width="stretch", placeholder="", height=min(38 + 35 * len(table), 420),
                     column_config={"page": LINK, "Dice": st.column_config.NumberColumn(format="%.1f")})


def render() -> None:
    st.title("Gaps: what the graph does not know yet")
    st.caption("For curators: each list below is a question of the graph; fill the source (the survey list, the "
               "survey database, the curation file) or run `kg enrich`, then `kg build`, and the gap closes.")
    found = counts()
    cols = st.columns(4)
    for i, gap in enumerate(GAPS):
        cols[i % 4].metric(gap.name.capitalize(), f"{found.get(gap.name, 0):,}")
    for gap in GAPS:
        _show(gap, found.get(gap.name, 0))
