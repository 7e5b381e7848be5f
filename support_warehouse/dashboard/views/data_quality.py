"""Data quality: rejected rows by entity, file and reason; when each entity last loaded."""

import altair as alt
import pandas as pd
import streamlit as st

from support_warehouse.dashboard import common

pub = common.start("Data quality", "Rows that did not reach the marts, and how fresh each source is.")

st.subheader("Rejected rows by entity and reason")
if not pub.has("rejected_rows_summary"):
    common.empty("This publication has no rejected_rows_summary table.")
else:
    rejects = common.q(pub, "select * from rejected_rows_summary order by entity, rejected_rows desc")
    if rejects.empty:
        common.empty("No rejected rows: every extract row reached the marts.")
    else:
        entities = ["all", *sorted(rejects["entity"].unique())]
        entity = st.sidebar.selectbox("Entity", entities, key="dq_entity")
        shown = rejects if entity == "all" else rejects[rejects["entity"] == entity]
        by_stage = shown.groupby(["entity", "rejected_stage"], as_index=False)["rejected_rows"].sum()
        chart = alt.Chart(by_stage).mark_bar().encode(
            x=alt.X("rejected_rows:Q", title="Rejected rows"),
            y=alt.Y("entity:N", title="Entity", sort="-x", axis=alt.Axis(labelOverlap=False)),
            color=alt.Color("rejected_stage:N", legend=common.legend("Rejected at")),
            tooltip=["entity:N", alt.Tooltip("rejected_stage:N", title="Stage"), "rejected_rows:Q"],
        )
        st.altair_chart(chart.properties(height=max(160, 26 * by_stage["entity"].nunique())), width="stretch")
        st.caption("Every file and reason below; a row fixed by a later extract leaves this list.")
        st.dataframe(
            shown.rename(columns={"entity": "Entity", "rejected_stage": "Stage", "source_file": "File",
                                  "reason": "Reason", "rejected_rows": "Rows", "first_line": "First line",
                                  "last_line": "Last line"}),
            hide_index=True, width="stretch",
        )

st.subheader("When each entity last loaded")
if pub.has("entity_loads"):
    loads = common.q(pub, "select * from entity_loads order by entity")
    if loads.empty:
        common.empty("No extract file has been loaded into this warehouse.")
    else:
        loads["last_loaded_at"] = pd.to_datetime(loads["last_loaded_at"]).dt.strftime("%Y-%m-%d %H:%M UTC")
        st.dataframe(
            loads.rename(columns={
                "entity": "Entity", "last_loaded_at": "Last loaded", "last_file": "Last file", "last_status": "Status",
                "files_loaded": "Files loaded", "files_failed": "Files failed", "rows_loaded": "Rows loaded",
                "rows_rejected": "Rows rejected by the reader",
            }),
            hide_index=True, width="stretch",
        )
else:
    # Older publications: the latest record of each fact stands in for its last load.
    latest = [
        ("tickets", "fct_tickets", "updated_at"), ("ticket_messages", "fct_ticket_replies", "replied_at"),
        ("calls", "fct_calls", "queued_at"), ("survey_responses", "fct_survey_responses", "sent_at"),
        ("orders", "fct_orders", "ordered_at"), ("reviews", "fct_reviews", "created_at"),
        ("self_service_sessions", "fct_self_service_sessions", "started_at"),
    ]
    parts = [f"select '{e}' as entity, max({c}) as latest_record_at, count(*) as rows from {t}"
             for e, t, c in latest if pub.has(t)]
    if not parts:
        common.empty("This publication has no facts to date.")
    else:
        fresh = common.q(pub, " union all ".join(parts))
        st.caption(
            f"This publication has no load history: the latest record each entity's facts hold; "
            f"the marts were built {pub.built_at:%Y-%m-%d %H:%M} UTC."
        )
        fresh["latest_record_at"] = pd.to_datetime(fresh["latest_record_at"]).dt.strftime("%Y-%m-%d %H:%M UTC")
        st.dataframe(
            fresh.rename(columns={"entity": "Entity", "latest_record_at": "Latest record", "rows": "Rows"}),
            hide_index=True, width="stretch",
        )
