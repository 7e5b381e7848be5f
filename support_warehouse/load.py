"""Load new landing files into the raw layer of the DuckDB build database.

Landing layout: ``<landing>/<entity>/<file>`` where file is ``*.csv``, ``*.csv.gz``, ``*.jsonl``,
``*.ndjson`` (optionally ``.gz``), ``*.json`` or ``*.parquet``. Sub-folders are searched too; any
file or folder whose name starts with ``_`` or ``.`` is ignored (write in-progress files as
``.name.tmp`` and rename them when complete).

This module is the DuckDB backend (``DuckDBBackend``) of ``support_warehouse.loading``, which
holds what both engines share: file discovery and dialect, the ledger of loaded files, the
quarantine of bad files, reject reasons and the result types. Its public names (``load_entity``,
``load_all``, ``pending_files``, ``LoadError``, ...) are the ones callers import.

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

import gzip
import logging
import shutil
import tempfile
import uuid
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import duckdb

from . import config
from .contract import LANDING_TABLES, LINEAGE_COLUMNS
from .landing import survey
from .loading import backend, notes, rejects
from .loading.columns import check_required, normalise_columns, normalise_name
from .loading.errors import LoadError, Unreadable, environment_error, permanent_error
from .loading.files import (
    CHUNK,
    LandingFile,
    ScanJob,
    blank_lines,
    csv_header,
    encoding_of,
    folder_bytes,
    incomplete_gzip,
    is_json_array,
    join_scan,
    landing_folder,
    looks_binary,
    open_text_head,
    scan,
    unreadable,
    wait_scan,
)
from .loading.ledger import (
    LINEAGE_TYPES,
    LOAD_REJECTS,
    LOAD_REJECTS_COLUMNS,
    LOADED_FILES,
    LOADED_FILES_COLUMNS,
    QUARANTINED,
    RAW_SCHEMA,
    KnownFiles,
    known_files_sql,
    known_from_rows,
    loaded_row,
)
from .loading.result import EntityLoadResult, FileOutcome, new_load_id, raise_for_errors

# The public names callers have always imported from here.
__all__ = [
    "LOAD_REJECTS", "LOADED_FILES", "QUARANTINED", "RAW_SCHEMA", "DuckDBBackend", "EntityLoadResult",
    "LoadError", "connect", "ensure_raw_schema", "environment_error", "load_all", "load_entity",
    "new_load_id", "pending_files", "permanent_error", "raise_for_errors", "side_by_side",
]

T = TypeVar("T")

log = logging.getLogger(__name__)

_TYPES = {"text": "varchar", "bigint": "bigint", "timestamp": "timestamp"}

# read_csv buffer for the raw inserts. With DuckDB's default (32 MB) an order-preserving parallel
# insert leaves partial row groups at the reader's batch boundaries, which the next checkpoint (at
# the latest when the connection closes) decompresses and rewrites: at 1M tickets that was ~40% of
# the load's CPU time. With 128 MB buffers the row groups come out full and the checkpoint is free.
_CSV_BUFFER = 128 * 1024 * 1024
_MAX_RECOVERIES = 100  # unterminated quotes re-parsed per file before giving up on its remainder


def _ddl(table: str, columns: Sequence[tuple[str, str, bool]]) -> str:
    cols = ", ".join(f"{c} {_TYPES[t]}" + (" not null" if not_null else "") for c, t, not_null in columns)
    return f"create table if not exists {table} ({cols})"


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
    lineage_types = {c: _TYPES[t] for c, t in LINEAGE_TYPES.items()}
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
    con.execute(_ddl(LOADED_FILES, LOADED_FILES_COLUMNS))
    con.execute(_ddl(LOAD_REJECTS, LOAD_REJECTS_COLUMNS))
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

    def _insert_rejects(self, f: LandingFile, select_sql: str, params: list | None = None) -> int:
        """select_sql yields (source_line, reason, raw_record, error_type)."""
        res = self.con.execute(
            f"insert into {LOAD_REJECTS} "
            "(entity, source_file, source_line, reason, raw_record, load_id, loaded_at, error_type) "
            f"select ?, ?, source_line, reason, raw_record, ?, ?, error_type from ({select_sql})",
            [self.entity, f.rel, self.load_id, self.loaded_at, *(params or [])],
        ).fetchone()
        return int(res[0]) if res else 0

    def _insert_rows(self, f: LandingFile, columns: list[str], exprs: list[str], line_expr: str, from_sql: str) -> int:
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
    def load_csv(self, f: LandingFile) -> FileOutcome:
        out = FileOutcome()
        if f.size == 0:
            out.notes.append(notes.ZERO_BYTES)
            return out
        header = csv_header(f)
        if header is None:
            out.notes.append(notes.BLANK_FILE)
            return out
        names, delim, encoding = header
        columns = normalise_columns(names)
        check_required(self.entity, f, columns)
        _add_missing_columns(self.con, self.entity, columns)

        if f.blank_lines is None and f.compression == "gzip":
            f.blank_lines = blank_lines(f.path, gzipped=True)

        def first_blanks(rows: int, rejected: bool) -> list[int]:
            if f.blank_lines is None:
                wait_scan(f)
                if not rejected and encoding == "utf-8" and f.line_stats == (1 + rows, False):
                    # Every physical line after the header became a row: none of them is blank.
                    f.blank_lines = []
                else:
                    f.blank_lines = blank_lines(f.path)
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
                lambda _rows, _rejected, p=seg_path: blank_lines(p),
            )
        if out.rows == 0 and out.rejects == 0:
            out.notes.append(notes.HEADER_ONLY)
        return out

    def _segment_rows_sql(self, base: int) -> str:
        """WHERE clause (params: file, load id, loaded at) for the rows this load read from one
        segment of a file: its lines all follow the segment's base line. (A file is loaded once
        per load_entity call, whose loaded_at is its own.)"""
        return f"_source_file = ? and _load_id = ? and _loaded_at = ? and _source_line > {base}"

    def _csv_segment(
        self,
        f: LandingFile,
        out: FileOutcome,
        columns: list[str],
        delim: str,
        encoding: str,
        path: Path,
        compression: str | None,
        header: bool,
        base: int,
        blanks_of: Callable[[int, bool], list[int]],
    ) -> tuple[Path, int] | None:
        """Read one segment of a CSV file. Returns (next segment file, its line base) when an
        unterminated quote swallowed the lines after it, so reading resumes on the next line.

        One read_csv pass straight into raw.<entity>, numbering record k as line base + header + k;
        only when the reader skipped lines (rejects, blank lines) are the later records renumbered.
        blanks_of(rows read, any rejects) gives the segment's blank physical lines."""
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

        blanks = blanks_of(rows, n_rejected > 0)
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
                shutil.copyfileobj(src, dst, CHUNK)
        first_line = cut[1].split("\n", 1)[0].rstrip("\r")
        start, end = _find_line(plain, first_line, int(cut[2] or 0))
        out.rejects += self._insert_rejects(
            f,
            "select ? as source_line, ? as reason, ? as raw_record, 'UNQUOTED VALUE' as error_type",
            [
                base + cut_line,
                rejects.UNTERMINATED_QUOTE,
                first_line,
            ],
        )
        out.notes.append(rejects.unterminated_note(base + cut_line))
        if end is None:
            return None
        nxt = self._scratch_file()
        with open(plain, "rb") as src, open(nxt, "wb") as dst:
            src.seek(end)
            shutil.copyfileobj(src, dst, CHUNK)
        if nxt.stat().st_size == 0:
            return None
        return nxt, base + cut_line

    # -- JSON lines / JSON array
    def load_json(self, f: LandingFile) -> FileOutcome:
        out = FileOutcome()
        if f.size == 0:
            out.notes.append(notes.ZERO_BYTES)
            return out
        head = open_text_head(f, 4096)
        if not head.strip():
            out.notes.append(notes.BLANK_FILE)
            return out
        if encoding_of(head) == "utf-8" and looks_binary(head):
            raise Unreadable("is not a text file (binary content)")
        encoding = encoding_of(head)
        lines = self._tmp("jl")
        rt, rs = self._tmp("rej"), self._tmp("rejscan")
        is_array = is_json_array(f, head)
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
                   case state when 'invalid' then {_lit(rejects.INVALID_JSON)}
                        else {_lit(rejects.NOT_AN_OBJECT)} || lower(json_type(j)) end as reason,
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
                out.notes.append(notes.NO_RECORDS)
            return out
        # Case variants of a key ("ID", "id") land in one column.
        groups: dict[str, list[int]] = {}
        for idx, key in enumerate(keys, start=1):
            groups.setdefault(normalise_name(key, idx), []).append(idx)
        columns = list(groups)
        check_required(self.entity, f, columns)
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
            out.notes.append(notes.NO_RECORDS)
        return out

    # -- Parquet
    def load_parquet(self, f: LandingFile) -> FileOutcome:
        out = FileOutcome()
        if f.size == 0:
            out.notes.append(notes.ZERO_BYTES)
            return out
        src = f"read_parquet({_lit(str(f.path))}, file_row_number = true)"
        described = self.con.execute(f"describe select * from read_parquet({_lit(str(f.path))})").fetchall()
        names = [r[0] for r in described]
        types = [str(r[1]).upper() for r in described]
        columns = normalise_columns(names)
        check_required(self.entity, f, columns)
        _add_missing_columns(self.con, self.entity, columns)
        exprs = [_parquet_to_text(_q(n), t) for n, t in zip(names, types, strict=True)]
        out.rows += self._insert_rows(f, columns, exprs, "file_row_number + 1", src)
        if out.rows == 0:
            out.notes.append(notes.NO_ROWS)
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


_EXPECTED_SQL = "regexp_extract(error_message, 'Expected Number of Columns: (\\d+)', 1)"
_FOUND_SQL = "regexp_extract(error_message, 'Found: (\\d+)', 1)"
_COUNTS_SQL = f"{_lit(rejects.COLUMNS_EXPECTED)} || {_EXPECTED_SQL} || {_lit(rejects.COLUMNS_FOUND)} || {_FOUND_SQL}"
# The reason of a line DuckDB's CSV reader rejected, worded as loading.rejects words it.
_CSV_REASON_SQL = f"""case error_type
    when 'MISSING COLUMNS' then {_COUNTS_SQL} || {_lit(rejects.SHORT_LINE)}
    when 'TOO MANY COLUMNS' then {_COUNTS_SQL} || {_lit(rejects.EXTRA_VALUES)}
    when 'INVALID ENCODING' then {_lit(rejects.INVALID_UTF8)}
    when 'UNQUOTED VALUE' then {_lit(rejects.MALFORMED_QUOTE)} || error_message
    when 'LINE SIZE OVER MAXIMUM' then 'line too long: ' || error_message
    else lower(error_type) || ': ' || error_message end"""


# ----------------------------------------------------------------------------------------- loading



class DuckDBBackend:
    """The DuckDB engine behind loading.backend.Backend: one connection (or cursor), one entity's
    files per transaction, hashed while DuckDB reads them."""

    entities = LANDING_TABLES
    label = ""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def known_files(self, entities: Sequence[str]) -> dict[str, KnownFiles]:
        if not _table_exists(self.con, RAW_SCHEMA, "_loaded_files"):
            return {e: KnownFiles(sizes=set()) for e in entities}
        rows = self.con.execute(known_files_sql(entities)).fetchall()
        return known_from_rows(entities, rows, by_size=True)

    def hash_file(self, f: LandingFile) -> None:
        scan(f)

    def record_files(self, rows: list[tuple]) -> None:
        names = ", ".join(c for c, _, _ in LOADED_FILES_COLUMNS)
        marks = ", ".join("?" for _ in LOADED_FILES_COLUMNS)
        for row in rows:
            self.con.execute(f"insert into {LOADED_FILES} ({names}) values ({marks})", list(row))

    def load_files(
        self, entity: str, files: list[LandingFile], load_id: str, loaded_at: datetime
    ) -> list[tuple[LandingFile, FileOutcome]]:
        """Every file, all or nothing, in one transaction; a LoadError names the file to quarantine."""
        con = self.con
        loader = _Loader(con, entity, load_id, loaded_at)
        current: LandingFile | None = None
        con.begin()
        try:
            outcomes: list[tuple[LandingFile, FileOutcome]] = []
            for current in files:
                read = {"csv": loader.load_csv, "jsonl": loader.load_json, "json": loader.load_json}.get(
                    current.fmt, loader.load_parquet
                )
                if current.sha256 is None:
                    ScanJob(current)  # hash while DuckDB reads (see ledger.split_new)
                try:
                    outcome = read(current)
                    wait_scan(current)
                except Unreadable as e:
                    raise unreadable(entity, current, f"it {e}") from e
                except (EOFError, gzip.BadGzipFile, zlib.error) as e:  # Python's pass over a gzip file
                    raise incomplete_gzip(entity, current, e) from e
                except duckdb.Error as e:
                    if environment_error(e):
                        raise
                    detail = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
                    raise unreadable(entity, current, detail) from e
                loader.drop_temps()
                self.record_files([loaded_row(entity, current, load_id, loaded_at, outcome)])
                outcomes.append((current, outcome))
            con.commit()
        except BaseException:
            con.rollback()
            loader.cleanup()
            join_scan(current)
            raise
        loader.cleanup()
        return outcomes


def pending_files(con: duckdb.DuckDBPyConnection, landing_dir: Path) -> dict[str, list[Path]]:
    """New files not loaded yet, per entity; entities with nothing pending are left out.

    Read-only (works on a read-only connection and on a database without raw tables yet).
    """
    return backend.pending_files(DuckDBBackend(con), landing_dir)


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
    db = DuckDBBackend(con)
    backend.check_entity(db, entity)
    ensure_raw_schema(con)
    return backend.load_entity(db, landing_dir, entity, load_id)


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

    largest_first = sorted(entities, key=lambda e: -folder_bytes(Path(landing_dir) / landing_folder(e)))
    with ThreadPoolExecutor(max_workers=max(1, workers or config.duckdb_threads()), thread_name_prefix="load") as pool:
        futures = {entity: pool.submit(run, entity) for entity in largest_first}
    return {entity: futures[entity].result() for entity in entities}


