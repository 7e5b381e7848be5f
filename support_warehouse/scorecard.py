"""Print a month of the KPI scorecard (kpi_scorecard, dimension 'all') as a readable table.

The demo (``support-warehouse demo``) ends with it; it also works on the published file:

    from support_warehouse.scorecard import print_scorecard
    print_scorecard("data/published/marts.duckdb")            # last complete month
    print_scorecard(con, month="2026-09")                      # a given month, open connection

``marts.kpi_scorecard`` resolves in both the build database (schema ``marts``) and the
published ``marts.duckdb`` (catalog ``marts``). Names, units and order come from ``marts.dim_metrics``
when present, else from ``seeds/metric_catalog.csv``.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

import duckdb

from . import config
from .config import REPO_ROOT

CATALOG_CSV = REPO_ROOT / "seeds" / "metric_catalog.csv"
TARGETS_CSV = REPO_ROOT / "seeds" / "metric_targets.csv"


@dataclass(frozen=True)
class ScorecardLine:
    metric_id: str
    metric_name: str
    unit: str
    value: float | None
    target: str  # formatted target ('>= 80', '30-35', ''), empty when the metric has none
    met: bool | None
    is_spec_metric: bool


def _month_start(month: date | str | None) -> date | None:
    if month is None:
        return None
    if isinstance(month, date):
        return month.replace(day=1)
    text = str(month).strip()
    try:
        return date.fromisoformat(text if len(text) > 7 else f"{text}-01").replace(day=1)
    except ValueError as e:
        raise ValueError(f"month must be a date or 'YYYY-MM', got {month!r}") from e


def _next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    try:
        con.execute(f"select 1 from marts.{name} limit 0")
        return True
    except duckdb.Error:
        return False


def last_complete_month(con: duckdb.DuckDBPyConnection) -> date | None:
    """The latest month whose last day the data reach (latest daily scorecard row), else the latest month."""
    last_day, last_month = con.execute(
        """
        select
            max(case when period_grain = 'day' then period_start end),
            max(case when period_grain = 'month' then period_start end)
        from marts.kpi_scorecard
        where dimension = 'all'
        """
    ).fetchone()
    if last_day is None:
        return last_month
    current = last_day.replace(day=1)
    complete = current if _next_month(current) - timedelta(days=1) <= last_day else (current - timedelta(days=1)).replace(day=1)
    return complete


def _catalog(con: duckdb.DuckDBPyConnection) -> list[dict]:
    if _has_table(con, "dim_metrics"):
        cur = con.execute(
            "select metric_id, metric_name, unit, value_type, is_spec_metric, target_direction, "
            "target_value, target_min, target_max from marts.dim_metrics order by display_order, metric_id"
        )
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]
    targets = {}
    if TARGETS_CSV.exists():
        with TARGETS_CSV.open(newline="", encoding="utf-8") as f:
            targets = {r["metric_id"]: r for r in csv.DictReader(f)}
    rows = []
    with CATALOG_CSV.open(newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            t = targets.get(r["metric_id"], {})
            rows.append(
                {
                    "metric_id": r["metric_id"],
                    "metric_name": r["metric_name"],
                    "unit": r["unit"],
                    "value_type": r["value_type"],
                    "is_spec_metric": r["is_spec_metric"].strip().lower() == "true",
                    "target_direction": t.get("direction") or None,
                    "target_value": float(t["target_value"]) if t.get("target_value") else None,
                    "target_min": float(t["target_min"]) if t.get("target_min") else None,
                    "target_max": float(t["target_max"]) if t.get("target_max") else None,
                }
            )
    return rows


def _number(x: float, unit: str) -> str:
    if unit in ("percent",):
        return f"{x:,.1f} %"
    if unit in ("tickets", "messages", "conversations", "orders"):
        return f"{x:,.0f}"
    if unit == "currency":
        return f"{x:,.2f}"
    return f"{x:,.1f}" + {"minutes": " min", "seconds": " s"}.get(unit, "")


def _format_target(meta: dict) -> str:
    unit = meta.get("unit") or ""
    direction = meta.get("target_direction")
    if direction == "between":
        return f"{_number(meta['target_min'], unit)} - {_number(meta['target_max'], unit)}"
    if direction == "at_least":
        return f">= {_number(meta['target_value'], unit)}"
    if direction == "at_most":
        return f"<= {_number(meta['target_value'], unit)}"
    return ""


def scorecard_lines(con: duckdb.DuckDBPyConnection, month: date | str | None = None) -> tuple[date | None, list[ScorecardLine]]:
    """The month's scorecard for dimension 'all', in catalog order (month None = last complete month)."""
    start = _month_start(month) or last_complete_month(con)
    if start is None:
        return None, []
    values = {
        r[0]: (r[1], r[2])
        for r in con.execute(
            """
            select metric_id, value, meets_target
            from marts.kpi_scorecard
            where period_grain = 'month' and dimension = 'all' and period_start = ?
            """,
            [start],
        ).fetchall()
    }
    lines = []
    for meta in _catalog(con):
        if meta["metric_id"] not in values:
            continue
        value, met = values[meta["metric_id"]]
        lines.append(
            ScorecardLine(
                metric_id=meta["metric_id"],
                metric_name=meta["metric_name"],
                unit=meta["unit"] or "",
                value=value,
                target=_format_target(meta),
                met=met,
                is_spec_metric=bool(meta["is_spec_metric"]),
            )
        )
    return start, lines


def format_scorecard(start: date | None, lines: list[ScorecardLine]) -> str:
    if start is None or not lines:
        return "KPI scorecard: no monthly data yet."
    header = ("metric", "value", "target", "met")
    rows = [
        (
            line.metric_id,
            "-" if line.value is None else _number(line.value, line.unit),
            line.target,
            "" if line.met is None else ("yes" if line.met else "NO"),
        )
        for line in lines
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    fmt = f"{{:<{widths[0]}}}  {{:>{widths[1]}}}  {{:>{widths[2]}}}  {{:<{widths[3]}}}"
    met = sum(1 for line in lines if line.met is True)
    judged = sum(1 for line in lines if line.met is not None)
    out = [f"KPI scorecard {start:%B %Y} (all channels; {met} of {judged} targets met)"]
    out.append(fmt.format(*header).rstrip())
    out.append("  ".join("-" * w for w in widths))
    out.extend(fmt.format(*r).rstrip() for r in rows)
    return "\n".join(out)


def print_scorecard(
    con_or_path: duckdb.DuckDBPyConnection | str | Path,
    month: date | str | None = None,
    *,
    file: TextIO | None = None,
) -> list[ScorecardLine]:
    """Print one month of kpi_scorecard for dimension 'all' (metric, value, target, met).

    `con_or_path`: an open DuckDB connection, or the path of the build database or of the
    published marts.duckdb (opened read-only). `month`: a date or 'YYYY-MM'; None = the last
    complete month of the data. Returns the printed lines (empty when there is no data).
    """
    if isinstance(con_or_path, (str, Path)):
        con = config.connect_build(con_or_path, read_only=True)
        try:
            return print_scorecard(con, month, file=file)
        finally:
            con.close()
    start, lines = scorecard_lines(con_or_path, month)
    print(format_scorecard(start, lines), file=file or sys.stdout)
    return lines
