"""The production night (the Dagster job ``nightly_refresh``: load, dbt build, publish) for tests, each
night's state in its own folder, at one warehouse path per pytest worker.

dbt re-parses the whole project (~12 CPU-s) when the profile's connection changes, and the
connection holds the warehouse path: nights at a new path each would each parse from scratch, while
production runs every night at one path. So every test night sees its warehouse through the
worker's ``<stage>/current`` symlink, pointed at that night's folder, and shares the worker's dbt
target folder (manifest and partial-parse state): the project is parsed once per worker.

The nights' folders live in memory (/dev/shm) when it has room: a night's Dagster run stores some
4,000 events in SQLite, each committed and synced to disk, which on a shared disk costs more wall
time than the night's dbt build (and ~6 CPU-s of kernel and sync work).
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from support_warehouse import config
from support_warehouse.night import NightReport

SCRATCH_MIN_FREE = 4 * 2**30  # bytes free on /dev/shm for the worker's nights to live there


@contextmanager
def scratch_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder for this worker's nights: on /dev/shm when it has room (removed at the end, it is
    memory), else under pytest's tmp folder (kept, like every tmp_path)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free >= SCRATCH_MIN_FREE:
        root = Path(tempfile.mkdtemp(prefix="sw-nights-", dir=shm))
        try:
            yield root
        finally:
            shutil.rmtree(root, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("nights")


@dataclass(frozen=True)
class NightStage:
    """One per pytest worker (session fixture ``night_stage``); nights within a worker run one at a time."""

    root: Path
    _numbers: Iterator[int] = field(default_factory=itertools.count, compare=False)

    def mktemp(self, name: str) -> Path:
        """A new empty folder for one night's state (landing, warehouse, publication, Dagster home)."""
        path = self.root / f"{name}{next(self._numbers)}"
        path.mkdir()
        return path

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
