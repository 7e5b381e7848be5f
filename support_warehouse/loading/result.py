"""What a load reports: per file (FileOutcome) and per entity (EntityLoadResult), on both engines."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .errors import LoadError


@dataclass
class FileOutcome:
    """One file's rows loaded, records rejected by the reader, and notes (empty file, recoveries)."""

    rows: int = 0
    rejects: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class EntityLoadResult:
    entity: str
    files_loaded: list[str] = field(default_factory=list)
    files_skipped: list[str] = field(default_factory=list)
    rows_loaded: int = 0
    rows_rejected: int = 0
    error: str | None = None
    # Beyond the stable core: the exception behind `error`, notes (empty files, recoveries), run id.
    exception: LoadError | None = None
    notes: list[str] = field(default_factory=list)
    load_id: str = ""
    files_quarantined: dict[str, str] = field(default_factory=dict)  # file -> why, none of its rows loaded

    @property
    def ok(self) -> bool:
        return self.error is None

    def add_file(self, rel: str, outcome: FileOutcome) -> None:
        """Count one loaded file."""
        self.files_loaded.append(rel)
        self.rows_loaded += outcome.rows
        self.rows_rejected += outcome.rejects
        self.notes.extend(f"{rel}: {n}" for n in outcome.notes)


def raise_for_errors(results: dict[str, EntityLoadResult]) -> None:
    """Raise the first entity's LoadError (message lists every failed entity)."""
    failed = [r for r in results.values() if r.error]
    if not failed:
        return
    first = failed[0].exception or LoadError(failed[0].error or "", failed[0].entity)
    if len(failed) == 1:
        raise first
    raise LoadError(
        "; ".join(r.error or "" for r in failed), first.entity, first.file, first.column
    ) from first


def new_load_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def now_utc() -> datetime:
    """Naive UTC: what both engines' TIMESTAMP columns hold."""
    return datetime.now(UTC).replace(tzinfo=None)
