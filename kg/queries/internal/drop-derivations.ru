# title: The earlier derivations' activities, before a new one is recorded (kg.mapping.derived)
# The derived graph is recomputed by every write; its provenance is its last derivation's, as
# a run's graphs keep their last writer's (record-run), so the provenance graph does not grow
# by an activity per review click.
DELETE { GRAPH graph:provenance { ?act ?p ?o } }
WHERE { GRAPH graph:provenance { ?act a mskg:Derivation ; ?p ?o } }
