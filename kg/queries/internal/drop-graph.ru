# Remove one named graph (before its new triples arrive in further operations of the same request)
DROP SILENT GRAPH <urn:mskg:graph>
