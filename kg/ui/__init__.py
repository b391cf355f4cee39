"""The Streamlit app's pages (one module per page family) and what they share
(:mod:`.common`: the read-only store, cached questions, URL state; :mod:`.data`: the tables
pages show). Pages ask the graph only through ``kg/queries`` (saved and internal questions)
and the library (``kg.stats``, ``kg.tracker.review``, ``kg.paths``); they never write the store
or reach the network. Nothing outside ``kg.ui`` (but ``app.py`` and ``kg.cli``) imports it."""
