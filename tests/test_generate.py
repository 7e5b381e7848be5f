"""The demo generator: contract shape, realism that metrics rely on, bad rows, nightly files."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from support_warehouse.contract import ACCEPTED_VALUES, ENTITIES, SCALE_RANGES
from support_warehouse.generate import BAD_ROW_RULES, MANIFEST_NAME, RULE_NAMES, generate

REPO = Path(__file__).resolve().parent.parent
TICKETS = 3000
END = date(2026, 10, 31)
REFERENCE = {"customers", "agents", "products"}
TS = "(try_cast({} AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"
PARSES = {"timestamp": TS, "date": "try_cast({} AS DATE)", "integer": "try_cast({} AS BIGINT)",
          "double": "try_cast({} AS DOUBLE)", "boolean": "try_cast({} AS BOOLEAN)"}


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _load(root: Path) -> duckdb.DuckDBPyConnection:
    """Every file as VARCHAR rows with file and line; `<entity>` views hold the good rows only."""
    con = duckdb.connect()
    con.execute("SET threads = 1")  # row_number() over () then follows file order
    con.execute(f"CREATE TABLE bad AS SELECT * FROM read_json('{root / MANIFEST_NAME}', columns = "
                "{entity: 'VARCHAR', key: 'JSON', rule: 'VARCHAR', column_name: 'VARCHAR', file: 'VARCHAR', "
                "line: 'BIGINT'})")
    for entity in ENTITIES:
        parts = [f"SELECT *, '{p.relative_to(root)}' AS _file, row_number() OVER () + 1 AS _line "
                 f"FROM read_csv('{p}', all_varchar = true, header = true)"
                 for p in sorted((root / entity).glob("*.csv"))]
        con.execute(f"CREATE TABLE raw_{entity} AS " + " UNION ALL BY NAME ".join(parts))
        con.execute(f"CREATE TABLE {entity} AS SELECT * FROM raw_{entity} r WHERE NOT EXISTS "
                    "(SELECT 1 FROM bad b WHERE b.file = r._file AND b.line = r._line)")
    # latest version of each ticket: nightly files (dated names) after the history file
    con.execute(f"""CREATE VIEW ticket AS SELECT * EXCLUDE (rn), {TS.format('created_at')} AS created
                    FROM (SELECT *, row_number() OVER (PARTITION BY ticket_id
                          ORDER BY _file LIKE '%history%', _file DESC) AS rn FROM tickets) WHERE rn = 1""")
    con.execute(f"CREATE VIEW message AS SELECT *, {TS.format('created_at')} AS ts, is_public = 'true' AS public "
                "FROM ticket_messages")
    con.execute(f"CREATE VIEW status AS SELECT *, {TS.format('changed_at')} AS ts FROM ticket_status_changes")
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()[0]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    root = tmp_path_factory.mktemp("base")
    return root, generate(root, tickets=TICKETS, seed=42)


@pytest.fixture(scope="module")
def db(base) -> duckdb.DuckDBPyConnection:
    return _load(base[0])


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> tuple[Path, duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("clean")
    generate(root, tickets=TICKETS, seed=42, bad_rows_share=0)
    return root, _load(root)


@pytest.fixture(scope="module")
def nightly(tmp_path_factory) -> tuple[Path, duckdb.DuckDBPyConnection]:
    root = tmp_path_factory.mktemp("nightly")
    generate(root, tickets=TICKETS, seed=42, nights=2)
    return root, _load(root)


# ---------------------------------------------------------------- shape and determinism


def test_same_seed_gives_identical_bytes_and_another_seed_does_not(base, tmp_path):
    again, other = tmp_path / "again", tmp_path / "other"
    generate(again, tickets=TICKETS, seed=42)
    generate(other, tickets=TICKETS, seed=43)
    assert _digest(again) == _digest(base[0])
    assert _digest(other).keys() == _digest(base[0]).keys()
    assert all(a != b for a, b in zip(_digest(other).values(), _digest(base[0]).values()))


def test_every_entity_has_a_folder_with_the_contract_columns(base):
    root, written = base
    assert written.keys() == ENTITIES.keys()
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == sorted(ENTITIES)
    for entity, spec in ENTITIES.items():
        (path,) = (root / entity).glob("*.csv")
        assert path.name == f"{entity}_history.csv"
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert set(spec.required) <= set(rows[0]), entity
        assert len(rows) - 1 == written[entity] > 0, entity


def test_good_rows_type_as_the_contract_says(clean):
    con = clean[1]
    assert _one(con, "SELECT count(*) FROM bad") == 0
    for entity, spec in ENTITIES.items():
        for column, kind in spec.columns.items():
            if kind in PARSES:
                untyped = _one(con, f"SELECT count(*) FROM {entity} WHERE {column} IS NOT NULL "
                                    f"AND {PARSES[kind].format(column)} IS NULL")
                assert untyped == 0, f"{entity}.{column} does not parse as {kind}"
        for key in spec.key:
            assert _one(con, f"SELECT count(*) FROM {entity} WHERE {key} IS NULL") == 0
    for (entity, column), values in ACCEPTED_VALUES.items():
        found = {r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM {entity}").fetchall()}
        assert found <= set(values), (entity, column, found - set(values))
    for scale, (lo, hi) in SCALE_RANGES.items():
        assert _one(con, f"SELECT count(*) FROM survey_responses WHERE scale = '{scale}' "
                         f"AND score::INT NOT BETWEEN {lo} AND {hi}") == 0
    assert _one(con, "SELECT count(*) FROM reviews WHERE rating::INT NOT BETWEEN 1 AND 5") == 0


def test_timestamps_are_iso_8601_mostly_utc_with_some_offsets(db):
    share = _one(db, "SELECT avg((created_at NOT LIKE '%Z')::INT) FROM ticket_messages")
    assert 0.05 < share < 0.25
    assert _one(db, "SELECT count(*) FROM ticket_messages WHERE created_at LIKE '%+02:00' "
                    "OR created_at LIKE '%-05:00'") > 0


# ---------------------------------------------------------------- realism the metrics rely on


def test_arrivals_peak_in_business_hours_and_on_weekdays(db):
    by_hour = dict(db.execute("SELECT hour(created), count(*) FROM ticket GROUP BY 1").fetchall())
    assert by_hour[3] * 3 < min(by_hour[h] for h in range(9, 17))
    weekday, weekend = db.execute("""
        SELECT avg(n) FILTER (WHERE isodow(d) <= 5), avg(n) FILTER (WHERE isodow(d) > 5)
        FROM (SELECT created::DATE AS d, count(*) AS n FROM ticket GROUP BY 1)""").fetchone()
    assert weekday > 1.3 * weekend


def test_chat_is_answered_faster_than_email(db):
    medians = dict(db.execute("""
        SELECT channel, median(epoch(first_reply - created)) FROM (
            SELECT t.channel, t.created, min(m.ts) AS first_reply FROM ticket t
            JOIN message m ON m.ticket_id = t.ticket_id AND m.author_type = 'agent' AND m.public
            GROUP BY ALL) GROUP BY 1""").fetchall())
    assert medians["phone"] < medians["chat"] < medians["facebook"] < medians["email"] < medians["ebay"]
    assert medians["chat"] < 5 * 60


def test_bot_replies_come_before_agent_replies_on_chat(db):
    with_bot, agent_first = db.execute("""
        SELECT count(*), count(*) FILTER (WHERE agent <= bot) FROM (
            SELECT t.ticket_id, min(m.ts) FILTER (WHERE m.author_type = 'bot') AS bot,
                   min(m.ts) FILTER (WHERE m.author_type = 'agent' AND m.public) AS agent
            FROM ticket t JOIN message m USING (ticket_id) WHERE t.channel = 'chat' GROUP BY 1)
        WHERE bot IS NOT NULL""").fetchone()
    assert with_bot > 0 and agent_first == 0
    assert _one(db, "SELECT count(*) FROM message WHERE author_type = 'bot' AND NOT public") == 0


def test_message_and_status_histories_are_consistent_with_tickets(db):
    assert _one(db, "SELECT count(*) FROM message m JOIN ticket t USING (ticket_id) WHERE m.ts < t.created") == 0
    assert _one(db, """SELECT count(*) FROM ticket t JOIN (SELECT ticket_id, arg_max(status, ts) AS last
                       FROM status GROUP BY 1) s USING (ticket_id) WHERE s.last <> t.status""") == 0
    assert _one(db, f"SELECT count(*) FROM ticket WHERE {TS.format('updated_at')} < created") == 0
    assert _one(db, "SELECT count(*) FROM ticket t WHERE NOT EXISTS (SELECT 1 FROM message m WHERE "
                    "m.ticket_id = t.ticket_id AND m.author_type = 'agent' AND m.public)") > 0  # unanswered
    assert {r[0] for r in db.execute("SELECT DISTINCT author_type FROM message").fetchall()} == {
        "customer", "agent", "bot", "system"}
    assert _one(db, "SELECT count(*) FROM message WHERE author_type = 'agent' AND NOT public") > 0  # notes


def test_some_solved_tickets_are_reopened(db):
    rate = _one(db, """
        SELECT avg(reopened::INT) FROM (
            SELECT ticket_id, bool_or(prev = 'solved' AND status = 'open') AS reopened,
                   bool_or(status = 'solved') AS solved
            FROM (SELECT *, lag(status) OVER (PARTITION BY ticket_id ORDER BY ts) AS prev FROM status)
            GROUP BY 1) WHERE solved""")
    assert 0.04 < rate < 0.14


def test_agents_work_shifts_in_their_own_zone_and_never_on_leave(db):
    agent_events = """
        SELECT a.timezone, timezone(a.timezone, timezone('UTC', e.ts)) AS local_at, e.agent_id FROM ({}) e
        JOIN agents a USING (agent_id)"""
    replies = agent_events.format("SELECT author_id AS agent_id, ts FROM message WHERE author_type = 'agent' "
                                  "AND public")
    pickups = agent_events.format("SELECT t.assignee_id AS agent_id, min(s.ts) AS ts FROM status s JOIN ticket t "
                                  "USING (ticket_id) WHERE s.status = 'open' GROUP BY 1")
    for events in (replies, pickups):
        on_leave = _one(db, f"""SELECT count(*) FROM ({events}) e JOIN agent_shifts s
            ON s.agent_id = e.agent_id AND s.shift_date::DATE = e.local_at::DATE WHERE s.is_leave = 'true'""")
        assert on_leave == 0
    # Local daytime in every zone means shifts follow each zone, DST included.
    assert _one(db, f"SELECT count(*) FROM ({replies}) WHERE hour(local_at) NOT BETWEEN 6 AND 21") == 0
    zones = {r[0] for r in db.execute("SELECT DISTINCT timezone FROM agents").fetchall()}
    assert {"Europe/Berlin", "America/New_York"} <= zones and 25 <= _one(db, "SELECT count(*) FROM agents") <= 40


def test_late_ticket_type_appears_only_at_the_end_of_the_window(db):
    first_seen = dict(db.execute("SELECT ticket_type, min(created) FROM ticket GROUP BY 1").fetchall())
    cutoff = _one(db, "SELECT min(created) + (max(created) - min(created)) * 0.8 FROM ticket")
    late = [t for t, seen in first_seen.items() if seen > cutoff]
    assert len(late) == 1 and len(first_seen) >= 6


def test_customers_repeat_contacts_of_the_same_type_within_a_week(db):
    assert _one(db, """SELECT count(*) FROM (SELECT created, lead(created) OVER (PARTITION BY customer_id,
                       ticket_type ORDER BY created) AS nxt FROM ticket) WHERE nxt - created <= INTERVAL 7 DAY""") > 50


def test_calls_abandon_share_and_wait_times(db):
    abandoned, no_agent, waits, linked = db.execute(f"""
        SELECT avg((answered_at IS NULL)::INT), count(*) FILTER (WHERE answered_at IS NULL AND agent_id IS NOT NULL),
               median(epoch({TS.format('answered_at')} - {TS.format('queued_at')})),
               count(*) FILTER (WHERE ticket_id IS NOT NULL) FROM calls""").fetchone()
    assert 0.06 < abandoned < 0.15 and no_agent == 0 and 10 < waits < 120 and linked > 0
    assert _one(db, "SELECT count(*) FROM calls c JOIN ticket t USING (ticket_id) WHERE t.channel <> 'phone'") == 0


def test_surveys_cover_every_scale_with_realistic_non_response(db):
    scales = {r[0] for r in db.execute("SELECT DISTINCT scale FROM survey_responses").fetchall()}
    assert scales == set(SCALE_RANGES)
    non_response = _one(db, "SELECT avg((responded_at IS NULL)::INT) FROM survey_responses")
    assert 0.3 < non_response < 0.5
    assert _one(db, "SELECT count(*) FROM survey_responses WHERE (responded_at IS NULL) <> (score IS NULL)") == 0
    assert _one(db, "SELECT count(*) FROM survey_responses WHERE survey_type = 'nps' AND ticket_id IS NOT NULL") == 0
    assert _one(db, "SELECT count(*) FROM survey_responses WHERE survey_type = 'csat' AND agent_id IS NULL") == 0


def test_customers_churn_and_commerce_behaviour(db):
    churn = _one(db, f"SELECT avg(({TS.format('churned_at')} IS NOT NULL)::INT) FROM customers")
    assert 0.08 < churn < 0.18
    assert _one(db, f"""SELECT count(*) FROM ticket t JOIN customers c USING (customer_id) WHERE
                        t.created NOT BETWEEN {TS.format('c.created_at')} AND {TS.format('c.churned_at')}""") == 0
    statuses = dict(db.execute("SELECT status, count(*) FROM orders GROUP BY 1").fetchall())
    assert statuses.keys() == set(ACCEPTED_VALUES[("orders", "status")])
    on_time = _one(db, "SELECT avg((shipped_on_time = 'true')::INT) FROM orders WHERE status = 'shipped'")
    assert 0.9 < on_time < 1
    # each repeat order against the customer's earlier ones: a new category, or a higher tier in a known one
    repeat_buyers, cross, up = db.execute(f"""
        WITH o AS (SELECT customer_id, {TS.format('ordered_at')} AS ts, p.category, p.tier::INT AS tier
                   FROM orders JOIN products p USING (product_id)),
        repeat AS (SELECT o.customer_id, bool_and(e.category <> o.category) AS new_category,
                          bool_or(e.category = o.category AND e.tier < o.tier) AS upgrade
                   FROM o JOIN o e ON e.customer_id = o.customer_id AND e.ts < o.ts GROUP BY o.customer_id, o.ts)
        SELECT count(DISTINCT customer_id), count(DISTINCT customer_id) FILTER (WHERE new_category),
               count(DISTINCT customer_id) FILTER (WHERE upgrade) FROM repeat""").fetchone()
    assert repeat_buyers > 0 and 0 < cross < repeat_buyers and 0 < up < repeat_buyers
    assert _one(db, f"""SELECT count(*) FROM reviews r JOIN orders o USING (order_id)
                        WHERE {TS.format('r.created_at')} < {TS.format('o.ordered_at')}""") == 0
    escalated = _one(db, "SELECT count(*) FROM self_service_sessions s JOIN ticket t USING (ticket_id) "
                         "WHERE s.resolved = 'false'")
    assert escalated > 0


# ---------------------------------------------------------------- bad rows


def _seed_channels() -> set[str]:
    with (REPO / "seeds" / "channels.csv").open(newline="") as f:
        return {row["channel"] for row in csv.DictReader(f)}


def _bad_rows_that_are_not_bad(con: duckdb.DuckDBPyConnection, entity: str, rule: str, column: str) -> int:
    """How many manifest rows of (entity, rule, column) do not actually break that rule."""
    key = ENTITIES[entity].key
    row = f"(SELECT * FROM raw_{entity} r JOIN bad b ON b.file = r._file AND b.line = r._line " \
          f"WHERE b.entity = '{entity}' AND b.rule = '{rule}' AND b.column_name = '{column}')"
    if rule == "malformed_timestamp":
        kind = ENTITIES[entity].columns[column]
        broken = f"{column} IS NOT NULL AND {PARSES[kind].format(column)} IS NULL"
    elif rule == "non_numeric":
        broken = f"try_cast({column} AS DOUBLE) IS NULL AND {column} IS NOT NULL"
    elif rule == "score_out_of_scale":
        score = f"try_cast({column} AS INT)"
        ranges = " ".join(f"WHEN '{s}' THEN {score} NOT BETWEEN {lo} AND {hi}" for s, (lo, hi) in SCALE_RANGES.items())
        broken = f"CASE scale {ranges} END" if entity == "survey_responses" else f"{score} NOT BETWEEN 1 AND 5"
    elif rule == "unknown_ticket":
        broken = f"{column} NOT IN (SELECT ticket_id FROM ticket)"
    elif rule == "reply_before_ticket":
        broken = f"{TS.format(column)} < (SELECT created FROM ticket t WHERE t.ticket_id = x.ticket_id)"
    elif rule == "duplicate_key":
        same_key = " AND ".join(f"g.{k} = x.{k}" for k in key)
        broken = (f"EXISTS (SELECT 1 FROM raw_{entity} g WHERE {same_key} AND g._file = x._file "
                  f"AND g._line > x._line AND g.{column} IS DISTINCT FROM x.{column})")
    elif rule == "negative_duration":
        starts = {"updated_at": "created_at", "ended_at": "answered_at", "responded_at": "sent_at"}
        broken = (f"{TS.format(column)} < {TS.format(starts[column])}" if column in starts
                  else f"try_cast({column} AS INT) < 0")
    else:  # unknown_value
        allowed = _seed_channels() if column == "channel" else set(ACCEPTED_VALUES[(entity, column)])
        broken = f"{column} NOT IN ({', '.join(repr(v) for v in sorted(allowed))})"
    return _one(con, f"SELECT count(*) FROM {row} x WHERE NOT coalesce({broken}, false)")


def test_bad_rows_cover_every_rule_and_each_really_breaks_its_rule(db):
    rules = {r[0] for r in db.execute("SELECT DISTINCT rule FROM bad").fetchall()}
    assert rules == set(RULE_NAMES)
    for entity, by_rule in BAD_ROW_RULES.items():
        listed = {r[0] for r in db.execute(f"SELECT DISTINCT rule FROM bad WHERE entity = '{entity}'").fetchall()}
        assert listed == set(by_rule), entity
        for rule, columns in by_rule.items():
            for column in columns:
                assert _bad_rows_that_are_not_bad(db, entity, rule, column) == 0, (entity, rule, column)


def test_bad_rows_are_added_and_the_manifest_points_at_them(base, db):
    root, written = base
    entries = json.loads((root / MANIFEST_NAME).read_text())
    assert {tuple(e) for e in entries} == {("entity", "key", "rule", "column_name", "file", "line")}
    for entity in ENTITIES:
        n_bad = sum(e["entity"] == entity for e in entries)
        assert 0 < n_bad < 0.05 * written[entity] + 5, entity
        # the key in the manifest is the key on that line
        key = ENTITIES[entity].key
        mismatched = _one(db, f"""SELECT count(*) FROM raw_{entity} r JOIN bad b ON b.file = r._file
            AND b.line = r._line WHERE {' OR '.join(f"b.key->>'{k}' IS DISTINCT FROM r.{k}" for k in key)}""")
        assert mismatched == 0, entity
    # good rows stay complete: the same seed without bad rows writes exactly the good rows
    assert _one(db, "SELECT count(*) FROM tickets") == TICKETS
    assert _one(db, "SELECT count(*) FROM message WHERE ticket_id NOT IN (SELECT ticket_id FROM ticket)") == 0


def test_no_bad_rows_when_the_share_is_zero_and_good_rows_do_not_depend_on_it(clean, db):
    root, con = clean
    assert json.loads((root / MANIFEST_NAME).read_text()) == []
    for entity in ENTITIES:
        rows = f"SELECT * EXCLUDE (_file, _line) FROM {entity} ORDER BY ALL"
        assert con.execute(rows).fetchall() == db.execute(rows).fetchall(), entity


# ---------------------------------------------------------------- nightly files


def test_nights_split_the_last_days_into_dated_files(nightly):
    root, con = nightly
    nights = ["2026-10-30", "2026-10-31"]
    for entity in ENTITIES:
        names = sorted(p.name for p in (root / entity).glob("*.csv"))
        expected = [f"{entity}_history.csv"] + ([] if entity in REFERENCE else [f"{entity}_{d}.csv" for d in nights])
        assert names == sorted(expected), entity
    # every good event row sits in the file of its own day; history holds the days before
    for entity, column in [("ticket_messages", "created_at"), ("ticket_status_changes", "changed_at"),
                           ("calls", "queued_at"), ("orders", "ordered_at")]:
        misplaced = _one(con, f"""SELECT count(*) FROM {entity} WHERE CASE
            WHEN _file LIKE '%history%' THEN {TS.format(column)}::DATE >= DATE '{nights[0]}'
            ELSE strftime({TS.format(column)}, '%Y-%m-%d') <> regexp_extract(_file, '(\\d{{4}}-\\d{{2}}-\\d{{2}})')
            END""")
        assert misplaced == 0, entity


def test_nightly_ticket_files_hold_new_versions_of_changed_tickets(nightly):
    con = nightly[1]
    history, last_night = "tickets/tickets_history.csv", "tickets/tickets_2026-10-31.csv"
    changed = _one(con, f"""SELECT count(*) FROM tickets h JOIN tickets n USING (ticket_id)
        WHERE h._file = '{history}' AND n._file = '{last_night}' AND h.status <> n.status
        AND {TS.format('n.updated_at')} > {TS.format('h.updated_at')}""")
    assert changed > 0
    stale = _one(con, f"""SELECT count(*) FROM tickets WHERE _file = '{history}'
        AND {TS.format('updated_at')} >= TIMESTAMP '2026-10-30'""")
    assert stale == 0
    new_in_night = _one(con, f"""SELECT count(*) FROM tickets WHERE _file = '{last_night}'
        AND {TS.format('created_at')} >= TIMESTAMP '2026-10-31'""")
    assert new_in_night > 0


def test_a_rerun_replaces_earlier_files_and_bad_arguments_are_refused(tmp_path):
    generate(tmp_path, tickets=200, days=30, nights=2)
    generate(tmp_path, tickets=200, days=30, nights=0)
    assert sorted(p.name for p in (tmp_path / "tickets").iterdir()) == ["tickets_history.csv"]
    for bad in (dict(nights=30), dict(bad_rows_share=-0.1), dict(tickets=0)):
        with pytest.raises(ValueError):
            generate(tmp_path, **{"tickets": 200, "days": 30, **bad})


# The connector generators' output for one small call, as it was before they shared
# support_warehouse/generate_connector.py: a digest over every file's path and bytes.
CONNECTOR_DIGESTS = {
    "zendesk": "06d57239e5097b2ac4a402ff99870292c2dbc0b52b804be67d2473a9ae50f613",
    "intercom": "3ee66168d5a76289583df2ec5be8c36e99414a131ce74c8845bebc780cec4622",
}


@pytest.mark.parametrize("system", sorted(CONNECTOR_DIGESTS))
def test_connector_generators_give_the_same_bytes_for_a_seed(system: str, tmp_path: Path) -> None:
    from support_warehouse.generate_intercom import generate_intercom
    from support_warehouse.generate_zendesk import generate_zendesk

    def write(out: Path, seed: int) -> str:
        if system == "zendesk":
            generate_zendesk(out, tickets=40, days=20, seed=seed, end_date=date(2026, 3, 1), bad_rows=False)
        else:
            generate_intercom(out, conversations=40, days=20, seed=seed, end_date=date(2026, 3, 1), bad_rows=False)
        files = _digest(out)
        assert files and all(name.startswith(f"{system}/") for name in files)
        return hashlib.sha256("".join(f"{name}{digest}" for name, digest in files.items()).encode()).hexdigest()

    first = write(tmp_path / "a", seed=7)
    assert write(tmp_path / "b", seed=7) == first
    assert write(tmp_path / "c", seed=8) != first
    assert first == CONNECTOR_DIGESTS[system]
