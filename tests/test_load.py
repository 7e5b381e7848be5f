"""Loader tests: small hand-written CSV / JSON lines / Parquet files, independent of the generator."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from support_warehouse import load
from support_warehouse.loading import files
from support_warehouse.contract import ENTITIES, LANDING_TABLES, LINEAGE_COLUMNS

from conftest import customer_row, ticket_row  # tests/ is on sys.path (rootdir conftest)

TICKET_COLS = list(ENTITIES["tickets"].required)


def _rows(con, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def _tickets(con) -> dict[str, tuple]:
    """ticket_id -> (_source_file, _source_line)."""
    return {r[0]: (r[1], r[2]) for r in _rows(con, "select ticket_id, _source_file, _source_line from raw.tickets")}


def _rejects(con, entity: str = "tickets") -> list[tuple]:
    return _rows(
        con,
        "select source_file, source_line, reason, raw_record from raw._load_rejects "
        "where entity = ? order by source_file, source_line",
        [entity],
    )


def _snapshot(con) -> dict[str, object]:
    snap: dict[str, object] = {}
    for entity in ENTITIES:
        snap[entity] = sorted(
            _rows(con, f"select * exclude (_loaded_at) from raw.{entity}"), key=repr
        )
    snap["_loaded_files"] = _rows(con, "select count(*) from raw._loaded_files")
    snap["_load_rejects"] = _rows(con, "select count(*) from raw._load_rejects")
    return snap


# ------------------------------------------------------------------------------------- schema


def test_ensure_raw_schema_creates_every_table_with_contract_columns(con):
    load.ensure_raw_schema(con)
    load.ensure_raw_schema(con)  # idempotent
    for name, entity in ENTITIES.items():
        cols = [r[0] for r in _rows(con, f"describe raw.{name}")]
        types = {r[0]: r[1] for r in _rows(con, f"describe raw.{name}")}
        assert cols == [*entity.raw_columns, *LINEAGE_COLUMNS]
        assert all(types[c] == "VARCHAR" for c in entity.raw_columns)
        assert types["_source_line"] == "BIGINT"
        assert types["_loaded_at"] == "TIMESTAMP"
    cols = [r[0] for r in _rows(con, "describe raw._loaded_files")]
    assert cols[:9] == [
        "file_path", "file_hash", "entity", "load_id", "loaded_at",
        "rows_loaded", "rows_rejected", "status", "message",
    ]
    cols = [r[0] for r in _rows(con, "describe raw._load_rejects")]
    assert cols[:7] == ["entity", "source_file", "source_line", "reason", "raw_record", "load_id", "loaded_at"]


def test_load_all_on_empty_landing_creates_tables_and_loads_nothing(con, landing):
    results = load.load_all(con, landing.root)
    assert set(results) == set(LANDING_TABLES)  # contract entities and connector tables
    assert all(r.ok and not r.files_loaded for r in results.values())
    assert _rows(con, "select count(*) from raw.tickets") == [(0,)]
    # Landing dir that does not exist at all is fine too.
    assert all(r.ok for r in load.load_all(con, landing.root / "nope").values())


# ------------------------------------------------------------------------------- happy path


def test_csv_loads_every_column_as_text_with_lineage(con, landing):
    landing.csv("tickets", "tickets_2026-10-30.csv", [ticket_row(1), ticket_row(2), ticket_row(3)])
    res = load.load_entity(con, landing.root, "tickets", load_id="L1")
    assert res.ok and res.files_loaded == ["tickets/tickets_2026-10-30.csv"]
    assert (res.rows_loaded, res.rows_rejected) == (3, 0)
    got = _rows(
        con,
        "select ticket_id, updated_at, _source_file, _source_line, _load_id, _loaded_at "
        "from raw.tickets order by _source_line",
    )
    assert [g[:5] for g in got] == [
        ("T1", "2026-10-01T09:30:00+02:00", "tickets/tickets_2026-10-30.csv", 2, "L1"),
        ("T2", "2026-10-01T09:30:00+02:00", "tickets/tickets_2026-10-30.csv", 3, "L1"),
        ("T3", "2026-10-01T09:30:00+02:00", "tickets/tickets_2026-10-30.csv", 4, "L1"),
    ]
    assert got[0][5] is not None
    lf = _rows(con, "select file_path, entity, load_id, rows_loaded, rows_rejected, status, length(file_hash) "
                    "from raw._loaded_files")
    assert lf == [("tickets/tickets_2026-10-30.csv", "tickets", "L1", 3, 0, "loaded", 64)]


def test_values_are_kept_verbatim_quotes_commas_and_newlines(con, landing):
    text = (
        ",".join(TICKET_COLS) + "\n"
        + ",".join(ticket_row(1, ticket_type='"billing, refunds"')) + "\n"
        + ",".join(ticket_row(2, ticket_type='"two\nlines ""quoted"""')) + "\n"
        + ",".join(ticket_row(3, ticket_type="")) + "\n"
    )
    landing.write("tickets", "t.csv", text)
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok and res.rows_loaded == 3
    got = dict(_rows(con, "select ticket_id, ticket_type from raw.tickets"))
    assert got == {"T1": "billing, refunds", "T2": 'two\nlines "quoted"', "T3": None}


def test_semicolon_delimiter_and_header_case_are_handled(con, landing):
    header = [c.upper() if i % 2 else f" {c} " for i, c in enumerate(TICKET_COLS)]
    landing.csv("tickets", "t.csv", [ticket_row(1), ticket_row(2)], header=header, delimiter=";")
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok, res.error
    assert _tickets(con) == {"T1": ("tickets/t.csv", 2), "T2": ("tickets/t.csv", 3)}
    assert [r[0] for r in _rows(con, "describe raw.tickets")][: len(TICKET_COLS)] == TICKET_COLS


def test_crlf_and_gzip_and_bom(con, landing):
    text = "\ufeff" + ",".join(TICKET_COLS) + "\r\n" + "\r\n".join(",".join(ticket_row(i)) for i in (1, 2)) + "\r\n"
    with gzip.open(landing.path("tickets", "t.csv.gz"), "wb") as fh:
        fh.write(text.encode("utf-8"))
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok, res.error
    assert _tickets(con) == {"T1": ("tickets/t.csv.gz", 2), "T2": ("tickets/t.csv.gz", 3)}
    assert _rows(con, "select updated_at from raw.tickets where ticket_id = 'T2'") == [("2026-10-01T09:30:00+02:00",)]


def test_extra_columns_are_kept_and_added_to_the_raw_table(con, landing):
    landing.csv("tickets", "a.csv", [ticket_row(1)])
    assert load.load_entity(con, landing.root, "tickets").ok
    header = [*TICKET_COLS, "Satisfaction_Label", "region"]
    landing.csv("tickets", "b.csv", [[*ticket_row(2), "good", "EU"]], header=header)
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok, res.error
    cols = {r[0]: r[1] for r in _rows(con, "describe raw.tickets")}
    assert cols["satisfaction_label"] == "VARCHAR" and cols["region"] == "VARCHAR"
    got = _rows(con, "select ticket_id, satisfaction_label, region from raw.tickets order by ticket_id")
    assert got == [("T1", None, None), ("T2", "good", "EU")]


def test_optional_columns_may_be_left_out_of_a_file(con, landing):
    """orders.has_a_to_z_claim / has_chargeback are optional: a file without them loads (null),
    one with them fills them, and the raw table has them before any file did."""
    assert set(ENTITIES["orders"].optional) == {"has_a_to_z_claim", "has_chargeback"}
    header = list(ENTITIES["orders"].required)
    landing.csv("orders", "a.csv", [["O1", "C1", "2026-10-01T10:00:00Z", "P1", "1", "10.00", "shipped", "true"]],
                header=header)
    assert load.load_entity(con, landing.root, "orders").ok
    landing.csv("orders", "b.csv", [["O2", "C1", "2026-10-02T10:00:00Z", "P1", "1", "10.00", "shipped", "true",
                                     "true", "false"]], header=[*header, "has_a_to_z_claim", "has_chargeback"])
    res = load.load_entity(con, landing.root, "orders")
    assert res.ok, res.error
    got = _rows(con, "select order_id, has_a_to_z_claim, has_chargeback from raw.orders order by order_id")
    assert got == [("O1", None, None), ("O2", "true", "false")]


def test_columns_in_a_different_order_are_matched_by_name(con, landing):
    header = list(reversed(TICKET_COLS))
    landing.csv("tickets", "t.csv", [list(reversed(ticket_row(1)))], header=header)
    assert load.load_entity(con, landing.root, "tickets").ok
    assert _rows(con, "select ticket_id, priority from raw.tickets") == [("T1", "normal")]


# ---------------------------------------------------------------------------------- idempotence


def test_loading_the_same_file_twice_changes_nothing(con, landing):
    landing.csv("tickets", "t1.csv", [ticket_row(1), ticket_row(2)])
    landing.csv("customers", "c1.csv", [customer_row(1)])
    first = load.load_all(con, landing.root)
    assert first["tickets"].rows_loaded == 2 and first["customers"].rows_loaded == 1
    before = _snapshot(con)

    again = load.load_all(con, landing.root)
    assert again["tickets"].files_loaded == [] and again["tickets"].files_skipped == ["tickets/t1.csv"]
    assert _snapshot(con) == before


def test_renamed_or_recopied_file_is_skipped(con, landing):
    src = landing.csv("tickets", "t1.csv", [ticket_row(1), ticket_row(2)])
    load.load_entity(con, landing.root, "tickets")
    before = _snapshot(con)

    shutil.copy(src, landing.path("tickets", "copy_of_t1.csv"))  # a copy under a new name
    src.rename(landing.path("tickets", "renamed.csv"))  # the original, renamed
    landing.path("tickets", "sub").mkdir()
    shutil.copy(landing.path("tickets", "renamed.csv"), landing.path("tickets", "sub/again.csv"))
    os.utime(landing.path("tickets", "sub/again.csv"), (1, 1))  # re-copied, different mtime
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok and res.files_loaded == [] and res.rows_loaded == 0
    assert sorted(res.files_skipped) == ["tickets/copy_of_t1.csv", "tickets/renamed.csv", "tickets/sub/again.csv"]
    assert _snapshot(con) == before
    assert load.pending_files(con, landing.root) == {}


def test_same_content_twice_in_one_night_loads_once(con, landing):
    landing.csv("tickets", "a.csv", [ticket_row(1)])
    landing.csv("tickets", "b.csv", [ticket_row(1)])
    res = load.load_entity(con, landing.root, "tickets")
    assert res.files_loaded == ["tickets/a.csv"] and res.files_skipped == ["tickets/b.csv"]
    assert _rows(con, "select count(*) from raw.tickets") == [(1,)]


def test_a_changed_file_under_the_same_name_is_loaded_again(con, landing):
    landing.csv("tickets", "t.csv", [ticket_row(1)])
    load.load_entity(con, landing.root, "tickets")
    p = landing.csv("tickets", "t.csv", [ticket_row(1, status="solved"), ticket_row(2)])
    os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 5_000_000_000))
    res = load.load_entity(con, landing.root, "tickets")
    assert res.files_loaded == ["tickets/t.csv"] and res.rows_loaded == 2
    assert _rows(con, "select count(*) from raw.tickets") == [(3,)]


# ------------------------------------------------------------------------------ reader rejects


def test_truncated_last_line_is_rejected_and_good_rows_load(con, landing):
    text = ",".join(TICKET_COLS) + "\n" + ",".join(ticket_row(1)) + "\n" + ",".join(ticket_row(2)) + "\n"
    text += ",".join(ticket_row(3))[:25]  # cut mid-row, no newline
    landing.write("tickets", "t.csv", text)
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok and (res.rows_loaded, res.rows_rejected) == (2, 1)
    assert _tickets(con) == {"T1": ("tickets/t.csv", 2), "T2": ("tickets/t.csv", 3)}
    [(file, line, reason, raw)] = _rejects(con)
    assert (file, line) == ("tickets/t.csv", 4)
    assert "wrong number of columns" in reason and "expected 9" in reason
    assert raw == ",".join(ticket_row(3))[:25]
    assert _rows(con, "select rows_loaded, rows_rejected, status from raw._loaded_files") == [(2, 1, "loaded")]


def test_wrong_column_count_mid_file_keeps_line_numbers_right(con, landing):
    rows = [ticket_row(1), ticket_row(2)[:4], ticket_row(3), [*ticket_row(4), "surplus"], ticket_row(5)]
    landing.csv("tickets", "t.csv", rows)
    res = load.load_entity(con, landing.root, "tickets")
    assert (res.rows_loaded, res.rows_rejected) == (3, 2)
    assert _tickets(con) == {"T1": ("tickets/t.csv", 2), "T3": ("tickets/t.csv", 4), "T5": ("tickets/t.csv", 6)}
    rej = _rejects(con)
    assert [(r[1], r[3]) for r in rej] == [(3, ",".join(rows[1])), (5, ",".join(rows[3]))]
    assert "expected 9, found 4" in rej[0][2]
    assert "expected 9, found 10" in rej[1][2]


def test_invalid_utf8_line_is_rejected_with_its_line(con, landing):
    good = [",".join(ticket_row(i)).encode() for i in (1, 2, 4)]
    bad = ",".join(ticket_row(3, ticket_type="caf\xe9")).encode("latin-1")  # Latin-1 é
    content = b"\n".join([",".join(TICKET_COLS).encode(), good[0], good[1], bad, good[2]]) + b"\n"
    landing.write("tickets", "t.csv", content)
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok and (res.rows_loaded, res.rows_rejected) == (3, 1)
    assert _tickets(con) == {"T1": ("tickets/t.csv", 2), "T2": ("tickets/t.csv", 3), "T4": ("tickets/t.csv", 5)}
    [(_, line, reason, raw)] = _rejects(con)
    assert line == 4 and "UTF-8" in reason and raw.startswith("T3,")


def test_unterminated_quote_rejects_its_line_and_the_rest_still_loads(con, landing):
    rows = [ticket_row(1), ticket_row(2, ticket_type='"never closed'), ticket_row(3), ticket_row(4)]
    landing.csv("tickets", "t.csv", rows)
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok and (res.rows_loaded, res.rows_rejected) == (3, 1)
    assert _tickets(con) == {"T1": ("tickets/t.csv", 2), "T3": ("tickets/t.csv", 4), "T4": ("tickets/t.csv", 5)}
    [(_, line, reason, raw)] = _rejects(con)
    assert line == 3 and "unterminated" in reason and raw == ",".join(rows[1])


def test_unterminated_quote_in_gzip_and_several_errors_in_one_file(con, landing):
    rows = [
        ticket_row(1), ticket_row(2, channel='"oops'), ticket_row(3)[:3], ticket_row(4),
        ticket_row(5, channel='"again'), ticket_row(6),
    ]
    text = ",".join(TICKET_COLS) + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
    with gzip.open(landing.path("tickets", "t.csv.gz"), "wb") as fh:
        fh.write(text.encode())
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok, res.error
    assert _tickets(con) == {"T1": ("tickets/t.csv.gz", 2), "T4": ("tickets/t.csv.gz", 5), "T6": ("tickets/t.csv.gz", 7)}
    assert [r[1] for r in _rejects(con)] == [3, 4, 6]


def test_too_many_unterminated_quotes_reject_the_rest_explicitly(con, landing, monkeypatch):
    monkeypatch.setattr(load, "_MAX_RECOVERIES", 2)
    rows = [ticket_row(i, channel='"bad' if i % 2 == 0 else "email") for i in range(1, 10)]
    landing.csv("tickets", "t.csv", rows)
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok
    assert sorted(_tickets(con)) == ["T1", "T3", "T5"]  # T7, T9 come after the give-up point
    rej = _rejects(con)
    assert [r[1] for r in rej] == [3, 5, 7, 8]
    assert rej[-1][2].startswith("not parsed: more than 2 unterminated quotes") and rej[-1][3] is None


def test_blank_lines_count_as_lines(con, landing):
    text = ",".join(TICKET_COLS) + "\n" + ",".join(ticket_row(1)) + "\n\n" + ",".join(ticket_row(2)) + "\n\n\n"
    text += ",".join(ticket_row(3))[:10] + "\n" + ",".join(ticket_row(4)) + "\n\n"
    landing.write("tickets", "t.csv", text)
    res = load.load_entity(con, landing.root, "tickets")
    assert (res.rows_loaded, res.rows_rejected) == (3, 1)
    assert _tickets(con) == {"T1": ("tickets/t.csv", 2), "T2": ("tickets/t.csv", 4), "T4": ("tickets/t.csv", 8)}
    assert [r[1] for r in _rejects(con)] == [7]


def test_multi_line_value_counts_as_one_line(con, landing):
    """Documented convention (DuckDB's): a record is one line even if a quoted value spans lines."""
    rows = [ticket_row(1, ticket_type='"a\nb"'), ticket_row(2)[:2], ticket_row(3)]
    landing.csv("tickets", "t.csv", rows)
    load.load_entity(con, landing.root, "tickets")
    assert _tickets(con) == {"T1": ("tickets/t.csv", 2), "T3": ("tickets/t.csv", 4)}
    assert [r[1] for r in _rejects(con)] == [3]


# ------------------------------------------------------------------------ contract violations


def test_missing_required_column_quarantines_that_file_only(con, landing):
    landing.csv("tickets", "tickets_2026-10-29.csv", [ticket_row(1)])
    load.load_all(con, landing.root)

    no_priority = [c for c in TICKET_COLS if c != "priority"]
    landing.csv("tickets", "tickets_2026-10-30.csv", [ticket_row(2)])  # good file, same entity, same night
    bad = landing.csv(
        "tickets", "tickets_2026-10-31.csv",
        [[v for c, v in zip(TICKET_COLS, ticket_row(3), strict=True) if c != "priority"]], header=no_priority,
    )
    landing.csv("customers", "c.csv", [customer_row(1)])

    results = load.load_all(con, landing.root)
    t = results["tickets"]
    assert t.ok and t.error is None
    assert t.files_quarantined == {
        "tickets/tickets_2026-10-31.csv":
            "tickets: landing/tickets/tickets_2026-10-31.csv is missing required column 'priority'"
    }
    # The entity's other file loads; nothing of the quarantined one does.
    assert t.files_loaded == ["tickets/tickets_2026-10-30.csv"] and t.rows_loaded == 1
    assert sorted(_tickets(con)) == ["T1", "T2"]
    assert results["customers"].ok and results["customers"].rows_loaded == 1
    assert _rows(con, "select file_path, status, rows_loaded from raw._loaded_files where status = 'quarantined'") == [
        ("tickets/tickets_2026-10-31.csv", "quarantined", 0)
    ]
    load.raise_for_errors(results)  # a quarantine is no error

    # The same files again change nothing; a fixed copy under a new name loads.
    snap = _snapshot(con)
    again = load.load_all(con, landing.root)
    assert _snapshot(con) == snap and again["tickets"].files_quarantined == {}
    assert load.pending_files(con, landing.root) == {}
    landing.csv("tickets", "tickets_2026-10-31_fixed.csv", [ticket_row(3)])
    fixed = load.load_entity(con, landing.root, "tickets")
    assert fixed.files_loaded == ["tickets/tickets_2026-10-31_fixed.csv"] and fixed.files_quarantined == {}
    assert sorted(_tickets(con)) == ["T1", "T2", "T3"]
    assert bad.exists()  # quarantine is a record, the file stays where it was


def test_truncated_gzip_is_quarantined_whole_and_the_rest_loads(con, landing):
    rows = "".join(",".join(ticket_row(i)) + "\n" for i in range(1, 5001))
    whole = gzip.compress((",".join(TICKET_COLS) + "\n" + rows).encode())
    landing.write("tickets", "a_truncated.csv.gz", whole[: len(whole) // 2])  # its first rows still decompress
    landing.csv("tickets", "b_good.csv", [ticket_row(9001)])
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok and res.files_loaded == ["tickets/b_good.csv"]
    reason = res.files_quarantined["tickets/a_truncated.csv.gz"]
    assert reason.startswith("tickets: landing/tickets/a_truncated.csv.gz is unreadable:") and "gzip" in reason.lower()
    # never loaded half: no row of the truncated file, no reject from it either
    assert _tickets(con) == {"T9001": ("tickets/b_good.csv", 2)}
    assert _rejects(con) == []
    assert load.load_entity(con, landing.root, "tickets").files_quarantined == {}  # not re-tried


def test_several_missing_columns_are_all_named(con, landing):
    header = [c for c in TICKET_COLS if c not in ("priority", "status")]
    landing.csv("tickets", "t.csv", [["x"] * len(header)], header=header)
    res = load.load_entity(con, landing.root, "tickets")
    reason = res.files_quarantined["tickets/t.csv"]
    assert "missing required column 'priority'" in reason and "'status'" in reason


def test_wrong_delimiter_becomes_a_missing_column_error(con, landing):
    # Tab inside the header words only: the sniffed delimiter leaves required columns missing.
    landing.write("tickets", "t.csv", "ticket id\tcustomer\n1\t2\n")
    res = load.load_entity(con, landing.root, "tickets")
    assert "landing/tickets/t.csv is missing required column 'ticket_id'" in res.files_quarantined["tickets/t.csv"]


def test_binary_garbage_and_corrupt_parquet_are_unreadable(con, landing):
    landing.write("tickets", "garbage.csv", bytes(range(256)) * 40)
    landing.write("customers", "broken.parquet", b"PAR1" + os.urandom(300))
    results = load.load_all(con, landing.root)
    for entity, name in (("tickets", "garbage.csv"), ("customers", "broken.parquet")):
        r = results[entity]
        assert r.ok and f"landing/{entity}/{name} is unreadable" in r.files_quarantined[f"{entity}/{name}"]
    assert _rows(con, "select count(*) from raw.tickets") == [(0,)]
    assert _rows(con, "select count(*) from raw.customers") == [(0,)]


def test_an_unreadable_landing_file_is_the_machines_problem_not_quarantined(con, landing, monkeypatch):
    landing.csv("tickets", "t.csv", [ticket_row(1)])

    def denied(*_a, **_k):
        raise PermissionError(13, "Permission denied", str(landing.root / "tickets" / "t.csv"))

    monkeypatch.setattr(files, "scan", denied)
    monkeypatch.setattr(files, "open_text_head", denied)
    with pytest.raises(PermissionError):
        load.load_entity(con, landing.root, "tickets")
    assert _rows(con, "select count(*) from raw._loaded_files") == [(0,)]  # still pending, not quarantined


def test_load_entity_rejects_unknown_entity(con, landing):
    with pytest.raises(ValueError):
        load.load_entity(con, landing.root, "nope")


# ---------------------------------------------------------------------------------- empty files


def test_empty_and_header_only_files_load_zero_rows_with_a_note(con, landing):
    landing.write("tickets", "empty.csv", b"")
    landing.csv("tickets", "header_only.csv", [])
    landing.write("customers", "empty.jsonl", b"")
    results = load.load_all(con, landing.root)
    t = results["tickets"]
    assert t.ok and t.rows_loaded == 0 and sorted(t.files_loaded) == ["tickets/empty.csv", "tickets/header_only.csv"]
    assert any("0-byte" in n for n in t.notes) and any("header only" in n for n in t.notes)
    assert results["customers"].ok
    statuses = dict(_rows(con, "select file_path, status from raw._loaded_files"))
    assert statuses == {
        "tickets/empty.csv": "empty", "tickets/header_only.csv": "empty", "customers/empty.jsonl": "empty",
    }
    assert load.pending_files(con, landing.root) == {}


# ------------------------------------------------------------------------------ JSON and Parquet


def test_jsonl_loads_with_line_numbers_and_rejects_bad_records(con, landing):
    recs = [
        dict(zip(TICKET_COLS, ticket_row(1), strict=True)) | {"tags": ["a", "b"], "score": 1.50, "vip": True},
        None,  # blank line
        dict(zip(TICKET_COLS, ticket_row(2), strict=True)) | {"assignee_id": None},
    ]
    lines = [json.dumps(r) if r is not None else "" for r in recs]
    lines.append('{"ticket_id": "T3", "customer_id": ')  # truncated
    lines.append("[1, 2]")  # not an object
    lines.append(json.dumps({k.upper(): v for k, v in zip(TICKET_COLS, ticket_row(4), strict=True)}))
    landing.write("tickets", "t.jsonl", "\n".join(lines) + "\n")
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok, res.error
    assert (res.rows_loaded, res.rows_rejected) == (3, 2)
    assert _tickets(con) == {"T1": ("tickets/t.jsonl", 1), "T2": ("tickets/t.jsonl", 3), "T4": ("tickets/t.jsonl", 6)}
    got = _rows(con, "select tags, score, vip, assignee_id from raw.tickets order by _source_line")
    assert got == [('["a","b"]', "1.5", "true", "A1"), (None, None, None, None), (None, None, None, "A1")]
    assert [(r[1], r[2].split(":")[0]) for r in _rejects(con)] == [(4, "invalid JSON"), (5, "not a JSON object")]


def test_json_array_file_loads_with_record_numbers(con, landing):
    recs = [dict(zip(TICKET_COLS, ticket_row(i), strict=True)) for i in (1, 2)]
    landing.write("tickets", "t.json", json.dumps(recs, indent=2))
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok and res.rows_loaded == 2
    assert _tickets(con) == {"T1": ("tickets/t.json", 1), "T2": ("tickets/t.json", 2)}


def test_jsonl_missing_required_key_everywhere_is_quarantined(con, landing):
    rec = {k: v for k, v in zip(TICKET_COLS, ticket_row(1), strict=True) if k != "status"}
    landing.write("tickets", "t.ndjson", json.dumps(rec) + "\n")
    res = load.load_entity(con, landing.root, "tickets")
    assert "missing required column 'status'" in res.files_quarantined["tickets/t.ndjson"]


def test_parquet_loads_typed_values_as_text(con, landing, tmp_path):
    p = landing.path("tickets", "t.parquet")
    duckdb.connect().execute(
        f"""copy (select 'T' || i as ticket_id, 'C1' as customer_id, 'chat' as channel, 'billing' as ticket_type,
                  'high' as priority, 'open' as status, null::varchar as assignee_id,
                  timestamp '2026-10-01 08:00:00' + to_minutes(i) as created_at,
                  timestamptz '2026-10-01 10:00:00+02' as updated_at,
                  i * 2 as n, i % 2 = 0 as flag, date '2026-10-01' as d
            from range(1, 4) t(i)) to '{p}' (format parquet)"""
    )
    res = load.load_entity(con, landing.root, "tickets")
    assert res.ok, res.error
    got = _rows(con, "select ticket_id, created_at, updated_at, n, flag, d, assignee_id, _source_line "
                     "from raw.tickets order by _source_line")
    assert got[0] == ("T1", "2026-10-01T08:01:00", "2026-10-01T08:00:00Z", "2", "false", "2026-10-01", None, 1)
    assert [g[7] for g in got] == [1, 2, 3]


def test_parquet_missing_required_column_is_quarantined(con, landing):
    p = landing.path("tickets", "t.parquet")
    duckdb.connect().execute(f"copy (select 'T1' as ticket_id) to '{p}' (format parquet)")
    res = load.load_entity(con, landing.root, "tickets")
    assert "missing required column 'customer_id'" in res.files_quarantined["tickets/t.parquet"]


# ------------------------------------------------------------------------------- pending files


def test_pending_files_lists_new_files_only(con, landing, warehouse_path):
    a = landing.csv("tickets", "a.csv", [ticket_row(1)])
    landing.write("tickets", "_bad_rows.json", "{}")
    landing.write("tickets", ".partial.csv", "x")
    landing.write("tickets", "notes.txt", "ignored")
    landing.csv("tickets", "_archive/old.csv", [ticket_row(9)])
    landing.write("_meta", "x.csv", "a,b\n")
    landing.csv("customers", "c.jsonl", [])
    landing.write("not_an_entity", "x.csv", "a\n1\n")

    # Read-only view on a database that has no raw tables yet.
    assert load.pending_files(con, landing.root) == {"customers": [landing.path("customers", "c.jsonl")],
                                                     "tickets": [a]}
    load.load_entity(con, landing.root, "tickets")
    b = landing.csv("tickets", "b.csv", [ticket_row(2)])
    assert load.pending_files(con, landing.root) == {"customers": [landing.path("customers", "c.jsonl")],
                                                     "tickets": [b]}
    load.load_all(con, landing.root)
    assert load.pending_files(con, landing.root) == {}


def test_connect_applies_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("SW_DUCKDB_MEMORY_LIMIT", "512MB")
    monkeypatch.setenv("SW_DUCKDB_THREADS", "3")
    c = load.connect(tmp_path / "sub" / "w.duckdb")
    try:
        assert c.execute("select current_setting('threads')").fetchone()[0] == 3
        assert c.execute("select current_setting('TimeZone')").fetchone()[0] == "UTC"
        limit = c.execute("select current_setting('memory_limit')").fetchone()[0]
        assert limit.replace(" ", "").upper().startswith(("488", "512", "500"))
    finally:
        c.close()



def test_side_by_side_loads_equal_one_at_a_time(landing, tmp_path, monkeypatch):
    """load_all runs two entities at once on cursors of their own: same rows, lines and rejects
    as loading them one after the other, and every file recorded once."""
    landing.csv("tickets", "t1.csv", [ticket_row(i) for i in range(300)])
    landing.csv("tickets", "t2.csv", [ticket_row(i, status="solved") for i in range(200, 400)])
    landing.write("customers", "c.csv", "customer_id,name,email,tier,country,created_at,churned_at\n"
                  + "\n".join(",".join(customer_row(i)) for i in range(40)) + '\nC99,"unterminated,x\n')
    landing.csv("ticket_messages", "m.csv", [], header=list(ENTITIES["ticket_messages"].required))
    snaps = []
    for workers in ("1", "2"):
        monkeypatch.setenv("SW_DUCKDB_THREADS", workers)
        c = load.connect(tmp_path / f"w{workers}.duckdb")
        try:
            results = load.load_all(c, landing.root, load_id="L1")
            assert results["tickets"].rows_loaded == 500 and results["customers"].rows_loaded == 40
            assert list(results) == list(LANDING_TABLES)
            snaps.append((_snapshot(c), _rejects(c, "customers"),
                          _rows(c, "select file_path, entity, rows_loaded, status from raw._loaded_files order by 1")))
        finally:
            c.close()
    assert snaps[0] == snaps[1]
    assert len(snaps[0][1]) == 1  # the unterminated quote, kept as a reject
