# (Updates see no union default graph: every pattern names its graph.)
# Repair what earlier runs stored in one live source graph: a reference the source could not
# resolve became a paper with a title only (no arXiv id, DOI or Semantic Scholar id in any
# graph) that no other graph describes, with citations pointing at it. Its triples and the
# citations of it in this graph go; every other paper is untouched.
DELETE { GRAPH <urn:mskg:graph> { ?p ?x ?y . ?c cito:cites ?p } }
WHERE { GRAPH <urn:mskg:graph> { ?p a mskg:Paper }
  FILTER NOT EXISTS { GRAPH ?any { ?p mskg:arxivId|bibo:doi|mskg:s2PaperId ?id } }
  FILTER NOT EXISTS { GRAPH ?other { ?p ?q ?v } FILTER(?other != <urn:mskg:graph>) }
  GRAPH <urn:mskg:graph> { { ?p ?x ?y } UNION { ?c cito:cites ?p } } }
