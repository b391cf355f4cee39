"""The outside world: the survey list, the survey database, arXiv and Semantic Scholar.

Everything here returns plain records (see :mod:`ingest.records`) and knows no RDF;
the graph package ``kg`` maps records to triples. Nothing here imports ``kg``.
"""
