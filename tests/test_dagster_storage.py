"""The project's Dagster instance (support_warehouse/orchestration/instance.py): Dagster's default
storage under DAGSTER_HOME, read by other processes (the UI); older generated dagster.yaml files
are replaced, edited ones kept."""

from __future__ import annotations

from pathlib import Path

import pytest

# What the previous version wrote after the lines the current file starts with: its own event log
# storage and run launcher, from the package's former location (no longer importable).
PREVIOUS_TAIL = """\
# Dagster's SQLite event log, cheaper per event (orchestration/storage.py); same files and layout.
event_log_storage:
  module: orchestration.storage
  class: FastSqliteEventLogStorage
  config:
    base_dir:
      env: DAGSTER_HOME
run_launcher:
  module: orchestration.launcher
  class: MonitoredRunLauncher
run_monitoring:
  enabled: true
  start_timeout_seconds: 300
  max_resume_run_attempts: 0
  poll_interval_seconds: 30
"""


def _materialize_one():
    """One asset materialized in the instance of DAGSTER_HOME: (run id, the asset)."""
    from dagster import DagsterInstance, asset, materialize

    @asset
    def one() -> int:
        return 1

    with DagsterInstance.get() as instance:
        result = materialize([one], instance=instance)
        assert result.success
        assert instance.get_latest_materialization_event(one.key) is not None
    return result.run_id, one


def test_instance_stores_runs_in_dagster_home_for_other_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster import DagsterEventType, DagsterInstance

    from support_warehouse.orchestration.instance import DAGSTER_YAML, ensure_dagster_home

    home = tmp_path / "dagster"
    home.mkdir()
    # The dagster.yaml the previous version wrote is replaced by the current one.
    head = DAGSTER_YAML.split("# A run whose process died")[0]
    (home / "dagster.yaml").write_text(head.replace("support_warehouse/orchestration/", "orchestration/") + PREVIOUS_TAIL)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    ensure_dagster_home(home)
    assert (home / "dagster.yaml").read_text() == DAGSTER_YAML
    edited = DAGSTER_YAML + "# mine\n"
    (home / "dagster.yaml").write_text(edited)
    ensure_dagster_home(home)
    assert (home / "dagster.yaml").read_text() == edited

    run_id, one = _materialize_one()
    # Another process (the UI) reads the same files: the run's events and the asset's history.
    with DagsterInstance.from_config(str(home)) as other:
        events = other.all_logs(run_id)
        assert any(e.dagster_event and e.dagster_event.event_type == DagsterEventType.RUN_SUCCESS for e in events)
        assert other.get_latest_materialization_event(one.key) is not None
    assert (home / "history" / "runs" / f"{run_id}.db").exists()


def test_event_log_files_are_written_without_fsync_and_the_run_list_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every connection Dagster opens to a run's event file or the asset index gets
    synchronous=OFF (0); the run list (runs.db) keeps SQLite's FULL (2); the events are stored."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from support_warehouse.orchestration.instance import _on_connect, ensure_dagster_home

    home = tmp_path / "dagster"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.delenv("SW_DAGSTER_EVENT_LOG_SYNC", raising=False)
    ensure_dagster_home(home)
    seen: list[tuple[str, int]] = []

    def record(dbapi_connection, connection_record) -> None:  # runs after the project's listener
        if isinstance(dbapi_connection, sqlite3.Connection):
            file = dbapi_connection.execute("pragma database_list").fetchone()[2]
            seen.append((file, dbapi_connection.execute("pragma synchronous").fetchone()[0]))

    event.listen(Engine, "connect", record)
    try:
        run_id, _ = _materialize_one()
    finally:
        event.remove(Engine, "connect", record)
        event.remove(Engine, "connect", _on_connect)  # other tests of this worker: SQLite's default
    runs = home / "history" / "runs"
    by_file = {}
    for file, sync in seen:
        by_file.setdefault(Path(file), set()).add(sync)
    assert by_file[runs / f"{run_id}.db"] == {0} and by_file[runs / "index.db"] == {0}, by_file
    assert by_file[home / "history" / "runs.db"] == {2}, by_file


def test_a_bad_event_log_sync_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from support_warehouse.orchestration.instance import install_event_log_sync

    monkeypatch.setenv("SW_DAGSTER_EVENT_LOG_SYNC", "sometimes")
    with pytest.raises(ValueError, match="SW_DAGSTER_EVENT_LOG_SYNC='sometimes'"):
        install_event_log_sync()
