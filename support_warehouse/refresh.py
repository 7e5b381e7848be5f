"""The nightly refresh: load new landing files, ``dbt build``, collect what happened.

``refresh()`` runs and returns a ``RefreshReport``; printing is ``support_warehouse.summary``'s
job. The running part is the Dagster job ``nightly_refresh`` executed in process
(``support_warehouse.orchestration.run.run_nightly``; load id = Dagster run id). ``engine="direct"`` (or env
SW_REFRESH_ENGINE=direct) keeps the former loader + dbtRunner path without Dagster.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from . import config, load
from .contract import LANDING_TABLES
from .dbt_runner import DbtRunSummary, run_dbt, summarize
from .publish import PublishError, PublishResult, publish as publish_marts

log = logging.getLogger(__name__)

STAGING_REJECTS_RELATION = ("audit", "rejected_rows")


@dataclass
class EntityReport:
    entity: str
    files_loaded: list[str] = field(default_factory=list)
    files_skipped: int = 0
    rows_loaded: int = 0
    rejected_reader: int = 0  # raw._load_rejects rows of this load
    rejected_staging: int | None = None  # audit.rejected_rows rows from this load's files (None: unknown)
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # loader notes, e.g. '<file>: 0-byte file: nothing to load'
    files_quarantined: dict[str, str] = field(default_factory=dict)  # file -> why (none of its rows loaded)

    @property
    def rows_rejected(self) -> int:
        return self.rejected_reader + (self.rejected_staging or 0)


@dataclass
class RefreshReport:
    load_id: str
    landing: Path
    warehouse: Path
    target: str
    full_refresh: bool
    started_at: datetime
    finished_at: datetime | None = None
    entities: dict[str, EntityReport] = field(default_factory=dict)
    dbt: DbtRunSummary | None = None
    staging_rejects_note: str | None = None  # why staging rejects could not be counted
    publication: PublishResult | None = None  # set when this night was published for BI
    publish_error: str | None = None  # publishing refused or failed (previous marts kept)
    dagster: str | None = None  # "Dagster run <id> (nightly_refresh): success|FAILURE" (engine dagster)
    landing_problems: list[str] = field(default_factory=list)  # unknown folders/files (support_warehouse.landing)
    run_failures: list[str] = field(default_factory=list)  # the run or a load step failed as a whole: why
    stale_sources: list[str] = field(default_factory=list)  # "WARN|ERROR: <entity>: stale, ..." (source freshness)

    @property
    def load_errors(self) -> list[str]:
        return [e.error for e in self.entities.values() if e.error]

    @property
    def quarantined(self) -> dict[str, str]:
        return {f: why for e in self.entities.values() for f, why in e.files_quarantined.items()}

    def causes(self) -> list[str]:
        """What failed and why, most basic first (empty when the night is OK)."""
        out = list(self.run_failures)
        out += [f"load failed: {msg}" for msg in self.load_errors]
        d = self.dbt
        if d is None:
            if not out:
                out.append("dbt did not run")
        elif d.exception:
            out.append(f"dbt could not run: {d.exception.strip().splitlines()[0] if d.exception.strip() else d.exception}")
        elif d.has_errors:
            broken = [n.describe() for n in [*d.node_errors, *d.failing_tests]]
            shown = "; ".join(broken[:3]) + (f"; and {len(broken) - 3} more" if len(broken) > 3 else "")
            out.append(
                f"dbt: {d.nodes_error} model(s) errored, {d.failed + d.errored} error-level test(s) failed"
                + (f": {shown}" if shown else "")
            )
        if self.publish_error:
            out.append(f"publishing failed: {self.publish_error}")
        return out

    @property
    def ok(self) -> bool:
        """False when an entity failed to load or dbt hit an error-level failure."""
        return (
            not self.load_errors and not self.run_failures and self.dbt is not None
            and not self.dbt.has_errors and not self.publish_error
        )

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    @property
    def rows_loaded(self) -> int:
        return sum(e.rows_loaded for e in self.entities.values())

    @property
    def rows_rejected(self) -> int:
        return sum(e.rows_rejected for e in self.entities.values())


def _relation_columns(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> set[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
        [schema, name],
    ).fetchall()
    return {r[0].lower() for r in rows}


def count_staging_rejects(con: duckdb.DuckDBPyConnection, load_id: str) -> dict[str, int] | None:
    """Rows of audit.rejected_rows whose file was loaded by `load_id`, per entity, leaving out
    the reader rejects already counted from raw._load_rejects. None if the relation is missing."""
    schema, name = STAGING_REJECTS_RELATION
    cols = _relation_columns(con, schema, name)
    if not {"entity", "source_file", "source_line"} <= cols:
        return None
    rows = con.execute(
        f"""
        select r.entity, count(*)
        from {schema}.{name} as r
        where r.source_file in (
                select file_path from {load.LOADED_FILES}
                where load_id = ? and status = 'loaded' and entity = r.entity)
          and not exists (
                select 1 from {load.LOAD_REJECTS} as l
                where l.entity = r.entity and l.source_file = r.source_file
                  and l.source_line is not distinct from try_cast(r.source_line as bigint))
        group by 1
        """,
        [load_id],
    ).fetchall()
    return {entity: int(n) for entity, n in rows}


def _count_staging_rejects(report: RefreshReport) -> None:
    """Rows rejected by staging (audit.rejected_rows), counted per entity for this load."""
    # On target spark the marts and audit tables are read from the DuckDB mirror of the build.
    db = report.warehouse if report.target == "duckdb" else config.build_database(report.target)
    if db.exists():
        try:
            con = load.connect(db, read_only=True)
            try:
                counts = count_staging_rejects(con, report.load_id)
            finally:
                con.close()
        except duckdb.Error as e:
            counts = None
            report.staging_rejects_note = f"could not read audit.rejected_rows: {e}"
        if counts is None:
            report.staging_rejects_note = report.staging_rejects_note or "audit.rejected_rows does not exist yet"
        else:
            for entity in LANDING_TABLES:
                if entity in report.entities:
                    report.entities[entity].rejected_staging = counts.get(entity, 0)
    else:
        report.staging_rejects_note = f"no build database yet ({db})"


def refresh(
    landing: Path | None = None,
    warehouse: Path | None = None,
    target: str | None = None,
    full_refresh: bool = False,
    *,
    dbt_extra_args: list[str] | None = None,
    publish: bool = True,
    publish_dir: Path | None = None,
    engine: str | None = None,
) -> RefreshReport:
    """Load new files, run ``dbt build`` (seeds, models, tests), publish, and report.

    engine "dagster" (default): the Dagster job ``nightly_refresh`` in process; a failed load stops
    the night before dbt (the report lists the load errors, "dbt: not run"), so nothing is published.
    engine "direct": loader + dbtRunner; dbt runs even when an entity failed to load, so the report
    shows everything that is wrong. Either way the report is then not ok (exit code 1).
    """
    landing = Path(landing) if landing is not None else config.landing_dir()
    warehouse = Path(warehouse) if warehouse is not None else config.warehouse_path()
    target = target or config.dbt_target()
    engine = engine or os.environ.get("SW_REFRESH_ENGINE", "dagster")
    load_id = load.new_load_id()
    report = RefreshReport(
        load_id=load_id,
        landing=landing,
        warehouse=warehouse,
        target=target,
        full_refresh=full_refresh,
        started_at=datetime.now(UTC),
    )

    if engine == "dagster":
        # 1, 2 and 4 as one Dagster run: raw assets, dbt build (tests as checks), publish.
        from support_warehouse.orchestration.run import apply_to_report, run_nightly

        nightly = run_nightly(
            landing, warehouse, target, full_refresh=full_refresh, dbt_extra_args=dbt_extra_args,
            publish=publish, publish_dir=publish_dir,
        )
        apply_to_report(report, nightly)  # load_id becomes the Dagster run id
        _count_staging_rejects(report)
        report.finished_at = datetime.now(UTC)
        return report
    if engine != "direct":
        raise ValueError(f"unknown refresh engine {engine!r} (dagster or direct)")
    if target == "spark":
        # Loading, dbt and the export for publishing each need the Derby metastore to themselves:
        # the Dagster job runs them as separate processes (support_warehouse/orchestration/spark.py).
        raise ValueError("target spark runs through the Dagster job only (SW_REFRESH_ENGINE=dagster)")

    # 1. Load (the connection is closed before dbt opens the same file).
    from .landing import survey

    report.landing_problems = survey(landing).problems()
    con = load.connect(warehouse)
    try:
        results = load.load_all(con, landing, load_id)
    finally:
        con.close()
    for entity, res in results.items():
        report.entities[entity] = EntityReport(
            entity=entity,
            files_loaded=list(res.files_loaded),
            files_skipped=len(res.files_skipped),
            rows_loaded=res.rows_loaded,
            rejected_reader=res.rows_rejected,
            error=res.error,
            notes=list(res.notes),
            files_quarantined=dict(res.files_quarantined),
        )

    # 2. dbt build.
    # dbt unit tests run in pytest/CI, not every night (see support_warehouse.orchestration.dbt.NIGHTLY_EXCLUDES).
    args = (
        ["build", "--exclude-resource-type", "unit_test"]
        + (["--full-refresh"] if full_refresh else [])
        + list(dbt_extra_args or [])
    )
    log.info("running dbt %s (target %s)", " ".join(args), target)
    report.dbt = summarize(run_dbt(args, target=target, warehouse=warehouse))

    # 3. Rows rejected by staging (audit.rejected_rows), counted per entity for this load.
    _count_staging_rejects(report)

    # 4. Publish for BI readers (support_warehouse.publish): only a clean night; otherwise the
    #    previously published marts stay byte-identical.
    if publish and target == "duckdb" and report.ok:
        try:
            report.publication = publish_marts(warehouse, publish_dir or config.publish_dir(), run_id=load_id)
        except PublishError as e:
            report.publish_error = str(e)
            log.error("%s", e)

    report.finished_at = datetime.now(UTC)
    return report
