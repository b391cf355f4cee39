"""`kg restore`: load an export (``kg export --format nquads|trig``) into an empty store.

The way back from a backup, and the way to move a graph to a new directory, a new machine or a
shared server. It uses the store's bulk loader (pieces on every core, then a compaction), so a
100k-paper graph comes back in seconds. Into a directory, the load goes to a temporary sibling
that takes the directory's name only once it is complete: a bad line or a kill leaves the
target as it was. An endpoint gets the file through the Graph Store Protocol (or, on a server
without it, in chunks of SPARQL updates).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from kg.store import Store, StoreError, store_url
from kg.vocab import SURVEY_DB

FORMATS = {
    ".nq": ox.RdfFormat.N_QUADS, ".nquads": ox.RdfFormat.N_QUADS, ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE,
}
FORMAT_NAMES = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
                "turtle": ox.RdfFormat.TURTLE}


def rdf_format(source: Path, name: str | None) -> ox.RdfFormat:
    if name is not None:
        return FORMAT_NAMES[name]
    fmt = FORMATS.get(source.suffix.lower())
    if fmt is None:
        raise StoreError(f"cannot tell the format of {source} from its extension; pass --format "
                         f"({', '.join(FORMAT_NAMES)})")
    return fmt


def restore(location: str | Path, source: Path, fmt_name: str | None = None, graph: str | None = None) -> int:
    """Load ``source`` into the empty store at ``location``; the number of quads it then holds."""
    fmt = rdf_format(source, fmt_name)
    if not fmt.supports_datasets and graph is None:
        raise StoreError(f"{source} holds triples, and the store keeps every triple in a named graph; "
                         f"pass --graph IRI (for example {SURVEY_DB})")
    if store_url(location) is not None:
        store = Store.open(location)
        _refuse_if_not_empty(store)
        store.bulk_load(source, fmt, graph)
        return sum(store.graph_sizes().values())
    target = Path(location).expanduser()
    if target.exists() and any(target.iterdir()):
        _refuse_if_not_empty(Store(target, read_only=True))
    staging = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        store = Store(staging)
        store.bulk_load(source, fmt, graph, trusted=False)
        count = store.quad_count()
        del store  # close it (and release its lock) before it moves
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if target.exists():
        shutil.rmtree(target)  # an empty store: nothing is lost
    staging.rename(target)
    return count


def _refuse_if_not_empty(store: Store) -> None:
    if not store.is_empty():
        raise StoreError(f"the store at {store.location} already holds a graph; restore into a new --store "
                         "location (or delete that one first), so that nothing is merged or lost")
