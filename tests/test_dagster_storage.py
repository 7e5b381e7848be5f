"""The project's Dagster instance (support_warehouse/orchestration/instance.py, support_warehouse/orchestration/storage.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_instance_stores_events_in_the_fast_sqlite_event_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dagster import DagsterEventType, DagsterInstance, asset, materialize

    from support_warehouse.orchestration.instance import DAGSTER_YAML, ensure_dagster_home
    from support_warehouse.orchestration.storage import FastSqliteEventLogStorage

    home = tmp_path / "dagster"
    home.mkdir()
    # A dagster.yaml written by the previous version of ensure_dagster_home is upgraded.
    (home / "dagster.yaml").write_text(DAGSTER_YAML.split("# Dagster's SQLite event log")[0])
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    ensure_dagster_home(home)
    assert (home / "dagster.yaml").read_text() == DAGSTER_YAML

    @asset
    def one() -> int:
        return 1

    with DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, FastSqliteEventLogStorage)
        result = materialize([one], instance=instance)
        assert result.success
        run_id = result.run_id
    # Another process (the UI) reads the same files: the run's events and the asset's history.
    with DagsterInstance.from_config(str(home)) as other:
        events = other.all_logs(run_id)
        assert any(e.dagster_event and e.dagster_event.event_type == DagsterEventType.RUN_SUCCESS for e in events)
        assert other.get_latest_materialization_event(one.key) is not None
    assert (home / "history" / "runs" / f"{run_id}.db").exists()
