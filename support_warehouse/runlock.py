"""One night at a time per warehouse: a run-level lock beside the build database.

DuckDB admits one writer process per file, but a second refresh used to find that out step by
step (retrying each lock conflict, then failing with every entity "no new files"). The lock file
``<warehouse>.run.lock`` is held (``flock``) for a whole run and names its holder (run id, process
id, host, start time). A second run waits up to ``SW_RUN_LOCK_WAIT_SECONDS`` (default 600),
saying which run it waits for, then refuses with that run's name. The kernel drops the lock when
its process dies, even on ``kill -9``: a crashed run never blocks the next one.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_WAIT_SECONDS = 600.0


class RunLockHeld(RuntimeError):
    """Another run held the warehouse for longer than this run would wait."""

    def __init__(self, message: str, holder: dict) -> None:
        super().__init__(message)
        self.holder = holder


def wait_seconds() -> float:
    value = os.environ.get("SW_RUN_LOCK_WAIT_SECONDS", "").strip()
    try:
        return max(0.0, float(value)) if value else DEFAULT_WAIT_SECONDS
    except ValueError as e:
        raise ValueError(f"SW_RUN_LOCK_WAIT_SECONDS must be a number of seconds, not {value!r}") from e


def lock_path(warehouse: Path) -> Path:
    return Path(warehouse).with_name(Path(warehouse).name + ".run.lock")


def describe(holder: dict) -> str:
    if not holder.get("run_id"):
        return "another run (its name is not written yet)"
    return (
        f"run {holder['run_id']} (pid {holder.get('pid')} on {holder.get('host')}, "
        f"started {holder.get('started_at')})"
    )


def read_holder(path: Path) -> dict:
    try:
        return json.loads(Path(path).read_text() or "{}")
    except (OSError, ValueError):
        return {}


@contextmanager
def run_lock(
    warehouse: Path,
    run_id: str,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    poll: float = 0.5,
) -> Iterator[None]:
    """Hold the warehouse's run lock for the duration; wait up to `wait` seconds for a holder."""
    path = lock_path(warehouse)
    wait = wait_seconds() if wait is None else wait
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:  # a read-only or foreign warehouse folder: say so before anything runs
        raise type(e)(e.errno, f"cannot write the run lock {path} (is the warehouse folder writable?): {e.strerror}") from e
    try:
        started = time.monotonic()
        said = None
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = read_holder(path)
                waited = time.monotonic() - started
                if waited >= wait:
                    raise RunLockHeld(
                        f"the warehouse {warehouse} is in use by {describe(holder)}: waited {waited:.0f} s "
                        f"(SW_RUN_LOCK_WAIT_SECONDS={wait:g}); this run did not start, run it again once that one ends",
                        holder,
                    ) from None
                if said != holder.get("run_id"):  # once per holder
                    said = holder.get("run_id")
                    message = f"waiting up to {wait:g} s for {describe(holder)} to finish with {warehouse}"
                    log.warning("%s", message)
                    if on_wait is not None:
                        on_wait(message)
                time.sleep(min(poll, max(0.0, wait - waited)))
        me = {
            "run_id": run_id, "pid": os.getpid(), "host": socket.gethostname(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
