"""Publishing from the build's marts file (support_warehouse.publish): each mart goes to a Parquet
file of the publication's version folder, and the published DuckDB file holds a view over it (types
as in the mart), so a night writes only the marts that changed and copies no file whole. Views or a
storage format newer than the published one in the build's marts file publish the same way. Small
hand-made build databases: no dbt run."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from support_warehouse import config
from support_warehouse import publish as publish_mod
from support_warehouse.publish import STORAGE_VERSION, PiiError, publish


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
            "select table_name from information_schema.tables where table_catalog = current_database() order by 1"
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


def _views(db: Path) -> dict[str, str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return dict(con.execute(
            "select view_name, sql from duckdb_views() where database_name = current_database() and not internal"
        ).fetchall())
    finally:
        con.close()


def test_each_mart_is_a_view_over_this_publications_parquet_file(tmp_path: Path) -> None:
    warehouse = _build(tmp_path)
    con = config.connect_build(warehouse)
    try:
        # sum() of BIGINT is HUGEINT, which Parquet stores as DOUBLE: the view casts it back
        con.execute("create table marts.main.order_totals as select quantity, sum(quantity) as total from marts.main.fct_orders group by all")
    finally:
        con.close()
    result = publish(warehouse, tmp_path / "published")
    assert json.loads((tmp_path / "published" / "publication.json").read_text())["marts_published_as"] == "parquet_views"
    views = _views(result.db_path)
    assert sorted(views) == ["dim_channels", "fct_orders", "order_totals"]
    for mart, sql in views.items():
        assert str(result.parquet_version_dir.resolve() / f"{mart}.parquet") in sql, sql
    tables = _published(result.db_path)
    assert {"_publication", "_publication_tables", "rejected_rows_summary", "entity_loads"} <= set(tables)
    assert len(tables["fct_orders"]) == 50000 and tables["dim_channels"] == [("chat",), ("email",)]
    # quantity = n % 7 for n in 0..49,999 (50,000 = 7 * 7,142 + 6): 7,143 rows each for 0..5, 7,142 for 6
    assert tables["order_totals"][:3] == [(0, 0), (1, 7143), (2, 2 * 7143)]
    con = duckdb.connect(str(result.db_path), read_only=True)
    try:
        assert dict(con.execute("select column_name, column_type from (describe order_totals)").fetchall()) == {
            "quantity": "BIGINT",
            "total": "HUGEINT",
        }
    finally:
        con.close()
    assert result.marts == ("dim_channels", "fct_orders", "order_totals")
    assert _opens_as_published_format(result.db_path)
    # the published file holds no mart's rows: far smaller than the marts file
    assert result.db_path.stat().st_size < config.marts_path(warehouse).stat().st_size
    # the build's marts file is left as it was: the publication tables went into the new file only
    con = config.connect_build(warehouse, read_only=True)
    try:
        assert {r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = 'marts'").fetchall()} == {
            "fct_orders",
            "dim_channels",
            "order_totals",
        }
    finally:
        con.close()


def test_a_reader_of_the_old_file_keeps_its_night_and_unchanged_marts_are_linked(tmp_path: Path) -> None:
    warehouse = _build(tmp_path)
    first = publish(warehouse, tmp_path / "published")
    old = duckdb.connect(str(first.db_path), read_only=True)
    try:
        con = config.connect_build(warehouse)
        try:
            con.execute("delete from marts.main.fct_orders where quantity = 0")  # 7,143 of 50,000 rows
        finally:
            con.close()
        second = publish(warehouse, tmp_path / "published")
        assert old.execute("select count(*) from fct_orders").fetchone() == (50000,)
    finally:
        old.close()
    assert _published(second.db_path)["fct_orders"][0] == ("O1", 1)
    assert len(_published(second.db_path)["fct_orders"]) == 50000 - 7143
    # the unchanged mart's Parquet file is the previous one, hard-linked; the changed one is new
    for mart, same in (("dim_channels", True), ("fct_orders", False)):
        before, after = (r.parquet_version_dir / f"{mart}.parquet" for r in (first, second))
        assert (before.stat().st_ino == after.stat().st_ino) is same, mart


@pytest.mark.parametrize("change", ["view", "newer_storage"])
def test_views_or_a_newer_storage_format_in_the_marts_file_are_published(tmp_path: Path, change: str) -> None:
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
    assert _opens_as_published_format(result.db_path)
    tables = _published(result.db_path)
    assert len(tables["fct_orders"]) == 50000
    if change == "view":
        # the view's rows went to its Parquet file: 50,000 quantities 0..6
        assert sum(n for _, n in tables["orders_by_quantity"]) == 50000 and len(tables["orders_by_quantity"]) == 7
    else:
        assert tables["orders_by_quantity"] == [(1, 2)]


def test_the_pii_guard_rescans_a_changed_table_and_every_table_under_new_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse, published = _build(tmp_path), tmp_path / "published"
    first = publish(warehouse, published)
    assert json.loads((published / "publication.json").read_text())["pii_scanned"] == [
        "dim_channels", "fct_orders", "rejected_rows_summary", "entity_loads",
    ]  # nothing guarded before
    before = (published / "publication.json").read_text(), (published / "marts.duckdb").stat().st_ino
    con = config.connect_build(warehouse)
    try:
        # A mart guarded before now leaks an email in one row: its checksum changed, so it is scanned.
        con.execute("update marts.main.fct_orders set order_id = 'bob@example.net' where order_id = 'O7'")
    finally:
        con.close()
    with pytest.raises(PiiError) as err:
        publish(warehouse, published)
    assert err.value.findings == ["fct_orders.order_id: 1 distinct value(s) look like an email address"]
    assert ((published / "publication.json").read_text(), (published / "marts.duckdb").stat().st_ino) == before
    con = config.connect_build(warehouse)
    try:
        con.execute("update marts.main.fct_orders set order_id = 'O7' where order_id = 'bob@example.net'")
    finally:
        con.close()
    # Same rows again: nothing to scan. Other guard rules (customer names from 6 characters too): all.
    assert json.loads((publish(warehouse, published).parquet_version_dir / "_publication.json").read_text())["pii_scanned"] == []
    monkeypatch.setattr(publish_mod, "PII_KNOWN_VALUES", (*publish_mod.PII_KNOWN_VALUES, ("customers", "name", 6)))
    third = publish(warehouse, published)
    scanned = json.loads((third.parquet_version_dir / "_publication.json").read_text())["pii_scanned"]
    assert sorted(scanned) == sorted(first.tables)
