# title: Replace one named graph's content (several of these go to the store as one request)
DROP SILENT GRAPH <urn:mskg:graph> ;
INSERT DATA { GRAPH <urn:mskg:graph> {
<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> .
} }
