"""Rewrite the facet-scheme block at the end of ontology.ttl from kg/data/facets.toml, so
that the TOML stays the one place the modality and anatomy concepts are edited."""

from __future__ import annotations

from pathlib import Path

from kg.mapping.facets import scheme_graph

ONTOLOGY = Path(__file__).resolve().parents[1] / "ontology.ttl"
MARKER = "# Dataset facet schemes: imaging modality (id:modality) and anatomy (id:anatomy)."


def main() -> None:
    text = ONTOLOGY.read_text(encoding="utf-8")
    head, sep, tail = text.partition(MARKER)
    if not sep:
        raise SystemExit(f"{ONTOLOGY}: no line '{MARKER}'; add the block's header first")
    header = sep + "".join(tail.splitlines(keepends=True)[:4])  # the marker's comment lines
    g = scheme_graph()
    g.bind("skos", "http://www.w3.org/2004/02/skos/core#")
    g.bind("owl", "http://www.w3.org/2002/07/owl#")
    g.bind("id", "https://w3id.org/medseg-kg/id/")
    body = "\n".join(line for line in g.serialize(format="turtle").splitlines() if not line.startswith("@prefix"))
    ONTOLOGY.write_text(head + header + body.strip("\n") + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
