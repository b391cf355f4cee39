# Re-derive graph:curation and the candidates' status and class from the curation file's
# decisions in force (their triples in place of the data placeholder). Accepted papers
# listed as <urn:mskg:take_prediction> keep the class the classifier predicted. An
# undecided candidate is "candidate" with its prediction as class; a decided paper has its
# status and class in graph:curation only, so the union states one of each per paper.
DROP SILENT GRAPH graph:curation ;
INSERT DATA { GRAPH graph:curation {
<urn:mskg:data> <urn:mskg:data> <urn:mskg:data> .
} } ;
INSERT { GRAPH graph:curation { ?p mskg:category ?c } }
WHERE { VALUES ?p { <urn:mskg:take_prediction> } GRAPH graph:candidates { ?p mskg:predictedCategory ?c } } ;
# A decision on a paper no other graph types (not yet brought in by `kg update`, or its
# candidate dropped) keeps its status, but graph:curation does not type the paper itself:
# typed there alone it was an untitled mskg:Paper, and `kg validate` failed on every later
# build (issue #14, row 7). A rejected paper stays rejected, whatever became of its candidate.
DELETE { GRAPH graph:curation { ?p a mskg:Paper } }
WHERE { GRAPH graph:curation { ?p a mskg:Paper }
        FILTER NOT EXISTS { GRAPH ?g { ?p a mskg:Paper } FILTER(?g != graph:curation) } } ;
DELETE { GRAPH graph:candidates { ?p mskg:reviewStatus ?s } }
WHERE { GRAPH graph:candidates { ?p mskg:reviewStatus ?s } } ;
DELETE { GRAPH graph:candidates { ?p mskg:category ?c } }
WHERE { GRAPH graph:candidates { ?p mskg:category ?c } } ;
INSERT { GRAPH graph:candidates { ?p mskg:reviewStatus "candidate" . ?p mskg:category ?c } }
WHERE { GRAPH graph:candidates { ?p mskg:predictedCategory ?c }
        FILTER NOT EXISTS { GRAPH graph:curation { ?p mskg:reviewStatus ?x } } }
