# Remove the stored outgoing citations of the papers whose reference lists were read again.
DELETE { GRAPH <urn:mskg:graph> { ?s cito:cites ?o } }
WHERE { GRAPH <urn:mskg:graph> { VALUES ?s { <urn:mskg:subjects> } ?s cito:cites ?o } }
