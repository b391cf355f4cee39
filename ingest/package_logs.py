"""The client packages' own log output kept off the user's terminal: `arxiv` and
`semanticscholar` log a line for each entry they skip or id they do not find, which our run
report already says once per run (source, id, reason). What they log is passed on to our own
logger at DEBUG, so `-v` runs can still read it."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager


class Kept(logging.Handler):
    """Keeps the records it is given (a package's), so none reaches logging's last resort."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.kept: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.kept.append(record)


@contextmanager
def package_output_kept(package: str, ours: logging.Logger) -> Iterator[None]:
    """Within the block, ``package``'s log records and the warnings raised are held back;
    afterwards each is logged on ``ours`` at DEBUG (long lines cut: one "IDs not found" line
    holds a hundred ids)."""
    logger = logging.getLogger(package)
    handler = Kept()
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        for record in handler.kept:
            ours.debug("%s package: %s", package, record.getMessage()[:300])
        for w in caught:
            ours.debug("%s package warned: %s", package, str(w.message)[:300])
