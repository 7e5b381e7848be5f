"""The model-level ``column_rules_hold`` data test (macros/generic_tests/column_rules_hold.sql)
fails on each kind of broken rule and names the column and rule that broke.

Each case runs the project's real test nodes with dbt on a copy of the session's small warehouse
(tests/conftest.py ``small_build``) after breaking a few rows of a mart: one row per rule kind,
so the failure count (the sum of failing rows) and the stored failure rows can be checked exactly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from support_warehouse import config
from support_warehouse.dbt_runner import run_dbt, summarize

TESTS = ["fct_calls_column_rules", "fct_tickets_column_rules", "fct_ticket_status_intervals_column_rules"]


@pytest.fixture
def broken_copy(small_build: dict, tmp_path: Path) -> Path:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(small_build["warehouse"], copy)
    shutil.copy(config.marts_path(small_build["warehouse"]), config.marts_path(copy))
    return copy


def _dbt_test(warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SW_DUCKDB_MEMORY_LIMIT", "1GB")
    args = ["test", "--select", *TESTS, "--store-failures"]
    return summarize(run_dbt(args, warehouse=warehouse, target_path=tmp_path / "target", log_path=tmp_path / "logs"))


def _stored_failures(warehouse: Path, test_name: str) -> set[tuple]:
    con = config.connect_build(warehouse, read_only=True)
    try:
        (schema,) = con.execute(
            "select table_schema from information_schema.tables where table_name = ?", [test_name]
        ).fetchone()
        rows = con.execute(f'select column_name, rule_name, failing_rows from "{schema}"."{test_name}"').fetchall()
    finally:
        con.close()
    return set(rows)


def test_column_rules_pass_on_the_built_warehouse(broken_copy: Path, tmp_path: Path, monkeypatch) -> None:
    result = _dbt_test(broken_copy, tmp_path, monkeypatch)
    assert result.exception is None, result.exception
    assert result.passed == len(TESTS), [t.describe() for t in result.test_problems]


def test_column_rules_fail_naming_column_and_rule(broken_copy: Path, tmp_path: Path, monkeypatch) -> None:
    con = config.connect_build(broken_copy)
    try:
        calls = [r[0] for r in con.execute(
            "select call_id from marts.fct_calls where is_answered and wait_seconds is not null order by call_id limit 6"
        ).fetchall()]
        assert len(calls) == 6, "the small build should have answered calls"
        # one broken row per rule kind; a null where a value is only range- or list-checked is fine
        con.execute("update marts.fct_calls set hold_seconds = null where call_id = ?", [calls[0]])
        con.execute("update marts.fct_calls set channel = 'fax', customer_tier = null where call_id = ?", [calls[1]])
        con.execute("update marts.fct_calls set wait_seconds = -5 where call_id = ?", [calls[2]])
        con.execute(
            "update marts.fct_calls set is_within_service_level = true, is_answered = false where call_id = ?",
            [calls[3]],
        )
        con.execute("update marts.fct_calls set call_id = ? where call_id = ?", [calls[4], calls[5]])
        # a condition with its own `where`: only answered tickets must have business minutes
        unanswered = con.execute(
            "select count(*) from marts.fct_tickets where not is_answered and first_response_business_minutes is null"
        ).fetchone()[0]
        assert unanswered > 0, "unanswered tickets (outside the condition's where) should exist"
        (ticket,) = con.execute("select min(ticket_id) from marts.fct_tickets where is_answered").fetchone()
        con.execute(
            "update marts.fct_tickets set first_response_business_minutes = null where ticket_id = ?", [ticket]
        )
        # unique combinations: a repeated (ticket_id, status_sequence), and a repeated one with a
        # null (a null equals a null, as in unique_combination_of_columns' group by)
        first, second = (r[0] for r in con.execute(
            "select ticket_id from marts.fct_ticket_status_intervals group by ticket_id having count(*) >= 2 "
            "order by ticket_id limit 2"
        ).fetchall())
        con.execute(
            "update marts.fct_ticket_status_intervals set status_sequence = 1 "
            "where ticket_id = ? and status_sequence = 2", [first]
        )
        con.execute(
            "update marts.fct_ticket_status_intervals set status_sequence = null "
            "where ticket_id = ? and status_sequence in (1, 2)", [second]
        )
    finally:
        con.close()

    result = _dbt_test(broken_copy, tmp_path, monkeypatch)
    assert result.exception is None, result.exception
    failed = {t.name: t for t in result.failing_tests}
    assert set(failed) == set(TESTS), [t.describe() for t in result.test_problems]
    # the failure count is the number of offending rows over all broken rules
    assert failed["fct_calls_column_rules"].failures == 5
    assert failed["fct_tickets_column_rules"].failures == 1
    assert failed["fct_ticket_status_intervals_column_rules"].failures == 2

    assert _stored_failures(broken_copy, "fct_calls_column_rules") == {
        ("hold_seconds", "not_null", 1),
        ("call_id", "unique", 1),
        ("channel", "accepted_values", 1),
        ("wait_seconds", "range", 1),
        (None, "within_service_level_only_if_answered", 1),
    }
    assert _stored_failures(broken_copy, "fct_tickets_column_rules") == {
        (None, "business_minutes_read_for_every_answered_ticket", 1),
    }
    assert _stored_failures(broken_copy, "fct_ticket_status_intervals_column_rules") == {
        ("ticket_id, status_sequence", "unique_combination", 2),
    }
