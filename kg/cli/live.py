"""Commands that reach the live sources: `kg enrich` and the weekly `kg update`.

Both print a short summary; what the sources noted (ids not found, records skipped, lists
cut short) can run to hundreds of lines, so the first :data:`NOTES_SHOWN` are printed and the
full list goes to a file the command names: ``digests/enrich-<stamp>.log`` beside the store
for `kg enrich`, the digest for `kg update`."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from kg.cli.common import console, location, open_store
from kg.cli.options import http_options
from kg.store import Store
from kg.tracker.report import UpdateReport
from kg.vocab import ARXIV_SNAPSHOT

NOTES_SHOWN = 20


@click.command()
@click.option("--offline", is_flag=True,
              help="Contact no live source: the bundled arXiv snapshot (from `kg build`) is the enrichment.")
@click.option("--source", "sources", multiple=True, type=click.Choice(["arxiv", "s2"]),
              help="Only these sources (default both).")
@click.option("--no-references", is_flag=True, help="Skip the references of tracked papers.")
@click.option("--anchor", "anchors", multiple=True, metavar="NAME=ARXIV_ID",
              help="Anchor papers whose citing papers are added (default: SAM, SAM 2, MedSAM). "
                   "Repeat; 'none' for no anchors.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Only citing papers published on or after this date.")
@http_options
@click.pass_context
def enrich(ctx: click.Context, offline: bool, sources: tuple[str, ...], no_references: bool, anchors: tuple[str, ...],
           since: datetime | None, record_dir: Path | None, replay_dir: Path | None, no_cache: bool,
           budget: float) -> None:
    """Enrich every tracked paper from arXiv and Semantic Scholar (metadata, references, citing papers)."""
    from kg.tracker.enrich import enrich as run_enrich
    from kg.tracker.sources import make_policy

    store = open_store(ctx)
    if offline:
        _offline(store)
        return
    anchor_map = _anchors(anchors)
    policy = make_policy(cache=not no_cache, record_dir=record_dir, replay_dir=replay_dir, wait_budget_seconds=budget)
    use = set(sources) or {"arxiv", "s2"}
    with console.status("enriching from live sources"):
        report = run_enrich(store, policy=policy, use_arxiv="arxiv" in use, use_s2="s2" in use,
                            references=not no_references, anchors=anchor_map, since=since.date() if since else None)
    for o in report.outcomes:
        if o.reachable:
            console.print(f"[green]{o.name}[/green]: {o.papers} papers refreshed, {o.new_papers} new papers, "
                          f"{o.citations} citations" + (f", {o.unresolved} unresolved references counted, not added"
                                                        if o.unresolved else ""))
        else:
            console.print(f"[red]{o.name} unreachable[/red]: {o.note}; kept what is stored")
    lines = ([f"failed: {f}" for o in report.outcomes for f in o.failures]
             + [f"not written: {c}" for c in report.conflicts] + [f"note: {p}" for p in policy.report.problems])
    _print_some(lines, lambda: _enrich_log(ctx, report.started, lines))
    console.print(f"done in {report.seconds:.1f} s"
                  + (f"; run {report.activity}" if report.activity else "; nothing written"))
    if not report.did_anything:
        sys.exit(1)


def _offline(store: Store) -> None:
    graphs = store.graph_sizes()
    snapshot = graphs.get(str(ARXIV_SNAPSHOT), 0)
    console.print(f"offline: no live source contacted; the bundled arXiv snapshot ({snapshot} triples, from "
                  "`kg build`) is the enrichment. Stored live-source graphs are kept as they are.")
    if not snapshot:
        raise click.ClickException("the store has no arXiv snapshot graph; run `kg build` first")


def _anchors(anchors: tuple[str, ...]) -> dict[str, str]:
    from kg.tracker.config import default_anchors

    if not anchors:
        return default_anchors()
    anchor_map = {}
    for item in anchors:
        if item.lower() == "none":
            continue
        name, _, arxiv_id = item.partition("=")
        if not arxiv_id:
            raise click.BadParameter(f"'{item}' is not NAME=ARXIV_ID (e.g. SAM=2304.02643)", param_hint="--anchor")
        anchor_map[name.strip()] = arxiv_id.strip()
    return anchor_map


def _enrich_log(ctx: click.Context, started: datetime, lines: list[str]) -> str:
    from kg.paths import digest_dir
    from kg.tracker.digest import write_run_log

    try:
        return str(write_run_log(digest_dir(location(ctx)), "enrich", started, lines))
    except OSError as exc:
        return f"(not written: {exc.strerror}; set MSKG_DIGEST_DIR to a writable folder)"


def _print_some(lines: list[str], where_all: object) -> None:
    """The first lines, then how many were left out and where they all are (``where_all``
    is called, once, only when there is something to point at)."""
    for line in lines[:NOTES_SHOWN]:
        kind, _, text = line.partition(": ")
        colour = {"failed": "red", "not written": "yellow"}.get(kind)
        console.print(f"  [{colour}]{kind}[/{colour}]: {text}" if colour else f"  {line}")
    if lines:
        left = len(lines) - NOTES_SHOWN
        head = f"  ... {left} more not shown; " if left > 0 else "  "
        console.print(f"{head}all {len(lines)} in {where_all()}")  # type: ignore[operator]


@click.command("update")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Start of the search window (default: the last complete run's end minus the overlap; "
                   "a first run: the config's first_run_days back).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Discovery config (default: $MSKG_DISCOVERY_CONFIG or the bundled kg/data/discovery.toml).")
@click.option("--digest-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the Markdown digest and the Atom feed "
                   "(default: $MSKG_DIGEST_DIR or digests/ beside the store).")
@click.option("--curation", "curation", type=click.Path(dir_okay=False, path_type=Path),
              help="The curation file (default: $MSKG_CURATION_FILE or <store>/../curation.toml).")
@http_options
@click.pass_context
def update(ctx: click.Context, since: datetime | None, config_path: Path | None, digest_dir: Path | None,
           curation: Path | None, record_dir: Path | None, replay_dir: Path | None, no_cache: bool,
           budget: float) -> None:
    """Find the papers that appeared since the last run, classify and queue them for review, write a digest.

    Exit status: 0 when at least one source could be used, 1 when none could (nothing
    written), 3 when another update holds the lock."""
    from kg.paths import curation_file, digest_dir as default_digest_dir, lock_file
    from kg.store import StoreError, store_url
    from kg.taxonomy import taxonomy_categories
    from kg.tracker.config import DiscoveryConfig
    from kg.tracker.lock import EXIT_LOCKED, UpdateLocked, update_lock
    from kg.tracker.sources import make_policy
    from kg.tracker.update import run_update

    where = location(ctx)
    try:
        config = DiscoveryConfig.load(config_path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    if store_url(where) is None and not Path(where).expanduser().exists():
        # Opening for writing would create an empty store; an update needs the built survey graph.
        raise click.ClickException(f"no graph at {where}; run `kg build` first (or pass --store / set MSKG_STORE)")
    try:
        with update_lock(lock_file(where)):
            try:
                store = Store.open(where)
            except StoreError as exc:
                raise click.ClickException(str(exc)) from exc
            if not taxonomy_categories(store):
                raise click.ClickException(f"the store at {store.location} has no taxonomy; run `kg build` first")
            folder = digest_dir or default_digest_dir(where)
            cfile = curation or curation_file(where)
            policy = make_policy(cache=not no_cache, record_dir=record_dir, replay_dir=replay_dir,
                                 wait_budget_seconds=budget)
            with console.status("updating") as status:
                report = run_update(store, policy=policy, config=config, since=since.date() if since else None,
                                    curation_file=cfile, digest_dir=folder,
                                    progress=lambda msg: status.update(f"updating: {msg}"))
    except UpdateLocked as exc:
        console.print(f"[red]{exc}[/red]")
        sys.exit(EXIT_LOCKED)
    _print_update(report)
    if not report.did_anything:
        sys.exit(1)


def _print_update(report: UpdateReport) -> None:
    for s in report.sources:
        state = "ok" if s.ok else ("INCOMPLETE" if s.usable else "FAILED")
        console.print(f"[{'green' if s.ok else 'red'}]{s.name}[/]: {state}; {s.note}")
        for what in s.incomplete:
            console.print(f"  [red]did not finish[/red]: {what}")
    console.print(f"window {report.window_start} to {report.window_end}"
                  + ("" if report.complete else " (incomplete: searched again next run)"))
    console.print(f"{report.discovered} papers discovered; {len(report.candidates)} queued, "
                  f"{len(report.skipped)} skipped, {len(report.new_citations)} new citations")
    updated = [c for s in report.sources for c in s.updated]
    withdrawn = [c for s in report.sources for c in s.withdrawn]
    if updated or withdrawn:
        console.print(f"{len(updated)} known papers updated (new arXiv versions), {len(withdrawn)} withdrawn (flagged)")
    lc = report.list_changes
    if lc is not None and lc.fetched:
        console.print(f"survey list: {len(lc.new_rows)} new rows ({len(lc.new_models)} new models queued), "
                      f"{len(lc.changed)} changed class, {len(lc.removed)} removed, {len(lc.broken)} broken rows")
    lines = [f"failed: {f}" for f in report.failures] + [f"note: {s.name}: {n}" for s in report.sources
                                                          for n in s.notes]
    _print_some(lines, lambda: f"the digest {report.digest}" if report.digest else "the run's report")
    console.print(f"digest: {report.digest}; feed: {report.feed}")
    console.print(f"done in {report.seconds:.1f} s"
                  + (f"; run {report.activity}" if report.activity else "; nothing written"))


COMMANDS = [enrich, update]
