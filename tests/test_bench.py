"""The benchmark's baselines compute the warehouse's numbers (issue 8).

bench/floor.sql (bare DuckDB) and bench/pandas_baseline.py read the CSV extracts directly; both
must give kpi_scorecard's monthly `dimension = 'all'` rows - every metric, every month, value,
numerator and denominator - or the bench compares the pipeline with something cheaper than it.
A small dataset is generated with one nightly file per entity and loaded in two loads (history,
then the night), as the nightly refresh does, and built with dbt.

The last test runs `support-warehouse bench` end to end on a tiny dataset (two refreshes through
Dagster, a few minutes on two cores; SW_BENCH_TEST=0 skips it).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from support_warehouse import config, load
from support_warehouse.bench import agreement, run_floor
from support_warehouse.dbt_runner import run_dbt, summarize
from support_warehouse.generate import generate

REPO = Path(__file__).resolve().parent.parent


def _pandas_baseline():
    spec = importlib.util.spec_from_file_location("pandas_baseline", REPO / "bench" / "pandas_baseline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("bench_baselines")
    extracts, landing, warehouse = work / "extracts", work / "landing", work / "warehouse.duckdb"
    generate(out_dir=extracts, tickets=3000, days=60, seed=3, bad_rows_share=0.02, end_date=date(2026, 10, 31),
             nights=1)
    mp = pytest.MonkeyPatch()
    mp.setenv("SW_DUCKDB_MEMORY_LIMIT", "2GB")
    try:
        for pick in (lambda n: n.endswith("_history.csv"), lambda n: not n.endswith("_history.csv")):
            for entity_dir in sorted(p for p in extracts.iterdir() if p.is_dir()):
                for f in sorted(entity_dir.glob("*.csv")):
                    if pick(f.name):
                        (landing / entity_dir.name).mkdir(parents=True, exist_ok=True)
                        shutil.copy2(f, landing / entity_dir.name / f.name)
            con = load.connect(warehouse)
            try:
                load.raise_for_errors(load.load_all(con, landing))
            finally:
                con.close()
        res = run_dbt(["build", "--exclude-resource-type", "unit_test", "--exclude-resource-type", "test"],
                      target="duckdb", warehouse=warehouse, target_path=work / "target", log_path=work / "logs")
        assert res.success, summarize(res).node_errors
        yield {"work": work, "landing": landing, "warehouse": warehouse}
    finally:
        mp.undo()


def test_floor_sql_equals_kpi_scorecard(built: dict) -> None:
    out = built["work"] / "floor.parquet"
    run_floor(built["landing"], out)
    compared, problems = agreement(built["warehouse"], out, rel_tol=1e-9)
    assert compared > 100
    assert not problems, f"{len(problems)} of {compared} metric-months differ:\n" + "\n".join(problems[:20])


def test_pandas_baseline_equals_kpi_scorecard(built: dict) -> None:
    result = _pandas_baseline().compute(built["landing"], REPO / "seeds")
    out = built["work"] / "pandas.parquet"
    result.to_parquet(out, index=False)
    compared, problems = agreement(built["warehouse"], out, rel_tol=1e-6)
    assert compared > 100
    assert not problems, f"{len(problems)} of {compared} metric-months differ:\n" + "\n".join(problems[:20])


def test_baselines_cover_every_catalog_metric(built: dict) -> None:
    import duckdb

    out = built["work"] / "floor_all.parquet"
    run_floor(built["landing"], out)
    con = duckdb.connect()
    ids = {r[0] for r in con.execute("select distinct metric_id from read_parquet(?)", [str(out)]).fetchall()}
    catalog = {r[0] for r in con.execute(
        "select metric_id from read_csv(?, header = true, all_varchar = true)",
        [str(REPO / "seeds" / "metric_catalog.csv")]).fetchall()}
    assert catalog <= ids, f"metrics the floor does not compute: {sorted(catalog - ids)}"


@pytest.mark.skipif(os.environ.get("SW_BENCH_TEST", "1") == "0", reason="SW_BENCH_TEST=0")
def test_bench_command_writes_bench_json(tmp_path: Path) -> None:
    workdir = tmp_path / "bench"
    env = dict(os.environ, SW_DUCKDB_MEMORY_LIMIT="2GB")
    exe = Path(sys.executable).with_name("support-warehouse")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "support_warehouse.cli"]
    proc = subprocess.run([*cmd, "bench", "--tickets", "300", "--days", "14", "--workdir", str(workdir)],
                          env=env, cwd=str(config.REPO_ROOT), capture_output=True, text=True, timeout=1800)
    out = json.loads((workdir / "bench.json").read_text())
    for key in ("tickets", "full_s", "night_s", "floor_s", "pandas_s", "full_peak_mb", "night_peak_mb",
                "full_over_floor", "night_over_full", "pandas_over_night"):
        assert out.get(key) is not None, f"bench.json lacks {key}:\n{proc.stdout[-3000:]}"
    assert out["tickets"] == 300
    assert out["full_peak_mb"] > 0 and out["night_peak_mb"] > 0
    assert out["agreement"]["floor"]["mismatches"] == 0, out["agreement"]["floor"]
    assert out["agreement"]["pandas"]["mismatches"] == 0, out["agreement"]["pandas"]
    # the three ratios come last
    tail = [line for line in proc.stdout.strip().splitlines() if line.strip()][-3:]
    assert [t.split()[0] for t in tail] == ["full", "night", "pandas"], proc.stdout[-2000:]
