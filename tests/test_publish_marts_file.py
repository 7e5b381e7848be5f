"""Publishing from the build's marts file (support_warehouse.publish): the checkpointed file is
copied whole when it makes a good publication, and the marts are rewritten table by table when it
would not (too many free blocks, views, a storage format newer than the published one). Either
way readers get the same tables, in the published storage format. Small hand-made build databases:
no dbt run."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from support_warehouse import config
from support_warehouse.publish import STORAGE_VERSION, publish


def _build(root: Path, newer_storage: bool = False) -> Path:
    """A build database with two marts in its marts file (attached as `marts`, as dbt does;
    `newer_storage`: a marts file made by hand, in DuckDB's current storage format)."""
    warehouse = root / "warehouse.duckdb"
    if newer_storage:
        con = duckdb.connect(str(warehouse))
        con.execute(f"attach '{config.marts_path(warehouse)}' as marts")
    else:
        con = config.connect_build(warehouse)
    try:
        con.execute("create schema raw")
        con.execute("create table raw.customers as select 'C1' as customer_id, 'Alice Example' as name")
        con.execute(
            "create table marts.main.fct_orders as "
            "select 'O' || range as order_id, range % 7 as quantity from range(50000)"
        )
        con.execute("create table marts.main.dim_channels as select * from (values ('email'), ('chat')) as t(channel)")
    finally:
        con.close()
    return warehouse


def _published(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database() order by 1"
        ).fetchall()]
        return {t: con.execute(f'select * from "{t}" order by all').fetchall() for t in tables}
    finally:
        con.close()


def _opens_as_published_format(db: Path) -> bool:
    """DuckDB refuses to open a file with a storage version above the one asked for."""
    con = duckdb.connect()
    try:
        con.execute(f"attach '{db}' as p (read_only, storage_version '{STORAGE_VERSION}')")
        return True
    except duckdb.Error:
        return False
    finally:
        con.close()


def test_a_compact_marts_file_is_copied_whole(tmp_path: Path) -> None:
    warehouse = _build(tmp_path)
    result = publish(warehouse, tmp_path / "published")
    assert json.loads((tmp_path / "published" / "publication.json").read_text())["marts_copied_as"] == "file"
    assert "copy_marts" not in result.phase_seconds
    tables = _published(result.db_path)
    assert {"fct_orders", "dim_channels", "_publication", "_publication_tables", "rejected_rows_summary"} <= set(tables)
    assert len(tables["fct_orders"]) == 50000 and tables["dim_channels"] == [("chat",), ("email",)]
    assert result.marts == ("dim_channels", "fct_orders")
    assert _opens_as_published_format(result.db_path)
    # the build's marts file is left as it was: the publication tables went into the copy only
    con = config.connect_build(warehouse, read_only=True)
    try:
        assert {r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = 'marts'").fetchall()} == {
            "fct_orders",
            "dim_channels",
        }
    finally:
        con.close()


def test_a_marts_file_with_many_free_blocks_is_rewritten(tmp_path: Path) -> None:
    warehouse = _build(tmp_path)
    con = config.connect_build(warehouse)
    try:
        # freed blocks in the middle of the file (DuckDB truncates the ones at its end)
        con.execute("create table marts.main.scratch as select range as n, md5(range::varchar) as h from range(2000000)")
        con.execute("checkpoint marts")
        con.execute("create table marts.main.fct_order_lines as select * from marts.main.fct_orders")
        con.execute("checkpoint marts")
        con.execute("drop table marts.main.scratch")
        con.execute("checkpoint marts")
        total, free = con.execute(
            "select total_blocks, free_blocks from pragma_database_size() where database_name = 'marts'"
        ).fetchone()
    finally:
        con.close()
    assert free / total > 0.3
    result = publish(warehouse, tmp_path / "published")
    assert json.loads((tmp_path / "published" / "publication.json").read_text())["marts_copied_as"] == "tables"
    assert result.db_path.stat().st_size < config.marts_path(warehouse).stat().st_size / 2
    assert len(_published(result.db_path)["fct_orders"]) == 50000


@pytest.mark.parametrize("change", ["view", "newer_storage"])
def test_views_or_a_newer_storage_format_are_rewritten_as_tables(tmp_path: Path, change: str) -> None:
    warehouse = _build(tmp_path, newer_storage=change == "newer_storage")
    con = duckdb.connect(str(warehouse))
    con.execute(f"attach '{config.marts_path(warehouse)}' as marts")
    if change == "view":
        con.execute(
            "create view marts.main.orders_by_quantity as "
            "select quantity, count(*) as orders from fct_orders group by quantity"
        )
    else:
        con.execute("create table marts.main.orders_by_quantity as select 1 as quantity, 2 as orders")
    con.close()
    result = publish(warehouse, tmp_path / "published")
    assert json.loads((tmp_path / "published" / "publication.json").read_text())["marts_copied_as"] == "tables"
    assert _opens_as_published_format(result.db_path)
    tables = _published(result.db_path)
    assert len(tables["fct_orders"]) == 50000
    if change == "view":
        # the view became a table holding its rows: 50,000 quantities 0..6
        assert sum(n for _, n in tables["orders_by_quantity"]) == 50000 and len(tables["orders_by_quantity"]) == 7
    else:
        assert tables["orders_by_quantity"] == [(1, 2)]
