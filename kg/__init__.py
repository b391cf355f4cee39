"""The medseg-kg graph and what runs on it.

Graph modules: :mod:`.vocab` (namespaces, named graphs), :mod:`.store`, :mod:`.queries` (the one
``.rq`` loader), :mod:`.mapping` (records -> triples), :mod:`.resolve`, :mod:`.build`,
:mod:`.taxonomy`, :mod:`.stats`, :mod:`.views`, :mod:`.export`, :mod:`.restore`,
:mod:`.validate`, :mod:`.paths`, :mod:`.serve`, :mod:`.bench`. On top of them:
:mod:`.tracker` (the live pipeline), then :mod:`.cli` and :mod:`.ui`, which nothing imports.
Everything here may import ``ingest``; ``ingest`` never imports ``kg``."""
