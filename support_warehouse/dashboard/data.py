"""Read-only access to the current publication (support_warehouse.publish).

The dashboard never reads the build database. It opens `<publish_dir>/marts.duckdb` read-only and
keys every connection and cached result on the file's identity (inode, size, mtime): publishing
renames a new file over the old one, so the next page view after a publication sees a new
identity, opens the new file and stops using the old connection (which would keep reading the old
night until closed). No restart needed.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from support_warehouse import config
from support_warehouse.publish import PUBLISHED_DB, PUBLICATION_TABLE

# Open connections by file identity; the two newest are kept (a page still rendering on the
# previous night finishes its queries), older ones are closed.
_CONNECTIONS: dict[tuple, duckdb.DuckDBPyConnection] = {}
_LOCK = threading.Lock()
_KEEP = 2


class NoPublication(RuntimeError):
    """Nothing has been published in the publish folder yet."""


@dataclass(frozen=True)
class Publication:
    """The publication a page is reading: its file identity is the cache key."""

    db_path: Path
    identity: tuple
    publication_id: str
    published_at: Any
    built_at: Any
    as_of_at: Any
    tables: frozenset[str]

    def has(self, table: str) -> bool:
        return table in self.tables


def publish_dir() -> Path:
    return config.publish_dir()


def _identity(db_path: Path) -> tuple:
    try:
        st = os.stat(db_path)
    except FileNotFoundError as exc:
        raise NoPublication(
            f"no publication at {db_path}: run `support-warehouse demo` (or the nightly job) first, "
            "or point SW_PUBLISH_DIR at a publish folder"
        ) from exc
    return (str(db_path), st.st_ino, st.st_size, st.st_mtime_ns)


def _connection(identity: tuple) -> duckdb.DuckDBPyConnection:
    with _LOCK:
        con = _CONNECTIONS.get(identity)
        if con is None:
            # Not duckdb.connect(path): DuckDB hands a second connect to a path already open in
            # this process the cached database of the first, i.e. the old night's file. An
            # in-memory database attaching the file opens what the path names now.
            con = duckdb.connect(":memory:")
            con.execute("set TimeZone = 'UTC'")
            con.execute(f"attach '{_sql_string(identity[0])}' as marts (read_only)")
            _CONNECTIONS[identity] = con
            for old in list(_CONNECTIONS)[:-_KEEP]:
                _CONNECTIONS.pop(old).close()
        return con


def _cursor(identity: tuple) -> duckdb.DuckDBPyConnection:
    """A cursor (its own connection to the same database) reading the attached file by default."""
    cur = _connection(identity).cursor()
    cur.execute("use marts")
    return cur


def _sql_string(text: str) -> str:
    return text.replace("'", "''")


def current() -> Publication:
    """The publication now under the published name (reopened when it changed)."""
    db_path = publish_dir() / PUBLISHED_DB
    identity = _identity(db_path)
    return _describe(identity)


_DESCRIBED: dict[tuple, Publication] = {}


def _describe(identity: tuple) -> Publication:
    known = _DESCRIBED.get(identity)
    if known is not None:
        return known
    cur = _cursor(identity)
    try:
        tables = frozenset(r[0] for r in cur.execute("select table_name from information_schema.tables where table_catalog = 'marts'").fetchall())
        pub = cur.execute(f"select publication_id, published_at, built_at from {PUBLICATION_TABLE}").fetchone()
        as_of = None
        if "dim_data_as_of" in tables:
            as_of = cur.execute("select max(as_of_at) from dim_data_as_of").fetchone()[0]
    finally:
        cur.close()
    described = Publication(
        db_path=Path(identity[0]),
        identity=identity,
        publication_id=pub[0],
        published_at=pub[1],
        built_at=pub[2],
        as_of_at=as_of,
        tables=tables,
    )
    _DESCRIBED.clear()
    _DESCRIBED[identity] = described
    return described


def query(pub: Publication, sql: str, params: list | tuple | None = None) -> pd.DataFrame:
    """Run a read-only query on the publication `pub` (a cursor of its connection per call)."""
    cur = _cursor(pub.identity)
    try:
        return cur.execute(sql, list(params or [])).df()
    finally:
        cur.close()


def columns(pub: Publication, table: str) -> set[str]:
    """Columns of a published table (empty when the table is not published)."""
    if not pub.has(table):
        return set()
    df = query(pub, "select column_name from duckdb_columns() where database_name = 'marts' and table_name = ?", [table])
    return set(df["column_name"])
