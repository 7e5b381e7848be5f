"""Shared pytest fixtures: a throw-away landing folder and build database per test, and one small
generated warehouse built with dbt per session (``small_build``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from support_warehouse import load
from support_warehouse.contract import ENTITIES


# How `make test` (`pytest -n 2 --dist loadfile`) shares the suite between its two workers: each
# module is one unit of work (its module fixtures built once), except that the modules reading the
# session's `small_build` form one unit, so one worker builds and publishes it (two workers would
# each build it). The longest units (a Spark build, many dbt builds or Dagster nights) start first
# and the short ones fill in beside them at the end.
SMALL_BUILD_GROUP = "small_build"
SMALL_BUILD_MODULES = frozenset({
    "test_alerts_check.py", "test_analyses.py", "test_column_rules.py", "test_dashboard.py",
    "test_dashboard_browser.py", "test_dbt_unit_tests.py", "test_docs_site.py", "test_outcome_facts.py",
    "test_scorecard.py", "test_semantic_layer.py", "test_ticket_facts.py",
})
LONGEST_FIRST = (
    "test_spark.py", "test_incremental.py", "test_reliability.py", SMALL_BUILD_GROUP,
    "test_bad_values_private.py", "test_bench.py", "test_pii_hashes.py", "test_sql_style.py",
    "test_orchestration.py", "test_zendesk.py", "test_intercom.py", "test_connectors_mixed.py",
)


def work_unit(nodeid: str) -> str:
    module = nodeid.split("::", 1)[0]
    return SMALL_BUILD_GROUP if Path(module).name in SMALL_BUILD_MODULES else module


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    from xdist.scheduler import LoadFileScheduling

    class SharedBuildScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return SharedBuildScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    users = {item.path.name for item in items if "small_build" in getattr(item, "fixturenames", ())}
    if not users <= SMALL_BUILD_MODULES:
        raise pytest.UsageError(f"add {sorted(users - SMALL_BUILD_MODULES)} to SMALL_BUILD_MODULES (tests/conftest.py)")
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(Path(work_unit(item.nodeid)).name, len(rank)))  # stable: file order otherwise


# Python source for probe processes: `thp_enabled()` is the THP_enabled flag a freshly started child
# process sees (/proc/self/status), i.e. what the warehouse's dbt and bench steps would inherit.
THP_ENABLED_SOURCE = """
import subprocess

def thp_enabled():
    status = subprocess.run(["cat", "/proc/self/status"], capture_output=True, text=True, check=True).stdout
    return next(line.split()[1] for line in status.splitlines() if line.startswith("THP_enabled:"))
"""


class Landing:
    """A landing folder under tmp_path with helpers to drop extract files into it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def path(self, entity: str, name: str) -> Path:
        p = self.root / entity / name
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def write(self, entity: str, name: str, content: str | bytes) -> Path:
        p = self.path(entity, name)
        if isinstance(content, str):
            p.write_bytes(content.encode("utf-8"))
        else:
            p.write_bytes(content)
        return p

    def csv(self, entity: str, name: str, rows: list[list[str]], header: list[str] | None = None,
            delimiter: str = ",", newline: str = "\n", trailing_newline: bool = True) -> Path:
        cols = header if header is not None else list(ENTITIES[entity].required)
        lines = [delimiter.join(cols), *(delimiter.join(r) for r in rows)]
        text = newline.join(lines) + (newline if trailing_newline else "")
        return self.write(entity, name, text)


def ticket_row(i: int, **overrides: str) -> list[str]:
    """A valid tickets row in contract column order."""
    values = {
        "ticket_id": f"T{i}",
        "customer_id": f"C{i % 7}",
        "channel": "email",
        "ticket_type": "billing",
        "priority": "normal",
        "status": "open",
        "assignee_id": "A1",
        "created_at": "2026-10-01T08:00:00Z",
        "updated_at": "2026-10-01T09:30:00+02:00",
    }
    values.update(overrides)
    return [values[c] for c in ENTITIES["tickets"].required]


def customer_row(i: int) -> list[str]:
    return [f"C{i}", f"Name {i}", f"c{i}@example.com", "standard", "DE", "2026-01-01T00:00:00Z", ""]


@pytest.fixture(scope="session")
def night_stage(tmp_path_factory: pytest.TempPathFactory):
    """This worker's stable warehouse link, dbt target folder and nights' folders (tests/nights.py)."""
    from tests.nights import NightStage, scratch_root

    with scratch_root(tmp_path_factory) as root:
        yield NightStage(root)


@pytest.fixture
def landing(tmp_path: Path) -> Landing:
    return Landing(tmp_path / "landing")


@pytest.fixture
def warehouse_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def con(warehouse_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    monkeypatch.setenv("SW_DUCKDB_MEMORY_LIMIT", "1GB")
    monkeypatch.setenv("SW_DUCKDB_THREADS", "2")
    c = load.connect(warehouse_path)
    try:
        yield c
    finally:
        c.close()


# ------------------------------------------------------------------ one dbt-built warehouse per session

SMALL_BUILD_END_DATE = date(2026, 10, 31)


@pytest.fixture(scope="session")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Generated extracts (2,000 tickets, 120 days to 2026-10-31, 2% bad rows, seed 5), loaded, then
    ``dbt seed`` and ``dbt run`` of every model in a throw-away database and target dir.

    Shared by the end-to-end tests (outcome facts, scorecard, dbt unit tests), which run their own
    ``dbt test`` selections on it through ``dbt(args)`` (same database, dirs and environment): a
    failing test of one area never skips another area's models. Read-only for its users.
    """
    from support_warehouse.dbt_runner import run_dbt, summarize
    from support_warehouse.generate import generate

    root = tmp_path_factory.mktemp("small_build")
    landing = root / "landing"
    warehouse = root / "warehouse.duckdb"
    generate(landing, tickets=2000, days=120, seed=5, bad_rows_share=0.02, end_date=SMALL_BUILD_END_DATE, nights=0)

    con = load.connect(warehouse)
    try:
        results = load.load_all(con, landing)
    finally:
        con.close()
    assert not [e for e, r in results.items() if r.error], results

    dirs = {"warehouse": warehouse, "target_path": root / "target", "log_path": root / "logs"}

    def dbt(args: list[str]) -> Any:
        mp = pytest.MonkeyPatch()
        mp.delenv("SW_REPORTING_TZ", raising=False)  # months are UTC in the tests' own computations
        mp.setenv("SW_DUCKDB_MEMORY_LIMIT", "1GB")
        try:
            return summarize(run_dbt(args, **dirs))
        finally:
            mp.undo()

    seeded = dbt(["seed"])
    assert not seeded.has_errors, seeded
    ran = dbt(["run"])
    assert not ran.has_errors, [n.describe() for n in ran.node_errors] or ran.exception
    return {"landing": landing, "warehouse": warehouse, "dbt": dbt}


SmallBuildDbt = Callable[[list[str]], Any]


@pytest.fixture(scope="session")
def small_scorecard(small_build: dict[str, Any]) -> Any:
    """``small_build``'s ``marts.kpi_scorecard`` as a pandas DataFrame, read once per session."""
    from support_warehouse import config

    con = config.connect_build(small_build["warehouse"], read_only=True)
    try:
        return con.execute("select * from marts.kpi_scorecard").df()
    finally:
        con.close()


@pytest.fixture(scope="session")
def demo_publication(small_build: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``small_build``'s marts (alerts included) published once per session into a throw-away publish
    folder: what the dashboard tests read. Publishing only reads the build database."""
    from support_warehouse.publish import publish

    publish_dir = tmp_path_factory.mktemp("demo_publication") / "published"
    publish(small_build["warehouse"], publish_dir)
    return publish_dir
