"""Volume: messages in and out, new and active tickets, ticket types, feedback requests and answers."""

import altair as alt
import pandas as pd
import streamlit as st

from support_warehouse.dashboard import common

pub = common.start("Volume", "What came in and what the team sent out.")
cat = common.catalog(pub)
ids = ["messages_inbound", "messages_outbound", "tickets_created", "active_tickets", "ticket_type_share"]
f = common.filters(pub, "volume", common.metric_dimensions(cat, ids))

left, right = st.columns(2)
with left:
    common.metric_chart(pub, f, ["messages_inbound", "messages_outbound"], "Inbound vs outbound messages")
with right:
    common.metric_chart(pub, f, ["tickets_created", "active_tickets"], "New vs active tickets")

st.subheader("Ticket types")
if not pub.has("ticket_type_trends"):
    common.empty("This publication has no ticket_type_trends table.")
else:
    trends = common.q(
        pub,
        "select * from ticket_type_trends where week_start between ? and ? order by week_start, ticket_type",
        common.period_floor("week", f.start), f.end,
    )
    if trends.empty:
        common.empty(f"No tickets between {f.start:%d %b %Y} and {f.end:%d %b %Y}.")
    else:
        trends["week_start"] = pd.to_datetime(trends["week_start"])
        chart = alt.Chart(trends).mark_area().encode(
            x=alt.X("week_start:T", title="Week starting", axis=alt.Axis(format="%d %b")),
            y=alt.Y("tickets:Q", stack=True, title="Tickets created"),
            color=alt.Color("ticket_type:N", legend=common.legend("Ticket type", side=True)),
            tooltip=["week_start:T", "ticket_type:N", "tickets:Q", alt.Tooltip("share_pct:Q", format=".1f", title="Share %")],
        )
        st.altair_chart(chart.properties(height=260), width="stretch")
        latest = trends[trends["week_start"] == trends["week_start"].max()].copy()
        flags = []
        for _, r in latest.iterrows():
            flag = []
            if bool(r.get("is_new_type")):
                flag.append("🆕 new type")
            if bool(r.get("is_spike")):
                flag.append("📈 trending")
            flags.append(", ".join(flag))
        latest["flag"] = flags
        st.caption(f"Week of {latest['week_start'].max():%d %b %Y}: new types and spikes against the previous weeks are flagged.")
        st.dataframe(
            latest[["ticket_type", "tickets", "share_pct", "tickets_change", "share_change_pp", "flag"]].rename(columns={
                "ticket_type": "Type", "tickets": "Tickets", "share_pct": "Share %", "tickets_change": "Change vs prev. week",
                "share_change_pp": "Share change (pp)", "flag": "Flag",
            }).round(1),
            hide_index=True, width="stretch",
        )

st.subheader("Feedback requests sent vs answers received")
if not pub.has("fct_survey_responses"):
    common.empty("This publication has no survey responses (fct_survey_responses).")
else:
    where, params = "", []
    dim_col = {"channel": "channel", "team": "team", "agent": "agent_id", "tier": "customer_tier"}.get(f.dimension)
    if dim_col:
        where, params = f" and {dim_col} = ?", [f.value]
    surveys = common.q(
        pub,
        f"""
        with sent as (
            select sent_date as day, count(*) as n from fct_survey_responses
            where sent_date between ? and ?{where} group by 1
        ),
        answered as (
            select responded_date as day, count(*) as n from fct_survey_responses
            where is_responded and responded_date between ? and ?{where} group by 1
        )
        select day, 'Requests sent' as series, n from sent
        union all
        select day, 'Answers received', n from answered
        order by day
        """,
        f.start, f.end, *params, f.start, f.end, *params,
    )
    if surveys.empty:
        common.empty(f"No feedback requests sent between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label}).")
    else:
        surveys["day"] = pd.to_datetime(surveys["day"])
        chart = alt.Chart(surveys).mark_line(point=True).encode(
            x=alt.X("day:T", title="Day", axis=alt.Axis(format="%d %b")),
            y=alt.Y("n:Q", title="Surveys per day"),
            color=alt.Color("series:N", legend=common.legend()),
            tooltip=["day:T", "series:N", "n:Q"],
        )
        st.altair_chart(chart.properties(height=240), width="stretch")
        if f.dimension == "marketplace":
            st.caption("Surveys have no marketplace: showing all.")
