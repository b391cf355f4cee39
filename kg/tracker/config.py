"""The discovery configuration of the weekly update (``kg/data/discovery.toml``, or the
user's own): the arXiv searches, the anchor papers whose citing papers are followed (the
one home of the anchor list: `kg enrich` reads it too), the window and the upstream list."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.resources import DATA_DIR

BUNDLED_CONFIG = DATA_DIR / "discovery.toml"
CONFIG_ENV = "MSKG_DISCOVERY_CONFIG"
LIST_URL_ENV = "MSKG_SURVEY_LIST_URL"
DEFAULT_LIST_URL = "https://raw.githubusercontent.com/Hal9000-lab/GMMIS-survey/main/README.md"


@dataclass
class DiscoveryConfig:
    queries: list[tuple[str, str]]
    anchors: dict[str, str]
    overlap_days: int = 7
    first_run_days: int = 30
    max_results_per_query: int = 300
    list_enabled: bool = True
    list_url: str = DEFAULT_LIST_URL
    path: Path = BUNDLED_CONFIG

    @classmethod
    def load(cls, path: Path | str | None = None) -> DiscoveryConfig:
        """The discovery config (``path``, ``$MSKG_DISCOVERY_CONFIG`` or the bundled one);
        errors name the file and what to fix."""
        path = Path(path or os.environ.get(CONFIG_ENV) or BUNDLED_CONFIG)
        data = _read_toml(path)
        queries = []
        for i, q in enumerate(data.get("arxiv", {}).get("query", []), 1):
            if not isinstance(q, dict) or not str(q.get("query", "")).strip():
                raise ValueError(f"{path}: [[arxiv.query]] number {i} has no 'query'; give name = ... and query = ...")
            queries.append((str(q.get("name") or q["query"]), str(q["query"])))
        window = data.get("window", {})
        lst = data.get("survey_list", {})
        try:
            return cls(
                queries=queries,
                anchors={str(k): str(v) for k, v in data.get("semantic_scholar", {}).get("anchors", {}).items()},
                overlap_days=int(window.get("overlap_days", 7)),
                first_run_days=int(window.get("first_run_days", 30)),
                max_results_per_query=int(data.get("arxiv", {}).get("max_results_per_query", 300)),
                list_enabled=bool(lst.get("enabled", True)),
                list_url=os.environ.get(LIST_URL_ENV) or str(lst.get("url") or DEFAULT_LIST_URL),
                path=path,
            )
        except (TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"{path}: a setting has the wrong type ({exc}); compare with {BUNDLED_CONFIG}") from exc


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the discovery config ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML ({exc}); fix the discovery config") from exc


def default_anchors() -> dict[str, str]:
    """The anchor papers (name -> arXiv id) of the discovery config in force."""
    return DiscoveryConfig.load().anchors
