"""``no_new_alerts``: the warning asset check of ``published/marts`` that surfaces the night's alerts.

The published marts carry ``metric_alerts`` (metrics of the last complete day and week that missed
their target or left their normal range) and ``sla_at_risk`` (unanswered tickets overdue or due
soon). The check compares the new publication with the one it replaced and WARNs (never stops the
night) when an alert or an at-risk ticket is new, with the counts and the new alerts in its
metadata. Publications without the alert tables count as having none.
"""

from pathlib import Path

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey, MetadataValue

ALERTS_CHECK = "no_new_alerts"
# table -> its key column
ALERT_TABLES = {"metric_alerts": "alert_id", "sla_at_risk": "ticket_id"}
SHOWN = 20


def alerts_check_spec(asset_key: AssetKey) -> AssetCheckSpec:
    return AssetCheckSpec(
        ALERTS_CHECK,
        asset=asset_key,
        description="WARNs when the new publication has metric alerts or tickets at risk the previous one had not.",
    )


def read_alerts(db_path: Path) -> dict[str, dict[str, str]]:
    """table -> {key: one-line description} of a published marts file (empty when absent)."""
    import duckdb

    out: dict[str, dict[str, str]] = {t: {} for t in ALERT_TABLES}
    if not Path(db_path).is_file():
        return out
    # In-memory + attach: connect(path) could hand back a database this process still has open.
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{str(db_path).replace(chr(39), chr(39) * 2)}' as pub (read_only)")
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables where table_catalog = 'pub'").fetchall()}
        if "metric_alerts" in tables:
            for key, name, grain, start, kind, value in con.execute(
                "select alert_id, metric_name, period_grain, period_start, alert_type, value from pub.metric_alerts"
            ).fetchall():
                out["metric_alerts"][key] = f"{name} ({grain} {start}): {kind.replace('_', ' ')}, value {value:.4g}"
        if "sla_at_risk" in tables:
            for key, tier, minutes in con.execute(
                "select ticket_id, customer_tier, minutes_left from pub.sla_at_risk"
            ).fetchall():
                state = "overdue" if minutes < 0 else "due"
                out["sla_at_risk"][key] = f"{key} ({tier}): first reply {state} {abs(minutes):.0f} min"
    finally:
        con.close()
    return out


def alerts_check_result(asset_key: AssetKey, previous: dict, current: dict) -> AssetCheckResult:
    new = {t: sorted(set(current[t]) - set(previous.get(t, {}))) for t in ALERT_TABLES}
    count = sum(len(keys) for keys in new.values())
    return AssetCheckResult(
        asset_key=asset_key,
        check_name=ALERTS_CHECK,
        passed=count == 0,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "new_alerts": count,
            "new_metric_alerts": len(new["metric_alerts"]),
            "new_sla_at_risk": len(new["sla_at_risk"]),
            "metric_alerts": len(current["metric_alerts"]),
            "sla_at_risk": len(current["sla_at_risk"]),
            "new": MetadataValue.md(
                "\n".join(f"- {current[t][k]}" for t in ALERT_TABLES for k in new[t][:SHOWN]) or "none"
            ),
        },
    )
