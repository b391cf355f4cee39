# title: After a write: take out of the merged default graph the triples no named graph states
# any more (reads the merge, writes only what went)
DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }
