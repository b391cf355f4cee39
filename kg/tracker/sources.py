"""The live sources of a run share one HTTP policy: the on-disk cache, per-host rate
limits, the wait budget, the failure report, and the secrets that must never be printed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingest.arxiv import arxiv_api_url
from ingest.http import HttpPolicy, build_policy
from ingest.semantic_scholar import s2_api_url
from kg.tracker.config import LIST_URL_ENV

MIN_INTERVAL_ENV = "MSKG_HTTP_MIN_INTERVAL"  # seconds between requests to each source host (default: each source's own)


def default_cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "medseg-kg" / "http"


def make_policy(*, cache: bool = True, record_dir: Path | None = None, replay_dir: Path | None = None,
                **overrides: Any) -> HttpPolicy:
    """The run's one HTTP policy. The Semantic Scholar key is registered as a secret so it
    never reaches logs or reports."""
    secrets = [k for k in (os.environ.get("S2_API_KEY"),) if k]
    interval = os.environ.get(MIN_INTERVAL_ENV)
    if interval and "rate_limits" not in overrides:
        # Tests and local mirrors: one politeness interval for every configured source host.
        urls = [arxiv_api_url(), s2_api_url(), os.environ.get(LIST_URL_ENV) or ""]
        overrides["rate_limits"] = {urlsplit(u).netloc.lower(): float(interval) for u in urls if u}
    return build_policy(default_cache_dir() if cache and not replay_dir else None,
                        record_dir=record_dir, replay_dir=replay_dir, secrets=secrets, **overrides)
