"""Outcome facts and metrics (issue 4) against an independent computation from the raw extracts.

On the session's small generated dataset with bad rows (tests/conftest.py ``small_build``: loaded
and built with dbt in a throw-away database and target dir), runs the outcome models' dbt tests,
then recomputes monthly CSAT, NPS, CES, answered-call rate, average wait, call service level,
negative feedback rate and churn with pandas straight from the landing CSV files, and asserts they
agree month by month with the published kpi_scorecard (dimension 'all').

The independent side applies the contract the way docs/input_contract.md states it, without reading any dbt
code: rows listed in the generator's `_bad_rows.json` are dropped (every rule except
duplicate_key), and for a key repeated in a file the later line wins (the duplicate_key rule).
Months are UTC calendar months (reporting timezone left at its UTC default).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from landing_extracts import good_rows as _extract
from landing_extracts import month_start as _month
from landing_extracts import utc as _ts

SERVICE_LEVEL_SECONDS = 60  # dbt var call_service_level_seconds (default)

OUTCOME_MODELS = [
    "fct_calls",
    "fct_survey_responses",
    "fct_reviews",
    "fct_orders",
    "fct_self_service_sessions",
    "int_customers_lifecycle",
    "int_churn_periods_counted",
    "int_customer_order_periods",
]


# --------------------------------------------------------------------------- build (once per module)


@pytest.fixture(scope="module")
def built(small_build: dict, small_scorecard: pd.DataFrame) -> dict:
    """The session's small warehouse (tests/conftest.py: generated, loaded, dbt seed + run)."""
    tested = small_build["dbt"](["test", "--select", *OUTCOME_MODELS, "--indirect-selection", "cautious"])
    sc = small_scorecard
    monthly = (
        sc[(sc.period_grain == "month") & (sc.dimension == "all")]
        .rename(columns={"period_start": "month_start"})
        .sort_values(["metric_id", "month_start"])
    )
    return {"landing": small_build["landing"], "monthly": monthly, "tested": tested}


# --------------------------------------------------------------------------- independent side


def _rate(flags: pd.DataFrame, by: str, col: str, scale: float = 100.0) -> dict:
    grouped = flags.groupby(by)[col]
    return {m: scale * v for m, v in grouped.mean().items()}


def independent_metrics(landing: Path) -> dict[str, dict[date, float]]:
    out: dict[str, dict[date, float]] = {}

    surveys = _extract(landing, "survey_responses")
    surveys["responded_at"] = _ts(surveys["responded_at"])
    surveys["score"] = pd.to_numeric(surveys["score"])
    answers = surveys[surveys["responded_at"].notna() & surveys["score"].notna()].copy()
    answers["month"] = _month(answers["responded_at"])
    csat = answers[answers["survey_type"] == "csat"].copy()
    csat["satisfied"] = ((csat["scale"] == "csat_5") & (csat["score"] >= 4)) | (
        (csat["scale"] == "csat_3") & (csat["score"] == 3)) | ((csat["scale"] == "csat_2") & (csat["score"] == 2))
    out["csat_score"] = _rate(csat, "month", "satisfied")
    nps = answers[answers["survey_type"] == "nps"].copy()
    nps["net"] = (nps["score"] >= 9).astype(int) - (nps["score"] <= 6).astype(int)
    out["nps"] = _rate(nps, "month", "net")
    ces = answers[answers["survey_type"] == "ces"].copy()
    assert set(ces["scale"]) == {"ces_7", "ces_10"}  # both scales, so the normalisation is exercised
    # on 1-7: a 1-10 answer x counts as 1 + (x - 1) * 6 / 9
    ces["on_7"] = ces["score"].where(ces["scale"] == "ces_7", 1 + (ces["score"] - 1) * 6 / 9)
    out["ces_score"] = _rate(ces, "month", "on_7", scale=1.0)

    calls = _extract(landing, "calls")
    for c in ("queued_at", "answered_at"):
        calls[c] = _ts(calls[c])
    calls["month"] = _month(calls["queued_at"])
    calls["answered"] = calls["answered_at"].notna()
    calls["wait"] = (calls["answered_at"] - calls["queued_at"]).dt.total_seconds()
    calls["within"] = calls["answered"] & (calls["wait"] <= SERVICE_LEVEL_SECONDS)
    out["answered_call_rate"] = _rate(calls, "month", "answered")
    out["call_service_level"] = _rate(calls, "month", "within")
    out["average_wait_seconds"] = _rate(calls[calls["answered"]], "month", "wait", scale=1.0)

    reviews = _extract(landing, "reviews")
    reviews["month"] = _month(_ts(reviews["created_at"]))
    reviews["negative"] = pd.to_numeric(reviews["rating"]) <= 2
    out["negative_feedback_rate"] = _rate(reviews, "month", "negative")

    customers = _extract(landing, "customers")
    created = _ts(customers["created_at"]).dt.date
    churned = _ts(customers["churned_at"]).dt.date
    as_of = max(created.max(), churned.dropna().max())
    first_churn = churned.dropna().min()
    churn: dict[date, float] = {}
    for start in pd.period_range(created.min(), as_of, freq="M"):
        month_start, month_end = start.start_time.date(), (start + 1).start_time.date()
        if month_end <= first_churn:
            continue  # coverage: no churn recorded yet, a 0 % nobody measured is not published
        active = (created < month_start) & (churned.isna() | (churned >= month_start))
        if active.sum():
            left = active & churned.notna() & (churned < month_end)
            churn[month_start] = 100.0 * left.sum() / active.sum()
    out["churn_rate"] = churn
    return out


# --------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def expected(built) -> dict[str, dict[date, float]]:
    return independent_metrics(built["landing"])


def test_outcome_models_pass_their_error_level_tests(built):
    tested = built["tested"]
    assert tested.exception is None, tested.exception
    assert not tested.failing_tests, [t.describe() for t in tested.failing_tests]
    assert tested.passed > 0


@pytest.mark.parametrize("metric", [
    "csat_score",
    "nps",
    "ces_score",
    "answered_call_rate",
    "average_wait_seconds",
    "call_service_level",
    "negative_feedback_rate",
    "churn_rate",
])
def test_monthly_metric_matches_independent_computation(built, expected, metric):
    expected = expected[metric]
    monthly = built["monthly"]
    rows = monthly[(monthly.metric_id == metric) & (monthly.denominator > 0)]
    actual = {pd.Timestamp(m).date(): float(v) for m, v in zip(rows.month_start, rows.value)}
    assert expected, f"the generated data has no {metric} observations"
    assert sorted(actual) == sorted(expected), f"{metric}: months differ"
    for month, value in expected.items():
        assert actual[month] == pytest.approx(value, rel=1e-9, abs=1e-9), f"{metric} {month}"


def test_monthly_values_equal_numerator_over_denominator(built):
    """kpi_scorecard carries value, numerator and denominator consistently for re-aggregation."""
    monthly = built["monthly"]
    for metric, scale in [("csat_score", 100), ("nps", 100), ("churn_rate", 100), ("ces_score", 1)]:
        rows = monthly[(monthly.metric_id == metric) & (monthly.denominator > 0)]
        assert len(rows), metric
        recomputed = scale * rows.numerator.astype(float) / rows.denominator
        assert (recomputed - rows.value).abs().max() < 1e-9, metric
