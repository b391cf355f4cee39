# title: Before a write to some named graphs: take out of the merged default graph the triples
# that only those graphs state (no other named graph keeps them)
# The store keeps the RDF merge of its named graphs in its default graph, each triple once, so
# that every query counts a fact once (kg.store_merge). <urn:mskg:graphs> are the graphs the
# write changes, <urn:mskg:others> every other named graph.
DELETE { ?s ?p ?o }
WHERE { VALUES ?g { <urn:mskg:graphs> } GRAPH ?g { ?s ?p ?o }
  FILTER NOT EXISTS { VALUES ?h { <urn:mskg:others> } GRAPH ?h { ?s ?p ?o } } }
