# title: Recompute the derived graph's aggregates from the merged default graph (kg.derived)
# Run in the same request as a write, after the write's merge, so that readers see the facts
# and their aggregates change together. Each INSERT's WHERE is the question the app asked on
# every visit before (class-counts, citation-count, papers-per-year-per-section,
# taxonomy-of-scheme's counts, leaderboard-datasets) or the best Dice per dataset and
# framework; `kg validate` asks those questions again and compares (derived-rows). The
# citation graph's PageRank rows are not touched here: networkx computes them (kg.derived).
# Row IRIs are a hash of the row's key, so that a row keeps its IRI from write to write.
DELETE { GRAPH graph:derived { ?row ?p ?o } }
WHERE { GRAPH graph:derived { ?row mskg:aggregateName ?name ; ?p ?o FILTER(?name NOT IN ("pagerank", "citation-graph")) } } ;
INSERT { GRAPH graph:derived { ?row a mskg:AggregateRow ; mskg:aggregateName "class-counts" ;
                               mskg:aggregateKey ?what ; mskg:aggregateCount ?n } }
WHERE {
  { SELECT ?what (COUNT(DISTINCT ?x) AS ?n) WHERE {
      { VALUES (?what ?cls) { ("models" mskg:Model) ("papers" mskg:Paper) ("datasets" mskg:Dataset)
                              ("results" mskg:Result) ("people" foaf:Person) ("runs" prov:Activity) }
        ?x a ?cls }
      UNION { BIND("taxonomy sections" AS ?what) ?x skos:topConceptOf id:taxonomy }
      UNION { BIND("taxonomy classes" AS ?what) ?x skos:inScheme id:taxonomy
              FILTER NOT EXISTS { ?x skos:narrower ?n2 } FILTER NOT EXISTS { ?y skos:broader ?x } }
    } GROUP BY ?what }
  BIND(IRI(CONCAT(STR(id:), "aggregate/class-counts/", MD5(?what))) AS ?row)
} ;
INSERT { GRAPH graph:derived { ?row a mskg:AggregateRow ; mskg:aggregateName "class-counts" ;
                               mskg:aggregateKey "citations (cito:cites)" ; mskg:aggregateCount ?n } }
WHERE {
  { SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?a ?b WHERE { ?a cito:cites ?b } } }
  BIND(IRI(CONCAT(STR(id:), "aggregate/class-counts/", MD5("citations (cito:cites)"))) AS ?row)
} ;
INSERT { GRAPH graph:derived { ?row a mskg:AggregateRow ; mskg:aggregateName "papers-per-year-per-section" ;
                               mskg:aggregateKey ?section ; mskg:aggregateYear ?year ; mskg:aggregateCount ?papers } }
WHERE {
  { SELECT ?section ?year (COUNT(DISTINCT ?p) AS ?papers) WHERE {
      { SELECT DISTINCT ?p ?c WHERE { { ?p mskg:category ?c } UNION { ?m mskg:introducedIn ?p ; mskg:category ?c } } }
      { SELECT ?c ?section WHERE {
          ?c skos:prefLabel ?cl .
          OPTIONAL { ?c skos:broader/skos:prefLabel ?sl }
          BIND(COALESCE(?sl, ?cl) AS ?section) } }
      ?p dcterms:issued ?issued .
      FILTER EXISTS { ?p a mskg:Paper }
      BIND(xsd:integer(SUBSTR(STR(?issued), 1, 4)) AS ?year)
    } GROUP BY ?section ?year }
  BIND(IRI(CONCAT(STR(id:), "aggregate/papers-per-year-per-section/", MD5(CONCAT(STR(?section), "|", STR(?year))))) AS ?row)
} ;
INSERT { GRAPH graph:derived { ?row a mskg:AggregateRow ; mskg:aggregateName "concept-counts" ;
                               mskg:aggregateSubject ?c ; mskg:aggregateModels ?models ; mskg:aggregatePapers ?papers } }
WHERE {
  { SELECT DISTINCT ?c WHERE { ?c skos:inScheme ?scheme } }
  OPTIONAL { SELECT ?c (COUNT(DISTINCT ?m) AS ?nm) WHERE {
               ?m mskg:category|dcterms:subject ?c FILTER EXISTS { ?m a mskg:Model } } GROUP BY ?c }
  OPTIONAL { SELECT ?c (COUNT(DISTINCT ?p) AS ?np) WHERE {
               ?p mskg:category|dcterms:subject ?c FILTER EXISTS { ?p a mskg:Paper } } GROUP BY ?c }
  BIND(COALESCE(?nm, 0) AS ?models)
  BIND(COALESCE(?np, 0) AS ?papers)
  BIND(IRI(CONCAT(STR(id:), "aggregate/concept-counts/", MD5(STR(?c)))) AS ?row)
} ;
INSERT { GRAPH graph:derived { ?row a mskg:AggregateRow ; mskg:aggregateName "best-dice" ; mskg:aggregateSubject ?d ;
                               mskg:aggregateFramework ?f ; mskg:bestDice ?best } }
WHERE {
  { SELECT ?d ?f (MAX(?dice) AS ?best) WHERE {
      ?r mskg:dice ?dice ; mskg:dataset ?d ; mskg:model ?m . ?m mskg:framework ?f } GROUP BY ?d ?f }
  BIND(IRI(CONCAT(STR(id:), "aggregate/best-dice/", MD5(CONCAT(STR(?d), "|", STR(?f))))) AS ?row)
} ;
INSERT { GRAPH graph:derived { ?row a mskg:AggregateRow ; mskg:aggregateName "leaderboard-datasets" ;
                               mskg:aggregateSubject ?d ; mskg:aggregateModels ?models } }
WHERE {
  { SELECT ?d (COUNT(DISTINCT ?m) AS ?models) WHERE { ?r mskg:dataset ?d ; mskg:model ?m . ?d rdfs:label ?l } GROUP BY ?d }
  BIND(IRI(CONCAT(STR(id:), "aggregate/leaderboard-datasets/", MD5(STR(?d)))) AS ?row)
}
