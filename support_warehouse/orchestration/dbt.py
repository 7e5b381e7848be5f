"""The dbt project as Dagster assets (dagster-dbt); every dbt test is an asset check.

* Sources `helpdesk`, `workforce`, `telephony`, `surveys`, `commerce` (tables = entity names) map
  onto the raw assets' keys (``raw/<entity>``), and the loader's bookkeeping tables (source
  `loader`) onto ``raw/_load_rejects`` and ``raw/_loaded_files``, so the asset graph is connected.
* Groups follow the dbt folders (staging, intermediate, marts, audit, ...); seeds are `reference`.
* The whole project is selected (``fqn:*``), so models added later show up without code changes.
* One ``dbt build`` per run. dbt tests with severity error are blocking checks (dagster-dbt's
  default); a failed model or error-level test fails the step, so nothing downstream runs.
  Lock or connection errors are retried (``DBT_RETRY_POLICY``); data-test failures and SQL
  errors are not (``Failure(allow_retries=False)``).
"""

# No `from __future__ import annotations`: Dagster checks the context annotation at definition time.
import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from dagster import (
    AssetExecutionContext, AssetKey, Backoff, Config, DagsterEventType, DagsterRunStatus, Failure, Jitter, MetadataValue, RetryPolicy,
    RunsFilter,
)
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from support_warehouse.orchestration import spark
from support_warehouse.orchestration.project import manifest_stale_reason
from support_warehouse.orchestration.raw import LOADER_TABLES, loader_table_key, raw_asset_key
from support_warehouse.orchestration.resources import RunLockResource
from support_warehouse import config as sw_config
from support_warehouse.contract import LANDING_TABLES
from support_warehouse.dbt_runner import changed_since_env, loaded_through
from support_warehouse.load import permanent_error

DBT_ASSETS_NAME = "dbt_models"
MARTS_CATALOG = "marts"
DBT_RETRY_POLICY = RetryPolicy(max_retries=2, delay=15, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS)
# Substrings of dbt error messages that mean "try again later", not "the data or SQL is wrong".
TRANSIENT_MARKERS = (
    "could not set lock",
    "conflicting lock",
    "database is locked",
    "resource temporarily unavailable",
    "connection refused",
    "connection reset",
    "timed out",
)
# dbt artifacts of the last few runs are kept (each run writes to its own folder).
KEEP_RUN_TARGETS = 5
# dbt unit tests check model logic on fixed inputs, not the night's data: they run in pytest/CI
# (tests/test_dbt_unit_tests.py), not every night (dbt docs: exclude them outside dev/CI).
NIGHTLY_EXCLUDES = ["--exclude-resource-type", "unit_test"]
# dbt's partial-parse state, kept next to the manifest between runs (run folders are fresh).
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


class DbtBuildConfig(Config):
    """Run config of the dbt step (op ``dbt_models``): ``dbt build`` options."""

    full_refresh: bool = False  # rebuild incremental models from scratch
    extra_args: list[str] = []  # appended to `dbt build` (e.g. ["--threads", "4"])


class SupportWarehouseDbtTranslator(DagsterDbtTranslator):
    """Raw sources are the raw assets; groups follow the dbt folder layout."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props.get("resource_type") == "source":
            # connector tables: source zendesk, table ticket, identifier zendesk__ticket
            table = dbt_resource_props.get("identifier") or dbt_resource_props["name"]
            if table in LANDING_TABLES:
                return raw_asset_key(table)
            if dbt_resource_props.get("source_name") == "loader" and table in LOADER_TABLES:
                return loader_table_key(table)
        key = super().get_asset_key(dbt_resource_props)
        # On DuckDB the marts are catalog `marts`, schema main (a file of their own): keep the
        # keys every target gives them, marts/<name>.
        if dbt_resource_props.get("database") == MARTS_CATALOG and key.path[:1] == [dbt_resource_props.get("schema")]:
            return AssetKey([MARTS_CATALOG, *key.path[1:]])
        return key

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props.get("resource_type")
        if resource_type == "source":
            return "raw"
        if resource_type == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn") or []
        if len(fqn) > 2:
            return str(fqn[1])
        return "dbt"


def dbt_translator() -> SupportWarehouseDbtTranslator:
    return SupportWarehouseDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


def _run_target_path(project: DbtProject, run_id: str) -> Path:
    root = project.manifest_path.parent / "dagster_runs"
    root.mkdir(parents=True, exist_ok=True)
    runs = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
    for old in runs[: max(0, len(runs) - (KEEP_RUN_TARGETS - 1))]:
        shutil.rmtree(old, ignore_errors=True)
    return root / run_id


def _keep_parse(run_target: Path, shared: Path) -> None:
    """dbt reads `--partial-parse-file-path` but writes its parse into the run's target folder:
    keep that for the next night, or after a project or profile change every later night would
    parse the whole project again."""
    parsed = run_target / PARTIAL_PARSE_FILE
    if parsed.exists():
        staged = shared.with_name(shared.name + ".new")
        shutil.copy2(parsed, staged)
        os.replace(staged, shared)


def _failed_results(target_path: Path) -> list[dict]:
    try:
        results = json.loads((target_path / "run_results.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    return [r for r in results if r.get("status") in ("error", "fail", "runtime error")]


def _is_transient(messages: list[str]) -> bool:
    text = "\n".join(messages).lower()
    return any(marker in text for marker in TRANSIENT_MARKERS)


def _known_ids(manifest: Mapping[str, Any]) -> set[str]:
    ids: set[str] = set()
    for section in ("nodes", "sources", "unit_tests", "exposures", "metrics", "semantic_models", "saved_queries"):
        ids.update((manifest.get(section) or {}).keys())
    return ids


def _asset_events(invocation: Any, context: AssetExecutionContext) -> Iterator[Any]:
    """dagster-dbt's event stream, tolerant of nodes the loaded manifest does not know (a model
    added while the code location was loaded): those are skipped with a warning, not a KeyError."""
    known = _known_ids(invocation.manifest)
    unknown: set[str] = set()
    for event in invocation.stream_raw_events():
        unique_id = ((event.raw_event.get("data") or {}).get("node_info") or {}).get("unique_id")
        if unique_id and unique_id not in known:
            if unique_id not in unknown:
                unknown.add(unique_id)
                context.log.warning(f"{unique_id} is not in the loaded manifest; built by dbt, not tracked")
            continue
        yield from event.to_default_asset_events(
            manifest=invocation.manifest,
            dagster_dbt_translator=invocation.dagster_dbt_translator,
            context=context,
            target_path=invocation.target_path,
            project=invocation.project,
        )


def _stop(invocation: Any) -> None:
    process = getattr(invocation, "process", None)
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=30)
    except Exception:
        process.kill()
        process.wait(timeout=10)


def _descendants(manifest: Mapping[str, Any], uid: str) -> set[str]:
    child_map = manifest.get("child_map") or {}
    seen: set[str] = set()
    todo = list(child_map.get(uid, []))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(child_map.get(node, []))
    return seen


def attach_singular_tests(manifest: dict) -> dict:
    """Make every dbt test an asset check: dagster-dbt attaches a test to its model through
    ``attached_node`` (generic tests) or its single parent; a singular test reading several
    relations needs ``meta.dagster.ref``. When that is missing, attach the test to its most
    downstream parent (the relation the others feed, e.g. kpi_scorecard checked against a seed)."""
    nodes = manifest.get("nodes", {})
    for uid, node in nodes.items():
        if node.get("resource_type") != "test" or node.get("attached_node"):
            continue
        meta = (node.get("config") or {}).get("meta") or node.get("meta") or {}
        if (meta.get("dagster") or {}).get("ref"):
            continue
        parents = [p for p in node.get("depends_on", {}).get("nodes", []) if p in nodes]
        if len(parents) < 2:
            continue
        downstream = [p for p in parents if not any(p in _descendants(manifest, q) for q in parents if q != p)]
        downstream.sort(key=lambda p: (nodes[p].get("resource_type") != "model", p))
        target = nodes[(downstream or parents)[0]]
        config = node.setdefault("config", {})
        config.setdefault("meta", {}).setdefault("dagster", {})["ref"] = {
            "name": target["name"],
            "package": target.get("package_name"),
        }
    return manifest


# Successful runs of the job looked at for the last one that built the whole dbt project (a
# run from the UI may materialise a raw asset or a few models alone).
WATERMARK_RUNS_LOOKED_AT = 50


def _dbt_asset_keys(manifest: Mapping) -> set[AssetKey]:
    translator = dbt_translator()
    return {
        translator.get_asset_key(node)
        for node in (manifest.get("nodes") or {}).values()
        if node.get("resource_type") in ("model", "seed", "snapshot")
        and (node.get("config") or {}).get("materialized") != "ephemeral"
    }


def _built_whole_project(instance: Any, run: Any, dbt_keys: set[AssetKey]) -> bool:
    """The run's dbt step succeeded over every dbt asset (not a subset picked in the UI)."""
    # a run of the whole job has no selection (None, or an empty set when run in process)
    if run.asset_selection and not dbt_keys <= set(run.asset_selection):
        return False
    try:
        records = instance.get_records_for_run(run.run_id, of_type=DagsterEventType.STEP_SUCCESS).records
    except Exception:  # a run's event file lost or damaged: not a run to take the watermark from
        return False
    return any(r.event_log_entry.step_key == DBT_ASSETS_NAME for r in records)


def night_watermark(context: AssetExecutionContext, project: DbtProject, manifest: Mapping) -> str | None:
    """The watermark of tonight's incremental models (var changed_since): the raw layer's load
    high-water mark when this job's last fully successful run of the whole dbt build ended, i.e.
    everything that night's build had seen (one run at a time: nothing loads between runs). A
    night that failed, even only a test, does not move it, so the next night recomputes that
    night's changes again (replacing the same keys twice gives the same rows) and tests them
    again; neither does a successful run that built no dbt node or only some (a raw asset or a
    model materialised from the UI): the watermark is that of the build before it.
    None (everything counts as changed, every row tested) before the first successful build, and
    when the data tests differ from that run's (a new or changed rule has not seen the old rows)."""
    records = context.instance.get_run_records(
        filters=RunsFilter(job_name=context.job_name, statuses=[DagsterRunStatus.SUCCESS]),
        limit=WATERMARK_RUNS_LOOKED_AT,
    )
    dbt_keys = _dbt_asset_keys(manifest)
    record = next(
        (r for r in records if _built_whole_project(context.instance, r.dagster_run, dbt_keys)), None
    )
    if record is None or record.end_time is None:
        return None
    previous = project.manifest_path.parent / "dagster_runs" / record.dagster_run.run_id / "manifest.json"
    try:
        same_tests = tests_fingerprint(json.loads(previous.read_text())) == tests_fingerprint(manifest)
    except (OSError, ValueError):
        same_tests = False
    if not same_tests:
        context.log.info("data tests changed since the last successful night (or its manifest is gone): every row")
        return None
    ended = datetime.fromtimestamp(record.end_time, timezone.utc).replace(tzinfo=None)
    return loaded_through(until=ended)


def tests_fingerprint(manifest: Mapping) -> str:
    """What the project's data tests check: each test's macro, arguments and severity, and the
    SQL of the macros a test can call: the project's own and every generic test's (not a test's
    `where`, which the watermark itself sets). Not the macros dbt lists under a test's
    `depends_on`: `dbt parse` leaves a singular test's list empty and a run fills it, so the
    definitions' manifest and the last run's would never agree."""
    project = manifest.get("metadata", {}).get("project_name")
    macros = sorted(
        (unique_id, macro.get("macro_sql"))
        for unique_id, macro in manifest.get("macros", {}).items()
        if macro.get("package_name") == project or macro.get("name", "").startswith("test_")
    )
    tests = []
    for unique_id, node in sorted(manifest.get("nodes", {}).items()):
        if node.get("resource_type") != "test":
            continue
        tests.append([
            unique_id,
            # a generic test's raw code carries its rendered `where`; a singular test's is its SQL
            node.get("test_metadata") or node.get("raw_code"),
            (node.get("config") or {}).get("severity"),
        ])
    return hashlib.sha256(json.dumps([tests, macros], sort_keys=True, default=str).encode()).hexdigest()


def build_dbt_assets(project: DbtProject, manifest: dict | None = None):
    """``manifest``: the parsed manifest (default: read from the project's target folder)."""
    if manifest is None:
        manifest = json.loads(project.manifest_path.read_text())
    manifest = attach_singular_tests(manifest)

    @dbt_assets(
        manifest=manifest,
        project=project,
        name=DBT_ASSETS_NAME,
        dagster_dbt_translator=dbt_translator(),
        retry_policy=DBT_RETRY_POLICY,
    )
    def _dbt_models(
        context: AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig,
        run_lock: RunLockResource,  # noqa: ARG001 - one run at a time per warehouse, held for the run
    ):
        stale = manifest_stale_reason(project)
        if stale:
            context.log.warning(
                f"dbt project changed since these definitions were loaded ({stale}): nodes unknown "
                "to the loaded manifest are built but not tracked; reload the definitions to see them."
            )
        target_path = _run_target_path(project, context.run.run_id)
        changed_since = None if config.full_refresh or spark.is_spark() else night_watermark(context, project, manifest)
        # No watermark (first build, or the data tests changed): every row counts as changed, which
        # is what a full refresh computes, without the incremental path's change sets and deletes.
        full_refresh = config.full_refresh or (changed_since is None and not spark.is_spark())
        context.log.info(
            f"incremental models recompute what was loaded after: {changed_since}" if changed_since
            else "no watermark: every row counts as changed (a full refresh)"
        )
        args = [
            "build",
            *NIGHTLY_EXCLUDES,
            *(["--full-refresh"] if full_refresh else []),
            # one partial-parse file for every run: only changed project files are re-parsed
            "--partial-parse-file-path",
            str(project.manifest_path.parent / PARTIAL_PARSE_FILE),
            *config.extra_args,
        ]
        if spark.is_spark():
            # the keyed PII hashes' key (DuckDB: the dbt-duckdb plugin support_warehouse.dbt_duckdb_pii)
            os.environ.update(sw_config.spark_pii_env())
        # the watermark as an env var of the dbt process, not --vars: a new watermark re-parses
        # only the files that read it, not the whole project
        with sw_config.env_overrides(changed_since_env(changed_since)):
            invocation = dbt.cli(args, context=context, target_path=target_path, raise_on_error=False)
        try:
            yield from _asset_events(invocation, context)
        except BaseException:
            _stop(invocation)  # never leave a dbt process holding the DuckDB lock behind
            raise
        _keep_parse(target_path, project.manifest_path.parent / PARTIAL_PARSE_FILE)
        if spark.is_spark() and (invocation.is_successful() or _failed_results(target_path)):
            # dbt's JVM has exited: mirror the build into DuckDB for publishing and the checks.
            context.log.info(f"spark: built relations mirrored to {spark.export_build()}")
        if invocation.is_successful():
            return
        failed = _failed_results(target_path)
        messages = [f"{r.get('unique_id')}: {r.get('status')}: {r.get('message')}" for r in failed]
        if not failed:
            # dbt stopped before running a node (profile, connection, lock): dbt's own error text.
            error = invocation.get_error()
            messages = [getattr(error, "description", None) or str(error or "dbt build failed")]
        description = f"dbt build failed ({len(failed)} failing node(s)):\n" + "\n".join(messages[:30])
        # A permission error or a read-only/full disk does not heal within a night: not retried.
        transient = (_is_transient(messages) or not failed) and not any(map(permanent_error, messages))
        raise Failure(
            description=description,
            metadata={"failed_nodes": MetadataValue.json([r.get("unique_id") for r in failed]), "transient": transient},
            allow_retries=transient,
        )

    return _dbt_models
