"""Ticket facts (issue 3) end to end: raw extracts -> loader -> dbt -> marts.

Two builds, each in its own throw-away database and dbt target dir:

* hand-made extracts with worked scenarios (Friday evening answered Monday across the end of
  summer time in Berlin, a holiday, a bot auto-reply, a reopen, a solve without status rows, an
  unanswered ticket, a follow-up that voids FCR), checked value by value;
* a small generated dataset, where the median first response per month of fct_tickets must equal
  an independent computation straight from the CSV files with pandas (no dbt SQL involved).
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from support_warehouse import config
from support_warehouse import load
from support_warehouse.config import REPO_ROOT
from support_warehouse.contract import ENTITIES

TICKET_MODELS = [
    "+fct_tickets",
    "+fct_ticket_replies",
    "+fct_ticket_status_intervals",
    "+fct_backlog_daily",
    "+fct_agent_days",
    "+dim_agents",
    "+dim_customers",
    "+dim_calendar",
    "dim_data_as_of",
]
TICKET_FOLDERS = ["models/intermediate/tickets", "models/marts/tickets", "models/marts/core"]


def _dbt(args: list[str], warehouse: Path, work: Path) -> None:
    """dbt in this process (as small_build runs it): no interpreter and dbt import per call."""
    from support_warehouse.dbt_runner import run_dbt, summarize

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SW_REPORTING_TZ", "UTC")
        mp.setenv("SW_DUCKDB_THREADS", "2")
        mp.setenv("SW_DUCKDB_MEMORY_LIMIT", "2GB")
        done = summarize(run_dbt(args, "duckdb", warehouse=warehouse, target_path=work / "target",
                                 log_path=work / "logs"))
    problems = [n.describe() for n in [*done.node_errors, *done.failing_tests]]
    assert not done.has_errors, f"dbt {' '.join(args)} failed: {done.exception or problems}"


def _build(landing: Path, work: Path, run_data_tests: bool = False) -> Path:
    warehouse = work / "warehouse.duckdb"
    con = load.connect(warehouse)
    try:
        results = load.load_all(con, landing)
        load.raise_for_errors(results)
    finally:
        con.close()
    _dbt(["seed"], warehouse, work)
    _dbt(["run", "--select", *TICKET_MODELS], warehouse, work)
    if run_data_tests:
        _dbt(["test", "--select", *TICKET_FOLDERS, "--exclude", "test_type:unit",
              "--indirect-selection", "cautious"], warehouse, work)
    return warehouse


def _write_csv(landing: Path, entity: str, rows: list[dict[str, str]]) -> None:
    cols = list(ENTITIES[entity].required)
    path = landing / entity / f"{entity}_history.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], columns=cols).to_csv(path, index=False)


# ---------------------------------------------------------------------------- worked scenarios


def _scenario_extracts(landing: Path) -> None:
    """Hand-made extracts. Both agents are in team EMEA: Europe/Berlin, Mon-Fri 08:00-18:00
    (seeds/business_hours.csv); 2026-12-25 is a holiday for every schedule (seeds/holidays.csv)."""
    _write_csv(landing, "customers", [
        dict(customer_id="C1", name="Ann", email="ann@example.com", tier="standard", country="DE",
             created_at="2026-01-01T00:00:00Z"),
        dict(customer_id="C2", name="Bob", email="bob@example.com", tier="enterprise", country="DE",
             created_at="2026-01-01T00:00:00Z"),
        dict(customer_id="C3", name="Cy", email="cy@example.com", tier="premium", country="DE",
             created_at="2026-01-01T00:00:00Z"),
    ])
    _write_csv(landing, "agents", [
        dict(agent_id="A1", name="Agent One", email="a1@example.com", team="EMEA", timezone="Europe/Berlin",
             hired_at="2025-01-01T00:00:00Z"),
        dict(agent_id="A2", name="Agent Two", email="a2@example.com", team="EMEA", timezone="Europe/Berlin",
             hired_at="2025-01-01T00:00:00Z"),
    ])
    _write_csv(landing, "agent_shifts", [
        dict(agent_id="A1", shift_date="2026-10-26", scheduled_minutes="480", is_leave="false"),
        dict(agent_id="A1", shift_date="2026-12-28", scheduled_minutes="480", is_leave="true"),
    ])

    def ticket(tid, cust, channel, ttype, status, assignee, created, updated, priority="normal"):
        return dict(ticket_id=tid, customer_id=cust, channel=channel, ticket_type=ttype, priority=priority,
                    status=status, assignee_id=assignee, created_at=created, updated_at=updated)

    _write_csv(landing, "tickets", [
        # Friday 17:00 CEST, answered Monday 09:30 CET: summer time ends in between (2026-10-25).
        ticket("T1", "C1", "email", "billing", "solved", "A1", "2026-10-23T17:00:00+02:00", "2026-10-26T10:00:00+01:00"),
        # Thursday 17:30 CET before the Christmas holiday, answered Monday 08:45 CET.
        ticket("T2", "C2", "email", "shipping", "solved", "A1", "2026-12-24T17:30:00+01:00", "2026-12-28T09:00:00+01:00"),
        # Only a bot answers: unanswered, its 5-minute chat SLA breached.
        ticket("T3", "C3", "chat", "account", "open", "A1", "2026-12-28T09:00:00Z", "2026-12-28T12:00:00Z"),
        # Solved, reopened, solved again, closed.
        ticket("T4", "C1", "email", "returns", "closed", "A2", "2026-12-21T09:00:00Z", "2026-12-23T13:00:00Z"),
        # Closed without any status-change row: solved at updated_at (inferred), never replied.
        ticket("T5", "C3", "web_form", "billing", "closed", "A1", "2026-12-22T10:00:00Z", "2026-12-22T15:00:00Z",
               priority="low"),
        # Solved after one reply, but the customer comes back by phone 4 days later: no FCR.
        ticket("T6", "C2", "email", "billing", "solved", "A1", "2026-12-14T10:00:00Z", "2026-12-14T11:00:00Z"),
        ticket("T7", "C2", "phone", "billing", "open", "A2", "2026-12-18T10:00:00Z", "2026-12-18T10:00:00Z"),
    ])

    def msg(mid, tid, author_type, author, at, public="true"):
        return dict(message_id=mid, ticket_id=tid, author_type=author_type, author_id=author, is_public=public,
                    created_at=at)

    _write_csv(landing, "ticket_messages", [
        msg("M11", "T1", "customer", "C1", "2026-10-23T15:00:00Z"),
        msg("M12", "T1", "bot", "", "2026-10-23T15:00:05Z"),
        msg("M13", "T1", "agent", "A2", "2026-10-23T15:30:00Z", public="false"),  # internal note
        msg("M14", "T1", "agent", "A1", "2026-10-26T09:30:00+01:00"),
        msg("M21", "T2", "customer", "C2", "2026-12-24T16:30:00Z"),
        msg("M23", "T2", "agent", "A1", "2026-12-24T16:00:00Z"),  # before the ticket: rejected
        msg("M22", "T2", "agent", "A1", "2026-12-28T08:45:00+01:00"),
        msg("M31", "T3", "customer", "C3", "2026-12-28T09:00:00Z"),
        msg("M32", "T3", "bot", "", "2026-12-28T09:00:03Z"),
        msg("M41", "T4", "customer", "C1", "2026-12-21T09:00:00Z"),
        msg("M42", "T4", "agent", "A2", "2026-12-21T10:00:00Z"),
        msg("M43", "T4", "customer", "C1", "2026-12-22T08:00:00Z"),
        msg("M44", "T4", "agent", "A2", "2026-12-22T09:30:00Z"),
        msg("M61", "T6", "customer", "C2", "2026-12-14T10:00:00Z"),
        msg("M62", "T6", "agent", "A1", "2026-12-14T10:20:00Z"),
    ])

    def change(tid, at, status):
        return dict(ticket_id=tid, changed_at=at, status=status)

    _write_csv(landing, "ticket_status_changes", [
        change("T1", "2026-10-23T15:00:00Z", "new"),
        change("T1", "2026-10-23T15:30:00Z", "open"),
        change("T1", "2026-10-26T09:00:00Z", "solved"),
        change("T2", "2026-12-24T16:30:00Z", "new"),
        change("T2", "2026-12-28T08:00:00Z", "solved"),
        change("T3", "2026-12-28T09:00:00Z", "new"),
        change("T4", "2026-12-21T09:00:00Z", "new"),
        change("T4", "2026-12-21T12:00:00Z", "solved"),
        change("T4", "2026-12-22T09:00:00Z", "open"),
        change("T4", "2026-12-23T12:00:00Z", "solved"),
        change("T4", "2026-12-23T13:00:00Z", "closed"),
        change("T6", "2026-12-14T10:00:00Z", "new"),
        change("T6", "2026-12-14T11:00:00Z", "solved"),
    ])


@pytest.fixture(scope="module")
def scenario_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("ticket_scenarios")
    landing = work / "landing"
    _scenario_extracts(landing)
    return _build(landing, work)


def _rows(warehouse: Path, sql: str) -> dict[str, dict]:
    con = config.connect_build(warehouse, read_only=True)
    try:
        df = con.execute(sql).df()
    finally:
        con.close()
    return {r[df.columns[0]]: r for r in df.to_dict("records")}


def _close(actual, expected) -> bool:
    if expected is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual)) or actual is pd.NaT
    if isinstance(expected, float):
        return actual is not None and abs(float(actual) - expected) < 1e-6
    if isinstance(expected, str) and hasattr(actual, "isoformat"):
        return str(actual) == expected
    return actual == expected


def _check(row: dict, **expected) -> None:
    wrong = {k: (row[k], v) for k, v in expected.items() if not _close(row[k], v)}
    assert not wrong, f"{row[next(iter(row))]}: (actual, expected) {wrong}"


def test_scenarios_first_response_business_minutes_and_sla(scenario_warehouse: Path) -> None:
    t = _rows(scenario_warehouse, "select * from marts.fct_tickets order by ticket_id")
    assert sorted(t) == ["T1", "T2", "T3", "T4", "T5", "T6", "T7"]
    # Fri 15:00Z -> Mon 08:30Z is 65.5 h; Berlin working time: Fri 17-18 CEST + Mon 08-09:30 CET.
    # Policy default (960 business min): 60 Fri + 600 Mon + 300 Tue -> Tue 13:00 CET = 12:00Z.
    _check(t["T1"], schedule_id="EMEA", first_reply_agent_id="A1", first_response_minutes=3930.0,
           first_response_business_minutes=150.0, sla_policy_id="default",
           sla_due_at="2026-10-27 12:00:00", is_sla_met=True, is_sla_breached=False,
           first_resolution_minutes=3960.0, first_resolution_business_minutes=180.0,
           agent_reply_count=1, inbound_message_count=1, is_first_contact_resolution=True)
    # Thu 17:30-18:00 CET, Fri 25 Dec holiday, weekend, Mon 08:00-08:45: 75 business minutes.
    # enterprise_default 240: 30 Thu + 210 Mon -> Mon 11:30 CET = 10:30Z. The agent message
    # stamped before the ticket was created is rejected, never a reply.
    _check(t["T2"], first_response_minutes=5235.0, first_response_business_minutes=75.0,
           sla_policy_id="enterprise_default", sla_due_at="2026-12-28 10:30:00", is_sla_met=True,
           agent_reply_count=1)
    # A bot auto-reply is no response: unanswered, chat SLA (5 min; beats premium_default on the
    # strictest-target tie-break) breached from 09:05 to the as-of time 12:00 (latest event, the
    # one row of dim_data_as_of); created 09:00, its 24 hours are not over: no 24-hour outcome.
    _check(t["T3"], is_answered=False, first_reply_at=None, first_response_minutes=None,
           sla_policy_id="chat_any", has_sla_due=True, is_sla_met=False, is_sla_breached=True,
           sla_breach_minutes=175.0, is_first_contact_resolution=None, has_24h_outcome=False)
    as_of = _rows(scenario_warehouse, "select cast(as_of_at as varchar) as as_of_at from marts.dim_data_as_of")
    assert list(as_of) == ["2026-12-28 12:00:00"], "one row: the latest event's time"
    # First resolution 12:00 (3 h), full resolution at the last solve Wed 12:00Z (51 h);
    # business: Mon 10-18 + Tue 08-18 + Wed 08-13 CET = 480 + 600 + 300.
    _check(t["T4"], first_resolution_minutes=180.0, first_resolution_business_minutes=180.0,
           full_resolution_minutes=3060.0, full_resolution_business_minutes=1380.0, reopen_count=1,
           is_reopened=True, solve_count=2, agent_reply_count=2, is_first_contact_resolution=False)
    # Closed without status rows: solved at updated_at; solved before its SLA was due, so no
    # reply was due; solved without any reply, so not FCR.
    _check(t["T5"], is_solved=True, has_inferred_solve=True, first_resolution_minutes=300.0,
           is_answered=False, has_sla_due=False, is_sla_met=None, is_first_contact_resolution=False)
    _check(t["T6"], has_followup_within_7d=True, is_first_contact_resolution=False, agent_reply_count=1)
    _check(t["T7"], sla_policy_id="phone_any", is_sla_breached=True, is_first_contact_resolution=None)

    r = _rows(scenario_warehouse, "select * from marts.fct_ticket_replies order by message_id")
    assert sorted(r) == ["M14", "M22", "M42", "M44", "M62"]  # no bot, note or rejected message
    _check(r["M14"], agent_id="A1", answered_customer_message_at="2026-10-23 15:00:00",
           response_minutes=3930.0, response_business_minutes=150.0, is_first_reply=True)
    _check(r["M44"], agent_id="A2", answered_customer_message_at="2026-12-22 08:00:00",
           response_minutes=90.0, reply_number=2, is_first_reply=False)


def test_scenarios_backlog_and_agent_days(scenario_warehouse: Path) -> None:
    con = config.connect_build(scenario_warehouse, read_only=True)
    try:
        t7 = con.execute(
            "select count(*), sum(case when is_overdue then 1 else 0 end), min(snapshot_date), max(snapshot_date) "
            "from marts.fct_backlog_daily where ticket_id = 'T7'").fetchone()
        t3 = con.execute(
            "select snapshot_date, age_hours, is_overdue from marts.fct_backlog_daily where ticket_id = 'T3'"
        ).fetchall()
        per_ticket = dict(con.execute(
            "select ticket_id, count(*) from marts.fct_backlog_daily group by ticket_id").fetchall())
        t4_days = [d for (d,) in con.execute(
            "select snapshot_date from marts.fct_backlog_daily where ticket_id = 'T4' order by 1").fetchall()]
        days = {(a, str(d)): (w, n) for a, d, w, n in con.execute(
            "select agent_id, shift_date, is_worked_day, tickets_replied from marts.fct_agent_days").fetchall()}
    finally:
        con.close()
    # T7 (enterprise, 1-day limit) is open from 12-18 to the as-of date 12-28: 11 snapshots,
    # overdue from the end of its second day on.
    assert t7 == (11, 10, date(2026, 12, 18), date(2026, 12, 28))
    assert t3 == [(date(2026, 12, 28), 3.0, False)]  # last snapshot taken at the as-of time
    # T1 is open at the ends of Fri, Sat, Sun (solved Monday); T2 at the ends of 12-24 .. 12-27;
    # T6 is created and solved on the same day: never in the backlog.
    assert per_ticket.get("T1") == 3 and per_ticket.get("T2") == 4 and "T6" not in per_ticket
    # T4: solved 12-21 12:00, reopened 12-22 09:00, solved 12-23 12:00 -> open only at the end of 12-22.
    assert t4_days == [date(2026, 12, 22)]
    assert days[("A1", "2026-10-26")] == (True, 1)
    assert days[("A1", "2026-12-28")] == (False, 1)  # a reply on a leave day counts, the day is not worked


# ------------------------------------------------------------- generated data vs. raw extracts

ISO_TS = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?$")
TRUE_TEXT = {"true", "t", "1", "yes"}
FALSE_TEXT = {"false", "f", "0", "no"}


def _ts(series: pd.Series) -> pd.Series:
    text = series.fillna("").astype(str).str.strip()
    ok = text.str.match(ISO_TS)
    parsed = pd.to_datetime(text.where(ok), utc=True, format="ISO8601", errors="coerce")
    return parsed.dt.tz_convert(None)


def _read_entity(landing: Path, entity: str) -> pd.DataFrame:
    frames = []
    for path in sorted((landing / entity).glob("*.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        df["_file"] = path.name
        df["_line"] = range(2, len(df) + 2)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def _drop_conflicting_duplicates(df: pd.DataFrame, key: list[str], payload: list[str]) -> pd.DataFrame:
    """Within one file, an earlier line whose payload differs from the key's last line is rejected."""
    fingerprint = df[payload].apply(lambda r: "|".join(r.astype(str).str.strip()), axis=1)
    last = fingerprint.groupby([df[k] for k in key] + [df["_file"]]).transform("last")
    return df[fingerprint == last]


def _expected_median_first_response(landing: Path) -> pd.Series:
    """Median minutes from ticket creation to the first public agent message, per creation month,
    over good tickets with a reply, straight from the CSV files (the contract's reject rules)."""
    channels = set(pd.read_csv(REPO_ROOT / "seeds" / "channels.csv", dtype=str)["channel"])
    t = _read_entity(landing, "tickets")
    for c in ["ticket_id", "channel", "priority", "status"]:
        t[c] = t[c].str.strip()
    t["channel"] = t["channel"].str.lower()
    t["priority"] = t["priority"].str.lower()
    t["status"] = t["status"].str.lower()
    t["created"] = _ts(t["created_at"])
    t["updated"] = _ts(t["updated_at"])
    has_updated = t["updated_at"].str.strip() != ""
    good = (
        (t["ticket_id"] != "")
        & t["created"].notna()
        & ~(has_updated & t["updated"].isna())
        & t["channel"].isin(channels)
        & t["priority"].isin(["low", "normal", "high", "urgent"])
        & t["status"].isin(["new", "open", "pending", "on_hold", "solved", "closed"])
        & ~(t["updated"] < t["created"])
    )
    payload = ["customer_id", "channel", "ticket_type", "priority", "status", "assignee_id", "created_at", "updated_at"]
    t = _drop_conflicting_duplicates(t[good], ["ticket_id"], payload)
    t = t.sort_values(["ticket_id", "updated", "_file", "_line"], na_position="first")
    tickets = t.groupby("ticket_id").tail(1).set_index("ticket_id")[["created"]]

    m = _read_entity(landing, "ticket_messages")
    for c in ["message_id", "ticket_id", "author_type", "is_public"]:
        m[c] = m[c].str.strip()
    m["author_type"] = m["author_type"].str.lower()
    public_text = m["is_public"].str.lower()
    m["created"] = _ts(m["created_at"])
    good = (
        (m["message_id"] != "")
        & (m["ticket_id"] != "")
        & m["created"].notna()
        & (public_text.isin(TRUE_TEXT | FALSE_TEXT) | (public_text == ""))
        & m["author_type"].isin(["customer", "agent", "bot", "system"])
    )
    m = _drop_conflicting_duplicates(
        m[good], ["message_id"], ["ticket_id", "author_type", "author_id", "is_public", "created_at"])
    m = m.sort_values(["message_id", "_file", "_line"]).groupby("message_id").tail(1)
    m = m.merge(tickets.rename(columns={"created": "created_ticket"}), left_on="ticket_id", right_index=True,
                how="inner")  # unknown ticket: rejected
    m = m[m["created"] >= m["created_ticket"]]  # message before its ticket: rejected
    is_public = ~m["is_public"].str.lower().isin(FALSE_TEXT)
    replies = m[(m["author_type"] == "agent") & is_public]
    first = replies.groupby("ticket_id")["created"].min().rename("first_reply")

    df = tickets.join(first, how="inner")
    df["minutes"] = (df["first_reply"] - df["created"]).dt.total_seconds() / 60.0
    df["month"] = df["created"].dt.to_period("M").dt.to_timestamp()
    return df.groupby("month")["minutes"].median()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    generate = pytest.importorskip("support_warehouse.generate")
    work = tmp_path_factory.mktemp("ticket_generated")
    landing = work / "landing"
    generate.generate(landing, tickets=1500, days=75, seed=11, bad_rows_share=0.02,
                      end_date=date(2026, 11, 15), nights=2, progress=False)
    return landing, _build(landing, work, run_data_tests=True)


def test_median_first_response_per_month_matches_raw_extracts(generated: tuple[Path, Path]) -> None:
    landing, warehouse = generated
    expected = _expected_median_first_response(landing)
    con = config.connect_build(warehouse, read_only=True)
    try:
        actual = con.execute("""
            select date_trunc('month', created_date) as month,
                   quantile_cont(first_response_minutes, 0.5) as median_minutes,
                   count(first_response_minutes) as answered
            from marts.fct_tickets
            where is_answered
            group by 1
            order by 1
        """).df().set_index("month")
    finally:
        con.close()
    assert len(expected) >= 3, "the generated window should span several months"
    assert list(pd.to_datetime(actual.index)) == list(expected.index)
    for month, value in expected.items():
        got = actual.loc[actual.index[list(pd.to_datetime(actual.index)).index(month)], "median_minutes"]
        assert abs(got - value) < 1e-6, f"{month:%Y-%m}: fct_tickets median {got} != raw extracts {value}"


def test_generated_rejects_never_reach_the_facts(generated: tuple[Path, Path]) -> None:
    landing, warehouse = generated
    bad = json.loads((landing / "_bad_rows.json").read_text())
    bad_messages = {json.loads(b["key"])["message_id"] if isinstance(b["key"], str) else b["key"]["message_id"]
                    for b in bad if b["entity"] == "ticket_messages" and b["rule"] in
                    ("unknown_ticket", "reply_before_ticket", "malformed_timestamp", "unknown_value")}
    con = config.connect_build(warehouse, read_only=True)
    try:
        replied = {m for (m,) in con.execute("select message_id from marts.fct_ticket_replies").fetchall()}
    finally:
        con.close()
    assert bad_messages and not (bad_messages & replied)


def _python_business_minutes(start: pd.Timestamp, end: pd.Timestamp, tz: str,
                             weekly: dict[int, list[tuple[int, int]]], holidays: set[date]) -> float:
    """Working minutes of a schedule between two UTC instants, day by day in the team's zone."""
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    start_utc = start.to_pydatetime().replace(tzinfo=timezone.utc)
    end_utc = end.to_pydatetime().replace(tzinfo=timezone.utc)
    day = start_utc.astimezone(zone).date() - timedelta(days=1)
    last = end_utc.astimezone(zone).date() + timedelta(days=1)
    seconds = 0.0
    while day <= last:
        if day not in holidays:
            for s, e in weekly.get(day.isoweekday(), []):
                midnight = datetime(day.year, day.month, day.day)
                a = (midnight + timedelta(minutes=s)).replace(tzinfo=zone).astimezone(timezone.utc)
                b = (midnight + timedelta(minutes=e)).replace(tzinfo=zone).astimezone(timezone.utc)
                seconds += max(0.0, (min(b, end_utc) - max(a, start_utc)).total_seconds())
        day += timedelta(days=1)
    return seconds / 60.0


def test_business_minutes_match_a_day_by_day_computation(generated: tuple[Path, Path]) -> None:
    """The business clock (slot spine + two look-ups) equals walking every day of every ticket
    through the team's local hours, holidays and DST with zoneinfo."""
    _, warehouse = generated
    hours = pd.read_csv(REPO_ROOT / "seeds" / "business_hours.csv", dtype=str)
    holidays = pd.read_csv(REPO_ROOT / "seeds" / "holidays.csv", dtype=str)
    schedules = {}
    for sid, rows in hours.groupby("schedule_id"):
        weekly: dict[int, list[tuple[int, int]]] = {}
        for r in rows.itertuples():
            h1, m1 = map(int, r.start_time.split(":"))
            h2, m2 = map(int, r.end_time.split(":"))
            weekly.setdefault(int(r.iso_day_of_week), []).append((h1 * 60 + m1, h2 * 60 + m2))
        days = {date.fromisoformat(d) for d in holidays.loc[holidays["schedule_id"].isin([sid, "*"]), "holiday_date"]}
        schedules[sid] = (rows["timezone"].iloc[0], weekly, days)
    con = config.connect_build(warehouse, read_only=True)
    try:
        df = con.execute("""
            select ticket_id, schedule_id, created_at, first_reply_at, first_solved_at,
                   first_response_business_minutes, first_resolution_business_minutes
            from marts.fct_tickets
        """).df()
    finally:
        con.close()
    assert df["schedule_id"].nunique() >= 4, "tickets should run on several team schedules"
    checked = 0
    for r in df.itertuples():
        tz, weekly, days = schedules[r.schedule_id]
        for end, got in ((r.first_reply_at, r.first_response_business_minutes),
                         (r.first_solved_at, r.first_resolution_business_minutes)):
            if pd.isna(end):
                continue
            want = _python_business_minutes(r.created_at, end, tz, weekly, days)
            assert abs(got - want) < 1e-6, f"{r.ticket_id} ({r.schedule_id}) {r.created_at} -> {end}: {got} != {want}"
            checked += 1
    assert checked > 1000
