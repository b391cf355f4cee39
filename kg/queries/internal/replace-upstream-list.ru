# Replace the stored snapshot of the upstream survey list (its triples in place of the data placeholder).
DROP SILENT GRAPH graph:survey-list-upstream ;
INSERT DATA { GRAPH graph:survey-list-upstream {
<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> .
} }
