"""Dagster resources: where the landing folder and the DuckDB build database are."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dagster import ConfigurableResource

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
        con = duckdb.connect(str(path), read_only=True)
        try:
            yield con
        finally:
            con.close()
