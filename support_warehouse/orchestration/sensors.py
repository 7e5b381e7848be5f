"""``new_landing_files``: start ``nightly_refresh`` when new files land.

New = ``support_warehouse.load.pending_files`` (files whose content was never loaded), so already
loaded files never trigger. The cursor remembers the pending files (path, size, mtime) already
requested and the run key is a hash of the newly seen ones, so the same files never trigger twice,
even if their run failed (the nightly schedule retries them). Stopped by default; switch it on in
the UI (Automation) for intraday loads.
"""

# No `from __future__ import annotations`: Dagster checks the context annotation at definition time.
import json

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from support_warehouse.orchestration.jobs import nightly_refresh
from support_warehouse.orchestration.pending import TRIGGER_TAG, find_pending, fingerprints, pending_tags, run_key_for
from support_warehouse.orchestration.resources import WarehouseResource

SENSOR_NAME = "new_landing_files"


def build_sensor():
    @sensor(
        name=SENSOR_NAME,
        job=nightly_refresh,
        minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.STOPPED,
        description="Runs nightly_refresh when files that were never loaded appear in the landing folder.",
    )
    def new_landing_files(context: SensorEvaluationContext, warehouse: WarehouseResource):
        landing = warehouse.landing()
        try:
            pending = find_pending(landing, warehouse.warehouse())
        except Exception as exc:  # e.g. a run holds the DuckDB write lock: look again next tick
            return SkipReason(f"could not list new files ({type(exc).__name__}: {exc}); will retry")
        current = fingerprints(pending, landing)
        try:
            seen = json.loads(context.cursor) if context.cursor else {}
        except ValueError:
            seen = {}
        new = {name: fp for name, fp in current.items() if seen.get(name) != fp}
        # Remember only files still pending: loaded files leave the cursor, which stays small.
        context.update_cursor(json.dumps(current, sort_keys=True))
        if not new:
            if current:
                return SkipReason(f"{len(current)} new file(s) already requested; waiting for them to load")
            return SkipReason("no new files in the landing folder")
        tags = {TRIGGER_TAG: "sensor", **pending_tags(pending)}
        return RunRequest(run_key=run_key_for(new), tags=tags)

    return new_landing_files
