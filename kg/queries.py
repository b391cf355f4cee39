"""Every question asked of the graph, one ``.rq`` file each, and the one loader for them.

- ``kg/queries/*.rq``: the saved questions for people (``kg query NAME``, the app's SPARQL
  page, the README). The first comment lines of a file are its documentation (``# title:``
  and free text).
- ``kg/queries/internal/*.rq`` and ``*.ru``: the questions and updates the code itself asks
  (paper index, review queue, taxonomy, statistics, the app's tables, run provenance).

Parameters. A file about one resource names it with a placeholder IRI ``<urn:mskg:NAME>``
(``<urn:mskg:this>``, ``<urn:mskg:graph>``...) and a block of triples with the placeholder
triple ``<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> .``, so every file stays valid
SPARQL that tools and tests can parse; :func:`internal` substitutes checked IRIs and
N-Triples text, never free text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.vocab import PREFIXES

QUERY_DIR = Path(__file__).resolve().parent / "queries"
INTERNAL_DIR = QUERY_DIR / "internal"
DATA_PLACEHOLDER = "<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> ."
_PLACEHOLDER = re.compile(r"<urn:mskg:([a-z][a-z0-9_]*)>")
_SAFE_IRI = re.compile(r"^(https?|urn):[^\s<>\"{}|\\^`]+$")
_SAVED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}$")


@dataclass(frozen=True)
class SavedQuery:
    name: str
    title: str
    description: str
    text: str
    path: Path


def _parse(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    title, lines = path.stem.replace("-", " "), []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        body = line.lstrip("#").strip()
        if body.lower().startswith("title:"):
            title = body.split(":", 1)[1].strip()
        elif body:
            lines.append(body)
    return SavedQuery(path.stem, title, " ".join(lines), text, path)


def saved_queries() -> list[SavedQuery]:
    return [_parse(p) for p in sorted(QUERY_DIR.glob("*.rq"))]


def load_query(name_or_path: str) -> SavedQuery | None:
    """A saved question by name ('lineage-of-medsam2'), or any .rq file by path; None if
    neither. SPARQL text passed here is never mistaken for a file name, however long."""
    text = name_or_path.strip()
    if text.endswith(".rq") and "\n" not in text and len(text) < 4096:
        path = Path(text)
        try:
            if path.is_file():
                return _parse(path)
        except OSError:
            return None
    if not _SAVED_NAME.match(text):
        return None
    candidate = QUERY_DIR / f"{text.removesuffix('.rq')}.rq"
    return _parse(candidate) if candidate.is_file() else None


@lru_cache(maxsize=None)
def saved_text(name: str) -> str:
    """The text of saved question ``name`` with the project's prefixes (the app asks some of
    the saved questions too, so analysts and pages see the same answers)."""
    found = load_query(name)
    if found is None:
        raise KeyError(f"no saved question '{name}' in {QUERY_DIR}")
    return with_prefixes(found.text)


def prefix_lines(sparql: str) -> str:
    """The PREFIX declarations the project adds to ``sparql`` (those it did not declare)."""
    declared = {m.group(1) for m in re.finditer(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*|):", sparql)}
    return "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared)


def with_prefixes(sparql: str) -> str:
    """Add the project's prefixes to a query that did not declare them (a convenience for
    `kg query` one-liners; a declared prefix of the same name is kept, as SPARQL allows).
    The prefixes go on ONE line, so an error in the user's line N is reported at line N + 1."""
    missing = prefix_lines(sparql).replace("\n", " ")
    return f"{missing}\n{sparql}" if missing else sparql


_ENGINE_POSITION = re.compile(r"\bat (\d+):(\d+)(?:-(\d+):(\d+))?")  # Oxigraph: "error at 2:32: ..."
_PARSER_POSITION = re.compile(r"\(line:(\d+), col:(\d+)\)")  # rdflib: "(line:2, col:32)"
_PARSER_CHAR = re.compile(r"\(at char (\d+)\)")  # rdflib: "(at char 57)"


def user_positions(message: str, user_text: str, sent_text: str) -> str:
    """``message`` (a syntax error about ``sent_text``) with its positions moved to the
    user's own ``user_text``: :func:`with_prefixes` put a line of prefixes in front, so the
    engine's "error at 2:32" is the user's 1:32."""
    lines = sent_text.count("\n") - user_text.count("\n")
    chars = len(sent_text) - len(user_text)
    if not message or not sent_text.endswith(user_text) or chars <= 0:
        return message

    def line(value: str) -> str:
        return str(max(1, int(value) - lines))

    def engine(m: re.Match[str]) -> str:
        end = f"-{line(m.group(3))}:{m.group(4)}" if m.group(3) else ""
        return f"at {line(m.group(1))}:{m.group(2)}{end}"

    message = _ENGINE_POSITION.sub(engine, message)
    message = _PARSER_POSITION.sub(lambda m: f"(line:{line(m.group(1))}, col:{m.group(2)})", message)
    return _PARSER_CHAR.sub(lambda m: f"(at char {max(0, int(m.group(1)) - chars)})", message)


@lru_cache(maxsize=None)
def _internal_text(name: str) -> str:
    for suffix in (".rq", ".ru"):
        path = INTERNAL_DIR / f"{name}{suffix}"
        if path.is_file():
            return with_prefixes(path.read_text(encoding="utf-8"))
    raise KeyError(f"no internal query '{name}' in {INTERNAL_DIR}")


def internal_names() -> list[str]:
    return sorted(p.stem for p in INTERNAL_DIR.iterdir() if p.suffix in (".rq", ".ru"))


def check_iri(iri: str) -> str:
    """``iri`` if it can stand between ``<`` and ``>`` without changing the query's meaning."""
    if not _SAFE_IRI.match(str(iri or "")):
        raise ValueError(f"not a usable IRI: {iri!r}")
    return str(iri)


def sparql_string(value: str) -> str:
    """``value`` as a SPARQL string literal (every character that could end it escaped)."""
    escaped = (str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def internal(name: str, *, data: str | None = None, literals: dict[str, str] | None = None,
             **iris: str | list[str]) -> str:
    """The text of internal question ``name`` with its placeholders filled: each
    ``<urn:mskg:KEY>`` by the checked IRI ``iris[KEY]`` (a list of IRIs fills a VALUES
    block: ``VALUES ?x { <urn:mskg:KEY> }``), each string ``"urn:mskg:KEY"`` by the escaped
    literal ``literals[KEY]``, the data placeholder by N-Triples ``data``."""
    text = _internal_text(name)

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "data":
            return match.group(0)
        if key not in iris:
            return match.group(0)  # a constant of the query (e.g. <urn:mskg:none>)
        value = iris[key]
        if isinstance(value, (list, tuple, set, frozenset)):
            return " ".join(f"<{check_iri(v)}>" for v in value) or "<urn:mskg:none>"
        return f"<{check_iri(value)}>"

    text = _PLACEHOLDER.sub(fill, text)
    if DATA_PLACEHOLDER in text:
        text = text.replace(DATA_PLACEHOLDER, data or "")
    for key, value in (literals or {}).items():  # last: a value is never read as a placeholder
        text = text.replace(f'"urn:mskg:{key}"', sparql_string(value))
    return text


_PROLOGUE = re.compile(r"\A(?:\s*(?:#[^\n]*\n|PREFIX\s+[A-Za-z][\w.-]*:\s*<[^>\s]*>))*", re.I)


def join_updates(parts: list[str]) -> str:
    """Several update requests as one (``;`` between operations), so a run's writes go to
    the store in one transaction. Each part's PREFIX declarations are hoisted into one
    prologue: Oxigraph, unlike the SPARQL grammar, refuses a prologue after a ``;``. A
    prefix declared twice must name the same IRI."""
    declared: dict[str, str] = {}
    bodies = []
    for part in parts:
        if not part or not part.strip():
            continue
        prologue = _PROLOGUE.match(part)
        head = prologue.group(0) if prologue else ""
        for name, iri in re.findall(r"PREFIX\s+([A-Za-z][\w.-]*):\s*<([^>\s]*)>", head, re.I):
            if declared.setdefault(name, iri) != iri:
                raise ValueError(f"prefix {name}: declared as <{declared[name]}> and <{iri}> in one update")
        bodies.append(part[len(head):].strip())
    prologue_text = " ".join(f"PREFIX {n}: <{i}>" for n, i in declared.items())
    body = " ;\n".join(b for b in bodies if b)
    return f"{prologue_text}\n{body}" if prologue_text else body
