"""docs/metrics.md, the project's metric definitions, rendered from the seeds that drive the marts.

seeds/metric_catalog.csv (definitions, dating rules, dimensions, grains, source articles) and
seeds/metric_targets.csv (targets, where they come from, minimum samples) are the single source;
this module turns them into Markdown so the document cannot drift from what kpi_scorecard computes
(tests/test_metric_docs.py fails when docs/metrics.md differs from ``render()``).

    python -m support_warehouse.metric_docs          # rewrite docs/metrics.md
    python -m support_warehouse.metric_docs --check  # exit 1 when docs/metrics.md is stale
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from .config import REPO_ROOT

CATALOG_CSV = REPO_ROOT / "seeds" / "metric_catalog.csv"
TARGETS_CSV = REPO_ROOT / "seeds" / "metric_targets.csv"
METRICS_MD = REPO_ROOT / "docs" / "metrics.md"

ARTICLES = {
    "000": "eDesk, 4 customer-support metrics (Korean)",
    "001": "Nextiva, 17 customer-service KPIs (Korean)",
    "002": "3 metrics to measure customer satisfaction (Korean)",
    "003": "eDesk, 9 e-commerce customer-service metrics (Chinese)",
    "004": "Intercom, 5 conversational-support metrics (Chinese)",
}

CATEGORIES = [
    ("volume", "Volume and workload"),
    ("speed", "Speed"),
    ("effectiveness", "Effectiveness"),
    ("customer", "Customer outcome"),
]

DIMENSIONS = {
    "all": "all rows together (dimension_value 'all')",
    "channel": "ticket or call channel (email, chat, phone, ...)",
    "agent": "agent_id: the assignee for ticket metrics, the replier for reply metrics, the first "
             "replier (else the assignee) for SLA metrics, the surveyed ticket's agent for surveys, "
             "the answering agent for calls; '(unassigned)' when none",
    "team": "the team of that agent; '(unassigned)' when none",
    "ticket_type": "the ticket's type",
    "marketplace": "the review's marketplace",
    "tier": "the customer's tier (standard, premium, enterprise)",
    "priority": "the ticket's priority (low, normal, high, urgent): speed metrics",
}

VALUE_TYPES = {
    "count": "count: value = numerator",
    "percentage": "percentage: value = 100 x numerator / denominator",
    "ratio": "ratio: value = numerator / denominator",
    "percentile": "percentile (percentile_cont); denominator = values ranked",
}

DIRECTIONS = {"at_least": ">=", "at_most": "<="}

HEADER = """\
# Metric definitions

The warehouse's own definition of every `metric_id` in `kpi_scorecard`: what it counts, the event
that dates it, the cuts and grains it is published at, its target and where that target comes
from, and the source articles. **Generated** from `seeds/metric_catalog.csv` and
`seeds/metric_targets.csv` by `python -m support_warehouse.metric_docs`; edit the seeds, then
regenerate (a test fails when this file is stale).

## Conventions

- Periods are calendar days, ISO weeks (starting Monday) and calendar months in the reporting
  timezone (dbt var `reporting_timezone`, env `SW_REPORTING_TZ`, default UTC); `period_start` is the first day.
- A metric is dated by the event it measures (the *dated by* line of each metric).
- Percentages are 0-100. Medians and p90 are continuous percentiles (`percentile_cont`).
- "Agent reply" means a public message by an agent; bot and system messages are not responses.
- `value` follows from `numerator` and `denominator` by the metric's value type, so a BI tool
  re-aggregates any cut as sum(numerator) / sum(denominator) (percentiles excepted).
- Each metric is published per dimension value of the dimensions it lists; a missing attribute
  is labelled `(unknown)` (`(unassigned)` for agent and team) so every observation counts in
  every cut. Dimensions:
{dimensions}

## Targets and small samples

`target` and `meets_target` come from `seeds/metric_targets.csv`. Each target names the article
that states it (`source_article`), or is marked a house default (`is_house_default`) when no
article gives a number; replace house defaults with your team's own. A target is judged only on
at least `min_sample` observations (the row's denominator: answers, calls, tickets, orders or
worked days): below it `meets_target` is null, `is_small_sample` is true and `target_status` is
`small_sample`, so one CSAT answer does not make an agent-day 0 % "missed" or 100 % "met".

## Coverage

A metric is published only for periods its inputs cover. Rows exist only where the period has
observations; `churn_rate`, whose population (customers) exists long before the extracts record
any churn, is published from the period of the first recorded `churned_at` on (var
`churn_recorded_since` overrides it). Rules like these that shape a value are part of each
definition below.

## Source articles

{articles}
"""


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _number(text: str) -> str:
    value = float(text)
    return str(int(value)) if value.is_integer() else str(value)


def target_text(target: dict[str, str] | None) -> str:
    if target is None:
        return "none"
    if target["direction"] == "between":
        bound = f"between {_number(target['target_min'])} and {_number(target['target_max'])}"
    else:
        bound = f"{DIRECTIONS[target['direction']]} {_number(target['target_value'])}"
    if target["is_house_default"].strip().lower() == "true":
        origin = "house default"
    else:
        origin = f"article {target['source_article']}"
    return (f"{bound} ({origin}: {target['source_note']}); judged from at least "
            f"{_number(target['min_sample'])} observations")


def semantic_layer_text(row: dict[str, str]) -> str:
    """How to ask MetricFlow for the metric, or the catalog's reason it cannot be asked."""
    note = row.get("semantic_layer_note", "").strip()
    if note:
        return f"not defined: {note}"
    return f"`mf query --metrics {row['metric_id']}` (README \"Semantic layer and docs site\")"


def render(catalog: list[dict[str, str]] | None = None, targets: list[dict[str, str]] | None = None) -> str:
    catalog = _read(CATALOG_CSV) if catalog is None else catalog
    targets = _read(TARGETS_CSV) if targets is None else targets
    by_metric = {t["metric_id"]: t for t in targets}
    out = [HEADER.format(
        dimensions="\n".join(f"  - `{name}`: {text}" for name, text in DIMENSIONS.items()),
        articles="\n".join(f"- `{code}`: {title}" for code, title in ARTICLES.items()),
    )]
    for category, title in CATEGORIES:
        rows = sorted((r for r in catalog if r["category"] == category), key=lambda r: int(r["display_order"]))
        if not rows:
            continue
        out.append(f"## {title}\n")
        for r in rows:
            articles = ", ".join(r["source_articles"].split())
            extra = "" if r["is_spec_metric"].strip().lower() == "true" else " (documented extra)"
            lines = [
                f"### `{r['metric_id']}`: {r['metric_name']}{extra}",
                "",
                r["description"],
                "",
                f"- Dated by: {r['dated_by']}",
                f"- Dimensions: {', '.join(r['dimensions'].split())}",
                f"- Grains: {', '.join(r['grains'].split())}",
                f"- Unit: {r['unit']}; {VALUE_TYPES[r['value_type']]}; aggregation `{r['aggregation']}`"
                + (f" of `{r['derived_from']}`" if r["derived_from"] else ""),
                f"- Target: {target_text(by_metric.get(r['metric_id']))}",
                f"- Source articles: {articles}",
                f"- Semantic layer: {semantic_layer_text(r)}",
                "",
            ]
            out.append("\n".join(lines))
    return "\n".join(out).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render docs/metrics.md from the metric seeds.")
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/metrics.md is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = METRICS_MD.read_text(encoding="utf-8") if METRICS_MD.exists() else ""
        if current != text:
            print(f"{METRICS_MD} is stale: run python -m support_warehouse.metric_docs", file=sys.stderr)
            return 1
        return 0
    METRICS_MD.write_text(text, encoding="utf-8")
    print(f"wrote {METRICS_MD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
