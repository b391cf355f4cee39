# Remove what one live source graph said about the refreshed subjects, before the source's new
# record of them is inserted in the same request. Their citations and the count of references
# the source could not resolve stay: they belong to the reference list, which is replaced only
# when it was read again (refresh-live-references).
DELETE { GRAPH <urn:mskg:graph> { ?s ?p ?o } }
WHERE { GRAPH <urn:mskg:graph> { VALUES ?s { <urn:mskg:subjects> } ?s ?p ?o
        FILTER(?p != cito:cites && ?p != mskg:unresolvedReferenceCount) } }
