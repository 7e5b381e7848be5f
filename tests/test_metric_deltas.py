"""The ticket metrics' delta tracking sees every fct_tickets column they read (issue 27).

int_metric_ticket_dates_tracked fingerprints the columns listed by the macro ticket_metric_inputs
(macros/metrics_marts/metric_deltas.sql): a night recomputes a ticket's days only when that
fingerprint changes. A ticket metric macro or model that starts reading another fct_tickets column must
add it to the list, or a change of that column alone would leave the metric layer stale.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TICKET_METRIC_MODELS = [
    ROOT / "macros/metrics_marts/ticket_metric_observations.sql",
    ROOT / "models/intermediate/metrics/int_metric_measures.sql",
]
# the key (not a metric input: a ticket that leaves fct_tickets is a change of its own)
NOT_INPUTS = {"ticket_id"}


def _fct_tickets_columns() -> set[str]:
    models = yaml.safe_load((ROOT / "models/marts/tickets/_tickets__models.yml").read_text())["models"]
    model = next(m for m in models if m["name"] == "fct_tickets")
    return {c["name"] for c in model["columns"]}


def _ticket_metric_inputs() -> set[str]:
    macro = (ROOT / "macros/metrics_marts/metric_deltas.sql").read_text()
    body = macro.split("macro ticket_metric_inputs", 1)[1].split("endmacro", 1)[0]
    return set(re.findall(r"'(\w+)'", body))


def _words(path: Path) -> set[str]:
    return set(re.findall(r"\w+", path.read_text()))


def test_every_fct_tickets_column_a_ticket_metric_reads_is_fingerprinted() -> None:
    columns = _fct_tickets_columns()
    inputs = _ticket_metric_inputs()
    read = set().union(*(_words(p) for p in TICKET_METRIC_MODELS)) & columns
    # the check can fail: the models do read fct_tickets columns, and the list names only real ones
    assert {"first_solved_date", "is_sla_breached", "interaction_count"} <= read
    assert inputs <= columns, f"not fct_tickets columns: {sorted(inputs - columns)}"
    assert read - NOT_INPUTS <= inputs, f"read by ticket metrics, not fingerprinted: {sorted(read - NOT_INPUTS - inputs)}"


def test_every_read_of_the_watermark_sees_the_nightly_env_var() -> None:
    """The nightly job passes the watermark as env var SW_CHANGED_SINCE (tests pass var
    changed_since): a model that reads only the var sees no watermark at night and recomputes
    everything (int_metric_ticket_days_changed did: every tracked day, every night)."""
    reads = []
    for path in [*ROOT.glob("models/**/*.sql"), *ROOT.glob("models/**/*.yml"), *ROOT.glob("macros/**/*.sql")]:
        text = path.read_text()
        reads += [(path.name, m.group(0)) for m in re.finditer(r"var\(\s*'changed_since'\s*,[^)]*\)?", text)]
    # the check can fail: the metric change sets and many scoped tests read the watermark
    assert len(reads) > 20 and any(name == "int_metric_ticket_days_changed.sql" for name, _ in reads)
    blind = [(name, read) for name, read in reads if "env_var('SW_CHANGED_SINCE'" not in read]
    assert not blind, f"read var changed_since without the env var fallback: {blind}"
