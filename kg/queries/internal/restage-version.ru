# Write one version of the taxonomy read from the upstream list into graph:taxonomy-staged
# (its triples in place of the data placeholder), replacing what an earlier run derived for
# it: the places of entries under its concepts, its concepts' notations and scope notes, the
# crosswalk links into it and their statements (IRIs starting with "urn:mskg:prefix").
# Concepts themselves, strategies and notes stay: candidates may point at a concept, and a
# model's strategy is a fact about the model.
DELETE { GRAPH graph:taxonomy-staged { ?x dcterms:subject ?c } }
WHERE { GRAPH graph:taxonomy-staged { ?x dcterms:subject ?c . ?c skos:inScheme <urn:mskg:scheme> } } ;
DELETE { GRAPH graph:taxonomy-staged { ?c skos:notation ?n } }
WHERE { GRAPH graph:taxonomy-staged { ?c skos:inScheme <urn:mskg:scheme> ; skos:notation ?n } } ;
DELETE { GRAPH graph:taxonomy-staged { ?c skos:scopeNote ?n } }
WHERE { GRAPH graph:taxonomy-staged { ?c skos:inScheme <urn:mskg:scheme> ; skos:scopeNote ?n } } ;
DELETE { GRAPH graph:taxonomy-staged { ?a ?m ?c } }
WHERE { VALUES ?m { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }
        GRAPH graph:taxonomy-staged { ?a ?m ?c . ?c skos:inScheme <urn:mskg:scheme> } } ;
DELETE { GRAPH graph:taxonomy-staged { ?l ?p ?o } }
WHERE { GRAPH graph:taxonomy-staged { ?l ?p ?o } FILTER(STRSTARTS(STR(?l), "urn:mskg:prefix")) } ;
INSERT DATA { GRAPH graph:taxonomy-staged {
<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> .
} }
