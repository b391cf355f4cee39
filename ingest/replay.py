"""Record and replay: raw responses kept as JSON files, served back with no network.

A run with ``record_dir`` set stores every successful response; a run with
``replay_dir`` set answers every request from those files and never opens a socket,
so a bug seen against the live APIs can be replayed offline, and tests can run the
real client libraries on real answers. A recording is keyed by method + URL + body
hash, because that is what makes two requests the same question.

Recordings are written to disk and may be shared, so they hold only redacted URLs and
request bodies, and only the response headers a replay needs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import requests
from requests.structures import CaseInsensitiveDict

from ingest.errors import ReplayMiss
from ingest.http_pacing import netloc

# Headers a replayed response needs to be read as the original was; the rest
# (cookies, server details) only add noise and risk. Not Content-Encoding: the body
# is stored decoded, and the header would make a reader try to decompress it.
_KEPT_HEADERS = {"content-type", "retry-after", "date"}


def recording_key(method: str, url: str, body: bytes) -> str:
    """A short stable hash of the request: the same question always finds the same file."""
    digest = hashlib.sha256(method.encode() + b" " + url.encode() + b"\n" + body)
    return digest.hexdigest()[:32]


def recording_path(root: Path, method: str, url: str, body: bytes) -> Path:
    """Where the recording of a request lives; method and host in the name help a reader."""
    host = netloc(url).replace(":", "_") or "local"
    return Path(root) / f"{method.lower()}-{host}-{recording_key(method, url, body)}.json"


def save_recording(
    root: Path,
    method: str,
    url: str,
    body: bytes,
    response: requests.Response,
    *,
    redact: Callable[[str | None], str],
    redact_url: Callable[[str], str],
) -> None:
    """Store ``response`` as the answer to ``method url body``, secrets removed."""
    path = recording_path(root, method, url, body)
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {
        "method": method,
        "url": redact_url(url),
        "request_body": redact(body.decode("utf-8", "replace")) or None,
        "status": response.status_code,
        "headers": {k: v for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS},
        "body": response.content.decode("utf-8", "replace"),
    }
    path.write_text(json.dumps(entry, indent=1, ensure_ascii=False), encoding="utf-8")


def load_recording(root: Path, method: str, url: str, body: bytes, shown: str) -> requests.Response:
    """The recorded answer to ``method url body`` as a ``requests.Response``.

    ``shown`` is the redacted URL for the error message; :class:`ReplayMiss` says how
    to make the missing recording.
    """
    path = recording_path(root, method, url, body)
    if not path.is_file():
        raise ReplayMiss(
            f"no recording of {method} {shown} in {root} (expected "
            f"{path.name}); record it once with record_dir set, or run online",
            url=shown,
        )
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ReplayMiss(
            f"recording {path} is unreadable ({err}); delete it and record again", url=shown
        ) from None
    response = requests.Response()
    response.status_code = int(entry["status"])
    response.headers = CaseInsensitiveDict(entry.get("headers") or {})
    response._content = entry.get("body", "").encode("utf-8")
    response.encoding = "utf-8"
    response.url = url
    response.reason = "replayed"
    return response
