"""The one interface both engines load behind, and the per-entity steps they share.

A backend (``support_warehouse.load.DuckDBBackend``, ``support_warehouse.load_spark.SparkBackend``)
knows how to read its engine's ledger, hash a candidate file, read a list of files into the raw
table all or nothing, and append ledger rows. Everything else (which files are new, the
quarantine-and-retry loop, the result) is decided here, once."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from ..contract import Entity
from .errors import LoadError
from .files import LandingFile, entity_files
from .ledger import KnownFiles, quarantined_row, split_new
from .result import EntityLoadResult, FileOutcome, new_load_id, now_utc

log = logging.getLogger(__name__)


class Backend(Protocol):
    entities: Mapping[str, Entity]  # the raw tables this engine loads
    label: str  # appended to the log line of a loaded entity

    def known_files(self, entities: Sequence[str]) -> dict[str, KnownFiles]:
        """Per entity, the files its ledger records as done."""

    def hash_file(self, f: LandingFile) -> None:
        """Set f.sha256 (and whatever else the engine wants from that pass over the file)."""

    def load_files(
        self, entity: str, files: list[LandingFile], load_id: str, loaded_at: datetime
    ) -> list[tuple[LandingFile, FileOutcome]]:
        """Read every file into raw.<entity> with its ledger row, all or nothing. A file that breaks
        the contract raises a LoadError naming it, with nothing written."""

    def record_files(self, rows: list[tuple]) -> None:
        """Append rows (ledger.ledger_row) to raw._loaded_files."""


def new_and_skipped(
    backend: Backend, landing_dir: Path, entity: str, known: KnownFiles | None = None
) -> tuple[list[LandingFile], list[LandingFile]]:
    known = known if known is not None else backend.known_files([entity])[entity]
    return split_new(entity_files(landing_dir, entity), known, backend.hash_file)


def pending_files(backend: Backend, landing_dir: Path) -> dict[str, list[Path]]:
    """New files not loaded yet, per entity; entities with nothing pending are left out."""
    known = backend.known_files(list(backend.entities))
    out: dict[str, list[Path]] = {}
    for entity in backend.entities:
        new, _ = new_and_skipped(backend, Path(landing_dir), entity, known[entity])
        if new:
            out[entity] = [f.path for f in new]
    return out


def check_entity(backend: Backend, entity: str) -> None:
    if entity not in backend.entities:
        raise ValueError(f"unknown entity {entity!r}; expected one of {sorted(backend.entities)}")


def load_entity(
    backend: Backend, landing_dir: Path, entity: str, load_id: str | None = None, known: KnownFiles | None = None
) -> EntityLoadResult:
    """Load the entity's new files; a file that breaks the contract is quarantined (recorded with
    the reason, none of its rows loaded) and the others are read again without it."""
    check_entity(backend, entity)
    load_id = load_id or new_load_id()
    result = EntityLoadResult(entity=entity, load_id=load_id)
    new, skipped = new_and_skipped(backend, Path(landing_dir), entity, known)
    result.files_skipped = [f.rel for f in skipped]
    loaded_at = now_utc()
    while new:
        try:
            outcomes = backend.load_files(entity, new, load_id, loaded_at)
        except LoadError as e:
            bad = next((f for f in new if f.rel == e.file), new[-1])
            log.warning("%s (quarantined: none of its rows loaded)", e.message)
            backend.record_files([quarantined_row(entity, bad, load_id, loaded_at, e.message)])
            result.files_quarantined[bad.rel] = e.message
            new = [f for f in new if f is not bad]
            continue
        for f, outcome in outcomes:
            result.add_file(f.rel, outcome)
        break
    if result.files_loaded:
        log.info(
            "%s: %d file(s), %d row(s) loaded, %d rejected by the reader%s",
            entity, len(result.files_loaded), result.rows_loaded, result.rows_rejected, backend.label,
        )
    return result
