"""The HTML page a browser gets for a resource IRI (`kg serve`): its name and types, each
statement with links to the resources it names (local links, so a reader can walk the graph
on the same server), the resources that point at it, and links to its Turtle, JSON-LD and
N-Triples forms. Plain HTML, no script: it has to be readable by anyone who pastes an IRI."""

from __future__ import annotations

from collections import defaultdict
from html import escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.descriptions import FORMS, local_path
from kg.vocab import short_iri

NAMES = (RDFS.label, SKOS.prefLabel, DCTERMS.title)
MAX_LINKS_HERE = 500  # a dataset has a few hundred results pointing at it; more says "and N more"
STYLE = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}"
         "table{border-collapse:collapse;width:100%}td,th{border-top:1px solid #ddd;padding:.3rem;vertical-align:top;"
         "text-align:left}th{width:14rem;font-weight:normal;color:#555}code{font-size:.9em}small{color:#777}")


def name_of(graph: Graph, node: Node) -> str:
    """A resource's name for people: its label, preferred label or title (English or untagged
    first), else its short IRI."""
    for predicate in NAMES:
        names = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
        if names:
            names.sort(key=lambda o: (o.language not in (None, "en"), str(o)))
            return str(names[0])
    return short_iri(node)


def link(graph: Graph, node: URIRef) -> str:
    """A link to ``node``: on this server if the IRI is ours, else to the IRI itself."""
    href = local_path(str(node)) or str(node)
    return f'<a href="{escape(href)}" title="{escape(str(node))}">{escape(name_of(graph, node))}</a>'


def value_html(graph: Graph, node: Node, depth: int = 0) -> str:
    if isinstance(node, URIRef):
        return link(graph, node)
    if isinstance(node, BNode):
        if depth > 3:  # the description closes blank nodes one level deep; deeper ones are cut
            return "<small>(a blank node)</small>"
        rows = "".join(f"<li>{link(graph, p)}: {value_html(graph, o, depth + 1)}</li>"
                       for p, o in sorted(graph.predicate_objects(node)))
        return f"<ul>{rows}</ul>"
    literal = node if isinstance(node, Literal) else Literal(str(node))
    note = f" <small>@{escape(literal.language)}</small>" if literal.language else (
        f" <small>{escape(short_iri(literal.datatype))}</small>" if literal.datatype else "")
    return f"{escape(str(literal))}{note}"


def statements_table(graph: Graph, subject: Node) -> str:
    """``subject``'s statements, one row per predicate, its values in order."""
    by_predicate: dict[URIRef, list[Node]] = defaultdict(list)
    for p, o in graph.predicate_objects(subject):
        by_predicate[p].append(o)
    rows = []
    for p in sorted(by_predicate, key=lambda p: (p != RDF.type, short_iri(p))):
        values = sorted(by_predicate[p], key=lambda o: (not isinstance(o, URIRef), str(o)))
        rows.append(f"<tr><th>{link(graph, p)}</th><td>{'<br>'.join(value_html(graph, o) for o in values)}</td></tr>")
    return f"<table>{''.join(rows)}</table>" if rows else "<p>No statements.</p>"


def links_here(graph: Graph, iri: URIRef) -> str:
    incoming = sorted(((p, s) for s, p in graph.subject_predicates(iri)), key=lambda ps: (short_iri(ps[0]), str(ps[1])))
    if not incoming:
        return ""
    rows = "".join(f"<tr><th>{link(graph, s) if isinstance(s, URIRef) else '(a blank node)'}</th>"
                   f"<td>{link(graph, p)}</td></tr>" for p, s in incoming[:MAX_LINKS_HERE])
    more = (f"<p>and {len(incoming) - MAX_LINKS_HERE} more (see the Turtle)</p>"
            if len(incoming) > MAX_LINKS_HERE else "")
    return f"<h2>Links here ({len(incoming)})</h2><table>{rows}</table>{more}"


def forms_line(path: str) -> str:
    links = " · ".join(f'<a href="{escape(path)}?format={f.key}" type="{f.media_type}">{f.key}</a>'
                       for f in FORMS if f.rdflib_format)
    return f"<p><small>Also as {links} (or ask with an Accept header).</small></p>"


def page(title: str, body: str) -> bytes:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} · medseg-kg</title>'
            f"<style>{STYLE}</style></head><body>{body}</body></html>").encode("utf-8")


def resource_page(graph: Graph, iri: str, path: str) -> bytes:
    """The page of resource ``iri`` (its description ``graph``), answered at ``path``."""
    node = URIRef(iri)
    title = name_of(graph, node)
    types = ", ".join(link(graph, t) for t in sorted(graph.objects(node, RDF.type)) if isinstance(t, URIRef))
    body = (f"<h1>{escape(title)}</h1><p><code>{escape(iri)}</code>{' · ' + types if types else ''}</p>"
            f"{forms_line(path)}<h2>Statements</h2>{statements_table(graph, node)}{links_here(graph, node)}")
    return page(title, body)


def graph_page(iri: str, path: str, size: int, description: Graph) -> bytes:
    """The page of named graph ``iri`` (``size`` triples): what it is, and where its content is."""
    body = (f"<h1>Named graph {escape(short_iri(iri))}</h1><p><code>{escape(iri)}</code></p>"
            f"<p>{size} triples.</p>{forms_line(path)}")
    if len(description):
        body += f"<h2>About this graph</h2>{statements_table(description, URIRef(iri))}"
        body += links_here(description, URIRef(iri))
    return page(short_iri(iri), body)


def ontology_page(graph: Graph, iri: str, path: str) -> bytes:
    """The ontology's page: its header, then one section per term, anchored by the term's
    fragment, so that ``…/ontology#Model`` opens at the class Model."""
    head = URIRef(iri)
    title = name_of(graph, head)
    sections = []
    terms = sorted((s for s in set(graph.subjects()) if isinstance(s, URIRef) and s != head),
                   key=lambda s: str(s))
    for term in terms:
        anchor = str(term).split("#", 1)[1] if "#" in str(term) else ""
        heading = f'<h2 id="{escape(anchor)}">' if anchor else "<h2>"
        sections.append(f"{heading}{escape(name_of(graph, term))} <small>{escape(short_iri(term))}</small></h2>"
                        f"{statements_table(graph, term)}")
    body = (f"<h1>{escape(title)}</h1><p><code>{escape(iri)}</code></p>{forms_line(path)}"
            f"{statements_table(graph, head)}{''.join(sections)}")
    return page(title, body)
