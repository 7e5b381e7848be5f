"""One isolated night on a generated landing folder, shared by the connector test modules
(test_zendesk, test_intercom, test_connectors_mixed): every path under the test's tmp folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from support_warehouse import config


def run_night(tmp_path_factory: pytest.TempPathFactory, name: str, write_landing: Callable[[Path], object]) -> dict:
    """Write the landing folder with `write_landing(landing)`, run the Dagster night, return its paths and report."""
    from support_warehouse.orchestration.run import run_nightly

    root = tmp_path_factory.mktemp(name)
    landing, warehouse, published = root / "landing", root / "warehouse.duckdb", root / "published"
    written = write_landing(landing)
    mp = pytest.MonkeyPatch()
    mp.delenv("SW_REPORTING_TZ", raising=False)
    mp.setenv("SW_DUCKDB_MEMORY_LIMIT", "1GB")
    env = {
        "SW_LANDING_DIR": landing, "SW_WAREHOUSE_PATH": warehouse, "SW_PUBLISH_DIR": published,
        "DAGSTER_HOME": root / "dagster", "SW_DBT_TARGET_PATH": root / "target", "SW_DBT_TARGET": "duckdb",
        "SW_DAGSTER_LOG_LEVEL": "WARNING", "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    for k, v in env.items():
        mp.setenv(k, str(v))
    mp.delenv("DBT_TARGET_PATH", raising=False)
    mp.delenv("DBT_LOG_PATH", raising=False)
    try:
        # the Dagster night: raw assets per connector table, dbt build, publish
        report = run_nightly(landing, warehouse, "duckdb", publish_dir=published, trigger="test")
    finally:
        mp.undo()
    return {"landing": landing, "warehouse": warehouse, "published": published, "report": report, "written": written}


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = config.connect_build(warehouse, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
