"""Read-only SPARQL for untrusted text (the app's console): refuse, limit, and run apart.

Three layers, so that no single mistake opens the store to writes or the server to the
network:

1. :func:`check_query` refuses every update form (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE,
   ADD, MOVE, COPY, WITH ... ) and any SERVICE clause, by keyword on the query's *tokens*:
   comments, string literals and IRIs are removed first, so ``"DELETE"`` inside a string or
   ``<http://x#DROP>`` is harmless and ``# INSERT`` in a comment is ignored, while a
   lowercase ``service`` in a nested group is still caught. When rdflib's SPARQL parser
   accepts the text, its parse tree is also searched for a SERVICE pattern.
2. :func:`run_guarded` runs the query in a separate process against the store opened
   read-only, through the engine's *query* entry point (which does not execute updates).
3. That process has a wall-clock limit (it is killed, not asked to stop: an Oxigraph query
   cannot be cancelled from another thread) and returns at most ``row_cap`` rows.

Run as ``python -m kg.sparql_guard STORE ROW_CAP`` with the query on stdin (the worker).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

FORBIDDEN = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "SERVICE", "WITH")
"""Keywords that only appear in SPARQL Update (or in SERVICE federation); WITH opens an
update's ``WITH <g> DELETE ...`` form and has no meaning in a query."""

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_ROW_CAP = 5000


class QueryRefused(ValueError):
    """The query is not a plain read-only query; the message says which form was found."""


# Order matters: long strings before short ones, IRIs before comments (an IRI may hold '#').
_TOKEN = re.compile(
    r'''(?P<lstr3>\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')'''
    r'''|(?P<dstr3>"""(?:[^"\\]|\\.|"(?!""))*""")'''
    r"""|(?P<lstr>'(?:[^'\\\n\r]|\\.)*')"""
    r'''|(?P<dstr>"(?:[^"\\\n\r]|\\.)*")'''
    r"""|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)"""
    r"""|(?P<comment>\#[^\n\r]*)"""
    r"""|(?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)"""
    r"""|(?P<pname>[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*:[\w.\-:%\\\u00B7-\uFFFF]*|:[\w.\-:%\\\u00B7-\uFFFF]*)"""
    r"""|(?P<word>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|(?P<other>\S)""",
    re.DOTALL,
)


_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_codepoints(query: str) -> str:
    """SPARQL replaces ``\\uXXXX`` escapes in the whole text *before* parsing, so
    ``\\u0053ERVICE`` is the keyword SERVICE; check what the engine will read."""
    return _CODEPOINT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def keywords(query: str) -> list[str]:
    """The bare words of a query, upper-cased, without strings, IRIs, comments, variables
    and prefixed names (so ``?delete``, ``ex:Service`` and ``"DROP"`` are not keywords)."""
    words = []
    for m in _TOKEN.finditer(unescape_codepoints(query)):
        if m.lastgroup == "word":
            words.append(m.group().upper())
    return words


def _unterminated_string(query: str) -> bool:
    """A quote the tokenizer could not pair: everything after it would otherwise escape the
    keyword check as 'other' characters, so refuse rather than guess."""
    for m in _TOKEN.finditer(unescape_codepoints(query)):
        if m.lastgroup == "other" and m.group() in "\"'":
            return True
    return False


def _service_in_parse_tree(node: Any) -> bool:
    name = getattr(node, "name", None)
    if name == "ServiceGraphPattern":
        return True
    if isinstance(node, dict):
        return any(_service_in_parse_tree(v) for v in node.values())
    if isinstance(node, (list, tuple)):
        return any(_service_in_parse_tree(v) for v in node)
    try:  # pyparsing ParseResults and rdflib CompValue
        items = list(node.values()) if hasattr(node, "values") and callable(node.values) else None
    except Exception:  # noqa: BLE001 - a parse tree we cannot walk is simply not searched
        items = None
    if items:
        return any(_service_in_parse_tree(v) for v in items)
    return False


def check_query(query: str) -> None:
    """Raise :class:`QueryRefused` unless ``query`` is a read-only query without SERVICE."""
    if not query or not query.strip():
        raise QueryRefused("the query is empty")
    if _unterminated_string(query):
        raise QueryRefused("the query has an unterminated string literal")
    found = sorted(set(keywords(query)) & set(FORBIDDEN), key=FORBIDDEN.index)
    if found:
        what = ", ".join(found)
        if found == ["SERVICE"]:
            raise QueryRefused("SERVICE clauses are refused: the console never fetches remote endpoints")
        raise QueryRefused(f"only read-only queries run here; found {what} (SPARQL Update or federation)")
    try:
        from rdflib.plugins.sparql.parser import parseQuery

        tree = parseQuery(query)
    except Exception:  # noqa: BLE001 - rdflib is stricter than Oxigraph in places; the engine judges syntax
        return
    if _service_in_parse_tree(tree):
        raise QueryRefused("SERVICE clauses are refused: the console never fetches remote endpoints")


@dataclass
class GuardedResult:
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0
    error: str | None = None  # a message for the reader (syntax error, timeout, refusal)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def run_guarded(store_path: str | Path, query: str, *, timeout_s: float = DEFAULT_TIMEOUT_S,
                row_cap: int = DEFAULT_ROW_CAP) -> GuardedResult:
    """Check ``query`` and run it in a worker process on the store opened read-only."""
    started = time.perf_counter()
    try:
        check_query(query)
    except QueryRefused as exc:
        return GuardedResult(error=str(exc))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kg.sparql_guard", str(store_path), str(int(row_cap))],
            input=query, capture_output=True, text=True, timeout=timeout_s,
            cwd=str(Path(__file__).resolve().parents[1]),
        )
    except subprocess.TimeoutExpired:
        return GuardedResult(error=f"the query took longer than {timeout_s:g} s and was stopped; "
                                   "narrow it (LIMIT, more specific patterns)",
                             seconds=time.perf_counter() - started)
    elapsed = time.perf_counter() - started
    try:
        payload = json.loads(proc.stdout or "{}")
    except json.JSONDecodeError:
        payload = {}
    if proc.returncode != 0 or "error" in payload:
        message = payload.get("error") or (proc.stderr.strip().splitlines() or ["the query failed"])[-1]
        return GuardedResult(error=message, seconds=elapsed)
    return GuardedResult(payload["variables"], payload["rows"], payload["truncated"], elapsed)


def _worker(store_path: str, row_cap: int, query: str) -> dict[str, Any]:
    import pyoxigraph as ox

    from kg.store import Store, StoreError, to_python

    try:
        check_query(query)  # again: the worker may be started by hand
        store = Store.open(store_path, read_only=True)
        result = store.raw_query(query)
    except (QueryRefused, StoreError) as exc:
        return {"error": str(exc)}
    except (SyntaxError, ValueError, OSError) as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    rows: list[dict[str, Any]] = []
    truncated = False
    if isinstance(result, ox.QueryBoolean):
        return {"variables": ["result"], "rows": [{"result": bool(result)}], "truncated": False}
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        for sol in result:
            if len(rows) >= row_cap:
                truncated = True
                break
            rows.append({n: _jsonable(to_python(sol[n])) for n in names})
        return {"variables": names, "rows": rows, "truncated": truncated}
    names = ["subject", "predicate", "object"]  # CONSTRUCT / DESCRIBE: triples
    for t in result:
        if len(rows) >= row_cap:
            truncated = True
            break
        rows.append({"subject": _jsonable(to_python(t.subject)), "predicate": _jsonable(to_python(t.predicate)),
                     "object": _jsonable(to_python(t.object))})
    return {"variables": names, "rows": rows, "truncated": truncated}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m kg.sparql_guard STORE ROW_CAP < query.rq", file=sys.stderr)
        return 2
    try:
        payload = _worker(args[0], int(args[1]), sys.stdin.read())
    except Exception as exc:  # noqa: BLE001 - the parent shows a message, never a traceback
        payload = {"error": f"{type(exc).__name__}: {exc}"}
    sys.stdout.write(json.dumps(payload, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
