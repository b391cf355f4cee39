"""Shared fixtures: the survey graph built once per session into a real on-disk store."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import BuildReport, build
from kg.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("store") / "graph"


@pytest.fixture(scope="session")
def build_report(store_dir: Path) -> BuildReport:
    store = Store.open(store_dir)
    report = build(store)
    del store  # release the write lock so read-only openers and subprocesses can use it
    return report


@pytest.fixture(scope="session")
def store(build_report: BuildReport, store_dir: Path) -> Store:
    return Store.open(store_dir, read_only=True)
