"""Event log storage of the project's Dagster instance: Dagster's SQLite storage, made cheaper per event.

A night writes ~1,700 events (a planned event, a materialization or a check evaluation per dbt node
and test, step events, logs), each to the run's SQLite file and most also to the cross-run index.
Dagster's ``SqliteEventLogStorage`` opens a new engine and connection per write and SQLite syncs the
disk on every commit, which cost a 20k-ticket night more time than loading and dbt together.

``FastSqliteEventLogStorage`` keeps the same files, schema and layout (``<DAGSTER_HOME>/history/runs``,
so the UI and ``dagster`` CLI read them as usual) and changes two things:

* one engine per database file, kept for the next write (a few recent run files and the index);
* ``synchronous=NORMAL`` on its connections: in WAL mode (Dagster's default for these files) a commit
  no longer waits for the disk; a power cut can lose the last events of a run, never corrupt the file.

Kept connections leave new events in the ``-wal`` file until SQLite checkpoints, so the UI's live
view of a running run also watches that file (``_Watchdog``).

Configured in ``dagster.yaml`` by support_warehouse/orchestration/instance.py (``event_log_storage``).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from dagster import StringSource
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SqliteEventLogStorage,
    SqliteEventLogStorageWatchdog,
)
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event
from sqlalchemy.pool import QueuePool

# Engines kept open: the index and the run files written recently (a run writes to one file).
MAX_OPEN_SHARDS = 4


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class _Watchdog(SqliteEventLogStorageWatchdog):
    """Dagster's run watcher, also woken by writes to the run file's ``-wal`` file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._paths = {self._log_path, f"{self._log_path}-wal"}
        self._patterns = sorted(self._paths)  # PatternMatchingEventHandler's filter

    def on_modified(self, event: Any) -> None:
        if event.src_path in self._paths:
            self._process_log()


class FastSqliteEventLogStorage(SqliteEventLogStorage):
    """``SqliteEventLogStorage`` with kept engines and ``synchronous=NORMAL`` (see module doc).

    Config ``base_dir`` is the Dagster home; events go to ``<base_dir>/history/runs`` like the default.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Any] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def config_type(cls) -> Mapping[str, Any]:
        return {"base_dir": StringSource}

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]
    ) -> FastSqliteEventLogStorage:
        runs_dir = os.path.join(config_value["base_dir"], "history", "runs", "")
        return cls(runs_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> Any:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=QueuePool,
                pool_size=1,
                max_overflow=2,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _sqlite_pragmas)
        self._engines[shard] = engine  # most recently used last
        while len(self._engines) > MAX_OPEN_SHARDS:
            _, old = self._engines.popitem(last=False)
            old.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Any]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn:
                with conn.begin():
                    yield conn

    def watch(self, run_id: str, cursor: str | None, callback: Any) -> None:
        from watchdog.observers import Observer

        if not self._obs:
            self._obs = Observer()
            self._obs.start()
        watchdog = _Watchdog(self, run_id, callback, cursor)
        self._watchers[run_id][callback] = (watchdog, self._obs.schedule(watchdog, self._base_dir, recursive=True))

    def wipe(self) -> None:
        self._dispose_engines()
        super().wipe()

    def _dispose_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
