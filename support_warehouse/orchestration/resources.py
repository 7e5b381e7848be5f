"""Dagster resources, all of them: where the landing folder and the DuckDB build database are, the
run lock, how dbt runs; ``build_resources`` is what the code location binds to their keys."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster import ConfigurableResource
from dagster_dbt import DbtCliResource, DbtProject
from packaging.version import Version

from support_warehouse import config


class WarehouseResource(ConfigurableResource):
    """Landing folder and build database. Empty fields mean "from support_warehouse.config" (the
    SW_LANDING_DIR / SW_WAREHOUSE_PATH environment variables), read when a run executes.

    DuckDB allows one writer process per database file: every connection opened here is closed
    before the step ends, so the dbt step (a subprocess) can open the file afterwards.
    """

    landing_dir: str = ""
    warehouse_path: str = ""

    def landing(self) -> Path:
        return Path(self.landing_dir).expanduser().resolve() if self.landing_dir else config.landing_dir()

    def warehouse(self) -> Path:
        """The DuckDB file with the night's marts (on target spark: the mirror of the Spark build)."""
        return Path(self.warehouse_path).expanduser().resolve() if self.warehouse_path else config.build_database()

    @contextmanager
    def connect(self) -> Iterator[object]:
        """A read-write connection through the loader (creates the database and raw schema)."""
        from support_warehouse import load

        path = self.warehouse()
        path.parent.mkdir(parents=True, exist_ok=True)
        con = load.connect(path)
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def read_only(self) -> Iterator[object]:
        """A read-only connection, or None when the database does not exist yet."""
        import duckdb

        path = self.warehouse()
        if not path.exists():
            yield None
            return
        con = config.connect_build(path, read_only=True)
        try:
            yield con
        finally:
            con.close()


class RunLockResource(ConfigurableResource):
    """One run at a time per warehouse, whoever starts it (CLI, schedule, sensor, UI): holds
    support_warehouse.runlock's lock from the first step of a run to its end. Dagster's in-process
    executor initialises a run's resources once, so the lock spans the load, dbt and publishing. A
    second run waits up to SW_RUN_LOCK_WAIT_SECONDS naming the run it waits for, then fails with
    that name before touching anything."""

    @contextmanager
    def yield_for_execution(self, context) -> Iterator["RunLockResource"]:
        from support_warehouse import runlock

        run = getattr(context, "run", None)
        run_id = run.run_id if run is not None else "unknown"
        log = getattr(context, "log", None)
        with runlock.run_lock(config.warehouse_path(), run_id, on_wait=log.warning if log else None):
            yield self


class NightlyDbtCliResource(DbtCliResource):
    """dagster-dbt's DbtCliResource without two per-run costs this project never uses.

    Before every invocation DbtCliResource runs ``dbt --version`` in a subprocess (a dbt start-up,
    which also asks PyPI for the latest release: a network call in the nightly path) and builds a
    dbt adapter in the Dagster process (only needed for fetch_column_metadata / fetch_row_counts).
    Here the version comes from the installed dbt-core (the dbt executable is this environment's)
    and no adapter is built. Both override private members of dagster-dbt 0.29: re-check them
    when upgrading Dagster (tests/test_orchestration.py runs the job through this resource).
    """

    @cached_property
    def _cli_version(self) -> Version:
        return Version(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):  # noqa: ARG002 - signature of the overridden method
        return None


def build_resources(project: DbtProject, dbt_executable: str) -> dict[str, Any]:
    """The resources of the code location, by the key the assets and checks ask for."""
    return {
        "dbt": NightlyDbtCliResource(project_dir=project, dbt_executable=dbt_executable),
        "warehouse": WarehouseResource(),
        "run_lock": RunLockResource(),
    }
