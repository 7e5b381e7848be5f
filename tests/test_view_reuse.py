"""DuckDB views whose compiled SQL has not changed are not recreated (macros/cross_db/materializations.sql).

A view over an empty raw table: the first run creates it with its SQL's md5 as comment; a later
run leaves a view whose comment matches alone and recreates one whose comment does not; a full
refresh recreates every view.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from support_warehouse import load
from support_warehouse.dbt_runner import run_dbt, summarize

KEPT, STALE = "base_telephony__calls", "base_zendesk__users"


@pytest.fixture(scope="module")
def views(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("view_reuse")
    (root / "landing").mkdir()
    warehouse = root / "warehouse.duckdb"
    con = load.connect(warehouse)
    try:
        load.load_all(con, root / "landing")  # creates the raw tables, empty
    finally:
        con.close()

    def dbt(*extra: str) -> None:
        result = summarize(run_dbt(["run", "-s", KEPT, STALE, *extra], warehouse=warehouse,
                                   target_path=root / "target", log_path=root / "logs"))
        assert not result.has_errors, result
        assert result.nodes_ok == 2, result

    return warehouse, root / "target", dbt


def _view(warehouse: Path, name: str) -> tuple[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select comment, sql from duckdb_views() where schema_name = 'staging' and view_name = ?", [name]
        ).fetchone()


def _replace_with_marker(warehouse: Path, name: str, comment: str) -> None:
    """What only this test writes: a view that dbt's SQL would never create, with a given comment."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"create or replace view staging.{name} as select 42 as marker")
        con.execute(f"comment on view staging.{name} is '{comment}'")


def test_views_are_recreated_only_when_their_sql_changed(views) -> None:
    warehouse, target, dbt = views
    dbt()
    # the comment is the md5 of the model's compiled SQL
    sql = next((target / "compiled" / "support_warehouse" / "models").rglob(f"{KEPT}.sql")).read_text()
    fingerprint = "sw_sql_md5:" + hashlib.md5(sql.encode()).hexdigest()
    comment, _ = _view(warehouse, KEPT)
    assert comment == fingerprint

    _replace_with_marker(warehouse, KEPT, fingerprint)  # "same SQL as last time": left alone
    _replace_with_marker(warehouse, STALE, "sw_sql_md5:0")  # an older SQL: recreated
    dbt()
    assert "42 AS marker" in _view(warehouse, KEPT)[1]
    stale_comment, stale_sql = _view(warehouse, STALE)
    assert "marker" not in stale_sql and stale_comment.startswith("sw_sql_md5:") and stale_comment != "sw_sql_md5:0"

    dbt("--full-refresh")  # a full refresh recreates every view
    comment, sql_after = _view(warehouse, KEPT)
    assert "marker" not in sql_after and comment == fingerprint
