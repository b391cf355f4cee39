# Repair what earlier runs stored in the live graphs: an arXiv DOI (10.48550/arXiv.X) stated as
# bibo:doi is the arXiv id X, not a DOI. A paper with no arXiv id anywhere gets X as its
# mskg:arxivId in the same graph; then every such bibo:doi goes.
DELETE { GRAPH ?g { ?p bibo:doi ?doi } } INSERT { GRAPH ?g { ?p mskg:arxivId ?id } }
WHERE { VALUES ?g { <urn:mskg:graphs> }
  GRAPH ?g { ?p bibo:doi ?doi } FILTER(STRSTARTS(LCASE(STR(?doi)), "10.48550/arxiv."))
  FILTER NOT EXISTS { GRAPH ?any { ?p mskg:arxivId ?id0 } }
  BIND(REPLACE(SUBSTR(STR(?doi), 16), "v[0-9]+$", "") AS ?id) } ;
DELETE { GRAPH ?g { ?p bibo:doi ?doi } }
WHERE { VALUES ?g { <urn:mskg:graphs> }
  GRAPH ?g { ?p bibo:doi ?doi } FILTER(STRSTARTS(LCASE(STR(?doi)), "10.48550/arxiv.")) }
