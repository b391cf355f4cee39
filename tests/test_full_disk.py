"""A full disk, for real: small tmpfs file systems mounted for the test (it runs as root here
and in CI; elsewhere it skips and says why). Every store write ends in one clear message
with the cause, the path, the space left and the fix, never a traceback, and a failed rebuild
leaves the graph that was there."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store import Store, StoreError

KG = [sys.executable, "-m", "kg.cli"]
MB = 2**20


def kg(*args: str, store: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*KG, "--store", str(store), *args], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """mount(size_mb) -> the root of a fresh tmpfs of that size; all unmounted afterwards."""
    mounted: list[Path] = []

    def mount(size_mb: int) -> Path:
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        try:
            proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(where)],
                                  capture_output=True, text=True, timeout=30, check=False)
        except FileNotFoundError:
            pytest.skip("no `mount` command to make a small file system")
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a small tmpfs (needs root): {proc.stderr.strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        # Lazily: a store object still alive in this process (kept by a traceback) holds files open.
        subprocess.run(["umount", "--lazy", str(where)], capture_output=True, timeout=30, check=True)


def fill(disk: Path, leave_bytes: int) -> Path:
    """A file taking all of ``disk`` but ``leave_bytes``."""
    filler = disk / "filler"
    with open(filler, "wb") as fh:
        fh.truncate(0)
        room = shutil.disk_usage(disk).free - leave_bytes
        chunk = b"\0" * MB
        while room > 0:
            fh.write(chunk[:room])
            room -= MB
    return filler


def assert_told_disk_full(proc: subprocess.CompletedProcess, store: Path) -> None:
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    message = " ".join(proc.stderr.split())  # rich and click may wrap the line
    assert f"Error: no space left on the device holding {store} (" in message
    assert " MB free); free space or use --store on another disk; the stored graph is unchanged" in message


def test_a_first_build_on_a_full_disk_says_so(small_disk: Callable[[int], Path]) -> None:
    store = small_disk(2) / "store"
    assert_told_disk_full(kg("build", store=store), store)


def test_a_rebuild_on_a_nearly_full_disk_keeps_the_graph(small_disk: Callable[[int], Path]) -> None:
    disk = small_disk(64)
    store = disk / "store"
    assert kg("build", store=store).returncode == 0
    before = json.loads(kg("stats", "--json", store=store).stdout)
    assert before["classes"]["results"] == 1041 and before["classes"]["runs"] == 1
    filler = fill(disk, 2 * MB)  # the build's one transaction is about 10 MB
    assert_told_disk_full(kg("build", store=store), store)
    after = json.loads(kg("stats", "--json", store=store).stdout)
    assert after == before
    query = kg("query", "lineage-of-medsam2", "-f", "csv", store=store)
    assert query.returncode == 0 and query.stdout.splitlines() == ["ancestor,distance", "SAM 2,1", "SAM,2"]
    filler.unlink()  # room again: the store takes the next build
    assert kg("build", store=store).returncode == 0
    assert json.loads(kg("stats", "--json", store=store).stdout)["classes"]["runs"] == 2


def test_every_write_says_the_disk_is_full(small_disk: Callable[[int], Path], tmp_path: Path) -> None:
    disk = small_disk(3)
    big = tmp_path / "big.nq"  # about 6 MB: twice the disk
    big.write_text("".join(f'<urn:x:s{i}> <urn:x:p> "value {i}, long enough to take some room" <urn:x:g> .\n'
                           for i in range(60000)), encoding="utf-8")
    store = Store.open(disk / "loaded")
    with pytest.raises(StoreError, match=r"no space left on the device holding .*/loaded \(\d+\.\d MB free\); "
                                         r"free space or use --store on another disk; the load is incomplete"):
        store.bulk_load(big, ox.RdfFormat.N_QUADS)
    del store
    fill(disk, 0)
    with pytest.raises(StoreError, match=r"no space left on the device holding .*/new \(0\.0 MB free\)"):
        Store.open(disk / "new")


def test_an_update_on_a_full_disk_leaves_the_graph(small_disk: Callable[[int], Path]) -> None:
    disk = small_disk(16)
    path = disk / "store"
    store = Store.open(path)
    store.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> 1 } }")
    store.flush()
    fill(disk, MB // 2)
    triples = " ".join(f'<urn:x:s{i}> <urn:x:p> "value {i}, long enough to take some room" .' for i in range(40000))
    with pytest.raises(StoreError, match=r"no space left .* the stored graph is unchanged") as caught:
        store.update(f"INSERT DATA {{ GRAPH <urn:x:g> {{ {triples} }} }}")
    assert not isinstance(caught.value.__cause__, StoreError)  # the engine's own error, kept as the cause
    del store
    assert Store.open(path, read_only=True).graph_sizes() == {"urn:x:g": 1}
