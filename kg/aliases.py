"""The curated alias tables (``kg/data/aliases.toml``) and their one loader.

Entity resolution (:mod:`kg.resolve`) and the free-text linker
(:mod:`kg.tracker.linking`) both need hand-written aliases; they read them
here, from one file, so a name learnt for one is never missing from the other's
file and a maintainer edits aliases in one place.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from kg.resources import DATA_DIR

ALIASES_FILE = DATA_DIR / "aliases.toml"

__all__ = ["ALIASES_FILE", "GazetteerAliases", "gazetteer_aliases", "load_aliases"]

# (datasets, models, modalities), each target -> aliases
GazetteerAliases = tuple[dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]


def load_aliases(path: Path = ALIASES_FILE) -> dict[str, Any]:
    """The whole alias file: ``model_aliases``, ``result_model_aliases`` and ``backbone_aliases``
    (name -> survey-database ID, for resolution) and ``gazetteer`` (target -> aliases, for linking)."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: not valid TOML ({exc}); fix the alias file") from exc


@cache
def _bundled() -> dict[str, Any]:
    return load_aliases()


def gazetteer_aliases(path: Path | None = None) -> GazetteerAliases:
    """The linker's tables; the bundled file is read once per process (the linker is built per run)."""
    tables = (load_aliases(path) if path else _bundled()).get("gazetteer", {})
    # copies, so a caller that extends a list never changes what the next caller reads
    return tuple(  # type: ignore[return-value]
        {target: list(aliases) for target, aliases in tables.get(kind, {}).items()}
        for kind in ("datasets", "models", "modalities")
    )
