"""Builds the Definitions of the code location (see support_warehouse/orchestration/definitions.py)."""

from __future__ import annotations

from dagster import AssetSpec, Definitions, in_process_executor
from dagster_dbt.dbt_project import using_dagster_dev

from support_warehouse.orchestration.checks import build_freshness_check, build_rejects_check
from support_warehouse.orchestration.dbt import build_dbt_assets, dbt_translator
from support_warehouse.orchestration.instance import install_event_log_sync
from support_warehouse.orchestration.jobs import nightly_refresh
from support_warehouse.orchestration.publish_assets import build_publish_asset  # issue 7: publishing, last asset
from support_warehouse.orchestration.project import (
    build_dbt_project,
    dbt_executable,
    ensure_dbt_on_path,
    load_manifest,
    mark_manifest_target,
    prepare_manifest,
)
from support_warehouse.orchestration.raw import LOADER_TABLES, RAW_ASSETS, RAW_GROUP, loader_table_key, raw_asset_key
from support_warehouse.orchestration.resources import build_resources
from support_warehouse.orchestration.schedules import build_schedule
from support_warehouse.orchestration.sensors import build_sensor
from support_warehouse.config import disable_transparent_huge_pages
from support_warehouse.contract import LANDING_TABLES


def loader_table_specs() -> list[AssetSpec]:
    """raw._load_rejects and raw._loaded_files: written as a side effect of every raw asset."""
    return [
        AssetSpec(
            loader_table_key(table),
            group_name=RAW_GROUP,
            description=f"raw.{table} (loader bookkeeping, dbt source loader.{table}): {text}",
            deps=[raw_asset_key(e) for e in LANDING_TABLES],
            kinds={"duckdb"},
        )
        for table, text in LOADER_TABLES.items()
    ]


def build_defs(target: str | None = None) -> Definitions:
    """Definitions for the current settings (env); the manifest must exist (prepare_manifest)."""
    ensure_dbt_on_path()
    # Every process that loads this code location (CLI refresh, daemon and UI run workers) runs the
    # load, dbt (a child, which inherits it) and publishing: 4 KB pages (support_warehouse.config).
    disable_transparent_huge_pages()
    # ... and stores the run's events (the UI's and the daemon's run workers too)
    install_event_log_sync()
    project = build_dbt_project(target)
    project.prepare_if_dev()  # under `dagster dev`: re-parse on every reload
    if using_dagster_dev():
        mark_manifest_target(project)
    if not project.manifest_path.exists():
        prepare_manifest(project)
    manifest = load_manifest(project)
    translator = dbt_translator()
    dbt_models = build_dbt_assets(project, manifest)
    rejects_check = build_rejects_check(manifest, translator.get_asset_key)
    return Definitions(
        assets=[*RAW_ASSETS, *loader_table_specs(), dbt_models, build_publish_asset(dbt_models, project)],
        asset_checks=[rejects_check, build_freshness_check(manifest)],
        jobs=[nightly_refresh],
        schedules=[build_schedule()],
        sensors=[build_sensor()],
        resources=build_resources(project, dbt_executable()),
        executor=in_process_executor,
    )

