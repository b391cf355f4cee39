"""A headless Chromium driven through chromedriver's W3C WebDriver HTTP API, and a
`streamlit run` of the app on a store: what `kg bench --app` and the browser tests share.

Plain urllib, no Selenium or Playwright: the protocol is a handful of JSON requests, and a
download-free client runs wherever Debian's ``chromium`` and ``chromium-driver`` are installed.
``chromium --dump-dom`` alone cannot be used: Streamlit draws the page from a websocket after
load, and --virtual-time-budget does not wait for it (the DOM is the skeleton).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_HINT = "install Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver"
# The status widget ("Running...") is on the page while a Streamlit run is going on.
STATUS_WIDGET = "return !!document.querySelector('[data-testid=\"stStatusWidget\"]')"
BODY_TEXT = "return document.body ? document.body.innerText : ''"


class BrowserError(RuntimeError):
    """The browser, its driver or the app did not do what was asked (the message says what)."""


def find_browser() -> tuple[Path, Path]:
    """Chromium and chromedriver: the Debian paths, else the first on $PATH; BrowserError naming
    the fix when either is missing."""
    found = []
    for path, names in ((CHROMIUM, ("chromium", "chromium-browser")), (CHROMEDRIVER, ("chromedriver",))):
        located = path if path.exists() else next((Path(p) for n in names if (p := shutil.which(n))), None)
        if located is None:
            raise BrowserError(f"no {path.name} found (looked at {path} and $PATH): {INSTALL_HINT}")
        found.append(located)
    return found[0], found[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float) -> None:
    """Return once ``url`` answers 200; BrowserError after ``timeout`` seconds."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise BrowserError(f"{url} did not answer within {timeout} s")


class WebDriver:
    """The few W3C WebDriver commands the app's tests and its page benchmark need."""

    def __init__(self, profile: Path, *, width: int = 1500, height: int = 1300) -> None:
        chromium, chromedriver = find_browser()
        self.port = free_port()
        self.proc = subprocess.Popen([str(chromedriver), f"--port={self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        try:
            wait_http(self.base + "/status", 20)
            args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={profile}", f"--window-size={width},{height}", "--hide-scrollbars"]
            caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                     "goog:chromeOptions": {"binary": str(chromium), "args": args}}}}
            self.session = self._call("POST", "/session", caps)["sessionId"]
        except BaseException:
            self._stop_driver()
            raise
        # Streamlit draws a page in pieces (the sidebar's widgets may mount after the main
        # text a test waits for): finding an element waits for it, as a user's eye would.
        self.cmd("POST", "/timeouts", {"implicit": 10_000})

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                return json.loads(resp.read())["value"]
        except urllib.error.HTTPError as exc:  # WebDriver says why in the body
            raise BrowserError(f"WebDriver {method} {path}: {exc.code} {exc.read()[:600]!r}") from None

    def cmd(self, method: str, path: str, body: dict | None = None) -> Any:
        return self._call(method, f"/session/{self.session}{path}", body)

    def get(self, url: str) -> None:
        self.cmd("POST", "/url", {"url": url})

    def js(self, script: str) -> Any:
        return self.cmd("POST", "/execute/sync", {"script": script, "args": []})

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.cmd("GET", "/screenshot")))

    def run_is_over(self, text: str) -> str | None:
        """The page's text when ``text`` is on it and Streamlit's run is over, else None."""
        body = self.js(BODY_TEXT) or ""
        return body if text in body and not self.js(STATUS_WIDGET) else None

    def wait_for_text(self, text: str, timeout: float = 20) -> str:
        end = time.time() + timeout
        while time.time() < end:
            body = self.run_is_over(text)
            if body is not None:
                return body
            time.sleep(0.25)
        shown = self.js(BODY_TEXT) or ""
        raise BrowserError(f"'{text}' did not appear within {timeout} s; the page shows:\n{shown[:2000]}")

    def type_into(self, css: str, text: str) -> None:
        """Type ``text`` into the element ``css`` as a user would (``\\ue007`` is Enter)."""
        element = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        ref = next(iter(element.values()))
        self.cmd("POST", f"/element/{ref}/value", {"text": text})

    def wait_for(self, script: str, timeout: float = 20) -> Any:
        """Poll ``script`` until it returns something truthy; that value."""
        end = time.time() + timeout
        while time.time() < end:
            value = self.js(script)
            if value:
                return value
            time.sleep(0.25)
        raise BrowserError(f"no answer within {timeout} s from: {script[:200]}")

    def _stop_driver(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)

    def quit(self) -> None:
        try:
            self._call("DELETE", f"/session/{self.session}")
        finally:
            self._stop_driver()


class StreamlitApp:
    """`streamlit run` of the app on ``store`` (127.0.0.1, a free port, headless, no usage
    statistics), its output in ``log``; ``env`` adds to the environment (a None value removes
    the variable). A context manager: the server stops when the block ends."""

    def __init__(self, store: str, log: IO[str], *, env: dict[str, str | None] | None = None,
                 script: Path | None = None, cwd: Path | None = None) -> None:
        from importlib.util import find_spec

        spec = find_spec("kg.ui.app")  # its path, without importing Streamlit into this process
        self.script = script or Path(spec.origin if spec is not None and spec.origin else "app.py")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        merged = {**os.environ, "MSKG_STORE": store, **(env or {})}
        self._env = {k: v for k, v in merged.items() if v is not None}
        self._log, self._cwd = log, cwd
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> StreamlitApp:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(self.script), "--server.headless", "true",
             "--server.port", str(self.port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=self._cwd, env=self._env, stdout=self._log, stderr=subprocess.STDOUT)
        try:
            wait_http(f"{self.url}_stcore/health", 60)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
