# title: Rebuild the merged default graph from every named graph (a write whose graphs are not
# known from its text, and stores written before the merge was kept)
DROP SILENT DEFAULT ;
INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }
