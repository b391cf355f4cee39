"""Read-only SPARQL for untrusted text (the app's console): refuse, limit, and run apart.

Layers, so that no single mistake opens the store to writes or the server to the network:

1. :func:`check_parsed` decides on the *parsed* query: rdflib's SPARQL query parser must
   read the text (an update, LOAD, anything that is not one query fails to parse and is
   refused), and neither its parse tree nor its algebra may hold a ``ServiceGraphPattern``
   anywhere (nested groups, sub-queries, EXISTS filters). Whatever rdflib cannot read or
   translate is refused: on any doubt, no.
2. :func:`check_text` is the second line, on tokens: every update keyword and SERVICE,
   with strings, IRIs, comments, variables and prefixed names (including their escaped
   characters, ``ex:p\\#``) removed first; ``\\uXXXX`` escapes are expanded first, as the
   grammar says. It also refuses queries too long or too deeply nested to check.
3. :func:`run_guarded` runs the query in a worker process on the store opened read-only,
   through the engine's query entry point (which does not execute updates). The worker caps
   its own memory (``RLIMIT_AS``) and, on a local store, forbids itself IPv4/IPv6 sockets
   (:mod:`kg.sandbox`): pyoxigraph 0.5 has no parse-only call and evaluates SERVICE as soon
   as a query is prepared (even on an empty in-memory store, before any row is read), so
   Oxigraph's own parser only ever sees the text inside that sandbox.
4. The worker has a wall-clock limit (it is killed: an Oxigraph query cannot be cancelled
   from another thread) and returns at most ``row_cap`` rows.

Run as ``python -m kg.sparql_guard STORE ROW_CAP MEMORY_MB`` with the query on stdin.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORBIDDEN = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "SERVICE", "WITH")
"""Keywords that only appear in SPARQL Update (or in SERVICE federation); WITH opens an
update's ``WITH <g> DELETE ...`` form and has no meaning in a query."""

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_ROW_CAP = 5000
MEMORY_ENV = "MSKG_CONSOLE_MEMORY_MB"
DEFAULT_MEMORY_MB = 2048  # address space, not RSS: the idle worker already maps ~0.5 GB
MAX_QUERY_CHARS = 100_000  # the longest saved question is ~2,000; room for generated VALUES lists
MAX_NESTING = 100  # rdflib's recursive parser needs deep stacks; no real question nests 20 deep


class QueryRefused(ValueError):
    """The query is not a plain read-only query; the message says which form was found."""


# Order matters: long strings before short ones, IRIs before comments (an IRI may hold '#'),
# prefixed names before comments (PN_LOCAL_ESC: ``ex:p\#`` is a name, not a comment).
_PN_LOCAL = r"""(?:[\w.\-:%\u00B7-\uFFFF]|\\[_~.\-!$&'()*+,;=/?#@%])*"""
_TOKEN = re.compile(
    r'''(?P<lstr3>\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')'''
    r'''|(?P<dstr3>"""(?:[^"\\]|\\.|"(?!""))*""")'''
    r"""|(?P<lstr>'(?:[^'\\\n\r]|\\.)*')"""
    r'''|(?P<dstr>"(?:[^"\\\n\r]|\\.)*")'''
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    rf"""|(?P<pname>(?:[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*)?:{_PN_LOCAL})"""
    r"""|(?P<comment>\#[^\n\r]*)"""
    r"""|(?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)"""
    r"""|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|(?P<other>\S)""",
    re.DOTALL,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_OPEN, _CLOSE = "{([", "})]"


def unescape_codepoints(query: str) -> str:
    """SPARQL replaces ``\\uXXXX`` escapes in the whole text *before* parsing, so
    ``\\u0053ERVICE`` is the keyword SERVICE; check what an engine may read."""
    def char(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else "\uFFFD"
    return _CODEPOINT.sub(char, query)


def _tokens(query: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(unescape_codepoints(query))]


def keywords(query: str) -> list[str]:
    """The bare words of a query, upper-cased, without strings, IRIs, comments, variables
    and prefixed names (so ``?delete``, ``ex:Service`` and ``"DROP"`` are not keywords)."""
    return [text.upper() for kind, text in _tokens(query) if kind == "word"]


def _nesting(tokens: list[tuple[str, str]]) -> int:
    depth = deepest = 0
    for kind, text in tokens:
        if kind == "other" and text in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "other" and text in _CLOSE:
            depth -= 1
    return deepest


def check_text(query: str) -> None:
    """The lexical checks (cheap enough for the app's own process): raise :class:`QueryRefused`
    for an empty, oversized, over-nested or unterminated query, or one with a forbidden keyword."""
    if not query or not query.strip():
        raise QueryRefused("the query is empty")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is {len(query):,} characters long; the console takes at most "
                           f"{MAX_QUERY_CHARS:,} (use `kg query` for generated queries)")
    tokens = _tokens(query)
    if any(kind == "other" and text in "\"'" for kind, text in tokens):
        # A quote the tokenizer could not pair: what follows would escape the keyword check.
        raise QueryRefused("the query has an unterminated string literal")
    if _nesting(tokens) > MAX_NESTING:
        raise QueryRefused(f"the query nests brackets more than {MAX_NESTING} deep; flatten it")
    found = sorted({text.upper() for kind, text in tokens if kind == "word"} & set(FORBIDDEN), key=FORBIDDEN.index)
    if found == ["SERVICE"]:
        raise QueryRefused("SERVICE clauses are refused: the console never fetches remote endpoints")
    if found:
        raise QueryRefused(f"only read-only queries run here; found {', '.join(found)} (SPARQL Update or federation)")


def _holds_service(root: Any) -> bool:
    """Whether a parse tree or algebra (pyparsing ParseResults, rdflib CompValue, lists) holds
    a SERVICE pattern at any depth. Iterative: a deep tree must not overflow the stack."""
    from pyparsing import ParseResults

    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if node is None or isinstance(node, (str, bytes, int, float)) or id(node) in seen:
            continue  # rdflib terms (URIRef, Variable, Literal) are str: leaves
        seen.add(id(node))
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(node, ParseResults):
            stack.extend(list(node))
            stack.extend(node.values())
        elif isinstance(node, Mapping):
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, set, frozenset)):
            stack.extend(node)
        elif hasattr(node, "algebra"):  # rdflib's Query: prologue + algebra
            stack.append(node.algebra)
    return False


def check_parsed(query: str) -> None:
    """The parser's verdict: raise :class:`QueryRefused` unless rdflib reads ``query`` as one
    query (not an update) and finds no SERVICE in its parse tree or algebra."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except RecursionError:
        raise QueryRefused("the query is too large or nested too deeply to be checked; split it") from None
    except Exception as exc:  # noqa: BLE001 - any parse failure is a refusal, with rdflib's position
        raise QueryRefused(f"the query was not run: the console's SPARQL parser cannot read it as one read-only "
                           f"query ({_one_line(exc)})") from None
    if _holds_service(tree):
        raise QueryRefused("SERVICE clauses are refused: the console never fetches remote endpoints")
    try:
        algebra = translateQuery(tree)
    except RecursionError:
        raise QueryRefused("the query is too large or nested too deeply to be checked; split it") from None
    except Exception as exc:  # noqa: BLE001 - a query rdflib cannot translate is not run either
        raise QueryRefused(f"the query could not be checked: {_one_line(exc)}") from None
    if _holds_service(algebra):
        raise QueryRefused("SERVICE clauses are refused: the console never fetches remote endpoints")


def check_query(query: str) -> None:
    """Raise :class:`QueryRefused` unless ``query`` is a read-only query without SERVICE
    (both lines: the lexical checks, then the parser's)."""
    check_text(query)
    check_parsed(query)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


@dataclass
class GuardedResult:
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0
    error: str | None = None  # a message for the reader (syntax error, timeout, refusal, memory)


def memory_limit_mb() -> int:
    """The worker's address-space cap: ``$MSKG_CONSOLE_MEMORY_MB``, else the default."""
    try:
        return max(512, int(os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_MB))
    except ValueError:
        return DEFAULT_MEMORY_MB


def run_guarded(store_path: str | Path, query: str, *, timeout_s: float = DEFAULT_TIMEOUT_S,
                row_cap: int = DEFAULT_ROW_CAP, memory_mb: int | None = None) -> GuardedResult:
    """Check ``query`` and run it in a worker process on the store opened read-only."""
    started = time.perf_counter()
    memory_mb = memory_mb or memory_limit_mb()
    try:
        check_text(query)  # the parse checks run in the worker: deep recursion, under its limits
    except QueryRefused as exc:
        return GuardedResult(error=str(exc))
    # One malloc arena per thread would make the address space (what RLIMIT_AS counts) balloon.
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kg.sparql_guard", str(store_path), str(int(row_cap)), str(int(memory_mb))],
            input=query, capture_output=True, text=True, timeout=timeout_s, env=env,
            cwd=str(Path(__file__).resolve().parents[1]),
        )
    except subprocess.TimeoutExpired:
        return GuardedResult(error=f"the query took longer than {timeout_s:g} s and was stopped; "
                                   "narrow it (LIMIT, more specific patterns)",
                             seconds=time.perf_counter() - started)
    return _result_of(proc, memory_mb, time.perf_counter() - started)


# What an allocation failure under RLIMIT_AS leaves on stderr: Rust, C++ (RocksDB), libc
# (a thread that cannot map its stack under the cap says "Resource temporarily unavailable").
_OUT_OF_MEMORY = ("memory allocation of", "std::bad_alloc", "Cannot allocate memory",
                  "Resource temporarily unavailable")


def _result_of(proc: subprocess.CompletedProcess[str], memory_mb: int, elapsed: float) -> GuardedResult:
    """The worker's answer, or a message that says why it has none."""
    try:
        payload = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError:
        payload = {}
    error = payload.get("error")
    stderr = proc.stderr or ""
    if payload.get("memory") or any(sign in stderr for sign in _OUT_OF_MEMORY):
        return GuardedResult(error=f"the query needed more than {memory_mb:,} MB of memory and was stopped; narrow "
                                   "it (LIMIT, fewer cross products, ORDER BY on fewer rows)", seconds=elapsed)
    if proc.returncode != 0 or error or "rows" not in payload:
        if not error:
            last = (stderr.strip().splitlines() or [""])[-1]
            error = f"the query failed (worker exit {proc.returncode}{': ' + last if last else ''})"
        return GuardedResult(error=error, seconds=elapsed)
    return GuardedResult(payload["variables"], payload["rows"], payload["truncated"], elapsed)


def _jsonable(value: Any) -> Any:
    from datetime import date, datetime
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _rows_of(result: Any, row_cap: int) -> dict[str, Any]:
    import pyoxigraph as ox

    from kg.store import to_python

    if isinstance(result, ox.QueryBoolean):
        return {"variables": ["result"], "rows": [{"result": bool(result)}], "truncated": False}
    rows: list[dict[str, Any]] = []
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        pick = lambda sol: {n: _jsonable(to_python(sol[n])) for n in names}  # noqa: E731
    else:  # CONSTRUCT / DESCRIBE: triples
        names = ["subject", "predicate", "object"]
        pick = lambda t: {n: _jsonable(to_python(getattr(t, n))) for n in names}  # noqa: E731
    for item in result:
        if len(rows) >= row_cap:
            return {"variables": names, "rows": rows, "truncated": True}
        rows.append(pick(item))
    return {"variables": names, "rows": rows, "truncated": False}


def _worker(store_path: str, row_cap: int, query: str) -> dict[str, Any]:
    """Check, open read-only, run: in the worker, after its limits are in place."""
    from ingest.redact import redact_text
    from kg.store import Store, StoreError

    try:
        check_query(query)  # the parser's verdict, here where deep recursion is affordable
        store = Store.open(store_path, read_only=True)
        return _rows_of(store.raw_query(query), row_cap)
    except (QueryRefused, StoreError) as exc:
        return {"error": redact_text(str(exc))}  # a remote store's URL may carry user:password@
    except MemoryError:
        return {"memory": True, "error": "MemoryError"}
    except (SyntaxError, ValueError, OSError) as exc:
        return {"error": _one_line(exc)}


def _limited(store_path: str, row_cap: int, memory_mb: int, query: str) -> dict[str, Any]:
    """Put the limits in place, then run :func:`_worker` on a thread with a deep stack (rdflib's
    parser recurses about a dozen frames per triple pattern)."""
    import threading

    from kg.sandbox import cap_memory, forbid_network
    from kg.store import store_url

    cap_memory(memory_mb)
    # A remote store needs its socket (and the server, not we, would run SERVICE); without
    # seccomp (not Linux) the parse checks are the only line against SERVICE.
    sandboxed = store_url(store_path) is None and forbid_network()
    sys.setrecursionlimit(60_000)
    threading.stack_size(128 << 20)
    out: dict[str, Any] = {"sandboxed": sandboxed}

    def run() -> None:
        try:
            out.update(_worker(store_path, row_cap, query))
        except MemoryError:
            out.update({"memory": True, "error": "MemoryError"})
        except Exception as exc:  # noqa: BLE001 - the parent shows a message, never a traceback
            out.update({"error": f"{type(exc).__name__}: {_one_line(exc)}"})

    thread = threading.Thread(target=run, name="sparql-guard")
    thread.start()
    thread.join()
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3:
        print("usage: python -m kg.sparql_guard STORE ROW_CAP MEMORY_MB < query.rq", file=sys.stderr)
        return 2
    payload = _limited(args[0], int(args[1]), int(args[2]), sys.stdin.read())
    sys.stdout.write(json.dumps(payload, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
