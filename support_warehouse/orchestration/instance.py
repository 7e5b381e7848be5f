"""The persistent Dagster instance of the project: ``data/dagster`` (env DAGSTER_HOME), never ~."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path
from typing import Any

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


# SQLite `synchronous` of Dagster's event-log files (DAGSTER_HOME/history/runs/*.db). Dagster opens
# a new connection per stored event (two for asset and check events); in WAL mode each commit,
# and the checkpoint when that connection closes, waits for fsync: ~1,200 events of a night spent
# more wall time waiting for the disk than dbt spent on its nodes, with the dbt step's output
# unread meanwhile. OFF: no fsync (an application crash loses nothing, an OS crash or power loss
# may lose or damage run logs, never the warehouse or the run list). SW_DAGSTER_EVENT_LOG_SYNC=full
# restores SQLite's default. DECISIONS.md, "Dagster's event log without fsync".
EVENT_LOG_SYNC_ENV = "SW_DAGSTER_EVENT_LOG_SYNC"
_SYNC_LEVELS = ("off", "normal", "full", "extra")


def event_log_sync() -> str:
    value = os.environ.get(EVENT_LOG_SYNC_ENV, "off").strip().lower() or "off"
    if value not in _SYNC_LEVELS:
        raise ValueError(f"{EVENT_LOG_SYNC_ENV}={value!r}: expected one of {', '.join(_SYNC_LEVELS)}")
    return value


def _is_event_log_file(database: str) -> bool:
    path = Path(database)
    return path.suffix == ".db" and path.parent.name == "runs" and path.parent.parent.name == "history"


def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:  # noqa: ARG001 - SQLAlchemy's signature
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    sync = event_log_sync()
    if sync == "full":
        return
    rows = dbapi_connection.execute("pragma database_list").fetchall()
    if any(name == "main" and _is_event_log_file(file or "") for _, name, file in rows):
        dbapi_connection.execute(f"pragma synchronous={sync}")


def install_event_log_sync() -> None:
    """Every SQLite connection this process opens to a Dagster event-log file gets
    ``synchronous`` = SW_DAGSTER_EVENT_LOG_SYNC (SQLAlchemy's public ``connect`` event on all
    engines; Dagster's storage is configured as usual in dagster.yaml). Idempotent."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event_log_sync()  # a bad value fails here, before any run starts
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)


def ensure_dagster_home(home: Path | None = None) -> Path:
    """Create DAGSTER_HOME (default data/dagster) with a dagster.yaml; export it; return it."""
    home = (home or config.dagster_home()).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    yaml_path = home / "dagster.yaml"
    if not yaml_path.exists() or hashlib.sha256(yaml_path.read_bytes()).hexdigest() in _PREVIOUS_YAMLS:
        yaml_path.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    install_event_log_sync()
    return home
