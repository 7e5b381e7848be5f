"""Commerce and marketplaces: order outcomes, repeat and cross/up-sell, marketplace reply compliance."""

import altair as alt
import pandas as pd
import streamlit as st

from support_warehouse.dashboard import common

pub = common.start("Commerce and marketplaces", "Orders, repeat business and what marketplaces hold you to.")
cat = common.catalog(pub)
ids = ["order_defect_rate", "on_time_shipment_rate", "cancellation_rate", "repeat_purchase_rate", "cross_sell_rate",
       "upsell_rate", "response_rate_24h", "response_rate_7d"]
f = common.filters(pub, "commerce", common.metric_dimensions(cat, ids))
no_orders = f"No orders between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label})."

cols = st.columns(3)
for col, (metric_id, title) in zip(cols, (
    ("order_defect_rate", "Order defect rate"),
    ("on_time_shipment_rate", "On-time shipment"),
    ("cancellation_rate", "Cancellation rate"),
), strict=True):
    with col:
        common.metric_chart(pub, f, [metric_id], title, empty_reason=no_orders, height=220)
left, right = st.columns(2)
with left:
    common.metric_chart(pub, f, ["repeat_purchase_rate"], "Repeat purchase rate", empty_reason=no_orders, height=220)
with right:
    common.metric_chart(pub, f, ["cross_sell_rate", "upsell_rate"], "Cross-sell and up-sell", empty_reason=no_orders,
                        height=220)

st.subheader("Marketplace reply compliance")
if not pub.has("marketplace_compliance_weekly"):
    common.empty("This publication has no marketplace_compliance_weekly table.")
else:
    where, params = "", []
    if f.dimension == "marketplace":
        where, params = " and marketplace = ?", [f.value]
    weekly = common.q(
        pub,
        f"""select week_start, marketplace, response_rate_24h, response_rate_7d, tickets_created
            from marketplace_compliance_weekly
            where is_ticket_channel and week_start between ? and ?{where} order by 1, 2""",
        common.period_floor("week", f.start), f.end, *params,
    )
    if weekly.empty:
        common.empty(f"No marketplace tickets between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label}).")
    else:
        weekly["week_start"] = pd.to_datetime(weekly["week_start"])
        left, right = st.columns(2)
        for col, field, title in (
            (left, "response_rate_24h", "Answered within 24 h (Amazon: ≥ 90 %)"),
            (right, "response_rate_7d", "Trailing 7-day response rate (Facebook badge: ≥ 90 %)"),
        ):
            with col:
                st.markdown(f"**{title}**")
                lines = alt.Chart(weekly).mark_line(point=True).encode(
                    x=alt.X("week_start:T", title="Week starting", axis=alt.Axis(format="%d %b")),
                    y=alt.Y(f"{field}:Q", axis=common.y_axis("percent", "Answered")),
                    color=alt.Color("marketplace:N", legend=common.legend("Marketplace", side=True)),
                    tooltip=["week_start:T", "marketplace:N", alt.Tooltip(f"{field}:Q", format=".1f", title="%"),
                             "tickets_created:Q"],
                )
                rule = alt.Chart(pd.DataFrame({"y": [90]})).mark_rule(strokeDash=[6, 4], color="red").encode(y="y:Q")
                st.altair_chart(alt.layer(lines, rule).properties(height=240), width="stretch")
