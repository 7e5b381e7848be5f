"""Quality: CSAT, NPS and CES over time with their answer counts; reviews positive vs negative."""

import altair as alt
import streamlit as st

from support_warehouse.dashboard import common

pub = common.start("Quality", "What customers say: surveys and reviews.")
cat = common.catalog(pub)
ids = ["csat_score", "nps", "ces_score", "positive_feedback_rate", "negative_feedback_rate"]
f = common.filters(pub, "quality", common.metric_dimensions(cat, ids))
catx = cat.set_index("metric_id")


def score_with_answers(metric_id: str, title: str) -> None:
    st.subheader(title)
    if metric_id not in catx.index:
        common.empty(f"{metric_id} is not in this publication's catalog.")
        return
    df = common.scorecard(pub, [metric_id], f)
    df = df[df["value"].notna()]
    if df.empty:
        common.empty(f"No {title} answers between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label}).")
        return
    unit = catx.loc[metric_id, "unit"]
    df["answers"] = df["denominator"]
    bars = alt.Chart(df).mark_bar(opacity=0.3, color="gray").encode(
        x=common.x_period(f.grain),
        y=alt.Y("answers:Q", title="Answers", axis=alt.Axis(orient="right")),
        tooltip=["period_start:T", alt.Tooltip("answers:Q", title="Answers")],
    )
    line = alt.Chart(df).mark_line(point=True).encode(
        x=common.x_period(f.grain),
        y=alt.Y("value:Q", axis=common.y_axis(unit, title)),
        tooltip=["period_start:T", alt.Tooltip("value:Q", format=",.1f", title=title), alt.Tooltip("answers:Q", title="Answers")],
    )
    scored = alt.layer(line, *common.target_layers(catx.loc[metric_id]))
    st.altair_chart(alt.layer(bars, scored).resolve_scale(y="independent").properties(height=240), width="stretch")
    if f.dimension != "all" and set(df["cut"]) == {"all"}:
        st.caption(f"{title} has no {common.DIMENSIONS[f.dimension].lower()} cut: showing all.")


cols = st.columns(3)
for col, (metric_id, title) in zip(cols, (("csat_score", "CSAT"), ("nps", "NPS"), ("ces_score", "CES")), strict=True):
    with col:
        score_with_answers(metric_id, title)

left, right = st.columns(2)
with left:
    common.metric_chart(pub, f, ["positive_feedback_rate", "negative_feedback_rate"], "Reviews: positive vs negative")
with right:
    st.subheader("Reviews by rating")
    if not pub.has("fct_reviews"):
        common.empty("This publication has no reviews (fct_reviews).")
    else:
        where, params = "", []
        if f.dimension == "marketplace":
            where, params = " and marketplace = ?", [f.value]
        elif f.dimension == "tier":
            where, params = " and customer_tier = ?", [f.value]
        reviews = common.q(
            pub,
            f"""select case when is_positive then 'positive (4-5)' when is_negative then 'negative (1-2)'
                            else 'neutral (3)' end as kind, count(*) as reviews
                from fct_reviews where created_date between ? and ?{where} group by 1""",
            f.start, f.end, *params,
        )
        if reviews.empty:
            common.empty(f"No reviews between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label}).")
        else:
            chart = alt.Chart(reviews).mark_bar().encode(
                x=alt.X("reviews:Q", title="Reviews"),
                y=alt.Y("kind:N", title=None, sort=["positive (4-5)", "neutral (3)", "negative (1-2)"]),
                color=alt.Color("kind:N", legend=None, scale=alt.Scale(
                    domain=["positive (4-5)", "neutral (3)", "negative (1-2)"], range=["#2ca02c", "#bbbbbb", "#d62728"])),
                tooltip=["kind:N", "reviews:Q"],
            )
            st.altair_chart(chart.properties(height=200), width="stretch")
