"""What can go wrong with a store directory, and what the user is told: another process
rewriting it under a reader, another process holding it, a full disk. Used by :mod:`kg.store`.

Readers. Oxigraph's read-only open (RocksDB's ``OpenForReadOnly``) reads the directory's file
list (MANIFEST) and then opens the files it names; a writer that finishes a build meanwhile
(flush, compaction) deletes some of them, and the open fails with ``Corruption: ... No such
file or directory``. The view a reader gets once open is consistent and stays so: it holds
its files open, and RocksDB replays only whole transactions from the log, so a reader sees the
graph before or after a build, never a mix. So a reader that meets a file swap opens again, a
bounded number of times, and then says plainly what is happening.

Writers. RocksDB reports a full disk as ``OSError: IO error: No space left on device`` from
whichever call hit it; the user is told the cause, the path, the space left and the fix.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kg.store_base import STORE_ENV, StoreError

READ_RETRY_DELAYS_S = (0.02, 0.05, 0.1, 0.2, 0.4, 0.8, 1.6, 3.2)
"""Waits between read-only opens that met a writer replacing files: 6.4 s in all, far longer
than the moment a build's flush and compaction take on this graph, short enough to wait for."""

_SWAP_SIGNS = ("corruption", "no such file or directory", "manifest")


def being_rewritten(exc: BaseException) -> bool:
    """Whether an engine error on a read-only store is the mark of a writer replacing files
    (as opposed to a bad directory, a permission, or a query's own error)."""
    if isinstance(exc, StoreError) or not isinstance(exc, (OSError, RuntimeError)):
        return False
    text = str(exc).lower()
    return any(sign in text for sign in _SWAP_SIGNS)


def rewritten_error(path: Path, exc: BaseException) -> StoreError:
    return StoreError(f"the store at {path} is being rewritten by another process (a `kg build`, `kg update` or "
                      f"a writable `kg serve`); try again in a moment (the engine said: {str(exc).splitlines()[0]})")


def is_store_directory(path: Path) -> bool:
    """Whether ``path`` holds a store (RocksDB's CURRENT names its file list)."""
    return (path / "CURRENT").is_file()


def open_read_only(path: Path) -> ox.Store:
    """A consistent read-only view of the store at ``path``, opened again after a short wait
    if a writer was replacing files (see the module's docstring)."""
    if not is_store_directory(path):
        raise StoreError(f"no graph at {path}; run `kg build` first (or pass --store / set {STORE_ENV})")
    for delay in (*READ_RETRY_DELAYS_S, None):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            if not being_rewritten(exc):
                raise StoreError(f"cannot open the store at {path}: {exc}") from exc
            if delay is None:
                raise rewritten_error(path, exc) from exc
            time.sleep(delay)
    raise AssertionError("unreachable")  # the loop returns or raises


def in_use_error(path: Path) -> StoreError:
    return StoreError(f"the store at {path} is in use by another process (a running `kg serve`, build or update); "
                      "stop it, or open the store read-only")


def open_for_writing(path: Path) -> ox.Store:
    """The store at ``path`` opened read-write (created if absent): the one writer."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except (OSError, RuntimeError) as exc:
        if "while lock file" in str(exc).lower():
            raise in_use_error(path) from exc
        raise write_failure(path, "open", exc, "the stored graph is unchanged") from exc


@contextmanager
def holding_write_lock(path: Path) -> Iterator[None]:
    """Hold the store's write lock, without opening the store, for as long as the block runs.

    The lock is RocksDB's own: an fcntl (POSIX record) lock on ``<store>/LOCK``, which every
    read-write open takes (`kg build`, `kg update`, `oxigraph load` and `oxigraph serve` alike),
    so while it is held they all fail with "in use", and nothing here writes a byte of the
    store (opening it read-write would: a new MANIFEST, a log flush, a compaction, all racing
    with a reader opening the same directory). Readers take no lock and keep working. A POSIX
    lock belongs to the process: do not open the same store read-write in the holding process
    (its close would release the lock)."""
    fd = os.open(path / "LOCK", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EAGAIN):
                raise in_use_error(path) from exc
            raise StoreError(f"cannot lock the store at {path}: {exc}") from exc
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock (a killed process releases it too)


def free_space(path: Path) -> str:
    """The space left on the device holding ``path`` (or its nearest existing parent)."""
    probe = path
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        return f"{shutil.disk_usage(probe).free / 2**20:.1f} MB free"
    except OSError:
        return "free space unknown"


def write_failure(path: Path | None, action: str, exc: BaseException, outcome: str) -> StoreError:
    """The StoreError for an engine error while writing: for a full disk (or quota) the cause,
    the path, the space left and the fix; otherwise the engine's words. ``outcome`` says what
    became of the stored graph."""
    where = path if path is not None else "the in-memory store"
    text = str(exc)
    if getattr(exc, "errno", None) == errno.ENOSPC or "no space left on device" in text.lower():
        return StoreError(f"no space left on the device holding {where} ({free_space(path) if path else 'memory'}); "
                          f"free space or use --store on another disk; {outcome}")
    if getattr(exc, "errno", None) == errno.EDQUOT or "quota exceeded" in text.lower():
        return StoreError(f"the disk quota is exhausted for {where}; free space or use --store on another disk; "
                          f"{outcome}")
    return StoreError(f"cannot {action} the store at {where}: {text}; {outcome}")


_CONTENT_FILES = (".sst", ".log", ".blob")  # the data and the log; LOG (the engine's diary) is not content


def disk_fingerprint(path: Path) -> str:
    """A short text that changes whenever a writer changes the store at ``path`` (its file list
    and log grow or are replaced), read from the directory alone, without opening the store.
    A compaction changes it too, which costs a reader one needless reopen, nothing more."""
    for _ in range(5):
        if not is_store_directory(path):
            return "absent"
        try:
            parts = [(path / "CURRENT").read_text(encoding="utf-8").strip()]
            for entry in sorted(path.iterdir()):
                if entry.name.endswith(_CONTENT_FILES) or entry.name.startswith("MANIFEST-"):
                    parts.append(f"{entry.name}:{entry.stat().st_size}")
        except FileNotFoundError:  # a writer removed a file between the listing and its stat
            time.sleep(0.01)
            continue
        return "disk:" + hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]
    # Still changing: a value never seen before, so that no cache hands back an older view.
    return f"changing:{time.time_ns()}"
