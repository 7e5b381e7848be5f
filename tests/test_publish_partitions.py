"""Big facts are published by month (support_warehouse.publish, PARTITIONED_MARTS): a night
rewrites, and the PII guard scans, only the months whose rows changed; unchanged months are hard
links to the previous publication's files; open tickets are a part of their own. Small hand-made
build databases: no dbt run."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from support_warehouse import config
from support_warehouse.publish import PiiError, publish

MONTHS = ["2026-07", "2026-08", "2026-09", "2026-10"]
PARTS = [*MONTHS, "__HIVE_DEFAULT_PARTITION__", "open"]
COLUMNS = ["ticket_id", "created_date", "channel", "reply_count", "is_currently_solved"]


def _build(root: Path) -> Path:
    """fct_tickets over 120 days from 2026-07-01 (ticket n created on day n % 120: July 31 days,
    August 31, September 30, October 28; ticket n still open when n % 50 = 0) plus two solved
    tickets without a date; one small mart."""
    warehouse = root / "warehouse.duckdb"
    con = config.connect_build(warehouse)
    try:
        con.execute("create schema raw")
        con.execute("create table raw.customers as select 'C1' as customer_id, 'Alice Example' as name")
        con.execute(
            """
            create table marts.main.fct_tickets as
            select
                'T' || range as ticket_id,
                cast(date '2026-07-01' + cast(range % 120 as integer) as date) as created_date,
                ['email', 'chat', 'phone'][1 + range % 3] as channel,
                range % 7 as reply_count,
                range % 50 <> 0 as is_currently_solved
            from range(12000)
            union all
            select 'TX' || range, null, 'email', 0, true from range(2)
            """
        )
        con.execute("create table marts.main.dim_channels as select * from (values ('email'), ('chat')) as t(channel)")
    finally:
        con.close()
    return warehouse


def _sql(warehouse: Path, *statements: str) -> None:
    con = config.connect_build(warehouse)
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def _files(version_dir: Path) -> dict[str, int]:
    """fct_tickets' Parquet files of a publication: '<month folder>/<file>' -> inode."""
    root = version_dir / "fct_tickets"
    return {str(f.relative_to(root)): f.stat().st_ino for f in root.glob("*/*.parquet")}


def _manifest(version_dir: Path) -> dict:
    return json.loads((version_dir / "_publication.json").read_text())


def _same_rows_as_the_warehouse(db: Path, warehouse: Path) -> bool:
    con = duckdb.connect()
    try:
        con.execute(f"attach '{db}' as pub (read_only)")
        con.execute(f"attach '{config.marts_path(warehouse)}' as src (read_only)")
        missing, extra = (
            con.execute(f"select count(*) from (select * from {a}.fct_tickets except all select * from {b}.main.fct_tickets)").fetchone()[0]
            for a, b in (("pub", "src"), ("src.main", "pub"))
        )
        return missing == extra == 0
    finally:
        con.close()


def test_a_late_change_to_an_old_month_rewrites_that_months_file_only(tmp_path: Path) -> None:
    warehouse, published = _build(tmp_path), tmp_path / "published"
    first = publish(warehouse, published)
    assert sorted(_files(first.parquet_version_dir)) == sorted(f"created_month={m}/data_0.parquet" for m in PARTS)
    # 12,000 = 100 rounds of 120 days: 100 tickets per day, 3,100 in July and August, 3,000 in
    # September, 2,800 in October. Open: n = 50k (k = 0..239), on day 50k % 120, a multiple of 10,
    # each of the 12 residues 20 times: July (days 0-30) 0, 10, 20, 30: 80 open; August (31-61)
    # 40, 50, 60: 60; September (62-91) 70, 80, 90: 60; October (92-119) 100, 110: 40.
    entry = next(t for t in _manifest(first.parquet_version_dir)["tables"] if t["table_name"] == "fct_tickets")
    assert {m: p["row_count"] for m, p in entry["partitions"].items()} == {
        "2026-07": 3100 - 80, "2026-08": 3100 - 60, "2026-09": 3000 - 60, "2026-10": 2800 - 40,
        "open": 240, "__HIVE_DEFAULT_PARTITION__": 2,
    }
    old_reader = duckdb.connect(str(first.db_path), read_only=True)
    try:
        # A late change to one August ticket (day 31 = 2026-08-01), and a new day in November.
        _sql(
            warehouse,
            "update marts.main.fct_tickets set reply_count = 99 where ticket_id = 'T31'",
            "insert into marts.main.fct_tickets values ('T-new', date '2026-11-02', 'chat', 1, true)",
        )
        second = publish(warehouse, published)
        # the old file still reads its night, through its own version's files
        assert old_reader.execute("select count(*), max(reply_count) from fct_tickets").fetchone() == (12002, 6)
    finally:
        old_reader.close()
    before, after = _files(first.parquet_version_dir), _files(second.parquet_version_dir)
    new = {f for f in after if before.get(f) != after[f]}
    assert new == {"created_month=2026-08/data_0.parquet", "created_month=2026-11/data_0.parquet"}
    assert len(after) == 7 and all(after[f] == before[f] for f in after.keys() - new)
    # the view reads exactly the warehouse's rows, with the mart's columns (no month column)
    assert _same_rows_as_the_warehouse(second.db_path, warehouse)
    con = duckdb.connect(str(second.db_path), read_only=True)
    try:
        assert [r[0] for r in con.execute("describe fct_tickets").fetchall()] == COLUMNS
        assert con.execute("select reply_count from fct_tickets where ticket_id = 'T31'").fetchone() == (99,)
        # the recorded checksum is the whole table's, as for a table published as one file
        recorded = con.execute(
            "select row_count, content_checksum from _publication_tables where table_name = 'fct_tickets'"
        ).fetchone()
    finally:
        con.close()
    con = duckdb.connect(str(config.marts_path(warehouse)), read_only=True)
    try:
        assert recorded == con.execute("select count(*), sum(hash(t)::hugeint)::varchar from fct_tickets as t").fetchone()
    finally:
        con.close()
    assert recorded[0] == 12003
    # A month whose rows all went disappears from the next publication.
    _sql(warehouse, "delete from marts.main.fct_tickets where created_date >= date '2026-11-01'")
    third = publish(warehouse, published)
    assert "created_month=2026-11/data_0.parquet" not in _files(third.parquet_version_dir)
    assert _same_rows_as_the_warehouse(third.db_path, warehouse)


def test_open_tickets_change_their_own_part_and_move_to_their_month_when_solved(tmp_path: Path) -> None:
    warehouse, published = _build(tmp_path), tmp_path / "published"
    first = publish(warehouse, published)
    # An open ticket's row changes (T0, open, created 2026-07-01): only the open part is new.
    _sql(warehouse, "update marts.main.fct_tickets set reply_count = 40 where ticket_id = 'T0'")
    second = publish(warehouse, published)
    before, after = _files(first.parquet_version_dir), _files(second.parquet_version_dir)
    assert {f for f in after if before[f] != after[f]} == {"created_month=open/data_0.parquet"}
    # Solved, it leaves the open part for July's: both are new.
    _sql(warehouse, "update marts.main.fct_tickets set is_currently_solved = true where ticket_id = 'T0'")
    third = publish(warehouse, published)
    before, after = after, _files(third.parquet_version_dir)
    assert {f for f in after if before[f] != after[f]} == {
        "created_month=open/data_0.parquet", "created_month=2026-07/data_0.parquet",
    }
    assert _same_rows_as_the_warehouse(third.db_path, warehouse)
    con = duckdb.connect()
    try:
        # Parquet readers see the folders' key as a column: T0 is in July now
        rows = con.execute(
            f"select created_month, count(*) from read_parquet('{third.parquet_version_dir}/fct_tickets/*/*.parquet', "
            "hive_partitioning = true) where ticket_id in ('T0', 'T50') group by all order by all"
        ).fetchall()
    finally:
        con.close()
    assert rows == [("2026-07", 1), ("open", 1)]  # T50: open, day 50 (August)


def test_the_guard_scans_the_rewritten_months_only(tmp_path: Path) -> None:
    warehouse, published = _build(tmp_path), tmp_path / "published"
    first = publish(warehouse, published)
    assert sorted(_manifest(first.parquet_version_dir)["pii_scanned_partitions"]["fct_tickets"]) == sorted(PARTS)
    # A customer loaded tonight whose name already sits in an unchanged month (July: T1, day 1):
    # that month passed the guard before and received none of tonight's rows, so it is not
    # scanned again (DECISIONS.md, "Publishing what changed"); September changed and is.
    _sql(
        warehouse,
        "update marts.main.fct_tickets set channel = 'Sammy Sample' where ticket_id = 'T1'",
        "update marts.main.fct_tickets set reply_count = 50 where ticket_id = 'T70'",  # day 70: 2026-09-09
    )
    second = publish(warehouse, published)
    assert _manifest(second.parquet_version_dir)["pii_scanned_partitions"] == {"fct_tickets": ["2026-07", "2026-09"]}
    _sql(warehouse, "insert into raw.customers values ('C2', 'Sammy Sample')")
    _sql(warehouse, "update marts.main.fct_tickets set reply_count = 51 where ticket_id = 'T70'")
    third = publish(warehouse, published)
    assert _manifest(third.parquet_version_dir)["pii_scanned"] == ["fct_tickets"]
    assert _manifest(third.parquet_version_dir)["pii_scanned_partitions"] == {"fct_tickets": ["2026-09"]}
    # The same name planted in a changed month (October, day 101 = 2026-10-10) is caught, and the
    # previous publication stays as it was.
    before = (published / "publication.json").read_text()
    _sql(warehouse, "update marts.main.fct_tickets set channel = 'Sammy Sample' where ticket_id = 'T101'")
    with pytest.raises(PiiError) as err:
        publish(warehouse, published)
    assert err.value.findings == ["fct_tickets.channel: 1 distinct value(s) equal a customer name, email or comment"]
    assert (published / "publication.json").read_text() == before
    # An email address in a changed month is caught too.
    _sql(
        warehouse,
        "update marts.main.fct_tickets set channel = 'chat' where ticket_id = 'T101'",
        "update marts.main.fct_tickets set channel = 'bob@example.net' where ticket_id = 'T100'",  # open
    )
    with pytest.raises(PiiError) as err:
        publish(warehouse, published)
    assert err.value.findings == ["fct_tickets.channel: 1 distinct value(s) look like an email address"]
    assert json.loads((published / "publication.json").read_text())["publication_id"] == third.publication_id


def test_an_empty_partitioned_mart_publishes_its_columns(tmp_path: Path) -> None:
    warehouse, published = _build(tmp_path), tmp_path / "published"
    _sql(warehouse, "delete from marts.main.fct_tickets")
    result = publish(warehouse, published)
    assert list(_files(result.parquet_version_dir)) == ["created_month=__HIVE_DEFAULT_PARTITION__/data_0.parquet"]
    con = duckdb.connect(str(result.db_path), read_only=True)
    try:
        assert con.execute("select count(*) from fct_tickets").fetchone() == (0,)
        assert [r[0] for r in con.execute("describe fct_tickets").fetchall()] == COLUMNS
    finally:
        con.close()
