"""The Python contract and the dbt project describe the same input; they must not drift apart."""

from pathlib import Path

import yaml

from support_warehouse.contract import ACCEPTED_VALUES, ENTITIES, SCALE_RANGES

ROOT = Path(__file__).resolve().parent.parent

# contract.ACCEPTED_VALUES key -> dbt var accepted_values name
DBT_LISTS = {
    ("customers", "tier"): "customer_tier",
    ("tickets", "priority"): "ticket_priority",
    ("tickets", "status"): "ticket_status",
    ("ticket_status_changes", "status"): "ticket_status",
    ("ticket_messages", "author_type"): "author_type",
    ("survey_responses", "survey_type"): "survey_type",
    ("survey_responses", "scale"): "survey_scale",
    ("orders", "status"): "order_status",
    ("self_service_sessions", "source"): "self_service_source",
}


def test_accepted_values_match_dbt_vars():
    dbt_vars = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]["accepted_values"]
    assert set(DBT_LISTS) == set(ACCEPTED_VALUES)
    for key, values in ACCEPTED_VALUES.items():
        assert tuple(dbt_vars[DBT_LISTS[key]]) == values, key


def test_sources_declare_every_required_column():
    sources = yaml.safe_load((ROOT / "models/staging/_staging__sources.yml").read_text())["sources"]
    declared = {
        (src["name"], table["name"]): {c["name"] for c in table.get("columns", [])}
        for src in sources
        for table in src["tables"]
    }
    for entity in ENTITIES.values():
        columns = declared[(entity.source, entity.name)]
        missing = set(entity.raw_columns) - columns
        assert not missing, f"{entity.name}: {missing}"


def test_survey_scale_ranges_match_the_macro():
    macro = (ROOT / "macros/staging/survey_scales.sql").read_text()
    for scale, (low, high) in SCALE_RANGES.items():
        assert f"'{scale}': [{low}, {high}]" in macro
