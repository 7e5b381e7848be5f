"""The run-level lock (support_warehouse.runlock): one night at a time per warehouse."""

from __future__ import annotations

import threading
import time

import pytest

from support_warehouse import runlock


def test_a_second_run_waits_naming_the_holder_then_runs_once_it_is_free(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    held, release = threading.Event(), threading.Event()

    def first():
        with runlock.run_lock(warehouse, "run-A"):
            held.set()
            release.wait(10)

    t = threading.Thread(target=first)
    t.start()
    held.wait(10)
    said: list[str] = []
    threading.Timer(1.0, release.set).start()
    started = time.monotonic()
    with runlock.run_lock(warehouse, "run-B", wait=20, on_wait=said.append, poll=0.05):
        waited = time.monotonic() - started
        assert runlock.read_holder(runlock.lock_path(warehouse))["run_id"] == "run-B"
    t.join()
    assert 0.9 <= waited < 10
    assert len(said) == 1 and said[0].startswith(f"waiting up to 20 s for run run-A (pid ")


def test_a_second_run_refuses_with_the_holders_name_after_the_wait(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with runlock.run_lock(warehouse, "run-A"):
        started = time.monotonic()
        with pytest.raises(runlock.RunLockHeld, match=r"in use by run run-A \(pid \d+ on .*\): waited \d+ s \(SW_RUN_LOCK_WAIT_SECONDS=0.5\)") as e:
            with runlock.run_lock(warehouse, "run-B", wait=0.5, poll=0.1):
                pass
        assert 0.5 <= time.monotonic() - started < 5
        assert e.value.holder["run_id"] == "run-A"
    with runlock.run_lock(warehouse, "run-C", wait=0):  # released: taken at once
        pass


def test_a_warehouse_folder_that_cannot_be_written_is_named(tmp_path, monkeypatch):
    def read_only(*_a, **_k):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(runlock.os, "open", read_only)
    with pytest.raises(OSError, match=r"cannot write the run lock .*warehouse.duckdb.run.lock \(is the warehouse "
                                      r"folder writable\?\): Read-only file system") as e:
        with runlock.run_lock(tmp_path / "warehouse.duckdb", "run-A"):
            pass
    assert e.value.errno == 30
