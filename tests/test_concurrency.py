"""Readers while a build writes: `kg build` runs again and again in a subprocess on one store
directory while `kg query` subprocesses and in-process read-only opens read it. Every read must
succeed with the whole graph (the old build or the new one, never a mix, never a traceback);
and a long-lived reader (the app) learns of a new build from :func:`store_version`."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from kg.build import build
from kg.store import Store, StoreError, store_version

KG = [sys.executable, "-m", "kg.cli"]
RESULTS = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a <https://w3id.org/medseg-kg/ontology#Result> }"
RUNS = "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a <http://www.w3.org/ns/prov#Activity> }"
IN_PROCESS_READS, CLI_READS, BUILDS = 200, 25, 5
GIVE_UP_S = 240  # far above the ~20 s this takes; only a hang reaches it


def kg(*args: str, store: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*KG, "--store", str(store), *args], capture_output=True, text=True, env=env,
                          timeout=300, check=False)


@pytest.fixture()
def built(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    store = Store.open(path)
    build(store)
    del store  # release the write lock for the builds in subprocesses
    return path


class Builds:
    """`kg build` in a loop on a thread, until stopped; counts builds and keeps any failure."""

    def __init__(self, path: Path) -> None:
        self.path, self.done, self.failures = path, 0, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            proc = kg("build", store=self.path)
            if proc.returncode != 0:
                self.failures.append(proc.stderr[-2000:])
            self.done += 1


def read_with_the_cli(path: Path, builds: Builds, outcomes: Counter, failures: list[str]) -> None:
    while not builds.stop.is_set():
        proc = kg("query", RESULTS, "-f", "csv", store=path)
        if proc.returncode == 0 and proc.stdout.split() == ["n", "1041"] and "Traceback" not in proc.stderr:
            outcomes["cli ok"] += 1
        else:
            failures.append(f"exit {proc.returncode}: {proc.stdout[-300:]} {proc.stderr[-2000:]}")


def test_readers_never_fail_while_builds_rewrite_the_store(built: Path) -> None:
    builds = Builds(built)
    outcomes: Counter = Counter()
    failures: list[str] = []
    readers = [threading.Thread(target=read_with_the_cli, args=(built, builds, outcomes, failures), daemon=True)
               for _ in range(1)]
    builds.thread.start()
    for reader in readers:
        reader.start()
    give_up = time.monotonic() + GIVE_UP_S
    try:
        while time.monotonic() < give_up and (outcomes["in-process ok"] < IN_PROCESS_READS or builds.done < BUILDS
                                              or outcomes["cli ok"] < CLI_READS):
            try:
                rows = Store.open(built, read_only=True).select(RESULTS).rows
            except (StoreError, OSError, RuntimeError) as exc:  # what a reader used to die of
                failures.append(f"in-process: {type(exc).__name__}: {exc}")
                continue
            if rows == [{"n": 1041}]:
                outcomes["in-process ok"] += 1
            else:
                failures.append(f"in-process: a partial graph: {rows}")
    finally:
        builds.stop.set()
        for thread in (builds.thread, *readers):
            thread.join(timeout=300)
    print(f"reads during {builds.done} builds: {dict(outcomes)}; failed: {len(failures)}")
    assert failures == [] and builds.failures == []
    assert outcomes["in-process ok"] >= IN_PROCESS_READS and outcomes["cli ok"] >= CLI_READS
    assert builds.done >= BUILDS


def test_a_long_lived_reader_learns_of_a_new_build(built: Path) -> None:
    """The app's cached read-only handle keeps the graph it opened on; store_version tells it
    to open again, and reopen() sees the new build."""
    reader = Store.open(built, read_only=True)
    before = store_version(reader)
    assert before == store_version(built) == store_version(str(built))  # no write, no change
    assert reader.select(RUNS).rows == [{"n": 1}]
    assert kg("build", store=built).returncode == 0
    after = store_version(built)
    assert after != before and after == store_version(reader)  # read from the directory, not the handle
    assert reader.select(RUNS).rows == [{"n": 1}]  # the old handle: still the graph it opened on
    assert reader.select(RESULTS).rows == [{"n": 1041}]  # and it still reads, though the build replaced its files
    fresh = reader.reopen()
    assert fresh.read_only and fresh.select(RUNS).rows == [{"n": 2}]
    assert store_version(built.parent / "nothing-here") == "absent"
