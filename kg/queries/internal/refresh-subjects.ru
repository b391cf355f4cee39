# Remove what one source graph said about the refreshed subjects (their citations apart),
# before the source's new record of them is inserted in the same request.
DELETE { GRAPH <urn:mskg:graph> { ?s ?p ?o } }
WHERE { GRAPH <urn:mskg:graph> { VALUES ?s { <urn:mskg:subjects> } ?s ?p ?o FILTER(?p != cito:cites) } }
