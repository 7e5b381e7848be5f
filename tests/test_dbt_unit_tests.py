"""Every dbt unit test of the project passes (they are left out of the nightly build).

The night runs ``dbt build --exclude-resource-type unit_test`` (support_warehouse/orchestration/dbt.py,
``NIGHTLY_EXCLUDES``): unit tests check model logic on fixed inputs, not the night's data.
They run here, on the session's small warehouse (tests/conftest.py ``small_build``, where every
model exists, so dbt can read the input columns).
"""

from __future__ import annotations

import json


def test_every_dbt_unit_test_passes(small_build: dict) -> None:
    result = small_build["dbt"](["test", "--select", "test_type:unit"])
    assert result.exception is None, result.exception
    assert not result.test_problems, [t.describe() for t in result.test_problems]
    assert not result.skipped
    manifest = json.loads((small_build["warehouse"].parent / "target" / "manifest.json").read_text())
    unit_tests = [uid for uid in manifest.get("unit_tests", {}) if uid.startswith("unit_test.support_warehouse.")]
    assert unit_tests, "the project has no dbt unit tests"
    assert result.passed == len(unit_tests)
