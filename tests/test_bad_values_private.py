"""Issue 29: implausible timestamps are rejects (never the as-of time, never a poison pill), and
published reject reasons never quote raw values.

Three real nights (the Dagster job: load, dbt build, publish) on the small clean night of test_reliability:
  night 1  the clean night;
  night 2  tickets created in 2099 and in 1990 (T50, T51), T0 updated in 2099 (a bad later version
           of a staged ticket), a customer's name in a timestamp column (T53), and a good ticket;
           beside them, connector tables as Fivetran lands them: a Zendesk ticket created in 2099
           and one updated in 2099, an Intercom conversation created in 1990.
  night 3  corrected versions of T50 and T0 with normal timestamps.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from support_warehouse.bench import PANDAS_SCRIPT, SEEDS_DIR, agreement, run_floor
from support_warehouse.summary import format_report
from tests.nights import Night, NightStage, night_refresh, write_file, write_first_night

NAME_IN_TIMESTAMP = "Noah García"
TICKET_HEADER = "ticket_id,customer_id,channel,ticket_type,priority,status,assignee_id,created_at,updated_at\n"
PLAUSIBLE = "is outside the plausible window (before 2000-01-01 or more than 31 days after the load)"


def write_implausible_night(landing: Path) -> None:
    write_file(landing / "tickets/tickets_2026-10-03.csv",
           TICKET_HEADER
           + "T50,C1,email,billing,normal,open,A1,2099-10-03T08:00:00Z,2099-10-03T08:00:00Z\n"
           + "T51,C2,email,billing,normal,open,A1,1990-10-03T08:00:00Z,1990-10-03T08:00:00Z\n"
           + "T0,C3,email,billing,normal,solved,A2,2026-09-28T08:00:00Z,2099-01-01T00:00:00Z\n"
           + f"T53,C2,email,billing,normal,open,A1,{NAME_IN_TIMESTAMP},2026-10-03T08:00:00Z\n"
           + "T54,C2,email,billing,normal,open,A1,2026-10-03T07:00:00Z,2026-10-03T07:30:00Z\n")
    # connector tables go through the same plausible window (their base models' rule lists)
    write_file(landing / "zendesk/ticket/ticket_2026-10-03.csv",
           "id,created_at,updated_at,status,priority,type,via_channel,requester_id,assignee_id,group_id,_fivetran_synced\n"
           "901,2099-10-03T08:00:00Z,2099-10-03T08:00:00Z,open,normal,question,email,7,8,9,2026-10-03T09:00:00Z\n"
           "902,2026-10-01T08:00:00Z,2099-01-01T00:00:00Z,open,normal,question,email,7,8,9,2026-10-03T09:00:00Z\n")
    write_file(landing / "intercom/conversation_history/conversation_history_2026-10-03.csv",
           "id,created_at,updated_at,state,source_type,source_delivered_as,source_author_id,assignee_id,_fivetran_synced\n"
           "801,1990-10-03T08:00:00Z,1990-10-03T09:00:00Z,open,email,customer_initiated,7,8,2026-10-03T09:00:00Z\n")


def write_corrections(landing: Path) -> None:
    write_file(landing / "tickets/tickets_2026-10-04.csv",
           TICKET_HEADER
           + "T50,C1,email,billing,normal,open,A1,2026-10-03T08:00:00Z,2026-10-03T08:00:00Z\n"
           + "T0,C3,email,billing,normal,solved,A2,2026-09-28T08:00:00Z,2026-10-04T09:00:00Z\n")


@dataclass
class Nights:
    night: Night
    after_bad: dict
    after_fix: dict
    full_refresh: list  # per night: dbt ran with --full-refresh


def _snapshot(n: Night) -> dict:
    return {
        "as_of": n.query("select as_of_at from marts.dim_data_as_of"),
        "tickets": dict(n.query("select ticket_id, status from marts.fct_tickets")),
        "created": dict(n.query("select ticket_id, created_at from marts.fct_tickets")),
        "backlog_days": n.query("select min(snapshot_date), max(snapshot_date) from marts.fct_backlog_daily")[0],
        "rejects": n.query(
            "select record_key, reason, offending_value from audit.rejected_rows "
            "where entity = 'tickets' order by record_key"
        ),
        "connector_rejects": n.query(
            "select entity, record_key, reason, offending_value from audit.rejected_rows "
            "where entity in ('zendesk__ticket', 'intercom__conversation_history') order by record_key"
        ),
        "published_as_of": n.query_published("select as_of_at from dim_data_as_of"),
    }


@pytest.fixture(scope="module")
def nights(night_stage: NightStage) -> Nights:
    root = night_stage.mktemp("implausible")
    n = Night(root)
    with pytest.MonkeyPatch.context() as mp:
        night_stage.setenv(mp, root)
        write_first_night(n.landing)
        first = night_refresh()
        assert first.ok, format_report(first)
        write_implausible_night(n.landing)
        bad = night_refresh()
        assert bad.ok and bad.publication is not None, format_report(bad)
        after_bad = _snapshot(n)
        write_corrections(n.landing)
        fixed = night_refresh()
        assert fixed.ok and fixed.publication is not None, format_report(fixed)
        after_fix = _snapshot(n)
    full_refresh = [json.loads(r.dbt_run_results.read_text())["args"].get("full_refresh") for r in (first, bad, fixed)]
    return Nights(n, after_bad, after_fix, full_refresh)


def test_only_the_night_without_a_watermark_is_a_full_refresh(nights: Nights) -> None:
    # the first night has no earlier build: every row counts as changed, computed as a full
    # refresh; the next nights have the first one's watermark and run incrementally
    assert [bool(x) for x in nights.full_refresh] == [True, False, False]


def test_implausible_timestamps_are_rejected_with_their_reason(nights: Nights) -> None:
    rejects = nights.after_bad["rejects"]
    assert rejects == [
        ("T0", f"updated_at {PLAUSIBLE}", "2099-01-01 00:00:00"),
        ("T50", f"created_at {PLAUSIBLE}", "2099-10-03 08:00:00"),
        ("T51", f"created_at {PLAUSIBLE}", "1990-10-03 08:00:00"),
        ("T53", "created_at is missing or not an ISO-8601 timestamp", NAME_IN_TIMESTAMP),
    ]
    # the good ticket of the same file is in; the bad versions are not, T0 keeps night 1's version
    tickets = nights.after_bad["tickets"]
    assert tickets["T54"] == "open"
    assert "T50" not in tickets and "T51" not in tickets and "T53" not in tickets
    assert tickets["T0"] == "open"


def test_connector_timestamps_outside_the_window_are_rejected_too(nights: Nights) -> None:
    # the first rule a row breaks is its reason: 801's created_at (1990), 901's created_at (2099),
    # 902's updated_at (2099; its created_at 2026-10-01 is inside the window)
    assert nights.after_bad["connector_rejects"] == [
        ("intercom__conversation_history", "intercom:801", f"created_at {PLAUSIBLE}", "1990-10-03 08:00:00"),
        ("zendesk__ticket", "zendesk:901", f"created_at {PLAUSIBLE}", "2099-10-03 08:00:00"),
        ("zendesk__ticket", "zendesk:902", f"updated_at {PLAUSIBLE}", "2099-01-01 00:00:00"),
    ]
    assert not {"zendesk:901", "zendesk:902", "intercom:801"} & set(nights.after_bad["tickets"])


def test_as_of_time_and_spines_follow_plausible_data_only(nights: Nights) -> None:
    # night 2's latest plausible event: T54 updated 2026-10-03T07:30Z
    assert nights.after_bad["as_of"] == [(datetime(2026, 10, 3, 7, 30),)]
    assert nights.after_bad["published_as_of"] == [(datetime(2026, 10, 3, 7, 30),)]
    # backlog spine: T0's creation day (2026-09-28) to the as-of day, nothing from 1990 or 2099
    first, last = nights.after_bad["backlog_days"]
    assert (str(first), str(last)) == ("2026-09-28", "2026-10-03")


def test_a_corrected_version_replaces_the_rejected_one(nights: Nights) -> None:
    after = nights.after_fix
    assert after["tickets"]["T50"] == "open"
    assert after["created"]["T50"] == datetime(2026, 10, 3, 8, 0)
    # T0's 2099 version never became "latest": the correction (updated 2026-10-04) wins
    assert after["tickets"]["T0"] == "solved"
    assert after["as_of"] == [(datetime(2026, 10, 4, 9, 0),)]
    # the rejects of night 2 stay on record
    assert [r[0] for r in after["rejects"]] == ["T0", "T50", "T51", "T53"]


def test_published_marts_and_parquet_hold_no_raw_value_of_a_reject(nights: Nights) -> None:
    n = nights.night
    # the build audit keeps the value for the people who fix the extracts
    assert n.query("select count(*) from audit.rejected_rows where offending_value = ?", [NAME_IN_TIMESTAMP]) == [(1,)]
    needles = [NAME_IN_TIMESTAMP.lower(), "garcía", "2099-10-03", "1990-10-03"]
    con = duckdb.connect(str(n.published / "marts.duckdb"), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name from duckdb_columns() "
            "where database_name = current_database() and data_type = 'VARCHAR'"
        ).fetchall()
        assert ("rejected_rows_summary", "reason") in columns
        assert "offending_value" not in {c for _, c in columns}
        for table, column in columns:
            hits = con.execute(
                f'select count(*) from "{table}" where '
                + " or ".join(f'contains(lower("{column}"), ?)' for _ in needles),
                needles,
            ).fetchone()[0]
            assert hits == 0, f"{table}.{column}"
        reasons = {r for (r,) in con.execute(
            "select reason from rejected_rows_summary where entity = 'tickets'").fetchall()}
        assert reasons == {f"created_at {PLAUSIBLE}", f"updated_at {PLAUSIBLE}",
                           "created_at is missing or not an ISO-8601 timestamp"}
    finally:
        con.close()
    files = sorted((n.published / "parquet").rglob("*.parquet"))  # partitioned marts: month folders
    assert files
    for f in files:
        rel = duckdb.sql(f"select * from read_parquet('{f}')")
        for column, dtype in zip(rel.columns, rel.dtypes):
            if str(dtype) == "VARCHAR":
                values = {v.lower() for (v,) in rel.select(f'"{column}"').fetchall() if v}
                assert not [x for x in needles for v in values if x in v], f"{f.name}.{column}"


@pytest.mark.parametrize("baseline", ["floor", "pandas"])
def test_bench_baselines_reject_implausible_timestamps_too(nights: Nights, baseline: str, tmp_path: Path) -> None:
    """bench/floor.sql and bench/pandas_baseline.py replicate the reject rules: on these nights (a
    1990 ticket; a 2099 ticket corrected later) they give kpi_scorecard's monthly figures. Without
    the rule they would count 1990 and 2099 months, and T50 in its 2099 version."""
    n = nights.night
    out = tmp_path / f"{baseline}.parquet"
    if baseline == "floor":
        run_floor(n.landing, out)
    else:
        subprocess.run([sys.executable, str(PANDAS_SCRIPT), str(n.landing), "--seeds", str(SEEDS_DIR),
                        "--out", str(out)], check=True, capture_output=True, timeout=600)
    compared, problems = agreement(n.warehouse, out, rel_tol=1e-9 if baseline == "floor" else 1e-6)
    assert compared > 10 and not problems, problems[:10]
    months = {str(r[0]) for r in duckdb.sql(f"select distinct cast(period_start as date) from read_parquet('{out}')").fetchall()}
    assert months and all(m.startswith("2026-") for m in months), months
