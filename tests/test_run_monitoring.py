"""A run killed with kill -9 is marked failed by Dagster's run monitoring, and frees the queue's slot.

The project's instance (support_warehouse/orchestration/instance.py: run monitoring on with a
maximum run time, Dagster's default launcher) in a throw-away DAGSTER_HOME; the run is a one-op job
executed in process by a child process, as `support-warehouse refresh` and the daemon's run workers
execute the nightly job. Its tag `dagster/max_runtime` (2 s) stands in for the instance's 3 hours.
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
    nightly_refresh.execute_in_process(instance=instance, tags={"dagster/max_runtime": "2"}, raise_on_error=False)
"""


def test_a_run_killed_with_kill_9_is_marked_failed_and_the_queue_frees_up(tmp_path, monkeypatch):
    from dagster import DagsterInstance, DagsterRunStatus, DefaultRunLauncher, RunsFilter
    from dagster._daemon.monitoring.run_monitoring import monitor_started_run  # one pass of the daemon

    from support_warehouse.orchestration.instance import MAX_RUNTIME_SECONDS, ensure_dagster_home

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    home = ensure_dagster_home()
    script = tmp_path / "run.py"
    script.write_text(RUN_SCRIPT)
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    proc = subprocess.Popen([sys.executable, str(script)], env=env, cwd=Path(__file__).resolve().parent.parent)
    in_progress = RunsFilter(statuses=[
        DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING, DagsterRunStatus.STARTED,
    ])
    try:
        with DagsterInstance.get() as instance:
            assert instance.run_monitoring_enabled
            assert instance.run_monitoring_max_runtime_seconds == MAX_RUNTIME_SECONDS == 10800
            assert type(instance.run_launcher) is DefaultRunLauncher
            deadline = time.monotonic() + 120
            run = None
            while time.monotonic() < deadline:  # until the run's step executes in the child
                runs = instance.get_runs()
                run = runs[0] if runs else None
                if run is not None and run.status == DagsterRunStatus.STARTED and any(
                    e.dagster_event and e.dagster_event.event_type_value == "STEP_START"
                    for e in instance.all_logs(run.run_id)
                ):
                    break
                time.sleep(0.2)
            else:
                raise AssertionError(f"the run did not start: {run}")

            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            run = instance.get_run_by_id(run.run_id)
            assert run.status == DagsterRunStatus.STARTED  # what kill -9 leaves behind
            assert len(instance.get_run_records(filters=in_progress)) == 1  # the queue's one slot is taken

            # One pass of the monitoring daemon once the run is past its maximum run time.
            record = instance.get_run_records(filters=RunsFilter(run_ids=[run.run_id]))[0]
            time.sleep(max(0.0, record.start_time + 2.5 - time.time()))
            monitor_started_run(instance, None, record, logging.getLogger("run_monitoring"))

            run = instance.get_run_by_id(run.run_id)
            assert run.status == DagsterRunStatus.FAILURE
            assert instance.get_run_records(filters=in_progress) == []  # a queued night can start
            messages = [e.message or "" for e in instance.all_logs(run.run_id)]
            assert any("exceeding maximum runtime of 2 seconds" in m for m in messages), messages[-3:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
