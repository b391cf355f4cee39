"""The update lock: one `kg update` per store at a time (the file is
:func:`kg.paths.lock_file`)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

EXIT_LOCKED = 3


class UpdateLocked(RuntimeError):
    """Another `kg update` holds the lock."""


@contextlib.contextmanager
def update_lock(path: Path) -> Iterator[None]:
    """An exclusive, non-blocking ``flock``: the kernel releases it when the process dies
    (kill -9 included), so a stale lock file never blocks the next run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip()
            raise UpdateLocked(f"another `kg update` is running ({holder or 'pid unknown'}; lock {path}); "
                               "this run exits without doing anything") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(timezone.utc).isoformat(timespec='seconds')}\n")
        handle.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()
