"""One isolated night on a generated landing folder, shared by the connector test modules
(test_zendesk, test_intercom, test_connectors_mixed): every path under the test's tmp folder.
Also what test_zendesk and test_intercom both read: the connector's CSV files as landed, the
registry against the dbt sources, the scorecard by month, the rejected rows, and the share of
rows on which our per-ticket metrics agree with the Fivetran package's definitions."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import yaml

import pytest

from support_warehouse import config
from support_warehouse.contract import CONNECTOR_TABLES
from tests.nights import NightStage, night_refresh


def run_night(night_stage: NightStage, name: str, write_landing: Callable[[Path], object]) -> dict:
    """Write the landing folder with `write_landing(landing)`, run the Dagster night, return its paths and report."""
    root = night_stage.mktemp(name)
    landing, warehouse, published = root / "landing", root / "warehouse.duckdb", root / "published"
    written = write_landing(landing)
    with pytest.MonkeyPatch.context() as mp:
        night_stage.setenv(mp, root)
        # the Dagster night: raw assets per connector table, dbt build, publish
        report = night_refresh()
    return {"landing": landing, "warehouse": warehouse, "published": published, "report": report, "written": written}


def run_connector_night(night_stage: NightStage, system: str, generate: Callable[[Path], object]) -> dict:
    """`run_night` on a landing folder that `generate(landing)` fills with one system's tables only."""
    def write(landing: Path) -> object:
        written = generate(landing)
        assert sorted(p.name for p in landing.iterdir()) == [system]
        return written

    return run_night(night_stage, system, write)


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = config.connect_build(warehouse, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def landed_rows(landing: Path, system: str, table: str) -> list[dict[str, str]]:
    """The rows of one connector table's CSV file, as text."""
    with open(landing / system / table / f"{table}.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def fivetran_ts(text: str) -> datetime:
    """A Fivetran timestamp (UTC, no offset) as a naive datetime; ValueError if it is not one."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def sources_and_registry(system: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The system's dbt source tables with their columns, and the loader's registry entries with
    the columns they read (required then optional): the two must agree."""
    sources = yaml.safe_load(Path(config.REPO_ROOT, f"models/staging/{system}/_{system}__sources.yml").read_text())
    in_dbt = {t["identifier"]: [c["name"] for c in t["columns"]] for t in sources["sources"][0]["tables"]}
    read = {n: [*e.required, *e.optional] for n, e in CONNECTOR_TABLES.items()
            if e.required and n.startswith(f"{system}__")}
    return in_dbt, read


def monthly_scorecard(warehouse: Path, metric_id: str) -> dict[str, float]:
    """'YYYY-MM' -> the metric's value for dimension 'all' in marts.kpi_scorecard."""
    return dict(query(warehouse, f"""
        select strftime(period_start, '%Y-%m'), value from marts.kpi_scorecard
        where metric_id = '{metric_id}' and period_grain = 'month' and dimension = 'all'
    """))


def rejected_rows(warehouse: Path) -> list[tuple]:
    """audit.rejected_rows as sorted (entity, source_file, record_key, reason, rejected_stage, offending_value)."""
    return sorted(query(warehouse, """
        select entity, source_file, record_key, reason, rejected_stage, offending_value from audit.rejected_rows
    """))


def _agrees(ours, theirs, tolerance: float | None) -> bool:
    """Equal within `tolerance` (None: as tuples, exactly); None and NaN agree only with None."""
    if tolerance is None:
        return tuple(ours.values() if isinstance(ours, dict) else ours) == theirs
    if ours is None or theirs is None or (isinstance(ours, float) and math.isnan(ours)):
        return (ours is None or (isinstance(ours, float) and math.isnan(ours))) and theirs is None
    return abs(float(ours) - float(theirs)) <= tolerance


def agreement_shares(actual: dict[str, tuple], expected: dict[str, dict], metrics: list[tuple[str, float | None]]
                     ) -> dict[str, float]:
    """Per metric (name, tolerance; position i in `actual`'s tuples), the share of keys whose
    value agrees with `expected[key][name]`."""
    return {
        name: sum(_agrees(actual[k][i], expected[k][name], tolerance) for k in expected) / len(expected)
        for i, (name, tolerance) in enumerate(metrics)
    }
