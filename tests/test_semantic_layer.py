"""The MetricFlow semantic layer (models/marts/*/_*__semantic_models.yml) against kpi_scorecard:
one definition, two ways to ask.

Every semantic metric of the catalog, asked of MetricFlow at month grain, must give kpi_scorecard's
`dimension = 'all'` month values, and cut by one of its catalog dimensions the scorecard's cut. The
SQL comes from MetricFlow's own planner in-process (MetricFlowEngine.explain, one query for many
metrics) and runs on the session's small build, so the test costs seconds, not a subprocess per
metric. `mf validate-configs` and the README's `mf query` run as the commands users type.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from support_warehouse.config import REPO_ROOT, connect_build

CATALOG = REPO_ROOT / "seeds" / "metric_catalog.csv"

# The MetricFlow group-by item of a scorecard dimension, per semantic model family. `channel` is an
# entity every channel-bearing fact shares, so metrics of several facts (conversations_total:
# tickets + unlinked calls) are cut by it together.
CUT_BY_DIMENSION = {"channel": "channel"}
CUT_OVERRIDES = {
    # (scorecard dimension, MetricFlow group-by)
    "conversations_per_agent_day": ("team", "agent_day__team"),
    "positive_feedback_rate": ("marketplace", "review__marketplace"),
    "negative_feedback_rate": ("marketplace", "review__marketplace"),
}
ORDER_METRICS_CUT = ("tier", "order__customer_tier")
MISSING_LABEL = {"agent": "(unassigned)", "team": "(unassigned)"}


def _catalog() -> list[dict[str, str]]:
    with CATALOG.open(newline="") as f:
        return list(csv.DictReader(f))


def semantic_metric_ids() -> list[str]:
    """Catalog metrics the semantic layer defines: those without a semantic_layer_note."""
    return [r["metric_id"] for r in _catalog() if not r["semantic_layer_note"].strip()]


def _cut(row: dict[str, str]) -> tuple[str, str] | None:
    metric_id = row["metric_id"]
    dims = row["dimensions"].split()
    if metric_id in CUT_OVERRIDES:
        return CUT_OVERRIDES[metric_id]
    if "channel" in dims:
        return ("channel", CUT_BY_DIMENSION["channel"])
    if dims == ["all", "tier"]:
        return ORDER_METRICS_CUT
    return None  # dimension 'all' only (self_service_rate)


class SemanticLayer:
    """MetricFlow's planner on the build's semantic manifest; SQL run on the build database."""

    def __init__(self, semantic_manifest: Path, warehouse: Path) -> None:
        from metricflow.engine.metricflow_engine import MetricFlowEngine
        from metricflow.protocols.sql_client import SqlEngine
        from metricflow.sql.render.duckdb_renderer import DuckDbSqlPlanRenderer
        from metricflow_semantics.model.dbt_manifest_parser import parse_manifest_from_dbt_generated_manifest
        from metricflow_semantics.model.semantic_manifest_lookup import SemanticManifestLookup

        class _ExplainOnly:  # explain() renders SQL; it never runs a query through the client
            sql_engine_type = SqlEngine.DUCKDB
            sql_plan_renderer = DuckDbSqlPlanRenderer()

        manifest = parse_manifest_from_dbt_generated_manifest(semantic_manifest.read_text())
        self.metric_names = {m.name for m in manifest.metrics}
        self.saved_query_names = {q.name for q in manifest.saved_queries}
        self.engine = MetricFlowEngine(SemanticManifestLookup(manifest), _ExplainOnly())
        self.warehouse = warehouse

    def query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        # A connection per query: the `mf` subprocesses of this module open the build database too.
        con = connect_build(self.warehouse, read_only=True)
        try:
            cur = con.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]
        finally:
            con.close()

    def sql(self, **request: Any) -> str:
        from metricflow.engine.metricflow_engine import MetricFlowQueryRequest

        return self.engine.explain(MetricFlowQueryRequest.create(**request)).sql_statement.sql

    def rows(self, **request: Any) -> list[dict[str, Any]]:
        return self.query(self.sql(**request))


@pytest.fixture(scope="module")
def semantic_layer(small_build: dict[str, Any]) -> SemanticLayer:
    # dbt writes semantic_manifest.json beside manifest.json on every parse of the project.
    manifest = small_build["warehouse"].parent / "target" / "semantic_manifest.json"
    return SemanticLayer(manifest, small_build["warehouse"])


def _scorecard(layer: SemanticLayer, grain: str, dimension: str, metric_ids: list[str]) -> dict:
    out: dict[str, dict[tuple, float]] = defaultdict(dict)
    for r in layer.query(
        """
        select metric_id, period_start, dimension_value, value
        from marts.main.kpi_scorecard
        where period_grain = ? and dimension = ? and value is not null
            and list_contains(?, metric_id)
        """,
        [grain, dimension, metric_ids],
    ):
        out[r["metric_id"]][(r["period_start"], r["dimension_value"])] = r["value"]
    return out


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _mf_values(rows: list[dict[str, Any]], metric_id: str, time_col: str, cut_col: str | None,
               dimension: str, value_type: str) -> dict[tuple, float]:
    out = {}
    for r in rows:
        value = r[metric_id]
        # The scorecard keeps no row without data: a null value, or a count of nothing.
        if value is None or (value_type == "count" and value == 0):
            continue
        key = r[cut_col] if cut_col else "all"
        if key is None:
            key = MISSING_LABEL.get(dimension, "(unknown)")
        out[(_as_date(r[time_col]), str(key))] = float(value)
    return out


def _assert_same(metric_id: str, mf: dict[tuple, float], scorecard: dict[tuple, float], cumulative: bool) -> None:
    assert scorecard, f"{metric_id}: no scorecard rows to compare"
    if cumulative:
        # A trailing window still has a value after the data's last day (its tail): the scorecard
        # stops at the last period with data, so compare up to there.
        last = max(k[0] for k in scorecard)
        mf = {k: v for k, v in mf.items() if k[0] <= last}
    assert mf.keys() == scorecard.keys(), (metric_id, sorted(set(mf) ^ set(scorecard)))
    for key, expected in scorecard.items():
        assert math.isclose(mf[key], expected, rel_tol=1e-9, abs_tol=1e-9), (metric_id, key, mf[key], expected)


def test_every_catalog_metric_is_defined_or_explained(semantic_layer: SemanticLayer) -> None:
    """A catalog metric either is a semantic metric of the same id or its catalog row says why not."""
    catalog = _catalog()
    defined = [r["metric_id"] for r in catalog if r["metric_id"] in semantic_layer.metric_names]
    explained = [r["metric_id"] for r in catalog if r["semantic_layer_note"].strip()]
    assert sorted(defined + explained) == sorted(r["metric_id"] for r in catalog)
    assert not set(defined) & set(explained)
    # Most of the catalog is expressible; the exceptions are few and named.
    assert sorted(explained) == [
        "churn_rate", "conversations_per_agent", "messages_inbound", "ticket_type_share",
    ]


def test_semantic_metrics_match_the_scorecard_monthly(semantic_layer: SemanticLayer) -> None:
    """Month grain, no dimension: MetricFlow == kpi_scorecard (dimension 'all') for every metric;
    then one catalog cut per metric (channel, team, marketplace or tier) value for value."""
    catalog = {r["metric_id"]: r for r in _catalog()}
    metric_ids = semantic_metric_ids()
    cumulative = {"response_rate_7d"}

    rows = semantic_layer.rows(metric_names=metric_ids, group_by_names=["metric_time__month"])
    scorecard = _scorecard(semantic_layer, "month", "all", metric_ids)
    for metric_id in metric_ids:
        mf = _mf_values(rows, metric_id, "metric_time__month", None, "all", catalog[metric_id]["value_type"])
        _assert_same(metric_id, mf, scorecard[metric_id], metric_id in cumulative)

    by_cut: dict[tuple[str, str], list[str]] = defaultdict(list)
    for metric_id in metric_ids:
        cut = _cut(catalog[metric_id])
        if cut is not None:
            by_cut[cut].append(metric_id)
    assert len(sum(by_cut.values(), [])) == len(metric_ids) - 1  # all but self_service_rate
    for (dimension, group_by), ids in by_cut.items():
        rows = semantic_layer.rows(metric_names=ids, group_by_names=["metric_time__month", group_by])
        scorecard = _scorecard(semantic_layer, "month", dimension, ids)
        for metric_id in ids:
            mf = _mf_values(rows, metric_id, "metric_time__month", group_by, dimension,
                            catalog[metric_id]["value_type"])
            _assert_same(f"{metric_id} by {dimension}", mf, scorecard[metric_id], metric_id in cumulative)


def _saved_query(layer: SemanticLayer, name: str) -> list[dict[str, Any]]:
    rows = layer.rows(saved_query_name=name)
    assert rows, name
    return rows


def test_saved_queries_answer_the_articles_questions(semantic_layer: SemanticLayer) -> None:
    assert semantic_layer.saved_query_names == {
        "sla_misses_per_agent_daily", "first_response_by_channel", "csat_by_team",
        "conversations_per_teammate_daily",
    }
    # SLA misses per agent per day: summed over agents and days of a month, the month's breaches.
    rows = _saved_query(semantic_layer, "sla_misses_per_agent_daily")
    per_month: dict[dt.date, float] = defaultdict(float)
    for r in rows:
        per_month[_as_date(r["metric_time__day"]).replace(day=1)] += r["sla_breaches"] or 0
    expected = {r["period_start"]: r["value"] for r in semantic_layer.query(
        "select period_start, value from marts.main.kpi_scorecard "
        "where metric_id = 'sla_breaches' and period_grain = 'month' and dimension = 'all'"
    )}
    assert {k: v for k, v in per_month.items() if v} == expected
    assert sum(expected.values()) > 0

    # First response by channel and week, CSAT by team and week, conversations per agent and day:
    # the scorecard's own cuts at those grains, row for row.
    for name, metric_id, time_col, cut_col, grain, dimension in [
        ("first_response_by_channel", "first_response_minutes_mean", "metric_time__week", "channel", "week", "channel"),
        ("first_response_by_channel", "first_response_minutes_p90", "metric_time__week", "channel", "week", "channel"),
        ("csat_by_team", "csat_score", "metric_time__week", "survey_response__team", "week", "team"),
        ("conversations_per_teammate_daily", "conversations_per_agent_day", "metric_time__day", "agent", "day", "agent"),
    ]:
        rows = _saved_query(semantic_layer, name)
        mf = _mf_values(rows, metric_id, time_col, cut_col, dimension, "ratio")
        scorecard = _scorecard(semantic_layer, grain, dimension, [metric_id])[metric_id]
        _assert_same(f"{name}: {metric_id}", mf, scorecard, cumulative=False)


@pytest.fixture(scope="module")
def mf_project(small_build: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A project folder for the `mf` commands: the repository's files linked in, and the small build's
    semantic manifest where `mf` reads it (<project>/target), so no repository folder is written."""
    project = tmp_path_factory.mktemp("mf_project")
    for name in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests", "analyses"):
        (project / name).symlink_to(REPO_ROOT / name)
    (project / "target").mkdir()
    manifest = small_build["warehouse"].parent / "target" / "semantic_manifest.json"
    (project / "target" / "semantic_manifest.json").write_bytes(manifest.read_bytes())
    env = {
        **os.environ,
        "SW_WAREHOUSE_PATH": str(small_build["warehouse"]),
        "SW_DUCKDB_MEMORY_LIMIT": "1GB",
        "DBT_PROJECT_DIR": str(project),
        "DBT_PROFILES_DIR": str(project),
        "DBT_LOG_PATH": str(project / "logs"),
        "MF_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DO_NOT_TRACK": "1",
    }
    env.pop("SW_DBT_TARGET", None)
    return {"dir": project, "env": env}


# The venv's `mf` (dbt-metricflow), whether or not the venv's bin folder is on PATH.
MF = str(Path(sys.executable).with_name("mf")) if Path(sys.executable).with_name("mf").exists() else "mf"


def _mf(mf_project: dict[str, Any], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([MF, *args], cwd=mf_project["dir"], env=mf_project["env"],
                          capture_output=True, text=True, timeout=300)


def test_mf_validate_configs_passes(mf_project: dict[str, Any]) -> None:
    """The semantic checks and the warehouse checks (every dimension, entity, measure and metric
    queried on the small build)."""
    result = _mf(mf_project, "validate-configs")
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    assert "Successfully validated the semantics of built manifest (ERRORS: 0" in out, out
    assert "Successfully validated metrics against data warehouse (ERRORS: 0" in out, out


def test_readme_mf_query_csat_by_week_and_team(mf_project: dict[str, Any], semantic_layer: SemanticLayer) -> None:
    """README: `mf query --metrics csat_score --group-by metric_time__week,agent__team` (agent__team
    is the replying agent's current team, from dim_agents)."""
    out_csv = mf_project["dir"] / "csat.csv"
    result = _mf(mf_project, "query", "--metrics", "csat_score", "--group-by", "metric_time__week,agent__team",
                 "--csv", str(out_csv))
    assert result.returncode == 0, result.stdout + result.stderr
    with out_csv.open(newline="") as f:
        rows = list(csv.DictReader(f))
    teams = {r["agent__team"] for r in rows}
    expected_teams = {r["team"] for r in semantic_layer.query("select distinct team from marts.main.dim_agents")}
    assert teams - {""} and teams - {""} <= expected_teams, teams
    assert all(0 <= float(r["csat_score"]) <= 100 for r in rows if r["csat_score"])
    # Same numbers as the in-process planner.
    api = semantic_layer.rows(metric_names=["csat_score"], group_by_names=["metric_time__week", "agent__team"])
    assert len(rows) == len(api)
