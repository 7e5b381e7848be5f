"""``no_rejected_rows``: one check per raw entity, evaluated after dbt built audit.rejected_rows.

audit.rejected_rows holds every row that did not reach the facts: reader rejects (stage `load`),
typing/value rules in staging (stage `staging`) and reference rules (stage `reference`). The check
describes the warehouse as it is after the night: it WARNs (never stops the night) while the
entity has rejected rows, with the counts by stage and reason and how many come from files loaded
in this run; it passes when there are none. A row fixed by a later version of its key stops being
a reject, so the warning clears once the source sends the correction.

When the project has no ``rejected_rows`` model, the check falls back to ``raw._load_rejects``.
"""

# No `from __future__ import annotations`: Dagster checks the context annotation at definition time.
from collections.abc import Iterator, Mapping
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from support_warehouse.orchestration.raw import RAW_RETRY_POLICY, raw_asset_key, summarise_reasons
from support_warehouse.orchestration.resources import WarehouseResource
from support_warehouse.contract import ENTITIES, LANDING_TABLES

REJECTS_CHECK = "no_rejected_rows"
REJECTS_MODEL = "rejected_rows"


def find_model(manifest: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") == "model" and node.get("name") == name:
            return node
    return None


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _rejects(con: Any, relation: str | None, run_id: str) -> dict[str, dict[str, Any]]:
    """entity -> {"total", "new", "new_staging", "reasons": [(stage, reason, count)]}; new_staging:
    the new ones rejected by staging or reference rules (the reader's own are counted by the load)."""
    out: dict[str, dict[str, Any]] = {e: {"total": 0, "new": 0, "new_staging": 0, "reasons": []} for e in LANDING_TABLES}
    if con is None:
        return out
    import duckdb

    # Files loaded by this run (status loaded or failed) plus files whose records the reader rejected.
    this_run = """with this_run as (
        select file_path as file from raw._loaded_files where load_id = ?
        union
        select source_file from raw._load_rejects where load_id = ?
    )
    """
    template = """
        select r.entity, {stage}, r.reason, count(*) as n,
               count(*) filter (where r.source_file in (select file from this_run)) as n_new
        from {relation} as r
        group by 1, 2, 3
        order by 1, n desc, 3
    """
    queries = [template.format(stage="r.rejected_stage", relation=relation)] if relation else []
    queries.append(template.format(stage="'load'", relation="raw._load_rejects"))
    rows: list = []
    for sql in queries:
        try:
            rows = con.execute(this_run + sql, [run_id, run_id]).fetchall()
            break
        except duckdb.CatalogException:  # audit model or loader tables not built yet
            continue
    for entity, stage, reason, n, n_new in rows:
        bucket = out.setdefault(str(entity), {"total": 0, "new": 0, "new_staging": 0, "reasons": []})
        bucket["total"] += int(n)
        bucket["new"] += int(n_new or 0)
        if stage != "load":
            bucket["new_staging"] += int(n_new or 0)
        bucket["reasons"].append((str(stage), str(reason), int(n)))
    return out


def build_rejects_check(manifest: Mapping[str, Any], dbt_asset_key_for_model) -> Any:
    model = find_model(manifest, REJECTS_MODEL)
    deps: list[AssetKey] = []
    relation: str | None = None
    if model is not None:
        deps = [dbt_asset_key_for_model(model)]
        relation = f"{_quote(model['schema'])}.{_quote(model.get('alias') or model['name'])}"
    source = f"audit.{REJECTS_MODEL}" if relation else "raw._load_rejects"

    specs = [
        AssetCheckSpec(
            REJECTS_CHECK,
            asset=raw_asset_key(entity),
            additional_deps=deps,
            description=(
                f"Warns while {entity} has rows that did not reach the facts ({source}): counts by "
                "stage and reason, and how many came in with this run's files."
            ),
        )
        for entity in LANDING_TABLES
    ]

    @multi_asset_check(
        name="raw_rejected_rows",
        specs=specs,
        can_subset=True,
        retry_policy=RAW_RETRY_POLICY,
        description=f"Rejected rows per raw entity, from {source}.",
    )
    def _rejected_rows_checks(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> Iterator[AssetCheckResult]:
        with warehouse.read_only() as con:
            counts = _rejects(con, relation, context.run.run_id)
        for check_key in context.selected_asset_check_keys:
            entity = check_key.asset_key.path[-1]
            c = counts.get(entity, {"total": 0, "new": 0, "new_staging": 0, "reasons": []})
            reasons = c["reasons"]
            metadata: dict[str, Any] = {
                "rejected_rows": c["total"],
                "rejected_rows_from_this_run": c["new"],
                "staging_rejects_from_this_run": c["new_staging"],
                "source": source,
            }
            if reasons:
                table = ["| stage | reason | rows |", "|---|---|---:|"]
                table += [f"| {s} | {r.replace('|', '/')} | {n} |" for s, r, n in reasons[:25]]
                if len(reasons) > 25:
                    table.append(f"| | … {len(reasons) - 25} more reasons | |")
                metadata["rejects_by_reason"] = MetadataValue.md("\n".join(table))
                metadata["rejects_by_stage"] = MetadataValue.json(
                    {s: sum(n for st, _, n in reasons if st == s) for s in sorted({st for st, _, _ in reasons})}
                )
            if c["total"]:
                summary = summarise_reasons([(f"{r} ({s})", n) for s, r, n in reasons])
                yield AssetCheckResult(
                    asset_key=check_key.asset_key,
                    check_name=REJECTS_CHECK,
                    passed=False,
                    severity=AssetCheckSeverity.WARN,
                    description=(
                        f"{entity}: {c['total']} rejected row(s) kept in {source} "
                        f"({c['new']} from this run's files): {summary}"
                    ),
                    metadata=metadata,
                )
            else:
                yield AssetCheckResult(
                    asset_key=check_key.asset_key,
                    check_name=REJECTS_CHECK,
                    passed=True,
                    description=f"{entity}: no rejected rows",
                    metadata=metadata,
                )

    return _rejected_rows_checks


FRESHNESS_CHECK = "source_is_fresh"


def build_freshness_check(manifest: Mapping[str, Any]) -> Any:
    """``source_is_fresh`` per raw entity: dbt's source freshness thresholds (from the manifest)
    against the newest row of raw.<entity> (support_warehouse.freshness). WARN past warn_after,
    ERROR past error_after; never blocking: yesterday's data plus what did arrive still publishes."""
    from support_warehouse.freshness import evaluate, thresholds_from_manifest

    limits = thresholds_from_manifest(manifest, list(ENTITIES))
    specs = [
        AssetCheckSpec(
            FRESHNESS_CHECK,
            asset=raw_asset_key(entity),
            description=(
                f"dbt source freshness of {entity}: warns after {t.warn_hours:g} h without a new row, "
                f"errors after {t.error_hours:g} h (vars source_freshness_warn_hours__{entity}, "
                f"source_freshness_error_hours__{entity})."
            ),
        )
        for entity, t in limits.items()
    ]

    @multi_asset_check(
        name="raw_source_freshness",
        specs=specs,
        can_subset=True,
        retry_policy=RAW_RETRY_POLICY,
        description="dbt source freshness of every raw entity, measured each night.",
    )
    def _freshness_checks(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> Iterator[AssetCheckResult]:
        import duckdb

        with warehouse.read_only() as con:
            for check_key in context.selected_asset_check_keys:
                entity = check_key.asset_key.path[-1]
                try:
                    if con is None:
                        raise duckdb.CatalogException("no build database yet")
                    f = evaluate(con, entity, limits[entity])
                except duckdb.CatalogException as e:  # e.g. the Spark mirror holds no raw tables
                    yield AssetCheckResult(
                        asset_key=check_key.asset_key, check_name=FRESHNESS_CHECK, passed=True,
                        description=f"{entity}: freshness not measured here ({e})",
                    )
                    continue
                yield AssetCheckResult(
                    asset_key=check_key.asset_key,
                    check_name=FRESHNESS_CHECK,
                    passed=f.status == "pass",
                    severity=AssetCheckSeverity.ERROR if f.status == "error" else AssetCheckSeverity.WARN,
                    description=f.description,
                    metadata={"age_hours": round(f.age_hours, 2) if f.age_hours is not None else -1.0},
                )

    return _freshness_checks
