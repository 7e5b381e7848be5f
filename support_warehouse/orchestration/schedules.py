"""The nightly schedule: ``nightly_refresh`` at 02:00 in SW_SCHEDULE_TZ (IANA name, default UTC)."""

# No `from __future__ import annotations`: Dagster checks the context annotation at definition time.
import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, schedule

from support_warehouse.orchestration.jobs import nightly_refresh
from support_warehouse.orchestration.pending import TRIGGER_TAG, find_pending, pending_tags
from support_warehouse.orchestration.resources import WarehouseResource

NIGHTLY_CRON = "0 2 * * *"
SCHEDULE_NAME = "nightly_refresh_schedule"


def schedule_timezone() -> str:
    tz = os.environ.get("SW_SCHEDULE_TZ", "").strip() or "UTC"
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"SW_SCHEDULE_TZ={tz!r} is not an IANA timezone name (e.g. Europe/Berlin)") from exc
    return tz


def build_schedule():
    @schedule(
        name=SCHEDULE_NAME,
        cron_schedule=NIGHTLY_CRON,
        job=nightly_refresh,
        execution_timezone=schedule_timezone(),
        default_status=DefaultScheduleStatus.RUNNING,
        description="The nightly refresh at 02:00 (timezone from SW_SCHEDULE_TZ, default UTC).",
    )
    def nightly_refresh_schedule(context: ScheduleEvaluationContext, warehouse: WarehouseResource):
        tags = {TRIGGER_TAG: "schedule"}
        try:
            tags.update(pending_tags(find_pending(warehouse.landing(), warehouse.warehouse())))
        except Exception as exc:  # warehouse busy: the run still goes, just without the file count
            context.log.warning(f"could not count new landing files: {exc}")
        return RunRequest(run_key=context.scheduled_execution_time.isoformat(), tags=tags)

    return nightly_refresh_schedule
