"""The app's tables, assembled from the cached long-form query results (one row per entity).

Multi-valued facts are fetched in long form and pivoted here rather than GROUP_CONCATed in
SPARQL: a model with 3 affiliations, 2 venues and 2 code links would otherwise multiply
rows before the aggregation.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kg.schemes import scheme_in_force
from kg.ui.common import join_values, open_store, paper_web_url, run, run_with, store_path, year_of
from kg.ui.countries import UNKNOWN, country_of

M = "https://w3id.org/medseg-kg/ontology#"
_FIELDS = {
    "http://www.w3.org/2000/01/rdf-schema#label": "name",
    "http://www.w3.org/2004/02/skos/core#altLabel": "other names",
    M + "framework": "framework",
    M + "architecture": "architecture",
    M + "visualBackbone": "backbone",
    M + "affiliation": "affiliations",
    M + "country": "country facts",
    "https://schema.org/codeRepository": "code",
    M + "parametersMillions": "params (M)",
    M + "gflops": "GFLOPs",
    M + "gpuCount": "GPUs",
    M + "gpuModel": "GPU model",
    M + "gpuVendor": "GPU vendor",
    M + "totalVramGB": "VRAM (GB)",
    M + "introducedIn": "paper",
    M + "basedOn": "based on",
}
FRAMEWORK_LABEL = {M + "Generalist": "Generalist", M + "TaskSpecific": "Task-specific"}
NUMERIC = ["params (M)", "GFLOPs", "GPUs", "VRAM (GB)"]


def _first_number(values: list[Any]) -> float | None:
    for v in values:
        try:
            return float(v)
        except (TypeError, ValueError):
            continue
    return None


@st.cache_data(show_spinner=False, ttl=600)
def models_table(path: str, scheme: str | None = None) -> pd.DataFrame:
    """One row per model: the Models page's table and filters (``path`` keys the cache), with
    the classes of ``scheme`` (default: the scheme in force)."""
    cats = run_with("model-categories", scheme=scheme or scheme_in_force(open_store(path)))
    return _models_frame(run("model-facts"), cats, run("model-papers"))


@st.cache_data(show_spinner=False, ttl=600)
def model_frameworks(path: str) -> dict[str, str]:
    """Every model's framework as the models table writes it ("Generalist", "A / B", "unknown")."""
    rows = run("model-frameworks")
    found: dict[str, set[str]] = {}
    for m, fw in zip(rows["m"], rows["fw"]):
        found.setdefault(m, set()).update([FRAMEWORK_LABEL.get(str(fw), str(fw))] if isinstance(fw, str) else [])
    return {m: " / ".join(sorted(labels)) if labels else "unknown" for m, labels in found.items()}


@st.cache_data(show_spinner=False, ttl=600)
def model_names(path: str) -> dict[str, str]:
    """Every labelled model's IRI and first label, A to Z (the Model page's picker)."""
    rows = run("model-names-first").sort_values("model", key=lambda s: s.str.casefold())
    return dict(zip(rows["m"], rows["model"]))


def model_rows(iris: list[str]) -> pd.DataFrame:
    """The rows of :func:`models_table` of the models ``iris`` only, asked of the store for
    those (a detail page): the facts come with the labels of their base models, for names."""
    asked = sorted(set(iris))
    cats = run_with("model-categories-of", models=asked, scheme=scheme_in_force(open_store(store_path())))
    table = _models_frame(run_with("model-facts-of", models=asked), cats, run_with("model-papers-of", models=asked))
    return table[table["iri"].isin(asked)].reset_index(drop=True) if not table.empty else table


def _models_frame(facts: pd.DataFrame, cats: pd.DataFrame, papers: pd.DataFrame) -> pd.DataFrame:
    if facts.empty:
        return pd.DataFrame()
    facts["field"] = facts["p"].map(_FIELDS)
    grouped: dict[str, dict[str, list[Any]]] = {}
    for m, field, o in facts[["m", "field", "o"]].itertuples(index=False):
        grouped.setdefault(m, {}).setdefault(field, []).append(o)
    names = {m: sorted(map(str, f.get("name", [m.rsplit("/", 1)[-1]])))[0] for m, f in grouped.items()}

    rows = []
    for m, f in grouped.items():
        affiliations = sorted(set(map(str, f.get("affiliations", []))))
        stated = sorted(set(map(str, f.get("country facts", []))))
        countries = stated or sorted({country_of(a) for a in affiliations}) or [UNKNOWN]
        frameworks = sorted({FRAMEWORK_LABEL.get(str(x), str(x)) for x in f.get("framework", [])})
        bases = sorted({names.get(str(b), str(b).rsplit("/", 1)[-1]) for b in f.get("based on", [])})
        codes = sorted(set(map(str, f.get("code", []))))
        row: dict[str, Any] = {
            "iri": m,
            "model": names[m],
            "other names": join_values(sorted(map(str, f.get("other names", [])))),
            "framework": " / ".join(frameworks) if frameworks else "unknown",
            "architecture": sorted(set(map(str, f.get("architecture", [])))),
            "backbone": join_values(sorted(map(str, f.get("backbone", [])))),
            "based on": bases,
            "affiliations": affiliations,
            "countries": countries,
            "code": codes[0] if codes else None,
            "code links": codes,
            "paper_iri": sorted(map(str, f.get("paper", [])))[0] if f.get("paper") else None,
            "GPU model": join_values(f.get("GPU model", [])),
        }
        for col in NUMERIC:
            row[col] = _first_number(f.get(col, []))
        rows.append(row)
    table = pd.DataFrame(rows)

    cls = cats.groupby("m").agg(classes=("class", lambda s: sorted(set(s))),
                                sections=("section", lambda s: sorted(set(s)))) if not cats.empty else None
    table = table.join(cls, on="iri") if cls is not None else table.assign(classes=None, sections=None)
    for col in ("classes", "sections"):
        table[col] = table[col].apply(lambda v: v if isinstance(v, list) else [])

    info = _paper_info(papers)
    table = table.join(info, on="paper_iri")
    table["year"] = table["issued"].apply(year_of)
    table["year"] = pd.array(table["year"], dtype="Int64")
    return table.sort_values("model", key=lambda s: s.str.casefold()).reset_index(drop=True)


def _paper_info(papers: pd.DataFrame) -> pd.DataFrame:
    """Per introducing paper: title, first date, link, and the first and last publisher.

    The survey database's first and last publishers are both written as ``mskg:venue`` of the
    one paper node, without saying which is which; an arXiv venue is the first publisher when
    there is another, and the last is the other venue (database spellings preferred)."""
    out = {}
    for paper, grp in papers.groupby("paper"):
        first = grp.iloc[0]
        db = [str(v) for v, g in zip(grp["venue"], grp["venueGraph"])
              if isinstance(v, str) and str(g).endswith("/survey-db")]
        venues = sorted(set(db) or {str(v) for v in grp["venue"] if isinstance(v, str)}, key=len)
        arxiv = [v for v in venues if v.lower() == "arxiv"]
        others = [v for v in venues if v.lower() != "arxiv"]
        first_pub = arxiv[0] if arxiv else (others[0] if others else None)
        last_pub = others[0] if others else first_pub
        out[paper] = {
            "title": first["title"], "issued": first["issued"],
            "paper link": paper_web_url(first["arxiv"], first["doi"]),
            "first publisher": first_pub, "last publisher": last_pub,
            "venues": venues,
        }
    return pd.DataFrame.from_dict(out, orient="index")




@st.cache_data(show_spinner=False, ttl=600)
def datasets_table(path: str) -> pd.DataFrame:
    facts = run("dataset-facts")
    links = run("dataset-links")
    evaluated = run("models-evaluated-on")
    if facts.empty:
        return pd.DataFrame()
    short = {"http://www.w3.org/2000/01/rdf-schema#label": "dataset", "http://purl.org/dc/terms/title": "full name",
             M + "modality": "modality", M + "segmentedObject": "objects", M + "anatomicalStructure": "anatomy",
             M + "bodyRegion": "regions", M + "includes": "includes", M + "volumeCount": "volumes",
             M + "labelledVolumeCount": "labelled volumes", M + "citationKey": "citation keys",
             "http://purl.org/dc/terms/isPartOf": "part of"}
    facts["field"] = facts["p"].map(short)
    grouped: dict[str, dict[str, list[Any]]] = {}
    for d, field, o in facts[["d", "field", "o"]].itertuples(index=False):
        if field:
            grouped.setdefault(d, {}).setdefault(field, []).append(o)
    labels = {d: sorted(map(str, f.get("dataset", [d.rsplit("/", 1)[-1]])))[0] for d, f in grouped.items()}
    link_map: dict[str, list[tuple[str, str]]] = {}
    for d, url, text in links[["d", "url", "text"]].itertuples(index=False):
        link_map.setdefault(d, []).append((str(url), str(text) if isinstance(text, str) else str(url)))
    models_on: dict[str, list[str]] = {}
    for d, model in evaluated[["d", "model"]].itertuples(index=False):
        models_on.setdefault(d, []).append(str(model))
    rows = []
    for d, f in grouped.items():
        rows.append({
            "iri": d,
            "dataset": labels[d],
            "full name": join_values(f.get("full name", [])),
            "modality": join_values(sorted(map(str, f.get("modality", [])))) or "unknown",
            "regions": sorted(set(map(str, f.get("regions", [])))),
            "objects": sorted(set(map(str, f.get("objects", [])))),
            "anatomy": sorted(set(map(str, f.get("anatomy", [])))),
            "volumes": _first_number(f.get("volumes", [])),
            "labelled volumes": _first_number(f.get("labelled volumes", [])),
            "part of": join_values(sorted(labels.get(str(p), str(p).rsplit("/", 1)[-1]) for p in f.get("part of", []))),
            "includes": sorted(set(map(str, f.get("includes", [])))),
            "links": sorted(set(link_map.get(d, []))),
            "models evaluated": sorted(set(models_on.get(d, [])), key=str.casefold),
        })
    table = pd.DataFrame(rows)
    table["# models"] = table["models evaluated"].apply(len)
    return table.sort_values("dataset", key=lambda s: s.str.casefold()).reset_index(drop=True)


def _results_frame(res: pd.DataFrame) -> pd.DataFrame:
    if res.empty:
        return res
    res["dice"] = res["dice"].astype(float)
    res["framework"] = res["framework"].fillna("unknown")
    # A result stated by two sources (or a model with two framework labels) must count once.
    return res.drop_duplicates(subset=["r", "m"]).reset_index(drop=True)


def results_about(*, models: list[str] | None = None, datasets: list[str] | None = None,
                  papers: list[str] | None = None) -> pd.DataFrame:
    """The Dice results (the rows of results.rq, each result once) of these models, on these
    datasets or taken from these papers (IRIs), asked of the store for those only."""
    asked = [(name, key, sorted(set(v))) for name, key, v in (("results-of-models", "models", models),
                                                              ("results-on-datasets", "datasets", datasets),
                                                              ("results-from-papers", "papers", papers)) if v]
    if not asked:
        return _results_frame(run_with("results-on-datasets", datasets=[]))
    frames = [run_with(name, **{key: iris}) for name, key, iris in asked]
    return _results_frame(pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0])


@st.cache_data(show_spinner=False, ttl=600)
def result_datasets(path: str, per_kind: bool = False) -> pd.DataFrame:
    """Per dataset, how many models have a result there (kind "any"; with ``per_kind``, per
    kind: primary, best): what the Results page lists and ranks its default datasets by,
    counted in the store."""
    counts = run("result-dataset-counts" if per_kind else "models-per-dataset")
    counts["models"] = counts["models"].astype(int)
    return counts


@st.cache_data(show_spinner=False, ttl=600)
def result_frameworks(path: str) -> list[str]:
    """The frameworks of the models that have results ('unknown' for a model without one)."""
    return sorted({f if isinstance(f, str) else "unknown" for f in run("result-frameworks")["framework"]})


def papers_about(iris: list[str]) -> pd.DataFrame:
    """One row per paper of ``iris`` (title, date, ids, authors, venues), asked of the store for
    those (the sources of a page's numbers: a few hundred papers, not every paper)."""
    wanted = sorted({i for i in iris if isinstance(i, str)})
    if not wanted:
        return pd.DataFrame(columns=["paper", "title", "issued", "arxiv", "doi", "authors", "bibKey", "bibtex",
                                     "venues", "year"]).set_index("paper")
    papers = run_with("papers-about", papers=wanted)
    papers["year"] = papers["issued"].apply(year_of)
    papers["title"] = papers["title"].fillna(papers["paper"].str.rsplit("/", n=1).str[-1])
    return papers.set_index("paper")
