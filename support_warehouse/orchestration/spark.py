"""What the ``nightly_refresh`` job does differently on the dbt target ``spark`` (same job graph).

dbt-spark's ``session`` method starts Spark inside the dbt process (a subprocess of the Dagster
step), and the embedded Derby metastore admits one JVM at a time. So the Spark work outside dbt
runs in short-lived Python processes of its own, each finished before the next step starts:

* raw loads: the first raw asset of a run starts ``python -m support_warehouse.load_spark
  --load-only`` for every entity at once (one JVM start instead of twelve) and writes a JSON
  report; every raw asset then reports its own entity from it;
* after ``dbt build``: ``--export-build`` copies the marts, audit and loader tables into a DuckDB
  mirror (``config.spark_mirror_path()``), which publishing and the rejected-rows checks read as
  they read the build database on the duckdb target.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from support_warehouse import config

# A run that loads nothing still starts a JVM: generous, the slow part on a cluster is the data.
LOAD_TIMEOUT_S = int(os.environ.get("SW_SPARK_STEP_TIMEOUT", "7200"))


class SparkStepError(RuntimeError):
    """The Spark subprocess failed (not a data problem of one entity): the step retries."""


def is_spark() -> bool:
    return config.dbt_target() == "spark"


def _env() -> dict[str, str]:
    # Absolute, so the loader, dbt (cwd = project dir) and the export agree on the folder.
    os.environ["SW_SPARK_WAREHOUSE_DIR"] = str(config.spark_warehouse_dir().resolve())
    return dict(os.environ)


def _run(args: list[str], what: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "support_warehouse.load_spark", *args],
        cwd=str(config.REPO_ROOT), env=_env(), capture_output=True, text=True, timeout=LOAD_TIMEOUT_S,
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-30:])
        raise SparkStepError(f"Spark {what} failed (exit {proc.returncode}):\n{tail}")


def load_entity(landing: Path, entity: str, run_id: str) -> dict[str, Any]:
    """The Spark load report of `entity` for this run; the first caller of a run loads them all."""
    runs = config.spark_warehouse_dir() / "_loads"
    runs.mkdir(parents=True, exist_ok=True)
    report = runs / f"{run_id}.json"
    with open(runs / f"{run_id}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not report.exists():
            _forget_old_reports(runs)
            _run(
                ["--landing", str(landing), "--load-only", "--load-id", run_id, "--results-json", str(report)],
                "raw load",
            )
    return json.loads(report.read_text())[entity]


def _forget_old_reports(runs: Path, keep_s: float = 7 * 86400) -> None:
    """Load reports are read within their run (and its step retries): drop those of old runs."""
    import time

    for p in runs.iterdir():
        try:
            if time.time() - p.stat().st_mtime > keep_s:
                p.unlink()
        except OSError:
            pass


def export_build() -> Path:
    """Mirror the Spark build into DuckDB for publishing and checks; returns the mirror's path."""
    mirror = config.spark_mirror_path()
    _run(["--export-build", str(mirror)], "export of the marts")
    return mirror
