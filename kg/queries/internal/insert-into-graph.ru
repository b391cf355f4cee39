# Add triples (N-Triples in place of the data placeholder) to one named graph.
INSERT DATA { GRAPH <urn:mskg:graph> {
<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> .
} }
