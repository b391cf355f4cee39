"""`kg bench --app`: every page of the app timed in a real browser on one graph.

`streamlit run` on the store, headless Chromium through chromedriver (:mod:`kg.browser`); each
page is opened twice in a row: cold (its first visit since the server started; the caches that
earlier pages filled are shared, as they are for a user) and warm (the second visit). Before
the first page the server answers one address that is no page ("Page not found"): the app's
imports and the store's opening are the server's start, not the first page's. A page
is done when Streamlit's run is over: no status widget, and the page's ready text (a text the
page draws near its end) on it. With ``repeats`` > 1 the whole tour runs again on a fresh
server, and each figure is the median (the machine may be shared: one run can be unlucky).

    kg --store DIR bench --app --repeats 3 --json pages.json
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from kg.bench_engines import BenchError
from kg.browser import BrowserError, StreamlitApp, WebDriver
from kg.queries import internal
from kg.store import Store, StoreError
from kg.vocab import ID

# The detail pages are opened on these (present in the survey graph and the synthetic one);
# the paper and the author are MedSAM's introducing paper and one of its authors.
MODEL, DATASET = "medsam", "btcv"
EXCEPTION = "return document.querySelectorAll('[data-testid=\"stException\"]').length"


@dataclass(frozen=True)
class PageVisit:
    name: str  # as the table prints it
    path: str  # after the app's root URL
    ready: str  # a text the page draws near its end (after its slow parts)


def app_pages(paper: str, author: str) -> list[PageVisit]:
    """Every page of the app's navigation (kg/ui/app.py; a test keeps the two in step), the
    detail pages on one resource each, and the views behind a page's controls."""
    return [
        PageVisit("Overview", "", "The survey taxonomy"),
        PageVisit("Models", "models", "First/last publisher"),
        PageVisit("Compare", "compare?models=medsam&models=sam&models=nnu-net", "Lineage"),
        PageVisit("Results", "results", "Dice table"),
        PageVisit("Leaderboards", f"leaderboards?dataset={DATASET}", "Best on BTCV"),
        PageVisit("Leaderboards timeline", "leaderboards?view=timeline", "Timeline per class"),
        PageVisit("Datasets", f"datasets?dataset={DATASET}", "One dataset"),
        PageVisit("Graphs lineage", "graphs", "nodes,"),
        PageVisit("Graphs models-datasets", "graphs?view=models-datasets", "nodes,"),
        PageVisit("Graphs citations", "graphs?view=citations", "nodes,"),
        PageVisit("Graphs taxonomy", "graphs?view=taxonomy", "nodes,"),
        PageVisit("Model page", f"model?model={MODEL}", "Facts and their provenance"),
        PageVisit("Paper page", f"paper?paper={quote(paper, safe='/')}", "Facts and their provenance"),
        PageVisit("Author page", f"author?author={quote(author, safe='/')}", "paper(s) in the graph"),
        PageVisit("SPARQL", "sparql?q=lineage-of-medsam2", "Run query"),
        PageVisit("What's new", "whats-new", "Candidates"),
        PageVisit("Gaps", "gaps", "Models without code"),
    ]


def detail_targets(location: str) -> tuple[str, str]:
    """The slugs of MedSAM's paper and of one of its authors in the store at ``location``."""
    rows = Store.open(location, read_only=True).select(internal("bench-detail-targets", this=f"{ID}model/{MODEL}")).rows
    if not rows:
        raise BenchError(f"{location}: no model '{MODEL}' with an introducing paper; "
                         "build the graph (kg build) or use --papers N for a synthetic one")
    paper = str(rows[0]["paper"]).removeprefix(f"{ID}paper/")
    author = str(rows[0].get("author") or "").removeprefix(f"{ID}person/")
    return paper, author


def _time_visit(browser: WebDriver, url: str, ready: str, timeout: float) -> float:
    started = time.perf_counter()
    browser.get(url)
    end = started + timeout
    while time.perf_counter() < end:
        if browser.run_is_over(ready) is not None:
            spent = time.perf_counter() - started
            if browser.js(EXCEPTION):
                raise BrowserError(f"{url} shows an exception")
            return spent
        time.sleep(0.05)
    raise BrowserError(f"{url}: '{ready}' not shown within {timeout:.0f} s (raise --page-timeout)")


def _warm_up(browser: WebDriver, url: str, timeout: float) -> None:
    """Open an address that is no page: the app module runs (imports, the store opened) without a page."""
    browser.get(url + "bench-warm-up")
    end = time.perf_counter() + timeout
    while time.perf_counter() < end and browser.run_is_over("Page not found") is None:
        time.sleep(0.1)


def _tour(location: str, pages: list[PageVisit], work: Path, timeout: float,
          say: Callable[[str], Any]) -> dict[str, dict[str, float | None]]:
    """One fresh server, every page cold then warm: seconds (None: it failed, noted in 'error')."""
    out: dict[str, dict[str, Any]] = {}
    env = {"MSKG_DIGEST_DIR": str(work / "digests"), "MSKG_CURATION_FILE": str(work / "curation.toml"),
           "MSKG_MAINTAINER": None}
    with (work / "streamlit.log").open("a") as log, StreamlitApp(location, log, env=env) as app:
        browser = WebDriver(Path(tempfile.mkdtemp(prefix="profile-", dir=work)))
        try:
            _warm_up(browser, app.url, timeout)
            for page in pages:
                say(f"{page.name}: cold")
                row: dict[str, Any] = {"cold_s": None, "warm_s": None}
                try:
                    row["cold_s"] = _time_visit(browser, app.url + page.path, page.ready, timeout)
                    say(f"{page.name}: warm")
                    row["warm_s"] = _time_visit(browser, app.url + page.path, page.ready, timeout)
                except BrowserError as exc:
                    row["error"] = str(exc)
                out[page.name] = row
        finally:
            browser.quit()
    return out


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 3) if known else None


def bench_app(location: str, *, repeats: int = 1, page_timeout: float = 180.0, workdir: Path | None = None,
              progress: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """Time every page ``repeats`` times (a fresh server each time); the medians and each run."""
    say = progress or (lambda message: None)
    try:
        paper, author = detail_targets(location)
    except StoreError as exc:
        raise BenchError(str(exc)) from exc
    pages = app_pages(paper, author)
    runs = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-app-", dir=workdir) as tmp:
        for n in range(repeats):
            try:
                runs.append(_tour(location, pages, Path(tmp), page_timeout,
                                  lambda m, n=n: say(f"run {n + 1}/{repeats}: {m}")))
            except BrowserError as exc:
                raise BenchError(str(exc)) from exc
    table = []
    for page in pages:
        rows = [r[page.name] for r in runs]
        errors = sorted({r["error"] for r in rows if "error" in r})
        table.append({"page": page.name, "path": "/" + page.path,
                      "cold_s": _median([r["cold_s"] for r in rows]), "warm_s": _median([r["warm_s"] for r in rows]),
                      "cold_runs_s": [r["cold_s"] for r in rows], "warm_runs_s": [r["warm_s"] for r in rows],
                      **({"errors": errors} if errors else {})})
    return {"store": location, "repeats": repeats, "page_timeout_s": page_timeout, "pages": table}


def bench_app_synthetic(papers: int, seed: int = 42, *, workdir: Path | None = None,
                        progress: Callable[[str], Any] | None = None, **kw: Any) -> dict[str, Any]:
    """:func:`bench_app` on the synthetic graph of ``papers`` papers (kg.synthetic), restored
    into a temporary store that is removed afterwards."""
    from kg.restore import restore
    from kg.synthetic import generate

    say = progress or (lambda message: None)
    with tempfile.TemporaryDirectory(prefix="kg-bench-app-store-", dir=workdir) as tmp:
        data, store = Path(tmp) / "synthetic.nq", Path(tmp) / "store"
        say(f"generating {papers} synthetic papers")
        generate(data, papers, seed)
        say("loading them into a store")
        restore(store, data)
        data.unlink()
        report = bench_app(str(store), workdir=workdir, progress=progress, **kw)
    return {**report, "store": f"synthetic, {papers} papers, seed {seed}"}


def print_app_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    def cell(v: float | None) -> str:
        return "failed" if v is None else f"{v:.2f}"

    title = f"pages, seconds until the run is over (median of {report['repeats']})"
    table = Table(title=title)
    for column in ("page", "cold (s)", "warm (s)", "path"):
        table.add_column(column, justify="right" if "(s)" in column else "left")
    for row in report["pages"]:
        table.add_row(row["page"], cell(row["cold_s"]), cell(row["warm_s"]), row["path"])
    console = Console()
    console.print(table)
    for row in report["pages"]:
        for error in row.get("errors", []):
            console.print(f"[red]{row['page']}[/red]: {error}")
