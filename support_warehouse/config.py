"""Paths and settings, from environment variables with defaults relative to the repo root."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT


def _path(var: str, default: str) -> Path:
    p = Path(os.environ.get(var, default)).expanduser()
    return p if p.is_absolute() else (Path.cwd() / p if var in os.environ else REPO_ROOT / p)


def landing_dir() -> Path:
    return _path("SW_LANDING_DIR", "data/landing")


def warehouse_path() -> Path:
    return _path("SW_WAREHOUSE_PATH", "data/warehouse.duckdb")


def publish_dir() -> Path:
    return _path("SW_PUBLISH_DIR", "data/published")


def dagster_home() -> Path:
    return _path("DAGSTER_HOME", "data/dagster")


def dbt_target() -> str:
    return os.environ.get("SW_DBT_TARGET", "duckdb")


def dbt_target_path() -> Path:
    """dbt artifacts folder (manifest, run results); separate one per developer or helper."""
    return _path("SW_DBT_TARGET_PATH", "target")


def reporting_timezone() -> str:
    return os.environ.get("SW_REPORTING_TZ", "UTC")


def duckdb_memory_limit() -> str:
    return os.environ.get("SW_DUCKDB_MEMORY_LIMIT", "6GB")


def duckdb_temp_dir(warehouse: Path | None = None) -> Path:
    """Where DuckDB spills beyond its memory limit: SW_DUCKDB_TEMP_DIR, else <build database>.tmp."""
    if "SW_DUCKDB_TEMP_DIR" in os.environ:
        return _path("SW_DUCKDB_TEMP_DIR", "")
    db = Path(warehouse) if warehouse is not None else warehouse_path()
    return db.with_name(db.name + ".tmp")


def duckdb_threads() -> int:
    return int(os.environ.get("SW_DUCKDB_THREADS", "2"))


def spark_warehouse_dir() -> Path:
    """Spark target: tables, Derby metastore and derby.log (SW_SPARK_WAREHOUSE_DIR, profiles.yml)."""
    return _path("SW_SPARK_WAREHOUSE_DIR", "data/spark-warehouse")


def spark_mirror_path() -> Path:
    """Spark target: DuckDB copy of the marts, audit and loader tables that publishing, the
    rejected-rows checks and the summary read (SW_SPARK_MIRROR_PATH, default in the Spark dir)."""
    return _path("SW_SPARK_MIRROR_PATH", str(spark_warehouse_dir() / "build_mirror.duckdb"))


def build_database(target: str | None = None) -> Path:
    """The DuckDB file holding the night's marts: the build database on duckdb, the mirror on spark."""
    return spark_mirror_path() if (target or dbt_target()) == "spark" else warehouse_path()
