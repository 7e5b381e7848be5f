"""The bookkeeping of the raw layer, the same on both engines.

``raw._loaded_files``
    one row per file load attempt: ``status`` is ``loaded``, ``empty`` (0-byte or header-only:
    nothing to load) or ``quarantined`` (unreadable or missing a required column: none of its rows
    loaded, ``message`` says why). A file whose sha256 is already recorded with one of these
    statuses for its entity is skipped; a fixed copy has other content and loads. ``file_size`` and
    ``file_mtime_ns`` recognise an already loaded file without re-hashing it.
``raw._load_rejects``
    records the reader could not parse, with file, line, a human reason (see rejects.py) and the
    raw text.

Column types are engine-neutral here (``text``, ``bigint``, ``timestamp``); each backend maps them
to its own (``varchar`` on DuckDB, ``string`` on Spark).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .files import LandingFile
from .result import FileOutcome

RAW_SCHEMA = "raw"
LOADED_FILES = f"{RAW_SCHEMA}._loaded_files"
LOAD_REJECTS = f"{RAW_SCHEMA}._load_rejects"

# Lineage columns of every raw.<entity> table.
LINEAGE_TYPES = {
    "_source_file": "text",
    "_source_line": "bigint",
    "_loaded_at": "timestamp",
    "_load_id": "text",
}


def _columns(**types: str) -> tuple[tuple[str, str, bool], ...]:
    """(column, type, not null) in keyword order; a type ending in " null" is nullable."""
    return tuple((name, t.removesuffix(" null"), not t.endswith(" null")) for name, t in types.items())


# The ledger tables' columns, in the order their rows are inserted.
LOADED_FILES_COLUMNS = _columns(
    file_path="text", file_hash="text", entity="text", load_id="text", loaded_at="timestamp",
    rows_loaded="bigint", rows_rejected="bigint", status="text",
    message="text null", file_size="bigint null", file_mtime_ns="bigint null",
)
LOAD_REJECTS_COLUMNS = _columns(
    entity="text", source_file="text", source_line="bigint null", reason="text",
    raw_record="text null", load_id="text", loaded_at="timestamp", error_type="text null",
)

OK_STATUSES = ("loaded", "empty")
QUARANTINED = "quarantined"
# Files never read again: loaded, empty, or quarantined (a fixed copy has other content and loads).
DONE_STATUSES = (*OK_STATUSES, QUARANTINED)


# ------------------------------------------------------------------------------- known files


@dataclass
class KnownFiles:
    """An entity's files already recorded with a done status."""

    stats: dict[str, tuple[int, int]] = field(default_factory=dict)  # path -> (size, mtime_ns)
    hashes: set[str] = field(default_factory=set)
    # Sizes of those files; None: do not decide by size (a size is missing, or the engine wants
    # every candidate hashed).
    sizes: set[int] | None = None


def known_files_sql(entities: Sequence[str]) -> str:
    """Query (both engines' SQL) for the rows known_from_rows reads."""
    for e in entities:
        if "'" in e or "\\" in e:  # pragma: no cover - contract names are identifiers
            raise ValueError(f"unexpected entity name {e!r}")
    wanted = ", ".join(f"'{e}'" for e in entities)
    statuses = ", ".join(f"'{s}'" for s in DONE_STATUSES)
    return (
        f"select entity, file_path, file_hash, file_size, file_mtime_ns from {LOADED_FILES} "
        f"where entity in ({wanted}) and status in ({statuses})"
    )


def known_from_rows(entities: Iterable[str], rows: Iterable[Sequence], by_size: bool) -> dict[str, KnownFiles]:
    """Per entity, the KnownFiles of known_files_sql's rows. by_size: a file whose size no known
    file has is new without hashing it (unless some known file was recorded without its size)."""
    out = {e: KnownFiles(sizes=set() if by_size else None) for e in entities}
    for entity, path, file_hash, size, mtime_ns in rows:
        known = out[entity]
        if size is not None:
            known.stats[path] = (size, mtime_ns)
        known.hashes.add(file_hash)
        if known.sizes is None:
            continue
        if size is None:  # a file recorded without its size: every candidate must be hashed
            known.sizes = None
        else:
            known.sizes.add(size)
    return out


def split_new(
    files: Iterable[LandingFile], known: KnownFiles, hash_file: Callable[[LandingFile], None]
) -> tuple[list[LandingFile], list[LandingFile]]:
    """(new files, skipped files). Same path+size+mtime as a loaded file: skipped without hashing;
    otherwise the content hash decides (a renamed or re-copied file is skipped too). With
    known.sizes, a file whose size no known file and no other candidate has cannot share their
    content: it is new without hashing it here (its sha256 is left None for the loader)."""
    new: list[LandingFile] = []
    skipped: list[LandingFile] = []
    seen = set(known.hashes)
    candidates: list[LandingFile] = []
    for f in files:
        (skipped if known.stats.get(f.rel) == (f.size, f.mtime_ns) else candidates).append(f)
    sizes = Counter(f.size for f in candidates)
    for f in candidates:
        if known.sizes is not None and f.size not in known.sizes and sizes[f.size] == 1:
            new.append(f)
            continue
        hash_file(f)
        if f.sha256 in seen:
            skipped.append(f)
            continue
        seen.add(f.sha256)
        new.append(f)
    skipped.sort(key=lambda f: f.rel)
    return new, skipped


# ------------------------------------------------------------------------------- ledger rows


def ledger_row(
    entity: str, f: LandingFile, load_id: str, loaded_at: datetime,
    rows: int, rejects: int, status: str, message: str | None,
) -> tuple:
    """One raw._loaded_files row, in LOADED_FILES_COLUMNS order."""
    return (f.rel, f.sha256, entity, load_id, loaded_at, rows, rejects, status, message, f.size, f.mtime_ns)


def loaded_row(entity: str, f: LandingFile, load_id: str, loaded_at: datetime, outcome: FileOutcome) -> tuple:
    """The row of a file read: ``empty`` when it gave neither rows nor rejects, else ``loaded``."""
    status = "empty" if outcome.rows == 0 and outcome.rejects == 0 else "loaded"
    message = "; ".join(outcome.notes) or None
    if outcome.rejects:
        message = f"{outcome.rejects} record(s) rejected by the reader" + (f"; {message}" if message else "")
    return ledger_row(entity, f, load_id, loaded_at, outcome.rows, outcome.rejects, status, message)


def quarantined_row(entity: str, f: LandingFile, load_id: str, loaded_at: datetime, message: str) -> tuple:
    """The row of a quarantined file (none of its rows loaded). A file that could not even be
    hashed is still recognised by its path, size and mtime."""
    if f.sha256 is None:
        f.sha256 = f"unhashed:{f.rel}"
    return ledger_row(entity, f, load_id, loaded_at, 0, 0, QUARANTINED, message)
