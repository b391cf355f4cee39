# title: Bring the merged default graph in line with every named graph (a write whose graphs are
# not known from its text, and stores written before the merge was kept): what is missing
# added, what no graph states any more taken out; unchanged triples are not rewritten
INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } } ;
DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }
