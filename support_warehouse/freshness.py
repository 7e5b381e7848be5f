"""Source freshness: how long since each entity last received a row, against dbt's thresholds.

The thresholds are dbt's own source freshness (models/staging/_staging__sources.yml:
``loaded_at_field: _loaded_at``, ``warn_after`` / ``error_after`` per entity from the vars
``source_freshness_warn_hours[__<entity>]`` and ``source_freshness_error_hours[__<entity>]``), read
from the parsed manifest, so ``dbt source freshness`` and the nightly Dagster check
``source_is_fresh`` judge alike. An entity whose files are quarantined or stop arriving stops
changing while every load "succeeds": this is what says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_PERIOD_HOURS = {"minute": 1 / 60, "hour": 1.0, "day": 24.0}


@dataclass(frozen=True)
class Thresholds:
    loaded_at_field: str
    warn_hours: float | None
    error_hours: float | None


@dataclass(frozen=True)
class Freshness:
    entity: str
    status: str  # "pass" | "warn" | "error"
    age_hours: float | None  # None: no row ever loaded
    description: str


def _hours(after: Mapping[str, Any] | None) -> float | None:
    if not after or after.get("count") is None or after.get("period") is None:
        return None
    return float(after["count"]) * _PERIOD_HOURS[str(after["period"])]


def thresholds_from_manifest(manifest: Mapping[str, Any], entities: list[str]) -> dict[str, Thresholds]:
    """entity -> its source's thresholds (entities without a freshness declaration are left out)."""
    out: dict[str, Thresholds] = {}
    for node in manifest.get("sources", {}).values():
        name = node.get("name")
        if name not in entities or not node.get("loaded_at_field"):
            continue
        fresh = node.get("freshness") or {}
        t = Thresholds(node["loaded_at_field"], _hours(fresh.get("warn_after")), _hours(fresh.get("error_after")))
        if t.warn_hours is not None or t.error_hours is not None:
            out[name] = t
    return out


def evaluate(con: Any, entity: str, t: Thresholds, now: datetime | None = None) -> Freshness:
    """Age of raw.<entity>'s newest row (by its loaded_at_field, UTC) against the thresholds."""
    field = '"' + t.loaded_at_field.replace('"', '""') + '"'
    latest = con.execute(f'select max({field}) from raw."{entity}"').fetchone()[0]
    limits = f"warn after {t.warn_hours:g} h, error after {t.error_hours:g} h"
    if latest is None:
        return Freshness(entity, "warn", None, f"{entity}: no row loaded yet ({limits})")
    now = (now or datetime.now(UTC)).replace(tzinfo=None)
    age = (now - latest).total_seconds() / 3600
    if t.error_hours is not None and age >= t.error_hours:
        status = "error"
    elif t.warn_hours is not None and age >= t.warn_hours:
        status = "warn"
    else:
        status = "pass"
    verdict = {"pass": "fresh", "warn": "stale", "error": "stale"}[status]
    return Freshness(
        entity, status, age,
        f"{entity}: {verdict}, last row loaded {age:.1f} h ago at {latest:%Y-%m-%d %H:%M} UTC ({limits})",
    )
