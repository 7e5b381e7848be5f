"""Reliability (issue 7): bad input end to end, idempotent nights, safe publishing for BI readers.

Every test runs against its own folder under pytest's tmp_path, through the environment variables
SW_WAREHOUSE_PATH / SW_PUBLISH_DIR / SW_LANDING_DIR / DAGSTER_HOME / SW_DBT_TARGET_PATH (dbt's own
DBT_TARGET_PATH / DBT_LOG_PATH too): nothing touches data/ or target/ of the repository. The
warehouse path is the worker's stable link to that folder (tests/nights.py: dbt parses once).

One "golden" night is built once per module with the real night (the Dagster job nightly_refresh:
load, dbt build, publish as its last step):
a clean first night plus a second night holding one file per bad-input class of docs/input_contract.md, each next
to good rows. The bad-input tests read that night; the tests that change state (missing column,
injected failure, re-runs, concurrent readers, Dagster) work on a copy of it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from support_warehouse import config
from support_warehouse import publish as publish_mod
from support_warehouse.contract import ENTITIES
from support_warehouse.publish import EMAIL_REGEX, PiiError, PublishError, parquet_source, publish
from support_warehouse.night import NightReport
from support_warehouse.summary import format_report
from tests.nights import Night, NightStage, night_refresh, write_file, write_first_night

EMAIL = re.compile(EMAIL_REGEX)
# Column names that would carry customer names, emails or free-text comments in clear. Masked or
# derived columns (email_hash, customer_name_hash, has_comment) are fine; so are agents' names
# (operational data on agent dashboards) and names of things (day_name, product_name).
PII_COLUMNS = re.compile(
    r"^(?!has_|is_)((customer_|contact_|requester_)?(name|full_name|first_name|last_name)"
    r"|.*e_?mail(_address)?|.*comments?|.*phone(_number)?)$"
)
ALLOWED_COLUMNS = {"agent_name"}


# ------------------------------------------------------------------------------------ dataset


def write_bad_night(landing: Path) -> None:
    """Second night: one file per bad-input class of docs/input_contract.md, each with good rows beside the bad."""
    # malformed timestamp, unknown channel, unknown status, an extra column, a key updated from the
    # first night (T2), and a key twice in the file with different payloads (T6: line 8 wins).
    write_file(landing / "tickets/tickets_2026-10-02.csv",
           "ticket_id,customer_id,channel,ticket_type,priority,status,assignee_id,created_at,updated_at,sentiment\n"
           "T5,C2,email,billing,normal,open,A1,2026-10-02T08:00:00Z,2026-10-02T08:00:00Z,calm\n"
           "T90,C2,email,billing,normal,open,A1,2026-13-45T25:00:00Z,2026-10-02T08:00:00Z,angry\n"
           "T91,C2,pigeon,billing,normal,open,A1,2026-10-02T08:00:00Z,2026-10-02T08:00:00Z,calm\n"
           "T92,C2,email,billing,normal,exploded,A1,2026-10-02T08:00:00Z,2026-10-02T08:00:00Z,calm\n"
           "T2,C2,chat,shipping,high,solved,A1,2026-10-01T09:00:00Z,2026-10-02T09:00:00Z,happy\n"
           "T6,C3,web_form,billing,low,new,,2026-10-02T09:00:00Z,2026-10-02T09:00:00Z,\n"
           "T6,C3,web_form,billing,high,new,,2026-10-02T09:00:00Z,2026-10-02T09:05:00Z,\n")
    # a message on an unknown ticket; a reply before its ticket exists (T4 created 2026-10-02T10:00)
    write_file(landing / "ticket_messages/messages_2026-10-02.csv",
           "message_id,ticket_id,author_type,author_id,is_public,created_at\n"
           "M8,T5,customer,C2,true,2026-10-02T08:00:00Z\n"
           "M90,TX404,customer,C2,true,2026-10-02T08:00:00Z\n"
           "M91,T4,agent,A2,true,2026-10-01T23:00:00Z\n")
    # a call on an unknown ticket; a negative duration
    write_file(landing / "calls/calls_2026-10-02.csv",
           "call_id,customer_id,agent_id,ticket_id,queued_at,answered_at,ended_at,hold_seconds,wrap_up_seconds\n"
           "K3,C1,A1,T1,2026-10-02T10:00:00Z,2026-10-02T10:00:20Z,2026-10-02T10:05:00Z,0,30\n"
           "K90,C1,A1,TX404,2026-10-02T10:00:00Z,2026-10-02T10:00:20Z,2026-10-02T10:05:00Z,0,30\n"
           "K91,C1,A1,,2026-10-02T11:00:00Z,2026-10-02T11:00:20Z,2026-10-02T11:05:00Z,-5,30\n")
    # a score outside its scale; a survey on an unknown ticket
    write_file(landing / "survey_responses/surveys_2026-10-02.csv",
           "response_id,survey_type,scale,customer_id,ticket_id,agent_id,sent_at,responded_at,score,comment\n"
           "S4,csat,csat_5,C2,T2,A1,2026-10-02T09:00:00Z,2026-10-02T10:00:00Z,4,\n"
           "S90,csat,csat_5,C2,T2,A1,2026-10-02T09:00:00Z,2026-10-02T10:00:00Z,7,\n"
           "S91,csat,csat_5,C2,TX404,A1,2026-10-02T09:00:00Z,2026-10-02T10:00:00Z,3,\n")
    # an empty (0-byte) file and a header-only file
    write_file(landing / "orders/orders_2026-10-02.csv", b"")
    write_file(landing / "reviews/reviews_2026-10-02_header_only.csv",
           "review_id,customer_id,order_id,marketplace,rating,created_at\n")
    # a truncated last line (the export was cut off mid-row, no final newline)
    write_file(landing / "reviews/reviews_2026-10-02.csv",
           "review_id,customer_id,order_id,marketplace,rating,created_at\n"
           "R3,C3,O2,amazon,4,2026-10-02T09:00:00Z\n"
           "R4,C3,O2,ama")
    # a whole file delimited by ';' (accepted) and one ';' line inside a ',' file (rejected)
    write_file(landing / "products/products_2026-10-02.csv", "product_id;name;category;tier;price\nP3;Gadget;gadgets;2;49.5\n")
    write_file(landing / "agent_shifts/shifts_2026-10-02.csv",
           "agent_id,shift_date,scheduled_minutes,is_leave\n"
           "A1,2026-10-03,480,false\n"
           "A2;2026-10-03;480;false\n")
    # latin-1 bytes in a UTF-8 file
    write_file(landing / "customers/customers_2026-10-02.csv",
           b"customer_id,name,email,tier,country,created_at,churned_at\n"
           + "C5,Zoë Good,zoe@example.com,premium,NL,2026-05-05T10:00:00Z,\n".encode("utf-8")
           + "C6,José Latin,jose@example.com,standard,ES,2026-05-05T10:00:00Z,\n".encode("latin-1")
           + "C7,Ugo Fine,ugo@example.com,standard,IT,2026-05-05T10:00:00Z,\n".encode("utf-8"))


def write_new_ticket(landing: Path, n: int) -> None:
    """A later night's small tickets file (new key T1000+n), so the marts change."""
    write_file(landing / f"tickets/tickets_2026-10-{10 + n:02d}.csv",
           "ticket_id,customer_id,channel,ticket_type,priority,status,assignee_id,created_at,updated_at\n"
           f"T{1000 + n},C1,email,billing,normal,open,A1,2026-10-{10 + n:02d}T08:00:00Z,2026-10-{10 + n:02d}T08:00:00Z\n")


@dataclass(frozen=True)
class BadRow:
    """Expected outcome of one bad row: where it is rejected and why."""

    entity: str
    file: str
    line: int
    key: str | None  # None: the reader could not split the line into columns
    stage: str  # load | staging | reference
    reason: str  # regex the reason must match
    good_key_in_same_file: tuple[str, str, str]  # (relation, key column, key) that still loads


BAD_ROWS = {
    "malformed_timestamp": BadRow("tickets", "tickets/tickets_2026-10-02.csv", 3, "T90", "staging",
                                  r"created_at .*not an ISO-8601 timestamp$",
                                  ("staging.stg_helpdesk__tickets", "ticket_id", "T5")),
    "unknown_channel": BadRow("tickets", "tickets/tickets_2026-10-02.csv", 4, "T91", "staging",
                              r"unknown channel", ("staging.stg_helpdesk__tickets", "ticket_id", "T5")),
    "unknown_status": BadRow("tickets", "tickets/tickets_2026-10-02.csv", 5, "T92", "staging",
                             r"unknown status$", ("staging.stg_helpdesk__tickets", "ticket_id", "T5")),
    "duplicate_key_different_payload": BadRow("tickets", "tickets/tickets_2026-10-02.csv", 7, "T6", "staging",
                                              r"duplicate key with a different payload",
                                              ("staging.stg_helpdesk__tickets", "ticket_id", "T6")),
    "score_outside_scale": BadRow("survey_responses", "survey_responses/surveys_2026-10-02.csv", 3, "S90", "staging",
                                  r"score 7 is outside the csat_5 scale",
                                  ("staging.stg_surveys__survey_responses", "response_id", "S4")),
    "message_unknown_ticket": BadRow("ticket_messages", "ticket_messages/messages_2026-10-02.csv", 3, "M90",
                                     "reference", r"unknown ticket: ticket_id is not in tickets",
                                     ("staging.stg_helpdesk__ticket_messages", "message_id", "M8")),
    "call_unknown_ticket": BadRow("calls", "calls/calls_2026-10-02.csv", 3, "K90", "reference",
                                  r"unknown ticket: ticket_id is not in tickets", ("staging.stg_telephony__calls", "call_id", "K3")),
    "survey_unknown_ticket": BadRow("survey_responses", "survey_responses/surveys_2026-10-02.csv", 4, "S91",
                                    "reference", r"unknown ticket: ticket_id is not in tickets",
                                    ("staging.stg_surveys__survey_responses", "response_id", "S4")),
    "reply_before_ticket_exists": BadRow("ticket_messages", "ticket_messages/messages_2026-10-02.csv", 4, "M91",
                                         "reference", r"before its ticket was created",
                                         ("staging.stg_helpdesk__ticket_messages", "message_id", "M8")),
    "negative_duration": BadRow("calls", "calls/calls_2026-10-02.csv", 4, "K91", "staging",
                                r"negative duration", ("staging.stg_telephony__calls", "call_id", "K3")),
    "truncated_last_line": BadRow("reviews", "reviews/reviews_2026-10-02.csv", 3, None, "load",
                                  r"wrong number of columns", ("staging.stg_commerce__reviews", "review_id", "R3")),
    "wrong_delimiter_line": BadRow("agent_shifts", "agent_shifts/shifts_2026-10-02.csv", 3, None, "load",
                                   r"wrong number of columns",
                                   ("staging.stg_workforce__agent_shifts", "cast(shift_date as varchar)", "2026-10-03")),
    "wrong_encoding": BadRow("customers", "customers/customers_2026-10-02.csv", 3, None, "load",
                             r"UTF-8", ("staging.stg_helpdesk__customers", "customer_id", "C7")),
}


@dataclass
class Golden:
    night: Night
    report: NightReport


@pytest.fixture(scope="module")
def golden(night_stage: NightStage) -> Golden:
    root = night_stage.mktemp("golden")
    with pytest.MonkeyPatch.context() as mp:
        night_stage.setenv(mp, root)
        write_first_night(root / "landing")
        write_bad_night(root / "landing")
        report = night_refresh()
    assert report.ok, format_report(report)
    assert report.publication is not None, format_report(report)
    return Golden(Night(root), report)


@pytest.fixture
def night(golden: Golden, night_stage: NightStage, monkeypatch: pytest.MonkeyPatch) -> Night:
    """A private copy of the golden night (build database, landing, publication), env pointing at it."""
    root = night_stage.mktemp("night")
    shutil.copytree(golden.night.root, root, symlinks=True, dirs_exist_ok=True)
    night_stage.setenv(monkeypatch, root)
    return Night(root)


def fingerprint(publish_dir: Path) -> dict[str, str]:
    """sha256 of every published file, and the target of every symlink (e.g. parquet -> version)."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(publish_dir):
        for name in sorted(dirnames + filenames):
            p = Path(dirpath) / name
            rel = p.relative_to(publish_dir).as_posix()
            if p.is_symlink():
                out[rel] = "-> " + os.readlink(p)
            elif p.is_file() and name != publish_mod.LOCK_FILE:
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def mart_contents(db: Path, build: bool) -> dict[str, list[tuple]]:
    """Full contents of every mart table, rows sorted: the build's (its marts file, catalog
    `marts`) or a published file's (schema main, without the publication tables)."""
    con = config.connect_build(db, read_only=True) if build else duckdb.connect(str(db), read_only=True)
    try:
        where = (
            "database_name = 'marts'"
            if build
            else "database_name = current_database() and schema_name = 'main' and not starts_with(table_name, '_')"
        )
        # published marts are views over the publication's Parquet files
        tables = [r[0] for r in con.execute(
            f"select table_name from duckdb_tables() where {where} "
            f"union select view_name as table_name from duckdb_views() where not internal and {where.replace('table_name', 'view_name')} "
            "order by 1"
        ).fetchall()]
        prefix = "marts.main." if build else ""
        return {t: con.execute(f'select * from {prefix}"{t}" order by all').fetchall() for t in tables}
    finally:
        con.close()


def kpi_table(contents: dict[str, list[tuple]]) -> str:
    """kpi_scorecard once the metrics marts exist; until then every mart is compared anyway."""
    return "kpi_scorecard" if "kpi_scorecard" in contents else sorted(contents)[0]


# ------------------------------------------------------------------------- bad input (docs/input_contract.md)


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_bad_row_is_kept_with_file_line_key_and_reason(golden: Golden, case: str) -> None:
    bad = BAD_ROWS[case]
    n = golden.night
    rows = n.query(
        """
        select record_key, reason, rejected_stage from audit.rejected_rows
        where entity = ? and source_file = ? and cast(source_line as bigint) = ?
        """,
        [bad.entity, bad.file, bad.line],
    )
    assert len(rows) == 1, f"{case}: expected one reject at {bad.file}:{bad.line}, got {rows}"
    key, reason, stage = rows[0]
    assert stage == bad.stage
    assert re.search(bad.reason, reason), reason
    if bad.key is not None:
        assert key == bad.key
    else:  # the reader's reject also sits in raw._load_rejects, with the raw text of the line
        assert n.query(
            "select count(*) from raw._load_rejects where entity = ? and source_file = ? and source_line = ?",
            [bad.entity, bad.file, bad.line],
        ) == [(1,)]

    # The good rows of the same file still load.
    relation, column, value = bad.good_key_in_same_file
    assert n.query(f"select count(*) from {relation} where {column} = ?", [value])[0][0] == 1

    # Counted in the run's report (reader or staging/reference column of that entity).
    entity = golden.report.entities[bad.entity]
    counted = entity.rejected_reader if stage == "load" else entity.rejected_staging
    assert counted and counted >= 1, format_report(golden.report)

    # And published (aggregated, for BI) in rejected_rows_summary.
    summary = n.query_published(
        f"select sum(rejected_rows) from rejected_rows_summary where entity = '{bad.entity}' "
        f"and source_file = '{bad.file}' and rejected_stage = '{bad.stage}'"
    )
    assert summary[0][0] and summary[0][0] >= 1


def test_run_summary_counts_every_reject(golden: Golden) -> None:
    n, report = golden.night, golden.report
    total = n.query("select count(*) from audit.rejected_rows")[0][0]
    assert total == len(BAD_ROWS)
    assert report.rows_rejected == total
    by_entity = dict(n.query("select entity, count(*) from audit.rejected_rows group by 1"))
    for entity, e in report.entities.items():
        assert e.rows_rejected == by_entity.get(entity, 0), entity
    text = format_report(report)
    assert "Result: OK" in text and "Published:" in text
    # dbt surfaces the rejects as a failed (warn-level) check with the count.
    assert any("rejected_rows" in t.name for t in report.dbt.warning_tests), text
    # The published marts carry the same total.
    assert n.query_published("select rejected_rows from _publication") == [(total,)]


def test_duplicate_key_across_nights_latest_wins_and_earlier_stays_queryable(golden: Golden) -> None:
    n = golden.night
    assert n.query("select status from staging.stg_helpdesk__tickets where ticket_id = 'T2'") == [("solved",)]
    versions = n.query(
        "select status, _source_file from staging.base_helpdesk__tickets where ticket_id = 'T2' order by 2"
    )
    assert versions == [("open", "tickets/tickets_2026-10-01.csv"), ("solved", "tickets/tickets_2026-10-02.csv")]
    assert n.query("select count(*) from raw.tickets where ticket_id = 'T2'") == [(2,)]
    # In-file conflict: the later line wins, the earlier one stays in raw/base (and is a reject).
    assert n.query("select priority from staging.stg_helpdesk__tickets where ticket_id = 'T6'") == [("high",)]
    assert n.query(
        "select count(*) from staging.base_helpdesk__tickets where ticket_id = 'T6' and reject_reason is not null"
    ) == [(1,)]


def test_empty_and_header_only_files_are_recorded_not_failed(golden: Golden) -> None:
    n = golden.night
    rows = dict(n.query(
        "select file_path, status || ': ' || coalesce(message, '') from raw._loaded_files "
        "where file_path in ('orders/orders_2026-10-02.csv', 'reviews/reviews_2026-10-02_header_only.csv')"
    ))
    assert rows["orders/orders_2026-10-02.csv"].startswith("empty: 0-byte file")
    assert rows["reviews/reviews_2026-10-02_header_only.csv"].startswith("empty: header only")
    assert n.query("select count(*) from raw.orders") == [(3,)]  # the earlier night's rows are intact
    notes = golden.report.entities["orders"].notes + golden.report.entities["reviews"].notes
    assert any("orders_2026-10-02.csv" in x and "0-byte" in x for x in notes), notes
    assert any("header_only" in x and "header only" in x for x in notes), notes
    assert not golden.report.load_errors


def test_semicolon_delimited_file_loads(golden: Golden) -> None:
    assert golden.night.query(
        "select product_name, category, product_tier from staging.stg_commerce__products where product_id = 'P3'"
    ) == [("Gadget", "gadgets", 2)]


def test_extra_columns_are_kept_in_raw(golden: Golden) -> None:
    n = golden.night
    assert n.query("select sentiment from raw.tickets where ticket_id = 'T90'") == [("angry",)]
    assert n.query(  # the first night's file had no such column
        "select count(*) from raw.tickets where _source_file = 'tickets/tickets_2026-10-01.csv' and sentiment is null"
    ) == [(5,)]


@dataclass
class CliNight:
    night: Night
    before: dict[str, str]  # the golden publication's fingerprint
    before_id: str
    raw_tickets: int
    code: int
    out: str
    report: NightReport
    warehouse_setting: str  # SW_WAREHOUSE_PATH during the night (through the worker's link)


@pytest.fixture(scope="module")
def cli_night(golden: Golden, night_stage: NightStage) -> CliNight:
    """One incremental night on a copy of the golden night, run as `support-warehouse refresh`:
    bad files (quarantined), unknown landing content and a good file beside them, and a later
    night's new ticket (T1003). The Dagster run's report is recorded on its way to the CLI."""
    import contextlib
    import io

    from support_warehouse import cli
    from support_warehouse.orchestration import run as run_mod

    root = night_stage.mktemp("cli_night")
    shutil.copytree(golden.night.root, root, symlinks=True, dirs_exist_ok=True)
    night = Night(root)
    reports: list[NightReport] = []
    with pytest.MonkeyPatch.context() as mp:
        night_stage.setenv(mp, root)
        before = fingerprint(night.published)
        before_id = night.query_published("select publication_id from _publication")[0][0]
        raw_tickets = night.query("select count(*) from raw.tickets")
        # A file missing a required column (status), a truncated gzip, and a good file of the same entity.
        write_file(night.landing / "tickets/tickets_2026-10-05.csv",
               "ticket_id,customer_id,channel,ticket_type,priority,assignee_id,created_at,updated_at\n"
               "T50,C1,email,billing,normal,A1,2026-10-05T08:00:00Z,2026-10-05T08:00:00Z\n")
        whole = gzip.compress(("ticket_id,customer_id,channel,ticket_type,priority,status,assignee_id,created_at,updated_at\n"
                               + "T60,C1,email,billing,normal,open,A1,2026-10-05T08:00:00Z,2026-10-05T08:00:00Z\n" * 3000).encode())
        write_file(night.landing / "tickets/tickets_2026-10-06.csv.gz", whole[: len(whole) // 2])
        write_file(night.landing / "tickets/tickets_2026-10-07.csv",
               "ticket_id,customer_id,channel,ticket_type,priority,status,assignee_id,created_at,updated_at\n"
               "T70,C1,email,billing,normal,open,A1,2026-10-07T08:00:00Z,2026-10-07T08:00:00Z\n")
        # Unknown folders and files: a typo'd entity folder, a stray file, and a typo'd connector table
        # folder (Zendesk's table is `ticket`): the `zendesk/` system folder itself is known.
        write_file(night.landing / "ticket/tickets_2026-10-08.csv", "ticket_id\nT80\n")
        write_file(night.landing / "README.txt", "drop files into the entity folders\n")
        write_file(night.landing / "zendesk/tickets/tickets.jsonl", "{}\n")
        write_new_ticket(night.landing, 3)  # T1003, the later night's new ticket
        real = run_mod.run_nightly
        mp.setattr(run_mod, "run_nightly", lambda *a, **kw: reports.append(real(*a, **kw)) or reports[-1])
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli.main(["refresh"])
        setting = os.environ["SW_WAREHOUSE_PATH"]
    assert len(reports) == 1
    return CliNight(night, before, before_id, raw_tickets[0][0], code, out.getvalue(), reports[0], setting)


def test_bad_files_are_quarantined_unknown_folders_reported_and_the_night_publishes(cli_night: CliNight) -> None:
    night, report, before = cli_night.night, cli_night.report, cli_night.before
    assert report.ok and report.exit_code == 0, format_report(report)
    t = report.entities["tickets"]
    assert t.error is None and t.rows_loaded == 2
    assert sorted(t.files_loaded) == ["tickets/tickets_2026-10-07.csv", "tickets/tickets_2026-10-13.csv"]
    assert sorted(t.files_quarantined) == ["tickets/tickets_2026-10-05.csv", "tickets/tickets_2026-10-06.csv.gz"]
    assert "missing required column 'status'" in t.files_quarantined["tickets/tickets_2026-10-05.csv"]
    assert "is unreadable" in t.files_quarantined["tickets/tickets_2026-10-06.csv.gz"]
    # never loaded half: only the good files' rows (T70, T1003) are new
    assert night.query("select count(*) from raw.tickets") == [(cli_night.raw_tickets + 2,)]
    assert night.query(
        "select file_path, status, rows_loaded from raw._loaded_files where status = 'quarantined' order by 1"
    ) == [("tickets/tickets_2026-10-05.csv", "quarantined", 0), ("tickets/tickets_2026-10-06.csv.gz", "quarantined", 0)]
    # The night published, with the good file's ticket in it.
    assert report.publication is not None and fingerprint(night.published) != before
    con = duckdb.connect(str(night.published / "marts.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from fct_tickets where ticket_id in ('T50', 'T60', 'T70')").fetchall() == [(1,)]
    finally:
        con.close()
    # Warnings: the load check names both files, the landing check the unknown folder and file.
    assert report.landing_problems == ["not loaded, unknown in the landing folder: ticket/, zendesk/tickets/, README.txt"]
    text = format_report(report)
    first, last = text.splitlines()[0], text.splitlines()[-1]
    assert first.endswith(": OK") and last == "Result: OK (3 warning(s) above)"
    assert "Quarantined files" in text and "tickets_2026-10-06.csv.gz" in text and "ticket/, zendesk/tickets/, README.txt" in text
    tickets_line = next(line for line in text.splitlines() if line.startswith("tickets "))
    assert tickets_line.endswith("loaded, 2 quarantined")


# ------------------------------------------------------- re-running a night, with readers reading


READER = textwrap.dedent(
    """
    import json, os, sys, time
    import duckdb

    pub, out, stop = sys.argv[1], sys.argv[2], sys.argv[3]
    reads, errors, seen = 0, [], []
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(os.path.join(pub, "marts.duckdb"), read_only=True)
            try:
                pid = con.execute("select publication_id from _publication").fetchone()[0]
                manifest = con.execute(
                    "select table_name, row_count, content_checksum from _publication_tables "
                    "where publication_id = ?", [pid]).fetchall()
                if not manifest:
                    errors.append(f"{pid}: empty manifest")
                for table, count, checksum in manifest:
                    got = con.execute(
                        f'select count(*), coalesce(sum(hash(t)::hugeint), 0)::varchar from "{table}" as t'
                    ).fetchone()
                    if (got[0], got[1]) != (count, checksum):
                        errors.append(f"{pid}: {table} has {got}, manifest says {(count, checksum)}")
            finally:
                con.close()
            # Parquet readers resolve the link once, then read one complete version.
            version = os.path.realpath(os.path.join(pub, "parquet"))
            with open(os.path.join(version, "_publication.json")) as fh:
                pmanifest = json.load(fh)
            for t in pmanifest["tables"]:
                # a partitioned mart is a folder of month folders (support_warehouse.publish)
                path = os.path.join(version, t["table_name"], "*", "*.parquet") if t.get("partition_by") else (
                    os.path.join(version, t["table_name"] + ".parquet"))
                n = duckdb.sql(f"select count(*) from read_parquet('{path}')").fetchall()[0][0]
                if n != t["row_count"]:
                    errors.append(f"parquet {pmanifest['publication_id']}: {t['table_name']} {n} != {t['row_count']}")
            reads += 1
            if not seen or seen[-1] != pid:
                seen.append(pid)
            time.sleep(0.2)  # leave the 2 CPUs of a CI box to the night being built
        except Exception as e:  # any error is a failure of the publishing design
            errors.append(repr(e))
    with open(out, "w") as fh:
        json.dump({"reads": reads, "errors": errors, "seen": seen}, fh)
    """
)




@dataclass
class Rerun:
    night: Night
    before_build: dict[str, list[tuple]]
    before_published: dict[str, list[tuple]]
    raw_before: list[tuple]
    report: NightReport
    publications: list[str]
    reader: dict


@pytest.fixture(scope="module")
def rerun(golden: Golden, night_stage: NightStage, tmp_path_factory: pytest.TempPathFactory) -> Rerun:
    """A copy of the golden night, re-run: every landing file dropped again under a new name, one
    refresh (load + dbt build + publish) and then a few more publications, all while a reader
    process keeps querying the published marts."""
    root = night_stage.mktemp("rerun")
    shutil.copytree(golden.night.root, root, symlinks=True, dirs_exist_ok=True)
    work = tmp_path_factory.mktemp("rerun")
    n = Night(root)
    with pytest.MonkeyPatch.context() as mp:
        night_stage.setenv(mp, root)
        before_build = mart_contents(n.warehouse, build=True)
        before_published = mart_contents(n.published / "marts.duckdb", build=False)
        raw_before = n.query("select count(*) from raw.tickets union all select count(*) from raw._load_rejects")
        for f in sorted(n.landing.rglob("*.csv")):  # the same extracts, re-sent under other names
            shutil.copy(f, f.with_name("resent_" + f.name))

        script, out, stop = work / "reader.py", work / "reader.json", work / "stop"
        script.write_text(READER)
        reader = subprocess.Popen([sys.executable, str(script), str(n.published), str(out), str(stop)])
        publications: list[str] = []
        try:
            time.sleep(1.0)
            report = night_refresh()
            if report.publication is not None:
                publications.append(report.publication.publication_id)
                for _ in range(8):  # more swaps while the reader reads
                    publications.append(publish(n.warehouse, n.published).publication_id)
            time.sleep(0.5)
        finally:
            stop.touch()
            reader.wait(timeout=120)
    return Rerun(n, before_build, before_published, raw_before, report, publications, json.loads(out.read_text()))


def test_reloading_the_same_files_and_rerunning_changes_nothing(rerun: Rerun) -> None:
    n, report = rerun.night, rerun.report
    assert report.ok, format_report(report)
    assert report.rows_loaded == 0 and report.rows_rejected == 0
    assert not any(e.files_loaded for e in report.entities.values())
    assert all(e.files_skipped for name, e in report.entities.items() if name in ENTITIES)
    assert n.query("select count(*) from raw.tickets union all select count(*) from raw._load_rejects") == rerun.raw_before
    assert mart_contents(n.warehouse, build=True) == rerun.before_build
    after = mart_contents(n.published / "marts.duckdb", build=False)
    table = kpi_table(rerun.before_published)
    assert after[table] == rerun.before_published[table]  # full contents, row for row
    assert after == rerun.before_published


def test_concurrent_readers_always_see_one_complete_night(rerun: Rerun) -> None:
    result = rerun.reader
    print(f"reader: {result['reads']} reads, {len(result['seen'])} publications seen")
    assert len(rerun.publications) == 9, format_report(rerun.report)
    assert result["errors"] == []
    assert result["reads"] >= 20
    assert len(result["seen"]) >= 3  # it read across several swaps ...
    assert result["seen"][-1] == rerun.publications[-1]  # ... and ended on the last night
    assert set(result["seen"][1:]) <= set(rerun.publications)


# -------------------------------------------------------------------------- publishing safety


def test_publish_refuses_a_build_with_failed_nodes(night: Night, tmp_path: Path) -> None:
    before = fingerprint(night.published)
    run_results = tmp_path / "run_results.json"
    run_results.write_text(json.dumps({"results": [
        {"unique_id": "model.support_warehouse.fct_tickets", "status": "success"},
        {"unique_id": "test.support_warehouse.fct_tickets_column_rules.5b1c2d3e4f", "status": "fail"},
    ]}))
    with pytest.raises(PublishError, match="fct_tickets_column_rules.5b1c2d3e4f: fail"):
        publish(night.warehouse, night.published, run_results=run_results)
    assert fingerprint(night.published) == before


def test_pii_in_a_mart_is_refused_and_nothing_changes(night: Night) -> None:
    before = fingerprint(night.published)
    con = config.connect_build(night.warehouse)
    con.execute("create table marts.leaky_contacts as select 'C1' as customer_id, 'reach me: alice@example.com' as note")
    con.close()
    with pytest.raises(PiiError, match=r"leaky_contacts\.note"):
        publish(night.warehouse, night.published)
    con = config.connect_build(night.warehouse)
    con.execute("drop table marts.leaky_contacts")
    con.execute("create table marts.leaky_names as select 'Chen Sample' as label, 'x' as customer_name")
    con.close()
    with pytest.raises(PiiError) as err:
        publish(night.warehouse, night.published)
    assert any("leaky_names.customer_name" in f for f in err.value.findings)
    assert any("leaky_names.label" in f and "customer name" in f for f in err.value.findings)
    assert fingerprint(night.published) == before
    assert not [p for p in night.published.iterdir() if ".tmp" in p.name]
    # Parquet files written beside the guard went with the refused publication's folder.
    assert not [p for p in (night.published / "parquet_versions").iterdir() if ".tmp" in p.name]


def test_pii_guard_counts_distinct_offending_values_per_column() -> None:
    """The guard's findings on a small build: each column's distinct offending values, duplicates
    counted once, surrounding spaces ignored, agent names allowed, masked emails not flagged."""
    con = duckdb.connect()
    try:
        con.execute("attach ':memory:' as build")
        con.execute("attach ':memory:' as pub")
        con.execute("create schema build.raw")
        con.execute("create table build.raw.customers as select * from (values "
                    "('Chen Sample', 'chen@example.com'), ('Ada Lovelace', 'ada@example.org')) as t(name, email)")
        con.execute("create table pub.main.replies as select * from (values "
                    "('T1', 'mail me at bob@example.net', 'Ada Lovelace'), "
                    "('T2', 'mail me at bob@example.net', 'Ada Lovelace'), "
                    "('T3', 'or carol@example.com', 'Chen Sample'), "
                    "('T4', '***@example.com', 'Someone Else')) as t(ticket_id, note, agent_name)")
        con.execute("create table pub.main.contacts as select * from (values "
                    "('C1', ' Chen Sample '), ('C2', 'Chen Sample'), ('C3', 'Ada Lovelace'), ('C4', 'plain')) "
                    "as t(customer_id, label)")
        findings = publish_mod._pii_findings(con, ["replies", "contacts"])
    finally:
        con.close()
    assert sorted(findings) == [
        "contacts.label: 3 distinct value(s) equal a customer name, email or comment",
        "replies.note: 2 distinct value(s) look like an email address",
    ]


def test_published_marts_hold_no_pii(golden: Golden) -> None:
    n = golden.night
    db = n.published / "marts.duckdb"
    known = {v for (v,) in n.query(
        "select name from raw.customers union select email from raw.customers "
        "union select email from raw.agents union select comment from raw.survey_responses"
    ) if v}
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "select table_name, column_name, data_type from duckdb_columns() where database_name = current_database()"
        ).fetchall()
        assert columns
        for table, column, dtype in columns:
            assert column in ALLOWED_COLUMNS or not PII_COLUMNS.search(column.lower()), f"{table}.{column}"
            if dtype == "VARCHAR":
                values = {v for (v,) in con.execute(f'select distinct "{column}" from "{table}"').fetchall() if v}
                assert not [v for v in values if EMAIL.search(v)], f"{table}.{column}"
                assert not values & known, f"{table}.{column}: {values & known}"
    finally:
        con.close()
    # The Parquet copies are the same tables.
    for f in (n.published / "parquet").rglob("*.parquet"):
        cols = [r[0] for r in duckdb.sql(f"describe select * from read_parquet('{f}')").fetchall()]
        assert not [c for c in cols if c not in ALLOWED_COLUMNS and PII_COLUMNS.search(c.lower())], f


def test_publication_layout_and_read_only_access(golden: Golden) -> None:
    pub = golden.night.published
    manifest = json.loads((pub / "publication.json").read_text())
    link = pub / "parquet"
    assert link.is_symlink() and link.resolve() == Path(manifest["parquet_dir"])
    assert oct((pub / "marts.duckdb").stat().st_mode & 0o777) == "0o444"
    con = duckdb.connect(str(pub / "marts.duckdb"), read_only=True)
    try:
        marts = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = current_database()"
        ).fetchall()}
        build_marts = {r[0] for r in golden.night.query(
            "select table_name from duckdb_tables() where database_name = 'marts'")}
        assert build_marts <= marts
        t = sorted(build_marts)[0]
        # BI users write `select * from <mart>`; `marts.<mart>` (the build's name) works too.
        assert con.execute(f'select count(*) from "{t}"').fetchone() == con.execute(f'select count(*) from marts."{t}"').fetchone()
        with pytest.raises(duckdb.Error):
            con.execute(f'delete from "{t}"')
        pid = con.execute("select publication_id from _publication").fetchone()[0]
        assert pid == manifest["publication_id"]
        counts = dict(con.execute("select table_name, row_count from _publication_tables").fetchall())
    finally:
        con.close()
    for table, count in counts.items():
        assert duckdb.sql(f"select count(*) from {parquet_source(link, table)}").fetchall()[0][0] == count


def test_publish_swaps_atomically_for_open_readers(night: Night) -> None:
    db = night.published / "marts.duckdb"
    old = duckdb.connect(str(db), read_only=True)
    old_id = old.execute("select publication_id from _publication").fetchone()[0]
    old_version = (night.published / "parquet").resolve()
    try:
        result = publish(night.warehouse, night.published, keep_versions=2)
        # The reader that had the old file open still reads the old, complete night ...
        assert old.execute("select publication_id from _publication").fetchone()[0] == old_id
        assert old.execute("select count(*) from _publication_tables").fetchone()[0] > 0
    finally:
        old.close()
    # ... new readers get the new one, and the Parquet link moved with it.
    new = duckdb.connect(str(db), read_only=True)
    try:
        assert new.execute("select publication_id from _publication").fetchone()[0] == result.publication_id != old_id
    finally:
        new.close()
    assert (night.published / "parquet").resolve() == result.parquet_version_dir.resolve() != old_version
    assert old_version.is_dir()  # kept for readers that resolved the old link
    publish(night.warehouse, night.published, keep_versions=2)
    assert not old_version.exists()  # pruned beyond keep_versions
    assert len(list((night.published / "parquet_versions").iterdir())) == 2


def test_unchanged_tables_reuse_their_parquet_file_changed_ones_are_rewritten(night: Night) -> None:
    first = publish(night.warehouse, night.published)
    con = config.connect_build(night.warehouse)
    try:
        # One mart loses a row, one keeps its rows but renames a column, the rest stay as they were.
        # its part: 'open' while not solved, else its created month (support_warehouse.publish)
        month = con.execute(
            "select case when not is_currently_solved then 'open' else strftime(created_date, '%Y-%m') end "
            "from marts.fct_tickets order by ticket_id limit 1"
        ).fetchone()[0]
        con.execute("delete from marts.fct_tickets where ticket_id = (select min(ticket_id) from marts.fct_tickets)")
        con.execute("alter table marts.dim_calendar rename column date_day to calendar_day")
        tickets_left = con.execute("select count(*) from marts.fct_tickets").fetchone()[0]
    finally:
        con.close()
    second = publish(night.warehouse, night.published)

    def inodes(result, table: str) -> dict[str, int]:
        """A table's files (a partitioned mart's month files) -> inode."""
        folder = result.parquet_version_dir
        files = [folder / f"{table}.parquet"] if (folder / f"{table}.parquet").is_file() else (folder / table).glob("*/*")
        return {str(f.relative_to(folder)): f.stat().st_ino for f in files}

    assert second.tables["fct_tickets"] == first.tables["fct_tickets"] - 1 == tickets_left
    changed = f"fct_tickets/created_month={month}/data_0.parquet"  # rewritten, or gone with its only ticket
    rewritten = {"dim_calendar", "_publication", "_publication_tables", changed}
    for table in [*first.tables, "_publication", "_publication_tables"]:
        before, after = inodes(first, table), inodes(second, table)
        assert before.keys() - {changed} == after.keys() - {changed}, table
        for f in after:
            assert (before.get(f) == after[f]) == (f not in rewritten and table not in rewritten), f
    # fct_tickets is published by month: one of its files is new, the others are links
    assert len(inodes(second, "fct_tickets")) > 1
    # The PII guard scanned the values of the two changed tables only (the first publication came
    # after the golden night's, from the same build: nothing to scan, not even the known values).
    assert json.loads((first.parquet_version_dir / "_publication.json").read_text())["pii_scanned"] == []
    assert "pii_known_values" not in first.phase_seconds
    assert sorted(json.loads((second.parquet_version_dir / "_publication.json").read_text())["pii_scanned"]) == [
        "dim_calendar",
        "fct_tickets",
    ]
    assert json.loads((second.parquet_version_dir / "_publication.json").read_text())["pii_scanned_partitions"] == {
        "fct_tickets": [month]
    }
    # Every file of the new version, linked or written, holds that publication's table.
    con = duckdb.connect(str(second.db_path), read_only=True)
    try:
        for table in [*second.tables, "_publication"]:
            f = parquet_source(second.parquet_version_dir, table)
            assert con.execute(
                f"select count(*) from (select * from {f} except all select * from \"{table}\")"
            ).fetchone()[0] == 0, table
            assert con.execute(f"select count(*) from {f}").fetchone() == con.execute(
                f'select count(*) from "{table}"'
            ).fetchone(), table
        assert "calendar_day" in [r[0] for r in con.execute(
            f"describe select * from read_parquet('{second.parquet_version_dir / 'dim_calendar.parquet'}')"
        ).fetchall()]
    finally:
        con.close()


def test_refresh_failing_midway_leaves_the_publication_byte_identical(
    night: Night, night_stage: NightStage, monkeypatch
) -> None:
    before = fingerprint(night.published)
    write_new_ticket(night.landing, 1)  # the night loads new data ...
    monkeypatch.setenv("SW_REPORTING_TZ", "Mars/Olympus_Mons")  # ... and dbt fails in the marts
    # another dbt var: dbt parses the whole project, in this night's own target folder
    worker_parse = (night_stage.target / "partial_parse.msgpack").read_bytes()
    night_stage.own_target(monkeypatch, night.root)

    report = night_refresh()

    assert report.entities["tickets"].rows_loaded == 1
    assert report.dbt is not None and report.dbt.has_errors, format_report(report)
    assert report.dbt.nodes_ok > 0 and report.dbt.nodes_error > 0  # it failed midway
    # The build database has the new night's rows; the readers never see them.
    assert night.query("select count(*) from staging.stg_helpdesk__tickets where ticket_id = 'T1001'") == [(1,)]
    assert not report.ok and report.publication is None
    assert "not published" in format_report(report)
    assert fingerprint(night.published) == before
    assert (night_stage.target / "partial_parse.msgpack").read_bytes() == worker_parse


# ------------------------------------------------------------------------------------- Dagster


def test_cli_refresh_runs_the_nightly_job_which_publishes_as_its_last_step(cli_night: CliNight) -> None:
    """`support-warehouse refresh` is the Dagster job (the schedule's), run in process against
    DAGSTER_HOME; publishing comes after the load and the dbt build. One small incremental night on
    the golden copy (its bad files are the quarantine test's)."""
    from dagster import DagsterInstance

    night, code, out, before_id = cli_night.night, cli_night.code, cli_night.out, cli_night.before_id
    assert code == 0, out
    summary = re.search(r"^Refresh (\S+) \(target duckdb\) in [\d.]+s: OK$", out, re.M)
    assert summary and out.rstrip().endswith("Result: OK (3 warning(s) above)"), out
    run_id = summary.group(1)
    manifest = json.loads((night.published / "publication.json").read_text())
    assert manifest["run_id"] == run_id  # the Dagster run that built it ...
    assert manifest["publication_id"] != before_id and f"as publication {manifest['publication_id']} to" in out
    assert night.query_published("select count(*) from fct_tickets where ticket_id = 'T1003'") == [(1,)]
    # the warehouse path as the environment names it (a link): resolved, it would change dbt's
    # profile and make dbt parse the whole project, every night the CLI and the schedule alternate
    assert str(cli_night.report.warehouse) == cli_night.warehouse_setting != str(night.warehouse.resolve())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(night.root / "dagster"))
        with DagsterInstance.get() as instance:  # ... stored in the project's instance
            run = instance.get_run_by_id(run_id)
            steps = {s.step_key: s for s in instance.get_run_step_stats(run_id)}
    assert run is not None and run.job_name == "nightly_refresh" and run.tags["support_warehouse/trigger"] == "cli"
    # publishing starts once the load and the dbt build have ended (checks may still run beside it)
    assert steps["raw_extracts"].end_time <= steps["dbt_models"].start_time
    assert steps["dbt_models"].end_time <= steps["published__marts"].start_time
    assert all(s.status.value == "SUCCESS" for s in steps.values()), steps
