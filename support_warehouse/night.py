"""What one night did: the result of the Dagster job ``nightly_refresh``, as the CLI prints it.

``support_warehouse.orchestration.run.run_nightly`` runs the job and fills a ``NightReport`` from
the run (its load id is the Dagster run id); ``support_warehouse.summary`` prints it. Plain data:
no Dagster import here, so the summary and its tests need no orchestrator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .dbt_runner import DbtRunSummary
from .publish import PublishResult

NIGHTLY_JOB = "nightly_refresh"


@dataclass
class EntityReport:
    """One landing entity in the night: the raw step's load check, its rejects and freshness checks."""

    entity: str
    files_loaded: list[str] = field(default_factory=list)  # relative to the landing folder
    files_skipped: int = 0  # already loaded by an earlier night
    rows_loaded: int = 0
    rejected_reader: int = 0  # records the file reader rejected in this run (raw._load_rejects)
    rejected_staging: int | None = None  # audit.rejected_rows rows from this run's files, beyond the reader's (None: not counted)
    rejected_total: int | None = None  # audit.rejected_rows rows of the entity after the night
    error: str | None = None  # the entity's load failed: why
    notes: list[str] = field(default_factory=list)  # loader notes, e.g. '<file>: 0-byte file: nothing to load'
    files_quarantined: dict[str, str] = field(default_factory=dict)  # file -> why (none of its rows loaded)
    load_check: str | None = None  # "passed" | "warn" | "error" | None (not evaluated)
    rejects_check: str | None = None
    freshness: str | None = None  # "passed" | "warn" | "error" (source_is_fresh), None: not evaluated
    freshness_description: str | None = None

    @property
    def rows_rejected(self) -> int:
        return self.rejected_reader + (self.rejected_staging or 0)


@dataclass
class CheckOutcome:
    """One asset check evaluated in the run (a dbt test, a load, rejects or freshness check)."""

    asset: str
    name: str
    status: str  # "passed" | "warn" | "error"
    description: str | None = None


@dataclass
class NightReport:
    run_id: str  # the Dagster run id, also the load id in raw._loaded_files
    landing: Path
    warehouse: Path
    target: str
    started_at: datetime
    finished_at: datetime | None = None
    job_name: str = NIGHTLY_JOB
    success: bool = False  # the Dagster run succeeded
    dagster_home: Path | None = None
    tags: dict[str, str] = field(default_factory=dict)
    entities: dict[str, EntityReport] = field(default_factory=dict)
    checks: list[CheckOutcome] = field(default_factory=list)  # every check evaluated in the run
    step_status: dict[str, str] = field(default_factory=dict)  # step key -> success | failed (absent: skipped)
    dbt: DbtRunSummary | None = None  # the dbt build step (None: not run)
    dbt_run_results: Path | None = None  # run_results.json of this run's dbt build
    publication: PublishResult | None = None  # set when this night was published for BI
    publish_error: str | None = None  # publishing refused or failed (previous marts kept)
    landing_problems: list[str] = field(default_factory=list)  # unknown folders/files (support_warehouse.landing)
    run_failures: list[str] = field(default_factory=list)  # the run or a load step failed as a whole: why
    staging_rejects_note: str | None = None  # why staging rejects could not be counted

    __test__ = False

    @property
    def load_errors(self) -> list[str]:
        return [e.error for e in self.entities.values() if e.error]

    @property
    def quarantined(self) -> dict[str, str]:
        return {f: why for e in self.entities.values() for f, why in e.files_quarantined.items()}

    @property
    def stale_sources(self) -> list[str]:
        """"WARN|ERROR: <entity>: stale, ..." per entity the source freshness check flagged."""
        return [
            f"{e.freshness.upper()}: {e.freshness_description}" for e in self.entities.values()
            if e.freshness in ("warn", "error")
        ]

    def causes(self) -> list[str]:
        """What failed and why, most basic first (empty when the night is OK)."""
        out = list(self.run_failures)
        out += [f"load failed: {msg}" for msg in self.load_errors]
        d = self.dbt
        if d is None:
            if not out:
                out.append("dbt did not run")
        elif d.exception:
            out.append(f"dbt could not run: {d.exception.strip().splitlines()[0] if d.exception.strip() else d.exception}")
        elif d.has_errors:
            broken = [n.describe() for n in [*d.node_errors, *d.failing_tests]]
            shown = "; ".join(broken[:3]) + (f"; and {len(broken) - 3} more" if len(broken) > 3 else "")
            out.append(
                f"dbt: {d.nodes_error} model(s) errored, {d.failed + d.errored} error-level test(s) failed"
                + (f": {shown}" if shown else "")
            )
        if self.publish_error:
            out.append(f"publishing failed: {self.publish_error}")
        return out

    @property
    def ok(self) -> bool:
        """False when the run failed, an entity failed to load, dbt hit an error-level failure or
        publishing failed."""
        return (
            self.success and not self.load_errors and not self.run_failures and self.dbt is not None
            and not self.dbt.has_errors and not self.publish_error
        )

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    @property
    def rows_loaded(self) -> int:
        return sum(e.rows_loaded for e in self.entities.values())

    @property
    def rows_rejected(self) -> int:
        return sum(e.rows_rejected for e in self.entities.values())
