"""A maintainer's review in a real browser: `streamlit run app.py` on 127.0.0.1 with a
secrets file holding a maintainer token (no MSKG_MAINTAINER), headless chromium through
W3C WebDriver. The maintainer signs in with the token in the password field, ticks one of
the abstract's Dice claims in the pre-filled form and accepts the paper as a model; the
curation file and the results table then hold what `kg review accept --model` writes."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

import pytest
from apptest import REVIEW_PAPER, build_review_store
from test_app_browser import ROOT

from kg.browser import CHROMEDRIVER, CHROMIUM, StreamlitApp, WebDriver

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver; install with: apt-get install -y chromium chromium-driver",
)
TOKEN = "a-long-maintainer-token-0123456789"


@pytest.fixture(scope="module")
def review_app(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("review-browser")
    store = build_review_store(tmp / "store")
    (tmp / ".streamlit").mkdir()  # streamlit reads .streamlit/secrets.toml from its working directory
    (tmp / ".streamlit" / "secrets.toml").write_text(f'[maintainer_tokens]\n"Ada Lovelace" = "{TOKEN}"\n')
    env = {"MSKG_DIGEST_DIR": str(tmp / "digests"), "MSKG_CURATION_FILE": str(tmp / "curation.toml"),
           "MSKG_RESULTS_FILE": str(tmp / "results.csv"), "PYTHONPATH": str(ROOT), "MSKG_MAINTAINER": None}
    with (tmp / "streamlit.log").open("w") as log, \
            StreamlitApp(str(store), log, env=env, script=ROOT / "app.py", cwd=tmp) as app:
        yield app.url, tmp


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    driver = WebDriver(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def click_button(browser: WebDriver, label: str) -> None:
    """Click the (form) button whose text is ``label``, once it is on the page."""
    found = browser.wait_for(f"""
        const b = Array.from(document.querySelectorAll('button')).find(b => b.innerText.trim() === {json.dumps(label)});
        if (b) {{ b.click(); return true; }}
        return false;""")
    assert found


def test_accept_as_a_model_through_the_form(review_app, browser: WebDriver, tmp_path: Path) -> None:
    url, tmp = review_app
    browser.get(url + "whats-new")
    browser.wait_for_text("Maintainer sign-in", timeout=40)
    browser.wait_for_text("Not signed in")
    browser.wait_for_text("Model name")  # the form is shown before sign-in, to be refused (it draws in pieces)
    browser.type_into("input[type='password']", TOKEN)
    click_button(browser, "Sign in with the token")
    browser.wait_for_text("Signed in as Ada Lovelace (token)")
    browser.wait_for_text("Results proposed from the abstract")
    assert browser.js("return document.querySelector('input[aria-label=\"Model name\"]').value") == "MedSAM3"
    box = browser.cmd("POST", "/element", {"using": "xpath", "value": "//label[contains(., 'on AMOS')]"})
    browser.cmd("POST", f"/element/{next(iter(box.values()))}/click", {})  # a real click (react-aria ignores JS ones)
    assert browser.wait_for("return document.querySelector('input[aria-label=\"Claim 2: Dice 91.2% on AMOS\"]')"
                            ".checked")
    click_button(browser, "Accept as a model")
    browser.wait_for_text("Written to")
    body = browser.wait_for_text('model = "MedSAM3"')  # the code block of what was written draws after
    browser.screenshot(tmp_path / "accepted.png")
    assert "AMOS: Dice 91.2" in body and 'by = "Ada Lovelace"' in body
    [decision] = tomllib.loads((tmp / "curation.toml").read_text())["decision"]
    assert (decision["paper"], decision["status"], decision["model"], decision["based_on"], decision["by"]) == (
        REVIEW_PAPER, "accepted", "MedSAM3", "MedSAM2", "Ada Lovelace")
    with (tmp / "results.csv").open(newline="") as fh:
        assert [(r["ID"], r["Dataset"], r["Dice"]) for r in csv.DictReader(fh)] == [("MedSAM3", "AMOS", "91.2")]
