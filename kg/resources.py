"""Where the files the package reads at run time live: ``ontology.ttl`` and ``shapes.ttl``
(kept at the repository's top level, where users look for them, and copied into the wheel
as ``kg/ontology.ttl`` and ``kg/shapes.ttl``), and the bundled tables in ``kg/data``."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"


def _shipped(name: str) -> Path:
    """``kg/<name>`` in an installed wheel, else ``<checkout>/<name>`` (a checkout or an
    editable install, where the file stays at the top level)."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_file() else PACKAGE_DIR.parent / name


ONTOLOGY_FILE = _shipped("ontology.ttl")
SHAPES_FILE = _shipped("shapes.ttl")
