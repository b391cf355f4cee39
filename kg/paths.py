"""The places of a store's companions: the curation file, the digests and the update lock.
The CLI and the app both call these functions, so they always agree.

- A store directory ``/data/store``: ``/data/curation.toml``, ``/data/digests/`` and
  ``/data/store.update.lock`` (named after the store, so two stores in one folder never
  share a lock).
- A SPARQL endpoint: digests and the lock in a per-endpoint folder under the user's data
  and cache folders; the curation file only where ``$MSKG_CURATION_FILE`` says (a team
  shares one file, under version control, and must name it).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kg.store import store_url

CURATION_ENV = "MSKG_CURATION_FILE"
DIGEST_ENV = "MSKG_DIGEST_DIR"


def _endpoint_key(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]


def _user_dir(env: str, fallback: str) -> Path:
    return Path(os.environ.get(env) or Path.home() / fallback) / "medseg-kg"


def _store_dir(location: str | Path) -> Path:
    return Path(location).expanduser().resolve()


def curation_file(location: str | Path | None) -> Path | None:
    """``$MSKG_CURATION_FILE``, else ``curation.toml`` beside a store directory; None for a
    SPARQL endpoint without the variable, or for an in-memory store."""
    if os.environ.get(CURATION_ENV):
        return Path(os.environ[CURATION_ENV]).expanduser()
    if location is None or store_url(location) is not None:
        return None
    return _store_dir(location).parent / "curation.toml"


RESULTS_ENV = "MSKG_RESULTS_FILE"


def results_table_file(location: str | Path | None) -> Path | None:
    """The maintainer's results table (new models' Dice results, in the survey database's
    shape): ``$MSKG_RESULTS_FILE``, else ``results.csv`` beside a store directory; None for a
    SPARQL endpoint without the variable."""
    if os.environ.get(RESULTS_ENV):
        return Path(os.environ[RESULTS_ENV]).expanduser()
    if location is None or store_url(location) is not None:
        return None
    return _store_dir(location).parent / "results.csv"


def digest_dir(location: str | Path) -> Path:
    """``$MSKG_DIGEST_DIR``, else ``digests/`` beside a store directory, else a per-endpoint
    folder in the user's data folder."""
    if os.environ.get(DIGEST_ENV):
        return Path(os.environ[DIGEST_ENV]).expanduser()
    url = store_url(location)
    if url is not None:
        return _user_dir("XDG_DATA_HOME", ".local/share") / f"endpoint-{_endpoint_key(url)}" / "digests"
    return _store_dir(location).parent / "digests"


def lock_file(location: str | Path) -> Path:
    """The update lock of one store: named after the store directory, or per endpoint."""
    url = store_url(location)
    if url is not None:
        return _user_dir("XDG_CACHE_HOME", ".cache") / f"update-{_endpoint_key(url)}.lock"
    store = _store_dir(location)
    return store.parent / f"{store.name}.update.lock"
