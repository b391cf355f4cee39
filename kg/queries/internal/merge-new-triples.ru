# title: After a write to large named graphs: add to the merged default graph the triples of
# <urn:mskg:graphs> it lacks (reads the graphs, writes only what is new)
INSERT { ?s ?p ?o } WHERE { VALUES ?g { <urn:mskg:graphs> } GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }
