"""Run ``nightly_refresh`` in this process against the project's persistent Dagster instance.

``run_nightly()`` is what ``support-warehouse refresh`` / ``demo`` call: the run, its event log and
its asset and check history are stored under DAGSTER_HOME (default ``data/dagster``), so the run
shows up in ``support-warehouse ui`` afterwards.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from support_warehouse import config
from support_warehouse.contract import LANDING_TABLES
from support_warehouse.dbt_runner import DbtRunSummary, summarize_run_results
from support_warehouse.night import CheckOutcome, EntityReport, NightReport
from support_warehouse.orchestration.pending import TRIGGER_TAG, find_pending, pending_tags
from support_warehouse.publish import PublishResult

DBT_STEP = "dbt_models"
RAW_STEP = "raw_extracts"
PUBLISH_STEP = "published__marts"
PUBLISHED_GROUP = "published"


def _absolute(path: Path | None) -> str | None:
    """The path made absolute as written, symlinks kept: the warehouse path is part of dbt's profile,
    so a night given the path the schedule's environment names (the CLI passes SW_WAREHOUSE_PATH)
    keeps dbt's partial parse; a resolved link would make dbt parse the whole project again."""
    return str(Path(path).expanduser().absolute()) if path else None


def _settings(
    landing: Path | None, warehouse: Path | None, target: str | None, publish_dir: Path | None = None
) -> Any:
    """Point SW_* at the given paths for the duration (the dbt subprocess reads them too)."""
    return config.env_overrides({
        "SW_LANDING_DIR": _absolute(landing),
        "SW_WAREHOUSE_PATH": _absolute(warehouse),
        "SW_DBT_TARGET": target,
        "SW_PUBLISH_DIR": _absolute(publish_dir),
    })


def _check_status(evaluation: Any) -> str:
    from dagster import AssetCheckSeverity

    if evaluation.passed:
        return "passed"
    return "error" if evaluation.severity == AssetCheckSeverity.ERROR else "warn"


def _meta_value(metadata: Any, key: str) -> Any:
    v = metadata.get(key)
    return getattr(v, "value", v)


def _dbt_target_root() -> Path:
    from support_warehouse.orchestration.project import build_dbt_project

    return build_dbt_project().manifest_path.parent


def _failure_message(ev: Any) -> str:
    data = ev.step_failure_data
    if data is None:
        return "failed"
    if data.user_failure_data is not None and data.user_failure_data.description:
        return data.user_failure_data.description.strip()
    err = data.error
    if err is None:
        return "failed"
    # The deepest cause is the user's error (retries and check wrappers sit on top of it).
    while err.cause is not None:
        err = err.cause
    return (err.message or "failed").strip()


def _dbt_summary(report: NightReport, dbt_failure: str | None) -> DbtRunSummary | None:
    """The night's dbt build from its run_results.json (None: the dbt step did not run)."""
    status = report.step_status.get(DBT_STEP)
    if status is None:
        return None
    results: list[dict[str, Any]] = []
    if report.dbt_run_results is not None:
        try:
            results = json.loads(report.dbt_run_results.read_text()).get("results", [])
        except (OSError, ValueError):
            results = []
    if not results:
        return DbtRunSummary(success=False, exception=dbt_failure or "dbt build did not run")
    summary = summarize_run_results(results, success=status == "success")
    if status != "success" and not summary.has_errors:
        summary.exception = dbt_failure or "the dbt step failed"
    return summary


def _publication(meta: dict[str, Any], seconds: float) -> PublishResult:
    """The publish asset's materialization metadata as the publisher's own result."""
    db_path = Path(str(meta.get("path", "")))
    return PublishResult(
        publication_id=str(meta.get("publication_id", "")),
        published_at=datetime.now(UTC),
        db_path=db_path,
        parquet_dir=db_path.parent / "parquet",
        parquet_version_dir=Path(str(meta.get("parquet_dir", ""))),
        tables={str(k): int(v) for k, v in (meta.get("rows_by_table") or {}).items()},
        marts=tuple(str(m) for m in (meta.get("marts") or ())),
        rejected_rows=int(meta.get("rejected_rows") or 0),
        duration_seconds=seconds,
    )


def summarise(result: Any, instance: Any, report: NightReport) -> NightReport:
    """Fill ``report`` from an ExecuteInProcessResult: the night as the CLI prints it."""
    from support_warehouse.orchestration.checks import FRESHNESS_CHECK, REJECTS_CHECK
    from support_warehouse.orchestration.raw import LANDING_CHECK, LANDING_KEY, LOAD_CHECK

    run = instance.get_run_by_id(result.run_id)
    report.run_id = result.run_id
    report.job_name = result.job_def.name
    report.success = result.success
    report.tags = dict(run.tags) if run else {}
    report.entities = {e: EntityReport(e) for e in LANDING_TABLES}
    raw_keys = {("raw", e) for e in LANDING_TABLES}
    for ev in result.get_asset_check_evaluations():
        path = tuple(ev.asset_key.path)
        status = _check_status(ev)
        report.checks.append(CheckOutcome(ev.asset_key.to_user_string(), ev.check_name, status, ev.description))
        md = ev.metadata or {}
        if path in raw_keys and ev.check_name == LOAD_CHECK:
            s = report.entities[path[1]]
            s.load_check = status
            s.files_skipped = int(_meta_value(md, "files_skipped") or 0)
            s.rows_loaded = int(_meta_value(md, "rows_loaded") or 0)
            s.rejected_reader = int(_meta_value(md, "rows_rejected") or 0)
            s.error = _meta_value(md, "error")
            s.files_loaded = [str(f) for f in (_meta_value(md, "new_files") or [])]
            s.notes = [str(n) for n in (_meta_value(md, "notes") or [])]
            s.files_quarantined = {str(k): str(v) for k, v in (_meta_value(md, "quarantined_files") or {}).items()}
        elif path in raw_keys and ev.check_name == FRESHNESS_CHECK:
            s = report.entities[path[1]]
            s.freshness, s.freshness_description = status, ev.description
        elif ev.asset_key == LANDING_KEY and ev.check_name == LANDING_CHECK:
            if not ev.passed:
                report.landing_problems = [p for p in (ev.description or "").split("; ") if p]
        elif path in raw_keys and ev.check_name == REJECTS_CHECK:
            s = report.entities[path[1]]
            s.rejects_check = status
            s.rejected_total = int(_meta_value(md, "rejected_rows") or 0)
            s.rejected_staging = int(_meta_value(md, "staging_rejects_from_this_run") or 0)
    if not any(s.rejects_check for s in report.entities.values()):
        report.staging_rejects_note = f"not counted: the {REJECTS_CHECK} checks did not run"
    load_errors = [f"{e}: {s.error}" for e, s in report.entities.items() if s.error]
    dbt_failure = None
    for ev in result.get_step_failure_events():
        msg = _failure_message(ev)
        report.step_status[ev.step_key] = "failed"
        if ev.step_key == DBT_STEP:
            dbt_failure = msg
        elif ev.step_key == PUBLISH_STEP:
            report.publish_error = msg
        elif not (ev.step_key == RAW_STEP and load_errors):  # the entity lines say why
            report.run_failures.append(f"{ev.step_key}: {msg}")
    if not result.success and not report.step_status:
        # Failed outside any step (a resource, the run worker): the run's own failure event says why.
        for ev in result.all_events:
            if ev.event_type_value == "RESOURCE_INIT_FAILURE" and ev.event_specific_data is not None:
                err = ev.event_specific_data.error
                while err is not None and err.cause is not None:
                    err = err.cause
                if err is not None and err.message:
                    text = err.message.strip().splitlines()[0]
                    prefix = f"{err.cls_name}: "
                    report.run_failures.append(text.split(prefix, 1)[1] if prefix in text else text)
                    break
            if ev.event_type_value == "RUN_FAILURE" and ev.message:
                report.run_failures.append(ev.message.strip())
                break
    publish_seconds = 0.0
    for ev in result.get_step_success_events():
        report.step_status[ev.step_key] = "success"
        if ev.step_key == PUBLISH_STEP:
            publish_seconds = ev.event_specific_data.duration_ms / 1000.0
    for ev in result.get_asset_materialization_events():
        mat = ev.materialization
        if mat.asset_key.path[:1] == [PUBLISHED_GROUP]:
            meta = {k: getattr(v, "value", v) for k, v in (mat.metadata or {}).items()}
            report.publication = _publication(meta, publish_seconds)
    if DBT_STEP in report.step_status:
        rr = _dbt_target_root() / "dagster_runs" / result.run_id / "run_results.json"
        report.dbt_run_results = rr if rr.exists() else None
    report.dbt = _dbt_summary(report, dbt_failure)
    return report


def run_nightly(
    landing: Path | None = None,
    warehouse: Path | None = None,
    target: str | None = None,
    *,
    full_refresh: bool = False,
    dbt_extra_args: list[str] | None = None,
    publish: bool = True,
    publish_dir: Path | None = None,
    trigger: str = "cli",
    tags: dict[str, str] | None = None,
    log_level: str | None = None,
) -> NightReport:
    """Run a night: execute ``nightly_refresh`` in process (the job the schedule and the sensor
    run) and return what it did (never raises on a failed run; ``report.exit_code``).

    landing / warehouse / target / publish_dir override SW_LANDING_DIR / SW_WAREHOUSE_PATH /
    SW_DBT_TARGET / SW_PUBLISH_DIR for this call. ``publish=False`` runs the job without its
    ``published`` assets. The Dagster instance is DAGSTER_HOME (default data/dagster, created with a
    dagster.yaml when missing); the run is visible in ``support-warehouse ui`` afterwards.
    Console log level: ``log_level`` or env SW_DAGSTER_LOG_LEVEL (default INFO; DEBUG shows every
    Dagster event).
    """
    from dagster import DagsterInstance

    from support_warehouse.orchestration.factory import build_defs
    from support_warehouse.orchestration.instance import ensure_dagster_home
    from support_warehouse.orchestration.jobs import NIGHTLY_JOB
    from support_warehouse.orchestration.project import build_dbt_project, prepare_manifest

    started = datetime.now(UTC)
    with _settings(landing, warehouse, target, publish_dir):
        home = ensure_dagster_home()
        report = NightReport(
            run_id="", landing=config.landing_dir(), warehouse=config.warehouse_path(),
            target=config.dbt_target(), started_at=started, dagster_home=home,
        )
        prepare_manifest(build_dbt_project(target))
        defs = build_defs(target)
        job = defs.resolve_job_def(NIGHTLY_JOB)
        run_tags = {TRIGGER_TAG: trigger}
        try:
            run_tags.update(pending_tags(find_pending(config.landing_dir(), config.build_database())))
        except Exception:  # the count is informative only
            pass
        run_tags.update(tags or {})
        run_config: dict[str, Any] = {
            "loggers": {"console": {"config": {"log_level": (log_level or os.environ.get("SW_DAGSTER_LOG_LEVEL") or "INFO").upper()}}},
        }
        if full_refresh or dbt_extra_args:
            run_config["ops"] = {
                DBT_STEP: {"config": {"full_refresh": bool(full_refresh), "extra_args": list(dbt_extra_args or [])}}
            }
        asset_selection = None
        if not publish:
            graph = defs.resolve_asset_graph()
            asset_selection = [
                k for k in graph.executable_asset_keys if graph.get(k).group_name != PUBLISHED_GROUP
            ]
        with DagsterInstance.get() as instance:
            result = job.execute_in_process(
                instance=instance,
                tags=run_tags,
                run_config=run_config,
                asset_selection=asset_selection,
                raise_on_error=False,
            )
            summarise(result, instance, report)
    report.finished_at = datetime.now(UTC)
    return report
