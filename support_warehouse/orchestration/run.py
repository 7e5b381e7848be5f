"""Run ``nightly_refresh`` in this process against the project's persistent Dagster instance.

``run_nightly()`` is what ``support-warehouse refresh`` / ``demo`` call: the run, its event log and
its asset and check history are stored under DAGSTER_HOME (default ``data/dagster``), so the run
shows up in ``support-warehouse ui`` afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support_warehouse.orchestration.pending import TRIGGER_TAG, find_pending, pending_tags
from support_warehouse import config
from support_warehouse.contract import LANDING_TABLES


DBT_STEP = "dbt_models"
RAW_STEP = "raw_extracts"
PUBLISH_STEP = "published__marts"
PUBLISHED_GROUP = "published"


@dataclass
class EntityLoadSummary:
    entity: str
    files_loaded: int = 0
    files_skipped: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0  # records the file reader rejected in this run
    rejected_total: int | None = None  # rows in audit.rejected_rows for the entity after the run
    rejected_new: int | None = None  # of those, from this run's files
    error: str | None = None
    files: list[str] = field(default_factory=list)  # names of the files loaded (relative to landing)
    notes: list[str] = field(default_factory=list)  # loader notes (empty files, ...)
    load_check: str | None = None  # "passed" | "warn" | "error" | None (not evaluated)
    rejects_check: str | None = None
    quarantined: dict[str, str] = field(default_factory=dict)  # file -> why (none of its rows loaded)
    freshness: str | None = None  # "passed" | "warn" | "error" (source_is_fresh), None: not evaluated
    freshness_description: str | None = None


@dataclass
class CheckOutcome:
    asset: str
    name: str
    status: str  # "passed" | "warn" | "error"
    description: str | None = None


@dataclass
class NightlyResult:
    run_id: str
    job_name: str
    success: bool
    status: str
    dagster_home: Path
    entities: dict[str, EntityLoadSummary] = field(default_factory=dict)
    dbt_tests: dict[str, int] = field(default_factory=lambda: {"passed": 0, "warned": 0, "failed": 0})
    dbt_test_problems: list[CheckOutcome] = field(default_factory=list)  # warned or failed dbt tests
    checks: list[CheckOutcome] = field(default_factory=list)  # every check evaluated in the run
    failures: list[str] = field(default_factory=list)  # step failure messages
    tags: dict[str, str] = field(default_factory=dict)
    step_status: dict[str, str] = field(default_factory=dict)  # step key -> success | failed | skipped
    dbt_run_results: Path | None = None  # run_results.json of this run's dbt build
    dbt_failure: str | None = None  # why the dbt step failed
    publication: dict[str, Any] | None = None  # metadata of the published/marts materialization
    publish_seconds: float | None = None
    publish_error: str | None = None  # why the publish step failed
    landing_problems: list[str] = field(default_factory=list)  # unknown folders/files in the landing folder
    run_error: str | None = None  # why the run failed or never started, when no step says so

    @property
    def dbt_status(self) -> str:
        return self.step_status.get(DBT_STEP, "skipped")

    @property
    def publish_status(self) -> str:
        return self.step_status.get(PUBLISH_STEP, "skipped")

    @property
    def rows_loaded(self) -> int:
        return sum(e.rows_loaded for e in self.entities.values())

    @property
    def rows_rejected(self) -> int:
        return sum(e.rows_rejected for e in self.entities.values())

    def headline(self) -> str:
        return f"Dagster run {self.run_id} ({self.job_name}): {'success' if self.success else 'FAILURE'}"

    def summary_lines(self) -> list[str]:
        lines = [self.headline()]
        if self.run_error:
            lines.append(f"  failed: {self.run_error}")
        for e in self.entities.values():
            part = f"  {e.entity:<22} files {e.files_loaded:>3}  rows {e.rows_loaded:>9}  reader rejects {e.rows_rejected:>6}"
            if e.rejected_total is not None:
                part += f"  rejected rows {e.rejected_total:>6} ({e.rejected_new} new)"
            if e.error:
                part += f"  ERROR: {e.error}"
            lines.append(part)
        t = self.dbt_tests
        lines.append(f"  dbt tests: {t['passed']} passed, {t['warned']} warned, {t['failed']} failed")
        for c in self.dbt_test_problems[:20]:
            lines.append(f"    {c.status.upper():<5} {c.asset}:{c.name}" + (f" - {c.description}" if c.description else ""))
        for msg in self.failures[:5]:
            lines.append(f"  failed: {msg.strip().splitlines()[0] if msg.strip() else msg}")
        return lines


@contextmanager
def _settings(
    landing: Path | None, warehouse: Path | None, target: str | None, publish_dir: Path | None = None
) -> Iterator[None]:
    """Point SW_* at the given paths for the duration (the dbt subprocess reads them too)."""
    updates = {
        "SW_LANDING_DIR": str(Path(landing).expanduser().resolve()) if landing else None,
        "SW_WAREHOUSE_PATH": str(Path(warehouse).expanduser().resolve()) if warehouse else None,
        "SW_DBT_TARGET": target,
        "SW_PUBLISH_DIR": str(Path(publish_dir).expanduser().resolve()) if publish_dir else None,
    }
    saved = {k: os.environ.get(k) for k in updates}
    try:
        for k, v in updates.items():
            if v is not None:
                os.environ[k] = v
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


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


def summarise(result: Any, instance: Any, home: Path) -> NightlyResult:
    """Turn an ExecuteInProcessResult into what the CLI prints."""
    from support_warehouse.orchestration.checks import FRESHNESS_CHECK, REJECTS_CHECK
    from support_warehouse.orchestration.raw import LANDING_CHECK, LANDING_KEY, LOAD_CHECK

    run = instance.get_run_by_id(result.run_id)
    out = NightlyResult(
        run_id=result.run_id,
        job_name=result.job_def.name,
        success=result.success,
        status=run.status.value if run else ("SUCCESS" if result.success else "FAILURE"),
        dagster_home=home,
        tags=dict(run.tags) if run else {},
        entities={e: EntityLoadSummary(e) for e in LANDING_TABLES},
    )
    raw_keys = {("raw", e) for e in LANDING_TABLES}
    for ev in result.get_asset_check_evaluations():
        path = tuple(ev.asset_key.path)
        status = _check_status(ev)
        outcome = CheckOutcome(ev.asset_key.to_user_string(), ev.check_name, status, ev.description)
        out.checks.append(outcome)
        md = ev.metadata or {}
        if path in raw_keys and ev.check_name == LOAD_CHECK:
            s = out.entities[path[1]]
            s.load_check = status
            s.files_loaded = int(_meta_value(md, "files_loaded") or 0)
            s.files_skipped = int(_meta_value(md, "files_skipped") or 0)
            s.rows_loaded = int(_meta_value(md, "rows_loaded") or 0)
            s.rows_rejected = int(_meta_value(md, "rows_rejected") or 0)
            s.error = _meta_value(md, "error")
            s.files = [str(f) for f in (_meta_value(md, "new_files") or [])]
            s.notes = [str(n) for n in (_meta_value(md, "notes") or [])]
            s.quarantined = {str(k): str(v) for k, v in (_meta_value(md, "quarantined_files") or {}).items()}
        elif path in raw_keys and ev.check_name == FRESHNESS_CHECK:
            s = out.entities[path[1]]
            s.freshness, s.freshness_description = status, ev.description
        elif ev.asset_key == LANDING_KEY and ev.check_name == LANDING_CHECK:
            if not ev.passed:
                out.landing_problems = [p for p in (ev.description or "").split("; ") if p]
        elif path in raw_keys and ev.check_name == REJECTS_CHECK:
            s = out.entities[path[1]]
            s.rejects_check = status
            s.rejected_total = int(_meta_value(md, "rejected_rows") or 0)
            s.rejected_new = int(_meta_value(md, "rejected_rows_from_this_run") or 0)
        elif path not in raw_keys and ev.asset_key != LANDING_KEY:  # a dbt test
            key = {"passed": "passed", "warn": "warned", "error": "failed"}[status]
            out.dbt_tests[key] += 1
            if status != "passed":
                out.dbt_test_problems.append(outcome)
    for ev in result.get_step_failure_events():
        msg = _failure_message(ev)
        if ev.step_key == RAW_STEP:
            load_errors = [f"{e}: {s.error}" for e, s in out.entities.items() if s.error]
            if load_errors:  # not "a blocking check failed"
                msg = "load failed: " + "; ".join(load_errors)
        out.step_status[ev.step_key] = "failed"
        out.failures.append(f"{ev.step_key}: {msg}")
        if ev.step_key == DBT_STEP:
            out.dbt_failure = msg
        elif ev.step_key == PUBLISH_STEP:
            out.publish_error = msg
    if not result.success and not out.failures:
        # Failed outside any step (a resource, the run worker): the run's own failure event says why.
        for ev in result.all_events:
            if ev.event_type_value == "RESOURCE_INIT_FAILURE" and ev.event_specific_data is not None:
                err = ev.event_specific_data.error
                while err is not None and err.cause is not None:
                    err = err.cause
                if err is not None and err.message:
                    text = err.message.strip().splitlines()[0]
                    prefix = f"{err.cls_name}: "
                    out.run_error = text.split(prefix, 1)[1] if prefix in text else text
                    break
            if ev.event_type_value == "RUN_FAILURE" and ev.message:
                out.run_error = ev.message.strip()
    for ev in result.get_step_success_events():
        out.step_status[ev.step_key] = "success"
        if ev.step_key == PUBLISH_STEP:
            out.publish_seconds = ev.event_specific_data.duration_ms / 1000.0
    for ev in result.get_asset_materialization_events():
        mat = ev.materialization
        if mat.asset_key.path[:1] == [PUBLISHED_GROUP]:
            out.publication = {k: getattr(v, "value", v) for k, v in (mat.metadata or {}).items()}
    if out.dbt_status != "skipped":
        rr = _dbt_target_root() / "dagster_runs" / result.run_id / "run_results.json"
        out.dbt_run_results = rr if rr.exists() else None
    return out


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
) -> NightlyResult:
    """Execute ``nightly_refresh`` in process; return the run's summary (never raises on a failed run).

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

    with _settings(landing, warehouse, target, publish_dir):
        home = ensure_dagster_home()
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
            return summarise(result, instance, home)


# ------------------------------------------------------------------ support_warehouse.refresh glue


def dbt_run_summary(nightly: NightlyResult) -> Any:
    """The night's dbt build as ``support_warehouse.dbt_runner.DbtRunSummary`` (None: dbt not run)."""
    import json
    from types import SimpleNamespace

    from support_warehouse.dbt_runner import DbtRunSummary, summarize

    if nightly.dbt_status == "skipped":
        return None
    results: list[Any] = []
    if nightly.dbt_run_results is not None:
        try:
            raw = json.loads(nightly.dbt_run_results.read_text()).get("results", [])
        except (OSError, ValueError):
            raw = []
        for r in raw:
            uid = str(r.get("unique_id", "?"))
            parts = uid.split(".")
            rtype = parts[0]
            name = parts[-1] if rtype == "unit_test" else (parts[2] if len(parts) > 2 else uid)
            node = SimpleNamespace(unique_id=uid, name=name, resource_type=rtype)
            results.append(
                SimpleNamespace(node=node, status=r.get("status"), message=r.get("message"), failures=r.get("failures"))
            )
    if not results:
        return DbtRunSummary(success=False, exception=nightly.dbt_failure or "dbt build did not run")
    summary = summarize(
        SimpleNamespace(success=nightly.dbt_status == "success", exception=None, result=SimpleNamespace(results=results))
    )
    if nightly.dbt_status != "success" and not summary.has_errors:
        summary.exception = nightly.dbt_failure or "the dbt step failed"
    return summary


def publish_result(nightly: NightlyResult) -> Any:
    """The publication of the night as ``support_warehouse.publish.PublishResult`` (None: none)."""
    from datetime import UTC, datetime

    from support_warehouse.publish import PublishResult

    meta = nightly.publication
    if not meta:
        return None
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
        duration_seconds=nightly.publish_seconds or 0.0,
    )


def apply_to_report(report: Any, nightly: NightlyResult) -> None:
    """Fill a ``support_warehouse.refresh.RefreshReport`` from the Dagster run (load id = run id)."""
    from support_warehouse.refresh import EntityReport

    report.load_id = nightly.run_id
    report.dagster = nightly.headline()
    for name, e in nightly.entities.items():
        report.entities[name] = EntityReport(
            entity=name,
            files_loaded=list(e.files),
            files_skipped=e.files_skipped,
            rows_loaded=e.rows_loaded,
            rejected_reader=e.rows_rejected,
            error=e.error,
            notes=list(e.notes),
            files_quarantined=dict(e.quarantined),
        )
    report.landing_problems = list(nightly.landing_problems)
    report.stale_sources = [
        f"{e.freshness.upper()}: {e.freshness_description}" for e in nightly.entities.values()
        if e.freshness in ("warn", "error")
    ]
    # Failures the entity, dbt and publishing lines do not explain: the run itself, the load step.
    load_errors = any(e.error for e in nightly.entities.values())
    report.run_failures = [nightly.run_error] if nightly.run_error else []
    report.run_failures += [
        f for f in nightly.failures
        if not f.startswith((f"{DBT_STEP}:", f"{PUBLISH_STEP}:")) and not (load_errors and f.startswith(f"{RAW_STEP}:"))
    ]
    report.dbt = dbt_run_summary(nightly)
    report.publication = publish_result(nightly)
    report.publish_error = nightly.publish_error
