"""`kg bench --app`: every page of the app timed in a real browser (Debian's chromium through
chromedriver) on the survey store. The figures are read, not asserted: the test proves the
table lists every page with a number, and that the tour keeps up with the app's navigation."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.bench_app import app_pages
from kg.browser import CHROMEDRIVER, CHROMIUM
from kg.cli.main import main


def _navigation_paths() -> set[str]:
    """The url_path of every visible st.Page of kg/ui/app.py (read from its source: outside a
    Streamlit run an st.Page keeps none of its arguments)."""
    # The file, not the module: importing kg.ui.app here makes its pages outside a run, and the
    # AppTest tests of the same process then meet those broken pages.
    tree = ast.parse((Path(__file__).resolve().parents[1] / "kg" / "ui" / "app.py").read_text(encoding="utf-8"))
    paths = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Page":
            kw = {k.arg: k.value.value for k in node.keywords if isinstance(k.value, ast.Constant)}
            if kw.get("visibility") != "hidden":  # /overview, the hidden alias of the home page
                paths.add(kw["url_path"])
    return paths


def test_the_tour_opens_every_page_of_the_navigation() -> None:
    shown = _navigation_paths()
    assert {"home", "results", "paper", "gaps"} <= shown
    toured = {visit.path.split("?", 1)[0] for visit in app_pages("arxiv/x", "someone")}
    assert {"home" if p == "" else p for p in toured} >= shown, f"pages the tour misses: {shown - toured}"


@pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                    reason="needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver")
def test_bench_app_times_every_page_on_the_survey_store(build_report, store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "pages.json"
    result = CliRunner().invoke(main, ["--store", str(store_dir), "bench", "--app", "--json", str(out),
                                       "--workdir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    names = [row["page"] for row in report["pages"]]
    assert names == [v.name for v in app_pages("arxiv/x", "someone")]
    for row in report["pages"]:
        assert "errors" not in row, row
        assert isinstance(row["cold_s"], float) and row["cold_s"] > 0, row
        assert isinstance(row["warm_s"], float) and row["warm_s"] > 0, row
        assert row["page"] in result.output
    # the detail pages opened on real resources: MedSAM's paper and one of its authors
    paths = {row["page"]: row["path"] for row in report["pages"]}
    assert paths["Paper page"] == "/paper?paper=arxiv/2304.12306"
    assert paths["Author page"].startswith("/author?author=") and paths["Author page"] != "/author?author="
