"""Load new landing files into the raw layer on Spark (the dbt target ``spark``).

The same contract as the DuckDB loader (``support_warehouse.load``), with Spark's own readers:

``raw.<entity>``
    every extract column as STRING (the contract's required columns first, then the lineage
    columns ``_source_file``, ``_source_line`` BIGINT, ``_loaded_at`` TIMESTAMP (UTC), ``_load_id``,
    then extra columns in the order they appear), Parquet tables in the Spark catalog.
``raw._loaded_files``, ``raw._load_rejects``
    the same columns as on DuckDB; a file whose sha256 is recorded ``loaded``/``empty`` for its
    entity is skipped, so loading the same file twice changes nothing.

This module is the Spark backend (``SparkBackend``) of ``support_warehouse.loading``: file
discovery, hashing, CSV header and delimiter detection, column-name normalisation, the ledger,
the quarantine of bad files, reject reasons and the messages of a failed entity are that package's,
shared with the DuckDB backend (``support_warehouse.load``), so both engines name files, lines and
columns identically. ``_source_line`` follows the DuckDB loader's definition: CSV line
(header = 1; blank lines count; a multi-line quoted record counts as one line), JSON lines
physical line, JSON array element number, Parquet row number.

Readers:

* CSV: ``spark.read.csv`` with ``multiLine`` (RFC 4180 quoted line breaks), every column as
  string, PERMISSIVE mode with ``columnNameOfCorruptRecord``: a record with the wrong number of
  columns is kept in ``raw._load_rejects`` with the DuckDB loader's reason text. A quote left open
  on a line rejects that line and reading resumes on the next one (as on DuckDB). A record with
  bytes that are not UTF-8 is rejected (Spark decodes them as U+FFFD).
* JSON lines: ``spark.read.text`` + ``from_json(..., 'map<string,string>')``; values render as on
  DuckDB (numbers as JSON text, nested values as compact JSON). Invalid lines and non-objects are
  rejected; blank lines are skipped but counted.
* Parquet: ``spark.read.parquet``, values rendered as text as the DuckDB loader does (timestamps
  ISO-8601, nested values as JSON), line = ``_metadata.row_index + 1``.

An entity's new files are read and checked first; rows are only appended when every file of the
entity is fine (one Spark write job per table, committed as a whole); a file that breaks the
contract is quarantined with the DuckDB loader's message and the others are read again.

``spark_session()`` builds a session from the ``spark`` output of ``profiles.yml`` (same
warehouse dir and Derby metastore as dbt-spark's ``session`` method), so tables loaded here are
the sources dbt reads. The embedded Derby metastore admits one JVM at a time: either load and run
dbt in one process (``build_spark``; ``python -m support_warehouse.load_spark --landing DIR -- build``),
or, as the Dagster job does (support_warehouse/orchestration/spark.py), run the loader (``--load-only``) and the
export for publishing (``--export-build``) as processes of their own that exit before the next
step starts.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import uuid
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from . import config
from .contract import ENTITIES, LINEAGE_COLUMNS
from .loading import backend, notes, rejects
from .loading.columns import check_required, normalise_columns, normalise_name
from .loading.errors import LoadError, Unreadable, environment_error
from .loading.files import (
    LandingFile,
    blank_lines,
    csv_header,
    digest,
    encoding_of,
    incomplete_gzip,
    is_json_array,
    open_text_head,
    unreadable,
)
from .loading.ledger import (
    LINEAGE_TYPES,
    LOAD_REJECTS,
    LOAD_REJECTS_COLUMNS,
    LOADED_FILES,
    LOADED_FILES_COLUMNS,
    RAW_SCHEMA,
    KnownFiles,
    known_files_sql,
    known_from_rows,
    loaded_row,
)
from .loading.result import EntityLoadResult, FileOutcome, new_load_id

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)

_TYPES = {"text": "string", "bigint": "bigint", "timestamp": "timestamp"}
_LINEAGE_TYPES = {c: _TYPES[t] for c, t in LINEAGE_TYPES.items()}
_LOADED_FILES_COLUMNS = tuple((c, _TYPES[t]) for c, t, _ in LOADED_FILES_COLUMNS)
_LOAD_REJECTS_COLUMNS = tuple((c, _TYPES[t]) for c, t, _ in LOAD_REJECTS_COLUMNS)

_CORRUPT = "_sw_corrupt_record"
_REPLACEMENT_CHAR = "\ufffd"
_MAX_RECOVERIES = 1000



# ------------------------------------------------------------------------------------- session


def spark_warehouse_dir() -> Path:
    """SW_SPARK_WAREHOUSE_DIR (default data/spark-warehouse): tables, metastore_db, derby.log."""
    return config.spark_warehouse_dir()


def spark_conf() -> dict[str, str]:
    """The ``spark`` output's server_side_parameters of profiles.yml, rendered with the current
    environment (SW_SPARK_WAREHOUSE_DIR made absolute first, so dbt and this loader agree)."""
    import jinja2
    import yaml

    os.environ["SW_SPARK_WAREHOUSE_DIR"] = str(spark_warehouse_dir().resolve())
    profile = yaml.safe_load((config.DBT_PROJECT_DIR / "profiles.yml").read_text())
    params = profile["support_warehouse"]["outputs"]["spark"].get("server_side_parameters", {})
    env = jinja2.Environment()
    env.globals["env_var"] = lambda name, default=None: os.environ.get(name, default)
    conf = {str(k): env.from_string(str(v)).render() for k, v in params.items()}
    conf["spark.sql.ansi.enabled"] = "false"  # dbt-spark forces this on every session it touches
    return conf


def spark_session(extra_conf: dict[str, str] | None = None) -> SparkSession:
    """The process's SparkSession (Hive catalog), configured like dbt's ``spark`` target."""
    from pyspark.sql import SparkSession

    conf = spark_conf()
    conf.update(extra_conf or {})
    conf.setdefault("spark.ui.showConsoleProgress", "false")
    conf.setdefault("spark.sql.mapKeyDedupPolicy", "LAST_WIN")
    Path(conf.get("spark.sql.warehouse.dir", spark_warehouse_dir())).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.appName("support_warehouse").enableHiveSupport()
    for k, v in conf.items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(os.environ.get("SW_SPARK_LOG_LEVEL", "ERROR"))
    return spark


# ---------------------------------------------------------------------------------- raw schema


def _q(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _lit(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _table_exists(spark: SparkSession, schema: str, table: str) -> bool:
    return bool(spark.catalog.tableExists(table, schema))


def _table_columns(spark: SparkSession, table: str) -> list[str]:
    return [f.name for f in spark.table(table).schema.fields]


def ensure_raw_schema(spark: SparkSession) -> None:
    """Create database raw, every entity's raw table (required + lineage columns) and bookkeeping."""
    spark.sql(f"create database if not exists {RAW_SCHEMA}")
    for name, cols in (("_loaded_files", _LOADED_FILES_COLUMNS), ("_load_rejects", _LOAD_REJECTS_COLUMNS)):
        ddl = ", ".join(f"{_q(c)} {t}" for c, t in cols)
        spark.sql(f"create table if not exists {RAW_SCHEMA}.{_q(name)} ({ddl}) using parquet")
    existing = {t.name.lower() for t in spark.catalog.listTables(RAW_SCHEMA)}
    for name, entity in ENTITIES.items():
        if name not in existing:
            cols = [f"{_q(c)} string" for c in entity.raw_columns]
            cols += [f"{_q(c)} {_LINEAGE_TYPES[c]}" for c in LINEAGE_COLUMNS]
            spark.sql(f"create table {RAW_SCHEMA}.{_q(name)} ({', '.join(cols)}) using parquet")
            continue
        have = {c.lower() for c in _table_columns(spark, f"{RAW_SCHEMA}.{_q(name)}")}
        missing = [f"{_q(c)} string" for c in entity.raw_columns if c not in have]
        missing += [f"{_q(c)} {_LINEAGE_TYPES[c]}" for c in LINEAGE_COLUMNS if c not in have]
        if missing:
            spark.sql(f"alter table {RAW_SCHEMA}.{_q(name)} add columns ({', '.join(missing)})")


def _add_missing_columns(spark: SparkSession, entity: str, columns: Iterable[str]) -> list[str]:
    table = f"{RAW_SCHEMA}.{_q(entity)}"
    have = {c.lower() for c in _table_columns(spark, table)}
    added = [c for c in dict.fromkeys(columns) if c not in have]
    if added:
        spark.sql(f"alter table {table} add columns ({', '.join(f'{_q(c)} string' for c in added)})")
    return added


# ------------------------------------------------------------------------------------- helpers


@dataclass
class _Batch:
    """What one entity's new files produce before anything is written."""

    columns: list[str] = field(default_factory=list)  # extract columns, in order of appearance
    rows: list[DataFrame] = field(default_factory=list)  # extract columns + _source_file, _source_line
    rejects: list[dict[str, Any]] = field(default_factory=list)  # small: collected on the driver
    reject_frames: list[DataFrame] = field(default_factory=list)
    outcomes: dict[str, FileOutcome] = field(default_factory=dict)
    cached: list[DataFrame] = field(default_factory=list)

    def outcome(self, f: LandingFile) -> FileOutcome:
        return self.outcomes.setdefault(f.rel, FileOutcome())

    def add_columns(self, columns: Iterable[str]) -> None:
        for c in columns:
            if c not in self.columns:
                self.columns.append(c)


_SCHEME_SLASHES = re.compile("^file:/+")


def _path_key(spark_path: str) -> str:
    """Spark's file URI (file:/a%20b/c.csv) -> a comparable absolute local path."""
    parsed = urlparse(spark_path)
    return os.path.realpath(unquote(parsed.path if parsed.scheme else spark_path))


def _line_numbers(df: DataFrame, base: int, header_lines: int, skips: dict[str, list[int]]) -> DataFrame:
    """Add _source_line to df (columns _sw_file, _sw_k = 1-based record number in its file).

    As in the DuckDB loader: a skipped physical line s (blank line) with rank i has s - header - i
    records before it, so record k is on line base + header + k + #(skips with that count < k).
    """
    from pyspark.sql import functions as F

    if not any(skips.values()):
        return df.withColumn("_source_line", F.lit(base + header_lines) + F.col("_sw_k"))
    spark = df.sparkSession
    marks = [
        (file, s - header_lines - i)
        for file, lines in skips.items()
        for i, s in enumerate(sorted(set(lines)), start=1)
    ]
    marks_df = spark.createDataFrame(marks, "_sw_file string, _sw_good_before long")
    counts = marks_df.groupBy("_sw_file", "_sw_good_before").agg(F.count("*").alias("_sw_n"))
    # Records and marks interleaved per file: a mark sorts before the record it precedes.
    rec = df.withColumn("_sw_pos", F.col("_sw_k") * 2).withColumn("_sw_n", F.lit(0))
    mk = counts.select(
        "_sw_file", (F.col("_sw_good_before") * 2 + 1).alias("_sw_pos"), "_sw_n"
    )
    cols = list(df.columns)
    mk_full = mk.select(*[F.lit(None).alias(c) for c in cols if c != "_sw_file"], "_sw_file", "_sw_pos", "_sw_n")
    rec_full = rec.select(*[c for c in cols if c != "_sw_file"], "_sw_file", "_sw_pos", "_sw_n")
    from pyspark.sql.window import Window

    w = Window.partitionBy("_sw_file").orderBy("_sw_pos").rowsBetween(Window.unboundedPreceding, 0)
    merged = rec_full.unionByName(mk_full, allowMissingColumns=False).withColumn(
        "_sw_skipped", F.sum("_sw_n").over(w)
    )
    return (
        merged.where(F.col("_sw_k").isNotNull())
        .withColumn("_source_line", F.lit(base + header_lines) + F.col("_sw_k") + F.col("_sw_skipped"))
        .drop("_sw_pos", "_sw_n", "_sw_skipped")
    )


def _records_numbered(df: DataFrame, file_col: str = "_sw_file") -> DataFrame:
    """_sw_k: 1-based record number within each file, in file order."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    w = Window.partitionBy(file_col).orderBy("_sw_block", "_sw_mid")
    return df.withColumn("_sw_k", F.row_number().over(w)).drop("_sw_block", "_sw_mid")


def _with_file_rel(df: DataFrame, files: Sequence[LandingFile]) -> DataFrame:
    """Map Spark's _sw_path (file URI) to the landing-relative name in _sw_file."""
    from pyspark.sql import functions as F

    by_key = {os.path.realpath(f.path): f.rel for f in files}
    # inputFiles() lists the files without a Spark job; its URIs (file:///a%20b) and
    # _metadata.file_path (file:/a%20b) differ only in the slashes after the scheme.
    mapping: list[Any] = []
    for uri in df.inputFiles():
        rel = by_key.get(_path_key(uri))
        if rel is None:  # pragma: no cover - Spark read a file we did not ask for
            raise RuntimeError(f"unexpected file read by Spark: {uri}")
        mapping += [F.lit(_SCHEME_SLASHES.sub("/", uri)), F.lit(rel)]
    if not mapping:
        return df.withColumn("_sw_file", F.lit(None).cast("string")).drop("_sw_path")
    key = F.regexp_replace(F.col("_sw_path"), _SCHEME_SLASHES.pattern, "/")
    return df.withColumn("_sw_file", F.create_map(*mapping)[key]).drop("_sw_path")


def _csv_reject_reason(raw: str, delim: str, expected: int) -> tuple[str, str]:
    """(reason, error_type) for a record Spark's CSV reader flagged, worded as the DuckDB loader does."""
    try:
        fields = next(csv.reader(io.StringIO(raw, newline=""), delimiter=delim, quotechar='"'), [])
    except csv.Error as e:
        return f"{rejects.MALFORMED_QUOTE}{e}", "UNQUOTED VALUE"
    if len(fields) != expected:
        return rejects.column_count(expected, len(fields))
    return "malformed record: the CSV reader could not parse it", "MALFORMED"


def _spark_error_text(e: BaseException) -> str:
    text = str(getattr(e, "desc", None) or e).strip()
    return text.splitlines()[0] if text else type(e).__name__


# -------------------------------------------------------------------------------------- readers


class _SparkLoader:
    def __init__(self, spark: SparkSession, entity: str, load_id: str, loaded_at: datetime) -> None:
        self.spark = spark
        self.entity = entity
        self.load_id = load_id
        self.loaded_at = loaded_at
        self._tmp_dir: tempfile.TemporaryDirectory[str] | None = None

    def cleanup(self, batch: _Batch | None = None) -> None:
        if batch is not None:
            for df in batch.cached:
                df.unpersist()
        if self._tmp_dir is not None:
            self._tmp_dir.cleanup()
            self._tmp_dir = None

    @contextlib.contextmanager
    def file_checks(self, f: LandingFile) -> Any:
        """A file that cannot be read fails the entity with the DuckDB loader's message."""
        try:
            yield
        except Unreadable as e:
            raise unreadable(self.entity, f, f"it {e}") from e

    def _scratch(self, suffix: str) -> Path:
        if self._tmp_dir is None:
            self._tmp_dir = tempfile.TemporaryDirectory(prefix="sw_load_spark_")
        return Path(self._tmp_dir.name) / f"{uuid.uuid4().hex}{suffix}"

    def _reject(self, batch: _Batch, f: LandingFile, line: int | None, reason: str, raw: str | None, error_type: str) -> None:
        batch.rejects.append(
            {"source_file": f.rel, "source_line": line, "reason": reason, "raw_record": raw, "error_type": error_type}
        )
        batch.outcome(f).rejects += 1

    @staticmethod
    def _with_bytes(batch: _Batch, files: list[LandingFile]) -> Iterator[tuple[LandingFile, FileOutcome]]:
        """(file, its outcome) of every file with content; a 0-byte file only gets its note."""
        for f in files:
            out = batch.outcome(f)
            if f.size == 0:
                out.notes.append(notes.ZERO_BYTES)
                continue
            yield f, out

    # -- CSV
    def read_csv(self, batch: _Batch, files: list[LandingFile]) -> None:
        groups: dict[tuple[tuple[str, ...], str, str], list[LandingFile]] = {}
        for f, out in self._with_bytes(batch, files):
            with self.file_checks(f):
                header = csv_header(f)
            if header is None:
                out.notes.append(notes.BLANK_FILE)
                continue
            names, delim, encoding = header
            columns = normalise_columns(names)
            check_required(self.entity, f, columns)
            batch.add_columns(columns)
            groups.setdefault((tuple(columns), delim, encoding), []).append(f)
        for (columns, delim, encoding), group in groups.items():
            self._csv_segment(batch, group, list(columns), delim, encoding, header=True, base=0)
        for f in files:
            out = batch.outcome(f)
            if f.size and out.rows == 0 and out.rejects == 0 and not out.notes:
                out.notes.append(notes.HEADER_ONLY)

    def _csv_frame(self, paths: list[str], columns: list[str], delim: str, encoding: str, header: bool) -> DataFrame:
        from pyspark.sql import functions as F
        from pyspark.sql.types import StringType, StructField, StructType

        schema = StructType(
            [StructField(f"_sw_c{i}", StringType()) for i in range(len(columns))]
            + [StructField(_CORRUPT, StringType())]
        )
        df = (
            self.spark.read.schema(schema)
            .option("header", header)
            .option("multiLine", True)
            .option("mode", "PERMISSIVE")
            .option("columnNameOfCorruptRecord", _CORRUPT)
            .option("sep", delim)
            .option("quote", '"')
            .option("escape", '"')
            .option("encoding", "UTF-16" if encoding == "utf-16" else "UTF-8")
            .option("enforceSchema", True)
            .csv(paths)
        )
        return df.select(
            *[F.col(f"_sw_c{i}").alias(c) for i, c in enumerate(columns)],
            F.col(_CORRUPT),
            F.col("_metadata.file_path").alias("_sw_path"),
            F.col("_metadata.file_block_start").alias("_sw_block"),
            F.monotonically_increasing_id().alias("_sw_mid"),
        )

    def _csv_segment(
        self,
        batch: _Batch,
        files: list[LandingFile],
        columns: list[str],
        delim: str,
        encoding: str,
        header: bool,
        base: int,
        segment_of: dict[str, LandingFile] | None = None,
        depth: int = 0,
    ) -> None:
        """Read files (or, when resuming after an unterminated quote, one file's remainder)."""
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        h = 1 if header else 0
        paths = [str(f.path) for f in files]
        df = self._csv_frame(paths, columns, delim, encoding, header)
        df = _records_numbered(_with_file_rel(df, files))
        origin = segment_of or {f.rel: f for f in files}
        skips = {f.rel: list(f.blank_lines or []) for f in files}
        df = _line_numbers(df, base, h, skips).persist(StorageLevel.MEMORY_AND_DISK)
        batch.cached.append(df)
        any_col_bad = F.lit(False)
        for c in columns:
            any_col_bad = any_col_bad | F.coalesce(F.instr(F.col(c), _REPLACEMENT_CHAR) > 0, F.lit(False))
        bad_encoding = F.coalesce(F.instr(F.col(_CORRUPT), _REPLACEMENT_CHAR) > 0, F.lit(False)) | any_col_bad
        is_bad = F.col(_CORRUPT).isNotNull() | bad_encoding
        # One job for the common case: records and bad records per file.
        stats = {
            r[0]: (r[1], r[2])
            for r in df.groupBy("_sw_file").agg(F.count("*"), F.sum(is_bad.cast("int"))).collect()
        }
        bad = df.where(is_bad).select(
            "_sw_file",
            "_sw_k",
            "_source_line",
            F.col(_CORRUPT).alias("raw"),
            F.concat_ws(delim, *[F.coalesce(F.col(c), F.lit("")) for c in columns]).alias("joined"),
            bad_encoding.alias("enc"),
        )
        cut: dict[str, tuple[int, int, str]] = {}  # file -> (record number, line, text) of an open quote
        bad_rows = bad.collect() if any(n for _, n in stats.values()) else []
        for r in sorted(bad_rows, key=lambda r: (r["_sw_file"], r["_sw_k"])):
            if r["_sw_file"] in cut:
                continue  # swallowed by the open quote: re-read below
            f = origin[r["_sw_file"]]
            raw = r["raw"] if r["raw"] is not None else r["joined"]
            raw_text = raw.rstrip("\r\n")
            if r["enc"]:
                # DuckDB shows the undecodable bytes as '?'.
                shown = raw_text.replace(_REPLACEMENT_CHAR, "?")
                self._reject(batch, f, r["_source_line"], rejects.INVALID_UTF8, shown, "INVALID ENCODING")
                continue
            if "\n" in raw_text and raw_text.count('"') % 2 == 1:
                first = raw_text.split("\n", 1)[0].rstrip("\r")
                self._reject(batch, f, r["_source_line"], rejects.UNTERMINATED_QUOTE, first, "UNQUOTED VALUE")
                cut[r["_sw_file"]] = (r["_sw_k"], r["_source_line"], first)
                continue
            reason, error_type = _csv_reject_reason(raw_text, delim, len(columns))
            self._reject(batch, f, r["_source_line"], reason, raw_text, error_type)

        good = df.where(~is_bad)
        for rel, (k, _, _) in cut.items():
            good = good.where((F.col("_sw_file") != rel) | (F.col("_sw_k") < k))
        for rel, (total, n_bad) in stats.items():
            if rel in cut:  # rows after the open quote are re-read from the remainder
                n_bad_before = sum(1 for r in bad_rows if r["_sw_file"] == rel and r["_sw_k"] < cut[rel][0])
                batch.outcome(origin[rel]).rows += cut[rel][0] - 1 - n_bad_before
            else:
                batch.outcome(origin[rel]).rows += total - (n_bad or 0)
        batch.rows.append(
            good.select(*columns, F.col("_sw_file").alias("_source_file"), "_source_line")
        )
        # Resume each cut file after the bad physical line (line numbers continue from there).
        for rel, (_, line, first) in cut.items():
            f = origin[rel]
            if depth >= _MAX_RECOVERIES:  # pragma: no cover - pathological files only
                batch.outcome(f).notes.append(f"gave up re-parsing after {_MAX_RECOVERIES} unterminated quotes")
                continue
            batch.outcome(f).notes.append(rejects.unterminated_note(line))
            src = next(x for x in files if x.rel == rel)
            rest = self._remainder(src, line - base, first)
            if rest is None:
                continue
            seg = LandingFile(
                path=rest, rel=rel, display=f.display, fmt="csv", compression=None,
                size=rest.stat().st_size, mtime_ns=0,
            )
            seg.blank_lines = blank_lines(rest)
            self._csv_segment(
                batch, [seg], columns, delim, encoding, header=False, base=line,
                segment_of={rel: f}, depth=depth + 1,
            )

    def _remainder(self, f: LandingFile, line: int, text: str) -> Path | None:
        """Everything after the physical line holding `text` (at or after line `line`, 1-based:
        multi-line records before it make physical lines outrun record lines), as a plain file;
        None when nothing follows."""
        import gzip

        opener = gzip.open if f.compression == "gzip" else open
        needle = text.encode("utf-8")
        out = self._scratch(".csv")
        with opener(f.path, "rb") as src, open(out, "wb") as dst:
            n = 0
            while physical := src.readline():
                n += 1
                if n >= line and physical.rstrip(b"\r\n") == needle:
                    break
            shutil.copyfileobj(src, dst, 8 * 1024 * 1024)
        return out if out.stat().st_size > 0 else None

    # -- JSON lines / JSON array
    def read_json(self, batch: _Batch, files: list[LandingFile]) -> None:
        from pyspark import StorageLevel
        from pyspark.sql import functions as F

        lines_files: list[LandingFile] = []
        array_files: list[LandingFile] = []
        for f, out in self._with_bytes(batch, files):
            with self.file_checks(f):
                head = open_text_head(f, 4096)
                if not head.strip():
                    out.notes.append(notes.BLANK_FILE)
                    continue
                if b"\x00" in head and encoding_of(head) == "utf-8":
                    raise Unreadable("is not a text file (binary content)")
            is_array = is_json_array(f, head)
            (array_files if is_array else lines_files).append(f)

        frames: list[DataFrame] = []
        if lines_files:
            text = self.spark.read.text([str(f.path) for f in lines_files]).select(
                F.col("value").alias("j"),
                F.col("_metadata.file_path").alias("_sw_path"),
                F.col("_metadata.file_block_start").alias("_sw_block"),
                F.monotonically_increasing_id().alias("_sw_mid"),
            )
            frames.append(_records_numbered(_with_file_rel(text, lines_files)))
        for f in array_files:
            whole = self.spark.read.text(str(f.path), wholetext=True)
            arr = whole.select(F.from_json("value", "array<string>").alias("a"))
            if arr.where(F.col("a").isNull()).count():
                with self.file_checks(f):
                    raise Unreadable("is not a valid JSON array")
            frames.append(
                arr.select(F.posexplode("a").alias("pos", "j")).select(
                    "j", F.lit(f.rel).alias("_sw_file"), (F.col("pos") + 1).alias("_sw_k")
                )
            )
        if not frames:
            return
        df = frames[0]
        for other in frames[1:]:
            df = df.unionByName(other)
        # BOM on the first line; blank lines are skipped but keep their number.
        j = F.when(F.col("_sw_k") == 1, F.regexp_replace("j", "^\ufeff", "")).otherwise(F.col("j"))
        df = df.withColumn("j", j).withColumn("_source_line", F.col("_sw_k"))
        df = df.withColumn("m", F.from_json("j", "map<string,string>")).withColumn(
            "_sw_blank", F.expr("coalesce(trim(both ' \\t\\r' from j) = '', true)")
        )
        df = df.persist(StorageLevel.MEMORY_AND_DISK)
        batch.cached.append(df)
        by_rel = {f.rel: f for f in files}

        failed = ~F.col("_sw_blank") & F.col("m").isNull()
        ok_row = ~F.col("_sw_blank") & F.col("m").isNotNull()
        stats = {
            r[0]: (r[1] or 0, r[2] or 0)
            for r in df.groupBy("_sw_file").agg(F.sum(ok_row.cast("int")), F.sum(failed.cast("int"))).collect()
        }
        failed_rows = (
            df.where(failed).select("_sw_file", "_source_line", "j").collect()
            if any(n for _, n in stats.values())
            else []
        )
        for r in failed_rows:
            state, typ = _json_state(r["j"])
            f = by_rel[r["_sw_file"]]
            if state == "invalid":
                self._reject(batch, f, r["_source_line"], rejects.INVALID_JSON, r["j"], "INVALID JSON")
            elif state == "not_object":
                self._reject(batch, f, r["_source_line"], rejects.NOT_AN_OBJECT + typ, r["j"], "NOT AN OBJECT")

        ok = df.where(ok_row)
        # Keys per file in order of first appearance (then name), as the DuckDB loader orders them.
        key_rows = (
            ok.select("_sw_file", "_source_line", F.explode(F.map_keys("m")).alias("k"))
            .groupBy("_sw_file", "k")
            .agg(F.min("_source_line").alias("first"))
            .collect()
        )
        keys_by_file: dict[str, list[str]] = {}
        for r in sorted(key_rows, key=lambda r: (r["_sw_file"], r["first"], r["k"])):
            keys_by_file.setdefault(r["_sw_file"], []).append(r["k"])
        counts = {rel: n_ok for rel, (n_ok, _) in stats.items()}
        groups: dict[str, list[str]] = {}  # normalised column -> raw keys (case variants coalesce)
        for f in files:
            keys = keys_by_file.get(f.rel, [])
            file_groups: dict[str, list[str]] = {}
            for idx, key in enumerate(keys, start=1):
                file_groups.setdefault(normalise_name(key, idx), []).append(key)
            if not keys and not counts.get(f.rel):
                out = batch.outcome(f)
                if not out.notes and out.rejects == 0:
                    out.notes.append(notes.NO_RECORDS)
                continue
            check_required(self.entity, f, list(file_groups))
            batch.add_columns(file_groups)
            for col, raw_keys in file_groups.items():
                groups.setdefault(col, [])
                groups[col] += [k for k in raw_keys if k not in groups[col]]
            batch.outcome(f).rows += int(counts.get(f.rel, 0))
        if not groups:
            return
        exprs = []
        for col, raw_keys in groups.items():
            parts = [F.col("m").getItem(k) for k in raw_keys]
            exprs.append((parts[0] if len(parts) == 1 else F.coalesce(*parts)).alias(col))
        batch.rows.append(ok.select(*exprs, F.col("_sw_file").alias("_source_file"), "_source_line"))

    # -- Parquet
    def read_parquet(self, batch: _Batch, files: list[LandingFile]) -> None:
        from pyspark.sql import functions as F

        for f, out in self._with_bytes(batch, files):
            try:
                df = self.spark.read.parquet(str(f.path))
                fields = df.schema.fields
            except Exception as e:  # noqa: BLE001 - Spark raises many kinds
                with self.file_checks(f):
                    raise Unreadable(f"cannot be read as Parquet ({_spark_error_text(e)})") from e
            columns = normalise_columns([fld.name for fld in fields])
            check_required(self.entity, f, columns)
            batch.add_columns(columns)
            exprs = [_parquet_to_text(fld).alias(c) for fld, c in zip(fields, columns, strict=True)]
            rows = df.select(
                *exprs,
                F.lit(f.rel).alias("_source_file"),
                (F.col("_metadata.row_index") + 1).cast("bigint").alias("_source_line"),
            )
            n = rows.count()
            out.rows += n
            if n == 0:
                out.notes.append(notes.NO_ROWS)
            batch.rows.append(rows)


def _json_state(text: str) -> tuple[str, str]:
    """('invalid' | 'not_object' | 'ok', DuckDB json_type in lower case) of one JSON record."""
    try:
        value = json.loads(text)
    except ValueError:
        return "invalid", ""
    if isinstance(value, dict):
        return "ok", "object"
    if isinstance(value, bool):
        return "not_object", "boolean"
    if isinstance(value, int):
        return "not_object", "ubigint" if value >= 0 else "bigint"
    if isinstance(value, float):
        return "not_object", "double"
    if isinstance(value, str):
        return "not_object", "varchar"
    if isinstance(value, list):
        return "not_object", "array"
    return "not_object", "null"


def _parquet_to_text(fld: Any) -> Any:
    """A typed Parquet column as the text the DuckDB loader renders (session time zone UTC)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    col = F.col(f"`{fld.name}`")
    t = fld.dataType
    if isinstance(t, T.StringType):
        return col
    if isinstance(t, T.TimestampNTZType):
        return F.regexp_replace(col.cast("string"), " ", "T")
    if isinstance(t, T.TimestampType):
        return F.concat(F.regexp_replace(col.cast("string"), " ", "T"), F.lit("Z"))
    if isinstance(t, (T.StructType, T.MapType, T.ArrayType)):
        return F.to_json(col)
    return col.cast("string")


# --------------------------------------------------------------------------------------- loading


# Two jobs appending to one table at once trip over each other's _temporary folder: writes to
# the shared bookkeeping tables (entities load in parallel threads) go one at a time.
_SHARED_TABLE_LOCK = threading.Lock()


def _insert(spark: SparkSession, table: str, df: DataFrame) -> None:
    """Append df to table, columns matched by name (insertInto is positional)."""
    from pyspark.sql import functions as F

    if table in (LOADED_FILES, LOAD_REJECTS):
        with _SHARED_TABLE_LOCK:
            _append(spark, table, df)
    else:
        _append(spark, table, df)


def _append(spark: SparkSession, table: str, df: DataFrame) -> None:
    from pyspark.sql import functions as F

    target = spark.table(table).schema
    have = set(df.columns)
    df.select(
        *[(F.col(f"`{fld.name}`") if fld.name in have else F.lit(None)).cast(fld.dataType).alias(fld.name) for fld in target]
    ).write.insertInto(table)


def _aware(ts: datetime) -> datetime:
    """PySpark reads a naive datetime in the Python process's zone; loaded_at is UTC."""
    return ts.replace(tzinfo=UTC)


def _record_files(spark: SparkSession, rows: list[tuple]) -> None:
    if not rows:
        return
    schema = ", ".join(f"{c} {t}" for c, t in _LOADED_FILES_COLUMNS)
    # loaded_at (naive UTC in ledger rows) made aware, see _aware.
    rows = [(*r[:4], _aware(r[4]), *r[5:]) for r in rows]
    _insert(spark, LOADED_FILES, spark.createDataFrame(rows, schema))


class SparkBackend:
    """The Spark engine behind loading.backend.Backend: an entity's new files are read and checked
    first; rows, rejects and ledger rows are only appended when every file is fine (one Spark
    write job per table)."""

    entities = ENTITIES
    label = " (spark)"

    def __init__(self, spark: SparkSession) -> None:
        self.spark = spark

    def known_files(self, entities: Sequence[str]) -> dict[str, KnownFiles]:
        if not _table_exists(self.spark, RAW_SCHEMA, "_loaded_files"):
            return {e: KnownFiles() for e in entities}
        rows = [tuple(r) for r in self.spark.sql(known_files_sql(entities)).collect()]
        # Not by size: hashing a CSV file also finds its blank lines, which Spark's line numbers need.
        return known_from_rows(entities, rows, by_size=False)

    def hash_file(self, f: LandingFile) -> None:
        digest(f, want_blank_lines=True)

    def record_files(self, rows: list[tuple]) -> None:
        _record_files(self.spark, rows)

    def load_files(
        self, entity: str, files: list[LandingFile], load_id: str, loaded_at: datetime
    ) -> list[tuple[LandingFile, FileOutcome]]:
        from pyspark.sql import functions as F

        spark = self.spark
        loader = _SparkLoader(spark, entity, load_id, loaded_at)
        batch = _Batch()
        try:
            self._read(loader, batch, entity, files)
        except LoadError:
            loader.cleanup(batch)
            raise
        # Every file read fine: write rows, rejects and bookkeeping (one job per table).
        try:
            _add_missing_columns(spark, entity, batch.columns)
            if batch.rows:
                rows = batch.rows[0]
                for other in batch.rows[1:]:
                    rows = rows.unionByName(other, allowMissingColumns=True)
                rows = rows.withColumn("_loaded_at", F.lit(loaded_at.isoformat(sep=" ")).cast("timestamp")).withColumn(
                    "_load_id", F.lit(load_id)
                )
                _insert(spark, f"{RAW_SCHEMA}.{_q(entity)}", rows)
            if batch.rejects:
                rej = spark.createDataFrame(
                    [
                        (entity, r["source_file"], r["source_line"], r["reason"], r["raw_record"], load_id, _aware(loaded_at), r["error_type"])
                        for r in batch.rejects
                    ],
                    ", ".join(f"{c} {t}" for c, t in _LOAD_REJECTS_COLUMNS),
                )
                _insert(spark, LOAD_REJECTS, rej)
            self.record_files([loaded_row(entity, f, load_id, loaded_at, batch.outcome(f)) for f in files])
        finally:
            loader.cleanup(batch)
        return [(f, batch.outcome(f)) for f in files]

    @staticmethod
    def _read(loader: _SparkLoader, batch: _Batch, entity: str, files: list[LandingFile]) -> None:
        """Read every file into batch; a file Spark cannot read raises the LoadError naming it."""
        by_format: dict[str, list[LandingFile]] = {}
        for f in files:
            by_format.setdefault({"jsonl": "json"}.get(f.fmt, f.fmt), []).append(f)
        readers = {"csv": loader.read_csv, "json": loader.read_json, "parquet": loader.read_parquet}
        for fmt, group in by_format.items():
            try:
                readers[fmt](batch, group)
            except LoadError:
                raise
            except (EOFError, gzip.BadGzipFile, zlib.error) as e:  # Python's own pass over a gzip file
                raise incomplete_gzip(entity, _culprit(loader, readers[fmt], group) or group[0], e) from e
            except Exception as e:  # noqa: BLE001 - a Spark read failed: find the file
                if environment_error(e):  # the machine's problem (permissions, disk): not the file's
                    raise
                current = _culprit(loader, readers[fmt], group) or group[0]
                raise unreadable(entity, current, _spark_error_text(e)) from e


def load_entity_spark(
    spark: SparkSession,
    landing_dir: Path,
    entity: str,
    load_id: str | None = None,
    *,
    known: KnownFiles | None = None,
    schema_ready: bool = False,
) -> EntityLoadResult:
    """Load the entity's new files, all or nothing; quarantine the files that break the contract
    (see the module docstring and loading.backend.load_entity)."""
    engine = SparkBackend(spark)
    backend.check_entity(engine, entity)
    if not schema_ready:
        ensure_raw_schema(spark)
    return backend.load_entity(engine, landing_dir, entity, load_id, known)


def pending_files(spark: SparkSession, landing_dir: Path) -> dict[str, list[Path]]:
    """New files not loaded yet, per entity; entities with nothing pending are left out."""
    return backend.pending_files(SparkBackend(spark), landing_dir)


def _culprit(loader: _SparkLoader, reader: Any, files: list[LandingFile]) -> LandingFile | None:
    """Re-read files one by one to name the one Spark cannot read."""
    if len(files) == 1:
        return files[0]
    for f in files:
        probe = _Batch()
        try:
            reader(probe, [f])
            for df in probe.rows:
                df.count()
        except Exception:  # noqa: BLE001
            return f
        finally:
            loader.cleanup(probe)
    return None


def load_all_spark(
    spark: SparkSession, landing_dir: Path, load_id: str | None = None
) -> dict[str, EntityLoadResult]:
    """Load every entity (contract order); one failing entity does not stop the others."""
    load_id = load_id or new_load_id()
    ensure_raw_schema(spark)
    landing_dir = Path(landing_dir)
    if landing_dir.is_dir():
        unknown = sorted(
            p.name for p in landing_dir.iterdir()
            if p.is_dir() and not p.name.startswith(("_", ".")) and p.name not in ENTITIES
        )
        if unknown:
            log.warning("ignoring landing folders that are no contract entity: %s", ", ".join(unknown))
    known = SparkBackend(spark).known_files(list(ENTITIES))

    def one(entity: str) -> EntityLoadResult:
        return load_entity_spark(spark, landing_dir, entity, load_id, known=known[entity], schema_ready=True)

    # Entities are independent tables: loading them side by side keeps the cluster busy while the
    # driver waits on each small job (Spark runs concurrent jobs from several threads).
    workers = max(1, int(os.environ.get("SW_SPARK_LOAD_THREADS", "4")))
    if workers == 1:
        return {entity: one(entity) for entity in ENTITIES}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sw-load") as pool:
        futures = {entity: pool.submit(one, entity) for entity in ENTITIES}
        return {entity: futures[entity].result() for entity in ENTITIES}


# ----------------------------------------------------------------------------- load + dbt, one process


def build_spark(
    landing_dir: Path | None = None,
    dbt_args: Sequence[str] = ("build",),
    *,
    target_path: Path | None = None,
    log_path: Path | None = None,
    load_id: str | None = None,
) -> tuple[dict[str, EntityLoadResult], Any]:
    """Load new landing files with Spark, then run dbt (target spark) in this same process, so
    dbt-spark's session sees the raw tables. Returns (load results, dbtRunnerResult)."""
    from .dbt_runner import run_dbt

    spark = spark_session()
    results = load_all_spark(spark, Path(landing_dir) if landing_dir else config.landing_dir(), load_id)
    res = run_dbt(list(dbt_args), target="spark", target_path=target_path, log_path=log_path)
    return results, res


# ------------------------------------------------------------- steps of the orchestrated night


def load_report(spark: SparkSession, results: dict[str, EntityLoadResult], load_id: str) -> dict[str, dict]:
    """Per entity: the load result plus what the raw asset reports (rejects by reason of this
    load, rows in the raw table), as JSON for the Dagster step that started this process."""
    from pyspark.sql import functions as F

    reasons: dict[str, list[tuple[str, int]]] = {}
    for r in (
        spark.table(LOAD_REJECTS).where(F.col("load_id") == load_id)
        .groupBy("entity", "reason").count().collect()
    ):
        reasons.setdefault(r["entity"], []).append((r["reason"], int(r["count"])))
    out = {}
    for entity, res in results.items():
        out[entity] = {
            "files_loaded": list(res.files_loaded),
            "files_skipped": list(res.files_skipped),
            "rows_loaded": res.rows_loaded,
            "rows_rejected": res.rows_rejected,
            "error": res.error,
            "files_quarantined": dict(res.files_quarantined),
            "notes": list(res.notes),
            "reasons": sorted(reasons.get(entity, []), key=lambda x: (-x[1], x[0])),
            "total_rows": spark.table(f"{RAW_SCHEMA}.{_q(entity)}").count(),
        }
    return out


# Besides the marts and audit schemas, the mirror keeps the loader's bookkeeping (failed loads,
# reader rejects) and the raw columns publishing scans for clear PII.
_MIRRORED_SCHEMAS = ("marts", "audit")


def _mirrored_raw() -> dict[str, tuple[str, ...] | None]:
    from .publish import PII_KNOWN_VALUES

    tables: dict[str, tuple[str, ...] | None] = {"_loaded_files": None, "_load_rejects": None}
    for table, column, _ in PII_KNOWN_VALUES:
        tables[table] = (*(tables.get(table) or ()), column)
    return tables


def export_build(spark: SparkSession, mirror: Path) -> dict[str, int]:
    """Copy what publishing reads from the Spark build into the DuckDB file `mirror` (replaced
    atomically): every relation of the marts and audit schemas, raw._loaded_files,
    raw._load_rejects and the raw PII columns. Spark writes Parquet, DuckDB reads it; Spark's
    UTC timestamps become DuckDB TIMESTAMP as on the duckdb target. Returns rows per table."""
    from concurrent.futures import ThreadPoolExecutor

    import duckdb

    mirror = Path(mirror)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    stage = mirror.with_name(mirror.name + ".parquet.tmp")
    shutil.rmtree(stage, ignore_errors=True)
    wanted: dict[tuple[str, str], tuple[str, ...] | None] = {}
    for schema in _MIRRORED_SCHEMAS:
        if spark.catalog.databaseExists(schema):
            for t in spark.catalog.listTables(schema):
                wanted[(schema, t.name)] = None
    for table, columns in _mirrored_raw().items():
        if spark.catalog.tableExists(table, RAW_SCHEMA):
            wanted[(RAW_SCHEMA, table)] = columns
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")

    def write(item: tuple[tuple[str, str], tuple[str, ...] | None]) -> tuple[str, str]:
        (schema, table), columns = item
        df = spark.table(f"{_q(schema)}.{_q(table)}")
        if columns:
            df = df.select(*[_q(c) for c in columns if c in df.columns])
        # One file per relation, even an empty one (Parquet keeps the schema).
        df.coalesce(1).write.mode("overwrite").parquet(str(stage / schema / table))
        return schema, table

    with ThreadPoolExecutor(max_workers=4) as pool:
        written = list(pool.map(write, wanted.items()))

    tmp_db = mirror.with_name(mirror.name + ".tmp")
    tmp_db.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp_db))
    counts: dict[str, int] = {}
    try:
        con.execute("set TimeZone = 'UTC'")
        for schema, table in sorted(written):
            files = sorted(str(p) for p in (stage / schema / table).glob("*.parquet"))
            if not files:  # pragma: no cover - Spark writes a schema-only file for empty frames
                raise RuntimeError(f"export of {schema}.{table} wrote no Parquet file")
            con.execute(f'create schema if not exists "{schema}"')
            described = con.execute("describe select * from read_parquet(?)", [files]).fetchall()
            select = ", ".join(
                f'cast("{c}" as timestamp) as "{c}"' if t.upper() == "TIMESTAMP WITH TIME ZONE" else f'"{c}"'
                for c, t, *_ in described
            )
            con.execute(f'create table "{schema}"."{table}" as select {select} from read_parquet(?)', [files])
            counts[f"{schema}.{table}"] = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
        con.execute("checkpoint")
    finally:
        con.close()
    os.replace(tmp_db, mirror)
    shutil.rmtree(stage, ignore_errors=True)
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m support_warehouse.load_spark [--landing DIR] [--load-only | --export-build DB] [-- dbt args]``.

    The orchestrated night (target spark) runs the loader (``--load-only --results-json F``) and
    the export for publishing (``--export-build DB``) in short-lived processes of their own: the
    embedded Derby metastore admits one JVM at a time, and dbt runs in another process between them.
    """
    import argparse

    p = argparse.ArgumentParser(prog="python -m support_warehouse.load_spark", description=main.__doc__)
    p.add_argument("--landing", type=Path, default=None, help="landing folder (default: SW_LANDING_DIR)")
    p.add_argument("--load-only", action="store_true", help="load the raw tables, do not run dbt")
    p.add_argument("--load-id", default=None, help="load id recorded with the rows (default: a new one)")
    p.add_argument("--results-json", type=Path, default=None, help="write the per-entity load report here")
    p.add_argument("--export-build", type=Path, default=None, metavar="DB",
                   help="do not load: copy the built marts, audit and loader tables into DuckDB file DB")
    p.add_argument("--target-path", type=Path, default=None, help="dbt artifacts folder")
    p.add_argument("--log-path", type=Path, default=None, help="dbt log folder")
    p.add_argument("dbt", nargs="*", help="dbt command and options (default: build)")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    spark = spark_session()
    if args.export_build is not None:
        counts = export_build(spark, args.export_build)
        print(f"exported {len(counts)} relation(s), {sum(counts.values())} row(s) to {args.export_build}")
        return 0
    load_id = args.load_id or new_load_id()
    results = load_all_spark(spark, args.landing or config.landing_dir(), load_id)
    for name, r in results.items():
        status = f"FAILED: {r.error}" if r.error else f"{r.rows_loaded} rows, {r.rows_rejected} rejected"
        print(f"{name:<24} {len(r.files_loaded):>4} new file(s)  {status}")
    if args.results_json is not None:
        report = load_report(spark, results, load_id)
        tmp = args.results_json.with_name(args.results_json.name + ".tmp")
        tmp.write_text(json.dumps(report, indent=2))
        os.replace(tmp, args.results_json)
    failed = any(r.error for r in results.values())
    if args.load_only:
        return 1 if failed and args.results_json is None else 0
    from .dbt_runner import run_dbt

    res = run_dbt(args.dbt or ["build"], target="spark", target_path=args.target_path, log_path=args.log_path)
    return 1 if failed or not res.success else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
