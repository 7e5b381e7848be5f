"""The persistent Dagster instance of the project: ``data/dagster`` (env DAGSTER_HOME), never ~."""

from __future__ import annotations

import os
from pathlib import Path

from support_warehouse import config

DAGSTER_YAML = """\
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
# Dagster's SQLite event log, cheaper per event (support_warehouse/orchestration/storage.py); same files and layout.
event_log_storage:
  module: support_warehouse.orchestration.storage
  class: FastSqliteEventLogStorage
  config:
    base_dir:
      env: DAGSTER_HOME
"""
# Run monitoring (the daemon, under `support-warehouse ui`): a run whose process died (kill -9, OOM)
# is marked failed instead of staying STARTED and holding the queue's one slot forever. The default
# launcher plus a check of the run's process (support_warehouse/orchestration/launcher.py).
RUN_MONITORING_YAML = """\
run_launcher:
  module: support_warehouse.orchestration.launcher
  class: MonitoredRunLauncher
run_monitoring:
  enabled: true
  start_timeout_seconds: 300
  max_resume_run_attempts: 0
  poll_interval_seconds: 30
"""
# dagster.yaml files this module wrote before: replaced by the current one (edited files are kept).
_PREVIOUS_YAMLS = (DAGSTER_YAML.split("# Dagster's SQLite event log")[0], DAGSTER_YAML)
DAGSTER_YAML += RUN_MONITORING_YAML


def ensure_dagster_home(home: Path | None = None) -> Path:
    """Create DAGSTER_HOME (default data/dagster) with a dagster.yaml; export it; return it."""
    home = (home or config.dagster_home()).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    yaml_path = home / "dagster.yaml"
    if not yaml_path.exists() or yaml_path.read_text() in _PREVIOUS_YAMLS:
        yaml_path.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return home
