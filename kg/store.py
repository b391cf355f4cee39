"""The embedded store: the graph in Oxigraph (``pyoxigraph``), on disk or in memory, and
where a store is (``$MSKG_STORE``, the default directory, or an endpoint URL).

Oxigraph on disk, because it is embedded, persistent, keeps named graphs natively and answers
the saved questions in milliseconds where rdflib's in-memory store takes seconds at scale (see
docs/ and ``kg bench``). rdflib stays the library of the mapping layer, SHACL validation and
some exports; :meth:`Store.to_rdflib` hands them a copy.

Pitfalls this module exists to contain: Oxigraph's union of named graphs is not
de-duplicated, so the store keeps their merge in its default graph and queries read that
(:mod:`kg.store_merge`; a store written before is merged when next opened for writing),
results come back as typed literals (converted to Python values, see :mod:`kg.store_base`),
only one process may open a store directory for writing, a reader may meet that writer
replacing files (it opens again, see :mod:`kg.store_disk`), a read-only handle keeps the graph
it opened on (:func:`store_version` says when to open again), and a full disk must end in a
message, not a traceback (every write here turns the engine's error into a :class:`StoreError`).

A location is a directory (the embedded default), ``None`` for an in-memory store (tests), or
an ``http(s)://`` SPARQL 1.1 endpoint, for which :meth:`Store.open` gives a
:class:`kg.remote_store.RemoteStore` with the same methods and the same Python values.
"""

from __future__ import annotations

import os
import re
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.queries import internal
from kg.remote_store import RemoteStore
from kg.store_base import (
    STORE_ENV,
    GraphStore,
    QueryResult,
    StoreError,
    ox_to_rdflib,
    query_result,
    redact,
    replace_graphs_update,
    to_python,
)
from kg.store_load import PIECE_BYTES, load_line_pieces
from kg.store_merge import merged_update, remerge_update, touched_graphs
from kg.store_disk import (
    READ_RETRY_DELAYS_S,
    being_rewritten,
    disk_fingerprint,
    open_for_writing,
    open_read_only,
    rewritten_error,
    write_failure,
)

# Most modules ask for these here, where the store is: they are the store's vocabulary.
__all__ = ["PIECE_BYTES", "STORE_ENV", "GraphStore", "QueryResult", "Store", "StoreError", "default_store_location",
           "default_store_path", "merge_if_needed", "redact", "store_url", "store_version", "to_python"]

T = TypeVar("T")

_URL = re.compile(r"^(https?):/+(?=[^/])", re.IGNORECASE)


def store_url(location: str | Path | None) -> str | None:
    """The endpoint URL if ``location`` names a SPARQL endpoint, else None. Accepts the form a
    ``pathlib.Path`` leaves of a URL (``http:/host:7878``: click's path options collapse ``//``)."""
    if location is None:
        return None
    text = str(location).strip()
    match = _URL.match(text)
    return f"{match.group(1).lower()}://{text[match.end():]}" if match else None


def default_store_location() -> str | Path:
    """``$MSKG_STORE`` as given (a directory or an http(s):// endpoint), else the default directory."""
    url = store_url(os.environ.get(STORE_ENV))
    return url if url else default_store_path()


def default_store_path() -> Path:
    """``$MSKG_STORE``, else ``$XDG_DATA_HOME/medseg-kg/store`` (``~/.local/share/medseg-kg/store``)."""
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV]).expanduser()
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "medseg-kg" / "store"


class Store(GraphStore):
    """An Oxigraph store on disk (``path``) or in memory (``path=None``, for tests).

    ``Store.open(location)`` also accepts an ``http(s)://`` SPARQL endpoint and then returns a
    :class:`kg.remote_store.RemoteStore` with the same methods."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only and self.path is not None
        if self.path is None:
            self._ox = ox.Store()
        elif read_only:
            self._ox = open_read_only(self.path)
        else:
            self._ox = open_for_writing(self.path)
        # Queries read the merged default graph; a store written before it was kept reads the
        # union (duplicates and all) until its next write merges it.
        self._merged = True
        if self._reading(_unmerged):  # a reader may meet a writer here too: the same retries
            if self.read_only:
                self._merged = False
                warnings.warn(f"the store at {self.path} was written by an older medseg-kg: a fact two sources "
                              "state counts twice until the next write (kg build, kg update or kg restore) "
                              "merges it", stacklevel=2)
            else:
                with self._writing("merge", "the stored graph is unchanged"):
                    self._ox.update(remerge_update())

    @classmethod
    def open(cls, location: str | Path | None = None, *, read_only: bool = False) -> GraphStore:
        """The store at ``location`` (a directory or an http(s):// SPARQL endpoint); ``None``
        means ``$MSKG_STORE`` or the default directory."""
        where = location if location else default_store_location()
        url = store_url(where)
        if url is not None:
            return RemoteStore(url, read_only=read_only)
        return cls(Path(where).expanduser(), read_only=read_only)

    # -- writing ---------------------------------------------------------------------------
    # Every write turns the engine's OSError/RuntimeError (a full disk above all) into a
    # StoreError that names the cause, the path, the fix and what became of the stored graph.

    @contextmanager
    def _writing(self, action: str, outcome: str) -> Iterator[None]:
        try:
            yield
        except StoreError:
            raise
        except (OSError, RuntimeError) as exc:
            raise write_failure(self.path, action, exc, outcome) from exc

    def replace_graphs(self, graphs: dict[URIRef, Graph], extra_update: str = "") -> int:
        """Replace each named graph's content in one transaction: readers see the old graphs
        or the new ones, never a mix, and a failure (or a kill) leaves the store as it was."""
        update, count = replace_graphs_update(graphs, extra_update)
        extra = touched_graphs(extra_update) if extra_update.strip() else set()
        changed = None if extra is None else {str(g) for g in graphs} | extra
        with self._writing("write", "the stored graph is unchanged"):
            self._ox.update(merged_update(update, changed, self._named()))
        return count

    def update(self, sparql: str) -> None:
        """Run a SPARQL update on the named graphs; the merged default graph follows it in the
        same transaction (an update must write named graphs only: the default graph is the merge)."""
        with self._writing("update", "the stored graph is unchanged"):
            self._ox.update(merged_update(sparql, touched_graphs(sparql), self._named()))

    def _named(self) -> list[str]:
        return [g.value for g in self._ox.named_graphs()]

    def bulk_load(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None, *, trusted: bool = False,
                  workers: int | None = None, compact: bool = True, piece_bytes: int = PIECE_BYTES) -> None:
        """Fast, non-transactional loading for large files (benchmarks, restores), then a
        compaction so that the first questions are not slowed by many small files.

        N-Quads and N-Triples, a statement per line, are loaded in pieces of about
        ``piece_bytes`` on ``workers`` threads: memory stays bounded by the pieces in flight
        (Oxigraph sorts a whole call's quads in memory), and both cores work. Every line with a
        blank node goes into one last piece, because Oxigraph gives each call its own blank-node
        scope: ``_:b1`` in two pieces would become two nodes. Other formats load in one call.
        ``trusted`` skips Oxigraph's IRI and literal validation (for files this project wrote).
        A syntax error names the file and its line; what was already loaded stays (one load is
        not one transaction)."""
        to_graph = ox.NamedNode(graph) if graph else None
        with self._writing(f"load {path} into", "the load is incomplete: part of the file may be in the store "
                           "(a bulk load is not one transaction); load it again into an empty store"):
            if self.path is None or fmt not in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES):
                try:
                    self._ox.bulk_load(path=str(path), format=fmt, to_graph=to_graph, lenient=trusted)
                except SyntaxError as exc:
                    raise StoreError(f"{path}: {exc.msg}; fix the file and load it again") from exc
                _merge_after_load(self._ox, to_graph)
            else:
                load_line_pieces(self._ox, Path(path), fmt, to_graph, trusted,
                                 workers or min(4, os.cpu_count() or 1), piece_bytes)
                self._ox.update(internal("merge-blank-node-triples"))  # the one piece loaded as quads only
        self.flush()
        if compact:
            self.compact()

    def flush(self) -> None:
        if self.path is not None:
            # A write already committed is in the store's log, which every open replays.
            with self._writing("flush", "the changes already written are kept in the store's log"):
                self._ox.flush()

    def compact(self) -> None:
        """Merge the store's files. A bulk load leaves many small files, and a store opened
        read-only never compacts them itself; at 100k papers the slow questions ran 2-2.5x
        faster after this (1.6 s of work)."""
        if self.path is not None:
            with self._writing("compact", "the stored graph is unchanged (a compaction only rewrites files)"):
                self._ox.optimize()

    # -- reading ---------------------------------------------------------------------------

    def _reading(self, read: Callable[[ox.Store], T]) -> T:
        """``read(engine)``; on a read-only store whose files a writer replaced under it, again on
        a fresh view (the newest committed graph), a bounded number of times (see
        :mod:`kg.store_disk`). ``read`` should finish its work, not return a lazy iterator."""
        if not self.read_only or self.path is None:
            return read(self._ox)
        for delay in (*READ_RETRY_DELAYS_S, None):
            try:
                return read(self._ox)
            except (OSError, RuntimeError) as exc:
                if not being_rewritten(exc):
                    raise
                if delay is None:
                    raise rewritten_error(self.path, exc) from exc
                time.sleep(delay)
                self._ox = open_read_only(self.path)
        raise AssertionError("unreachable")  # the loop returns or raises

    @property
    def keeps_merge(self) -> bool:
        return self._merged

    def reopen(self) -> Store:
        """A new handle on the same directory and mode: for a read-only store, the graph as it
        is now (a read-only view keeps the graph it opened on; see :func:`store_version`)."""
        return Store(self.path, read_only=self.read_only) if self.path is not None else self

    def raw_query(self, sparql: str) -> Any:
        """The engine's own result object; the default graph is the merge of all named graphs."""
        return self._reading(lambda engine: engine.query(sparql, use_default_graph_as_union=not self._merged))

    def select(self, sparql: str) -> QueryResult:
        # Converted inside the retry: the engine reads lazily, while the rows are iterated.
        return self._reading(lambda engine: query_result(
            engine.query(sparql, use_default_graph_as_union=not self._merged)))

    def named_graphs(self) -> list[str]:
        return self._reading(lambda engine: sorted(g.value for g in engine.named_graphs()))

    def graph_sizes(self) -> dict[str, int]:
        return self._reading(lambda engine: {r["g"].value: int(r["n"].value)
                                             for r in engine.query(internal("graph-sizes"))})

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        """The quads of ``graph``, or of every named graph (the merged default graph is derived
        from them, so it is never exported)."""
        if graph:
            return self._reading(lambda engine: engine.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        # Graph by graph: the default graph's copy of every triple is never read, not read and dropped.
        return (q for name in self._reading(lambda engine: list(engine.named_graphs()))
                for q in self._reading(lambda engine, g=name: engine.quads_for_pattern(None, None, None, g)))

    def dump_to(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Write the named graphs (or ``graph``) to ``path`` as they are serialised, without
        holding the whole text in memory (at 100k papers the N-Quads are 270 MB)."""
        if graph is not None:
            self._reading(lambda engine: engine.dump(str(path), format=fmt, from_graph=ox.NamedNode(graph)))
        else:
            ox.serialize(self.quads(), str(path), fmt)

    def to_rdflib(self, graphs: list[str] | None = None) -> Graph:
        """The merge of the named graphs (or of ``graphs``) as an in-memory rdflib Graph: the form
        pyshacl and rdflib's serialisers want (and pyshacl runs faster on it than through a store)."""
        def copy(engine: ox.Store) -> Graph:
            g = Graph()
            names = graphs if graphs is not None else sorted(n.value for n in engine.named_graphs())
            for name in names:
                for q in engine.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                    g.add((ox_to_rdflib(q.subject), ox_to_rdflib(q.predicate), ox_to_rdflib(q.object)))
            return g

        return self._reading(copy)

    def is_empty(self) -> bool:
        # Triples, not graph names: an update that clears the graphs keeps their names.
        return self._reading(lambda engine: not bool(engine.query(internal("any-triple"))))


def _unmerged(engine: ox.Store) -> bool:
    """Whether the store has named graphs but no merged default graph (written before it was kept)."""
    has_default = next(iter(engine.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None
    return not has_default and bool(engine.query(internal("any-triple")))


def merge_if_needed(path: Path) -> None:
    """Merge the default graph of the store directory ``path`` if it was written before the
    merge was kept (for readers that open it without this module: `kg serve`'s server)."""
    if _unmerged(open_read_only(path)):
        Store(path)  # opening it for writing merges it


def _merge_after_load(engine: ox.Store, loaded: ox.NamedNode | None) -> None:
    """The merged default graph after a bulk load of a whole file into ``loaded`` (None: every
    named graph); a triple already there stays one."""
    graphs = [loaded.value] if loaded is not None else [g.value for g in engine.named_graphs()]
    engine.update(internal("merge-graphs", graphs=graphs))


def store_version(store: GraphStore | str | Path) -> str:
    """A short text that changes whenever the graph may have changed: the cache key for a
    long-lived reader such as the app, whose read-only handle keeps the graph it opened on.

    For a store directory it is read from the directory's files, without opening the store
    (cheap enough for every page run), and changes with every write (build, update, enrich,
    review, restore). For a SPARQL endpoint it is the last run and each graph's size
    (internal question ``store-version``): a write that keeps every size (one review decision
    flipped) is seen when the app's own cache expires."""
    if isinstance(store, GraphStore):
        if store.url is None:
            return disk_fingerprint(store.path) if store.path is not None else f"memory:{len(store._ox)}"  # type: ignore[attr-defined]
        rows = store.select(internal("store-version")).rows
        return "sparql:" + redact(repr(sorted((str(r.get("g")), str(r.get("n")), str(r.get("last"))) for r in rows)))
    url = store_url(store)
    if url is not None:
        return store_version(RemoteStore(url, read_only=True))
    return disk_fingerprint(Path(store).expanduser())
