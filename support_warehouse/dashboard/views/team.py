"""Team: conversations per teammate per worked day against the target band, resolution rate per agent."""

import altair as alt
import pandas as pd
import streamlit as st

from support_warehouse.dashboard import common

pub = common.start("Team", "Workload and outcomes per teammate over the period range.")
cat = common.catalog(pub)
ids = ["conversations_per_agent_day", "resolution_rate"]
f = common.filters(pub, "team", [d for d in common.metric_dimensions(cat, ids) if d in ("team", "agent")])
catx = cat.set_index("metric_id")

common.metric_chart(pub, f, ["conversations_per_agent_day"], "Conversations per agent per worked day")

if not pub.has("agent_daily"):
    common.empty("This publication has no agent_daily table.")
    st.stop()
where, params = "", []
if f.dimension == "team":
    where, params = " and team = ?", [f.value]
elif f.dimension == "agent":
    where, params = " and agent_id = ?", [f.value]
agents = common.q(
    pub,
    f"""select coalesce(agent_name, agent_id) as agent, any_value(team) as team,
               sum(case when is_worked_day then conversations else 0 end)
                   / nullif(count(*) filter (where is_worked_day), 0) as conversations_per_worked_day,
               count(*) filter (where is_worked_day) as worked_days,
               100.0 * sum(tickets_solved) / nullif(sum(tickets_received), 0) as resolution_rate,
               sum(tickets_solved) as tickets_solved, sum(tickets_received) as tickets_received,
               any_value(conversation_target_min) as target_min, any_value(conversation_target_max) as target_max
        from agent_daily where date_day between ? and ?{where}
        group by agent_id, agent_name order by 1""",
    f.start, f.end, *params,
)
left, right = st.columns(2)
with left:
    st.subheader("Conversations per worked day, per teammate")
    worked = agents[agents["conversations_per_worked_day"].notna()]
    if worked.empty:
        common.empty(f"No worked days between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label}).")
    else:
        bars = alt.Chart(worked).mark_bar().encode(
            x=alt.X("conversations_per_worked_day:Q", title="Conversations per worked day (tickets)"),
            y=alt.Y("agent:N", sort="-x", title="Agent", axis=alt.Axis(labelOverlap=False)),
            color=alt.Color("team:N", legend=common.legend("Team", side=True)),
            tooltip=["agent:N", "team:N", alt.Tooltip("conversations_per_worked_day:Q", format=",.1f"), "worked_days:Q"],
        )
        lo, hi = worked["target_min"].dropna(), worked["target_max"].dropna()
        if "conversations_per_agent_day" in catx.index:
            lo = lo if not lo.empty else pd.Series([catx.loc["conversations_per_agent_day", "target_min"]]).dropna()
            hi = hi if not hi.empty else pd.Series([catx.loc["conversations_per_agent_day", "target_max"]]).dropna()
        layers = [bars]
        if not lo.empty and not hi.empty:
            band = pd.DataFrame({"lo": [lo.iloc[0]], "hi": [hi.iloc[0]], "label": [f"target {lo.iloc[0]:g}–{hi.iloc[0]:g}"]})
            layers.insert(0, alt.Chart(band).mark_rect(opacity=0.15, color="green").encode(x="lo:Q", x2="hi:Q", tooltip=["label"]))
            st.caption(f"Green band: the {lo.iloc[0]:g}–{hi.iloc[0]:g} conversations target.")
        st.altair_chart(alt.layer(*layers).properties(height=max(200, 22 * len(worked))), width="stretch")
with right:
    st.subheader("Resolution rate per agent")
    rated = agents[agents["resolution_rate"].notna()]
    if rated.empty:
        common.empty(f"No tickets assigned between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label}).")
    else:
        chart = alt.Chart(rated).mark_bar().encode(
            x=alt.X("resolution_rate:Q", axis=common.y_axis("percent", "Solved / received")),
            y=alt.Y("agent:N", sort="-x", title="Agent", axis=alt.Axis(labelOverlap=False)),
            tooltip=["agent:N", alt.Tooltip("resolution_rate:Q", format=".1f", title="%"), "tickets_solved:Q", "tickets_received:Q"],
        )
        rule = alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(strokeDash=[4, 4], color="gray").encode(x="x:Q")
        st.altair_chart(alt.layer(chart, rule).properties(height=max(200, 22 * len(rated))), width="stretch")
        st.caption("A flow ratio: above 100 % when an agent solved more than was assigned in the range.")
