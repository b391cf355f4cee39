"""Secrets never printed (issue #14, item 4): one helper masks credentials in every URL we show,
and the CLI uses it for a store URL with user:password@ -- in the build summary, in connection
errors and in the server's 401 -- against a real SPARQL endpoint on 127.0.0.1."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ingest.redact import redact_text, redact_url

KG = [sys.executable, "-m", "kg.cli"]
SECRET = "s3cr3t-pw"


@pytest.mark.parametrize("url,shown", [
    ("http://user:pw@host:7878/query", "http://user:***@host:7878/query"),
    ("https://tok@host/x", "https://***@host/x"),
    ("https://h/x?q=1&api_key=abc&token=t", "https://h/x?q=1&api_key=***&token=***"),
    ("https://h/x?API_KEY=abc", "https://h/x?API_KEY=***"),
    ("https://h/x?password=p&fields=a,b", "https://h/x?password=***&fields=a,b"),
    ("https://h/x?q=plain", "https://h/x?q=plain"),
    ("", ""),
])
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize("password", ["pa#ss", "pa/ss", "pa?ss", "pa[ss", "p]a[s", "12#34", "a@b#c", "@/x", "x:/y#z"])
def test_a_password_the_user_did_not_percent_encode_is_masked(password: str) -> None:
    """'#', '/', '?' or '[' end the authority for the standard parser, which then saw no
    user:password@ at all (and '[' made the fallback recurse until RecursionError)."""
    url = f"http://reader:{password}@127.0.0.1:8890/sparql"
    shown = "http://reader:***@127.0.0.1:8890/sparql"
    assert redact_url(url) == shown
    assert redact_text(f"cannot reach {url}: refused") == f"cannot reach {shown}: refused"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_passwords_are_never_shown(seed: int) -> None:
    """Passwords of any character a shell passes in one word, unencoded, in a URL and in text."""
    import random
    import string

    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "!$&()*+,;=-._~%#/?@:[]"
    for _ in range(2000):
        secret = rng.choice(string.ascii_letters) + "".join(rng.choice(alphabet) for _ in range(rng.randint(5, 13)))
        url = f"http{rng.choice(['', 's'])}://reader:{secret}@db.example.org:{rng.randint(1, 65535)}/sparql"
        assert secret not in redact_url(url), url
        assert secret not in redact_text(f"error: {url} (refused)"), url


def test_a_url_without_credentials_keeps_its_host() -> None:
    for url in ("https://api.semanticscholar.org/graph/v1/paper/search?query=a@b.org&fields=title",
                "http://h/x#frag", "http://host:7878/query?x=1"):
        assert redact_url(url) == url


def test_redact_text_finds_urls_and_stray_keys_and_known_secrets() -> None:
    text = ("cannot reach http://u:pw1@h:1/sparql (HTTPConnectionPool(host='h', port=1): Max retries exceeded "
            "with url: /x?api_key=k3y&a=1) header x-api-key: S2KEY")
    shown = redact_text(text, ["S2KEY"])
    assert "pw1" not in shown and "k3y" not in shown and "S2KEY" not in shown
    assert "http://u:***@h:1/sparql" in shown and "api_key=***&a=1" in shown


class _Endpoint:
    """A SPARQL 1.1 endpoint that answers every query with no rows and takes (or, with
    ``refuse_updates``, refuses with 401) every update; it remembers what it was sent."""

    def __init__(self, refuse_updates: bool) -> None:
        self.seen: list[tuple[str, str]] = []
        endpoint = self

        class _H(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server protocol
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace")
                endpoint.seen.append((self.path, self.headers.get("Authorization", "")))
                if self.path.endswith("/update"):
                    self._answer(401 if refuse_updates else 204, b"")
                elif "ASK" in body.upper():
                    self._answer(200, b'{"head":{},"boolean":true}')
                else:
                    self._answer(200, b'{"head":{"vars":[]},"results":{"bindings":[]}}')

            def _answer(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Server", "Oxigraph/0.5.13")
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://admin:{SECRET}@127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture(params=[False, True], ids=["accepts", "refuses-401"])
def endpoint(request: pytest.FixtureRequest) -> Iterator[_Endpoint]:
    e = _Endpoint(refuse_updates=request.param)
    yield e
    e.server.shutdown()
    e.server.server_close()


def kg(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "MSKG_CURATION_FILE": str(tmp_path / "curation.toml"), "COLUMNS": "300"}
    env.pop("MSKG_STORE", None)
    return subprocess.run([*KG, *args], capture_output=True, text=True, env=env, timeout=300)


def test_the_build_never_prints_the_store_password(endpoint: _Endpoint, tmp_path: Path) -> None:
    proc = kg("--store", endpoint.url + "/", "build", tmp_path=tmp_path)
    said = proc.stdout + proc.stderr
    assert SECRET not in said and "admin:***@127.0.0.1" in said, said
    assert any(auth.startswith("Basic ") for _, auth in endpoint.seen)  # the password was used, not shown
    if proc.returncode == 0:
        assert "built" in proc.stderr
    else:
        assert "HTTP 401" in said and "Traceback" not in said


def test_a_connection_error_never_prints_the_store_password(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for command in (["stats"], ["build"], ["query", "ASK {}"]):
        proc = kg("--store", f"http://admin:{SECRET}@127.0.0.1:{port}/", *command, tmp_path=tmp_path)
        assert proc.returncode != 0 and "Traceback" not in proc.stderr
        assert SECRET not in proc.stdout + proc.stderr and "admin:***@" in proc.stderr, proc.stderr


@pytest.mark.parametrize("secret", ["se#cret", "se/cret", "se?cret", "se[cret"])
def test_a_password_that_is_not_percent_encoded_is_never_printed(tmp_path: Path, secret: str) -> None:
    """requests reads 'admin:se' as host and port and raised InvalidURL, a traceback that
    printed the password's first part; and the redactor did not see the password at all."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = kg("--store", f"http://admin:{secret}@127.0.0.1:{port}/sparql", "stats", tmp_path=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "cret" not in proc.stdout + proc.stderr and "admin:***@127.0.0.1" in proc.stderr, proc.stderr


def test_query_results_keep_their_values(tmp_path: Path) -> None:
    """Redaction is for what we print about locations and errors, never for data."""
    store = tmp_path / "store"
    assert kg("--store", str(store), "build", tmp_path=tmp_path).returncode == 0
    proc = kg("--store", str(store), "query", "-f", "json",
              'SELECT ?u WHERE { BIND("http://a:b@c/?token=t" AS ?u) }', tmp_path=tmp_path)
    assert json.loads(proc.stdout) == [{"u": "http://a:b@c/?token=t"}]
