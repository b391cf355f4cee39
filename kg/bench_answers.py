"""How `kg bench` compares two engines' answers to the same question: as sorted lists of
normalised values, so that differences of form are not counted as different results.

Numbers compare as floats rounded to 6 decimals (Oxigraph writes a decimal ``12.0`` as ``12``,
and AVG keeps different precision in the two engines), GROUP_CONCAT lists compare as sorted
items (their order is undefined), dates and times by their ISO form, rows as a sorted list
(ties under ORDER BY may come in either order).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal, URIRef

_CONCAT = re.compile(r"GROUP_CONCAT\s*\(.*?\)\s+AS\s+\?(\w+)", re.IGNORECASE | re.DOTALL)


def _norm_value(value: Any, concat: bool) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return round(float(value), 6)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    text = str(value)
    return ", ".join(sorted(text.split(", "))) if concat else text


def normalise(variables: list[str], rows: list[dict[str, Any]], sparql: str) -> list[list[Any]]:
    """Rows as lists of comparable values in ``variables`` order, sorted."""
    concat = set(_CONCAT.findall(sparql))
    out = [[_norm_value(row.get(v), v in concat) for v in variables] for row in rows]
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True, default=str))


def rdflib_value(term: Any) -> Any:
    """An rdflib result term as the Python value the embedded store would give for it."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        value = term.toPython()
        return value if not isinstance(value, Literal) else str(value)
    return str(term)
