"""Which landing files are new (not loaded yet), for the sensor, the schedule and run tags."""

from __future__ import annotations

import hashlib
from pathlib import Path

from support_warehouse.contract import LANDING_TABLES

TAG_PREFIX = "support_warehouse"
TRIGGER_TAG = f"{TAG_PREFIX}/trigger"
NEW_FILES_TAG = f"{TAG_PREFIX}/new_files"
NEW_FILES_BY_ENTITY_TAG = f"{TAG_PREFIX}/new_files_by_entity"
LOADED_TAG_PREFIX = f"{TAG_PREFIX}/loaded."


def find_pending(landing: Path, warehouse: Path) -> dict[str, list[Path]]:
    """New landing files per entity (``support_warehouse.load.pending_files``).

    Opens the build database read-only (or an empty in-memory one when it does not exist yet) and
    closes it at once. Raises duckdb.IOException when a writer holds the database.
    """
    import duckdb

    from support_warehouse import load

    # pending_files works read-only and on a database without raw tables yet.
    con = load.connect(warehouse, read_only=True) if warehouse.exists() else duckdb.connect()
    try:
        return _normalise(load.pending_files(con, landing))
    finally:
        con.close()


def _normalise(pending: dict) -> dict[str, list[Path]]:
    return {e: sorted(Path(p) for p in files) for e, files in pending.items() if files and e in LANDING_TABLES}


def fingerprints(pending: dict[str, list[Path]], landing: Path) -> dict[str, str]:
    """file (relative to landing) -> size and mtime, so a rewritten file counts as new again."""
    out: dict[str, str] = {}
    for files in pending.values():
        for f in files:
            try:
                rel = str(f.resolve().relative_to(landing.resolve()))
            except ValueError:
                rel = str(f)
            try:
                st = f.stat()
                out[rel] = f"{st.st_size}:{st.st_mtime_ns}"
            except FileNotFoundError:
                continue
    return out


def run_key_for(prints: dict[str, str]) -> str:
    h = hashlib.sha256()
    for name in sorted(prints):
        h.update(f"{name}\0{prints[name]}\n".encode())
    return h.hexdigest()[:20]


def pending_tags(pending: dict[str, list[Path]]) -> dict[str, str]:
    """Run tags recording what a run is about to load."""
    counts = {e: len(files) for e, files in sorted(pending.items()) if files}
    return {
        NEW_FILES_TAG: str(sum(counts.values())),
        NEW_FILES_BY_ENTITY_TAG: ",".join(f"{e}={n}" for e, n in counts.items()) or "none",
    }
