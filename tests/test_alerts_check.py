"""``no_new_alerts`` (support_warehouse/orchestration/alerts.py): the published alerts as a WARN asset check."""

from __future__ import annotations

from pathlib import Path

import duckdb
from dagster import AssetCheckSeverity

from support_warehouse.orchestration.alerts import ALERTS_CHECK, alerts_check_result, read_alerts
from support_warehouse.orchestration.publish_assets import PUBLISHED_MARTS_KEY


def counts(publish_dir: Path) -> tuple[int, int]:
    con = duckdb.connect(str(publish_dir / "marts.duckdb"), read_only=True)
    try:
        return (con.execute("select count(*) from metric_alerts").fetchone()[0],
                con.execute("select count(*) from sla_at_risk").fetchone()[0])
    finally:
        con.close()


def test_first_publication_warns_with_every_alert_as_new(demo_publication: Path, tmp_path: Path) -> None:
    alerts, at_risk = counts(demo_publication)
    assert alerts > 0 and at_risk > 0, "the demo night has alerts (else this test proves nothing)"
    previous = read_alerts(tmp_path / "nothing_published_yet.duckdb")
    current = read_alerts(demo_publication / "marts.duckdb")
    assert (len(current["metric_alerts"]), len(current["sla_at_risk"])) == (alerts, at_risk)

    result = alerts_check_result(PUBLISHED_MARTS_KEY, previous, current)
    assert result.check_name == ALERTS_CHECK and result.severity == AssetCheckSeverity.WARN
    assert not result.passed
    meta = {k: v.value for k, v in result.metadata.items()}
    assert meta["new_alerts"] == alerts + at_risk
    assert (meta["new_metric_alerts"], meta["new_sla_at_risk"]) == (alerts, at_risk)


def test_same_alerts_again_pass_and_one_new_alert_warns(demo_publication: Path) -> None:
    current = read_alerts(demo_publication / "marts.duckdb")
    assert alerts_check_result(PUBLISHED_MARTS_KEY, current, current).passed

    first_key = sorted(current["metric_alerts"])[0]
    previous = {"metric_alerts": {k: v for k, v in current["metric_alerts"].items() if k != first_key},
                "sla_at_risk": current["sla_at_risk"]}
    result = alerts_check_result(PUBLISHED_MARTS_KEY, previous, current)
    assert not result.passed
    meta = {k: v.value for k, v in result.metadata.items()}
    assert (meta["new_alerts"], meta["new_metric_alerts"], meta["new_sla_at_risk"]) == (1, 1, 0)
    assert meta["new"] == f"- {current['metric_alerts'][first_key]}"
