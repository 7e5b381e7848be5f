"""Publish the night's marts for BI readers, atomically (docs/marts_contract.md, issue 7).

BI tools never read the build database (dbt rebuilds it table by table, so a reader could see
half a night, and a reader's lock could block the next build). After a night's load, build and
error-level tests pass, `publish()` publishes every mart of the build to

    <publish_dir>/marts.duckdb                    one read-only DuckDB file, marts in schema
                                                  `main`: `select * from kpi_scorecard` (each a
                                                  view over its Parquet file below). Opened
                                                  directly, the file's catalog is named `marts`,
                                                  so `marts.kpi_scorecard` (the build's name)
                                                  works too. (No `marts` schema on purpose: it
                                                  would make `marts.x` ambiguous with the catalog.)
    <publish_dir>/parquet/<table>.parquet         one Parquet file per table; `parquet` is a
                                                  symlink to parquet_versions/<publication_id>/
    <publish_dir>/parquet/<fact>/<key>=<month>/data_0.parquet
                                                  the big facts (PARTITIONED_MARTS): one file per
                                                  month of their date, e.g.
                                                  fct_tickets/created_month=2026-11/
    <publish_dir>/publication.json                manifest of the current publication

Besides the marts, every publication carries
    _publication          one row: publication_id, published_at, built_at, run_id, counts
    _publication_tables   one row per published table: row_count and an order-independent
                          content checksum, so a reader can prove it sees one complete night
    rejected_rows_summary audit.rejected_rows grouped by entity, stage, file and reason
                          (emails in reasons redacted)
    entity_loads          raw._loaded_files by entity: files and rows loaded, when it last loaded

Atomicity. Parquet files go to a fresh version directory (built under a temporary name, guarded,
fsynced, then renamed to parquet_versions/<publication_id>/, which no published name points to
yet). The new DuckDB file, whose views read that directory by its absolute path, is written beside
the old one under a temporary name, closed (checkpointed), fsynced, made read-only; then the
`parquet` symlink is swapped to the new version and the file renamed over `marts.duckdb` with
os.replace (rename(2)): a reader that already has the old file open keeps reading the old,
complete night (its views name the old version directory, never written again); a reader opening
afterwards gets the new one; nobody ever sees a partial file. The previous `keep_versions`
versions stay, so readers that opened the old file or resolved the old link can finish. Nothing
under the published names is touched until the new publication is complete and has passed the
PII guard, so any failure (here or upstream) leaves the previous publication byte-identical.

PII guard. Published tables must not carry customer names, emails or free-text comments in
clear: publishing is refused (PiiError) when a column has a PII name (name, email, comment, ...),
when a text value looks like an email address, or when a text value equals a customer name,
customer or agent email or survey comment found in the build's raw tables.

Marts file. On DuckDB the build writes its marts to a file of their own (config.marts_path,
attached as catalog `marts` by profiles.yml); publishing reads it (checkpointed, read-only), or a
build database's `marts` schema (the Spark mirror). The published DuckDB file holds no mart's
rows, only a view per mart over its Parquet file (columns cast back where Parquet stores another
type, e.g. HUGEINT as DOUBLE) and the small publication tables, so a night writes the marts that
changed and copies nothing whole (DECISIONS.md, "Publishing what changed").

Cost. The guard checks every text column in one query (the known-PII set is hashed once; only
values holding an '@' or equal to a known value are counted distinct, and the email regex only runs
on the former). A table whose row count, checksum, columns and Parquet writer options equal the
previous publication's reuses that version's Parquet file (a hard link to a read-only file) instead
of rewriting it, and its values are not scanned again when the previous publication ran the same
guard rules (`pii_guard` in the manifest): that publication's guard passed on these very rows, and
an unchanged table received none of the night's new data (DECISIONS.md, "Publishing what
changed"). A partitioned mart does the same month by month: its manifest entry holds each month's
count and checksum (one grouped scan), unchanged months are linked and not scanned, the changed
ones are written in one query and guarded (DECISIONS.md, "Publishing by month partitions").
Column names are checked on every table (the catalog only); `pii_scanned` in the manifest lists
the tables whose values were scanned, `pii_scanned_partitions` the months of partitioned ones.
PublishResult.phase_seconds says where the time went.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from support_warehouse import config

PUBLISHED_DB = "marts.duckdb"
PARQUET_LINK = "parquet"
PARQUET_VERSIONS = "parquet_versions"
MANIFEST = "publication.json"
LOCK_FILE = ".publish.lock"
MARTS_SCHEMA = "marts"
REJECTS_SUMMARY = "rejected_rows_summary"
LOADS_SUMMARY = "entity_loads"
PUBLICATION_TABLE = "_publication"
PUBLICATION_TABLES_TABLE = "_publication_tables"
# DuckDB storage format of the published file: readable by every DuckDB >= 1.0 (BI drivers often
# bundle an older DuckDB than the warehouse uses).
STORAGE_VERSION = config.MARTS_STORAGE_VERSION
# Snappy: ~20% cheaper to write than zstd at 1M tickets (8.6 s vs 10.6 s; files ~40% larger), and the Parquet
# default of most readers.
PARQUET_OPTIONS = "format parquet, compression snappy"
# Big facts: one Parquet file per month of their natural date, so a night rewrites and guards the
# months it changed, not the history (DECISIONS.md, "Publishing by month partitions"):
# mart -> (date column, condition of the rows still open). Open rows (an open ticket's durations
# run to the as-of time: they change every night) go to one part of their own, OPEN_PARTITION,
# instead of making every month they were created in change every night. A listed mart without
# that DATE/TIMESTAMP column is published as one file.
PARTITIONED_MARTS: dict[str, tuple[str, str | None]] = {
    "fct_tickets": ("created_date", "not is_currently_solved"),
    "fct_ticket_status_intervals": ("valid_from_date", "is_current and not is_solved_status"),
    "fct_ticket_replies": ("replied_date", None),
    "fct_backlog_daily": ("snapshot_date", None),
    "fct_survey_responses": ("sent_date", None),
    "fct_calls": ("queued_date", None),
    "fct_self_service_sessions": ("started_date", None),
    "fct_orders": ("ordered_date", None),
}
OPEN_PARTITION = "open"
# Hive's name for the partition of null keys (Spark and pyarrow read it as null); an empty mart
# gets one empty file there, so its view still has a file to read.
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"

# An email address anywhere in a text value (masked forms like '***@example.com' do not match).
EMAIL_REGEX = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
# Column names that hold PII in clear. Agent names are operational data (agent dashboards) and
# allowed; customer names, any email, phone or address and free-text comments are not.
PII_COLUMN_NAMES = frozenset(
    {
        "name",
        "full_name",
        "first_name",
        "last_name",
        "email",
        "e_mail",
        "email_address",
        "phone",
        "phone_number",
        "address",
        "comment",
        "comments",
        "free_text",
        "survey_comment",
    }
)
PII_COLUMN_REGEX = re.compile(
    r"^(customer|user|contact|requester|agent|author)_(name|full_name|email|e_mail|email_address|phone|phone_number|address|comment|comments)$"
)
PII_COLUMN_ALLOWED = frozenset({"agent_name"})
# Known clear values from the build's raw tables: (table, column, minimum length to compare).
PII_KNOWN_VALUES = (
    ("customers", "name", 5),
    ("customers", "email", 5),
    ("agents", "email", 5),
    ("survey_responses", "comment", 15),
)


class PublishError(RuntimeError):
    """Publishing was refused or failed; the previous publication is untouched."""


class PiiError(PublishError):
    """A table to publish carries PII in clear."""

    def __init__(self, findings: list[str]):
        self.findings = findings
        super().__init__(
            "refusing to publish: PII in clear in "
            + "; ".join(findings[:20])
            + (f" (+{len(findings) - 20} more)" if len(findings) > 20 else "")
        )


@dataclass(frozen=True)
class PublishResult:
    publication_id: str
    published_at: datetime
    db_path: Path
    parquet_dir: Path  # the stable path readers use (symlink)
    parquet_version_dir: Path  # what it points to for this publication
    tables: dict[str, int] = field(default_factory=dict)  # published table -> row count
    marts: tuple[str, ...] = ()
    rejected_rows: int = 0
    duration_seconds: float = 0.0
    phase_seconds: dict[str, float] = field(default_factory=dict)  # where the time went

    def summary(self) -> str:
        return (
            f"published {len(self.marts)} marts ({sum(self.tables[m] for m in self.marts):,} rows) "
            f"as publication {self.publication_id} to {self.db_path} and {self.parquet_dir}/ "
            f"in {self.duration_seconds:.1f}s{self._slow_phases()}"
        )

    def _slow_phases(self) -> str:
        slow = [f"{name} {seconds:.1f}s" for name, seconds in self.phase_seconds.items() if seconds >= 0.5]
        return f" ({', '.join(slow)})" if slow else ""


def publish(
    build_db: Path | str,
    publish_dir: Path | str | None = None,
    *,
    run_results: Path | str | None = None,
    run_id: str | None = None,
    keep_versions: int = 3,
) -> PublishResult:
    """Publish every relation of the build's marts (its marts file, or its `marts` schema)
    atomically to `publish_dir`.

    Call only after the night's load and `dbt build` (with its error-level tests) succeeded.
    `run_results`: dbt's run_results.json of that build; when given, publishing is refused if any
    node errored, failed or was skipped (a second safety net behind the caller's own check).
    Raises PublishError (PiiError for the PII guard); the previous publication is then untouched.
    """
    started = time.monotonic()
    build_db = Path(build_db)
    publish_dir = Path(publish_dir) if publish_dir is not None else config.publish_dir()
    if not build_db.is_file():
        raise PublishError(f"build database {build_db} does not exist")
    if run_results is not None:
        check_run_results(Path(run_results))
    try:
        publish_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(f"cannot create the publish folder {publish_dir}: {exc}") from exc

    with _publish_lock(publish_dir):
        _remove_leftovers(publish_dir)
        published_at = datetime.now(UTC)
        publication_id = f"{published_at:%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(3)}"
        tmp_db = publish_dir / f".{PUBLISHED_DB}.{publication_id}.tmp"
        versions = publish_dir / PARQUET_VERSIONS
        # Absolute: the published file's views name it (a reader's working folder is anywhere).
        version_dir = versions.resolve() / publication_id
        tmp_version_dir = versions / f".{publication_id}.tmp"
        tmp_link = publish_dir / f".{PARQUET_LINK}.{publication_id}.tmp"
        phases = _Phases()
        try:
            manifest = _build_publication(
                build_db, tmp_db, tmp_version_dir, version_dir, publication_id, published_at, run_id, phases,
                previous=_previous_publication(publish_dir),
                previous_dir=versions,
            )
            # Everything is complete and durable; the version folder is named by no published
            # name yet: now swap.
            with phases("swap"):
                # relative, by the publish folder's own path (it may lie behind a symlink)
                _swap_parquet_link(publish_dir, versions / publication_id, tmp_link)
                version_dir = None  # published: kept whatever happens next
                os.replace(tmp_db, publish_dir / PUBLISHED_DB)
                _fsync_dir(publish_dir)
        except BaseException as exc:
            for leftover in (tmp_db, Path(f"{tmp_db}.wal"), tmp_link):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
            shutil.rmtree(tmp_version_dir, ignore_errors=True)
            if version_dir is not None:
                shutil.rmtree(version_dir, ignore_errors=True)
            if isinstance(exc, (PublishError, KeyboardInterrupt, SystemExit)):
                raise
            if isinstance(exc, Exception):  # DuckDB or OS error: still "nothing was published"
                raise PublishError(f"publishing failed, previous publication kept: {exc}") from exc
            raise
        version_dir = versions.resolve() / publication_id
        with phases("manifest_and_prune"):
            manifest["parquet_dir"] = str(version_dir)
            _write_json_atomic(publish_dir / MANIFEST, manifest)
            _prune_versions(versions, keep=max(keep_versions, 1), current=version_dir.name)

    tables = {t["table_name"]: t["row_count"] for t in manifest["tables"]}
    return PublishResult(
        publication_id=publication_id,
        published_at=published_at,
        db_path=publish_dir / PUBLISHED_DB,
        parquet_dir=publish_dir / PARQUET_LINK,
        parquet_version_dir=version_dir,
        tables=tables,
        marts=tuple(manifest["marts"]),
        rejected_rows=manifest["rejected_rows"],
        duration_seconds=time.monotonic() - started,
        phase_seconds=dict(phases.seconds),
    )


def check_run_results(run_results: Path) -> None:
    """Refuse to publish a build whose dbt run_results.json shows an error, failure or skip."""
    try:
        results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError) as exc:
        raise PublishError(f"cannot read dbt run results {run_results}: {exc}") from exc
    bad = [
        f"{r.get('unique_id')}: {r.get('status')}"
        for r in results
        if str(r.get("status")).lower() in {"error", "fail", "runtime error", "skipped"}
    ]
    if bad:
        raise PublishError(
            f"refusing to publish: the build has {len(bad)} failed node(s): " + "; ".join(bad[:10])
        )


def read_publication(publish_dir: Path | str | None = None) -> dict | None:
    """The manifest of the current publication, or None when nothing was published yet."""
    publish_dir = Path(publish_dir) if publish_dir is not None else config.publish_dir()
    try:
        return json.loads((publish_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def parquet_source(folder: Path | str, table: str, partitioned: bool | None = None) -> str:
    """SQL reading a published table's Parquet in a version folder (or through the `parquet`
    link): `<table>.parquet`, or a partitioned mart's `<table>/<key>=<month>/*.parquet` without
    the folders' key as a column. `partitioned` None: whichever the folder holds."""
    folder = Path(folder)
    if partitioned is None:
        partitioned = (folder / table).is_dir()
    if not partitioned:
        return f"read_parquet({_lit(str(folder / f'{table}.parquet'))})"
    return f"read_parquet({_lit(str(folder / table / '*' / '*.parquet'))}, hive_partitioning = false)"


class _Phases:
    """Wall-clock seconds per publishing phase (PublishResult.phase_seconds), nested phases too."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def __call__(self, name: str):
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.monotonic() - started, 3)


# --- building the new publication under temporary names ---------------------------------------


def _build_publication(
    build_db: Path,
    tmp_db: Path,
    tmp_version_dir: Path,
    version_dir: Path,
    publication_id: str,
    published_at: datetime,
    run_id: str | None,
    phases: _Phases,
    previous: dict | None = None,
    previous_dir: Path | None = None,
) -> dict:
    """Write the Parquet version (renamed to `version_dir` once complete and guarded) and the
    DuckDB file `tmp_db`: a view per mart over its Parquet file, the publication tables."""
    con = duckdb.connect(
        config={"threads": config.duckdb_threads(), "temp_directory": str(config.duckdb_temp_dir(Path(build_db)))}
    )
    try:
        with phases("attach"):
            con.execute(f"set memory_limit = '{config.duckdb_memory_limit()}'")
            con.execute("set TimeZone = 'UTC'")
            # Readers get no row order promise (the checksums are order-independent); without
            # keeping it, the Parquet writes run ~15% faster.
            con.execute("set preserve_insertion_order = false")
            con.execute(f"attach {_lit(build_db)} as build (read_only)")
            source = ("build", MARTS_SCHEMA)
            marts = _mart_relations(con, *source)
            if not marts and _attach_marts_file(con, config.marts_path(build_db)):
                source = ("src", "main")
                marts = _mart_relations(con, *source)
            if not marts:
                raise PublishError(
                    f"build database {build_db} has no relation in schema '{MARTS_SCHEMA}' "
                    f"and its marts file {config.marts_path(build_db)} has none"
                )
            con.execute(f"attach {_lit(tmp_db)} as pub (storage_version '{STORAGE_VERSION}')")
        with phases("rejects_summary"):
            rejected_rows = _copy_rejects_summary(con)
            _copy_loads_summary(con)
        published = [*marts, REJECTS_SUMMARY, LOADS_SUMMARY]
        # Where each table is read: the marts in the build, the summaries in the new file.
        where = {**{m: source for m in marts}, REJECTS_SUMMARY: ("pub", "main"), LOADS_SUMMARY: ("pub", "main")}

        with phases("count_and_checksum"):
            tables = [_fingerprint(con, t, where[t]) for t in published]
        manifest = {
            "publication_id": publication_id,
            "published_at": published_at.isoformat(),
            "built_at": datetime.fromtimestamp(build_db.stat().st_mtime, UTC).isoformat(),
            "run_id": run_id,
            "marts": marts,
            # every mart is a view over its Parquet file in this publication's version folder
            "marts_published_as": "parquet_views",
            "rejected_rows": rejected_rows,
            "tables": tables,
        }
        _write_manifest_tables(con, manifest)

        tmp_version_dir.mkdir(parents=True)
        reusable = _reusable_parquet_parts(previous, previous_dir, tables)
        guarded = _guarded_parts(previous, tables)
        # What the guard scans: every part (month, or the whole table) it did not pass before.
        to_scan = {
            t["table_name"]: parts
            for t in tables
            if (parts := [p for p in _parts(t) if p not in guarded.get(t["table_name"], set())])
        }
        manifest["pii_guard"] = _pii_guard_signature()
        manifest["pii_scanned"] = [t for t in published if t in to_scan]
        manifest["pii_scanned_partitions"] = {
            t["table_name"]: to_scan[t["table_name"]]
            for t in tables
            if t.get("partition_by") is not None and t["table_name"] in to_scan
        }
        filters = {
            t["table_name"]: _partition_filter(t, to_scan[t["table_name"]])
            for t in tables
            if t.get("partition_by") is not None and t["table_name"] in to_scan
        }
        # Largest first, so the two cursors finish together.
        by_rows = sorted(tables, key=lambda t: -t["row_count"])
        parquet_tables = [*(t["table_name"] for t in by_rows), PUBLICATION_TABLE, PUBLICATION_TABLES_TABLE]
        # The guard and the Parquet writes only read, and one query at a time keeps the two cores
        # ~80% busy: side by side they take ~85% of the time one after the other (1M tickets:
        # ~5.8 s instead of ~6.9 s). Files written before the guard refuses are deleted with the
        # temporary folder.
        findings = _guard_and_write_parquet(
            con,
            published,
            manifest["pii_scanned"],
            parquet_tables,
            reusable,
            tmp_version_dir,
            phases,
            where,
            {t["table_name"]: t for t in tables},
            filters,
        )
        if findings:
            raise PiiError(findings)
        (tmp_version_dir / "_publication.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

        with phases("fsync"):
            # Folders stay writable by their owner: pruning an old version deletes their files.
            for folder, _, files in os.walk(tmp_version_dir, topdown=False):
                for name in files:
                    f = Path(folder) / name
                    _fsync_file(f)
                    os.chmod(f, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
                _fsync_dir(Path(folder))
            # Its final name (no published name points to it yet): the views read it by that name.
            tmp_version_dir.rename(version_dir)
            _fsync_dir(version_dir.parent)
        with phases("views"):
            entries = {t["table_name"]: t for t in tables}
            for mart in marts:
                sql = _parquet_select(con, version_dir, entries[mart], where[mart])
                con.execute(f"create view pub.main.{_id(mart)} as {sql}")
        with phases("checkpoint"):
            con.execute("checkpoint pub")
            for database in ("pub", "src", "build"):
                with contextlib.suppress(duckdb.Error):
                    con.execute(f"detach {database}")
    finally:
        con.close()

    if Path(f"{tmp_db}.wal").exists():
        raise PublishError(f"{tmp_db}: write-ahead log left after checkpoint")
    with phases("fsync"):
        _fsync_file(tmp_db)
        os.chmod(tmp_db, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return manifest


def _parquet_select(con: duckdb.DuckDBPyConnection, version_dir: Path, entry: dict, where: tuple[str, str]) -> str:
    """The view's query: the table's Parquet file (a partitioned mart: every month's file, without
    the folders' key as a column), each column cast back to the mart's type where Parquet stores
    another (HUGEINT counts are written as DOUBLE), so the view equals the mart."""
    table = entry["table_name"]
    path = parquet_source(version_dir, table, partitioned=entry.get("partition_by") is not None)
    stored = dict(con.execute(f"select column_name, column_type from (describe select * from {path})").fetchall())
    columns = _columns(con, *where, table)
    if all(stored.get(c) == t for c, t in columns.items()):
        return f"select * from {path}"
    select = ", ".join(_id(c) if stored.get(c) == t else f"cast({_id(c)} as {t}) as {_id(c)}" for c, t in columns.items())
    return f"select {select} from {path}"


def _previous_publication(publish_dir: Path) -> dict | None:
    """The current manifest, if readable (only used to reuse unchanged Parquet files)."""
    try:
        return read_publication(publish_dir)
    except (OSError, ValueError):
        return None


def _parquet_signature(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: tuple[str, str],
    partition_by: str | None = None,
    partition_open: str | None = None,
) -> str:
    """Columns, types, partitioning and Parquet writer options: with the checksum, what makes two
    files equal."""
    columns = list(_columns(con, *where, table).items())
    signature = [PARQUET_OPTIONS, duckdb.__version__, columns]
    if partition_by is not None:
        signature.append(["month", partition_by, NULL_PARTITION, partition_open, OPEN_PARTITION])
    return hashlib.sha256(json.dumps(signature).encode()).hexdigest()[:32]


def _partition_spec(
    con: duckdb.DuckDBPyConnection, table: str, where: tuple[str, str]
) -> tuple[str | None, str | None]:
    """(date column, open-rows condition) of a partitioned mart (PARTITIONED_MARTS); (None, None)
    when the mart is published as one file. A condition the mart's columns cannot answer is
    dropped: the mart is then partitioned by its date alone."""
    column, open_rows = PARTITIONED_MARTS.get(table, (None, None))
    dtype = _columns(con, *where, table).get(column or "", "")
    if not (dtype == "DATE" or dtype.startswith("TIMESTAMP")):
        return None, None
    if open_rows is not None:
        try:
            con.execute(f"select count(*) from (select * from {_qualified(where, table)} limit 0) where {open_rows}")
        except duckdb.Error:
            open_rows = None
    return column, open_rows


def _partition_key(column: str) -> str:
    """The folders' key: created_date -> created_month (folders created_month=2026-11)."""
    return f"{column.removesuffix('_date')}_month"


def _is_open(entry: dict) -> str:
    condition = entry.get("partition_open")
    return f"coalesce(({condition}), false)" if condition else "false"


def _partition_expr(entry: dict) -> str:
    """A row's part folder value: OPEN_PARTITION, its month 'YYYY-MM', or null without a date
    (DuckDB names that folder NULL_PARTITION)."""
    month = f"strftime({_id(entry['partition_by'])}, '%Y-%m')"
    return f"case when {_is_open(entry)} then {_lit(OPEN_PARTITION)} else {month} end"


def _partition_filter(entry: dict, parts: list[str]) -> str | None:
    """A where clause selecting `parts` of a partitioned mart; None when they are all of it."""
    if set(parts) >= set(_parts(entry)):
        return None
    # Ranges on the column itself, not its month: DuckDB skips the row groups outside them.
    column = _id(entry["partition_by"])
    ranges = [
        f"{column} is null"
        if part == NULL_PARTITION
        else f"({column} >= date {_lit(part + '-01')} and {column} < date {_lit(part + '-01')} + interval 1 month)"
        for part in parts
        if part != OPEN_PARTITION
    ]
    selected = [f"not {_is_open(entry)} and ({' or '.join(ranges)})"] if ranges else []
    if OPEN_PARTITION in parts:
        selected.append(_is_open(entry))
    return "(" + " or ".join(f"({c})" for c in selected) + ")"


def _fingerprint(con: duckdb.DuckDBPyConnection, table: str, where: tuple[str, str]) -> dict:
    """A table's manifest entry: row count, order-independent content checksum, Parquet signature,
    and for a partitioned mart each month's count and checksum (one scan either way: the table's
    are their sums, the same values as a whole-table checksum)."""
    column, open_rows = _partition_spec(con, table, where)
    if column is None:
        count, checksum = _count_and_checksum(con, table, where)
        return {
            "table_name": table,
            "row_count": count,
            "content_checksum": checksum,
            "parquet_signature": _parquet_signature(con, table, where),
        }
    spec = {"partition_by": column, "partition_open": open_rows}
    # Grouped by (open, month) as values; the part names are made here, once per group.
    grouped = con.execute(
        f"""
        select {_is_open(spec)}, date_trunc('month', {_id(column)}), count(*), coalesce(sum(hash(t)::hugeint), 0)
        from {_qualified(where, table)} as t
        group by 1, 2
        """
    ).fetchall()
    parts: dict[str, list[int]] = {}
    for is_open, month, n, checksum in grouped:
        part = OPEN_PARTITION if is_open else NULL_PARTITION if month is None else f"{month:%Y-%m}"
        totals = parts.setdefault(part, [0, 0])
        totals[0] += int(n)
        totals[1] += int(checksum)
    rows = sorted((part, n, str(checksum)) for part, (n, checksum) in parts.items())
    return {
        "table_name": table,
        "row_count": sum(int(n) for _, n, _ in rows),
        "content_checksum": str(sum(int(c) for _, _, c in rows)),
        "parquet_signature": _parquet_signature(con, table, where, column, open_rows),
        "partition_by": column,
        "partition_open": open_rows,
        "partition_key": _partition_key(column),
        "partitions": {part: {"row_count": int(n), "content_checksum": str(c)} for part, n, c in rows},
    }


def _parts(entry: dict) -> list[str]:
    """A manifest entry's parts: its months, or "" for a table published as one file."""
    if entry.get("partition_by") is None:
        return [""]
    return list(entry.get("partitions") or {})


def _part_fingerprint(entry: dict, part: str) -> tuple | None:
    if entry.get("partition_by") is None:
        return (entry.get("row_count"), entry.get("content_checksum")) if part == "" else None
    p = (entry.get("partitions") or {}).get(part)
    return (p.get("row_count"), p.get("content_checksum")) if isinstance(p, dict) else None


def _unchanged_parts(previous: dict | None, tables: list[dict]) -> dict[str, set[str]]:
    """Per table, the parts (months, or "" for the whole table) with the same row count and checksum
    as in `previous`, under the same columns, partitioning and writer options."""
    before = {t.get("table_name"): t for t in (previous or {}).get("tables", [])}
    unchanged: dict[str, set[str]] = {}
    for t in tables:
        old = before.get(t["table_name"])
        if old is None or any(old.get(k) != t.get(k) for k in ("parquet_signature", "partition_by", "partition_open")):
            continue
        same = {p for p in _parts(t) if _part_fingerprint(old, p) == _part_fingerprint(t, p)}
        if same:
            unchanged[t["table_name"]] = same
    return unchanged


def _reusable_parquet_parts(previous: dict | None, versions: Path | None, tables: list[dict]) -> dict[str, dict[str, Path]]:
    """Per table, the parts whose Parquet file (a month's folder) in the previous publication has
    the very same contents: table -> part -> its path there."""
    if not previous or not previous.get("publication_id") or versions is None:
        return {}
    # Its version folder in this publish folder (not the manifest's absolute path: folders move).
    folder = versions / str(previous["publication_id"])
    entries = {t["table_name"]: t for t in tables}
    reusable: dict[str, dict[str, Path]] = {}
    for table, parts in _unchanged_parts(previous, tables).items():
        key = entries[table].get("partition_key")
        for part in parts:
            path = folder / f"{table}.parquet" if key is None else folder / table / f"{key}={part}"
            if not path.is_symlink() and (path.is_file() if key is None else path.is_dir()):
                reusable.setdefault(table, {})[part] = path
    return reusable


def _pii_guard_signature() -> str:
    """The guard's rules: a table guarded under other rules is scanned again."""
    rules = [
        EMAIL_REGEX,
        sorted(PII_COLUMN_NAMES),
        PII_COLUMN_REGEX.pattern,
        sorted(PII_COLUMN_ALLOWED),
        [list(k) for k in PII_KNOWN_VALUES],
    ]
    return hashlib.sha256(json.dumps(rules).encode()).hexdigest()[:32]


def _guarded_parts(previous: dict | None, tables: list[dict]) -> dict[str, set[str]]:
    """Per table, the parts whose values the previous publication's guard (same rules) passed:
    same rows and columns."""
    if not previous or previous.get("pii_guard") != _pii_guard_signature():
        return {}
    return _unchanged_parts(previous, tables)


def _attach_marts_file(con: duckdb.DuckDBPyConnection, marts_file: Path) -> bool:
    """Attach the build's marts file read-only as catalog `src`, checkpointed first so the file
    alone holds every committed row. False when there is no such file."""
    if not marts_file.is_file():
        return False
    con.execute(f"attach {_lit(marts_file)} as src")
    con.execute("checkpoint src")
    con.execute("detach src")
    con.execute(f"attach {_lit(marts_file)} as src (read_only)")
    return True


def _mart_relations(con: duckdb.DuckDBPyConnection, database: str, schema: str) -> list[str]:
    rows = con.execute(
        """
        select table_name from duckdb_tables()
        where database_name = ? and schema_name = ?
        union
        select view_name from duckdb_views()
        where database_name = ? and schema_name = ? and not internal
        order by 1
        """,
        [database, schema, database, schema],
    ).fetchall()
    reserved = {REJECTS_SUMMARY, LOADS_SUMMARY, PUBLICATION_TABLE, PUBLICATION_TABLES_TABLE}
    return [r[0] for r in rows if r[0] not in reserved]


def _relation_exists(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    return bool(
        con.execute(
            """
            select count(*) from (
                select table_name as n from duckdb_tables()
                where database_name = 'build' and schema_name = ? and table_name = ?
                union all
                select view_name from duckdb_views()
                where database_name = 'build' and schema_name = ? and view_name = ?
            )
            """,
            [schema, name, schema, name],
        ).fetchone()[0]
    )


def _columns(con: duckdb.DuckDBPyConnection, database: str, schema: str, table: str) -> dict[str, str]:
    rows = con.execute(
        """
        select column_name, data_type from duckdb_columns()
        where database_name = ? and schema_name = ? and table_name = ?
        order by column_index
        """,
        [database, schema, table],
    ).fetchall()
    return {name: dtype for name, dtype in rows}


def _copy_rejects_summary(con: duckdb.DuckDBPyConnection) -> int:
    """audit.rejected_rows grouped by entity, stage, file and reason; emails in reasons redacted."""
    if _relation_exists(con, "audit", "rejected_rows"):
        con.execute(
            f"""
            create table pub.main.{REJECTS_SUMMARY} as
            select
                entity,
                rejected_stage,
                source_file,
                regexp_replace(reason, '{EMAIL_REGEX}', '<redacted email>', 'g') as reason,
                count(*) as rejected_rows,
                min(source_line) as first_line,
                max(source_line) as last_line
            from build.audit.rejected_rows
            group by all
            order by entity, rejected_stage, source_file, reason
            """
        )
        return int(con.execute(f"select coalesce(sum(rejected_rows), 0) from pub.main.{REJECTS_SUMMARY}").fetchone()[0])
    con.execute(
        f"""
        create table pub.main.{REJECTS_SUMMARY} (
            entity varchar, rejected_stage varchar, source_file varchar, reason varchar,
            rejected_rows bigint, first_line bigint, last_line bigint
        )
        """
    )
    return 0


def _copy_loads_summary(con: duckdb.DuckDBPyConnection) -> None:
    """raw._loaded_files by entity: when each entity last loaded (the dashboard's data quality page)."""
    if _relation_exists(con, "raw", "_loaded_files"):
        con.execute(
            f"""
            create table pub.main.{LOADS_SUMMARY} as
            select
                entity,
                count(*) filter (where status <> 'failed') as files_loaded,
                count(*) filter (where status = 'failed') as files_failed,
                sum(rows_loaded) as rows_loaded,
                sum(rows_rejected) as rows_rejected,
                max(loaded_at) as last_loaded_at,
                arg_max(file_path, loaded_at) as last_file,
                arg_max(status, loaded_at) as last_status
            from build.raw._loaded_files
            group by entity
            order by entity
            """
        )
        return
    con.execute(
        f"""
        create table pub.main.{LOADS_SUMMARY} (
            entity varchar, files_loaded bigint, files_failed bigint, rows_loaded hugeint,
            rows_rejected hugeint, last_loaded_at timestamp, last_file varchar, last_status varchar
        )
        """
    )


def _guard_and_write_parquet(
    con: duckdb.DuckDBPyConnection,
    published: list[str],
    scanned: list[str],
    parquet_tables: list[str],
    reusable: dict[str, dict[str, Path]],
    out_dir: Path,
    phases: _Phases,
    where: dict[str, tuple[str, str]],
    entries: dict[str, dict],
    filters: dict[str, str | None],
) -> list[str]:
    """Run the PII guard and write the Parquet files on two cursors at once; returns the findings.
    `reusable`: per table, the parts to hard-link from the previous publication; `filters`: per
    partitioned table, the months the guard scans (None: all)."""
    local = threading.local()
    cursors: list[duckdb.DuckDBPyConnection] = []

    def cursor() -> duckdb.DuckDBPyConnection:
        if not hasattr(local, "con"):
            local.con = con.cursor()
            local.con.execute("set TimeZone = 'UTC'")  # a session setting: not inherited
            cursors.append(local.con)
        return local.con

    def guard() -> list[str]:
        with phases("pii_guard"):
            return _pii_findings(cursor(), published, phases, scan=scanned, where=where, filters=filters)

    def write(table: str) -> None:
        entry = entries.get(table, {})
        relation = _qualified(where.get(table, ("pub", "main")), table)
        if entry.get("partition_by") is not None:
            _write_partitioned(cursor(), entry, relation, reusable.get(table, {}), out_dir / table)
            return
        target = out_dir / f"{table}.parquet"
        if "" in reusable.get(table, {}):
            # Same contents, columns and writer options as the previous publication's file:
            # link it (read-only, never written in place) instead of rewriting it.
            with contextlib.suppress(OSError):
                os.link(reusable[table][""], target)
                return
        cursor().execute(f"copy (select * from {relation}) to {_lit(str(target))} ({PARQUET_OPTIONS})")

    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="publish") as pool:
            findings = pool.submit(guard)
            for written in [pool.submit(write, t) for t in parquet_tables]:
                written.result()
            phases.seconds["parquet"] = round(time.monotonic() - started, 3)
            return findings.result()
    finally:
        for c in cursors:
            c.close()


def _write_partitioned(
    con: duckdb.DuckDBPyConnection, entry: dict, relation: str, reusable: dict[str, Path], target: Path
) -> None:
    """A partitioned mart's folder: `<key>=<month>/` per month, unchanged months hard-linked from
    the previous publication (a month whose link fails is written), the others written in one
    query reading only their rows."""
    key = entry["partition_key"]
    target.mkdir()
    to_write = [p for p in _parts(entry) if p not in reusable]
    for part, old in reusable.items():
        folder = target / f"{key}={part}"
        try:
            folder.mkdir()
            for f in old.iterdir():
                os.link(f, folder / f.name)
        except OSError:
            shutil.rmtree(folder, ignore_errors=True)
            to_write.append(part)
    if not entry.get("partitions"):
        # No row: one empty file, so the view and Parquet readers still find the mart's columns.
        (target / f"{key}={NULL_PARTITION}").mkdir()
        con.execute(
            f"copy (select * from {relation} limit 0) "
            f"to {_lit(str(target / f'{key}={NULL_PARTITION}' / 'data_0.parquet'))} ({PARQUET_OPTIONS})"
        )
        return
    if not to_write:
        return
    month = _partition_expr(entry)
    condition = _partition_filter(entry, to_write)
    con.execute(
        f"copy (select *, {month} as {_id(key)} from {relation}"
        f"{f' where {condition}' if condition else ''}) "
        f"to {_lit(str(target))} ({PARQUET_OPTIONS}, partition_by ({_id(key)}), overwrite_or_ignore)"
    )


def _pii_findings(
    con: duckdb.DuckDBPyConnection,
    tables: list[str],
    phases: _Phases | None = None,
    scan: list[str] | None = None,
    where: dict[str, tuple[str, str]] | None = None,
    filters: dict[str, str | None] | None = None,
) -> list[str]:
    """Column names of every table in `tables`; values of those in `scan` (default: all).
    `where`: each table's (catalog, schema), default the new file's `pub.main`; `filters`: a where
    clause per table selecting the rows to scan (a partitioned mart's rewritten months)."""
    where, filters = where or {}, filters or {}
    findings: list[str] = []
    scan_set = set(tables if scan is None else scan)
    text_columns: list[tuple[str, str]] = []
    for table in tables:
        columns = _columns(con, *where.get(table, ("pub", "main")), table)
        for column in columns:
            lowered = column.lower()
            if lowered not in PII_COLUMN_ALLOWED and (
                lowered in PII_COLUMN_NAMES or PII_COLUMN_REGEX.match(lowered)
            ):
                findings.append(f"{table}.{column}: PII column name")
        if table in scan_set:
            text_columns += [(table, c) for c, t in columns.items() if t.upper().startswith("VARCHAR")]
    if not text_columns:
        return findings
    with phases("pii_known_values") if phases else contextlib.nullcontext():
        known = _known_pii_values(con)
    # One query over every text column: the known-PII set is hashed once (not once per column),
    # only values that hold an '@' (every email address has one) or equal a known value are kept,
    # and only those are counted distinct: a distinct over every value of the id columns took ~1.6x
    # as long (a 1M-ticket night's guard: 5.1-5.8 s before, 3.2-3.3 s after).
    # Allowed columns (agent names: employees, reported by name) may coincide with a customer's name.
    allowed = [i for i, (_, c) in enumerate(text_columns) if c.lower() in PII_COLUMN_ALLOWED]
    known_match = (
        f"(i not in ({', '.join(map(str, [-1, *allowed]))}) and trim(v) in (select v from _pii_values))"
        if known
        else "false"
    )
    values = " union all ".join(
        f"select {i} as i, {_id(c)} as v from {_qualified(where.get(t, ('pub', 'main')), t)}"
        + (f" where {filters[t]}" if filters.get(t) else "")
        for i, (t, c) in enumerate(text_columns)
    )
    rows = con.execute(
        f"""
        select
            i,
            count(distinct v) filter (where contains(v, '@') and regexp_matches(v, '{EMAIL_REGEX}')),
            count(distinct v) filter (where is_known)
        from (select i, v, {known_match} as is_known from ({values}))
        where contains(v, '@') or is_known
        group by i
        order by i
        """
    ).fetchall()
    for i, emails, known_values in rows:
        table, c = text_columns[i]
        if emails:
            findings.append(f"{table}.{c}: {emails} distinct value(s) look like an email address")
        if known_values:
            findings.append(f"{table}.{c}: {known_values} distinct value(s) equal a customer name, email or comment")
    return findings


def _known_pii_values(con: duckdb.DuckDBPyConnection) -> bool:
    """Load clear PII values of the build's raw tables into temp table _pii_values."""
    selects = []
    for table, column, min_length in PII_KNOWN_VALUES:
        if _relation_exists(con, "raw", table) and column in _columns(con, "build", "raw", table):
            selects.append(
                f"select trim(cast({_id(column)} as varchar)) as v from build.raw.{_id(table)} "
                f"where length(trim(cast({_id(column)} as varchar))) >= {min_length}"
            )
    if not selects:
        return False
    con.execute("create or replace temp table _pii_values as select distinct v from (" + " union all ".join(selects) + ")")
    return True


def _count_and_checksum(con: duckdb.DuckDBPyConnection, table: str, where: tuple[str, str]) -> tuple[int, str]:
    """Row count and an order-independent checksum of a table's full contents."""
    count, checksum = con.execute(
        f"select count(*), coalesce(sum(hash(t)::hugeint), 0)::varchar from {_qualified(where, table)} as t"
    ).fetchone()
    return int(count), str(checksum)


def _write_manifest_tables(con: duckdb.DuckDBPyConnection, manifest: dict) -> None:
    con.execute(
        f"""
        create table pub.main.{PUBLICATION_TABLE} as
        select
            ?::varchar as publication_id,
            ?::timestamptz as published_at,
            ?::timestamptz as built_at,
            ?::varchar as run_id,
            ?::integer as mart_count,
            ?::bigint as mart_rows,
            ?::bigint as rejected_rows
        """,
        [
            manifest["publication_id"],
            manifest["published_at"],
            manifest["built_at"],
            manifest["run_id"],
            len(manifest["marts"]),
            sum(t["row_count"] for t in manifest["tables"] if t["table_name"] in manifest["marts"]),
            manifest["rejected_rows"],
        ],
    )
    con.execute(
        f"""
        create table pub.main.{PUBLICATION_TABLES_TABLE} (
            publication_id varchar, table_name varchar, row_count bigint, content_checksum varchar
        )
        """
    )
    con.executemany(
        f"insert into pub.main.{PUBLICATION_TABLES_TABLE} values (?, ?, ?, ?)",
        [
            [manifest["publication_id"], t["table_name"], t["row_count"], t["content_checksum"]]
            for t in manifest["tables"]
        ],
    )


# --- swapping and housekeeping ----------------------------------------------------------------


def _swap_parquet_link(publish_dir: Path, version_dir: Path, tmp_link: Path) -> None:
    link = publish_dir / PARQUET_LINK
    if link.exists() and not link.is_symlink():
        # A real directory from an older layout: move it aside once (rename cannot replace it).
        link.rename(publish_dir / PARQUET_VERSIONS / f"legacy-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    os.symlink(os.path.relpath(version_dir, publish_dir), tmp_link, target_is_directory=True)
    os.replace(tmp_link, link)


def _remove_leftovers(publish_dir: Path) -> None:
    """Temporary files of a publication that crashed (we hold the lock, so none is in progress)."""
    for p in publish_dir.glob(".*.tmp*"):
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
    versions = publish_dir / PARQUET_VERSIONS
    if versions.is_dir():
        for p in versions.glob(".*.tmp"):
            shutil.rmtree(p, ignore_errors=True)


def _prune_versions(versions: Path, keep: int, current: str) -> None:
    """Keep the newest `keep` Parquet versions (readers may still be reading the previous ones)."""
    dirs = [p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")]
    names = [p.name for p in sorted(dirs, key=lambda p: (p.stat().st_mtime, p.name))]
    for name in names[:-keep] if len(names) > keep else []:
        if name != current:
            shutil.rmtree(versions / name, ignore_errors=True)


@contextlib.contextmanager
def _publish_lock(publish_dir: Path):
    """One publisher at a time per publish_dir (readers never lock)."""
    fh = open(publish_dir / LOCK_FILE, "a+")  # noqa: SIM115
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory lock
            yield
            return
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    finally:
        fh.close()


def _write_json_atomic(path: Path, payload: dict) -> None:
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    _fsync_file(tmp)
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # pragma: no cover - directories cannot be opened on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _qualified(where: tuple[str, str], table: str) -> str:
    return f"{_id(where[0])}.{_id(where[1])}.{_id(table)}"


def _id(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"
