"""The review queue: candidate papers, the curation decisions on them, and `kg review`.

Candidates live in the named graph ``graph:candidates`` (written by `kg update`), each
with the classifier's ``mskg:predictedCategory``, a ``mskg:confidence`` and its
``mskg:evidence``. Decisions live in the curation file (:mod:`kg.tracker.curation`: plain TOML,
appended to, version-controllable), and the graph only ever *derives* from it:

* an undecided candidate has ``mskg:reviewStatus "candidate"`` and ``mskg:category`` =
  its prediction, both in ``graph:candidates``;
* a decided paper has its status (and its class: the reviewer's, else the prediction)
  in ``graph:curation``, and no status or class in ``graph:candidates`` — so the union of
  the graphs states exactly one status and one class per paper (shapes.ttl checks it).

:func:`curation_update` is the SPARQL that re-derives both from the file; `kg build`,
`kg update` and `kg review` run it inside their own one transaction, so a human decision
is re-applied on every run, is never overwritten by a run, and a rejected paper stays
rejected even when the candidate graph is rebuilt (the update never re-proposes a paper
whose latest decision is "rejected").
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rdflib import Graph, Literal, URIRef

from kg.tracker.curation import CurationError, Decision, append_decision, curation_path, latest_decisions
from kg.mapping import concept_iri
from kg.queries import with_prefixes
from kg.store import Store, StoreError, default_store_location, store_url
from kg.vocab import CANDIDATES, CURATION, MSKG, RDF, TAXONOMY_SCHEME, XSD

if TYPE_CHECKING:
    from kg.tracker.classify import Category



# --------------------------------------------------------------------------- taxonomy


def taxonomy_categories(store: Store) -> list[Category]:
    """The classes of the survey taxonomy as the graph's SKOS scheme states them: every
    concept of id:taxonomy without narrower concepts, with its section (the broader
    concept's prefLabel, or itself for a section that is its own class)."""
    from kg.tracker.classify import Category

    rows = store.select(with_prefixes(f"""
        SELECT DISTINCT ?c ?label ?section WHERE {{
          ?c a skos:Concept ; skos:inScheme <{TAXONOMY_SCHEME}> ; skos:prefLabel ?label .
          FILTER NOT EXISTS {{ ?n skos:broader ?c }}
          OPTIONAL {{ ?c skos:broader/skos:prefLabel ?section }}
        }}""")).rows
    by_label: dict[str, Category] = {}
    for r in rows:
        by_label.setdefault(r["label"], Category(label=r["label"], section=r["section"] or r["label"], iri=r["c"]))
    return sorted(by_label.values(), key=_survey_order())


def _survey_order():  # type: ignore[no-untyped-def]
    """Sort key: the bundled list's order (sections, then classes), unknown classes last by name.
    Only an order for stable output and tie-breaks; the classes themselves come from the graph."""
    from ingest.survey import load_survey_list

    survey = load_survey_list()
    order = {label: i for i, label in enumerate(
        label for section in survey.sections for label in (survey.categories.get(section) or [section]))}
    return lambda c: (order.get(c.label, len(order)), c.section, c.label)


def bundled_categories() -> list[Category]:
    """The classes of the bundled survey list: the fallback when no store exists yet."""
    from ingest.survey import load_survey_list
    from kg.tracker.classify import categories_from_sections

    return categories_from_sections(load_survey_list().categories)


# --------------------------------------------------------------------------- curation -> graph


def curation_file_for(store: Store | None, location: str | Path | None = None) -> Path | None:
    """``$MSKG_CURATION_FILE``, else ``curation.toml`` beside a store directory; None for an
    in-memory store or a remote endpoint without the variable (no file to re-apply)."""
    if os.environ.get("MSKG_CURATION_FILE"):
        return curation_path(".")
    where = location if location is not None else (store.path if store is not None else None)
    if where is None or store_url(where) is not None:
        return None
    return curation_path(where)


def curation_update(decisions: dict[str, Decision]) -> str:
    """SPARQL update that rebuilds ``graph:curation`` from ``decisions`` and re-derives the
    candidates' status and class (see the module docstring). Idempotent."""
    g = Graph()
    take_prediction = []
    for d in decisions.values():
        paper = URIRef(d.paper)
        g.add((paper, RDF.type, MSKG.Paper))
        g.add((paper, MSKG.reviewStatus, Literal(d.status)))
        g.add((paper, MSKG.reviewedOn, Literal(d.decided.isoformat(), datatype=XSD.date)))
        if d.status == "accepted":
            if d.category:
                g.add((paper, MSKG.category, concept_iri(d.category)))
            else:
                take_prediction.append(f"<{d.paper}>")
    parts = [f"DROP SILENT GRAPH <{CURATION}>"]
    if len(g):
        parts.append(f"INSERT DATA {{ GRAPH <{CURATION}> {{\n{g.serialize(format='nt')}}} }}")
    if take_prediction:
        parts.append(f"INSERT {{ GRAPH <{CURATION}> {{ ?p <{MSKG.category}> ?c }} }} WHERE {{ "
                     f"VALUES ?p {{ {' '.join(take_prediction)} }} GRAPH <{CANDIDATES}> {{ ?p <{MSKG.predictedCategory}> ?c }} }}")
    parts += [
        f"DELETE {{ GRAPH <{CANDIDATES}> {{ ?p <{MSKG.reviewStatus}> ?s }} }} WHERE {{ GRAPH <{CANDIDATES}> {{ ?p <{MSKG.reviewStatus}> ?s }} }}",
        f"DELETE {{ GRAPH <{CANDIDATES}> {{ ?p <{MSKG.category}> ?c }} }} WHERE {{ GRAPH <{CANDIDATES}> {{ ?p <{MSKG.category}> ?c }} }}",
        f"INSERT {{ GRAPH <{CANDIDATES}> {{ ?p <{MSKG.reviewStatus}> \"candidate\" . ?p <{MSKG.category}> ?c }} }} "
        f"WHERE {{ GRAPH <{CANDIDATES}> {{ ?p <{MSKG.predictedCategory}> ?c }} "
        f"FILTER NOT EXISTS {{ GRAPH <{CURATION}> {{ ?p <{MSKG.reviewStatus}> ?x }} }} }}",
    ]
    return " ;\n".join(parts)


def curation_update_for(store: Store) -> str:
    """The curation update for ``store``'s curation file ('' when there is no file to apply).
    The hook `kg build` calls: a build drops and refills the survey graphs, never the
    candidate or curation graphs, but re-applying keeps the file the single source of truth."""
    path = curation_file_for(store)
    if path is None or not path.exists():
        return ""
    return curation_update(latest_decisions(path))


def apply_curation(store: Store, path: Path | None) -> int:
    """Re-apply the decisions of ``path`` now (one transaction); returns how many are in force."""
    decisions = latest_decisions(path) if path is not None else {}
    store.update(curation_update(decisions))
    store.flush()
    return len(decisions)


# --------------------------------------------------------------------------- listing


@dataclass
class QueueItem:
    paper: str
    title: str
    status: str
    category: str | None
    predicted: str | None
    confidence: float | None
    arxiv: str | None
    evidence: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"paper": self.paper, "title": self.title, "status": self.status, "category": self.category,
                "predicted": self.predicted, "confidence": self.confidence, "arxiv": self.arxiv,
                "evidence": self.evidence}


def queue(store: Store, status: str | None = "candidate") -> list[QueueItem]:
    """Papers of the candidate graph with their status in force, best confidence first."""
    rows = store.select(with_prefixes(f"""
        SELECT ?p (SAMPLE(?t) AS ?title) (SAMPLE(?st) AS ?status) (SAMPLE(?cl) AS ?category)
               (SAMPLE(?pl) AS ?predicted) (MAX(?conf) AS ?confidence) (SAMPLE(?a) AS ?arxiv) (SAMPLE(?ev) AS ?evidence)
        WHERE {{
          GRAPH <{CANDIDATES}> {{ ?p a mskg:Paper . OPTIONAL {{ ?p mskg:confidence ?conf }}
                                 OPTIONAL {{ ?p mskg:evidence ?ev }} }}
          OPTIONAL {{ ?p dcterms:title ?t }} OPTIONAL {{ ?p mskg:arxivId ?a }}
          OPTIONAL {{ ?p mskg:reviewStatus ?st }}
          OPTIONAL {{ ?p mskg:category/skos:prefLabel ?cl }}
          OPTIONAL {{ ?p mskg:predictedCategory/skos:prefLabel ?pl }}
        }} GROUP BY ?p""")).rows
    items = []
    for r in rows:
        try:
            evidence = json.loads(r["evidence"]) if r["evidence"] else {}
        except ValueError:
            evidence = {"text": r["evidence"]}
        item = QueueItem(r["p"], r["title"] or "", r["status"] or "candidate", r["category"], r["predicted"],
                         float(r["confidence"]) if r["confidence"] is not None else None, r["arxiv"], evidence)
        if status in (None, "all") or item.status == status:
            items.append(item)
    return sorted(items, key=lambda i: (-(i.confidence or 0.0), i.title))


def resolve_paper(store: Store, ref: str) -> str:
    """A paper IRI from an IRI, an arXiv id ('2501.01234', 'arXiv:2501.01234v2') or a DOI."""
    from ingest.ids import normalise_arxiv_id, normalise_doi

    ref = ref.strip()
    if ref.startswith(("http://", "https://")) and "/id/paper/" in ref:
        return ref
    arxiv = normalise_arxiv_id(ref)
    doi = None if arxiv else normalise_doi(ref)
    if arxiv is None and doi is None:
        raise click.BadParameter(f"'{ref}' is neither a paper IRI, an arXiv id nor a DOI", param_hint="PAPER")
    prop, value = ("mskg:arxivId", arxiv) if arxiv else ("bibo:doi", doi)
    rows = store.select(with_prefixes(f"SELECT DISTINCT ?p WHERE {{ ?p {prop} {json.dumps(value)} }}")).rows
    if not rows:
        raise click.BadParameter(f"no paper with {prop.split(':')[1]} {value} in the graph (see `kg review list`)",
                                 param_hint="PAPER")
    return rows[0]["p"]


# --------------------------------------------------------------------------- CLI


def _location(ctx: click.Context) -> str | Path:
    root = ctx.find_root()
    return (root.obj or {}).get("store") or default_store_location()


def _open(ctx: click.Context, read_only: bool = False) -> Store:
    try:
        return Store.open(_location(ctx), read_only=read_only)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def review() -> None:
    """The review queue: list candidates, accept (optionally with another class) or reject them.

    Decisions are appended to the curation file ($MSKG_CURATION_FILE, else curation.toml
    beside the store) and re-applied by every `kg build` and `kg update`."""


@review.command("list")
@click.option("--status", type=click.Choice(["candidate", "accepted", "rejected", "all"]), default="candidate",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines instead of a table.")
@click.pass_context
def review_list(ctx: click.Context, status: str, as_json: bool) -> None:
    """Papers in the review queue (best confidence first)."""
    store = _open(ctx, read_only=True)
    items = queue(store, status)
    if as_json:
        for item in items:
            click.echo(json.dumps(item.to_dict(), ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(items)} paper(s), status {status}")
    for col in ("paper", "title", "class", "conf.", "status"):
        table.add_column(col, overflow="fold")
    for i in items:
        short = i.arxiv or i.paper.rsplit("/id/", 1)[-1]
        table.add_row(short, i.title, i.category or i.predicted or "", f"{i.confidence:.2f}" if i.confidence is not None else "",
                      i.status)
    Console().print(table)


def _decide(ctx: click.Context, papers: tuple[str, ...], status: str, category: str | None) -> None:
    writable = True
    try:
        store = Store.open(_location(ctx))
    except StoreError as exc:  # e.g. a running `kg serve` holds the store: record now, apply on the next run
        writable = False
        click.echo(f"note: {exc}", err=True)
        store = _open(ctx, read_only=True)
    path = curation_file_for(store, _location(ctx))
    if path is None:
        raise click.ClickException("no curation file for a remote store: set MSKG_CURATION_FILE")
    if category:
        labels = {c.label for c in taxonomy_categories(store)}
        if category not in labels:
            raise click.BadParameter(f"'{category}' is not a class of the taxonomy; one of: {', '.join(sorted(labels))}",
                                     param_hint="--category")
    iris = [resolve_paper(store, p) for p in papers]
    try:
        for iri in iris:
            append_decision(path, Decision(iri, status, category or "", date.today()))
        count = apply_curation(store, path) if writable else len(latest_decisions(path))
    except CurationError as exc:
        raise click.ClickException(str(exc)) from exc
    for iri in iris:
        click.echo(f"{status}: {iri}" + (f" as '{category}'" if category else ""), err=True)
    where = f"applied to {store.location}" if writable else "to be applied by the next `kg build` or `kg update`"
    click.echo(f"{path}: {count} decision(s) in force, {where}", err=True)


@review.command("accept")
@click.argument("papers", nargs=-1, required=True)
@click.option("--category", metavar="LABEL", help="The taxonomy class (skos:prefLabel) to file the paper under "
              "instead of the predicted one.")
@click.pass_context
def review_accept(ctx: click.Context, papers: tuple[str, ...], category: str | None) -> None:
    """Accept PAPERS (IRIs, arXiv ids or DOIs) into the graph."""
    _decide(ctx, papers, "accepted", category)


@review.command("reject")
@click.argument("papers", nargs=-1, required=True)
@click.pass_context
def review_reject(ctx: click.Context, papers: tuple[str, ...]) -> None:
    """Reject PAPERS: they leave the queue and are never proposed again."""
    _decide(ctx, papers, "rejected", None)


@click.command("classify")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="Where to write (default stdout).")
@click.pass_context
def classify(ctx: click.Context, source: Any, output: Any) -> None:
    """Classify papers: JSON Lines {"title", "abstract"} from SOURCE (a file, or - for stdin)
    to JSON Lines {"title", "relevant", "category", "confidence", "evidence"}.

    The classes are the graph's SKOS taxonomy; with no store yet, the bundled survey list's."""
    from kg.tracker.classify import PaperClassifier, classify_jsonl, load_training_examples

    categories: list[Category] = []
    location = _location(ctx)
    if store_url(location) is not None or Path(location).exists():
        try:
            categories = taxonomy_categories(Store.open(location, read_only=True))
        except StoreError:
            categories = []
    if not categories:
        categories = bundled_categories()
    classifier = PaperClassifier(categories, load_training_examples())
    failed = done = 0
    for line in classify_jsonl(source, classifier):
        bad = line.startswith('{"line"')
        failed, done = failed + bad, done + (not bad)
        output.write(line + "\n")
    output.flush()
    if failed:
        click.echo(f"{failed} input line(s) could not be read; see their 'error' lines", err=True)
        if not done:
            sys.exit(1)
