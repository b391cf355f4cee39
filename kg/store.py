"""The embedded store: the graph in Oxigraph (``pyoxigraph``), on disk or in memory, and
where a store is (``$MSKG_STORE``, the default directory, or an endpoint URL).

Oxigraph on disk, because it is embedded, persistent, keeps named graphs natively and answers
the saved questions in milliseconds where rdflib's in-memory store takes seconds at scale (see
docs/ and ``kg bench``). rdflib stays the library of the mapping layer, SHACL validation and
some exports; :meth:`Store.to_rdflib` hands them a copy.

Pitfalls this module exists to contain: the union of named graphs is not de-duplicated
(count with DISTINCT), results come back as typed literals (converted to Python values, see
:mod:`kg.store_base`), and only one process may open a store directory for writing.

A location is a directory (the embedded default), ``None`` for an in-memory store (tests), or
an ``http(s)://`` SPARQL 1.1 endpoint, for which :meth:`Store.open` gives a
:class:`kg.remote_store.RemoteStore` with the same methods and the same Python values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

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
    replace_graphs_update,
    to_python,
)

# Most modules ask for these here, where the store is: they are the store's vocabulary.
__all__ = ["PIECE_BYTES", "STORE_ENV", "GraphStore", "QueryResult", "Store", "StoreError", "default_store_location",
           "default_store_path", "store_url", "to_python"]

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


PIECE_BYTES = 8 * 2**20  # ~40k quads of our N-Quads; at 100k papers: 180 MB peak, as fast as 64 MB pieces


def _line_pieces(path: Path, piece_bytes: int) -> Iterator[tuple[list[int] | int, bytes]]:
    """Whole-line pieces of ``path`` with the file's number of their first line. Lines with a
    blank node are blanked in place (numbering stays true) and come last, together, with the
    list of their line numbers."""
    with_bnodes: list[bytes] = []
    bnode_lines: list[int] = []
    line_no, rest = 1, b""
    with open(path, "rb") as fh:
        while block := fh.read(piece_bytes):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            if cut == 0:  # one line longer than a piece: keep reading
                rest = block
                continue
            piece, rest = block[:cut], block[cut:]
            if b"_:" in piece:  # rare (ontology lists); a literal with "_:" only moves its line
                lines = piece.split(b"\n")[:-1]
                for i, line in enumerate(lines):
                    if b"_:" in line:
                        with_bnodes.append(line + b"\n")
                        bnode_lines.append(line_no + i)
                        lines[i] = b""
                piece = b"\n".join(lines) + b"\n"
            yield line_no, piece
            line_no += piece.count(b"\n")
    if rest:
        yield line_no, rest + b"\n"
    if with_bnodes:
        yield bnode_lines, b"".join(with_bnodes)


def _load_line_pieces(store: ox.Store, path: Path, fmt: ox.RdfFormat, to_graph: ox.NamedNode | None,
                      trusted: bool, workers: int, piece_bytes: int) -> None:
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    def load(lines: list[int] | int, piece: bytes) -> None:
        try:
            store.bulk_load(piece, format=fmt, to_graph=to_graph, lenient=trusted)
        except SyntaxError as exc:
            n = (exc.lineno or 1) - 1
            line = lines + n if isinstance(lines, int) else lines[min(n, len(lines) - 1)]
            raise StoreError(f"{path}, line {line}: {exc.msg.split(': ', 1)[-1]}; fix the file and load it "
                             "again (other lines may already be loaded)") from exc

    # Oxigraph releases the GIL while it parses and writes, so threads use every core; at most
    # ``workers`` pieces are in flight, which is what bounds the memory.
    with ThreadPoolExecutor(workers) as pool:
        running: set[Future[None]] = set()
        for lines, piece in _line_pieces(path, piece_bytes):
            if len(running) >= workers:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for f in done:
                    f.result()
            running.add(pool.submit(load, lines, piece))
        for f in running:
            f.result()


class Store(GraphStore):
    """An Oxigraph store on disk (``path``) or in memory (``path=None``, for tests).

    ``Store.open(location)`` also accepts an ``http(s)://`` SPARQL endpoint and then returns a
    :class:`kg.remote_store.RemoteStore` with the same methods."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self._ox = ox.Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreError(f"no graph at {self.path}; run `kg build` first (or pass --store / set {STORE_ENV})")
                self._ox = ox.Store.read_only(str(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._ox = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"the store at {self.path} is in use by another process (a running `kg serve`, build or update); "
                    "stop it, or open the store read-only"
                ) from exc
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc

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

    def replace_graphs(self, graphs: dict[URIRef, Graph], extra_update: str = "") -> int:
        """Replace each named graph's content in one transaction: readers see the old graphs
        or the new ones, never a mix, and a failure (or a kill) leaves the store as it was."""
        update, count = replace_graphs_update(graphs, extra_update)
        self._ox.update(update)
        return count

    def update(self, sparql: str) -> None:
        self._ox.update(sparql)

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
        if self.path is None or fmt not in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES):
            try:
                self._ox.bulk_load(path=str(path), format=fmt, to_graph=to_graph, lenient=trusted)
            except SyntaxError as exc:
                raise StoreError(f"{path}: {exc.msg}; fix the file and load it again") from exc
        else:
            _load_line_pieces(self._ox, Path(path), fmt, to_graph, trusted, workers or min(4, os.cpu_count() or 1),
                              piece_bytes)
        self.flush()
        if compact:
            self.compact()

    def flush(self) -> None:
        if self.path is not None:
            self._ox.flush()

    def compact(self) -> None:
        """Merge the store's files. A bulk load leaves many small files, and a store opened
        read-only never compacts them itself; at 100k papers the slow questions ran 2-2.5x
        faster after this (1.6 s of work)."""
        if self.path is not None:
            self._ox.optimize()

    # -- reading ---------------------------------------------------------------------------

    def raw_query(self, sparql: str) -> Any:
        """The engine's own result object; the default graph is the union of all named graphs."""
        return self._ox.query(sparql, use_default_graph_as_union=True)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._ox.named_graphs())

    def graph_sizes(self) -> dict[str, int]:
        rows = self._ox.query(internal("graph-sizes"))
        return {r["g"].value: int(r["n"].value) for r in rows}

    def quads(self, graph: str | None = None) -> Iterable[ox.Quad]:
        return self._ox.quads_for_pattern(None, None, None, ox.NamedNode(graph) if graph else None)

    def dump_to(self, path: Path, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        """Write the store (or ``graph``) to ``path`` as it is serialised, without holding the
        whole text in memory (at 100k papers the N-Quads are 270 MB)."""
        self._ox.dump(str(path), format=fmt, from_graph=ox.NamedNode(graph) if graph is not None else None)

    def to_rdflib(self, graphs: list[str] | None = None) -> Graph:
        """The union of the named graphs (or of ``graphs``) as an in-memory rdflib Graph: the form
        pyshacl and rdflib's serialisers want (and pyshacl runs faster on it than through a store)."""
        g = Graph()
        names = graphs if graphs is not None else self.named_graphs()
        for name in names:
            for q in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                g.add((ox_to_rdflib(q.subject), ox_to_rdflib(q.predicate), ox_to_rdflib(q.object)))
        return g

    def is_empty(self) -> bool:
        return not any(True for _ in self._ox.named_graphs())
