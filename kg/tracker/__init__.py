"""The live pipeline: the discovery config and HTTP policy (:mod:`.config`, :mod:`.sources`),
the paper index, `kg enrich`, the weekly update (discover, place = classify + link, update,
lock, report), the review queue and its decisions, taxonomy versions, the digest. Where a
store's companions live is :mod:`kg.paths`. It uses the graph modules (store, queries, mapping,
taxonomy) and ``ingest``; it never imports :mod:`kg.cli` or :mod:`kg.ui`."""
