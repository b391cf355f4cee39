# title: After a bulk load in pieces: the named graphs' triples with a blank node, added to the
# merged default graph (the loader put them in one piece, loaded as quads only, so each blank
# node stays the node the named graph holds)
INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?s) || isBlank(?o)) }
