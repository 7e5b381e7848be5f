"""Run dbt in-process (``dbtRunner``) against this repository's project and profile.

``run_dbt(["build"])`` is ``dbt build --project-dir <repo> --profiles-dir <repo> --target <t>
--target-path <SW_DBT_TARGET_PATH> --log-path <SW_DBT_TARGET_PATH>/logs`` with ``SW_WAREHOUSE_PATH``
set to the configured (absolute) build database, so ``profiles.yml`` finds it whatever the working
directory, and two processes with their own SW_DBT_TARGET_PATH never share artifacts. ``summarize(result)`` turns the result into counts and
failing test names with their messages (``summarize_run_results``: the same from a run_results.json).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from datetime import datetime
from typing import Any

from . import config

_TEST_TYPES = ("test", "unit_test")


def _has_option(args: list[str], *names: str) -> bool:
    return any(a == n or a.startswith(n + "=") for a in args for n in names)


def dbt_args(
    args: list[str],
    target: str | None = None,
    *,
    project_dir: Path | None = None,
    target_path: Path | None = None,
    log_path: Path | None = None,
) -> list[str]:
    """The full argument list run_dbt passes to dbt (options go after the sub-command)."""
    project = Path(project_dir or config.DBT_PROJECT_DIR)
    full = list(args)
    if not _has_option(full, "--project-dir"):
        full += ["--project-dir", str(project)]
    if not _has_option(full, "--profiles-dir"):
        full += ["--profiles-dir", str(project)]
    if not _has_option(full, "--target", "-t"):
        full += ["--target", target or config.dbt_target()]
    if not _has_option(full, "--target-path"):
        target_path = Path(target_path) if target_path is not None else config.dbt_target_path()
        full += ["--target-path", str(target_path)]
    if not _has_option(full, "--log-path") and (log_path is not None or "DBT_LOG_PATH" not in os.environ):
        log_path = Path(log_path) if log_path is not None else Path(full[full.index("--target-path") + 1]) / "logs"
        full += ["--log-path", str(log_path)]
    return full


def run_dbt(
    args: list[str],
    target: str | None = None,
    *,
    warehouse: Path | None = None,
    project_dir: Path | None = None,
    target_path: Path | None = None,
    log_path: Path | None = None,
    callbacks: list[Any] | None = None,
) -> Any:
    """Invoke dbt programmatically; returns dbt's ``dbtRunnerResult`` (never raises for dbt
    failures: look at ``.success`` / ``.exception`` or use ``summarize``)."""
    from dbt.cli.main import dbtRunner  # heavy import, only when dbt actually runs

    target = target or config.dbt_target()
    warehouse_path = Path(warehouse) if warehouse is not None else config.warehouse_path()
    env = {
        "SW_WAREHOUSE_PATH": str(warehouse_path.resolve()),
        "SW_DBT_TARGET": target,
    }
    if target == "spark":
        # on DuckDB the dbt-duckdb plugin support_warehouse.dbt_duckdb_pii hands over the key
        env.update(config.spark_pii_env())
    full = dbt_args(args, target, project_dir=project_dir, target_path=target_path, log_path=log_path)
    with config.env_overrides(env):
        try:
            return dbtRunner(callbacks=callbacks).invoke(full)
        finally:
            _release_duckdb()


def loaded_through(warehouse: Path | None = None, *, until: datetime | None = None) -> str | None:
    """The raw layer's load high-water mark: the newest ``loaded_at`` of the ledger
    ``raw._loaded_files`` (of the loads up to ``until``, naive UTC), as ISO text; None before
    the first load."""
    con = config.connect_build(warehouse, read_only=True)
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = '_loaded_files'"
        ).fetchone()[0]
        if not exists:
            return None
        newest = con.execute(
            "select max(loaded_at) from raw._loaded_files where ? is null or loaded_at <= ?", [until, until]
        ).fetchone()[0]
    finally:
        con.close()
    return None if newest is None else newest.isoformat(sep=" ")


# The watermark's environment variable (macro sw_changed_since, the scoped tests' `where`).
CHANGED_SINCE_ENV = "SW_CHANGED_SINCE"


def changed_since_args(changed_since: str | None) -> list[str]:
    """dbt arguments of a night whose incremental models recompute what was loaded after
    ``changed_since`` (macro sw_changed_since); none: everything counts as changed. As a var: dbt
    parses the whole project again whenever it changes (the nightly job uses changed_since_env)."""
    return [] if changed_since is None else ["--vars", json.dumps({"changed_since": changed_since})]


def changed_since_env(changed_since: str | None) -> dict[str, str]:
    """The same watermark as an environment variable of the dbt process: dbt's partial parsing
    re-parses only the files that read it (empty: everything counts as changed)."""
    return {CHANGED_SINCE_ENV: changed_since or ""}


def _release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process after an in-process run.

    dbt-duckdb caches its environment (and the open database) in a class attribute; left open,
    it holds the build file's lock, so this process can neither open it read-only (rejects count)
    nor attach it (publish), and other processes cannot open it at all.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb not installed (spark only)
        return
    with DuckDBConnectionManager._LOCK:
        env, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
        if env is not None:
            env.close()


# ------------------------------------------------------------------------------------- results


@dataclass
class NodeOutcome:
    unique_id: str
    name: str
    resource_type: str
    status: str  # pass, fail, warn, error, skipped, success, ...
    message: str | None = None
    failures: int | None = None  # rows returned by a failing/warning test

    def describe(self) -> str:
        msg = (self.message or "").strip().splitlines()
        text = msg[0] if msg else ""
        return f"{self.name} [{self.status}]" + (f": {text}" if text else "")


@dataclass
class DbtRunSummary:
    """Counts of one dbt invocation. Tests include data tests and unit tests."""

    success: bool
    passed: int = 0
    failed: int = 0  # error-severity tests that failed
    warned: int = 0  # warn-severity tests that failed
    errored: int = 0  # tests that could not run (SQL error)
    skipped: int = 0  # tests skipped (an upstream node failed)
    nodes_ok: int = 0  # models, seeds, snapshots built
    nodes_error: int = 0
    nodes_skipped: int = 0
    test_problems: list[NodeOutcome] = field(default_factory=list)  # failed, errored, warned
    node_errors: list[NodeOutcome] = field(default_factory=list)
    exception: str | None = None  # dbt could not run at all (parse/compile/connection error)

    __test__ = False  # not a pytest test class

    @property
    def failing_tests(self) -> list[NodeOutcome]:
        return [t for t in self.test_problems if t.status in ("fail", "error")]

    @property
    def warning_tests(self) -> list[NodeOutcome]:
        return [t for t in self.test_problems if t.status == "warn"]

    @property
    def has_errors(self) -> bool:
        """An error-level failure: a failed or errored test, a node error, or dbt not running."""
        return bool(
            self.failed or self.errored or self.nodes_error or self.exception or not self.success
        )


def _status(value: Any) -> str:
    return str(getattr(value, "value", value)).lower()


def _count(summary: DbtRunSummary, outcome: NodeOutcome) -> None:
    if outcome.resource_type in _TEST_TYPES:
        if outcome.status == "pass":
            summary.passed += 1
        elif outcome.status == "fail":
            summary.failed += 1
            summary.test_problems.append(outcome)
        elif outcome.status == "warn":
            summary.warned += 1
            summary.test_problems.append(outcome)
        elif outcome.status in ("error", "runtime error"):
            summary.errored += 1
            summary.test_problems.append(outcome)
        else:
            summary.skipped += 1
    elif outcome.status in ("error", "runtime error", "fail"):
        summary.nodes_error += 1
        summary.node_errors.append(outcome)
    elif outcome.status == "skipped":
        summary.nodes_skipped += 1
    else:
        summary.nodes_ok += 1


def summarize(result: Any) -> DbtRunSummary:
    """Per-node outcome counts of a ``dbtRunnerResult`` (build, test, run, seed)."""
    summary = DbtRunSummary(success=bool(getattr(result, "success", False)))
    exc = getattr(result, "exception", None)
    if exc is not None:
        summary.exception = f"{type(exc).__name__}: {exc}"
    for rr in getattr(getattr(result, "result", None), "results", None) or []:
        node = getattr(rr, "node", None)
        _count(summary, NodeOutcome(
            unique_id=getattr(node, "unique_id", "?"),
            name=getattr(node, "name", "?"),
            resource_type=_status(getattr(node, "resource_type", "?")),
            status=_status(rr.status),
            message=getattr(rr, "message", None),
            failures=getattr(rr, "failures", None),
        ))
    return summary


def summarize_run_results(results: list[dict[str, Any]], *, success: bool) -> DbtRunSummary:
    """The same counts from the ``results`` of a ``run_results.json`` (a dbt build run in another
    process, e.g. the Dagster job's dbt step). ``success``: whether that invocation succeeded."""
    summary = DbtRunSummary(success=success)
    for r in results:
        uid = str(r.get("unique_id", "?"))
        parts = uid.split(".")
        # <type>.<package>.<name>[.<hash>]; a unit test's id ends with its name
        name = parts[-1] if parts[0] == "unit_test" else (parts[2] if len(parts) > 2 else uid)
        _count(summary, NodeOutcome(
            unique_id=uid, name=name, resource_type=parts[0], status=_status(r.get("status")),
            message=r.get("message"), failures=r.get("failures"),
        ))
    return summary
