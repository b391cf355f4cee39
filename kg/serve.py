"""`kg serve`: the store as a standard SPARQL 1.1 Protocol endpoint, served by the Oxigraph
server (the ``oxigraph`` binary of the PyPI package ``oxigraph``, pinned to the pyoxigraph
version that wrote the store, so it reads the same on-disk format).

Read-only by default. ``oxigraph serve-read-only`` takes no lock on the directory (several
readers may share it), so on its own it would let a `kg build` write under a running server,
which Oxigraph calls undefined behaviour. This command therefore holds the store's write lock
itself, for as long as the server runs: every writer (`kg build`, `kg update`, `oxigraph load`)
is refused with "the store is in use", while read-only commands (`kg query`, `kg stats`,
`kg export`, `kg validate`, the app) keep working on the same directory. It takes RocksDB's
own lock without opening the store (:func:`kg.store_disk.holding_write_lock`): opening it
read-write beside the server rewrote files the server was reading ("MANIFEST may be
corrupted"). A build still running when `kg serve` starts holds the lock, so the server does
not start on a half-written store: it says the store is in use. With ``--writable``
the server (``oxigraph serve``) holds the lock and takes updates; the other commands can still
open the store read-only, but see it as it was when they opened it.

In front of the Oxigraph server (on an internal loopback port) sits :mod:`kg.linked_data`, on the
port the user asked for: it answers resource IRIs (``/id/...``, ``/ontology``, ``/graph/...``)
as Linked Data and forwards everything else, SPARQL included, to the server unchanged.

The default graph the endpoint answers from is the store's own: the merge of the named graphs,
each triple once, which every write through kg keeps (:mod:`kg.store_merge`), so the saved
questions mean the same over HTTP as in `kg query`. (Not ``--union-default-graph``: Oxigraph's
union hands back a fact once per source that states it.) A store written before the merge was
kept is merged before it is served.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import click

from kg.linked_data import linked_data_front
from kg.queries import internal
from kg.store import StoreError, default_store_location, merge_if_needed, store_url
from kg.store_disk import holding_write_lock, is_store_directory

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary: next to this Python (the venv's bin), else on PATH."""
    sibling = Path(sys.executable).parent / "oxigraph"
    if sibling.is_file() and os.access(sibling, os.X_OK):
        return str(sibling)
    found = shutil.which("oxigraph")
    if found:
        return found
    import pyoxigraph

    raise StoreError("the Oxigraph server binary `oxigraph` is not installed; "
                     f"install it with: pip install 'oxigraph=={pyoxigraph.__version__}'")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to stop the server if its parent dies (even by SIGKILL)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def wait_until_ready(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    """Poll the query endpoint until it answers (or the process dies, or ``timeout`` passes)."""
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise StoreError(f"the Oxigraph server exited with status {process.returncode}: {err.strip()}")
        try:
            if requests.get(f"{url}/query", params={"query": internal("ping")}, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    process.terminate()
    raise StoreError(f"the Oxigraph server did not answer at {url} within {timeout:.0f} s")


def server_command(location: Path | None, host: str, port: int, *, writable: bool,
                   timeout_s: int | None = None, union: bool = False) -> list[str]:
    if location is None and not writable:
        raise ValueError("a read-only server needs a store directory")
    cmd = [oxigraph_binary(), "serve" if writable else "serve-read-only"]
    if location is not None:
        cmd += ["--location", str(location)]
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    cmd += ["--bind", bind]
    if union:
        cmd.append("--union-default-graph")
    if timeout_s:
        cmd += ["--timeout-s", str(timeout_s)]
    return cmd


@dataclass
class RunningServer:
    url: str  # the base URL; the endpoints are url + /query, /update, /store
    process: subprocess.Popen


@contextmanager
def oxigraph_server(location: Path | None, *, host: str = "127.0.0.1", port: int = 0, writable: bool = False,
                    timeout_s: int | None = None, union: bool = False) -> Iterator[RunningServer]:
    """Run an Oxigraph server on ``location`` (None: in memory, writable only) and yield it
    once it answers; stop it on exit. Used by `kg serve` and the tests."""
    port = port or free_port(host)
    # preexec_fn is the only way to set PR_SET_PDEATHSIG for the child; it makes one prctl call
    # and nothing that could wait on a lock another thread held at the fork.
    command = server_command(location, host, port, writable=writable, timeout_s=timeout_s, union=union)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=_die_with_parent)  # noqa: PLW1509
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    try:
        wait_until_ready(url, process)
        yield RunningServer(url, process)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr:
            process.stderr.close()


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def servable_directory(location: str | Path, *, writable: bool) -> Path:
    """The store directory at ``location`` that `kg serve` can serve (StoreError: why not)."""
    if store_url(location):
        raise StoreError(f"{store_url(location)} is already a SPARQL endpoint; `kg serve` serves a store directory")
    path = Path(location).expanduser()
    if not writable and not is_store_directory(path):
        raise StoreError(f"no graph at {path}; run `kg build` first (or pass --store / set MSKG_STORE)")
    return path


def exposure_warning(host: str, writable: bool) -> str | None:
    """What to tell the user before listening beyond loopback (the endpoint has no authentication)."""
    if host in LOOPBACK:
        return None
    return (f"warning: listening on {host}: anyone who can reach this machine can query the graph"
            + (" and change it" if writable else ""))


def endpoint_lines(url: str, path: Path, writable: bool) -> list[str]:
    """Where a running server answers, as `kg serve` prints it (the first line is read by scripts)."""
    mode = "read-write" if writable else "read-only"
    return [f"SPARQL endpoint ({mode}) over {path}: {url}/query",
            f"  update: {url}/update" + ("" if writable else " (refused: read-only)"),
            f"  Graph Store Protocol: {url}/store",
            f"  resources (Turtle, JSON-LD, N-Triples, HTML): {url}/id/..., {url}/ontology, {url}/graph/...",
            f"  web UI: {url}/    stop with Ctrl-C"]


def serve_until_stopped(path: Path, *, host: str, port: int, writable: bool, timeout_s: int | None,
                        say: Callable[[str], None], note: Callable[[str], None]) -> None:
    """Serve the store at ``path`` until Ctrl-C, `kill` or a closed terminal; ``say`` the
    endpoints once the server answers, ``note`` that it stops. StoreError if it cannot start,
    or if the server stops on its own."""
    # Read-only: hold the write lock ourselves (without opening the store), so that no writer
    # changes it under the server. Writable: make sure nobody else holds it, then let the server take it.
    if writable and path.exists():
        with holding_write_lock(path):
            pass
    if not writable:
        merge_if_needed(path)
    guard = nullcontext() if writable else holding_write_lock(path)
    # Ctrl-C, `kill` and a closed terminal all stop the server (SIGINT is set explicitly: a shell
    # starts background jobs with it ignored, and Python would keep ignoring it).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _raise_keyboard_interrupt)
    # The Oxigraph server listens on loopback only; the front (kg.linked_data) on host:port
    # answers resource IRIs itself and forwards every SPARQL request to it.
    with guard, oxigraph_server(path, writable=writable, timeout_s=timeout_s) as server, \
            linked_data_front(host, port, server.url, timeout_s=timeout_s) as url:
        try:  # a stop may come as soon as the first line is out (a script read it): still a clean stop
            for line in endpoint_lines(url, path, writable):
                say(line)
            sys.stdout.flush()
            status = server.process.wait()
        except KeyboardInterrupt:
            note("stopping the server")
        else:
            raise StoreError(f"the Oxigraph server stopped unexpectedly (exit status {status})")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; anything but loopback exposes the endpoint (no authentication) "
                   "to the network.")
@click.option("--port", default=7878, show_default=True, help="Port to listen on (0: any free port).")
@click.option("--writable", is_flag=True, help="Accept SPARQL updates and Graph Store Protocol writes.")
@click.option("--timeout-s", type=int, default=None, help="Stop any query running longer than this many seconds.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, writable: bool, timeout_s: int | None) -> None:
    """Serve the store as a SPARQL 1.1 endpoint (read-only unless --writable) until Ctrl-C.

    Queries see the merge of the named graphs (each triple once) as the default graph, like
    `kg query`. Resource IRIs resolve too: /id/model/medsam2 answers Turtle, JSON-LD, N-Triples
    or HTML by Accept.
    While it runs, commands that write the store say it is in use; read-only ones work."""
    location = (ctx.obj or {}).get("store") or default_store_location()
    try:
        path = servable_directory(location, writable=writable)
        warning = exposure_warning(host, writable)
        if warning:
            click.echo(warning, err=True)
        serve_until_stopped(path, host=host, port=port, writable=writable, timeout_s=timeout_s,
                            say=click.echo, note=lambda message: click.echo(message, err=True))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from exc
