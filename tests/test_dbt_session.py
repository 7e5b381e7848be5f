"""DuckDB settings of dbt's connection come from the environment (profiles.yml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support_warehouse.dbt_runner import run_dbt

SETTINGS_SQL = (
    "select current_setting('memory_limit') as memory_limit, "
    "current_setting('block_allocator_memory') as block_allocator_memory"
)


def _settings(tmp_path: Path) -> dict[str, str]:
    res = run_dbt(
        ["show", "--inline", SETTINGS_SQL],
        target="duckdb", warehouse=tmp_path / "warehouse.duckdb",
        target_path=tmp_path / "target", log_path=tmp_path / "logs",
    )
    assert res.success, res.exception
    table = res.result.results[0].agate_table
    return dict(zip(table.column_names, table.rows[0]))


@pytest.mark.parametrize(
    ("block_memory", "expected"),
    [(None, "953.6 MiB"), ("256MB", "244.1 MiB")],
    ids=["follows the memory limit", "set on its own"],
)
def test_buffer_blocks_are_kept_for_reuse(tmp_path: Path, monkeypatch, block_memory, expected) -> None:
    """dbt's DuckDB keeps buffer blocks for reuse (block_allocator_memory), up to the memory
    limit unless SW_DUCKDB_BLOCK_ALLOCATOR_MEMORY says otherwise."""
    monkeypatch.setenv("SW_DUCKDB_MEMORY_LIMIT", "1GB")
    if block_memory is None:
        monkeypatch.delenv("SW_DUCKDB_BLOCK_ALLOCATOR_MEMORY", raising=False)
    else:
        monkeypatch.setenv("SW_DUCKDB_BLOCK_ALLOCATOR_MEMORY", block_memory)
    settings = _settings(tmp_path)
    assert settings["memory_limit"] == "953.6 MiB"
    assert settings["block_allocator_memory"] == expected
