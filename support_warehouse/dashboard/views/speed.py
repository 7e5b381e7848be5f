"""Speed: first response and resolution times, SLA misses per agent, the weekday x hour pattern."""

import altair as alt
import pandas as pd
import streamlit as st

from support_warehouse.dashboard import common

pub = common.start("Speed", "How fast customers hear back and get their issue solved.")
cat = common.catalog(pub)
first = ["first_response_minutes_mean", "first_response_minutes_median", "first_response_minutes_p90"]
resolution = ["resolution_minutes_mean", "resolution_minutes_median", "resolution_minutes_p90"]
f = common.filters(pub, "speed", common.metric_dimensions(cat, [*first, *resolution, "sla_breaches"]))

left, right = st.columns(2)
with left:
    common.metric_chart(pub, f, first, "First response time (mean, median, p90)")
with right:
    common.metric_chart(pub, f, resolution, "Resolution time (mean, median, p90)")

left, right = st.columns(2)
with left:
    st.subheader("First response median by channel")
    by_channel = common.q(
        pub,
        """select period_start, dimension_value as channel, value from kpi_scorecard
           where metric_id = 'first_response_minutes_median' and period_grain = ? and dimension = 'channel'
             and period_start between ? and ? and value is not null order by 1, 2""",
        f.grain, common.period_floor(f.grain, f.start), f.end,
    ) if pub.has("kpi_scorecard") else pd.DataFrame()
    if by_channel.empty:
        common.empty("No answered tickets in this range, so no first response times by channel.")
    else:
        by_channel["period_start"] = pd.to_datetime(by_channel["period_start"])
        chart = alt.Chart(by_channel).mark_line(point=True).encode(
            x=common.x_period(f.grain),
            y=alt.Y("value:Q", axis=common.y_axis("minutes", "Median first response")),
            color=alt.Color("channel:N", legend=common.legend("Channel", side=True)),
            tooltip=["period_start:T", "channel:N", alt.Tooltip("value:Q", format=",.1f", title="minutes")],
        )
        st.altair_chart(chart.properties(height=260), width="stretch")
with right:
    common.metric_chart(pub, f, ["sla_first_response_compliance"], "SLA first-response compliance")

st.subheader("SLA misses per agent per day")
if not pub.has("agent_daily"):
    common.empty("This publication has no agent_daily table.")
else:
    where, params = "", []
    if f.dimension == "team":
        where, params = " and team = ?", [f.value]
    elif f.dimension == "agent":
        where, params = " and agent_id = ?", [f.value]
    misses = common.q(
        pub,
        f"""select date_day, coalesce(agent_name, agent_id) as agent, sum(sla_breaches) as sla_breaches
            from agent_daily where date_day between ? and ?{where}
            group by 1, 2 having sum(sla_breaches) > 0 order by 1, 2""",
        f.start, f.end, *params,
    )
    if misses.empty:
        common.empty(f"No SLA misses between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label}).")
    else:
        misses["date_day"] = pd.to_datetime(misses["date_day"])
        chart = alt.Chart(misses).mark_rect().encode(
            x=alt.X("yearmonthdate(date_day):O", title="Day", axis=alt.Axis(format="%d %b", labelAngle=-45)),
            y=alt.Y("agent:N", title="Agent", axis=alt.Axis(labelOverlap=False)),
            color=alt.Color("sla_breaches:Q", title="SLA misses (tickets)", scale=alt.Scale(scheme="reds")),
            tooltip=[alt.Tooltip("date_day:T", title="Day"), "agent:N", alt.Tooltip("sla_breaches:Q", title="SLA misses")],
        )
        st.altair_chart(chart.properties(height=max(200, 24 * misses["agent"].nunique())), width="stretch")

st.subheader("When conversations arrive and how fast they are answered (weekday × hour)")
if not pub.has("response_time_by_hour"):
    common.empty("This publication has no response_time_by_hour table.")
else:
    channel = f.value if f.dimension == "channel" else "all"
    # One set of rows per period_grain ('all' = the whole history, per channel too; 'week' and
    # 'month' for all channels only): read one grain, never sum across them or across channels.
    per_period = "period_grain" in common.columns(pub, "response_time_by_hour")
    use_periods = per_period and f.grain in ("week", "month") and channel == "all"
    if use_periods:  # the chosen grain and range; volumes per week observed over the range
        heat = common.q(
            pub,
            """with cells as (
                   select * from response_time_by_hour
                   where period_grain = ? and channel = 'all' and period_start between ? and ?
               ),
               weeks as (select sum(weeks_observed) as weeks from (select distinct period_start, weeks_observed from cells))
               select iso_day_of_week, any_value(day_name) as day_name, hour_of_day,
                      sum(conversations_total) / any_value(weeks.weeks) as conversations_per_week,
                      sum(first_response_minutes_mean * tickets_answered) / nullif(sum(tickets_answered), 0)
                          as first_response_minutes_mean
               from cells cross join weeks
               group by 1, 3 order by 1, 3""",
            f.grain, common.period_floor(f.grain, f.start), f.end,
        )
        scope = (f"{f.grain.capitalize()}s starting {common.period_floor(f.grain, f.start):%d %b %Y} to {f.end:%d %b %Y} "
                 "(the period range), all channels: averages per week observed.")
    else:
        heat = common.q(
            pub,
            f"""select iso_day_of_week, any_value(day_name) as day_name, hour_of_day,
                      sum(conversations_per_week_avg) as conversations_per_week,
                      sum(first_response_minutes_mean * tickets_answered) / nullif(sum(tickets_answered), 0)
                          as first_response_minutes_mean
               from response_time_by_hour where channel = ?{" and period_grain = 'all'" if per_period else ""}
               group by 1, 3 order by 1, 3""",
            channel,
        )
        why = ("per channel only over the whole history" if channel != "all"
               else "no weekday × hour rows per day: pick week or month to follow the range" if per_period else "")
        scope = f"Whole history of the publication (not the period range{': ' + why if why else ''}): averages per week."
    if heat.empty:
        common.empty("No conversations in response_time_by_hour for this cut and range.")
    else:
        not_cut = ("" if f.dimension in ("all", "channel")
                   else f" Not cut by {common.DIMENSIONS.get(f.dimension, f.dimension).lower()}: showing all.")
        st.caption(f"{scope} Colours stop at the 95th percentile of the cells (exact values in the tooltips).{not_cut}")
        days = list(heat.sort_values("iso_day_of_week")["day_name"].unique())
        left, right = st.columns(2)
        for col, field, title, scheme in (
            (left, "conversations_per_week", "Conversations per week", "blues"),
            (right, "first_response_minutes_mean", "First response mean (minutes)", "oranges"),
        ):
            with col:
                top = heat[field].quantile(0.95)
                top = float(top) if pd.notna(top) and top > 0 else 1.0
                chart = alt.Chart(heat).mark_rect().encode(
                    x=alt.X("hour_of_day:O", title="Hour of day (reporting timezone)"),
                    y=alt.Y("day_name:N", sort=days, title="Weekday", axis=alt.Axis(labelOverlap=False)),
                    # Colours up to the 95th percentile: one slow cell would wash out the rest.
                    color=alt.Color(f"{field}:Q", title=title, scale=alt.Scale(
                        scheme=scheme, domainMin=0, domainMax=top, clamp=True)),
                    tooltip=["day_name:N", "hour_of_day:O", alt.Tooltip(f"{field}:Q", format=",.1f", title=title)],
                )
                st.altair_chart(chart.properties(height=260, title=title), width="stretch")
