# title: Add triples to one named graph, keeping what it holds
INSERT DATA { GRAPH <urn:mskg:graph> {
<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> .
} }
