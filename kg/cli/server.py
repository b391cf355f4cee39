"""Commands that serve or measure the store: `kg serve`, `kg app` and `kg bench`."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from kg.bench import bench_command
from kg.cli.common import location
from kg.serve import serve_command
from kg.store import redact


@click.command("app")
@click.option("--port", default=8501, show_default=True, help="The port Streamlit listens on (127.0.0.1).")
@click.pass_context
def app_command(ctx: click.Context, port: int) -> None:
    """Open the app on the store (the same app as `streamlit run app.py`, for an installed package).

    Streamlit runs headless on 127.0.0.1, with its usage statistics off: the app reads the local
    store only and talks to no network."""
    from importlib.util import find_spec

    spec = find_spec("kg.ui.app")  # its path, without importing Streamlit into this process
    script = spec.origin if spec is not None and spec.origin else ""
    env = {**os.environ, "MSKG_STORE": str(location(ctx))}
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"]
    click.echo(f"the app on {redact(env['MSKG_STORE'])}: http://127.0.0.1:{port}", err=True)
    sys.exit(subprocess.call(command, env=env))


COMMANDS = [serve_command, app_command, bench_command]
