"""Streamlit entry point: explore the medseg-kg graph (``streamlit run app.py`` after ``kg build``).

The app reads the store read-only and never talks to the network itself (app -> kg -> ingest);
its pages and navigation live in :mod:`kg.ui` (:mod:`kg.ui.app`).
"""

from kg.ui.app import main

main()
