# title: Replace the derived graph's PageRank rows (and the row of the citation graph they were
# computed on) by the rows given (kg.derived computes them with networkx)
DELETE { GRAPH graph:derived { ?row ?p ?o } }
WHERE { GRAPH graph:derived { ?row mskg:aggregateName ?name ; ?p ?o FILTER(?name IN ("pagerank", "citation-graph")) } } ;
INSERT DATA { GRAPH graph:derived {
<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> .
} }
