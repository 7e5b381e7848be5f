"""The example analyses (analyses/*.sql): compiled by dbt against the small build, run on its marts,
and held to kpi_scorecard's figures for the same questions."""

from __future__ import annotations

import datetime as dt
import math
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from support_warehouse.config import connect_build
from support_warehouse.dbt_runner import run_dbt, summarize

ANALYSES = ("sla_misses_per_agent_daily", "first_response_by_channel", "csat_by_team",
            "conversations_per_teammate_daily")


@pytest.fixture(scope="module")
def analyses(small_build: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Each analysis compiled (a copy of the build's target folder: partial parse, the build's
    artifacts untouched) and run on the build's marts: name -> rows."""
    target = tmp_path_factory.mktemp("analyses") / "target"
    shutil.copytree(small_build["warehouse"].parent / "target", target)
    mp = pytest.MonkeyPatch()
    mp.delenv("SW_REPORTING_TZ", raising=False)
    mp.setenv("SW_DUCKDB_MEMORY_LIMIT", "1GB")
    try:
        compiled = summarize(run_dbt(["compile", "--select", "resource_type:analysis"],
                                     warehouse=small_build["warehouse"], target_path=target))
    finally:
        mp.undo()
    assert not compiled.has_errors, compiled
    out = {}
    con = connect_build(small_build["warehouse"], read_only=True)
    try:
        for name in ANALYSES:
            sql = (target / "compiled" / "support_warehouse" / "analyses" / f"{name}.sql").read_text()
            assert "{{" not in sql and "ref(" not in sql, sql  # compiled: relations, not Jinja
            cur = con.execute(sql)
            cols = [d[0] for d in cur.description]
            out[name] = [dict(zip(cols, r)) for r in cur.fetchall()]
            assert out[name], f"{name} returned no rows"
        out["scorecard"] = [dict(zip(("metric_id", "grain", "period_start", "dimension", "key", "value"), r))
                            for r in con.execute(
            "select metric_id, period_grain, period_start, dimension, dimension_value, value "
            "from marts.main.kpi_scorecard where period_grain = 'month' and value is not null and metric_id in "
            "('sla_breaches', 'first_response_minutes_mean', 'first_response_minutes_median',"
            " 'first_response_minutes_p90', 'csat_score', 'conversations_per_agent_day')").fetchall()]
    finally:
        con.close()
    return out


def _scorecard(analyses: dict, metric_id: str, dimension: str) -> dict[tuple, float]:
    return {(r["period_start"], r["key"]): r["value"] for r in analyses["scorecard"]
            if r["metric_id"] == metric_id and r["dimension"] == dimension}


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _close(actual: dict[tuple, float], expected: dict[tuple, float], what: str) -> None:
    assert expected, f"{what}: no scorecard rows"
    assert actual.keys() == expected.keys(), (what, sorted(set(actual) ^ set(expected)))
    for key, value in expected.items():
        assert math.isclose(actual[key], value, rel_tol=1e-9, abs_tol=1e-9), (what, key, actual[key], value)


def test_sla_misses_per_agent_add_up_to_the_scorecard(analyses: dict) -> None:
    rows = analyses["sla_misses_per_agent_daily"]
    per_month: dict[tuple, float] = defaultdict(float)
    per_agent: dict[tuple, float] = defaultdict(float)
    for r in rows:
        per_month[(_month(r["created_date"]), "all")] += r["sla_misses"]
        per_agent[(_month(r["created_date"]), r["agent_id"] or "(unassigned)")] += r["sla_misses"]
    # The scorecard keeps no row for a count of nothing.
    _close({k: v for k, v in per_month.items() if v}, _scorecard(analyses, "sla_breaches", "all"), "sla all")
    _close({k: v for k, v in per_agent.items() if v}, _scorecard(analyses, "sla_breaches", "agent"), "sla by agent")
    assert sum(per_month.values()) > 0
    assert any(r["agent_name"] for r in rows if r["sla_misses"])  # named from dim_agents


def test_first_response_by_channel_matches_the_scorecard(analyses: dict) -> None:
    rows = analyses["first_response_by_channel"]
    for column in ("first_response_minutes_mean", "first_response_minutes_median", "first_response_minutes_p90"):
        actual = {(r["month_start"], r["channel"] or "(unknown)"): r[column] for r in rows}
        _close(actual, _scorecard(analyses, column, "channel"), column)
    assert len({r["channel"] for r in rows}) > 2


def test_csat_by_team_matches_the_scorecard(analyses: dict) -> None:
    rows = analyses["csat_by_team"]
    _close({(r["month_start"], r["team"]): r["csat_score"] for r in rows},
           _scorecard(analyses, "csat_score", "team"), "csat by team")
    assert all(0 <= r["csat_score"] <= 100 for r in rows)


def test_conversations_per_teammate_average_to_the_scorecard(analyses: dict) -> None:
    rows = analyses["conversations_per_teammate_daily"]
    tickets: dict[tuple, float] = defaultdict(float)
    days: dict[tuple, int] = defaultdict(int)
    for r in rows:
        key = (_month(r["shift_date"]), "all")
        tickets[key] += r["conversations"]
        days[key] += 1
    _close({k: tickets[k] / days[k] for k in days}, _scorecard(analyses, "conversations_per_agent_day", "all"),
           "conversations per worked day")
    assert max(r["conversations"] for r in rows) > 0
