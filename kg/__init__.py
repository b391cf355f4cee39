"""The medseg-kg graph and what runs on it.

Graph modules: :mod:`.vocab` (namespaces, named graphs), the stores (:mod:`.store`,
:mod:`.store_merge`, :mod:`.remote_store`), :mod:`.queries` (the one ``.rq`` loader),
:mod:`.mapping` (records -> triples), the survey build (:mod:`.build`, :mod:`.resolve`,
:mod:`.people`), readers (:mod:`.taxonomy`, :mod:`.schemes`, :mod:`.stats`, :mod:`.views`),
checks (:mod:`.validate`, :mod:`.owl_check`), writers (:mod:`.export`, :mod:`.bibtex`,
:mod:`.survey_md`, :mod:`.release`), :mod:`.serve` with its Linked Data front, :mod:`.bench`.
The README's "Layout" names every module. On top of them:
:mod:`.tracker` (the live pipeline), then :mod:`.cli` and :mod:`.ui`, which nothing imports.
Everything here may import ``ingest``; ``ingest`` never imports ``kg``."""
