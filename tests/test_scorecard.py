"""kpi_scorecard (issue 5) end to end on a small generated dataset.

Generates extracts with bad rows, loads them, builds kpi_scorecard with dbt (throw-away database
and target dir), then checks:
  - every docs/metrics.md metric_id of seeds/metric_catalog.csv has non-null values for dimension 'all'
    at every grain the catalog lists, and (issue 5) at each of day, ISO week and month;
  - the scorecard's own data tests (cuts and grains add up, catalog coverage) pass;
  - tickets_created (overall and per channel), conversations_total (tickets + calls without a ticket) and the median first response
    per month agree with an independent computation from the landing CSV files;
  - print_scorecard prints the last complete month.

The independent side reads the CSVs with pandas and applies the contract as docs/input_contract.md states it:
rows listed in the generator's `_bad_rows.json` are dropped (except the duplicate_key rule, where
the later line of a key wins). Months are UTC (reporting timezone left at its UTC default).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest

from landing_extracts import good_rows as _extract
from landing_extracts import month_start as _month
from landing_extracts import utc as _ts
from support_warehouse import config
from support_warehouse.config import REPO_ROOT
from support_warehouse.scorecard import last_complete_month, print_scorecard

SCORECARD_MODELS = ["kpi_scorecard", "dim_metrics"]


def _catalog() -> list[dict]:
    with (REPO_ROOT / "seeds" / "metric_catalog.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --------------------------------------------------------------------------- build (once per module)


@pytest.fixture(scope="module")
def built(small_build: dict, small_scorecard: pd.DataFrame) -> dict:
    """The session's small warehouse (tests/conftest.py: generated, loaded, dbt seed + run)."""
    tested = small_build["dbt"](
        ["test", "--select", *SCORECARD_MODELS, "path:tests/dbt/metrics", "--indirect-selection", "cautious"]
    )
    return {"landing": small_build["landing"], "warehouse": small_build["warehouse"], "scorecard": small_scorecard,
            "tested": tested}


def _values(scorecard: pd.DataFrame, metric_id: str, grain: str, dimension: str = "all") -> dict:
    rows = scorecard[
        (scorecard.metric_id == metric_id) & (scorecard.period_grain == grain) & (scorecard.dimension == dimension)
    ]
    return {(r.period_start.date() if hasattr(r.period_start, "date") else r.period_start, r.dimension_value): r.value
            for r in rows.itertuples()}


# --------------------------------------------------------------------------- independent side


@pytest.fixture(scope="module")
def raw(built) -> dict:
    landing = built["landing"]
    tickets = _extract(landing, "tickets")
    tickets["created_at"] = _ts(tickets["created_at"])
    tickets["month"] = _month(tickets["created_at"])
    calls = _extract(landing, "calls")
    calls["month"] = _month(_ts(calls["queued_at"]))
    messages = _extract(landing, "ticket_messages")
    messages["created_at"] = _ts(messages["created_at"])
    return {"tickets": tickets, "calls": calls, "messages": messages}


# --------------------------------------------------------------------------- tests


def test_scorecard_data_tests_pass(built):
    tested = built["tested"]
    assert tested.exception is None, tested.exception
    assert not tested.failing_tests, [t.describe() for t in tested.failing_tests]
    assert tested.passed > 0


def test_catalog_lists_each_spec_metric_once():
    ids = [r["metric_id"] for r in _catalog()]
    assert len(ids) == len(set(ids))
    spec = {r["metric_id"] for r in _catalog() if r["is_spec_metric"] == "true"}
    # docs/metrics.md names 44 ids (messages_inbound/_outbound are two; first response and resolution three each)
    assert len(spec) == 44
    assert {"messages_inbound", "messages_outbound", "first_response_minutes_p90", "resolution_minutes_median",
            "churn_rate", "ticket_type_share", "response_rate_7d"} <= spec


@pytest.mark.parametrize("metric", [r for r in _catalog() if r["is_spec_metric"] == "true"], ids=lambda r: r["metric_id"])
def test_every_spec_metric_has_values_at_its_grains(built, metric):
    scorecard = built["scorecard"]
    rows = scorecard[(scorecard.metric_id == metric["metric_id"]) & (scorecard.dimension == "all")]
    for grain in metric["grains"].split():
        values = rows[rows.period_grain == grain].value
        assert values.notna().any(), f"{metric['metric_id']}: no non-null value at grain {grain}"
    assert set(rows.dimension_value) == {"all"}


def test_tickets_created_match_the_raw_extract(built, raw):
    tickets = raw["tickets"]
    scorecard = built["scorecard"]
    expected = tickets.groupby("month").size().to_dict()
    got = {k[0]: v for k, v in _values(scorecard, "tickets_created", "month").items()}
    assert got == pytest.approx(expected)
    by_channel = tickets.groupby(["month", "channel"]).size().to_dict()
    got_channel = _values(scorecard, "tickets_created", "month", "channel")
    assert got_channel == pytest.approx(by_channel)


def test_conversations_total_is_tickets_plus_calls_without_a_ticket(built, raw):
    # each contact once: a call linked to a ticket is part of that ticket's conversation
    calls = raw["calls"]
    walk_in = calls[calls["ticket_id"].isna()]
    assert 0 < len(walk_in) < len(calls)
    expected = raw["tickets"].groupby("month").size().add(walk_in.groupby("month").size(), fill_value=0)
    got = {k[0]: v for k, v in _values(built["scorecard"], "conversations_total", "month").items()}
    assert got == pytest.approx(expected.to_dict())


def test_first_response_median_matches_the_raw_extract(built, raw):
    tickets, messages = raw["tickets"], raw["messages"]
    replies = messages[(messages.author_type == "agent") & (messages.is_public.str.lower() == "true")]
    first = replies.groupby("ticket_id").created_at.min().rename("first_reply_at")
    joined = tickets.join(first, on="ticket_id", how="inner")
    joined = joined[joined.first_reply_at >= joined.created_at]
    joined["minutes"] = (joined.first_reply_at - joined.created_at).dt.total_seconds() / 60.0
    expected = joined.groupby("month").minutes.quantile(0.5).to_dict()  # linear = percentile_cont
    got = {k[0]: v for k, v in _values(built["scorecard"], "first_response_minutes_median", "month").items()}
    assert got.keys() == expected.keys()
    for month, value in expected.items():
        assert got[month] == pytest.approx(value, rel=1e-6, abs=1e-6), month


def test_print_scorecard_prints_the_last_complete_month(built):
    con = config.connect_build(built["warehouse"], read_only=True)
    try:
        assert last_complete_month(con) == date(2026, 10, 1)  # the data end on 2026-10-31
        out = io.StringIO()
        lines = print_scorecard(con, file=out)
    finally:
        con.close()
    text = out.getvalue()
    assert text.startswith("KPI scorecard October 2026")
    spec = {r["metric_id"] for r in _catalog() if r["is_spec_metric"] == "true" and "month" in r["grains"]}
    assert spec <= {line.metric_id for line in lines}
    csat = next(line for line in lines if line.metric_id == "csat_score")
    assert csat.target == ">= 80.0 %" and csat.met == (csat.value >= 80)
    assert "csat_score" in text and "30.0 - 35.0" in text

    # also from a path, for an explicit month
    september = print_scorecard(built["warehouse"], month="2026-09", file=io.StringIO())
    assert {line.metric_id for line in september} >= {"tickets_created", "churn_rate"}


# --------------------------------------------------------------------------- issue 5 acceptance


def test_every_spec_metric_has_all_values_by_day_week_and_month(built):
    """Issue 5's must-show: each docs/metrics.md metric_id has a non-null 'all' value at day, week and month."""
    catalog_ids = {r["metric_id"] for r in _catalog() if r["is_spec_metric"] == "true"}
    scorecard = built["scorecard"]
    has_value = scorecard[(scorecard.dimension == "all") & scorecard.value.notna()]
    present = set(zip(has_value.metric_id, has_value.period_grain))
    missing = sorted((m, g) for m in catalog_ids for g in ("day", "week", "month") if (m, g) not in present)
    assert not missing, missing
