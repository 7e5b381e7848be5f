"""The run launcher of the project's Dagster instance: Dagster's default one, plus a health check so
that run monitoring (dagster.yaml ``run_monitoring``) can tell a crashed run from a running one.

A run whose process was killed (``kill -9``, a power cut, the OOM killer) never reports its end and
stays STARTED; with ``max_concurrent_runs: 1`` the run queue would count it as active forever and
no scheduled or sensor run would start again. Dagster's default launcher cannot check its workers,
so the monitoring daemon would leave such a run alone. This one looks up the process the run
executes in (the ``pid`` Dagster records when a run's steps start, in process) and reports the run
FAILED once that process is gone; the daemon then marks the run failed and the queue moves on.
Runs are assumed to execute on the daemon's machine (the project runs everything on one host).
"""

from __future__ import annotations

import os

from dagster import DagsterEventType, DagsterRun, DefaultRunLauncher
from dagster._core.launcher.base import CheckRunHealthResult, WorkerStatus


def run_pid(instance, run_id: str) -> int | None:
    """The process the run's steps execute in (latest engine event that names one), or None."""
    pid = None
    for record in instance.all_logs(run_id, of_type=DagsterEventType.ENGINE_EVENT):
        event = record.dagster_event
        data = getattr(event, "event_specific_data", None) if event else None
        value = (getattr(data, "metadata", None) or {}).get("pid")
        if value is not None:
            try:
                pid = int(getattr(value, "value", value))
            except (TypeError, ValueError):
                continue
    return pid


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    try:  # a killed child its parent has not reaped yet is a zombie: gone all the same
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class MonitoredRunLauncher(DefaultRunLauncher):
    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        pid = run_pid(self._instance, run.run_id)
        if pid is None:  # started, steps not yet: nothing to check
            return CheckRunHealthResult(WorkerStatus.RUNNING, "no run process recorded yet")
        if process_alive(pid):
            return CheckRunHealthResult(WorkerStatus.RUNNING, f"process {pid} is running")
        return CheckRunHealthResult(
            WorkerStatus.FAILED, f"the run's process {pid} is gone (killed or crashed) while the run was in progress"
        )
