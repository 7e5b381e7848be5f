"""The production night (the Dagster job ``nightly_refresh``: load, dbt build, publish) for tests, each
night's state in its own folder, at one warehouse path per pytest worker.

dbt re-parses the whole project (~12 CPU-s) when the profile's connection changes, and the
connection holds the warehouse path: nights at a new path each would each parse from scratch, while
production runs every night at one path. So every test night sees its warehouse through the
worker's ``<stage>/current`` symlink, pointed at that night's folder, and shares the worker's dbt
target folder (manifest and partial-parse state): the project is parsed once per worker.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from support_warehouse import config
from support_warehouse.night import NightReport


@dataclass(frozen=True)
class NightStage:
    """One per pytest worker (session fixture ``night_stage``); nights within a worker run one at a time."""

    root: Path

    @property
    def target(self) -> Path:
        return self.root / "target"

    def point(self, night_root: Path) -> Path:
        """Point ``current`` at ``night_root`` (atomically); returns the stable path standing for it."""
        link, new = self.root / "current", self.root / "current.new"
        night_root.mkdir(parents=True, exist_ok=True)
        if new.is_symlink():
            new.unlink()
        new.symlink_to(night_root.resolve(), target_is_directory=True)
        os.replace(new, link)
        return link

    def env(self, night_root: Path, **overrides: str) -> dict[str, str]:
        """The settings of a night whose landing, warehouse, publication and Dagster home are under
        ``night_root`` (the warehouse through the stable link); points the link at it."""
        stable = self.point(night_root)
        env = {
            "SW_WAREHOUSE_PATH": str(stable / "warehouse.duckdb"),
            "SW_PUBLISH_DIR": str(night_root / "published"),
            "SW_LANDING_DIR": str(night_root / "landing"),
            "DAGSTER_HOME": str(night_root / "dagster"),
            "SW_DBT_TARGET_PATH": str(self.target),
            "DBT_TARGET_PATH": str(self.target),
            "DBT_LOG_PATH": str(self.root / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "SW_DBT_TARGET": "duckdb",
            "SW_REPORTING_TZ": "UTC",
            "SW_DUCKDB_MEMORY_LIMIT": "1GB",
            "SW_DUCKDB_THREADS": "2",
            "SW_DAGSTER_LOG_LEVEL": "WARNING",
            "DAGSTER_DISABLE_TELEMETRY": "1",
        }
        env.update(overrides)
        return env

    def setenv(self, mp: pytest.MonkeyPatch, night_root: Path, **overrides: str) -> None:
        for k, v in self.env(night_root, **overrides).items():
            mp.setenv(k, v)


def night_refresh(full_refresh: bool = False) -> NightReport:
    """The production night, as configured by env; what ``support-warehouse refresh`` runs."""
    from support_warehouse.orchestration.run import run_nightly

    return run_nightly(full_refresh=full_refresh, trigger="test")


@dataclass
class Night:
    """A night's folder: landing, build database, publication."""

    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "published"

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = config.connect_build(self.warehouse, read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def query_published(self, sql: str) -> list[tuple]:
        con = duckdb.connect(str(self.published / "marts.duckdb"), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
