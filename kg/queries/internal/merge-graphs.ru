# title: After a write to some named graphs: add their triples to the merged default graph
# (a triple already there stays one triple: a graph is a set)
INSERT { ?s ?p ?o } WHERE { VALUES ?g { <urn:mskg:graphs> } GRAPH ?g { ?s ?p ?o } }
