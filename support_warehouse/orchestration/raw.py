"""One Dagster asset per landing entity: load new files into raw.<entity> via the loader.

The assets share one subsettable step (``raw_extracts``), so the loads of several entities run
side by side (``load_entities``); each asset is still materialized, checked and selectable on its
own. Each carries the blocking check ``loads_cleanly``:

* ERROR (fails the step, so the run fails and no dbt model or later publish step runs) when the
  loader reports an error for the entity as a whole;
* WARN when a file was quarantined in this load (unreadable, or missing a required column):
  none of its rows loaded, the entity's other files did, the night goes on; the description names
  each file and why;
* WARN when the file reader rejected records in this load (counts by reason from
  ``raw._load_rejects``); the night goes on, the rows are kept in the rejects table;
* pass otherwise.

The same step materializes ``raw/_landing`` (the landing folder itself) with the check
``only_known_landing_content``: WARN naming every folder and file the night does not load (a typo
such as ``ticket/``, a stray file) or when no entity folder holds a file (support_warehouse.landing).

Transient failures (the DuckDB file locked by another process, I/O hiccups) raise and are retried
by ``RAW_RETRY_POLICY``; loader errors about the data are never retried, and neither are
permanent errors of the machine (permission denied, read-only or full disk): they fail the step
at once with a ``Failure`` that names the cause.
"""

# No `from __future__ import annotations`: Dagster checks the context annotation at definition time.
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    Backoff,
    Failure,
    Jitter,
    MaterializeResult,
    MetadataValue,
    RetryPolicy,
    multi_asset,
)

from support_warehouse.orchestration import spark
from support_warehouse.orchestration.pending import LOADED_TAG_PREFIX
from support_warehouse.orchestration.resources import RunLockResource, WarehouseResource
from support_warehouse.contract import CONNECTOR_TABLES, LANDING_TABLES, Entity

RAW_GROUP = "raw"
LOAD_CHECK = "loads_cleanly"
RAW_RETRY_POLICY = RetryPolicy(max_retries=3, delay=5, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS)
# Loader bookkeeping tables (dbt source `loader`), written by every raw asset.
LOADER_TABLES = {
    "_load_rejects": "Records the file reader could not parse, with file, line and reason (all entities).",
    "_loaded_files": "One row per landing file loaded, with its content hash (a file is never loaded twice).",
}


LANDING_KEY = AssetKey(["raw", "_landing"])
LANDING_CHECK = "only_known_landing_content"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}".rstrip(": ")


def raw_asset_key(entity: str) -> AssetKey:
    return AssetKey(["raw", entity])


def loader_table_key(table: str) -> AssetKey:
    return AssetKey(["raw", table])


def _field(result: Any, name: str, default: Any = None) -> Any:
    if isinstance(result, dict):
        return result.get(name, default)
    return getattr(result, name, default)


def _as_list(value: Any) -> list[str] | None:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return None


def _load_reject_reasons(con: Any, entity: str, load_id: str) -> list[tuple[str, int]]:
    """(reason, count) of this load's reader rejects for the entity, most frequent first."""
    try:
        rows = con.execute(
            """
            select reason, count(*) as n
            from raw._load_rejects
            where entity = ? and load_id = ?
            group by reason
            order by n desc, reason
            """,
            [entity, load_id],
        ).fetchall()
    except Exception:  # table not there yet (nothing ever rejected) or a loader without load_id
        return []
    return [(str(r), int(n)) for r, n in rows]


def _row_count(con: Any, entity: str) -> int | None:
    try:
        return int(con.execute(f'select count(*) from raw."{entity}"').fetchone()[0])
    except Exception:
        return None


def _reasons_markdown(reasons: list[tuple[str, int]], limit: int = 20) -> str:
    lines = ["| reason | rows |", "|---|---:|"]
    for reason, n in reasons[:limit]:
        lines.append(f"| {reason.replace('|', '/')} | {n} |")
    if len(reasons) > limit:
        lines.append(f"| … {len(reasons) - limit} more reasons | |")
    return "\n".join(lines)


def summarise_reasons(reasons: list[tuple[str, int]], limit: int = 3) -> str:
    text = "; ".join(f"{n} × {reason}" for reason, n in reasons[:limit])
    if len(reasons) > limit:
        text += f"; and {len(reasons) - limit} more reasons"
    return text


def _spec(entity: Entity) -> AssetSpec:
    return AssetSpec(
        key=raw_asset_key(entity.name),
        group_name=RAW_GROUP,
        kinds={"python", "duckdb"},
        description=(
            f"raw.{entity.name}: every `{entity.name}` extract row as text, loaded from the landing folder "
            f"`{entity.landing_folder}/` (CSV, JSON lines, Parquet) by support_warehouse.load (load_spark on the spark "
            f"target); only new files are read. "
            f"Key: {', '.join(entity.key)}. Required columns: {', '.join(entity.required)}."
        ),
        skippable=True,
        metadata={"entity": entity.name, "dbt_source": f"{entity.source}.{entity.name}"},
    )


def _check_spec(entity: Entity) -> AssetCheckSpec:
    return AssetCheckSpec(
        LOAD_CHECK,
        asset=raw_asset_key(entity.name),
        blocking=True,
        description=(
            "Warns when a file was quarantined (unreadable or missing a required column: none of "
            "its rows loaded, the entity's other files did) or the reader rejected records (counts "
            "by reason); fails (ERROR, stops the night) only when the entity could not be loaded at all."
        ),
    )


def _load_on_duckdb(con: Any, landing: Path, entity: str, load_id: str) -> dict[str, Any]:
    from support_warehouse import load

    result: Any = None
    try:
        result = load.load_entity(con, landing, entity, load_id=load_id)
        error = _field(result, "error")
    except load.LoadError as exc:  # data problem: report it, never retry it
        error = str(exc)
    return {
        "result": result,
        "error": error,
        "reasons": _load_reject_reasons(con, entity, load_id),
        "total_rows": _row_count(con, entity),
    }


_NOT_LOADED: dict[str, Any] = {"result": None, "error": None, "reasons": [], "total_rows": 0}


def _load_on_spark(landing: Path, entity: str, load_id: str) -> dict[str, Any]:
    # Spark's readers in a process of their own (support_warehouse/orchestration/spark.py); same report.
    result = spark.load_entity(landing, entity, load_id)
    return {
        "result": result,
        "error": result["error"],
        "reasons": [(str(r), int(n)) for r, n in result["reasons"]],
        "total_rows": result["total_rows"],
    }


def load_entities(warehouse: WarehouseResource, entities: list[str], load_id: str) -> dict[str, dict[str, Any]]:
    """Load the entities' new files: on DuckDB several at once (support_warehouse.load.side_by_side)."""
    from support_warehouse import load

    landing = warehouse.landing()
    if spark.is_spark():
        # The Spark loader reads the contract entities only; connector tables stay empty there
        # (their stg_<system>__* models build on an empty source, docs/sources/zendesk.md).
        return {
            e: _NOT_LOADED if e in CONNECTOR_TABLES else _load_on_spark(landing, e, load_id) for e in entities
        }
    with warehouse.connect() as con:
        load.ensure_raw_schema(con)
        # A transient error (the file locked, I/O) raises once the other loads finished: the
        # step's retry then loads only the files not yet recorded.
        return load.side_by_side(
            con, landing, entities, lambda cursor, entity: _load_on_duckdb(cursor, landing, entity, load_id)
        )


def _load_events(
    context: AssetExecutionContext, entity: Entity, outcome: dict[str, Any], landing: Path
) -> Iterator[Any]:
    """The entity's materialization with its loads_cleanly check (only the check when nothing loaded)."""
    key = raw_asset_key(entity.name)
    load_id = context.run.run_id
    result, error = outcome["result"], outcome["error"]
    reasons, total_rows = outcome["reasons"], outcome["total_rows"]
    loaded_files = _as_list(_field(result, "files_loaded"))
    files_loaded = len(loaded_files) if loaded_files is not None else int(_field(result, "files_loaded", 0) or 0)
    skipped = _as_list(_field(result, "files_skipped"))
    files_skipped = len(skipped) if skipped is not None else int(_field(result, "files_skipped", 0) or 0)
    rows_loaded = int(_field(result, "rows_loaded", 0) or 0)
    rows_rejected = int(_field(result, "rows_rejected", 0) or 0)
    if not rows_rejected and reasons:
        rows_rejected = sum(n for _, n in reasons)

    metadata: dict[str, Any] = {
        "entity": entity.name,
        "landing_dir": MetadataValue.path(str(landing / entity.name)),
        "load_id": load_id,
        "files_loaded": files_loaded,
        "files_skipped": files_skipped,
        "rows_loaded": rows_loaded,
        "rows_rejected": rows_rejected,
    }
    if loaded_files:
        metadata["new_files"] = MetadataValue.json(loaded_files)
    notes = _as_list(_field(result, "notes")) or []
    if notes:
        metadata["notes"] = MetadataValue.json(notes)
    if total_rows is not None:
        metadata["dagster/row_count"] = total_rows
    if error:
        metadata["error"] = MetadataValue.text(str(error))
    if files_loaded:
        context.instance.add_run_tags(
            context.run.run_id,
            {f"{LOADED_TAG_PREFIX}{entity.name}": f"{files_loaded} files, {rows_loaded} rows, {rows_rejected} rejected"},
        )

    check_metadata = dict(metadata)
    check_metadata.pop("dagster/row_count", None)
    if reasons:
        check_metadata["rejects_by_reason"] = MetadataValue.md(_reasons_markdown(reasons))
    quarantined = dict(_field(result, "files_quarantined", None) or {})
    if quarantined:
        metadata["quarantined_files"] = check_metadata["quarantined_files"] = MetadataValue.json(quarantined)
    if error:
        passed, severity = False, AssetCheckSeverity.ERROR
        description = f"{entity.name}: load failed: {error}"
        context.log.error(f"raw.{entity.name}: load failed: {error}")
    elif quarantined:
        passed, severity = False, AssetCheckSeverity.WARN
        description = (
            f"{entity.name}: {len(quarantined)} file(s) quarantined, none of their rows loaded "
            f"(fix the file and drop the fixed copy into the landing folder): " + "; ".join(quarantined.values())
        )
        if rows_rejected:
            description += f"; and {rows_rejected} record(s) could not be read: {summarise_reasons(reasons)}"
        context.log.warning(f"raw.{entity.name}: {description}")
    elif rows_rejected:
        passed, severity = False, AssetCheckSeverity.WARN
        description = (
            f"{entity.name}: {rows_rejected} record(s) could not be read and were kept in "
            f"raw._load_rejects: {summarise_reasons(reasons) or 'see raw._load_rejects'}"
        )
    else:
        passed, severity = True, AssetCheckSeverity.ERROR
        description = f"{entity.name}: {files_loaded} new file(s), {rows_loaded} rows loaded, none rejected"
    check = AssetCheckResult(
        asset_key=key,
        check_name=LOAD_CHECK,
        passed=passed,
        severity=severity,
        description=description,
        metadata=check_metadata,
    )

    if error and not rows_loaded:
        # Nothing changed in raw.<entity>: report the failed check only (no materialization).
        yield check
    else:
        yield MaterializeResult(asset_key=key, metadata=metadata, check_results=[check])


def _landing_events(landing: Path) -> Any:
    from support_warehouse.landing import survey

    found = survey(landing)
    problems = found.problems()
    metadata: dict[str, Any] = {
        "landing_dir": MetadataValue.path(str(landing)),
        "unknown": MetadataValue.json(found.unknown),
        "entity_files": found.entity_files,
    }
    check = AssetCheckResult(
        asset_key=LANDING_KEY,
        check_name=LANDING_CHECK,
        passed=not problems,
        severity=AssetCheckSeverity.WARN,
        description="; ".join(problems) or "the landing folder holds only entity and connector folders",
        metadata=metadata,
    )
    return MaterializeResult(asset_key=LANDING_KEY, metadata=metadata, check_results=[check])


_LANDING_SPEC = AssetSpec(
    key=LANDING_KEY,
    group_name=RAW_GROUP,
    kinds={"python"},
    description=(
        "The landing folder itself: what it holds besides the extracts the night loads. Its check "
        f"{LANDING_CHECK} warns, by name, about unknown folders (a typo such as `ticket/`) and files, "
        "and when no entity folder holds a file."
    ),
    skippable=True,
)
_LANDING_CHECK_SPEC = AssetCheckSpec(
    LANDING_CHECK,
    asset=LANDING_KEY,
    description="Warns (never stops the night) naming every folder and file in the landing folder that is not loaded.",
)


@multi_asset(
    name="raw_extracts",
    specs=[_spec(e) for e in LANDING_TABLES.values()] + [_LANDING_SPEC],
    check_specs=[_check_spec(e) for e in LANDING_TABLES.values()] + [_LANDING_CHECK_SPEC],
    can_subset=True,
    retry_policy=RAW_RETRY_POLICY,
)
def raw_extracts(
    context: AssetExecutionContext, warehouse: WarehouseResource, run_lock: RunLockResource  # noqa: ARG001 - held for the run
) -> Iterator[Any]:
    """Every selected raw.<entity> asset in one step, so their loads can run side by side."""
    selected = [e for e in LANDING_TABLES.values() if raw_asset_key(e.name) in context.selected_asset_keys]
    if LANDING_KEY in context.selected_asset_keys:
        yield _landing_events(warehouse.landing())
    try:
        outcomes = load_entities(warehouse, [e.name for e in selected], context.run.run_id)
    except Exception as exc:
        from support_warehouse.load import permanent_error

        if not permanent_error(exc):
            raise  # transient (a lock, an I/O hiccup): RAW_RETRY_POLICY retries the step
        raise Failure(
            description=f"cannot load into {warehouse.warehouse()}: {_first_line(exc)} (not retried: fix it and run again)",
            allow_retries=False,
        ) from exc
    for entity in selected:
        yield from _load_events(context, entity, outcomes[entity.name], warehouse.landing())


RAW_ASSETS: list[AssetsDefinition] = [raw_extracts]
