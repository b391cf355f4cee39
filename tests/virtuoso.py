"""A throwaway Virtuoso 7 server for the remote-store tests: Debian's ``virtuoso-t`` (package
virtuoso-opensource-7-bin) on free ports of 127.0.0.1, its database in a temporary directory,
the SPARQL endpoint at ``/sparql`` with updates allowed (the ``SPARQL_UPDATE`` grant, through
``isql-vt``). Skips the test, saying why, when the binaries are not installed."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from kg.serve import free_port

INSTALL = "apt-get install virtuoso-opensource-7-bin (Debian/Ubuntu)"

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 4
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""

# The anonymous web user "SPARQL" may query; SPARQL 1.1 Update needs this grant.
GRANT = 'grant SPARQL_UPDATE to "SPARQL";'


def _wait_for(url: str, process: subprocess.Popen, log: Path, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors='replace')[-2000:]
            raise AssertionError(f"virtuoso-t exited with {process.returncode}:\n{tail}")
        try:
            if requests.post(url, data={"query": "ASK {}"}, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"virtuoso-t did not answer at {url} within {timeout_s:.0f} s")


@contextmanager
def virtuoso_server(directory: Path) -> Iterator[str]:
    """A Virtuoso server on a fresh database in ``directory``; yields its /sparql endpoint."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if binary is None or isql is None:
        pytest.skip(f"Virtuoso 7 is not installed (virtuoso-t, isql-vt); {INSTALL}")
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(INI.format(dir=directory, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = directory / "stdout.txt"
    with open(log, "wb") as out:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=directory,
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{http_port}/sparql"
    try:
        _wait_for(url, process, directory / "virtuoso.log")
        # dba/dba: a fresh database's default, on loopback, in a directory removed after the tests.
        subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={GRANT}"], check=True,
                       capture_output=True, timeout=60)
        yield url
    finally:
        process.terminate()  # Virtuoso checkpoints and stops on SIGTERM
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
