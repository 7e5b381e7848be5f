"""Zendesk connector tables end to end (issue 23): a landing folder holding only Fivetran Zendesk
tables builds fct_tickets and kpi_scorecard, its bad rows land in audit.rejected_rows while the
night publishes, and the per-ticket metrics agree with fivetran/dbt_zendesk's definitions,
recomputed here in Python from the same CSV files (docs/sources/zendesk.md lists the differences).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from connector_night import agreement_shares, fivetran_ts, landed_rows, monthly_scorecard, rejected_rows
from connector_night import query as _query
from connector_night import run_connector_night, sources_and_registry
from support_warehouse.contract import CONNECTOR_TABLES, known_landing_folders
from support_warehouse.generate_zendesk import HOLIDAY, SCHEDULES, generate_zendesk

END = date(2026, 11, 30)
RAILS_TO_IANA = {"Eastern Time (US & Canada)": "America/New_York", "London": "Europe/London"}
AGREEMENT = 0.99


@pytest.fixture(scope="module")
def night(night_stage) -> dict:
    # 60 days to 2026-11-30: the London schedule leaves summer time on 2026-10-25, the New York
    # one on 2026-11-01, and Thanksgiving (a Zendesk schedule holiday) falls inside.
    return run_connector_night(night_stage, "zendesk", lambda landing: generate_zendesk(
        landing, tickets=300, days=60, seed=23, end_date=END, bad_rows=True))


def _rows(landing: Path, table: str) -> list[dict[str, str]]:
    return landed_rows(landing, "zendesk", table)


def test_registry_lists_the_zendesk_folder_and_the_sources_read() -> None:
    assert "zendesk" in known_landing_folders() and "tickets" in known_landing_folders()
    assert CONNECTOR_TABLES["zendesk__ticket"].landing_folder == "zendesk/ticket"
    in_dbt, read = sources_and_registry("zendesk")
    assert in_dbt == read


def test_night_loads_only_zendesk_tables_and_publishes(night: dict) -> None:
    report = night["report"]
    assert report.ok, report
    assert report.publication is not None
    assert (night["published"] / "marts.duckdb").exists()
    loaded = {e: r.rows_loaded for e, r in report.entities.items() if r.rows_loaded}
    # 300 tickets + 1 bad one; every comment, history row and schedule interval of the generator
    assert loaded["zendesk__ticket"] == 301
    assert loaded["zendesk__schedule"] == 15  # 2 schedules x 5 weekdays, Europe with a lunch break
    assert not [e for e in loaded if "__" not in e]
    # the night summary counts the rejects of connector tables too (see the rejected rows below)
    assert report.entities["zendesk__ticket"].rejected_staging == 1
    assert report.entities["zendesk__ticket_comment"].rejected_staging == 2


def test_fct_tickets_and_kpi_scorecard_from_zendesk_only(night: dict) -> None:
    wh = night["warehouse"]
    rows = _query(wh, """
        select count(*), count(*) filter (where source_system = 'zendesk'),
               count(*) filter (where ticket_id = 'zendesk:' || source_ticket_id),
               count(distinct schedule_id)
        from marts.fct_tickets
    """)
    assert rows == [(300, 300, 300, 2)]  # the ticket with status 'escalated' is rejected
    raw_created = defaultdict(int)
    for t in _rows(night["landing"], "ticket"):
        if t["status"] != "escalated":
            raw_created[t["created_at"][:7]] += 1
    assert monthly_scorecard(wh, "tickets_created") == {m: float(n) for m, n in raw_created.items()}


def test_satisfaction_ratings_are_csat_on_the_csat_2_scale(night: dict) -> None:
    wh = night["warehouse"]
    ratings = [r for r in _rows(night["landing"], "satisfaction_rating") if r["score"] != "unoffered"]
    responses = _query(wh, """
        select count(*), count(*) filter (where is_responded), count(*) filter (where is_csat_satisfied),
               min(survey_scale), max(survey_scale), count(*) filter (where response_id like 'zendesk:%')
        from marts.fct_survey_responses
    """)
    good = sum(1 for r in ratings if r["score"] == "good")
    answered = sum(1 for r in ratings if r["score"] in ("good", "bad"))
    # offered-and-unanswered ratings are sent surveys without an answer; unoffered ones are no survey
    assert responses == [(len(ratings), answered, good, "csat_2", "csat_2", len(ratings))]
    assert good >= 20 and answered - good >= 5
    # csat_score per month = good / (good + bad) x 100, dated by the rating time (updated_at)
    by_month: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in ratings:
        if r["score"] in ("good", "bad"):
            by_month[r["updated_at"][:7]][0] += r["score"] == "good"
            by_month[r["updated_at"][:7]][1] += 1
    assert monthly_scorecard(wh, "csat_score") == pytest.approx({m: 100.0 * g / n for m, (g, n) in by_month.items()})


def test_bad_connector_rows_are_rejected_with_system_table_key_and_reason(night: dict) -> None:
    rejected = rejected_rows(night["warehouse"])
    # The reason names the rule (it is published); the raw value stays in offending_value (build only).
    assert rejected == [
        ("zendesk__ticket", "zendesk/ticket/ticket.csv", "zendesk:99001", "unknown status", "staging", "escalated"),
        ("zendesk__ticket_comment", "zendesk/ticket_comment/ticket_comment.csv", rejected[1][2],
         "unknown ticket: ticket_id is not in tickets", "reference", "zendesk:424242"),
        ("zendesk__ticket_comment", "zendesk/ticket_comment/ticket_comment.csv", rejected[2][2],
         "created is missing or not an ISO-8601 timestamp", "staging", "yesterday-ish"),
    ]


# ------------------------------------------------ fivetran/dbt_zendesk's definitions, in Python


def _datediff_minutes(start: datetime, end: datetime) -> int:
    """dbt.datediff(start, end, 'minute') on DuckDB: minute boundaries crossed."""
    return int((end.replace(second=0) - start.replace(second=0)).total_seconds() // 60)


def _business_minutes(start: datetime, end: datetime, schedule_id: str) -> float:
    """Minutes of [start, end) (naive UTC) inside the schedule's weekly intervals, in its zone's
    wall-clock time (daylight saving from the tz database), holidays excluded."""
    _, zone, intervals = SCHEDULES[int(schedule_id)]
    tz, utc = ZoneInfo(RAILS_TO_IANA[zone]), ZoneInfo("UTC")
    holidays = {HOLIDAY[3] + timedelta(days=i) for i in range((HOLIDAY[4] - HOLIDAY[3]).days + 1)} \
        if int(schedule_id) == HOLIDAY[1] else set()
    total = 0.0
    day = start.replace(tzinfo=utc).astimezone(tz).date() - timedelta(days=1)
    while day <= end.replace(tzinfo=utc).astimezone(tz).date():
        if day.isoweekday() <= 5 and day not in holidays:
            for begin, finish in intervals:
                lo = (datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(minutes=begin))
                hi = (datetime(day.year, day.month, day.day, tzinfo=tz) + timedelta(minutes=finish))
                lo = lo.astimezone(utc).replace(tzinfo=None)
                hi = hi.astimezone(utc).replace(tzinfo=None)
                overlap = (min(hi, end) - max(lo, start)).total_seconds()
                total += max(overlap, 0) / 60
        day += timedelta(days=1)
    return total


def _fivetran_metrics(landing: Path) -> dict[str, dict[str, float | int | None]]:
    roles = {u["id"]: u["role"] for u in _rows(landing, "user")}
    schedules = {s["ticket_id"]: s["schedule_id"] for s in _rows(landing, "ticket_schedule")}
    comments: dict[str, list[tuple[datetime, str, bool]]] = defaultdict(list)
    for c in _rows(landing, "ticket_comment"):
        try:
            at = fivetran_ts(c["created"])
        except ValueError:
            continue
        role = "internal_comment" if roles.get(c["user_id"]) in ("agent", "admin") else "external_comment"
        comments[c["ticket_id"]].append((at, role, c["public"] == "true"))
    solved: dict[str, list[datetime]] = defaultdict(list)
    for h in _rows(landing, "ticket_field_history"):
        if h["field_name"] == "status" and h["value"] == "solved":
            solved[h["ticket_id"]].append(fivetran_ts(h["updated"]))
    out = {}
    for t in _rows(landing, "ticket"):
        if t["status"] == "escalated":
            continue
        tid, created, sid = t["id"], fivetran_ts(t["created_at"]), schedules[t["id"]]
        public = sorted((c for c in comments[tid] if c[2]), key=lambda c: (c[0], c[1]))
        # int_zendesk__ticket_reply_times: the first public comment; an end user's is answered by
        # the next public agent comment; an agent's first comment is itself the reply to creation.
        first_reply = None
        if public and public[0][1] == "internal_comment":
            first_reply = (created, public[0][0])
        elif public:
            agent = [c[0] for c in public if c[1] == "internal_comment" and c[0] > public[0][0]]
            first_reply = (public[0][0], agent[0]) if agent else None
        solves = sorted(solved[tid])
        out[tid] = {
            # reply_time_calendar_minutes: seconds / 60
            "first_reply": (first_reply[1] - first_reply[0]).total_seconds() / 60 if first_reply else None,
            "first_reply_business": _business_minutes(*first_reply, sid) if first_reply else None,
            # int_zendesk__ticket_resolution_times_calendar: dbt.datediff in minutes
            "first_resolution": _datediff_minutes(created, solves[0]) if solves else None,
            "full_resolution": _datediff_minutes(created, solves[-1]) if solves else None,
            "first_resolution_business": _business_minutes(created, solves[0], sid) if solves else None,
            "full_resolution_business": _business_minutes(created, solves[-1], sid) if solves else None,
            "reopens": max(len(solves) - 1, 0),
            # int_zendesk__comment_metrics: count_public_agent_comments
            "public_agent_replies": sum(1 for c in public if c[1] == "internal_comment"),
        }
        # zendesk__ticket_metrics: one/two/multi-touch = 1 / 2 / > 2 public agent comments on a
        # ticket whose current status is solved or closed
        replies, is_solved = out[tid]["public_agent_replies"], t["status"] in ("solved", "closed")
        out[tid]["touch"] = (is_solved and replies == 1, is_solved and replies == 2, is_solved and replies > 2)
    return out


def test_per_ticket_metrics_agree_with_fivetran_definitions(night: dict) -> None:
    expected = _fivetran_metrics(night["landing"])
    actual = {
        r[0]: r[1:]
        for r in _query(night["warehouse"], """
            select source_ticket_id, first_response_minutes, first_response_business_minutes,
                   first_resolution_minutes, full_resolution_minutes,
                   first_resolution_business_minutes, full_resolution_business_minutes,
                   reopen_count, agent_reply_count,
                   (is_one_touch_resolution, is_two_touch_resolution, is_multi_touch_resolution)
            from marts.fct_tickets
        """)
    }
    assert set(actual) == set(expected)
    # fivetran's resolution minutes count minute boundaries (dbt.datediff), ours are exact
    # (seconds / 60): they differ by less than one minute by construction.
    metrics = [
        ("first_reply", 0.01), ("first_reply_business", 0.01), ("first_resolution", 1.0),
        ("full_resolution", 1.0), ("first_resolution_business", 0.01), ("full_resolution_business", 0.01),
        ("reopens", 0), ("public_agent_replies", 0), ("touch", None),
    ]
    # the generated data must exercise every definition
    assert sum(1 for e in expected.values() if e["reopens"]) >= 10
    assert sum(1 for e in expected.values() if e["first_reply"] is None) >= 10
    assert sum(1 for e in expected.values() if e["full_resolution"] is None) >= 20
    assert all(sum(1 for e in expected.values() if e["touch"][i]) >= 10 for i in range(3))
    shares = agreement_shares(actual, expected, metrics)
    assert all(share >= AGREEMENT for share in shares.values()), shares


# ------------------------------------------------------------------------------ loader only


def test_connector_file_missing_a_column_read_is_quarantined_naming_file_and_column(con, landing, caplog) -> None:
    from support_warehouse import load

    landing.write("zendesk/group", "g.csv", "id,name,_fivetran_synced\n1,Support,2026-11-01 00:00:00\n")
    landing.write("zendesk/ticket_comment", "c.jsonl", '{"id": 1, "ticket_id": 2, "user_id": 3, "public": true}\n')
    landing.write("zendesk/not_a_table_yet", "x.csv", "a\n1\n")
    results = load.load_all(con, landing.root)
    assert results["zendesk__group"].rows_loaded == 1 and results["zendesk__group"].error is None
    # like a contract entity's file: set aside whole, with the reason; the table's load goes on
    comments = results["zendesk__ticket_comment"]
    assert comments.error is None and comments.rows_loaded == 0
    assert list(comments.files_quarantined.values()) == [
        f"zendesk__ticket_comment: {landing.root.name}/zendesk/ticket_comment/c.jsonl is missing required column "
        "'created' (also missing: '_fivetran_synced')"
    ]
    # optional connector columns exist in raw even when no file had them (staging reads them)
    assert con.execute("select name, _fivetran_deleted from raw.zendesk__group").fetchall() == [("Support", None)]
    assert "no contract entity" not in caplog.text  # the zendesk folder is a known landing folder


def test_generate_format_zendesk_writes_the_connector_layout(tmp_path: Path) -> None:
    from support_warehouse.cli import main

    assert main(["generate", "--format", "zendesk", "--out", str(tmp_path), "--tickets", "40", "--days", "20",
                 "--bad-rows-share", "0"]) == 0
    tables = sorted(p.name for p in (tmp_path / "zendesk").iterdir())
    assert tables == ["group", "satisfaction_rating", "schedule", "schedule_holiday", "ticket", "ticket_comment",
                      "ticket_field_history", "ticket_schedule", "user"]
    assert len(_rows(tmp_path, "ticket")) == 40  # no bad rows asked for: no extra ticket
    header = (tmp_path / "zendesk" / "ticket" / "ticket.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"_fivetran_synced", "_fivetran_deleted", "via_channel", "requester_id"} <= set(header)
