"""Intercom connector tables end to end (issue 23): a landing folder holding only Fivetran Intercom
tables builds fct_tickets and kpi_scorecard, its bad rows land in audit.rejected_rows while the
night publishes, and the per-conversation metrics agree with fivetran/dbt_intercom's
conversation metrics, recomputed here in Python from the same CSV files
(docs/sources/intercom.md lists the differences).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from connector_night import agreement_shares, fivetran_ts, landed_rows, monthly_scorecard, rejected_rows
from connector_night import query as _query
from connector_night import run_connector_night, sources_and_registry
from support_warehouse.contract import CONNECTOR_TABLES, known_landing_folders
from support_warehouse.generate_intercom import generate_intercom

END = date(2026, 11, 30)
AGREEMENT = 0.99


@pytest.fixture(scope="module")
def night(night_stage) -> dict:
    return run_connector_night(night_stage, "intercom", lambda landing: generate_intercom(
        landing, conversations=300, days=60, seed=23, end_date=END, bad_rows=True))


def _rows(landing: Path, table: str) -> list[dict[str, str]]:
    return landed_rows(landing, "intercom", table)


def _latest(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """The connector's history tables keep every version: the latest updated_at wins."""
    latest: dict[str, dict[str, str]] = {}
    for r in rows:
        if r["id"] not in latest or r["updated_at"] > latest[r["id"]]["updated_at"]:
            latest[r["id"]] = r
    return latest


def test_registry_lists_the_intercom_folder_and_the_sources_read() -> None:
    assert "intercom" in known_landing_folders() and "zendesk" in known_landing_folders()
    assert CONNECTOR_TABLES["intercom__conversation_part_history"].landing_folder == "intercom/conversation_part_history"
    # every Intercom table the loader registers is read (has required columns), so all are compared
    assert all(e.required for n, e in CONNECTOR_TABLES.items() if n.startswith("intercom__"))
    in_dbt, read = sources_and_registry("intercom")
    assert in_dbt == read


def test_night_loads_only_intercom_tables_and_publishes(night: dict) -> None:
    report = night["report"]
    assert report.ok, report
    assert report.publication is not None
    assert (night["published"] / "marts.duckdb").exists()
    loaded = {e: r.rows_loaded for e, r in report.entities.items() if r.rows_loaded}
    assert loaded["intercom__conversation_history"] == len(_rows(night["landing"], "conversation_history"))
    assert not [e for e in loaded if not e.startswith("intercom__")]
    assert report.entities["intercom__conversation_history"].rejected_staging == 1


def test_fct_tickets_and_kpi_scorecard_from_intercom_only(night: dict) -> None:
    wh, landing = night["warehouse"], night["landing"]
    # 300 conversations, each landed in one or two versions, plus the one with state 'escalated'
    rows = _query(wh, """
        select count(*), count(*) filter (where source_system = 'intercom'),
               count(*) filter (where ticket_id = 'intercom:' || source_ticket_id),
               count(*) filter (where status = 'solved'), count(*) filter (where status = 'pending')
        from marts.fct_tickets
    """)
    latest = {k: v for k, v in _latest(_rows(landing, "conversation_history")).items() if v["state"] != "escalated"}
    states = defaultdict(int)
    for c in latest.values():
        states[c["state"]] += 1
    assert rows == [(300, 300, 300, states["closed"], states["snoozed"])]
    assert states["snoozed"] > 0 and states["open"] > 0
    created = defaultdict(int)
    for c in latest.values():
        created[c["created_at"][:7]] += 1
    assert monthly_scorecard(wh, "tickets_created") == {m: float(n) for m, n in created.items()}
    # admins are agents with their team (admin 5001 is in Support... and Technical: the first by name)
    agents = dict(_query(wh, "select agent_id, team from marts.dim_agents where agent_id like 'intercom:%'"))
    assert agents["intercom:5000"] == "Support" and agents["intercom:5001"] == "Billing"
    assert "intercom:5099" not in agents  # deleted admin
    # contacts are customers, their PII hashed
    customers = _query(wh, "select count(*), count(*) filter (where email_hash like '%@%') from marts.dim_customers "
                           "where customer_id like 'intercom:%'")
    assert customers == [(100, 0)]


def test_conversation_ratings_are_csat_on_the_csat_5_scale(night: dict) -> None:
    wh = night["warehouse"]
    history = [c for c in _rows(night["landing"], "conversation_history") if c["state"] != "escalated"]
    rated = {k: v for k, v in _latest(history).items() if v["conversation_rating_value"]}
    responses = _query(wh, """
        select count(*), count(*) filter (where is_csat_satisfied), min(survey_scale), max(survey_scale)
        from marts.fct_survey_responses where response_id like 'intercom:%'
    """)
    satisfied = sum(1 for c in rated.values() if int(c["conversation_rating_value"]) >= 4)
    assert responses == [(len(rated), satisfied, "csat_5", "csat_5")]
    assert len(rated) >= 30 and len(rated) - satisfied >= 5
    # csat_score per month = ratings 4-5 / ratings x 100, dated by the first version carrying the rating
    rated_at = {k: min(c["updated_at"] for c in history if c["id"] == k and c["conversation_rating_value"])
                for k in rated}
    by_month: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for k, c in rated.items():
        by_month[rated_at[k][:7]][0] += int(c["conversation_rating_value"]) >= 4
        by_month[rated_at[k][:7]][1] += 1
    assert monthly_scorecard(wh, "csat_score") == pytest.approx({m: 100.0 * s / n for m, (s, n) in by_month.items()})


def test_bad_connector_rows_are_rejected_with_system_table_key_and_reason(night: dict) -> None:
    rejected = rejected_rows(night["warehouse"])
    parts = "intercom/conversation_part_history/conversation_part_history.csv"
    # The reason names the rule (it is published); the raw value stays in offending_value (build only).
    assert rejected == [
        ("intercom__conversation_history", "intercom/conversation_history/conversation_history.csv",
         "intercom:2999001", "unknown state", "staging", "escalated"),
        ("intercom__conversation_part_history", parts, rejected[1][2],
         "unknown ticket: ticket_id is not in tickets", "reference", "intercom:424242"),
        ("intercom__conversation_part_history", parts, rejected[2][2],
         "created_at is missing or not an ISO-8601 timestamp", "staging", "yesterday-ish"),
    ]


# ------------------------------------------------ fivetran/dbt_intercom's definitions, in Python


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    # round(datediff(second) / 60, 2)
    return None if start is None or end is None else round((end - start).total_seconds() / 60, 2)


def _dbt_intercom_metrics(landing: Path) -> dict[str, dict[str, float | int | None]]:
    conversations = {k: v for k, v in _latest(_rows(landing, "conversation_history")).items()
                     if v["state"] != "escalated"}
    parts: dict[str, list[dict]] = defaultdict(list)
    for p in _latest(_rows(landing, "conversation_part_history")).values():
        try:
            at = fivetran_ts(p["created_at"])
        except ValueError:
            continue
        parts[p["conversation_id"]].append({**p, "at": at})
    out = {}
    for cid, c in conversations.items():
        ps = parts[cid]
        # int_intercom__conversation_part_aggregates
        admin_responses = [p["at"] for p in ps if p["part_type"] in ("comment", "assignment")
                           and p["author_type"] == "admin" and p["body"]]
        contact_replies = [p["at"] for p in ps if p["part_type"] == "comment" and p["author_type"] in ("lead", "user")]
        # int_intercom__conversation_part_events: closes by an admin
        closes = sorted(p["at"] for p in ps if p["part_type"] == "close" and p["author_type"] == "admin")
        first_contact = min(contact_replies, default=None)
        out[cid] = {
            "time_to_first_response": _minutes(fivetran_ts(c["created_at"]), min(admin_responses, default=None)),
            "time_to_first_close": _minutes(first_contact, closes[0] if closes else None),
            "time_to_last_close": _minutes(first_contact, closes[-1] if closes else None),
            "count_reopens": sum(1 for p in ps if p["part_type"] == "open"),
            # the public admin replies: the parts first_admin_response_at takes its minimum over
            "public_admin_replies": len(admin_responses),
        }
    return out


def test_per_conversation_metrics_agree_with_dbt_intercom(night: dict) -> None:
    expected = _dbt_intercom_metrics(night["landing"])
    actual = {
        r[0]: r[1:]
        for r in _query(night["warehouse"], """
            select source_ticket_id, first_response_minutes, first_resolution_minutes, full_resolution_minutes,
                   reopen_count, agent_reply_count
            from marts.fct_tickets
        """)
    }
    assert set(actual) == set(expected)
    # dbt_intercom rounds minutes to 2 decimals; ours are exact
    metrics = [("time_to_first_response", 0.005), ("time_to_first_close", 0.005), ("time_to_last_close", 0.005),
               ("count_reopens", 0), ("public_admin_replies", 0)]
    # the generated data must exercise every definition
    assert sum(1 for e in expected.values() if e["count_reopens"]) >= 10
    assert sum(1 for e in expected.values() if e["time_to_first_response"] is None) >= 10
    assert sum(1 for e in expected.values() if e["time_to_last_close"] is None) >= 20
    assert sum(1 for e in expected.values() if e["time_to_first_close"] != e["time_to_last_close"]) >= 10
    shares = agreement_shares(actual, expected, metrics)
    assert all(share >= AGREEMENT for share in shares.values()), shares


# ------------------------------------------------------------------------------ generator


def test_generate_format_intercom_writes_the_connector_layout(tmp_path: Path) -> None:
    from support_warehouse.cli import main

    assert main(["generate", "--format", "intercom", "--out", str(tmp_path), "--tickets", "40", "--days", "20",
                 "--bad-rows-share", "0"]) == 0
    tables = sorted(p.name for p in (tmp_path / "intercom").iterdir())
    assert tables == ["admin", "contact_history", "conversation_history", "conversation_part_history", "team",
                      "team_admin"]
    assert len(_latest(_rows(tmp_path, "conversation_history"))) == 40  # no bad rows asked for
    with open(tmp_path / "intercom" / "conversation_history" / "conversation_history.csv", encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
    assert {"_fivetran_synced", "_fivetran_deleted", "state", "source_type", "conversation_rating_value"} <= set(header)
