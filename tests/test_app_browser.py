"""The app in a real browser: Debian's chromium, headless, driven through chromedriver's
W3C WebDriver HTTP API (plain urllib: no Selenium/Playwright download), against
`streamlit run app.py` started here on 127.0.0.1.

`chromium --dump-dom` alone cannot be used: Streamlit draws the page from a websocket after
load, and --virtual-time-budget does not wait for it (the DOM is the skeleton)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver); "
           "install with: apt-get install -y chromium chromium-driver",
)

# page path, a text that proves it drew, texts that must appear
PAGES = [
    ("", "Freshness", ["Models", "Dice results", "Last run ended"]),
    ("models", "Filter models", ["83 of 83 models"]),
    ("results", "Dice table", ["Bold"]),
    ("datasets?dataset=btcv", "One dataset", ["BTCV", "Beyond The Cranial Vault"]),
    ("graphs?base=SAM%202", "nodes,", ["Models built on SAM 2"]),
    ("model?model=medsam2", "Lineage", ["MedSAM2", "SAM 2", "SAM"]),
    ("paper?paper=arxiv/2304.12306", "Citations", ["Segment Anything in Medical Images", "MedSAM"]),
    ("sparql?q=lineage-of-medsam2", "Run query", ["SPARQL console"]),
    ("whats-new", "Candidates", ["No update run yet"]),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, timeout: float) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


class WebDriver:
    """The few W3C WebDriver commands the test needs."""

    def __init__(self, profile: Path) -> None:
        self.port = _free_port()
        self.proc = subprocess.Popen([str(CHROMEDRIVER), f"--port={self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        _wait_http(self.base + "/status", 20)
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile}", "--window-size=1500,1300", "--hide-scrollbars"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                 "goog:chromeOptions": {"binary": str(CHROMIUM), "args": args}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read())["value"]

    def cmd(self, method: str, path: str, body: dict | None = None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def get(self, url: str) -> None:
        self.cmd("POST", "/url", {"url": url})

    def js(self, script: str):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": []})

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.cmd("GET", "/screenshot")))

    def wait_for_text(self, text: str, timeout: float = 20) -> str:
        end = time.time() + timeout
        body = ""
        while time.time() < end:
            body = self.js("return document.body ? document.body.innerText : ''") or ""
            if text in body and not self.js("return !!document.querySelector('[data-testid=\"stStatusWidget\"]')"):
                return body
            time.sleep(0.25)
        raise AssertionError(f"'{text}' did not appear within {timeout} s; the page shows:\n{body[:2000]}")

    def quit(self) -> None:
        try:
            self._call("DELETE", f"/session/{self.session}")
        finally:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture(scope="module")
def app_url(build_report, store_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    port = _free_port()
    tmp = tmp_path_factory.mktemp("browser-app")
    env = {**os.environ, "MSKG_STORE": str(store_dir), "MSKG_DIGEST_DIR": str(tmp / "digests"),
           "MSKG_CURATION_FILE": str(tmp / "curation.toml")}
    env.pop("MSKG_MAINTAINER", None)
    log = (tmp / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_http(f"http://127.0.0.1:{port}/_stcore/health", 30)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    driver = WebDriver(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def test_every_page_in_a_real_browser(app_url: str, browser: WebDriver, tmp_path_factory) -> None:
    shots = tmp_path_factory.mktemp("screenshots")
    started = time.time()
    for path, ready, expected in PAGES:
        browser.get(app_url + path)
        body = browser.wait_for_text(ready)
        time.sleep(0.5)
        body = browser.js("return document.body.innerText")
        for text in expected:
            assert text in body, f"/{path}: '{text}' missing"
        assert not browser.js("return document.querySelectorAll('[data-testid=\"stException\"]').length"), \
            f"/{path} shows an exception:\n{body[:2000]}"
        assert "Traceback" not in body
        browser.screenshot(shots / f"{path.split('?')[0] or 'overview'}.png")
    assert time.time() - started < 60


def test_lineage_iframe_draws_with_inline_vis_network(app_url: str, browser: WebDriver) -> None:
    browser.get(app_url + "graphs?base=SAM")
    browser.wait_for_text("Models built on SAM")
    end = time.time() + 15
    state = {}
    while time.time() < end:
        state = browser.js("""
            const f = document.querySelector('iframe');
            if (!f) { return {}; }
            const doc = f.contentDocument;
            const scripts = doc ? Array.from(doc.querySelectorAll('script[src]')).map(s => s.src) : [];
            return {srcdoc: f.srcdoc || '', canvas: !!(doc && doc.querySelector('canvas')), scripts: scripts,
                    vis: !!(f.contentWindow && f.contentWindow.vis && f.contentWindow.vis.Network)};
        """)
        if state.get("canvas") and state.get("vis"):
            break
        time.sleep(0.3)
    assert state.get("srcdoc") and "vis-network" in state["srcdoc"].lower()
    assert state["vis"] and state["canvas"], "vis-network did not draw (offline: it must be inline)"
    assert state["scripts"] == [], f"external scripts: {state['scripts']}"
    assert "MedSAM2" in state["srcdoc"] and "SAM 2" in state["srcdoc"]
