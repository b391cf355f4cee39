# Remove the stored reference list (outgoing citations and the count of unresolved references)
# of the papers whose reference lists were read again, completely.
DELETE { GRAPH <urn:mskg:graph> { ?s ?p ?o } }
WHERE { GRAPH <urn:mskg:graph> { VALUES ?s { <urn:mskg:subjects> } ?s ?p ?o
        FILTER(?p = cito:cites || ?p = mskg:unresolvedReferenceCount) } }
