"""Shared pieces of the dashboard pages: the publication header, filters, scorecard reads, charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from support_warehouse.dashboard import data

GRAINS = ("day", "week", "month")
# Dimension filters, in the order the sidebar offers them (kpi_scorecard's dimension names).
DIMENSIONS = {"channel": "Channel", "team": "Team", "agent": "Agent", "tier": "Customer tier", "marketplace": "Marketplace",
              "priority": "Priority"}
# How many periods of each grain a page shows by default.
DEFAULT_PERIODS = {"day": 28, "week": 12, "month": 6}
GRAIN_DAYS = {"day": 1, "week": 7, "month": 31}


@dataclass(frozen=True)
class Filters:
    grain: str
    start: date
    end: date
    dimension: str  # 'all' or a kpi_scorecard dimension
    value: str  # 'all' or the dimension's value

    @property
    def label(self) -> str:
        if self.dimension == "all":
            return "all"
        return f"{DIMENSIONS.get(self.dimension, self.dimension)} = {self.value}"


# ------------------------------------------------------------------------------ the publication


@st.cache_data(max_entries=2000, show_spinner=False)
def _cached(identity: tuple, sql: str, params: tuple) -> pd.DataFrame:
    pub = data.current()
    if pub.identity != identity:  # published meanwhile: read the file this key names
        pub = data._describe(identity)
    return data.query(pub, sql, params)


def q(pub: data.Publication, sql: str, *params) -> pd.DataFrame:
    """Cached per publication: a new night is a new file identity, hence new cache keys."""
    return _cached(pub.identity, sql, tuple(params)).copy()


def start(title: str, intro: str | None = None) -> data.Publication:
    """Page title and the night being read; stops the page with a message when nothing is published."""
    st.title(title)
    try:
        pub = data.current()
    except data.NoPublication as exc:
        st.info(str(exc))
        st.stop()
    as_of = f"{pub.as_of_at:%a %d %b %Y, %H:%M} UTC" if pub.as_of_at is not None else "unknown"
    published = f"{pub.published_at:%Y-%m-%d %H:%M} UTC" if pub.published_at is not None else "?"
    st.caption(
        f"Reading the night with data up to **{as_of}** · publication `{pub.publication_id}` "
        f"published {published} · {pub.db_path.parent}"
    )
    if intro:
        st.caption(intro)
    return pub


def columns(pub: data.Publication, table: str) -> set[str]:
    """Columns of a published table (cached per publication; empty when it is not published)."""
    if not pub.has(table):
        return set()
    df = q(pub, "select column_name from duckdb_columns() where database_name = 'marts' and table_name = ?", table)
    return set(df["column_name"])


def catalog(pub: data.Publication) -> pd.DataFrame:
    """The published metric catalog (dim_metrics), in display order."""
    if not pub.has("dim_metrics"):
        return pd.DataFrame(columns=["metric_id", "metric_name", "category", "unit", "dimensions", "display_order"])
    df = q(pub, "select * from dim_metrics order by display_order, metric_id")
    for col in ("target_direction", "target_value", "target_min", "target_max", "description"):
        if col not in df:
            df[col] = None
    return df


def metric_dimensions(cat: pd.DataFrame, metric_ids: list[str]) -> list[str]:
    dims: set[str] = set()
    for text in cat.loc[cat["metric_id"].isin(metric_ids), "dimensions"].fillna(""):
        dims.update(text.split())
    return [d for d in DIMENSIONS if d in dims]


def data_range(pub: data.Publication) -> tuple[date, date]:
    """First and last day of the scorecard (the range the date picker allows)."""
    if pub.has("kpi_scorecard"):
        row = q(pub, "select min(period_start) as lo, max(period_start) as hi from kpi_scorecard where period_grain = 'day'")
        if row["lo"].notna().all():
            return pd.Timestamp(row["lo"].iloc[0]).date(), pd.Timestamp(row["hi"].iloc[0]).date()
    today = date.today()
    return today - timedelta(days=90), today


def filters(pub: data.Publication, page: str, dimensions: list[str], grains: tuple[str, ...] = GRAINS) -> Filters:
    """Sidebar: period grain, period range and one dimension cut (the scorecard cuts by one dimension
    at a time). Widget keys carry the page name so each page keeps its own choices."""
    lo, hi = data_range(pub)
    with st.sidebar:
        st.subheader("Filters")
        grain = st.radio("Period grain", grains, index=min(1, len(grains) - 1), horizontal=True, key=f"{page}_grain")
        default_start = max(lo, hi - timedelta(days=DEFAULT_PERIODS[grain] * GRAIN_DAYS[grain]))
        picked = st.date_input(
            "Period range", value=(default_start, hi), min_value=lo, max_value=hi, key=f"{page}_range_{grain}"
        )
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            start_d, end_d = picked
        else:  # the user picked only the first day so far
            start_d = picked[0] if isinstance(picked, (tuple, list)) and picked else default_start
            end_d = hi
        dimension, value = "all", "all"
        if dimensions:
            # Options are the labels themselves (no format_func), mapped back to the scorecard's keys.
            by_label = {"No cut (all)": "all", **{DIMENSIONS[d]: d for d in dimensions}}
            dimension = by_label[st.selectbox("Cut by", list(by_label), key=f"{page}_dim")]
            if dimension != "all":
                values = dimension_values(pub, dimension)
                if values.empty:
                    st.caption(f"No {DIMENSIONS[dimension].lower()} values published.")
                    dimension = "all"
                else:
                    by_value_label = dict(zip(values["label"], values["dimension_value"], strict=True))
                    value = by_value_label[
                        st.selectbox(DIMENSIONS[dimension], list(by_value_label), key=f"{page}_value_{dimension}")
                    ]
    return Filters(grain, start_d, end_d, dimension, value)


def dimension_values(pub: data.Publication, dimension: str) -> pd.DataFrame:
    if not pub.has("kpi_scorecard"):
        return pd.DataFrame(columns=["dimension_value", "label"])
    df = q(pub, "select distinct dimension_value from kpi_scorecard where dimension = ? order by 1", dimension)
    df["label"] = df["dimension_value"]
    if dimension == "agent":
        names = agent_names(pub)
        df["label"] = [f"{names.get(v, v)} ({v})" if v in names else v for v in df["dimension_value"]]
    return df


def agent_names(pub: data.Publication) -> dict[str, str]:
    if not pub.has("dim_agents"):
        return {}
    df = q(pub, "select agent_id, agent_name from dim_agents")
    return dict(zip(df["agent_id"], df["agent_name"], strict=True))


def period_floor(grain: str, day: date) -> date:
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day


def scorecard(pub: data.Publication, metric_ids: list[str], f: Filters, *, cut: bool = True) -> pd.DataFrame:
    """Scorecard rows of the metrics at the filters' grain and range. With a cut, a metric that has
    the dimension is read at that value; one without it keeps its 'all' value (column `cut`)."""
    cols = ["metric_id", "period_start", "value", "numerator", "denominator", "target", "meets_target",
            "target_status", "cut"]
    if not pub.has("kpi_scorecard") or not metric_ids:
        return pd.DataFrame(columns=cols)
    # target_status (met, missed, small_sample, no_value, no_target) came with minimum samples;
    # an older publication has only meets_target.
    status = "target_status" if "target_status" in columns(pub, "kpi_scorecard") else "cast(null as varchar)"
    cat = catalog(pub)
    dims = dict(zip(cat["metric_id"], cat["dimensions"].fillna(""), strict=True))
    use_cut = cut and f.dimension != "all"
    cut_ids = [m for m in metric_ids if use_cut and f.dimension in dims.get(m, "").split()]
    all_ids = [m for m in metric_ids if m not in cut_ids]
    placeholders = lambda ids: ", ".join("?" for _ in ids)  # noqa: E731
    parts, params = [], []
    base = (
        "select metric_id, period_start, value, numerator, denominator, target, meets_target, "
        f"{status} as target_status, {{label}} as cut "
        "from kpi_scorecard where period_grain = ? and period_start between ? and ? "
        "and dimension = ? and dimension_value = ? and metric_id in ({ids})"
    )
    first = period_floor(f.grain, f.start)
    if cut_ids:
        parts.append(base.format(label="?", ids=placeholders(cut_ids)))
        params += [f.label, f.grain, first, f.end, f.dimension, f.value, *cut_ids]
    if all_ids:
        parts.append(base.format(label="'all'", ids=placeholders(all_ids)))
        params += [f.grain, first, f.end, "all", "all", *all_ids]
    df = q(pub, " union all ".join(parts) + " order by metric_id, period_start", *params)
    df["period_start"] = pd.to_datetime(df["period_start"])
    names = dict(zip(cat["metric_id"], cat["metric_name"], strict=True))
    df["metric"] = df["metric_id"].map(names).fillna(df["metric_id"])
    return df


# ------------------------------------------------------------------------------------ formatting

UNIT_SUFFIX = {"percent": " %", "minutes": " min", "seconds": " s", "currency": ""}


def fmt(value, unit: str | None) -> str:
    if value is None or pd.isna(value):
        return "–"
    unit = unit or ""
    if abs(value) < 100 and (unit in ("percent", "minutes", "seconds") or value != int(value)):
        text = f"{value:,.1f}"
    else:
        text = f"{value:,.0f}"
    return text + UNIT_SUFFIX.get(unit, "")


def axis_title(unit: str | None, label: str | None = None) -> str:
    unit_text = {"percent": "%", "minutes": "minutes", "seconds": "seconds"}.get(unit or "", unit or "")
    if label and unit_text:
        return f"{label} ({unit_text})"
    return label or unit_text


def y_axis(unit: str | None, label: str | None = None) -> alt.Axis:
    if unit == "percent":
        return alt.Axis(title=axis_title(unit, label), labelExpr="datum.value + ' %'")
    return alt.Axis(title=axis_title(unit, label))


def x_period(grain: str) -> alt.X:
    fmt_ = {"day": "%d %b", "week": "wk of %d %b", "month": "%b %Y"}[grain]
    return alt.X("period_start:T", title=f"Period start ({grain})", axis=alt.Axis(format=fmt_))


def legend(title: str | None = None, *, side: bool = False) -> alt.Legend:
    """Below the chart in two columns with whole labels (metric names are long), or beside it for
    many short entries (channels, marketplaces), which would otherwise take the plot's height."""
    if side:
        return alt.Legend(orient="right", title=title)
    return alt.Legend(orient="bottom", columns=2, labelLimit=320, title=title)


def empty(reason: str) -> None:
    st.info(reason, icon=":material/info:")


def target_layers(cat_row: pd.Series | None) -> list[alt.Chart]:
    """A dashed rule at the target, or a shaded band for a between target."""
    if cat_row is None:
        return []
    lo, hi, val = cat_row.get("target_min"), cat_row.get("target_max"), cat_row.get("target_value")
    if pd.notna(lo) and pd.notna(hi):
        band = pd.DataFrame({"lo": [lo], "hi": [hi], "label": [f"target {lo:g}–{hi:g}"]})
        return [
            alt.Chart(band).mark_rect(opacity=0.15, color="green").encode(y="lo:Q", y2="hi:Q", tooltip=["label"])
        ]
    if pd.notna(val):
        rule = pd.DataFrame({"target": [val], "label": [f"target {cat_row.get('target_direction') or ''} {val:g}"]})
        return [
            alt.Chart(rule).mark_rule(strokeDash=[6, 4], color="red").encode(y="target:Q", tooltip=["label"])
        ]
    return []


def metric_chart(pub: data.Publication, f: Filters, metric_ids: list[str], title: str, *, kind: str = "line",
                 cut: bool = True, empty_reason: str | None = None, height: int = 260) -> None:
    """The metrics over the periods, one colour per metric, with the target when they share one."""
    st.subheader(title)
    cat = catalog(pub).set_index("metric_id")
    metric_ids = [m for m in metric_ids if m in cat.index]
    df = scorecard(pub, metric_ids, f, cut=cut)
    df = df[df["value"].notna()]
    if df.empty:
        empty(empty_reason or f"No data for {title.lower()} between {f.start:%d %b %Y} and {f.end:%d %b %Y} ({f.label}).")
        return
    unit = cat.loc[metric_ids[0], "unit"]
    chart_df = df[["period_start", "metric", "value", "cut"]].copy()
    chart_df["shown"] = [fmt(v, unit) for v in chart_df["value"]]
    mark = alt.Chart(chart_df).mark_bar() if kind == "bar" else alt.Chart(chart_df).mark_line(point=True)
    base = mark.encode(
        x=x_period(f.grain),
        y=alt.Y("value:Q", axis=y_axis(unit)),
        color=alt.Color("metric:N", legend=legend() if len(metric_ids) > 1 else None),
        xOffset="metric:N" if kind == "bar" and len(metric_ids) > 1 else alt.value(0),
        tooltip=[alt.Tooltip("period_start:T", title="Period"), "metric:N", alt.Tooltip("shown:N", title="Value"), "cut:N"],
    )
    targets = target_layers(cat.loc[metric_ids[0]]) if len(metric_ids) == 1 else []
    st.altair_chart(alt.layer(base, *targets).properties(height=height), width="stretch")
    cuts = sorted(set(df["cut"]))
    if f.dimension != "all" and cuts == ["all"]:
        st.caption(f"Not cut by {DIMENSIONS.get(f.dimension, f.dimension).lower()}: these metrics have no such dimension; showing all.")
