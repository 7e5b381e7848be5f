"""The persistent Dagster instance of the project: ``data/dagster`` (env DAGSTER_HOME), never ~."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from support_warehouse import config

# A run whose process died (kill -9, OOM) stays STARTED and would hold the run queue's one slot
# forever; run monitoring (the daemon, under `support-warehouse ui`) marks it failed once it has run
# this long. A night takes minutes; a live run past it is marked failed too (its run lock still
# keeps a second night out until it ends).
MAX_RUNTIME_SECONDS = 3 * 3600

DAGSTER_YAML = f"""\
# Dagster instance of the Support Warehouse (created by support_warehouse/orchestration/instance.py).
# Run history, event logs and schedule/sensor state live in SQLite files next to this file.
telemetry:
  enabled: false
# Re-launch a run whose process crashed (jobs opt in with the dagster/max_retries tag; asset
# failures are retried per step by RetryPolicy, not by re-running the whole night).
run_retries:
  enabled: true
  max_retries: 0
# One night at a time: DuckDB allows a single writer process.
run_queue:
  max_concurrent_runs: 1
# A run whose process died is marked failed after max_runtime_seconds, freeing the queue.
run_monitoring:
  enabled: true
  start_timeout_seconds: 300
  max_resume_run_attempts: 0
  poll_interval_seconds: 30
  max_runtime_seconds: {MAX_RUNTIME_SECONDS}
"""
# sha256 of the dagster.yaml files earlier versions of this module wrote (they named a storage
# class and a run launcher of their own): replaced by the current one; edited files are kept.
_PREVIOUS_YAMLS = {
    "195a98bb0ecc5d4e4e17bee978214f88a816580517440abc329f8977d5064d0a",
    "7827fe2d367eeec1d7dfd6e01069f41c279d7d1da2a8c8e5dfd689ab23deac1f",
    "7a56d48ad66a93159dd5a92aa4349687e3a4570a182438243ad7cf6774947147",
    "e4dc8837734661c8adb6ee42382b43f15724274d4bcd9c149b572ab823182453",
    "e77bd84ced258b73d1a390f839f5f08c4a08979910930c9a4eb368aa5dc3c627",
    "f672c1fce60581dce4e3eccd940b174175033336ed2b5af86c7a6b76543cb191",
}


def ensure_dagster_home(home: Path | None = None) -> Path:
    """Create DAGSTER_HOME (default data/dagster) with a dagster.yaml; export it; return it."""
    home = (home or config.dagster_home()).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    yaml_path = home / "dagster.yaml"
    if not yaml_path.exists() or hashlib.sha256(yaml_path.read_bytes()).hexdigest() in _PREVIOUS_YAMLS:
        yaml_path.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return home
