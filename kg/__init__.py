"""The medseg-kg graph: vocabulary, store, mapping of records to triples, queries,
networkx views, exports, validation and the ``kg`` command line."""
