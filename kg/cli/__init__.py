"""The command line (``kg``): the click group in :mod:`kg.cli.main`, one module per family of
commands. It sits on top: it may import every other part of ``kg`` (and ``ingest``), and
nothing imports it."""

from kg.cli.main import main

__all__ = ["main"]
