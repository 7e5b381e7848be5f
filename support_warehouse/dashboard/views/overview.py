"""Overview: alerts first, then one tile per metric of the catalog, grouped as the catalog groups them."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from support_warehouse.dashboard import common

pub = common.start("Overview", "Alerts of the last complete day and week, then every metric of the catalog.")
cat = common.catalog(pub)
f = common.filters(pub, "overview", common.metric_dimensions(cat, list(cat["metric_id"])))

# --- alerts -------------------------------------------------------------------------------------
st.header("Alerts")
left, right = st.columns(2)
with left:
    st.subheader("Metrics that need a look")
    if not pub.has("metric_alerts"):
        common.empty("This publication has no metric_alerts table (published before alerts existed).")
    else:
        alerts = common.q(pub, "select * from metric_alerts order by period_grain, category, metric_id, alert_type")
        if alerts.empty:
            common.empty("No alerts: every metric of the last complete day and week met its target and stayed in its normal range.")
        else:
            kinds = {"missed_target": "missed target", "above_normal_range": "above normal range",
                     "below_normal_range": "below normal range"}
            shown = pd.DataFrame({
                "Period": [f"{g} {s:%a %d %b}" if g == "day" else f"week of {s:%d %b}"
                           for g, s in zip(alerts["period_grain"], pd.to_datetime(alerts["period_start"]), strict=True)],
                "Metric": alerts["metric_name"],
                "Alert": alerts["alert_type"].map(kinds).fillna(alerts["alert_type"]),
                "Value": [common.fmt(v, u) for v, u in zip(alerts["value"], alerts["unit"], strict=True)],
                "Target": [
                    common.fmt(t, u) if pd.notna(t) else (f"{lo:g}–{hi:g}" if pd.notna(lo) else "–")
                    for t, lo, hi, u in zip(alerts["target_value"], alerts["target_min"], alerts["target_max"],
                                            alerts["unit"], strict=True)
                ],
                "Normal range": [
                    f"{common.fmt(lo, u)} – {common.fmt(hi, u)} ({n:.0f} wks)" if pd.notna(lo) else "–"
                    for lo, hi, n, u in zip(alerts["range_low"], alerts["range_high"], alerts["baseline_periods"],
                                            alerts["unit"], strict=True)
                ],
            })
            st.dataframe(shown, hide_index=True, width="stretch")
with right:
    st.subheader("First replies at risk")
    if not pub.has("sla_at_risk"):
        common.empty("This publication has no sla_at_risk table (published before alerts existed).")
    else:
        risk = common.q(pub, "select * from sla_at_risk order by minutes_left")
        if risk.empty:
            common.empty("No open ticket is overdue or due soon for its first reply.")
        else:
            overdue = int(risk["is_overdue"].sum())
            st.caption(f"{overdue} overdue, {len(risk) - overdue} due soon (as of the data's last event).")
            name_col = "agent_name" if "agent_name" in risk else "assignee_id"
            st.dataframe(
                pd.DataFrame({
                    "Ticket": risk["ticket_id"],
                    "Tier": risk["customer_tier"],
                    "Assignee": risk[name_col].fillna("(unassigned)"),
                    "Minutes left": risk["minutes_left"].round(0),
                    "Due (UTC)": pd.to_datetime(risk["sla_due_at"]).dt.strftime("%d %b %H:%M"),
                }),
                hide_index=True, width="stretch", height=300,
            )

# --- tiles --------------------------------------------------------------------------------------
st.header(f"Metrics by {f.grain} · {f.label}")
if cat.empty:
    common.empty("This publication has no metric catalog (dim_metrics).")
    st.stop()
sc = common.scorecard(pub, list(cat["metric_id"]), f)
if sc.empty:
    common.empty(f"No scorecard rows between {f.start:%d %b %Y} and {f.end:%d %b %Y} at {f.grain} grain.")
    st.stop()
as_of = pd.Timestamp(pub.as_of_at).normalize() if pub.as_of_at is not None else None
by_metric = {m: g.sort_values("period_start") for m, g in sc.groupby("metric_id")}
SPARK = 12


def period_end(start: pd.Timestamp) -> pd.Timestamp:
    if f.grain == "day":
        return start
    if f.grain == "week":
        return start + timedelta(days=6)
    return start + pd.offsets.MonthEnd(0)


def tile(row: pd.Series) -> None:
    series = by_metric.get(row["metric_id"])
    series = None if series is None else series[series["value"].notna()]
    label = row["metric_name"]
    if series is None or series.empty:
        st.metric(label, "–", help=f"{row.get('description') or ''}\n\nNo value in this range.", border=True)
        st.caption("no data in this range")
        return
    ends = series["period_start"].map(period_end)
    complete = series[ends <= as_of] if as_of is not None else series
    series = complete if not complete.empty else series  # a running period is not compared to full ones
    last = series.iloc[-1]
    prev = series.iloc[-2] if len(series) > 1 else None
    unit = row["unit"]
    delta = None
    if prev is not None and pd.notna(prev["value"]):
        diff = last["value"] - prev["value"]
        delta = common.fmt(diff, unit).replace(" %", " pp") if unit == "percent" else common.fmt(diff, unit)
        if diff > 0 and not delta.startswith("+"):
            delta = "+" + delta
    direction = row.get("target_direction")
    colour = {"at_least": "normal", "at_most": "inverse"}.get(direction, "off")
    running = as_of is not None and period_end(last["period_start"]) > as_of
    st.metric(
        label,
        common.fmt(last["value"], unit),
        delta,
        delta_color=colour,
        help=str(row.get("description") or ""),
        border=True,
        chart_data=list(series["value"].tail(SPARK)),
        chart_type="line",
        delta_description="vs previous period" if delta else None,
    )
    status = last.get("meets_target")
    if pd.notna(row.get("target_min")) and pd.notna(row.get("target_max")):
        target = f"target {row['target_min']:g}–{row['target_max']:g}"
    elif pd.notna(row.get("target_value")):
        sign = {"at_least": "≥", "at_most": "≤"}.get(direction, "")
        target = f"target {sign} {common.fmt(row['target_value'], unit)}"
    else:
        target = "no target"
    target_status = last.get("target_status")
    if target_status == "small_sample":  # too few cases to judge: neither on nor off target
        n = last.get("denominator")
        mark = ":orange[● small sample]" + (f" (n = {n:,.0f})" if pd.notna(n) else "")
    elif pd.isna(status):
        mark = ""
    else:
        mark = ":green[● on target]" if status else ":red[● off target]"
    when = f"{last['period_start']:%d %b %Y}" + (" (running)" if running else "")
    cut = " · all (no such cut)" if f.dimension != "all" and last["cut"] == "all" else ""
    st.caption(f"{when} · {target} {mark}{cut}")


for category, group in cat.groupby("category", sort=False):
    st.subheader(str(category).replace("_", " ").capitalize())
    cols = st.columns(4)
    for i, (_, row) in enumerate(group.iterrows()):
        with cols[i % 4]:
            tile(row)
