"""Commands that serve or measure the store: `kg serve` and `kg bench`."""

from __future__ import annotations

from kg.bench import bench_command
from kg.serve import serve_command

COMMANDS = [serve_command, bench_command]
