# title: merge-graphs for a server that keeps the merge in a named graph, <urn:mskg:merge>
INSERT { GRAPH <urn:mskg:merge> { ?s ?p ?o } } WHERE { VALUES ?g { <urn:mskg:graphs> } GRAPH ?g { ?s ?p ?o } }
