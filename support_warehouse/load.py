"""Load new landing files into the raw layer of the DuckDB build database.

Landing layout: ``<landing>/<entity>/<file>`` where file is ``*.csv``, ``*.csv.gz``, ``*.jsonl``,
``*.ndjson`` (optionally ``.gz``), ``*.json`` or ``*.parquet``. Sub-folders are searched too; any
file or folder whose name starts with ``_`` or ``.`` is ignored (write in-progress files as
``.name.tmp`` and rename them when complete).

Raw layer (schema ``raw``):

``raw.<entity>``
    every extract column as VARCHAR (the contract's required columns first, extra columns appended
    as they appear), plus ``_source_file`` (path relative to the landing dir, ``/``-separated),
    ``_source_line`` (see below), ``_loaded_at`` (TIMESTAMP, UTC) and ``_load_id``.
``raw._loaded_files``
    one row per file load attempt: ``status`` is ``loaded``, ``empty`` (0-byte or header-only:
    nothing to load) or ``quarantined`` (unreadable or missing a required column: none of its rows
    loaded, ``message`` says why). A file whose sha256 is already recorded with one of these
    statuses for its entity is skipped; a fixed copy has other content and loads.
``raw._load_rejects``
    records the reader could not parse, with file, line, a human reason and the raw text.

``_source_line``:
    * CSV: the line number in the file, the header being line 1, as DuckDB's CSV reader numbers
      lines in ``reject_errors``: blank lines count, and a record whose quoted value spans several
      physical lines counts as one line. So data row n is line n + 1 in a file without blank lines
      or multi-line values, whatever lines the reader rejected (the rejected lines are mapped out
      set-wise, not assumed away). Rejects and good rows share this numbering.
    * JSON lines: the physical line number (blank lines count, 1-based).
    * JSON array (``.json`` starting with ``[``): the element number, 1-based.
    * Parquet: the row number in the file, 1-based.

CSV dialect: RFC 4180 (quote and escape ``"``), header required; the delimiter (``,`` ``;`` tab
or ``|``) is taken from the header line. DuckDB 2.0's sniffer is not used for the dialect because
it mis-detects files that contain the very errors we must report (an unterminated quote makes it
switch quoting off; blank lines or a short row make it pick a single ``|`` column).
"""

from __future__ import annotations

import csv
import errno
import gzip
import hashlib
import logging
import os
import re
import shutil
import tempfile
import threading
import uuid
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import duckdb

from . import config
from .contract import LANDING_TABLES, LINEAGE_COLUMNS
from .landing import classify_suffix, survey

T = TypeVar("T")

log = logging.getLogger(__name__)

RAW_SCHEMA = "raw"
LOADED_FILES = f"{RAW_SCHEMA}._loaded_files"
LOAD_REJECTS = f"{RAW_SCHEMA}._load_rejects"

# Suffix -> (format, compression). Longest suffixes first.
_DELIMITERS = (",", ";", "\t", "|")
_CHUNK = 8 * 1024 * 1024
# read_csv buffer for the raw inserts. With DuckDB's default (32 MB) an order-preserving parallel
# insert leaves partial row groups at the reader's batch boundaries, which the next checkpoint (at
# the latest when the connection closes) decompresses and rewrites: at 1M tickets that was ~40% of
# the load's CPU time. With 128 MB buffers the row groups come out full and the checkpoint is free.
_CSV_BUFFER = 128 * 1024 * 1024
_MAX_RECOVERIES = 100  # unterminated quotes re-parsed per file before giving up on its remainder

# Bookkeeping tables. _loaded_files carries file_size/file_mtime_ns beyond the documented columns
# so that an already loaded file is recognised without re-hashing it (sensor and nightly speed).
_LOADED_FILES_DDL = f"""
create table if not exists {LOADED_FILES} (
    file_path varchar not null,
    file_hash varchar not null,
    entity varchar not null,
    load_id varchar not null,
    loaded_at timestamp not null,
    rows_loaded bigint not null,
    rows_rejected bigint not null,
    status varchar not null,
    message varchar,
    file_size bigint,
    file_mtime_ns bigint
)"""

_LOAD_REJECTS_DDL = f"""
create table if not exists {LOAD_REJECTS} (
    entity varchar not null,
    source_file varchar not null,
    source_line bigint,
    reason varchar not null,
    raw_record varchar,
    load_id varchar not null,
    loaded_at timestamp not null,
    error_type varchar
)"""

_OK_STATUSES = ("loaded", "empty")
QUARANTINED = "quarantined"
# Files never read again: loaded, empty, or quarantined (a fixed copy has other content and loads).
_DONE_STATUSES = (*_OK_STATUSES, QUARANTINED)


# --------------------------------------------------------------------------------------- API types


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

    def add_file(self, rel: str, outcome: _FileOutcome) -> None:
        """Count one loaded file (the DuckDB and the Spark loader report alike)."""
        self.files_loaded.append(rel)
        self.rows_loaded += outcome.rows
        self.rows_rejected += outcome.rejects
        self.notes.extend(f"{rel}: {n}" for n in outcome.notes)


class LoadError(Exception):
    """A file broke the input contract; the entity's load for this run was rolled back."""

    def __init__(
        self, message: str, entity: str, file: str | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.entity = entity
        self.file = file
        self.column = column


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


# ------------------------------------------------------------------------------------- connection


def connect(warehouse_path: Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the build database with the configured memory limit and threads (UTC session)."""
    path = Path(warehouse_path) if warehouse_path is not None else config.warehouse_path()
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        str(path),
        read_only=read_only,
        config={
            "memory_limit": config.duckdb_memory_limit(),
            "threads": config.duckdb_threads(),
            "temp_directory": str(config.duckdb_temp_dir(path)),
        },
    )
    _configure_session(con)
    return con


def _configure_session(con: duckdb.DuckDBPyConnection) -> None:
    """Session settings (a cursor does not inherit TimeZone from its connection)."""
    con.execute("set TimeZone = 'UTC'")
    con.execute("set enable_progress_bar = false")
    # row_number() over () must follow file order: that is how _source_line is derived.
    con.execute("set preserve_insertion_order = true")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _table_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() "
        "where schema_name = ? and table_name = ? and database_name = current_database() "
        "order by column_index",
        [schema, table],
    ).fetchall()
    return [r[0] for r in rows]


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = ? and table_name = ? and database_name = current_database()",
            [schema, table],
        ).fetchone()[0]
    )


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create schema raw, every entity's raw table (required + lineage columns) and bookkeeping.

    Idempotent and cheap when everything exists (one catalog query)."""
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
        "select table_name, lower(column_name) from duckdb_columns() "
        "where schema_name = ? and database_name = current_database()",
        [RAW_SCHEMA],
    ).fetchall():
        existing.setdefault(table, set()).add(column)
    lineage_types = {
        "_source_file": "varchar",
        "_source_line": "bigint",
        "_loaded_at": "timestamp",
        "_load_id": "varchar",
    }
    complete = (
        "_loaded_files" in existing
        and "_load_rejects" in existing
        and all(
            {*e.raw_columns, *LINEAGE_COLUMNS} <= existing.get(name, set())
            for name, e in LANDING_TABLES.items()
        )
    )
    if complete:
        return
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    con.execute(_LOADED_FILES_DDL)
    con.execute(_LOAD_REJECTS_DDL)
    for name, entity in LANDING_TABLES.items():
        cols = [f"{_q(c)} varchar" for c in entity.raw_columns]
        cols += [f"{_q(c)} {lineage_types[c]}" for c in LINEAGE_COLUMNS]
        con.execute(f"create table if not exists {RAW_SCHEMA}.{_q(name)} ({', '.join(cols)})")
        # A table created by an older contract gets the columns added since.
        have = {c.lower() for c in _table_columns(con, RAW_SCHEMA, name)}
        for c in entity.raw_columns:
            if c not in have:
                con.execute(f"alter table {RAW_SCHEMA}.{_q(name)} add column {_q(c)} varchar")
        for c in LINEAGE_COLUMNS:
            if c not in have:
                con.execute(
                    f"alter table {RAW_SCHEMA}.{_q(name)} add column {_q(c)} {lineage_types[c]}"
                )


# ---------------------------------------------------------------------------------- file discovery


@dataclass
class _File:
    path: Path
    rel: str  # relative to the landing dir, posix
    display: str  # landing dir name + rel, for messages
    fmt: str
    compression: str | None
    size: int
    mtime_ns: int
    sha256: str | None = None
    blank_lines: list[int] | None = None  # physical blank lines (CSV only, filled when hashed)
    # Plain CSV, filled by _scan: (physical line count, has a lone \r line break); see load_csv.
    line_stats: tuple[int, bool] | None = None
    scan_job: _ScanJob | None = None  # _scan running in the background while DuckDB reads the file


def _entity_files(landing_dir: Path, entity: str) -> list[_File]:
    root = Path(landing_dir) / _folder(entity)
    if not root.is_dir():
        return []
    found: list[_File] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(("_", ".")))
        for fname in filenames:
            if fname.startswith(("_", ".")):
                continue
            kind = classify_suffix(fname)
            if kind is None:
                continue
            p = Path(dirpath) / fname
            try:
                st = p.stat()
            except OSError:  # vanished while listing
                continue
            rel = p.relative_to(landing_dir).as_posix()
            found.append(
                _File(
                    path=p,
                    rel=rel,
                    display=f"{Path(landing_dir).name}/{rel}",
                    fmt=kind[0],
                    compression=kind[1],
                    size=st.st_size,
                    mtime_ns=st.st_mtime_ns,
                )
            )
    found.sort(key=lambda f: f.rel)
    return found


def _folder(entity: str) -> str:
    """Landing folder of a raw table: the entity's name, or <system>/<table> for a connector table."""
    return LANDING_TABLES[entity].landing_folder if entity in LANDING_TABLES else entity


def _digest(f: _File, want_blank_lines: bool) -> None:
    """sha256 of the file's bytes; for plain CSV also the physical line numbers of blank lines."""
    h = hashlib.sha256()
    blanks: list[int] | None = [] if (want_blank_lines and f.fmt == "csv" and not f.compression) else None
    newlines = 0
    prev_tail = b""
    with open(f.path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            if blanks is not None:
                newlines = _blank_lines_in_chunk(prev_tail, chunk, newlines, blanks)
                prev_tail = chunk[-2:]
    f.sha256 = h.hexdigest()
    if blanks is not None:
        f.blank_lines = blanks


def _scan(f: _File) -> None:
    """sha256 of the file's bytes; for plain CSV also its physical line count and whether it has a
    lone \\r (a line break DuckDB honours but the blank-line scan does not). One pass, no per-line
    Python work: hashlib releases the GIL on big buffers and bytes.count is a C loop, so this runs
    alongside DuckDB's read of the same file (see _ScanJob)."""
    h = hashlib.sha256()
    count = f.fmt == "csv" and not f.compression
    newlines = crs = crlfs = 0
    last = b""
    buf = bytearray(_CHUNK)
    view = memoryview(buf)
    with open(f.path, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            h.update(view[:n])
            if count:
                data = buf if n == len(buf) else bytes(view[:n])
                newlines += data.count(b"\n")
                c = data.count(b"\r")
                if c or crs:
                    crlfs += data.count(b"\r\n") + (last == b"\r" and data[:1] == b"\n")
                crs += c
                last = bytes(data[-1:])
    view.release()
    f.sha256 = h.hexdigest()
    if count:
        lines = newlines + (1 if last not in (b"", b"\n") else 0)
        f.line_stats = (lines, crs != crlfs)


class _ScanJob(threading.Thread):
    """_scan(f) in a thread: hashing overlaps DuckDB's read (which releases the GIL)."""

    def __init__(self, f: _File) -> None:
        super().__init__(name=f"sw-scan-{f.rel}", daemon=True)
        self.f = f
        self.error: BaseException | None = None
        f.scan_job = self
        self.start()

    def run(self) -> None:
        try:
            _scan(self.f)
        except BaseException as e:  # re-raised in the loading thread by wait()
            self.error = e

    def wait(self) -> None:
        self.join()
        self.f.scan_job = None
        if self.error is not None:
            raise self.error


def _wait_scan(f: _File) -> None:
    if f.scan_job is not None:
        f.scan_job.wait()


def _join_scan(f: _File | None) -> None:
    """Let a background scan finish after a failed read (its own error is not the one to report)."""
    if f is not None and f.scan_job is not None:
        try:
            f.scan_job.wait()
        except Exception:  # the file's failed record then lacks its hash
            log.debug("scanning %s failed", f.rel, exc_info=True)


def _blank_lines_in_chunk(prev_tail: bytes, chunk: bytes, newlines_before: int, out: list[int]) -> int:
    """Append the numbers of blank lines that end in `chunk`; return the running newline count.

    A blank line is a line break directly following a line break (optionally with \\r between).
    Line numbers are 1-based physical lines: the line after the n-th break is line n + 1.
    """
    data = prev_tail + chunk
    offset = len(prev_tail)
    # newline count of data[:offset] is already included in newlines_before.
    base_count = newlines_before - prev_tail.count(b"\n")
    for pattern in (b"\n\n", b"\n\r\n"):
        start = 0
        while (pos := data.find(pattern, start)) != -1:
            end = pos + len(pattern)  # index after the blank line's own break
            if end > offset:  # the blank line's break lies in this chunk (not seen before)
                out.append(base_count + data.count(b"\n", 0, pos + 1) + 1)
            start = pos + 1
    out.sort()
    return newlines_before + chunk.count(b"\n")


def _gz_blank_lines(path: Path) -> list[int]:
    blanks: list[int] = []
    newlines = 0
    prev_tail = b""
    with gzip.open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            newlines = _blank_lines_in_chunk(prev_tail, chunk, newlines, blanks)
            prev_tail = chunk[-2:]
    return blanks


def _known_files(
    con: duckdb.DuckDBPyConnection, entity: str
) -> tuple[dict[str, tuple[int, int]], set[str], set[int] | None]:
    """(path -> (size, mtime_ns), hashes, sizes) of the entity's loaded files; sizes is None when
    a file was recorded without its size (then every candidate file must be hashed)."""
    if not _table_exists(con, RAW_SCHEMA, "_loaded_files"):
        return {}, set(), set()
    rows = con.execute(
        f"select file_path, file_hash, file_size, file_mtime_ns from {LOADED_FILES} "
        f"where entity = ? and status in {_DONE_STATUSES}",
        [entity],
    ).fetchall()
    stats = {r[0]: (r[2], r[3]) for r in rows if r[2] is not None}
    sizes = None if any(r[2] is None for r in rows) else {r[2] for r in rows}
    return stats, {r[1] for r in rows}, sizes


def _split_new(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, entity: str
) -> tuple[list[_File], list[_File]]:
    """(new files, skipped files). Same path+size+mtime as a loaded file: skipped without hashing;
    otherwise the content hash decides (a renamed or re-copied file is skipped too). A file whose
    size no loaded file and no other candidate has cannot share their content: it is new without
    hashing it here (its sha256 is left None; load_entity hashes it while DuckDB reads it)."""
    stats, hashes, known_sizes = _known_files(con, entity)
    new: list[_File] = []
    skipped: list[_File] = []
    seen = set(hashes)
    candidates: list[_File] = []
    for f in _entity_files(landing_dir, entity):
        (skipped if stats.get(f.rel) == (f.size, f.mtime_ns) else candidates).append(f)
    sizes = Counter(f.size for f in candidates)
    for f in candidates:
        if known_sizes is not None and f.size not in known_sizes and sizes[f.size] == 1:
            new.append(f)
            continue
        _scan(f)
        if f.sha256 in seen:
            skipped.append(f)
            continue
        seen.add(f.sha256)
        new.append(f)
    skipped.sort(key=lambda f: f.rel)
    return new, skipped


def pending_files(con: duckdb.DuckDBPyConnection, landing_dir: Path) -> dict[str, list[Path]]:
    """New files not loaded yet, per entity; entities with nothing pending are left out.

    Read-only (works on a read-only connection and on a database without raw tables yet).
    """
    out: dict[str, list[Path]] = {}
    for entity in LANDING_TABLES:
        new, _ = _split_new(con, Path(landing_dir), entity)
        if new:
            out[entity] = [f.path for f in new]
    return out


# ------------------------------------------------------------------------------ column handling


def _normalise_columns(names: Iterable[str]) -> list[str]:
    """Trim + lower-case (DuckDB identifiers are case-insensitive), name blanks, de-duplicate and
    keep extract columns from colliding with the lineage columns."""
    out: list[str] = []
    used: set[str] = set()
    for i, raw in enumerate(names, start=1):
        name = _normalise_name(raw, i)
        candidate, n = name, 2
        while candidate in used:
            candidate, n = f"{name}_{n}", n + 1
        used.add(candidate)
        out.append(candidate)
    return out


def _normalise_name(raw: str | None, position: int) -> str:
    name = (raw or "").replace("\ufeff", "").strip().lower() or f"column_{position}"
    return f"{name}_extract" if name in LINEAGE_COLUMNS else name


def _check_required(entity: str, f: _File, columns: Iterable[str]) -> None:
    present = set(columns)
    missing = [c for c in LANDING_TABLES[entity].required if c not in present]
    if not missing:
        return
    msg = f"{entity}: {f.display} is missing required column '{missing[0]}'"
    if len(missing) > 1:
        msg += " (also missing: " + ", ".join(f"'{c}'" for c in missing[1:]) + ")"
    raise LoadError(msg, entity, f.rel, missing[0])


def _add_missing_columns(con: duckdb.DuckDBPyConnection, entity: str, columns: Iterable[str]) -> list[str]:
    have = {c.lower() for c in _table_columns(con, RAW_SCHEMA, entity)}
    added = []
    for c in columns:
        if c not in have:
            con.execute(f"alter table {RAW_SCHEMA}.{_q(entity)} add column {_q(c)} varchar")
            have.add(c)
            added.append(c)
    return added


# ---------------------------------------------------------------------------------- file readers


class _Unreadable(Exception):
    pass


def _open_text_head(f: _File, limit: int = 65536) -> bytes:
    try:
        if f.compression == "gzip":
            with gzip.open(f.path, "rb") as fh:
                return fh.read(limit)
        with open(f.path, "rb") as fh:
            return fh.read(limit)
    except PermissionError:
        raise  # the machine's problem, not the file's: never quarantined
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise _Unreadable(f"cannot be read ({e})") from e


def _encoding_of(head: bytes) -> str:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8"


def _looks_binary(head: bytes) -> bool:
    """NUL bytes in the first line, or more than a few in the first 64 KiB: not a text file."""
    return b"\x00" in head.split(b"\n", 1)[0] or head.count(b"\x00") > max(8, len(head) // 1000)


def _csv_header(f: _File) -> tuple[list[str], str, str] | None:
    """(header names, delimiter, encoding), or None for a 0-byte / blank file."""
    head = _open_text_head(f)
    if not head.strip():
        return None
    encoding = _encoding_of(head)
    if encoding == "utf-8" and _looks_binary(head):
        raise _Unreadable("is not a text file (binary content)")
    if encoding == "utf-16":
        first = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").splitlines()[0]
    else:
        raw_first = head.split(b"\n", 1)[0]
        try:
            first = raw_first.decode("utf-8-sig").rstrip("\r")
        except UnicodeDecodeError as e:
            raise _Unreadable("is not UTF-8 text: its header line cannot be decoded") from e
    first = first.lstrip("\ufeff")
    if not first.strip():
        raise _Unreadable("has no header line (the first line is blank)")
    if sum(1 for ch in first if not ch.isprintable() and ch != "\t") > 0:
        raise _Unreadable("is not a text file (control characters in the header line)")
    best: tuple[int, str, list[str]] | None = None
    for d in _DELIMITERS:
        fields = next(csv.reader([first], delimiter=d, quotechar='"'))
        if best is None or len(fields) > best[0]:
            best = (len(fields), d, fields)
    assert best is not None
    return best[2], best[1], encoding


@dataclass
class _FileOutcome:
    rows: int = 0
    rejects: int = 0
    notes: list[str] = field(default_factory=list)


class _Loader:
    """Loads one entity's files inside the caller's transaction."""

    def __init__(self, con: duckdb.DuckDBPyConnection, entity: str, load_id: str, loaded_at: datetime):
        self.con = con
        self.entity = entity
        self.load_id = load_id
        self.loaded_at = loaded_at
        self.table = f"{RAW_SCHEMA}.{_q(entity)}"
        self._tmp_names: list[str] = []
        self._tmp_dir: tempfile.TemporaryDirectory[str] | None = None

    # -- helpers
    def _tmp(self, prefix: str) -> str:
        name = f"_sw_{prefix}_{uuid.uuid4().hex[:12]}"
        self._tmp_names.append(name)
        return name

    def drop_temps(self) -> None:
        """Drop this file's scratch tables (a big file's scan copy should not outlive it)."""
        for name in self._tmp_names:
            try:
                self.con.execute(f"drop table if exists temp.{_q(name)}")
            except duckdb.Error:
                pass
        self._tmp_names.clear()

    def cleanup(self) -> None:
        self.drop_temps()
        if self._tmp_dir is not None:
            self._tmp_dir.cleanup()
            self._tmp_dir = None

    def _scratch_file(self) -> Path:
        if self._tmp_dir is None:
            self._tmp_dir = tempfile.TemporaryDirectory(prefix="sw_load_")
        return Path(self._tmp_dir.name) / f"{uuid.uuid4().hex}.csv"

    def _insert_rejects(self, f: _File, select_sql: str, params: list | None = None) -> int:
        """select_sql yields (source_line, reason, raw_record, error_type)."""
        res = self.con.execute(
            f"insert into {LOAD_REJECTS} "
            "(entity, source_file, source_line, reason, raw_record, load_id, loaded_at, error_type) "
            f"select ?, ?, source_line, reason, raw_record, ?, ?, error_type from ({select_sql})",
            [self.entity, f.rel, self.load_id, self.loaded_at, *(params or [])],
        ).fetchone()
        return int(res[0]) if res else 0

    def _insert_rows(self, f: _File, columns: list[str], exprs: list[str], line_expr: str, from_sql: str) -> int:
        target_cols = ", ".join([*(_q(c) for c in columns), *LINEAGE_COLUMNS])
        select = ", ".join([*(f"{e} as {_q(c)}" for c, e in zip(columns, exprs, strict=True))])
        select = (select + ", " if select else "") + f"?, {line_expr}, ?, ?"
        res = self.con.execute(
            f"insert into {self.table} ({target_cols}) select {select} from {from_sql}",
            [f.rel, self.loaded_at, self.load_id],
        ).fetchone()
        return int(res[0]) if res else 0

    @staticmethod
    def _skip_offsets_sql(skips: str, header_lines: int) -> str:
        """Subquery (good_before, j): a skipped line s with rank i has s - header_lines - i accepted
        records before it; record k comes after the j skips with good_before < k (asof join)."""
        return f"""(
            select s - {header_lines} - i as good_before, max(i) as j
            from (select s, row_number() over (order by s) as i
                  from (select distinct s from temp.{_q(skips)}))
            group by 1
        )"""

    def _line_map_sql(self, scan: str, skips: str, header_lines: int, base: int) -> str:
        """FROM-clause giving scan.* plus __sw_line: the file line of each accepted record.

        Accepted records are numbered 1..n in file order (__sw_k). The reader skipped the lines
        in `skips` (rejected records and blank lines). A skipped line s with rank i has
        s - header_lines - i accepted records before it, so record k sits after every skip whose
        count is < k: line = base + header_lines + k + (number of such skips).
        """
        return f"""(
            select sc.*, {base} + {header_lines} + sc.__sw_k + coalesce(gb.j, 0) as __sw_line
            from temp.{_q(scan)} as sc
            asof left join {self._skip_offsets_sql(skips, header_lines)} as gb
                on sc.__sw_k > gb.good_before
        )"""

    def _renumber(self, skips: str, header_lines: int, base: int, segment: str, params: list) -> None:
        """Move the segment's records (numbered base + header_lines + k when inserted) past the
        lines the reader skipped, exactly as _line_map_sql numbers them."""
        self.con.execute(
            f"""update {self.table} as t set _source_line = m.line
            from (
                select r.rowid as rid, r._source_line + gb.j as line
                from (select rowid, _source_line from {self.table} where {segment}) as r
                asof inner join {self._skip_offsets_sql(skips, header_lines)} as gb
                    on r._source_line - {base} - {header_lines} > gb.good_before
            ) as m
            where t.rowid = m.rid""",
            params,
        )

    # -- CSV
    def load_csv(self, f: _File) -> _FileOutcome:
        out = _FileOutcome()
        if f.size == 0:
            out.notes.append("0-byte file: nothing to load")
            return out
        header = _csv_header(f)
        if header is None:
            out.notes.append("blank file: nothing to load")
            return out
        names, delim, encoding = header
        columns = _normalise_columns(names)
        _check_required(self.entity, f, columns)
        _add_missing_columns(self.con, self.entity, columns)

        if f.blank_lines is None and f.compression == "gzip":
            f.blank_lines = _gz_blank_lines(f.path)

        def first_blanks(rows: int, rejected: bool) -> list[int]:
            if f.blank_lines is None:
                _wait_scan(f)
                if not rejected and encoding == "utf-8" and f.line_stats == (1 + rows, False):
                    # Every physical line after the header became a row: none of them is blank.
                    f.blank_lines = []
                else:
                    f.blank_lines = self._plain_blank_lines(f.path)
            return f.blank_lines

        resume = self._csv_segment(f, out, columns, delim, encoding, f.path, f.compression, True, 0, first_blanks)
        recoveries = 0
        while resume is not None:
            seg_path, base = resume
            if recoveries == _MAX_RECOVERIES:
                # Each recovery re-reads the rest of the file: stop before that gets quadratic.
                out.rejects += self._insert_rejects(
                    f,
                    "select ? as source_line, ? as reason, null as raw_record, 'NOT PARSED' as error_type",
                    [
                        base + 1,
                        f"not parsed: more than {_MAX_RECOVERIES} unterminated quotes in this file; "
                        f"line {base + 1} and everything after it were not loaded (fix the file's quoting)",
                    ],
                )
                out.notes.append(f"gave up after {_MAX_RECOVERIES} unterminated quotes: lines from {base + 1} not loaded")
                break
            recoveries += 1
            resume = self._csv_segment(
                f, out, columns, delim, encoding, seg_path, None, False, base,
                lambda _rows, _rejected, p=seg_path: self._plain_blank_lines(p),
            )
        if out.rows == 0 and out.rejects == 0:
            out.notes.append("header only: no data rows")
        return out

    @staticmethod
    def _plain_blank_lines(path: Path) -> list[int]:
        blanks: list[int] = []
        newlines = 0
        prev_tail = b""
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                newlines = _blank_lines_in_chunk(prev_tail, chunk, newlines, blanks)
                prev_tail = chunk[-2:]
        return blanks

    def _segment_rows_sql(self, base: int) -> str:
        """WHERE clause (params: file, load id, loaded at) for the rows this load read from one
        segment of a file: its lines all follow the segment's base line. (A file is loaded once
        per load_entity call, whose loaded_at is its own.)"""
        return f"_source_file = ? and _load_id = ? and _loaded_at = ? and _source_line > {base}"

    def _csv_segment(
        self,
        f: _File,
        out: _FileOutcome,
        columns: list[str],
        delim: str,
        encoding: str,
        path: Path,
        compression: str | None,
        header: bool,
        base: int,
        blank_lines: Callable[[int, bool], list[int]],
    ) -> tuple[Path, int] | None:
        """Read one segment of a CSV file. Returns (next segment file, its line base) when an
        unterminated quote swallowed the lines after it, so reading resumes on the next line.

        One read_csv pass straight into raw.<entity>, numbering record k as line base + header + k;
        only when the reader skipped lines (rejects, blank lines) are the later records renumbered.
        blank_lines(rows read, any rejects) gives the segment's blank physical lines."""
        h = 1 if header else 0
        rt, rs = self._tmp("rej"), self._tmp("rejscan")
        # auto_detect off: the header names (normalised) are given positionally, all VARCHAR.
        cols_struct = "{" + ", ".join(f"{_lit(c)}: 'VARCHAR'" for c in columns) + "}"
        source = f"""read_csv({_lit(str(path))},
                columns = {cols_struct}, header = {str(header).lower()}, auto_detect = false,
                delim = {_lit(delim)}, quote = '"', escape = '"', strict_mode = true,
                encoding = {_lit(encoding)}, compression = {_lit(compression or 'none')},
                store_rejects = true, rejects_table = {_lit(rt)}, rejects_scan = {_lit(rs)},
                buffer_size = {_CSV_BUFFER})"""
        rows = self._insert_rows(
            f, columns, [_q(c) for c in columns], f"{base} + {h} + row_number() over ()", source
        )
        # One row per rejected line (DuckDB reports one error per missing column).
        rej = self._tmp("rejline")
        self.con.execute(f"create temp table {_q(rej)} as {_rejects_by_line_sql(rt)}")
        n_rejected = self.con.execute(f"select count(*) from temp.{_q(rej)}").fetchone()[0]
        # An unterminated quote that ran past its own line: reject that line only, resume after it.
        cut = None
        if n_rejected:
            cut = self.con.execute(
                f"""select line, csv_line, line_byte_position from temp.{_q(rej)}
                where error_type = 'UNQUOTED VALUE' and contains(rtrim(csv_line, chr(13) || chr(10)), chr(10))
                order by line limit 1"""
            ).fetchone()
        cut_line = cut[0] if cut else None

        blanks = blank_lines(rows, n_rejected > 0)
        segment = self._segment_rows_sql(base)
        params = [f.rel, self.load_id, self.loaded_at]
        if n_rejected or blanks:
            skips = self._tmp("skip")
            self.con.execute(f"create temp table {_q(skips)} (s bigint)")
            self.con.execute(f"insert into temp.{_q(skips)} select line from temp.{_q(rej)}")
            if blanks:
                self.con.execute(f"insert into temp.{_q(skips)} select unnest(?::bigint[])", [blanks])
            self._renumber(skips, h, base, segment, params)
        if cut_line is not None:
            # Records after the unterminated quote are re-read from the next segment.
            res = self.con.execute(
                f"delete from {self.table} where {segment} and _source_line >= {base + cut_line}", params
            ).fetchone()
            rows -= int(res[0]) if res else 0
        out.rows += rows

        reason = _CSV_REASON_SQL
        rej_where = f"where line < {cut_line}" if cut_line is not None else ""
        out.rejects += self._insert_rejects(
            f,
            f"""select {base} + line as source_line, {reason} as reason, csv_line as raw_record, error_type
            from temp.{_q(rej)} {rej_where}""",
        )
        if cut_line is None:
            return None

        # Locate the bad physical line in the segment file and continue after it.
        plain = path
        if compression == "gzip":
            plain = self._scratch_file()
            with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
                shutil.copyfileobj(src, dst, _CHUNK)
        first_line = cut[1].split("\n", 1)[0].rstrip("\r")
        start, end = _find_line(plain, first_line, int(cut[2] or 0))
        out.rejects += self._insert_rejects(
            f,
            "select ? as source_line, ? as reason, ? as raw_record, 'UNQUOTED VALUE' as error_type",
            [
                base + cut_line,
                "unterminated quoted value: a quote opened on this line is never closed; "
                "the line was rejected and reading resumed on the next line",
                first_line,
            ],
        )
        out.notes.append(f"line {base + cut_line}: unterminated quote, re-parsed from the next line")
        if end is None:
            return None
        nxt = self._scratch_file()
        with open(plain, "rb") as src, open(nxt, "wb") as dst:
            src.seek(end)
            shutil.copyfileobj(src, dst, _CHUNK)
        if nxt.stat().st_size == 0:
            return None
        return nxt, base + cut_line

    # -- JSON lines / JSON array
    def load_json(self, f: _File) -> _FileOutcome:
        out = _FileOutcome()
        if f.size == 0:
            out.notes.append("0-byte file: nothing to load")
            return out
        head = _open_text_head(f, 4096)
        if not head.strip():
            out.notes.append("blank file: nothing to load")
            return out
        if _encoding_of(head) == "utf-8" and _looks_binary(head):
            raise _Unreadable("is not a text file (binary content)")
        encoding = _encoding_of(head)
        lines = self._tmp("jl")
        rt, rs = self._tmp("rej"), self._tmp("rejscan")
        is_array = f.fmt == "json" and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")
        if is_array:
            self.con.execute(
                f"""create temp table {_q(lines)} as
                select json::varchar as j, row_number() over () as __sw_k
                from read_json_objects({_lit(str(f.path))}, format = 'array')"""
            )
        else:
            # One VARCHAR per physical line: no quoting, a delimiter JSON text cannot contain raw.
            self.con.execute(
                f"""create temp table {_q(lines)} as
                select j, row_number() over () as __sw_k
                from read_csv({_lit(str(f.path))}, columns = {{'j': 'VARCHAR'}}, header = false,
                    auto_detect = false, delim = chr(31), quote = '', escape = '',
                    encoding = {_lit(encoding)}, compression = {_lit(f.compression or 'none')},
                    store_rejects = true, rejects_table = {_lit(rt)}, rejects_scan = {_lit(rs)})"""
            )
        skips = self._tmp("skip")
        if is_array:
            self.con.execute(f"create temp table {_q(skips)} (s bigint)")
        else:
            self.con.execute(
                f"create temp table {_q(skips)} as select distinct line as s from temp.{_q(rt)}"
            )
        parsed = self._tmp("jp")
        self.con.execute(
            f"""create temp table {_q(parsed)} as
            select __sw_line, j,
                   case when nullif(trim(j, ' ' || chr(9) || chr(13)), '') is null then 'blank'
                        when not json_valid(j) then 'invalid'
                        when json_type(j) <> 'OBJECT' then 'not_object'
                        else 'ok' end as state
            from (select __sw_line,
                         case when __sw_k = 1 then ltrim(j, chr(65279)) else j end as j
                  from {self._line_map_sql(lines, skips, 0, 0)})"""
        )
        # Reader rejects (invalid UTF-8, ...) and records that are not JSON objects.
        if not is_array:
            out.rejects += self._insert_rejects(
                f,
                f"""select line as source_line, {_CSV_REASON_SQL} as reason, csv_line as raw_record, error_type
                from ({_rejects_by_line_sql(rt)})""",
            )
        out.rejects += self._insert_rejects(
            f,
            f"""select __sw_line as source_line,
                   case state when 'invalid' then 'invalid JSON: the record is malformed or truncated'
                        else 'not a JSON object: the record is a JSON ' || lower(json_type(j)) end as reason,
                   j as raw_record,
                   case state when 'invalid' then 'INVALID JSON' else 'NOT AN OBJECT' end as error_type
            from temp.{_q(parsed)} where state in ('invalid', 'not_object')""",
        )
        keys = [
            r[0]
            for r in self.con.execute(
                f"""select k from (select unnest(json_keys(j)) as k, __sw_line from temp.{_q(parsed)}
                                   where state = 'ok')
                group by k order by min(__sw_line), k"""
            ).fetchall()
        ]
        if not keys and not self.con.execute(
            f"select count(*) from temp.{_q(parsed)} where state = 'ok'"
        ).fetchone()[0]:
            if out.rejects == 0:
                out.notes.append("no records: nothing to load")
            return out
        # Case variants of a key ("ID", "id") land in one column.
        groups: dict[str, list[int]] = {}
        for idx, key in enumerate(keys, start=1):
            groups.setdefault(_normalise_name(key, idx), []).append(idx)
        columns = list(groups)
        _check_required(self.entity, f, columns)
        _add_missing_columns(self.con, self.entity, columns)
        pointers = "[" + ", ".join(_lit(_json_pointer(k)) for k in keys) + "]"
        exprs = []
        for col in columns:
            parts = [f"__sw_v[{i}]" for i in groups[col]]
            exprs.append(parts[0] if len(parts) == 1 else f"coalesce({', '.join(parts)})")
        from_sql = (
            f"(select __sw_line, json_extract_string(j, {pointers}) as __sw_v "
            f"from temp.{_q(parsed)} where state = 'ok') as v"
        )
        out.rows += self._insert_rows(f, columns, exprs, "__sw_line", from_sql)
        if out.rows == 0 and out.rejects == 0:
            out.notes.append("no records: nothing to load")
        return out

    # -- Parquet
    def load_parquet(self, f: _File) -> _FileOutcome:
        out = _FileOutcome()
        if f.size == 0:
            out.notes.append("0-byte file: nothing to load")
            return out
        src = f"read_parquet({_lit(str(f.path))}, file_row_number = true)"
        described = self.con.execute(f"describe select * from read_parquet({_lit(str(f.path))})").fetchall()
        names = [r[0] for r in described]
        types = [str(r[1]).upper() for r in described]
        columns = _normalise_columns(names)
        _check_required(self.entity, f, columns)
        _add_missing_columns(self.con, self.entity, columns)
        exprs = [_parquet_to_text(_q(n), t) for n, t in zip(names, types, strict=True)]
        out.rows += self._insert_rows(f, columns, exprs, "file_row_number + 1", src)
        if out.rows == 0:
            out.notes.append("no rows: nothing to load")
        return out


def _parquet_to_text(col: str, typ: str) -> str:
    """Render a typed Parquet value as text staging can parse (timestamps ISO-8601, UTC)."""
    if typ in ("VARCHAR", "TEXT", "STRING"):
        return col
    if typ in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return f"replace(cast(timezone('UTC', {col}) as varchar), ' ', 'T') || 'Z'"
    if typ.startswith("TIMESTAMP"):
        return f"replace(cast(cast({col} as timestamp) as varchar), ' ', 'T')"
    if typ.startswith(("STRUCT", "MAP", "UNION")) or typ.endswith("]") or typ == "JSON":
        return f"cast(to_json({col}) as varchar)"
    return f"cast({col} as varchar)"


def _json_pointer(key: str) -> str:
    return "/" + key.replace("~", "~0").replace("/", "~1")


def _find_line(path: Path, first_line: str, approx_pos: int) -> tuple[int, int | None]:
    """(start, end) byte offsets of the physical line that starts with `first_line`, searched
    around DuckDB's (approximate) line_byte_position; end is None at end of file."""
    needle = first_line.encode("utf-8", errors="replace")[:256]
    with open(path, "rb") as fh:
        window_start = max(0, approx_pos - 4096)
        fh.seek(window_start)
        window = fh.read(8192 + len(needle))
        idx = -1
        if needle:
            # Prefer the occurrence that starts a line, closest to approx_pos.
            search = 0
            best = None
            while (p := window.find(needle, search)) != -1:
                if (p == 0 and window_start == 0) or (p > 0 and window[p - 1 : p] == b"\n"):
                    dist = abs(window_start + p - approx_pos)
                    if best is None or dist < best[0]:
                        best = (dist, p)
                search = p + 1
            if best is not None:
                idx = best[1]
        start = window_start + idx if idx >= 0 else approx_pos
        fh.seek(start)
        pos = start
        while chunk := fh.read(65536):
            nl = chunk.find(b"\n")
            if nl != -1:
                return start, pos + nl + 1
            pos += len(chunk)
    return start, None


def _rejects_by_line_sql(rejects_table: str) -> str:
    """One row per rejected line: DuckDB reports one error per missing column of a short line."""
    return f"""select line,
        first(error_type order by column_idx nulls last) as error_type,
        first(error_message order by column_idx nulls last) as error_message,
        ltrim(first(csv_line order by column_idx nulls last), chr(13) || chr(10)) as csv_line,
        min(line_byte_position) as line_byte_position
    from temp.{_q(rejects_table)} group by line"""


_CSV_REASON_SQL = """case error_type
    when 'MISSING COLUMNS' then 'wrong number of columns: expected '
        || regexp_extract(error_message, 'Expected Number of Columns: (\\d+)', 1) || ', found '
        || regexp_extract(error_message, 'Found: (\\d+)', 1) || ' (truncated or short line)'
    when 'TOO MANY COLUMNS' then 'wrong number of columns: expected '
        || regexp_extract(error_message, 'Expected Number of Columns: (\\d+)', 1) || ', found '
        || regexp_extract(error_message, 'Found: (\\d+)', 1) || ' (extra values: an unquoted delimiter?)'
    when 'INVALID ENCODING' then 'invalid UTF-8: the line is not UTF-8 encoded (export the file as UTF-8)'
    when 'UNQUOTED VALUE' then 'malformed quoted value: ' || error_message
    when 'LINE SIZE OVER MAXIMUM' then 'line too long: ' || error_message
    else lower(error_type) || ': ' || error_message end"""


# ----------------------------------------------------------------------------------------- loading


def new_load_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:8]


def _now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _record_file(
    con: duckdb.DuckDBPyConnection,
    entity: str,
    f: _File,
    load_id: str,
    loaded_at: datetime,
    rows: int,
    rejects: int,
    status: str,
    message: str | None,
) -> None:
    con.execute(
        f"insert into {LOADED_FILES} (file_path, file_hash, entity, load_id, loaded_at, rows_loaded, "
        "rows_rejected, status, message, file_size, file_mtime_ns) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [f.rel, f.sha256, entity, load_id, loaded_at, rows, rejects, status, message, f.size, f.mtime_ns],
    )


def load_entity(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, entity: str, load_id: str | None = None
) -> EntityLoadResult:
    """Load the entity's new files in one transaction; quarantine the files that break the contract.

    Never raises for bad input: a file missing a required column or unreadable as a whole (binary,
    truncated gzip, corrupt Parquet) is quarantined: recorded in ``raw._loaded_files`` with status
    ``quarantined`` and the reason, none of its rows loaded, listed in ``files_quarantined``; the
    entity's other files then load (the transaction is rolled back and redone without it). A
    quarantined file is skipped like a loaded one, so the same files twice change nothing; a fixed
    copy (other content) loads. Raises for the environment (permission denied, disk full, out of
    memory, a lock) and for programmer errors (unknown entity, a transaction already open on ``con``).
    """
    if entity not in LANDING_TABLES:
        raise ValueError(f"unknown entity {entity!r}; expected one of {sorted(LANDING_TABLES)}")
    landing_dir = Path(landing_dir)
    load_id = load_id or new_load_id()
    ensure_raw_schema(con)
    result = EntityLoadResult(entity=entity, load_id=load_id)
    new, skipped = _split_new(con, landing_dir, entity)
    result.files_skipped = [f.rel for f in skipped]
    loaded_at = _now_utc()
    while new:
        try:
            outcomes = _load_files(con, entity, new, load_id, loaded_at)
        except LoadError as e:
            bad = next((f for f in new if f.rel == e.file), new[-1])
            _quarantine(con, entity, bad, load_id, loaded_at, e, result)
            new = [f for f in new if f is not bad]
            continue
        for f, outcome in outcomes:
            result.add_file(f.rel, outcome)
        break
    if result.files_loaded:
        log.info(
            "%s: %d file(s), %d row(s) loaded, %d rejected by the reader",
            entity, len(result.files_loaded), result.rows_loaded, result.rows_rejected,
        )
    return result


def _quarantine(
    con: duckdb.DuckDBPyConnection, entity: str, f: _File, load_id: str, loaded_at: datetime,
    error: LoadError, result: EntityLoadResult,
) -> None:
    log.warning("%s (quarantined: none of its rows loaded)", error.message)
    if f.sha256 is None:  # could not even be hashed: path, size and mtime still recognise it
        f.sha256 = f"unhashed:{f.rel}"
    _record_file(con, entity, f, load_id, loaded_at, 0, 0, QUARANTINED, error.message)
    result.files_quarantined[f.rel] = error.message


def _load_files(
    con: duckdb.DuckDBPyConnection, entity: str, files: list[_File], load_id: str, loaded_at: datetime
) -> list[tuple[_File, _FileOutcome]]:
    """Every file, all or nothing, in one transaction; a LoadError names the file to quarantine."""
    loader = _Loader(con, entity, load_id, loaded_at)
    current: _File | None = None
    con.begin()
    try:
        outcomes: list[tuple[_File, _FileOutcome]] = []
        for current in files:
            read = {"csv": loader.load_csv, "jsonl": loader.load_json, "json": loader.load_json}.get(
                current.fmt, loader.load_parquet
            )
            if current.sha256 is None:
                _ScanJob(current)  # hash while DuckDB reads (see _split_new)
            try:
                outcome = read(current)
                _wait_scan(current)
            except _Unreadable as e:
                raise LoadError(
                    f"{entity}: {current.display} is unreadable: it {e}", entity, current.rel
                ) from e
            except (EOFError, gzip.BadGzipFile, zlib.error) as e:  # Python's pass over a gzip file
                raise LoadError(
                    f"{entity}: {current.display} is unreadable: it is not a complete gzip file ({e})",
                    entity, current.rel,
                ) from e
            except duckdb.Error as e:
                if environment_error(e):
                    raise
                detail = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                raise LoadError(
                    f"{entity}: {current.display} is unreadable: {detail}", entity, current.rel
                ) from e
            loader.drop_temps()
            status = "empty" if outcome.rows == 0 and outcome.rejects == 0 else "loaded"
            message = "; ".join(outcome.notes) or None
            if outcome.rejects:
                message = f"{outcome.rejects} record(s) rejected by the reader" + (
                    f"; {message}" if message else ""
                )
            _record_file(con, entity, current, load_id, loaded_at, outcome.rows, outcome.rejects, status, message)
            outcomes.append((current, outcome))
        con.commit()
    except BaseException:
        con.rollback()
        loader.cleanup()
        _join_scan(current)
        raise
    loader.cleanup()
    return outcomes


# DuckDB errors that are about the machine, not the file being read: never a reason to quarantine.
_ENVIRONMENT_ERRORS = (
    "no space left", "permission denied", "read-only file system", "could not set lock",
    "conflicting lock", "cannot allocate memory", "out of memory", "disk quota",
)


# Failures retrying cannot mend within a night: someone has to change the machine first.
_PERMANENT_ERRORS = ("permission denied", "read-only file system", "no space left", "disk quota", "operation not permitted")


def permanent_error(e: BaseException | str) -> bool:
    """True for permission errors, read-only or full disks: not worth a retry."""
    if isinstance(e, OSError) and e.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(e, duckdb.PermissionException):
        return True
    text = str(e).lower()
    return any(marker in text for marker in _PERMANENT_ERRORS)


def environment_error(e: BaseException) -> bool:
    """True for failures of the machine (disk, permissions, memory, locks) rather than of a file's content."""
    if isinstance(e, (duckdb.OutOfMemoryException, duckdb.InterruptException, duckdb.FatalException,
                      duckdb.TransactionException, duckdb.PermissionException, MemoryError)):
        return True
    if isinstance(e, OSError) and not isinstance(e, (EOFError, gzip.BadGzipFile)):
        return True
    text = str(e).lower()
    return any(marker in text for marker in _ENVIRONMENT_ERRORS)


def load_all(
    con: duckdb.DuckDBPyConnection, landing_dir: Path, load_id: str | None = None
) -> dict[str, EntityLoadResult]:
    """Load every entity (contract order); one failing entity does not stop the others."""
    load_id = load_id or new_load_id()
    ensure_raw_schema(con)
    landing_dir = Path(landing_dir)
    for problem in survey(landing_dir).problems():
        log.warning("%s", problem)
    return side_by_side(
        con, landing_dir, list(LANDING_TABLES), lambda cursor, entity: load_entity(cursor, landing_dir, entity, load_id)
    )


def side_by_side(
    con: duckdb.DuckDBPyConnection,
    landing_dir: Path,
    entities: list[str],
    load_one: Callable[[duckdb.DuckDBPyConnection, str], T],
    workers: int | None = None,
) -> dict[str, T]:
    """``load_one(cursor, entity)`` for every entity, up to ``workers`` (default: the DuckDB threads
    setting) at once, each on a cursor of its own, largest landing folder first; results in
    ``entities`` order.

    One CSV read keeps about one of two cores busy (the line numbering keeps the file's order), so
    two entities side by side load a 1M-ticket history in ~8 s instead of ~15 s. Each entity
    writes its own raw table in its own transaction; the appends of concurrent loads to the
    bookkeeping tables (_loaded_files, _load_rejects) do not conflict. An exception is raised
    once every load has finished, so no transaction is left open.
    """

    def run(entity: str) -> T:
        cursor = con.cursor()
        try:
            _configure_session(cursor)
            return load_one(cursor, entity)
        finally:
            cursor.close()

    largest_first = sorted(entities, key=lambda e: -_folder_bytes(Path(landing_dir) / _folder(e)))
    with ThreadPoolExecutor(max_workers=max(1, workers or config.duckdb_threads()), thread_name_prefix="load") as pool:
        futures = {entity: pool.submit(run, entity) for entity in largest_first}
    return {entity: futures[entity].result() for entity in entities}


def _folder_bytes(folder: Path) -> int:
    try:
        return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())
    except OSError:  # no such folder: nothing to load
        return 0
