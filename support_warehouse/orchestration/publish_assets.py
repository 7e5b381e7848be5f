"""Publishing as the last asset of the night: ``published/marts`` (group ``published``).

It depends on every dbt asset of the marts and audit groups, so it runs after the ``dbt build`` step;
Dagster skips it when a raw load, a model or an error-level (blocking) dbt test failed upstream.
Before publishing it checks again, from what this run left behind, that the night is clean:

* no entity's load failed in this run (an ERROR ``loads_cleanly`` evaluation of the raw step; a
  quarantined file is a warning and publishes);
* this run's dbt ``run_results.json`` (``<target>/dagster_runs/<run id>/``, written by
  support_warehouse.orchestration.dbt; a retried run looks at its parent and root runs) shows no error, failure or
  skipped node.

Then ``support_warehouse.publish.publish`` swaps ``$SW_PUBLISH_DIR/marts.duckdb`` and
``$SW_PUBLISH_DIR/parquet/`` atomically (see that module). Any refusal raises a non-retried
``Failure``; the previous publication stays as it was.
"""

# No `from __future__ import annotations`: Dagster checks the context annotation at definition time.
from collections.abc import Iterable
from pathlib import Path

from dagster import (
    AssetCheckEvaluation,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    DagsterEventType,
    DagsterInstance,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)
from dagster_dbt import DbtProject

from support_warehouse.orchestration.alerts import alerts_check_result, alerts_check_spec, read_alerts
from support_warehouse.orchestration.raw import LOAD_CHECK
from support_warehouse.orchestration.resources import RunLockResource, WarehouseResource
from support_warehouse import config

PUBLISHED_GROUP = "published"
PUBLISHED_MARTS_KEY = AssetKey(["published", "marts"])
# dbt groups (folders) whose assets must be built before publishing.
UPSTREAM_GROUPS = ("marts", "audit")


def _upstream_keys(dbt_assets: AssetsDefinition) -> list[AssetKey]:
    groups = dbt_assets.group_names_by_key
    keys = [k for k in dbt_assets.keys if groups.get(k) in UPSTREAM_GROUPS]
    return sorted(keys or dbt_assets.keys, key=lambda k: k.to_user_string())


def _run_results(project: DbtProject, run_ids: Iterable[str | None]) -> Path | None:
    root = project.manifest_path.parent / "dagster_runs"
    for run_id in run_ids:
        if run_id and (root / run_id / "run_results.json").exists():
            return root / run_id / "run_results.json"
    return None


def _failed_loads(instance: DagsterInstance, run_ids: list[str]) -> list[str]:
    """Why an entity's load failed in this night, per entity, from the latest ``loads_cleanly``
    evaluation of the run (then its parent and root runs, for a re-execution). A failed load leaves
    no row in raw._loaded_files (its transaction rolls back; the loader records loaded, empty and
    quarantined files only): the raw step's ERROR evaluation is its record."""
    latest: dict[AssetKey, AssetCheckEvaluation] = {}
    for run_id in run_ids:  # the current run first: its evaluations win
        found: dict[AssetKey, AssetCheckEvaluation] = {}
        for record in instance.all_logs(run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
            evaluation = record.asset_check_evaluation
            if evaluation is not None and evaluation.check_name == LOAD_CHECK:
                found[evaluation.asset_key] = evaluation  # later events of the run replace earlier ones
        for key, evaluation in found.items():
            latest.setdefault(key, evaluation)
    return [
        e.description or f"{key.to_user_string()}: load failed"
        for key, e in sorted(latest.items(), key=lambda kv: kv[0].to_user_string())
        if not e.passed and e.severity == AssetCheckSeverity.ERROR
    ]


def build_publish_asset(dbt_assets: AssetsDefinition, project: DbtProject) -> AssetsDefinition:
    @asset(
        key=PUBLISHED_MARTS_KEY,
        group_name=PUBLISHED_GROUP,
        deps=_upstream_keys(dbt_assets),
        kinds={"duckdb", "parquet"},
        check_specs=[alerts_check_spec(PUBLISHED_MARTS_KEY)],
        description=(
            "The marts BI tools read: every table of the `marts` schema copied to the read-only "
            "$SW_PUBLISH_DIR/marts.duckdb and $SW_PUBLISH_DIR/parquet/<mart>.parquet (big facts: one "
            "folder per month), swapped "
            "atomically, only after the night's loads, dbt build and error-level tests succeeded. "
            "Refuses to publish PII in clear."
        ),
    )
    def published_marts(
        context: AssetExecutionContext, warehouse: WarehouseResource,
        run_lock: RunLockResource,  # noqa: ARG001 - one run at a time per warehouse, held for the run
    ) -> MaterializeResult:
        from support_warehouse.publish import PublishError, publish

        run = context.run
        run_ids = [run.run_id, run.parent_run_id, run.root_run_id]
        build_db = warehouse.warehouse()
        failed = _failed_loads(context.instance, list(dict.fromkeys(r for r in run_ids if r)))
        if failed:
            raise Failure(
                description="not publishing: raw loads failed in this night: " + "; ".join(failed[:10]),
                allow_retries=False,
            )
        run_results = _run_results(project, run_ids)
        if run_results is None:
            raise Failure(
                description=(
                    "not publishing: no dbt build in this run (materialize published/marts together "
                    "with the dbt assets, e.g. the nightly_refresh job)"
                ),
                allow_retries=False,
            )
        from support_warehouse.publish import PUBLISHED_DB

        previous_alerts = read_alerts(config.publish_dir() / PUBLISHED_DB)
        try:
            result = publish(build_db, config.publish_dir(), run_results=run_results, run_id=run.run_id)
        except PublishError as exc:
            raise Failure(description=str(exc), allow_retries=False) from exc
        context.log.info(result.summary())
        return MaterializeResult(
            metadata={
                "publication_id": result.publication_id,
                "path": MetadataValue.path(str(result.db_path)),
                "parquet_dir": MetadataValue.path(str(result.parquet_version_dir)),
                "marts": MetadataValue.json(list(result.marts)),
                "rows_by_table": MetadataValue.json(result.tables),
                "rejected_rows": result.rejected_rows,
                "seconds_by_phase": MetadataValue.json(result.phase_seconds),
                "dagster/row_count": sum(result.tables[m] for m in result.marts),
            },
            check_results=[alerts_check_result(PUBLISHED_MARTS_KEY, previous_alerts, read_alerts(result.db_path))],
        )

    return published_marts
