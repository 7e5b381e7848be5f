"""Phone: wait, answered rate, service level, handle time per agent."""

import altair as alt
import streamlit as st

from support_warehouse.dashboard import common

pub = common.start("Phone", "Calls offered, answered and how long callers waited.")
cat = common.catalog(pub)
ids = ["average_wait_seconds", "answered_call_rate", "call_service_level", "average_handle_seconds"]
f = common.filters(pub, "phone", common.metric_dimensions(cat, ids))
no_calls = f"No calls between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label})."

left, right = st.columns(2)
with left:
    common.metric_chart(pub, f, ["average_wait_seconds"], "Average wait", empty_reason=no_calls)
with right:
    common.metric_chart(pub, f, ["answered_call_rate"], "Answered call rate", empty_reason=no_calls)
left, right = st.columns(2)
with left:
    common.metric_chart(pub, f, ["call_service_level"], "Service level (answered within the threshold)",
                        empty_reason=no_calls)
with right:
    st.subheader("Handle time per agent")
    if not pub.has("fct_calls"):
        common.empty("This publication has no calls (fct_calls).")
    else:
        where, params = "", []
        if f.dimension == "team":
            where, params = " and calls.team = ?", [f.value]
        elif f.dimension == "agent":
            where, params = " and calls.agent_id = ?", [f.value]
        elif f.dimension == "tier":
            where, params = " and calls.customer_tier = ?", [f.value]
        names = "coalesce(agents.agent_name, calls.agent_id)" if pub.has("dim_agents") else "calls.agent_id"
        join = "left join dim_agents as agents on calls.agent_id = agents.agent_id" if pub.has("dim_agents") else ""
        handle = common.q(
            pub,
            f"""select {names} as agent, avg(calls.handle_seconds) as handle_seconds, count(*) as calls
                from fct_calls as calls {join}
                where calls.is_answered and calls.queued_date between ? and ?{where}
                group by 1 order by 2 desc""",
            f.start, f.end, *params,
        )
        if handle.empty:
            common.empty(f"No answered calls between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label}).")
        else:
            chart = alt.Chart(handle).mark_bar().encode(
                x=alt.X("handle_seconds:Q", title="Average handle time (seconds)"),
                y=alt.Y("agent:N", sort="-x", title="Agent", axis=alt.Axis(labelOverlap=False)),
                tooltip=["agent:N", alt.Tooltip("handle_seconds:Q", format=",.0f", title="seconds"), "calls:Q"],
            )
            st.altair_chart(chart.properties(height=max(200, 22 * len(handle))), width="stretch")
