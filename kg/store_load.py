"""Loading a large N-Quads or N-Triples file into the embedded store in pieces (Store.bulk_load):
whole lines cut into pieces loaded on threads, blank-node lines kept together in the last piece,
and each piece's triples loaded again into the merged default graph (:mod:`kg.store_merge`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from kg.store_base import StoreError

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


def load_line_pieces(store: ox.Store, path: Path, fmt: ox.RdfFormat, to_graph: ox.NamedNode | None,
                      trusted: bool, workers: int, piece_bytes: int) -> None:
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    def load(lines: list[int] | int, piece: bytes) -> None:
        try:
            store.bulk_load(piece, format=fmt, to_graph=to_graph, lenient=trusted)
            if isinstance(lines, int):  # the merged default graph: the same piece as triples
                store.bulk_load(_as_triples(piece, fmt), format=ox.RdfFormat.N_TRIPLES, lenient=True)
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


# One N-Quads statement without blank nodes: subject, predicate, object (IRI or literal), then
# the graph label this drops. IRIs hold no '>' and literals escape their quotes, so the match
# is exact; anything else (comments, RDF 1.2 triple terms) makes the piece take the parser.
_QUAD_LINE = re.compile(rb'^(<[^>]*>[ \t]+<[^>]*>[ \t]+(?:<[^>]*>|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?))'
                        rb'[ \t]*(?:<[^>]*>)?[ \t]*\.[ \t]*\r?$', re.M)
_STATEMENT_START = re.compile(rb"^[ \t]*[^\s]", re.M)


def _as_triples(piece: bytes, fmt: ox.RdfFormat) -> bytes:
    """A piece of N-Quads (or N-Triples) lines as N-Triples, for the bulk loader to put into
    the merged default graph (10x faster than inserting the quads' triples by SPARQL at 100k
    papers). Pieces with blank nodes are not passed here: a second load would make new nodes.
    The graph labels are cut by one regular expression (1.12 s for a 32 MB piece against 1.85 s
    through Oxigraph's parser and back, on a busy machine); a piece with a line it does not
    match goes through the parser."""
    if fmt == ox.RdfFormat.N_TRIPLES:
        return piece
    triples, matched = _QUAD_LINE.subn(rb"\1 .", piece)
    if matched == len(_STATEMENT_START.findall(piece)):  # every statement matched
        return triples
    quads = ox.parse(piece, format=fmt, lenient=True)
    return ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES)
