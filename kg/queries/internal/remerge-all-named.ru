# title: remerge-all for a server that keeps the merge in a named graph, <urn:mskg:merge>, from
# the named graphs <urn:mskg:graphs> (Virtuoso's GRAPH ?g also reaches its own system graphs)
DROP SILENT GRAPH <urn:mskg:merge> ;
INSERT { GRAPH <urn:mskg:merge> { ?s ?p ?o } } WHERE { VALUES ?g { <urn:mskg:graphs> } GRAPH ?g { ?s ?p ?o } }
