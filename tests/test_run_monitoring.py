"""A run killed with kill -9 is marked failed by Dagster's run monitoring, and frees the queue's slot.

The project's instance (support_warehouse/orchestration/instance.py: run monitoring on, support_warehouse/orchestration/launcher.py's
health check) in a throw-away DAGSTER_HOME; the run is a one-op job executed in process by a child
process, as `support-warehouse refresh` and the daemon's run workers execute the nightly job.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

RUN_SCRIPT = """
import time
from dagster import DagsterInstance, in_process_executor, job, op

@op
def sleep_long():
    time.sleep(120)

@job(executor_def=in_process_executor)
def nightly_refresh():
    sleep_long()

with DagsterInstance.get() as instance:
    nightly_refresh.execute_in_process(instance=instance, raise_on_error=False)
"""


def test_a_run_killed_with_kill_9_is_marked_failed_and_the_queue_frees_up(tmp_path, monkeypatch):
    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
    from dagster._core.storage.dagster_run import IN_PROGRESS_RUN_STATUSES
    from dagster._daemon.monitoring.run_monitoring import monitor_started_run

    from support_warehouse.orchestration.instance import ensure_dagster_home
    from support_warehouse.orchestration.launcher import MonitoredRunLauncher

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    home = ensure_dagster_home()
    script = tmp_path / "run.py"
    script.write_text(RUN_SCRIPT)
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, str(script)], env=env, cwd=Path(__file__).resolve().parent.parent)
    try:
        with DagsterInstance.get() as instance:
            assert instance.run_monitoring_enabled and isinstance(instance.run_launcher, MonitoredRunLauncher)
            launcher = instance.run_launcher
            deadline = time.monotonic() + 120
            run = None
            while time.monotonic() < deadline:  # until the run's steps execute in the child
                runs = instance.get_runs()
                run = runs[0] if runs else None
                if run is not None and run.status == DagsterRunStatus.STARTED:
                    health = launcher.check_run_worker_health(run)
                    if health.msg == f"process {proc.pid} is running":
                        break
                time.sleep(0.2)
            else:
                raise AssertionError(f"the run did not start: {run}")

            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            run = instance.get_run_by_id(run.run_id)
            assert run.status == DagsterRunStatus.STARTED  # what kill -9 leaves behind
            in_progress = RunsFilter(statuses=IN_PROGRESS_RUN_STATUSES)
            assert len(instance.get_run_records(filters=in_progress)) == 1  # the queue's one slot is taken

            # One pass of the monitoring daemon over the run (it needs no workspace to fail a run).
            record = instance.get_run_records(filters=RunsFilter(run_ids=[run.run_id]))[0]
            monitor_started_run(instance, None, record, logging.getLogger("run_monitoring"))

            run = instance.get_run_by_id(run.run_id)
            assert run.status == DagsterRunStatus.FAILURE
            assert instance.get_run_records(filters=in_progress) == []  # a queued night can start
            failure = instance.all_logs(run.run_id)[-1]
            assert f"the run's process {proc.pid} is gone" in failure.message
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
