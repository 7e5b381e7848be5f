"""The production night (the Dagster job ``nightly_refresh``: load, dbt build, publish) for tests, each
night's state in its own folder, at one warehouse path per pytest worker.

dbt re-parses the whole project (~12 CPU-s) when the profile's connection changes, and the
connection holds the warehouse path: nights at a new path each would each parse from scratch, while
production runs every night at one path. So every test night sees its warehouse through the
worker's ``<stage>/current`` symlink, pointed at that night's folder, and shares the worker's dbt
target folder (manifest and partial-parse state): the project is parsed once per worker.

The nights' folders live in memory (/dev/shm) when it has room: a night's Dagster run stores some
4,000 events in SQLite, each committed and synced to disk, which on a shared disk costs more wall
time than the night's dbt build (and ~6 CPU-s of kernel and sync work).
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from support_warehouse import config
from support_warehouse.night import NightReport

SCRATCH_MIN_FREE = 4 * 2**30  # bytes free on /dev/shm for the worker's nights to live there


@contextmanager
def scratch_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder for this worker's nights: on /dev/shm when it has room (removed at the end, it is
    memory), else under pytest's tmp folder (kept, like every tmp_path)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK) and shutil.disk_usage(shm).free >= SCRATCH_MIN_FREE:
        root = Path(tempfile.mkdtemp(prefix="sw-nights-", dir=shm))
        try:
            yield root
        finally:
            shutil.rmtree(root, ignore_errors=True)
    else:
        yield tmp_path_factory.mktemp("nights")


@dataclass(frozen=True)
class NightStage:
    """One per pytest worker (session fixture ``night_stage``); nights within a worker run one at a time."""

    root: Path
    _numbers: Iterator[int] = field(default_factory=itertools.count, compare=False)

    def mktemp(self, name: str) -> Path:
        """A new empty folder for one night's state (landing, warehouse, publication, Dagster home)."""
        path = self.root / f"{name}{next(self._numbers)}"
        path.mkdir()
        return path

    @property
    def target(self) -> Path:
        return self.root / "target"

    def point(self, night_root: Path) -> Path:
        """Point ``current`` at ``night_root`` (atomically); returns the stable path standing for it."""
        link, new = self.root / "current", self.root / "current.new"
        night_root.mkdir(parents=True, exist_ok=True)
        if new.is_symlink():
            new.unlink()
        new.symlink_to(night_root.resolve(), target_is_directory=True)
        os.replace(new, link)
        return link

    def env(self, night_root: Path, **overrides: str) -> dict[str, str]:
        """The settings of a night whose landing, warehouse, publication and Dagster home are under
        ``night_root`` (the warehouse through the stable link); points the link at it."""
        stable = self.point(night_root)
        env = {
            "SW_WAREHOUSE_PATH": str(stable / "warehouse.duckdb"),
            "SW_PUBLISH_DIR": str(night_root / "published"),
            "SW_LANDING_DIR": str(night_root / "landing"),
            "DAGSTER_HOME": str(night_root / "dagster"),
            "SW_DBT_TARGET_PATH": str(self.target),
            "DBT_TARGET_PATH": str(self.target),
            "DBT_LOG_PATH": str(self.root / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "SW_DBT_TARGET": "duckdb",
            "SW_REPORTING_TZ": "UTC",
            "SW_DUCKDB_MEMORY_LIMIT": "1GB",
            "SW_DUCKDB_THREADS": "2",
            "SW_DAGSTER_LOG_LEVEL": "WARNING",
            "DAGSTER_DISABLE_TELEMETRY": "1",
        }
        env.update(overrides)
        return env

    def setenv(self, mp: pytest.MonkeyPatch, night_root: Path, **overrides: str) -> None:
        for k, v in self.env(night_root, **overrides).items():
            mp.setenv(k, v)

    def own_target(self, mp: pytest.MonkeyPatch, night_root: Path) -> Path:
        """For a night under other dbt vars or profile settings: the worker's parse state copied into
        the night's folder and used from there, so the night's full parse stays there and the
        worker's next nights keep parsing partially."""
        target = night_root / "target"
        target.mkdir(exist_ok=True)
        for f in self.target.iterdir():
            if f.is_file():
                shutil.copy2(f, target / f.name)
        mp.setenv("SW_DBT_TARGET_PATH", str(target))
        mp.setenv("DBT_TARGET_PATH", str(target))
        return target


def night_refresh(full_refresh: bool = False) -> NightReport:
    """The production night, as configured by env; what ``support-warehouse refresh`` runs."""
    from support_warehouse.orchestration.run import run_nightly

    return run_nightly(full_refresh=full_refresh, trigger="test")


@dataclass
class Night:
    """A night's folder: landing, build database, publication."""

    root: Path

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "published"

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        con = config.connect_build(self.warehouse, read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def query_published(self, sql: str) -> list[tuple]:
        con = duckdb.connect(str(self.published / "marts.duckdb"), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()


# The small clean night several modules start from (test_reliability, test_bad_values_private).
def write_file(path: Path, content: str | bytes) -> Path:
    """Write `content` to `path`, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def write_first_night(landing: Path) -> None:
    """A small, clean night: every entity, a handful of rows."""
    write_file(landing / "customers/customers_2026-10-01.csv",
           "customer_id,name,email,tier,country,created_at,churned_at\n"
           "C1,Alice Example,alice@example.com,standard,DE,2026-01-05T10:00:00Z,\n"
           "C2,Bruno Beispiel,bruno@example.org,premium,FR,2026-02-05T10:00:00+01:00,\n"
           "C3,Chen Sample,chen@example.net,enterprise,US,2026-03-05T10:00:00Z,\n"
           "C4,Dana Demo,dana@example.com,standard,GB,2026-04-05T10:00:00Z,2026-10-02T00:00:00Z\n")
    write_file(landing / "agents/agents_2026-10-01.csv",
           "agent_id,name,email,team,timezone,hired_at,left_at\n"
           "A1,Agent One,one@support.example,tier1,Europe/Berlin,2025-01-01T00:00:00Z,\n"
           "A2,Agent Two,two@support.example,tier2,America/New_York,2025-01-01T00:00:00Z,\n")
    write_file(landing / "agent_shifts/shifts_2026-10-01.csv",
           "agent_id,shift_date,scheduled_minutes,is_leave\n"
           "A1,2026-10-01,480,false\nA2,2026-10-01,480,false\nA1,2026-10-02,480,false\nA2,2026-10-02,0,true\n")
    write_file(landing / "tickets/tickets_2026-10-01.csv",
           "ticket_id,customer_id,channel,ticket_type,priority,status,assignee_id,created_at,updated_at\n"
           "T0,C3,email,billing,normal,open,A2,2026-09-28T08:00:00Z,2026-09-28T08:00:00Z\n"
           "T1,C1,email,billing,normal,solved,A1,2026-10-01T08:00:00Z,2026-10-01T12:00:00Z\n"
           "T2,C2,chat,shipping,high,open,A1,2026-10-01T09:00:00Z,2026-10-01T09:30:00Z\n"
           "T3,C3,phone,technical,urgent,solved,A2,2026-10-01T10:00:00Z,2026-10-01T11:00:00Z\n"
           "T4,C1,facebook,billing,low,pending,A2,2026-10-02T10:00:00Z,2026-10-02T10:30:00Z\n")
    write_file(landing / "ticket_messages/messages_2026-10-01.csv",
           "message_id,ticket_id,author_type,author_id,is_public,created_at\n"
           "M1,T1,customer,C1,true,2026-10-01T08:00:00Z\n"
           "M2,T1,agent,A1,true,2026-10-01T08:30:00Z\n"
           "M3,T2,customer,C2,true,2026-10-01T09:00:00Z\n"
           "M4,T2,agent,A1,true,2026-10-01T09:03:00Z\n"
           "M5,T3,customer,C3,true,2026-10-01T10:00:00Z\n"
           "M6,T3,agent,A2,true,2026-10-01T10:20:00Z\n"
           "M7,T4,customer,C1,true,2026-10-02T10:00:00Z\n")
    write_file(landing / "ticket_status_changes/status_2026-10-01.csv",
           "ticket_id,changed_at,status\n"
           "T1,2026-10-01T08:00:00Z,new\nT1,2026-10-01T12:00:00Z,solved\n"
           "T2,2026-10-01T09:00:00Z,new\nT2,2026-10-01T09:30:00Z,open\n"
           "T3,2026-10-01T10:00:00Z,new\nT3,2026-10-01T11:00:00Z,solved\n"
           "T4,2026-10-02T10:00:00Z,new\nT4,2026-10-02T10:30:00Z,pending\n")
    write_file(landing / "calls/calls_2026-10-01.csv",
           "call_id,customer_id,agent_id,ticket_id,queued_at,answered_at,ended_at,hold_seconds,wrap_up_seconds\n"
           "K1,C3,A2,T3,2026-10-01T10:00:00Z,2026-10-01T10:00:40Z,2026-10-01T10:10:00Z,30,60\n"
           "K2,C2,,,2026-10-01T11:00:00Z,,2026-10-01T11:02:00Z,0,0\n")
    write_file(landing / "survey_responses/surveys_2026-10-01.csv",
           "response_id,survey_type,scale,customer_id,ticket_id,agent_id,sent_at,responded_at,score,comment\n"
           "S1,csat,csat_5,C1,T1,A1,2026-10-01T12:00:00Z,2026-10-01T13:00:00Z,5,Great help from the billing team thanks\n"
           "S2,nps,nps_11,C3,T3,A2,2026-10-01T11:00:00Z,2026-10-01T15:00:00Z,9,\n"
           "S3,ces,ces_7,C2,,,2026-10-01T12:00:00Z,2026-10-01T12:30:00Z,6,\n")
    write_file(landing / "products/products_2026-10-01.csv",
           "product_id,name,category,tier,price\nP1,Basic Widget,widgets,1,10.0\nP2,Pro Widget,widgets,3,99.0\n")
    write_file(landing / "orders/orders_2026-10-01.csv",
           "order_id,customer_id,ordered_at,product_id,quantity,amount,status,shipped_on_time\n"
           "O1,C1,2026-10-01T07:00:00Z,P1,1,10.0,shipped,true\n"
           "O2,C1,2026-10-02T07:00:00Z,P2,1,99.0,placed,false\n"
           "O3,C2,2026-10-01T07:00:00Z,P1,2,20.0,cancelled,false\n")
    write_file(landing / "reviews/reviews_2026-10-01.csv",
           "review_id,customer_id,order_id,marketplace,rating,created_at\n"
           "R1,C1,O1,amazon,5,2026-10-02T09:00:00Z\nR2,C2,O3,ebay,1,2026-10-02T09:00:00Z\n")
    write_file(landing / "self_service_sessions/sessions_2026-10-01.csv",
           "session_id,customer_id,started_at,source,resolved,ticket_id\n"
           "X1,C1,2026-10-01T07:30:00Z,help_center,true,\nX2,C2,2026-10-01T08:30:00Z,chatbot,false,T2\n")
