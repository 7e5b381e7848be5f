"""Source freshness (support_warehouse.freshness): dbt's thresholds against the newest raw row."""

from __future__ import annotations

from datetime import timedelta

from support_warehouse import load
from support_warehouse.freshness import evaluate, thresholds_from_manifest

from conftest import ticket_row  # tests/ is on sys.path (rootdir conftest)

# The shape dbt writes for a source with loaded_at_field and freshness (manifest.json "sources").
MANIFEST = {
    "sources": {
        "source.support_warehouse.helpdesk.tickets": {
            "name": "tickets",
            "loaded_at_field": "_loaded_at",
            "freshness": {"warn_after": {"count": 36, "period": "hour"}, "error_after": {"count": 4, "period": "day"}},
        },
        "source.support_warehouse.loader._loaded_files": {
            "name": "_loaded_files", "loaded_at_field": None,
            "freshness": {"warn_after": {"count": None, "period": None}, "error_after": {"count": None, "period": None}},
        },
    }
}


def test_an_entity_that_stops_receiving_rows_warns_then_errors(con, landing):
    limits = thresholds_from_manifest(MANIFEST, ["tickets", "customers"])
    assert set(limits) == {"tickets"} and (limits["tickets"].warn_hours, limits["tickets"].error_hours) == (36, 96)
    t = limits["tickets"]
    load.ensure_raw_schema(con)
    assert evaluate(con, "tickets", t).status == "warn"  # nothing loaded ever

    landing.csv("tickets", "t.csv", [ticket_row(1)])
    load.load_entity(con, landing.root, "tickets")
    loaded_at = con.execute("select max(_loaded_at) from raw.tickets").fetchone()[0]

    def at(hours):
        return evaluate(con, "tickets", t, now=loaded_at + timedelta(hours=hours))

    # 35 h < 36 h: fresh; 36 h reaches warn_after; 4 days = 96 h reaches error_after.
    assert at(35).status == "pass" and at(36).status == "warn" and at(95.9).status == "warn"
    stale = at(96)
    assert stale.status == "error" and stale.age_hours == 96
    assert stale.description == (
        f"tickets: stale, last row loaded 96.0 h ago at {loaded_at:%Y-%m-%d %H:%M} UTC "
        "(warn after 36 h, error after 96 h)"
    )
