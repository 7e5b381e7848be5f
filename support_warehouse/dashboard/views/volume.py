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
CHANGE = {"day": "day-over-day", "week": "week-over-week", "month": "month-over-month"}
PREVIOUS = {"day": "prev. day", "week": "prev. week", "month": "prev. month"}
if not pub.has("ticket_type_trends"):
    common.empty("This publication has no ticket_type_trends table.")
elif "period_grain" not in common.columns(pub, "ticket_type_trends"):
    common.empty("This publication's ticket_type_trends has the old weekly shape (no period_grain): publish again.")
else:
    trends = common.q(
        pub,
        """select * from ticket_type_trends where period_grain = ? and period_start between ? and ?
           order by period_start, ticket_type""",
        f.grain, common.period_floor(f.grain, f.start), f.end,
    )
    if trends.empty:
        common.empty(f"No tickets between {f.start:%d %b %Y} and {f.end:%d %b %Y}.")
    else:
        trends["period_start"] = pd.to_datetime(trends["period_start"])
        trends["flag"] = [
            ", ".join(t for t, on in (("◆ new type", new), ("▲ spike", spike)) if on)
            for new, spike in zip(trends["is_new_type"].fillna(False).astype(bool),
                                  trends["is_spike"].fillna(False).astype(bool), strict=True)
        ]
        tooltip = [
            alt.Tooltip("period_start:T", title="Period"), "ticket_type:N", "tickets:Q",
            alt.Tooltip("share_pct:Q", format=".1f", title="Share %"),
            alt.Tooltip("tickets_change:Q", format="+,.0f", title=f"Change ({CHANGE[f.grain]})"),
            alt.Tooltip("tickets_change_yoy_pct:Q", format="+,.0f", title="Change vs year before %"),
            alt.Tooltip("flag:N", title="Flag"),
        ]
        # A time axis gives bars no band: size them to the number of periods shown.
        bar_px = max(3, min(40, int(450 / max(1, trends["period_start"].nunique()))))
        bars = alt.Chart(trends).mark_bar(size=bar_px).encode(
            x=common.x_period(f.grain),
            y=alt.Y("tickets:Q", stack=True, title="Tickets created"),
            color=alt.Color("ticket_type:N", legend=common.legend("Ticket type", side=True)),
            order=alt.Order("ticket_type:N"),
            tooltip=tooltip,
        )
        layers = [bars]
        flagged = trends[trends["flag"] != ""]
        if not flagged.empty:  # a marker above the period's stack for each new or spiking type
            totals = trends.groupby("period_start")["tickets"].sum().rename("stack_total")
            flagged = flagged.join(totals, on="period_start")
            flagged["kind"] = ["spike" if "spike" in t else "new type" for t in flagged["flag"]]
            layers.append(
                alt.Chart(flagged).mark_point(filled=True, size=90, yOffset=-10).encode(
                    x=common.x_period(f.grain),
                    y=alt.Y("stack_total:Q"),
                    shape=alt.Shape("kind:N", title="Flag", scale=alt.Scale(domain=["new type", "spike"],
                                                                              range=["diamond", "triangle-up"])),
                    color=alt.value("black"),
                    tooltip=tooltip,
                )
            )
        st.altair_chart(alt.layer(*layers).properties(height=280), width="stretch")
        complete = trends[trends["is_complete_period"].fillna(False).astype(bool)] if "is_complete_period" in trends else trends
        shown_from = complete if not complete.empty else trends  # a running period is partial
        last_start = shown_from["period_start"].max()
        latest = trends[trends["period_start"] == last_start].sort_values("tickets", ascending=False).copy()
        running = " (running, partial)" if complete.empty else ""
        period_label = {"day": f"{last_start:%a %d %b %Y}", "week": f"week of {last_start:%d %b %Y}",
                        "month": f"{last_start:%B %Y}"}[f.grain]
        st.caption(
            f"Last complete {f.grain} in the range, {period_label}{running}: change vs the {PREVIOUS[f.grain]} "
            f"({CHANGE[f.grain]}) and vs the same {f.grain} a year before where the data reach back. "
            "◆ new type: first seen in this period; ▲ spike: at least twice its recent mean and 5+ tickets above it."
        )
        table = pd.DataFrame({
            "Type": latest["ticket_type"],
            "Tickets": latest["tickets"],
            "Share %": latest["share_pct"],
            f"Change vs {PREVIOUS[f.grain]}": latest["tickets_change"],
            "Change %": latest["tickets_change_pct"],
            "Share change (pp)": latest["share_change_pp"],
            "Year before": latest["year_ago_tickets"],
            "Change vs year before %": latest["tickets_change_yoy_pct"],
            "Flag": latest["flag"],
        })
        if latest["year_ago_tickets"].isna().all():
            table = table.drop(columns=["Year before", "Change vs year before %"])
            st.caption(f"No year-over-year change: the data do not reach back to the same {f.grain} a year before.")
        st.dataframe(table.round(1), hide_index=True, width="stretch")
        earlier = flagged[flagged["period_start"] != last_start] if not flagged.empty else flagged
        if not earlier.empty:
            st.caption(f"Flagged earlier in the range ({len(earlier)}):")
            st.dataframe(
                pd.DataFrame({
                    "Period": earlier["period_start"].dt.strftime("%d %b %Y"),
                    "Type": earlier["ticket_type"],
                    "Tickets": earlier["tickets"],
                    "Recent mean": earlier["baseline_tickets"],
                    f"Change vs {PREVIOUS[f.grain]}": earlier["tickets_change"],
                    "Flag": earlier["flag"],
                }).round(1),
                hide_index=True, width="stretch",
            )
        if f.dimension != "all":
            st.caption(f"Ticket types are not cut by {common.DIMENSIONS.get(f.dimension, f.dimension).lower()}: showing all.")

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
        if f.dimension in ("marketplace", "priority"):
            st.caption(f"Surveys have no {common.DIMENSIONS[f.dimension].lower()}: showing all.")
