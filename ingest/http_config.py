"""The knobs of the HTTP policy, in one dataclass.

Their own module because every part of the policy reads them (the session and its
cache, pacing, retries, record/replay) and none of those parts should import the
policy itself to learn its settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class HttpConfig:
    """Knobs of the policy. Defaults suit a weekly cron run; tests set them small."""

    cache_dir: Path | None = None  # None: no persistent cache
    cache_expire_seconds: float = 7 * 24 * 3600
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_attempts: int = 5  # first try included
    backoff_base: float = 2.0  # seconds; waits are base, 2*base, 4*base ...
    backoff_max: float = 120.0
    wait_budget_seconds: float = 900.0
    # host[:port] -> minimum seconds between two requests that reach the network
    rate_limits: dict[str, float] = field(default_factory=dict)
    record_dir: Path | None = None
    replay_dir: Path | None = None
