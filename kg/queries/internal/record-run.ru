# A run's prov:Activity, and each named graph it wrote described as a prov:Entity generated
# by it: the description an earlier run left for those graphs is replaced, so a graph's
# provenance is always its last writer's.
DELETE { GRAPH graph:provenance { ?g ?p ?o } }
WHERE { GRAPH graph:provenance { VALUES ?g { <urn:mskg:graphs> } ?g ?p ?o } } ;
INSERT DATA { GRAPH graph:provenance {
<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> .
} }
