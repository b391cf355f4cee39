# Add triples with blank nodes (N-Triples in place of the data placeholder) to one named graph
# as an INSERT template with one solution: one fresh node per label, as INSERT DATA would
# make; for servers that refuse blank nodes in INSERT DATA (Virtuoso 7: "SP031").
INSERT { GRAPH <urn:mskg:graph> {
<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> .
} } WHERE { }
