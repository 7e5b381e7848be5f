"""Incremental nightly builds give exactly what a --full-refresh build gives (issue 8).

A small generated dataset with two nightly files per entity is loaded and built the way the
nightly refresh does it: the history first (a full build), then each night incrementally. A third,
hand-made night brings late changes to old tickets (a reply on a months-old ticket, a new version
of an old ticket, a reply turned into an internal note, a customer's tier and a survey answer).
After the first night (incremental on top of the full build) and after the late changes (on top of
two incremental nights) the warehouse is copied and the copy rebuilt with --full-refresh from the
same raw layer; every incremental model, kpi_scorecard and the other marts must hold the same rows
(floats within 1e-9 relative). The second night's own comparison would repeat the first's code
path; what it built is compared after the late night, which only adds to it.

dbt parses the project once (the history build); every later invocation of this module reads that
parse (DBT_PARTIAL_PARSE_FILE_PATH) and re-parses only files that changed. Only the history build
and the late night write manifest.json and run_results.json (the watermark scenarios compare two
runs' manifests); every other invocation runs with --no-write-json (~2 CPU s a build): the tests
read the results dbt returns and the executed SQL under target/run.

The night-test scenarios at the end each build one model and its ancestors (`--select +model`)
instead of the whole project: a model's night reads only its ancestors (its change set is one of
them), which `+model` builds first as a whole night does (DECISIONS.md, "Night-test scenarios
build one model's ancestors").
"""

from __future__ import annotations

import csv
import json
import logging
import math
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest
from dagster import DagsterRunStatus, RunsFilter

from support_warehouse import config
from support_warehouse import load
from support_warehouse.dbt_runner import changed_since_args, loaded_through, run_dbt, summarize
from support_warehouse.generate import generate
from support_warehouse.orchestration.dbt import night_watermark

TICKETS = 1500
DAYS = 30
NIGHTS = 2
# nights compared with a full refresh (besides the late changes): the first incremental night
COMPARED_NIGHTS = (1,)
SEED = 5
END = date(2026, 10, 31)

INCREMENTAL_MARTS = [
    "marts.fct_ticket_replies",
    "marts.fct_ticket_status_intervals",
    "marts.fct_backlog_daily",
    "marts.fct_survey_responses",
    "marts.fct_calls",
    "marts.fct_orders",
    "marts.fct_self_service_sessions",
    "marts.dim_customers",
    "marts.fct_tickets",
]
COMPARED_SCHEMAS = ("staging", "intermediate", "marts", "audit")
# The ticket facts whose rows of a closed ticket the night did not touch must stay as they were
# (no column that moves with the as-of time on every row).
TICKET_FACTS = ("fct_tickets", "fct_ticket_status_intervals", "fct_backlog_daily", "fct_ticket_replies")
REL_TOL = 1e-9


def _dbt(args: list[str], warehouse: Path, work: Path, write_json: bool = False):
    """dbt on the module's warehouse, artifacts under `work`; JSON artifacts only if asked (module
    docstring)."""
    return run_dbt([*args, *([] if write_json else ["--no-write-json"])], target="duckdb", warehouse=warehouse,
                   target_path=work / "target", log_path=work / "logs")


def _build(warehouse: Path, work: Path, *extra: str, write_json: bool = False) -> None:
    res = _dbt(["build", "--exclude-resource-type", "unit_test", *extra], warehouse, work, write_json)
    s = summarize(res)
    assert res.success, f"dbt build {' '.join(extra)} failed: {s.node_errors or s.test_problems or s.exception}"


def _load(warehouse: Path, landing: Path) -> None:
    con = load.connect(warehouse)
    try:
        load.raise_for_errors(load.load_all(con, landing))
    finally:
        con.close()


def _copy_night(extracts: Path, landing: Path, pick) -> None:
    for entity_dir in sorted(p for p in extracts.iterdir() if p.is_dir()):
        for f in sorted(entity_dir.glob("*.csv")):
            if pick(f.name):
                (landing / entity_dir.name).mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, landing / entity_dir.name / f.name)


def _rows(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[list[str], list[tuple]]:
    cols = [r[0] for r in con.execute(f"select * from {relation} limit 0").description]
    rows = con.execute(f"select * from {relation}").fetchall()
    return cols, rows


def _key(row: tuple) -> tuple:
    out = []
    for v in row:
        if v is None:
            out.append((0, ""))
        elif isinstance(v, float):
            out.append((1, f"{v:.6e}"))
        else:
            out.append((2, str(v)))
    return tuple(out)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-9)
    return a == b


def _differences(inc: Path, full: Path) -> dict[str, str]:
    con = duckdb.connect()
    con.execute(f"attach '{inc}' as inc (read_only)")
    con.execute(f"attach '{full}' as fr (read_only)")
    # the marts are files of their own (catalog `marts` in the build, schema main)
    con.execute(f"attach '{config.marts_path(inc)}' as inc_marts (read_only)")
    con.execute(f"attach '{config.marts_path(full)}' as fr_marts (read_only)")
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'inc' and schema_name in "
        f"{COMPARED_SCHEMAS} union all "
        "select 'marts', table_name from duckdb_tables() where database_name = 'inc_marts' order by 1, 2"
    ).fetchall()
    assert "marts" in {schema for schema, _ in tables}, "no marts to compare"
    problems = {}
    for schema, table in tables:
        if table.endswith(("_changed", "_tracked")):
            # a change set lists what a night recomputes (everything on a full refresh); a tracking
            # table also keeps the days rows left until the next night (int_metric_ticket_dates_tracked)
            continue
        inc_rel, fr_rel = (
            (f'inc_marts.main."{table}"', f'fr_marts.main."{table}"')
            if schema == "marts"
            else (f'inc."{schema}"."{table}"', f'fr."{schema}"."{table}"')
        )
        cols, a = _rows(con, inc_rel)
        cols_full, b = _rows(con, fr_rel)
        name = f"{schema}.{table}"
        if cols != cols_full:
            problems[name] = f"columns differ: {cols} vs {cols_full}"
            continue
        if len(a) != len(b):
            problems[name] = f"{len(a)} rows incremental, {len(b)} rows full refresh"
            continue
        a.sort(key=_key)
        b.sort(key=_key)
        for ra, rb in zip(a, b, strict=True):
            if not all(_same(x, y) for x, y in zip(ra, rb, strict=True)):
                problems[name] = f"first differing row: incremental {ra} vs full refresh {rb}"
                break
    con.close()
    return problems


def _closed_ticket_rows(warehouse: Path) -> tuple[list[tuple], dict[tuple[str, str], list[tuple]]]:
    """The data's as-of time and, per (fact, closed ticket), the fact's rows as DuckDB returns them."""
    con = config.connect_build(warehouse, read_only=True)
    try:
        as_of = con.execute("select as_of_at from marts.dim_data_as_of").fetchall()
        rows: dict[tuple[str, str], list[tuple]] = {}
        for fact in TICKET_FACTS:
            cur = con.execute(
                f"select * from marts.{fact} where ticket_id in "
                "(select ticket_id from marts.fct_tickets where is_currently_solved) order by all"
            )
            ticket = [c[0] for c in cur.description].index("ticket_id")
            for row in cur.fetchall():
                rows.setdefault((fact, row[ticket]), []).append(row)
    finally:
        con.close()
    return as_of, rows


def _closed_rows_moved(before: tuple, after: tuple, warehouse: Path) -> dict:
    """What a night changed in the rows of closed tickets it did not touch: outside its change set,
    outside the change set's (customer, ticket type) groups, where a new ticket may be a closed
    ticket's follow-up (has_followup_within_7d), and past their first 24 hours at the previous
    as-of time (has_24h_outcome turns true once, when those hours end; var response_rate_hours)."""
    (as_of_before, rows_before), (as_of_after, rows_after) = before, after
    con = config.connect_build(warehouse, read_only=True)
    try:
        touched = {r[0] for r in con.execute("""
            select groups.ticket_id
            from marts.fct_tickets as groups
            inner join marts.fct_tickets as changed
                on groups.customer_id = changed.customer_id and groups.ticket_type = changed.ticket_type
            where changed.ticket_id in (select ticket_id from intermediate.int_tickets_changed)
            union
            select ticket_id from intermediate.int_tickets_changed
            union
            select ticket_id from marts.fct_tickets where created_at + interval 24 hour > ?
        """, [as_of_before[0][0]]).fetchall()}
    finally:
        con.close()
    kept = {key for key in rows_before if key[1] not in touched and key[0] == "fct_tickets" and key in rows_after}
    kept = {(fact, ticket) for fact in TICKET_FACTS for _, ticket in kept}
    return {
        "as_of": (as_of_before, as_of_after),
        "tickets": len({ticket for _, ticket in kept}),
        "moved": {key: (rows_before.get(key), rows_after.get(key)) for key in sorted(kept)
                  if rows_before.get(key) != rows_after.get(key)},
    }


def _full_refresh_copy(warehouse: Path, work: Path, label: str) -> Path:
    full = work / f"full_{label}.duckdb"
    shutil.copy2(warehouse, full)
    shutil.copy2(config.marts_path(warehouse), config.marts_path(full))
    # the data tests ran on the incremental build; the copy is only compared
    _build(full, work / f"fr_{label}", "--full-refresh", "--exclude-resource-type", "test")
    return full


def _late_changes(landing: Path, warehouse: Path) -> None:
    """A third night of hand-made files: late changes to old tickets and their neighbours."""
    con = config.connect_build(warehouse, read_only=True)
    try:
        old_ticket = con.execute(
            "select ticket_id, customer_id, channel, ticket_type, priority, assignee_id, created_at "
            "from marts.fct_tickets where is_solved and agent_reply_count >= 2 order by created_at limit 1"
        ).fetchone()
        reply = con.execute(
            "select message_id, ticket_id, agent_id, replied_at from marts.fct_ticket_replies "
            "where ticket_id <> ? order by replied_at limit 1", [old_ticket[0]]
        ).fetchone()
        # another agent reply, weeks old, that turns out to belong to a third ticket (the row moves)
        moved = con.execute(
            "select message_id, ticket_id, agent_id, replied_at from marts.fct_ticket_replies "
            "where ticket_id not in (?, ?) order by replied_at limit 1 offset 5", [old_ticket[0], reply[1]]
        ).fetchone()
        target_ticket = con.execute(
            "select ticket_id from marts.fct_tickets where ticket_id not in (?, ?, ?) and created_at < ? "
            "order by created_at desc limit 1", [old_ticket[0], reply[1], moved[1], moved[3]]
        ).fetchone()[0]
        # with self-service sessions too, so the tier change reaches every fact that carries it
        customer = con.execute(
            "select customer_id, customer_tier from marts.fct_tickets where customer_tier = 'standard' "
            "and ticket_id <> ? and customer_id in (select customer_id from marts.fct_self_service_sessions) "
            "order by created_at limit 1", [old_ticket[0]]
        ).fetchone()
        # a ticket solved days after its creation whose new version says it was created nine days
        # earlier: the metric layer must drop it from the day it left. That day is one no other
        # change of this night dates a ticket on (the tier customer's tickets, the tickets of the
        # same customer and type as the tickets changed, which FCR reaches, and open tickets), so
        # only the day it left makes the night recompute it (test_late_change_reached_the_old_ticket).
        touched = [old_ticket[0], reply[1], moved[1], target_ticket]
        redated = con.execute(
            "select ticket_id, customer_id, channel, ticket_type, priority, status, assignee_id, created_at, "
            "updated_at, (select created_date from marts.fct_tickets as t where t.ticket_id = raw_tickets.ticket_id) "
            "from raw.tickets as raw_tickets where ticket_id = ("
            "  select redated.ticket_id from marts.fct_tickets as redated"
            "  where redated.is_currently_solved and redated.first_solved_date > redated.created_date"
            "  and redated.created_date between ? and ?"
            "  and redated.ticket_id not in (?, ?, ?, ?) and redated.customer_id <> ?"
            "  and not exists (select 1 from marts.fct_tickets as other"
            "    where other.ticket_id <> redated.ticket_id"
            "    and redated.created_date in (other.created_date, other.first_solved_date)"
            "    and (not other.is_currently_solved or other.customer_id = ? or exists ("
            "      select 1 from marts.fct_tickets as neighbour where neighbour.ticket_id in (?, ?, ?, ?, redated.ticket_id)"
            "      and neighbour.customer_id = other.customer_id and neighbour.ticket_type = other.ticket_type)))"
            "  order by redated.created_at limit 1"
            ") order by _loaded_at desc, _source_line desc limit 1",
            [END - timedelta(days=DAYS - 12), END - timedelta(days=5), *touched, customer[0], customer[0], *touched],
        ).fetchone()
        assert redated is not None, "no ticket whose creation day no other late change touches"
        survey = con.execute(
            "select response_id, survey_type, survey_scale, customer_id, ticket_id, agent_id, sent_at "
            "from marts.fct_survey_responses where not is_responded and survey_type = 'csat' "
            "and survey_scale = 'csat_5' order by sent_at limit 1"
        ).fetchone()
        raw_customer = con.execute(
            "select name, email, country, created_at, churned_at from raw.customers where customer_id = ? "
            "order by _loaded_at desc, _source_line desc limit 1", [customer[0]]
        ).fetchone()
    finally:
        con.close()

    def write(entity: str, header: list[str], rows: list[list]) -> None:
        folder = landing / entity
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{entity}_late.csv", "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows([["" if v is None else v for v in r] for r in rows])

    iso = lambda ts: ts.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    utc = lambda text: datetime.fromisoformat(str(text)).astimezone(timezone.utc)  # noqa: E731
    tid, cust, channel, ttype, priority, assignee, created = old_ticket
    # the old ticket reopens and gets another reply; its ticket row changes priority
    write("ticket_status_changes", ["ticket_id", "changed_at", "status"],
          [[tid, "2026-10-31T20:00:00Z", "open"]])
    write("ticket_messages", ["message_id", "ticket_id", "author_type", "author_id", "is_public", "created_at"], [
        ["M_LATE_1", tid, "customer", cust, "true", "2026-10-31T19:59:00Z"],
        ["M_LATE_2", tid, "agent", assignee, "true", "2026-10-31T21:00:00Z"],
        # an earlier reply of another ticket turns out to be an internal note: its reply row goes
        [reply[0], reply[1], "agent", reply[2], "false", iso(reply[3])],
        # a reply filed on the wrong ticket moves: it leaves its old ticket and joins another
        [moved[0], target_ticket, "agent", moved[2], "true", iso(moved[3])],
    ])
    write("tickets", ["ticket_id", "customer_id", "channel", "ticket_type", "priority", "status", "assignee_id",
                      "created_at", "updated_at"],
          [[tid, cust, channel, ttype, "urgent" if priority != "urgent" else "low", "open", assignee, iso(created),
            "2026-10-31T21:00:00Z"],
           [*redated[:7], iso(utc(redated[7]) - timedelta(days=9)), redated[8]]])
    # a customer moves to enterprise (tier of their tickets, replies, calls, surveys, orders, backlog)
    name, email, country, c_created, churned = raw_customer
    write("customers", ["customer_id", "name", "email", "tier", "country", "created_at", "churned_at"],
          [[customer[0], name, email, "enterprise", country, c_created, churned]])
    # a survey sent weeks ago is answered tonight
    if survey is not None:
        rid, stype, scale, scust, sticket, sagent, sent = survey
        write("survey_responses", ["response_id", "survey_type", "scale", "customer_id", "ticket_id", "agent_id",
                                   "sent_at", "responded_at", "score", "comment"],
              [[rid, stype, scale, scust, sticket, sagent, iso(sent), "2026-10-31T22:00:00Z", "5", ""]])
    return (moved[0], moved[1], target_ticket), (redated[0], redated[9])


@pytest.fixture(scope="module")
def nightly(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module) -> dict:
    work = tmp_path_factory.mktemp("incremental")
    extracts, landing, warehouse = work / "extracts", work / "landing", work / "warehouse.duckdb"
    generate(out_dir=extracts, tickets=TICKETS, days=DAYS, seed=SEED, bad_rows_share=0.02, end_date=END,
             nights=NIGHTS)
    nights = sorted({f.name.split("_")[-1] for f in extracts.glob("tickets/*.csv")} - {"history.csv"})
    assert len(nights) == NIGHTS

    differences: dict[str, dict[str, str]] = {}
    closed_rows: dict[str, dict] = {}
    _copy_night(extracts, landing, lambda n: n.endswith("_history.csv"))
    _load(warehouse, landing)
    _build(warehouse, work / "b0", write_json=True)
    # the one full parse (~10 CPU s, ~4 when read back); dbt writes each build's parse to its target dir
    parsed = work / "partial_parse.msgpack"
    shutil.copy2(work / "b0" / "target" / "partial_parse.msgpack", parsed)
    monkeypatch_module.setenv("DBT_PARTIAL_PARSE_FILE_PATH", str(parsed))
    for i, night in enumerate(nights, start=1):
        # the night's watermark, as the Dagster job passes it: what the last successful build saw
        since = loaded_through(warehouse)
        _copy_night(extracts, landing, lambda n, night=night: n.endswith("_" + night))
        _load(warehouse, landing)
        before = _closed_ticket_rows(warehouse)
        _build(warehouse, work / f"b{i}", *changed_since_args(since))
        closed_rows[f"night {i}"] = _closed_rows_moved(before, _closed_ticket_rows(warehouse), warehouse)
        if i in COMPARED_NIGHTS:
            differences[f"night {i}"] = _differences(warehouse, _full_refresh_copy(warehouse, work, f"n{i}"))
    moved_reply, redated = _late_changes(landing, warehouse)
    since = loaded_through(warehouse)
    _load(warehouse, landing)
    _build(warehouse, work / "late", *changed_since_args(since), write_json=True)
    differences["late changes"] = _differences(warehouse, _full_refresh_copy(warehouse, work, "late"))
    # read now: the night-test scenarios below load more files and build only part of the project
    con = config.connect_build(warehouse, read_only=True)
    try:
        late_changed, tickets = con.execute(
            "select (select count(*) from intermediate.int_tickets_changed), count(*) from marts.fct_tickets"
        ).fetchone()
    finally:
        con.close()
    return {"work": work, "warehouse": warehouse, "differences": differences, "moved": moved_reply, "redated": redated,
            "late_changed": late_changed, "tickets": tickets, "closed_rows": closed_rows}


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    mp.setenv("SW_DUCKDB_MEMORY_LIMIT", "2GB")
    yield mp
    mp.undo()


def test_facts_are_incremental_on_duckdb(nightly: dict) -> None:
    changed, tickets = nightly["late_changed"], nightly["tickets"]
    late = nightly["work"] / "late" / "target"
    for relation in INCREMENTAL_MARTS:
        name = relation.split(".")[1]
        # the late night replaced the rows it recomputed (no table rebuild), which the model's SQL
        # selected through its change set
        run_sql = next((late / "run").rglob(f"{name}.sql")).read_text()
        model_sql = next((late / "compiled").rglob(f"{name}.sql")).read_text()
        assert "delete from" in run_sql and NIGHT_READS[name] in model_sql, f"{name} did not build incrementally"
    # the late night touched a handful of tickets (a reply, a moved reply, a tier, a survey...)
    assert 0 < changed < tickets / 10, f"late night's change set: {changed} of {tickets} tickets"


@pytest.mark.parametrize("night", [*(f"night {i}" for i in COMPARED_NIGHTS), "late changes"])
def test_incremental_equals_full_refresh(nightly: dict, night: str) -> None:
    problems = nightly["differences"][night]
    assert not problems, f"{night}: incremental build differs from --full-refresh:\n" + "\n".join(
        f"  {k}: {v}" for k, v in problems.items()
    )


@pytest.mark.parametrize("night", [f"night {i}" for i in range(1, NIGHTS + 1)])
def test_a_night_leaves_closed_untouched_tickets_rows_as_they_were(nightly: dict, night: str) -> None:
    """The as-of time moved, yet every row of a ticket closed before and after the night that the
    night's data did not touch (not in its change set, no changed ticket of the same customer and
    type, which may be its follow-up) and past its first 24 hours is exactly what it was, in every
    ticket fact (the as-of time lives in one row, dim_data_as_of; only open tickets' clocks run to
    it)."""
    seen = nightly["closed_rows"][night]
    (before,), (after,) = seen["as_of"]
    assert after > before, f"{night}: the as-of time did not move ({before} -> {after})"
    assert seen["tickets"] > 100, f"{night}: only {seen['tickets']} closed untouched tickets compared"
    assert not seen["moved"], f"{night}: {len(seen['moved'])} rows changed, e.g. {next(iter(seen['moved'].items()))}"


def test_late_change_reached_the_old_ticket(nightly: dict) -> None:
    """The hand-made night did change old rows (so the comparison above is not vacuous)."""
    con = config.connect_build(nightly["warehouse"], read_only=True)
    try:
        late_replies = con.execute(
            "select count(*) from marts.fct_ticket_replies where message_id = 'M_LATE_2'"
        ).fetchone()[0]
        enterprise = con.execute(
            "select count(*) from raw.customers where _source_file like '%_late.csv' and tier = 'enterprise'"
        ).fetchone()[0]
        message_id, old_ticket, new_ticket = nightly["moved"]
        moved_to = con.execute(
            "select ticket_id from marts.fct_ticket_replies where message_id = ?", [message_id]
        ).fetchall()
        redated, left_day = nightly["redated"]
        created_now = con.execute(
            "select created_date from marts.fct_tickets where ticket_id = ?", [redated]
        ).fetchall()
        # the late night's rows of the day the redated ticket left (changed_under: its watermark)
        left_day_tracked = con.execute(
            "select ticket_id, is_current from intermediate.int_metric_ticket_dates_tracked "
            "where observation_date = ? and changed_under = "
            "(select max(changed_under) from intermediate.int_metric_ticket_dates_tracked)", [left_day]
        ).fetchall()
    finally:
        con.close()
    assert late_replies == 1
    assert enterprise == 1
    assert old_ticket != new_ticket
    assert moved_to == [(new_ticket,)]
    assert len(created_now) == 1 and created_now[0][0] < left_day - timedelta(days=7)
    # only the ticket that left puts that day in the night's change set, so the comparison with a
    # full refresh fails if the metric layer forgets the days a ticket left
    assert left_day_tracked == [(redated, False)]


# What each incremental mart's night SQL reads to select the rows it recomputes.
NIGHT_READS = {
    "fct_tickets": "int_tickets_changed",
    "fct_ticket_replies": "int_tickets_changed",
    "fct_ticket_status_intervals": "int_tickets_changed",
    "fct_backlog_daily": "int_tickets_changed",
    "fct_calls": "int_calls_changed",
    "fct_self_service_sessions": "int_self_service_sessions_changed",
    "fct_survey_responses": "int_survey_responses_changed",
    "fct_orders": "int_orders_changed",
    "dim_customers": "_loaded_at > cast('",
}
# Night tests. The incremental models (macros/incremental/changes.sql) scope their tests with
# dbt's `where` config to the rows a night replaced when the night has a watermark (var
# changed_since), plus the rows of open tickets it recomputes (status intervals: the current one
# runs to the as-of time). A model that recomputes more than its change set and its open tickets
# checks every row. A unique rule off the key is scoped only on a column the change set keeps
# together (replies: message_id, whose every ticket is in the change set when the message changes).
SCOPED_TEST = "int_ticket_status_intervals_sequenced_column_rules"
CHANGED_FILTER = "ticket_id in (select ticket_id from intermediate.int_tickets_changed)"
WHOLE_TEST = "fct_tickets_column_rules"
CLOSED_UNIQUE_TEST = "int_ticket_replies_paired_column_rules"
OPEN_TEST = "fct_ticket_status_intervals_column_rules"
OPEN_FILTER = f"({CHANGED_FILTER} or ticket_id in (select ticket_id from intermediate.int_tickets_open))"
# Relationships (dbt names them by a truncated prefix and a hash): to a parent a ticket can leave
# (int_tickets_unioned, fct_tickets), every row.
CHANGED_RELATIONSHIP = "relationships_int_ticket_statu_*"  # ticket_id -> int_tickets_unioned
WHOLE_RELATIONSHIP = "relationships_fct_ticket_repli_*"  # ticket_id -> fct_tickets


def _executed_test_sql(build_dir: Path, test_name: str) -> str:
    files = list((build_dir / "target" / "run").rglob(f"{test_name}.sql"))
    assert len(files) == 1, f"{test_name}: executed SQL not found under {build_dir}"
    return files[0].read_text()


def test_night_tests_check_only_the_replaced_rows(nightly: dict) -> None:
    work = nightly["work"]
    assert CHANGED_FILTER not in _executed_test_sql(work / "b0", SCOPED_TEST), "the first build tests every row"
    for build in ("b1", "b2", "late"):
        assert CHANGED_FILTER in _executed_test_sql(work / build, SCOPED_TEST), f"{build}: test not scoped"
        whole = _executed_test_sql(work / build, WHOLE_TEST)
        assert "int_tickets_changed" not in whole, f"{build}: must test every row"
        assert CHANGED_FILTER in _executed_test_sql(work / build, CLOSED_UNIQUE_TEST), f"{build}: replies not scoped"
        assert OPEN_FILTER in _executed_test_sql(work / build, OPEN_TEST), f"{build}: open tickets untested"
        relationship = _executed_test_sql(work / build, CHANGED_RELATIONSHIP)
        assert '"int_tickets_unioned"' in relationship, "not the relationship to int_tickets_unioned"
        assert "int_tickets_changed" not in relationship, f"{build}: a ticket can leave its parent: every row"
        whole = _executed_test_sql(work / build, WHOLE_RELATIONSHIP)
        assert '"fct_tickets"' in whole, "not the relationship to fct_tickets"
        assert "int_tickets_changed" not in whole, f"{build}: a relationship to fct_tickets must test every row"


def test_a_moved_reply_scopes_both_tickets(nightly: dict) -> None:
    """What lets the replies' unique message_id be scoped (int_ticket_replies_paired,
    fct_ticket_replies): the late night moved a reply to another ticket, and that night's change
    set (int_tickets_changed, still the late night's here) held the old ticket and the new one."""
    message_id, old_ticket, new_ticket = nightly["moved"]
    con = config.connect_build(nightly["warehouse"], read_only=True)
    try:
        scoped = {
            row[0] for row in con.execute(
                "select ticket_id from intermediate.int_tickets_changed where ticket_id in (?, ?)",
                [old_ticket, new_ticket],
            ).fetchall()
        }
    finally:
        con.close()
    assert scoped == {old_ticket, new_ticket}, f"reply {message_id} moved; the change set holds only {scoped}"


def _status_change_night(work: Path, warehouse: Path, name: str, ticket: str, changed_at: str, model: str,
                         since: str | None):
    """A hand-made night: one status change of one ticket, loaded into the raw layer, then `model`
    and its ancestors built with watermark `since` (module docstring); dbt's result, artifacts
    under work/<name>."""
    folder = work / "landing" / "ticket_status_changes"
    with open(folder / f"ticket_status_changes_{name}.csv", "w", newline="") as fh:
        csv.writer(fh).writerows([["ticket_id", "changed_at", "status"], [ticket, changed_at, "open"]])
    _load(warehouse, work / "landing")
    return _dbt(["build", "--select", "+" + model, "--exclude-resource-type", "unit_test",
                 *changed_since_args(since)], warehouse, work / name)


def _execute(warehouse: Path, sql: str, params: list) -> None:
    """One statement on the build database (a scenario mending the row it broke)."""
    con = config.connect_build(warehouse)
    try:
        con.execute(sql, params)
    finally:
        con.close()


def _job_watermark(tmp_path: Path, warehouse: Path, previous: dict, current: dict, ended: datetime,
                   monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The watermark the Dagster job passes tonight when its last successful run ended at
    `ended` with manifest `previous` and tonight's definitions have manifest `current`."""
    run_id = "last-successful-night"
    folder = tmp_path / "target" / "dagster_runs" / run_id
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps(previous))

    class Instance:
        def get_run_records(self, filters, limit):
            assert filters.statuses == [DagsterRunStatus.SUCCESS], "only a fully successful run counts"
            return [SimpleNamespace(
                end_time=ended.replace(tzinfo=timezone.utc).timestamp(),
                dagster_run=SimpleNamespace(run_id=run_id, asset_selection=None),  # the whole job
            )]

        def get_records_for_run(self, run_id, of_type):  # its dbt step succeeded
            return SimpleNamespace(records=[SimpleNamespace(event_log_entry=SimpleNamespace(step_key="dbt_models"))])

    context = SimpleNamespace(instance=Instance(), job_name="nightly", log=logging.getLogger(__name__))
    project = SimpleNamespace(manifest_path=tmp_path / "target" / "manifest.json")
    monkeypatch.setenv("SW_WAREHOUSE_PATH", str(warehouse))
    return night_watermark(context, project, current)


def _manifest(build_dir: Path) -> dict:
    return json.loads((build_dir / "target" / "manifest.json").read_text())


def test_a_changed_rule_checks_every_row(nightly: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule added since the last successful night has not seen the old rows: the Dagster job
    then passes no watermark, so the night recomputes and tests every row; with the same tests
    (parsed under another watermark) it passes the last successful night's."""
    work, warehouse = nightly["work"], nightly["warehouse"]
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests/dbt"):
        source = config.DBT_PROJECT_DIR / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    models_yml = project / "models" / "intermediate" / "tickets" / "_int_tickets__models.yml"
    rule = "not_null: [ticket_id, valid_from]"
    text = models_yml.read_text()
    assert text.count(rule) == 1
    models_yml.write_text(text.replace(rule, "not_null: [ticket_id, valid_from, status_sequence]"))
    res = run_dbt(["parse"], target="duckdb", warehouse=warehouse, project_dir=project,
                  target_path=tmp_path / "parsed", log_path=work / "logs")
    assert res.success
    changed_rule = json.loads((tmp_path / "parsed" / "manifest.json").read_text())

    ended = datetime.now(timezone.utc).replace(tzinfo=None)
    newest = loaded_through(warehouse)
    # the history build's manifest (no watermark) and the late night's (a watermark): the same tests
    assert _job_watermark(tmp_path / "same", warehouse, _manifest(work / "b0"), _manifest(work / "late"), ended,
                          monkeypatch) == newest
    assert _job_watermark(tmp_path / "changed", warehouse, _manifest(work / "late"), changed_rule, ended,
                          monkeypatch) is None, "a changed rule must check every row"
    # and a night without a watermark tests every row (the first build had none)
    assert CHANGED_FILTER not in _executed_test_sql(work / "b0", SCOPED_TEST)


def test_open_tickets_rows_are_recomputed_and_tested(nightly: dict) -> None:
    """fct_ticket_status_intervals recomputes the rows of every open ticket (its current interval
    runs to the new as-of time), not only its change set, and the night's scoped test reads them.
    A broken row of an open ticket the night does not touch comes back recomputed, and the
    filter of the test that ran selects it."""
    work, warehouse = nightly["work"], nightly["warehouse"]
    con = config.connect_build(warehouse)
    try:
        broken, valid_from = con.execute(
            "select ticket_id, valid_from from marts.fct_ticket_status_intervals "
            "where valid_to is null and not is_solved_status order by ticket_id limit 1"
        ).fetchone()
        touched = con.execute("select max(ticket_id) from marts.fct_tickets").fetchone()[0]
        assert broken != touched
        con.execute(
            "update marts.fct_ticket_status_intervals set valid_from = null "
            "where ticket_id = ? and valid_to is null", [broken]
        )
    finally:
        con.close()
    since = loaded_through(warehouse)
    night = summarize(_status_change_night(work, warehouse, "open_rows", touched, "2026-10-31T23:25:00Z",
                                           "fct_ticket_status_intervals", since))
    assert OPEN_TEST not in [t.name for t in night.failing_tests]
    tested = _executed_test_sql(work / "open_rows", OPEN_TEST)
    assert OPEN_FILTER in tested
    con = config.connect_build(warehouse, read_only=True)
    try:
        scoped = con.execute(
            "select count(*) from intermediate.int_tickets_changed where ticket_id = ?", [broken]
        ).fetchone()[0]
        repaired = con.execute(
            "select valid_from from marts.fct_ticket_status_intervals where ticket_id = ? and valid_to is null",
            [broken],
        ).fetchone()[0]
        selected = con.execute(
            f"select count(*) from marts.fct_ticket_status_intervals where {OPEN_FILTER} and ticket_id = ?",
            [broken],
        ).fetchone()[0]
    finally:
        con.close()
    assert scoped == 0, "the broken ticket must lie outside the night's change set"
    assert repaired == valid_from, "the open ticket's rows were not recomputed"
    assert selected > 0, "the night's test does not read the open ticket's rows"


def test_backlog_days_after_a_new_as_of_date_go(nightly: dict) -> None:
    """fct_backlog_daily's night replaces the other tickets' days from the earlier of its last day
    and the new as-of day on, from the first day it computes for an unchanged ticket. Set up: the
    table holds a day after tonight's as-of day (as a night before the as-of moved back leaves it:
    its latest event turned out void), on a ticket tonight leaves unchanged, and every ticket open
    now is in tonight's change set (a tier change of each one's customer), so no unchanged ticket
    is open from the new last day. A full refresh has no day after the as-of day."""
    work, warehouse = nightly["work"], nightly["warehouse"]
    con = config.connect_build(warehouse)
    try:
        as_of_date = con.execute("select as_of_date from intermediate.int_ticket_extracts_watermarked").fetchone()[0]
        customers = con.execute(
            "select customer_id, name, email, country, created_at, churned_at from raw.customers "
            "where customer_id in (select customer_id from marts.fct_tickets where ticket_id in ("
            "  select ticket_id from intermediate.int_ticket_status_intervals_sequenced "
            "  where valid_to is null and not is_solved_status)) "
            "qualify row_number() over (partition by customer_id order by _loaded_at desc, _source_line desc) = 1"
        ).fetchall()
        # a backlog ticket whose customer has no open ticket (so it stays out of the change set)
        planted = con.execute(
            "select min(ticket_id) from marts.fct_backlog_daily where ticket_id in ("
            "  select ticket_id from marts.fct_tickets where customer_id not in (select unnest(?::varchar[])))",
            [[c[0] for c in customers]],
        ).fetchone()[0]
        con.execute(
            "insert into marts.fct_backlog_daily select * replace (cast(? as date) + 1 as snapshot_date) "
            "from marts.fct_backlog_daily where ticket_id = ? order by snapshot_date desc limit 1",
            [as_of_date, planted],
        )
        # the planted day is the table's last day, after tonight's as-of day
        assert con.execute("select max(snapshot_date) from marts.fct_backlog_daily").fetchone()[0] > as_of_date
    finally:
        con.close()
    assert customers, "no open ticket: the scenario tests nothing"
    since = loaded_through(warehouse)
    folder = work / "landing" / "customers"
    with open(folder / "customers_as_of_back.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["customer_id", "name", "email", "tier", "country", "created_at", "churned_at"])
        w.writerows([[cid, name, email, "enterprise", country, created, "" if churned is None else churned]
                     for cid, name, email, country, created, churned in customers])
    _load(warehouse, work / "landing")
    res = _dbt(["build", "--select", "+fct_backlog_daily", "--exclude-resource-type", "unit_test",
                *changed_since_args(since)], warehouse, work / "as_of_back")
    assert res.success, summarize(res).test_problems or summarize(res).node_errors
    con = config.connect_build(warehouse, read_only=True)
    try:
        after, last_day, unchanged_open = con.execute(
            "select count(*) filter (where snapshot_date > ?), max(snapshot_date), "
            "count(*) filter (where snapshot_date = ? and ticket_id not in "
            "  (select ticket_id from intermediate.int_tickets_changed)) from marts.fct_backlog_daily",
            [as_of_date, as_of_date],
        ).fetchone()
    finally:
        con.close()
    assert unchanged_open == 0, "an unchanged ticket is open on the last day: the scenario tests nothing"
    assert last_day == as_of_date and after == 0, f"{after} row(s) after the as-of day {as_of_date}"


def test_after_a_failed_test_the_next_night_tests_every_row(
    nightly: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs last (it breaks a row). A night whose tests fail is not a successful night: the job's
    next watermark stays where the last successful night left it, so the next night's change set
    holds the failed night's tickets again, and recomputes and tests them again."""
    work, warehouse = nightly["work"], nightly["warehouse"]
    since = loaded_through(warehouse)
    last_success_ended = datetime.now(timezone.utc).replace(tzinfo=None)
    con = config.connect_build(warehouse, read_only=True)
    try:
        touched = con.execute(
            "select max(ticket_id) from intermediate.int_ticket_status_intervals_sequenced"
        ).fetchone()[0]
    finally:
        con.close()
    night = summarize(_status_change_night(work, warehouse, "failed_night", touched, "2026-10-31T23:30:00Z",
                                           "int_ticket_status_intervals_sequenced", since))
    assert not night.failing_tests and not night.node_errors
    # the night's build left a bad row on a ticket it replaced: its scoped test fails
    _execute(warehouse, "update intermediate.int_ticket_status_intervals_sequenced set status = 'bogus' "
             "where ticket_id = ? and status_sequence = 1", [touched])
    found = summarize(_dbt(
        ["test", "--select", "int_ticket_status_intervals_sequenced", "--exclude-resource-type", "unit_test",
         *changed_since_args(since)], warehouse, work / "t_broken",
    ))
    assert [t.name for t in found.failing_tests] == [SCOPED_TEST]
    assert CHANGED_FILTER in _executed_test_sql(work / "t_broken", SCOPED_TEST)

    # the next night: the watermark of the last successful night, not the failed one's loads
    # (tonight's definitions: the history build's manifest, the same tests)
    watermark = _job_watermark(tmp_path, warehouse, _manifest(work / "late"), _manifest(work / "b0"),
                               last_success_ended, monkeypatch)
    assert watermark == since and watermark != loaded_through(warehouse)
    after = summarize(_dbt(
        ["build", "--select", "+int_ticket_status_intervals_sequenced", "--exclude-resource-type", "unit_test",
         *changed_since_args(watermark)], warehouse, work / "after_failure",
    ))
    assert not after.failing_tests and not after.node_errors
    con = config.connect_build(warehouse, read_only=True)
    try:
        again = con.execute(
            "select count(*) from intermediate.int_tickets_changed where ticket_id = ?", [touched]
        ).fetchone()[0]
        bogus = con.execute(
            "select count(*) from intermediate.int_ticket_status_intervals_sequenced where status = 'bogus'"
        ).fetchone()[0]
    finally:
        con.close()
    assert again == 1, "the failed night's ticket left the next night's change set"
    assert bogus == 0, "the failed night's ticket was not recomputed"
    assert CHANGED_FILTER in _executed_test_sql(work / "after_failure", SCOPED_TEST)


def test_the_watermark_is_where_the_last_successful_run_ended(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """night_watermark against Dagster's own run history (no fake): a run that failed after the
    last successful one does not move the watermark; loads after that success are new."""
    from dagster import DagsterInstance, job, op

    # named as the nightly job's dbt step: only a run whose dbt step succeeded gives the watermark
    @op(config_schema={"fail": bool})
    def dbt_models(context) -> None:  # noqa: ANN001 - Dagster resolves annotations at runtime
        if context.op_config["fail"]:
            raise RuntimeError("a test failed")

    @job(name="nightly")
    def nightly_job() -> None:
        dbt_models()

    warehouse = tmp_path / "warehouse.duckdb"
    con = config.connect_build(warehouse)
    con.execute("create schema raw; create table raw._loaded_files (file_path varchar, loaded_at timestamp)")
    con.execute("insert into raw._loaded_files values ('before.csv', ?)", [datetime(2026, 12, 1, 3, 0)])
    con.close()
    instance = DagsterInstance.ephemeral()
    assert nightly_job.execute_in_process(run_config={"ops": {"dbt_models": {"config": {"fail": False}}}},
                                          instance=instance).success
    con = config.connect_build(warehouse)
    # loaded after the successful run ended (a naive UTC time, as the loader writes it)
    con.execute("insert into raw._loaded_files values ('after.csv', ?)",
                [datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(minutes=5)])
    con.close()
    assert not nightly_job.execute_in_process(run_config={"ops": {"dbt_models": {"config": {"fail": True}}}},
                                              instance=instance, raise_on_error=False).success
    success = instance.get_run_records(filters=RunsFilter(statuses=[DagsterRunStatus.SUCCESS]))[0].dagster_run.run_id
    project = SimpleNamespace(manifest_path=tmp_path / "target" / "manifest.json")
    (tmp_path / "target" / "dagster_runs" / success).mkdir(parents=True)
    manifest = {"nodes": {}, "macros": {}}
    (tmp_path / "target" / "dagster_runs" / success / "manifest.json").write_text(json.dumps(manifest))
    context = SimpleNamespace(instance=instance, job_name="nightly", log=logging.getLogger(__name__))
    monkeypatch.setenv("SW_WAREHOUSE_PATH", str(warehouse))
    assert night_watermark(context, project, manifest) == "2026-12-01 03:00:00"
