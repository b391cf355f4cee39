# title: unmerge-graphs for a server that keeps the merge in a named graph, <urn:mskg:merge>
# (Virtuoso 7 has no default graph of its own to write: it queries every graph by default)
DELETE { GRAPH <urn:mskg:merge> { ?s ?p ?o } }
WHERE { VALUES ?g { <urn:mskg:graphs> } GRAPH ?g { ?s ?p ?o }
  FILTER NOT EXISTS { VALUES ?h { <urn:mskg:others> } GRAPH ?h { ?s ?p ?o } } }
