"""The same project on Spark (dbt-spark, method session) gives the same numbers as on DuckDB.

One small generated dataset is loaded and built on both engines: `dbt build` with seeds and models
on both; the data tests only on DuckDB (on identical relations they can only agree, and on Spark
they would double the build time). Unit tests run on neither here: they check model logic on fixed
inputs (tests/test_dbt_unit_tests.py runs them on DuckDB); on Spark each costs a table per input
and a query planned on the driver, 43 % of the Spark build's node time (2026-12-07). Spark runs in
a subprocess (this file run as a script) so its JVM stays out of the other tests; it exports every
relation of the compared schemas to Parquet, and the comparison runs here: `kpi_scorecard` row by
row (identical metric ids, periods and dimension values; values within 1e-9 relative), then every
other relation of the staging, marts and audit schemas, and the raw layer the Spark loader wrote.

Needs the `spark` extra (pyspark, dbt-spark) and Java 17+; skipped otherwise. Takes a few
minutes on two cores: SW_SPARK_TEST=0 skips it (any other value, or none, runs it).
"""

from __future__ import annotations

import gzip
import json
import math
import os
import shutil
import subprocess
import sys
import time
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import duckdb

from support_warehouse import config
from support_warehouse.contract import ENTITIES
import pytest

REPO = Path(__file__).resolve().parent.parent

TICKETS = 3000
DAYS = 21
NIGHTS = 2
SEED = 11
BAD_ROWS_SHARE = 0.02
END_DATE = date(2026, 10, 31)

REL_TOL = 1e-9
ABS_TOL = 1e-9
# Intermediate models are views or tables the marts are built from: compared through the marts.
COMPARED_SCHEMAS = ("staging", "marts", "audit")
SCORECARD = "marts.kpi_scorecard"
# Columns that differ by construction: when and by which run a row was loaded; and staging's
# payload_hash, a fingerprint compared only within one engine, of text renderings that differ
# for special doubles (DuckDB 'nan', '-inf', '1e+20'; Spark 'NaN', '-Infinity', '1.0E20').
IGNORED_COLUMNS = {"_loaded_at", "_load_id", "loaded_at", "load_id", "payload_hash"}
SPARK_TIMEOUT_S = 1500
# `dbt build` on both engines leaves out the unit tests; Spark also the data tests (docstring)
NOT_BUILT = ["--exclude-resource-type", "unit_test"]
NOT_BUILT_ON_SPARK = [*NOT_BUILT, "--exclude-resource-type", "test"]


def _spark_available() -> str | None:
    """Why the Spark test cannot run here, or None."""
    if os.environ.get("SW_SPARK_TEST", "1") == "0":
        return "SW_SPARK_TEST=0"
    try:
        import pyspark  # noqa: F401

        import dbt.adapters.spark  # noqa: F401
    except ImportError as e:
        return f"the spark extra is not installed ({e.name}): pip install -e '.[spark]'"
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (Spark needs Java 17+)"
    return None


# ------------------------------------------------------------------------------ edge cases


def write_edge_cases(landing: Path) -> None:
    """Extra landing files for what the generator does not write: reader edge cases (blank line,
    short and long rows, a multi-line value, an open quote, JSON lines that are not objects, a
    typed Parquet file, extra and case-variant columns) and text the two engines' casts treat
    differently unless the cross-db macros align them (timestamp shapes, '1.5' as a whole
    number, '1.5d' as a double, '2026' as a date)."""
    t = landing / "tickets"
    t.mkdir(parents=True, exist_ok=True)
    header = "ticket_id,customer_id,channel,ticket_type,priority,status,assignee_id,created_at,updated_at,Note\n"
    rows = [
        'ZT1,ZC1,email,billing,normal,open,,2026-10-20 10:00,2026-10-20T10:05:00+0200,plain',
        'ZT2,ZC1,chat,billing,normal,open,,2026/10/20 10:00:00,2026-10-20 11:00:00 UTC,"quoted, comma"',
        '',
        'ZT3,ZC1,chat,billing,normal,open,,2026-10-20T10,,hour only',
        'ZT4,ZC1,chat,billing,normal,open,,2026,,year only',
        'ZT5,ZC1,chat',
        'ZT6,ZC1,chat,billing,normal,open,,2026-10-20T10:00:00Z,,x,extra',
        'ZT7,ZC1,chat,billing,normal,open,,2026-10-20T10:00:00.123456-05:30,,"multi\nline note"',
        'ZT8,ZC1,chat,billing,normal,open,,2026-10-20T09:00:00 Europe/Paris,,zone name',
        'ZT9,ZC1,chat,billing,normal,open,,"2026-10-20T10:00:00Z,,open quote',
        'ZT10,ZC1,chat,billing,normal,open,,2026-10-21T08:00:00+05:30,,after the open quote',
        'ZT11,ZC1,chat,billing,normal,open,,2026-02-30T10:00:00Z,,bad day',
        'ZT12,ZC1,chat,billing,normal,open,,2026-10-20t10:00:00z,,lower case',
    ]
    (t / "tickets_edge_cases.csv").write_bytes((header + "\n".join(rows) + "\n").encode())
    o = landing / "orders"
    o.mkdir(parents=True, exist_ok=True)
    oh = "order_id;customer_id;ordered_at;product_id;quantity;amount;status;shipped_on_time\n"
    orows = [
        "ZO1;ZC1;2026-10-20T10:00:00Z;P1;1.5;12.5;placed;true",
        "ZO2;ZC1;2026-10-20T10:00:00Z;P1;3.0;1e3;shipped;yes",
        "ZO3;ZC1;2026-10-20T10:00:00Z;P1;1e3;1.5d;shipped;no",
        "ZO4;ZC1;2026-10-20T10:00:00Z;P1;0x10;NaN;cancelled;T",
        "ZO5;ZC1;2026-10-20T10:00:00Z;P1; 7 ;.5;returned;0",
        "ZO6;ZC1;2026-10-20T10:00:00Z;P1;+4;-inf;placed;maybe",
    ]
    (o / "orders_edge_cases.csv").write_bytes((oh + "\n".join(orows) + "\n").encode())
    s = landing / "agent_shifts"
    s.mkdir(parents=True, exist_ok=True)
    (s / "agent_shifts_edge_cases.csv").write_text(
        "agent_id,shift_date,scheduled_minutes,is_leave\n"
        "ZA1,2026-10-20T08:00,480,false\nZA1,2026,480,false\nZA1,2026-10,480,false\nZA1,2026/10/22,480,f\n"
    )
    m = landing / "ticket_messages"
    m.mkdir(parents=True, exist_ok=True)
    (m / "ticket_messages_edge_cases.jsonl").write_text(
        '{"message_id": "ZM1", "ticket_id": "ZT1", "author_type": "agent", "author_id": "A1", "is_public": true, '
        '"created_at": "2026-10-20T11:00:00Z", "Score": 1.50, "meta": {"k": [1, 2]}}\n'
        "\n"
        '{"message_id": "ZM2",\n'
        "[1, 2]\n"
        '{"MESSAGE_ID": "ZM3", "ticket_id": "ZT1", "author_type": "customer", "author_id": "ZC1", '
        '"is_public": "no", "created_at": "2026-10-20 12:00:00+02"}\n'
    )
    # CRLF line ends, a blank line and a byte that is not UTF-8; gzip; a '|' delimiter.
    (t / "tickets_edge_crlf.csv").write_bytes(
        b"ticket_id,customer_id,channel,ticket_type,priority,status,assignee_id,created_at,updated_at\r\n"
        b"ZX1,ZC1,email,billing,normal,open,,2026-10-20T10:00:00Z,\r\n\r\n"
        b"ZX2,ZC\xff1,email,billing,normal,open,,2026-10-20T10:00:00Z,\r\n"
        b"ZX3,ZC1,email,billing,low,solved,,2026-10-20T10:00:00Z,2026-10-22T10:00:00Z\r\n"
    )
    c = landing / "customers"
    c.mkdir(parents=True, exist_ok=True)
    (c / "customers_edge_cases.csv.gz").write_bytes(
        gzip.compress(b"customer_id,name,email,tier,country,created_at,churned_at\nZC1,Zed,ZED@example.com ,premium,de,2026-01-01,\n")
    )
    # Files quarantined whole: a truncated gzip and a file missing a required column.
    whole = gzip.compress(b"customer_id,name,email,tier,country,created_at,churned_at\n" + b"ZC9,Q,q@example.com,standard,de,2026-01-01,\n" * 4000)
    (c / "customers_truncated.csv.gz").write_bytes(whole[: len(whole) // 2])
    k = landing / "calls"
    k.mkdir(parents=True, exist_ok=True)
    (k / "calls_no_hold_seconds.csv").write_text(
        "call_id,customer_id,agent_id,ticket_id,queued_at,answered_at,ended_at,wrap_up_seconds\n"
        "ZK1,ZC1,,,2026-10-20T10:00:00Z,,2026-10-20T10:01:00Z,0\n"
    )
    p = landing / "products"
    p.mkdir(parents=True, exist_ok=True)
    (p / "products_edge_cases.csv").write_text("product_id|name|category|tier|price\nZP1|Widget|gadgets|2|9.90\nZP2|Gizmo|gadgets|2.0|1,5\n")
    r = landing / "reviews"
    r.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    con.execute(
        f"""copy (select * from (values
            ('ZR1', 'ZC1', 'ZO1', 'amazon', 5, timestamptz '2026-10-20 10:00:00+00', 1.25::double),
            ('ZR2', 'ZC1', 'ZO2', 'ebay', 9, timestamptz '2026-10-21 23:30:00.5+00', null)
        ) as v(review_id, customer_id, order_id, marketplace, rating, created_at, helpful))
        to '{r / "reviews_edge_cases.parquet"}' (format parquet)"""
    )
    con.close()


# ---------------------------------------------------------------------------- the Spark side


def spark_side(landing: Path, work: Path, out: Path) -> int:
    """Load `landing` with Spark, dbt seed + run on target spark, export relations to `out`."""
    os.environ["SW_SPARK_WAREHOUSE_DIR"] = str(work / "spark-warehouse")
    os.environ.setdefault("SW_SPARK_MASTER", "local[2]")
    os.environ.setdefault("SW_SPARK_SHUFFLE_PARTITIONS", "2")
    os.environ.setdefault("SW_SPARK_DRIVER_MEMORY", "2g")
    # A few MB of data: adaptive re-planning per stage costs more than it saves.
    os.environ.setdefault("SW_SPARK_ADAPTIVE", "false")
    # dbt-spark's time on small data goes to planning deep view chains on the driver: more dbt
    # threads keep both cores busy.
    os.environ.setdefault("SW_SPARK_THREADS", "4")
    sys.path.insert(0, str(REPO))
    from support_warehouse import load_spark
    from support_warehouse.dbt_runner import run_dbt

    timings: dict[str, float] = {}
    t0 = time.monotonic()
    # Small memory pages: a plan with dozens of sorts in one stage must not run out of them.
    # Whole-stage code generation compiles Java per query: on tiny data the compile is most of
    # the query time (dbt-spark's getOrCreate keeps settings its profile does not name).
    spark = load_spark.spark_session({"spark.buffer.pageSize": "2m", "spark.sql.codegen.wholeStage": "false"})
    timings["session"] = time.monotonic() - t0
    t = time.monotonic()
    results = load_spark.load_all_spark(spark, landing)
    timings["load"] = time.monotonic() - t
    report: dict = {
        "load": {
            e: {"rows": r.rows_loaded, "rejected": r.rows_rejected, "error": r.error,
                "quarantined": sorted(r.files_quarantined)}
            for e, r in results.items()
        },
        "dbt": {},
    }
    t = time.monotonic()
    res = run_dbt(
        ["build", *NOT_BUILT_ON_SPARK],
        target="spark", target_path=work / "target-spark", log_path=work / "logs-spark",
    )
    timings["dbt build"] = time.monotonic() - t
    report["dbt"] = {
        "exception": str(res.exception) if res.exception else None,
        "nodes": node_outcomes(res),
    }
    t = time.monotonic()
    names = [
        f"{schema}.{table.name}"
        for schema in (*COMPARED_SCHEMAS, "raw")
        if spark.catalog.databaseExists(schema)
        for table in spark.catalog.listTables(schema)
    ]

    def export(name: str) -> tuple[str, dict[str, str]]:
        df = spark.table(name)
        df.coalesce(1).write.mode("overwrite").parquet(str(out / name))
        return name, {f.name: f.dataType.simpleString() for f in df.schema.fields}

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        relations = dict(pool.map(export, names))
    timings["export"] = time.monotonic() - t
    timings["total"] = time.monotonic() - t0
    report["relations"] = relations
    report["timings"] = timings
    (out / "report.json").write_text(json.dumps(report, indent=2))
    return 0


def node_outcomes(res) -> dict[str, dict]:
    """unique_id -> status, failures (rows a test returned) and message, of a dbt invocation."""
    out = {}
    for r in getattr(res.result, "results", None) or res.result or []:
        out[r.node.unique_id] = {
            "status": str(getattr(r.status, "value", r.status)).lower(),
            "failures": r.failures,
            "message": (r.message or "").strip()[:2000],
        }
    return out


# ----------------------------------------------------------------------------- comparison


def _norm(v):
    """A value both engines can agree on: naive UTC datetimes, floats for decimals."""
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.astimezone(timezone.utc).replace(tzinfo=None)
    return v


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, float) and math.isnan(a) or isinstance(b, float) and math.isnan(b):
            return isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return a == b


def _sort_key(row: tuple) -> tuple:
    """Order rows so the same rows line up on both engines; floats rounded so tiny differences
    do not reorder them, None first."""
    out = []
    for v in row:
        if v is None:
            out.append((0, ""))
        elif isinstance(v, float):
            out.append((1, "nan" if math.isnan(v) else f"{v:.6e}" if v else "0"))
        elif isinstance(v, bool):
            out.append((2, str(v)))
        elif isinstance(v, (int, Decimal)):
            out.append((1, f"{float(v):.6e}" if v else "0"))
        else:
            out.append((3, str(v)))
    return tuple(out)


# DuckDB builds the marts into catalog `marts` (schema main), Spark into schema marts.
DUCK_SCHEMA = "case when table_catalog = 'marts' then 'marts' else table_schema end"


def compare_relation(duck, name: str, spark_path: Path, spark_columns: dict[str, str]) -> list[str]:
    """Differences between the DuckDB relation and Spark's export (empty list: equal)."""
    schema, table = name.split(".", 1)
    duck_cols = [
        r[0]
        for r in duck.execute(
            f"select column_name from information_schema.columns where {DUCK_SCHEMA} = ? and table_name = ? "
            "order by ordinal_position",
            [schema, table],
        ).fetchall()
    ]
    if not duck_cols:
        return [f"{name}: missing on DuckDB"]
    problems = []
    spark_lower = {c.lower(): c for c in spark_columns}
    missing = [c for c in duck_cols if c.lower() not in spark_lower]
    extra = [c for c in spark_columns if c.lower() not in {d.lower() for d in duck_cols}]
    if missing or extra:
        problems.append(f"{name}: columns differ (only DuckDB: {missing}, only Spark: {extra})")
    cols = [c for c in duck_cols if c.lower() in spark_lower and c.lower() not in IGNORED_COLUMNS]
    quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in cols)
    duck_rows = [tuple(_norm(v) for v in r) for r in duck.execute(f'select {quoted} from "{schema}"."{table}"').fetchall()]
    files = sorted(str(p) for p in spark_path.glob("*.parquet"))
    if files:
        spark_quoted = ", ".join('"' + spark_lower[c.lower()].replace('"', '""') + '"' for c in cols)
        spark_rows = [
            tuple(_norm(v) for v in r)
            for r in duck.execute(f"select {spark_quoted} from read_parquet(?)", [files]).fetchall()
        ]
    else:
        spark_rows = []
    if len(duck_rows) != len(spark_rows):
        problems.append(f"{name}: {len(duck_rows)} rows on DuckDB, {len(spark_rows)} on Spark")
    duck_rows.sort(key=_sort_key)
    spark_rows.sort(key=_sort_key)
    shown = 0
    for i, (d, s) in enumerate(zip(duck_rows, spark_rows)):
        bad = [c for c, a, b in zip(cols, d, s) if not _close(a, b)]
        if bad:
            if shown < 5:
                problems.append(
                    f"{name} row {i}: "
                    + "; ".join(f"{c}: duckdb={a!r} spark={b!r}" for c, a, b in zip(cols, d, s) if c in bad)
                    + f"  (row on DuckDB: {dict(zip(cols, d))})"
                )
            shown += 1
    if shown > 5:
        problems.append(f"{name}: {shown} differing rows in all")
    return problems


# --------------------------------------------------------------------------------- the test


@pytest.fixture(scope="module")
def engines(tmp_path_factory):
    reason = _spark_available()
    if reason:
        pytest.skip(reason)
    from support_warehouse import load
    from support_warehouse.dbt_runner import run_dbt
    from support_warehouse.generate import generate

    base = tmp_path_factory.mktemp("spark_parity")
    landing = base / "landing"
    generate(
        out_dir=landing, tickets=TICKETS, days=DAYS, seed=SEED, bad_rows_share=BAD_ROWS_SHARE,
        end_date=END_DATE, nights=NIGHTS,
    )
    write_edge_cases(landing)

    # Spark first, in the background, while DuckDB builds here.
    out = base / "spark_export"
    out.mkdir()
    env = dict(os.environ)
    env.pop("SW_DBT_TARGET", None)
    started = time.monotonic()
    spark_proc = subprocess.Popen(
        [sys.executable, __file__, "spark-side", str(landing), str(base), str(out)],
        cwd=str(REPO), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )

    warehouse = base / "warehouse.duckdb"
    con = load.connect(warehouse)
    try:
        duck_results = load.load_all(con, landing)
        load.raise_for_errors(duck_results)
    finally:
        con.close()
    # the Spark loader reads the contract entities (connector tables build empty there)
    duck_quarantined = {e: sorted(r.files_quarantined) for e, r in duck_results.items() if e in ENTITIES}
    res = run_dbt(["build", *NOT_BUILT], target="duckdb", warehouse=warehouse,
                  target_path=base / "target-duckdb", log_path=base / "logs-duckdb")
    assert res.exception is None, f"dbt build could not run on DuckDB: {res.exception}"
    duck_nodes = node_outcomes(res)
    # Ephemeral on DuckDB (CTEs of their reader, no node run), views on Spark.
    duck_manifest = json.loads((base / "target-duckdb" / "manifest.json").read_text())
    duck_ephemeral = {
        uid for uid, n in duck_manifest["nodes"].items() if n["config"].get("materialized") == "ephemeral"
    }

    try:
        log, _ = spark_proc.communicate(timeout=SPARK_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        spark_proc.kill()
        log, _ = spark_proc.communicate()
        pytest.fail(f"the Spark build took over {SPARK_TIMEOUT_S} s:\n{log[-5000:]}")
    elapsed = time.monotonic() - started
    (base / "spark.log").write_text(log or "")
    assert spark_proc.returncode == 0, f"the Spark side failed:\n{(log or '')[-5000:]}"
    report = json.loads((out / "report.json").read_text())
    report["timings"]["wall"] = elapsed
    print("\nSpark timings (s): " + ", ".join(f"{k} {v:.0f}" for k, v in report["timings"].items()))

    duck = config.connect_build(warehouse, read_only=True)
    duck.execute("set TimeZone = 'UTC'")
    # the base_ views hash PII with the key dbt's connections get (plugin support_warehouse.dbt_duckdb_pii)
    from support_warehouse.dbt_duckdb_pii import Plugin

    Plugin(name="pii", plugin_config={}).configure_connection(duck)
    yield {"duck": duck, "report": report, "out": out, "duck_nodes": duck_nodes, "duck_ephemeral": duck_ephemeral,
           "duck_quarantined": duck_quarantined}
    duck.close()


def test_spark_loads_and_builds_every_model(engines):
    report = engines["report"]
    errors = {e: r["error"] for e, r in report["load"].items() if r["error"]}
    assert not errors, f"Spark load failed: {errors}"
    assert report["dbt"]["exception"] is None, f"dbt build could not run on Spark: {report['dbt']['exception']}"
    broken = {
        uid: n["message"]
        for uid, n in report["dbt"]["nodes"].items()
        if uid.split(".")[0] in ("model", "seed") and n["status"] != "success"
    }
    assert not broken, "models or seeds that did not build on Spark:\n" + "\n".join(
        f"{uid} [{report['dbt']['nodes'][uid]['status']}]: {msg}" for uid, msg in sorted(broken.items())
    )


def test_both_engines_quarantine_the_same_files(engines):
    spark_quarantined = {e: r["quarantined"] for e, r in engines["report"]["load"].items()}
    assert spark_quarantined == engines["duck_quarantined"]
    assert spark_quarantined["customers"] == ["customers/customers_truncated.csv.gz"]
    assert spark_quarantined["calls"] == ["calls/calls_no_hold_seconds.csv"]


def test_dbt_build_has_the_same_outcome_on_both_engines(engines):
    """`dbt build` (seeds and models; data tests run on DuckDB only) ends the same way node by
    node. Models ephemeral on DuckDB run only on Spark (as views) and must succeed there."""
    spark_nodes = engines["report"]["dbt"]["nodes"]
    duck_nodes = {uid: n for uid, n in engines["duck_nodes"].items() if uid.split(".")[0] != "test"}
    built = {uid.split(".")[0] for uid in spark_nodes}
    assert {"model", "seed"} <= built and "unit_test" not in built, built
    assert sum(uid.startswith("model.") for uid in duck_nodes) > 50, sorted(duck_nodes)
    problems = []
    for uid in sorted(set(spark_nodes) | set(duck_nodes)):
        d, s = duck_nodes.get(uid), spark_nodes.get(uid)
        if d is None and s is not None and uid in engines["duck_ephemeral"]:
            if s["status"] != "success":
                problems.append(f"{uid}: ephemeral on DuckDB, Spark {s['status']}: {s['message'][:500]}")
        elif d is None or s is None:
            problems.append(f"{uid}: only ran on {'Spark' if d is None else 'DuckDB'}")
        elif (d["status"], d["failures"]) != (s["status"], s["failures"]):
            problems.append(
                f"{uid}: DuckDB {d['status']} ({d['failures']} rows), Spark {s['status']} "
                f"({s['failures']} rows): {s['message'][:500]}"
            )
    assert not problems, "\n".join(problems)


def test_spark_load_matches_duckdb_load(engines):
    """The raw layer: same rows, same lines, same rejects with the same reasons."""
    report, duck, out = engines["report"], engines["duck"], engines["out"]
    problems = []
    for name in sorted(n for n in report["relations"] if n.startswith("raw.") and n != "raw._loaded_files"):
        problems += compare_relation(duck, name, out / name, report["relations"][name])
    assert not problems, "\n".join(problems)


def test_kpi_scorecard_is_identical_on_both_engines(engines):
    report, duck, out = engines["report"], engines["duck"], engines["out"]
    has_duck = duck.execute(
        f"select count(*) from information_schema.tables where {DUCK_SCHEMA} = 'marts' and table_name = 'kpi_scorecard'"
    ).fetchone()[0]
    if not has_duck:
        pytest.skip("marts.kpi_scorecard does not exist yet")
    assert SCORECARD in report["relations"], "kpi_scorecard was not built on Spark"
    assert duck.execute(f"select count(*) from {SCORECARD}").fetchone()[0] > 0
    problems = compare_relation(duck, SCORECARD, out / SCORECARD, report["relations"][SCORECARD])
    assert not problems, "\n".join(problems)


def test_every_model_is_identical_on_both_engines(engines):
    report, duck, out = engines["report"], engines["duck"], engines["out"]
    duck_relations = {
        f"{s}.{t}"
        for s, t in duck.execute(
            f"select {DUCK_SCHEMA}, table_name from information_schema.tables where {DUCK_SCHEMA} in "
            + str(tuple(COMPARED_SCHEMAS))
        ).fetchall()
    }
    spark_relations = {n for n in report["relations"] if n.split(".")[0] in COMPARED_SCHEMAS}
    problems = []
    if duck_relations - spark_relations:
        problems.append(f"only on DuckDB: {sorted(duck_relations - spark_relations)}")
    for name in sorted(duck_relations & spark_relations):
        problems += compare_relation(duck, name, out / name, report["relations"][name])
    assert not problems, "\n".join(problems)


def test_orchestrated_spark_load_runs_the_loader_once_per_run(tmp_path, monkeypatch):
    """On target spark the first raw asset of a run starts the loader for every entity; the
    others read its report (one JVM start per night, never two JVMs on the Derby metastore)."""
    from support_warehouse.orchestration import spark as spark_steps

    monkeypatch.setenv("SW_SPARK_WAREHOUSE_DIR", str(tmp_path / "sw"))
    calls = []

    def fake_run(args, what):
        calls.append(args)
        report = Path(args[args.index("--results-json") + 1])
        report.write_text(json.dumps({
            "tickets": {"rows_loaded": 7, "error": None, "reasons": [["bad", 2]], "total_rows": 9},
            "calls": {"rows_loaded": 0, "error": "calls: x.csv is unreadable", "reasons": [], "total_rows": 0},
        }))

    monkeypatch.setattr(spark_steps, "_run", fake_run)
    assert spark_steps.load_entity(tmp_path, "tickets", "run-1")["total_rows"] == 9
    assert spark_steps.load_entity(tmp_path, "calls", "run-1")["error"] == "calls: x.csv is unreadable"
    assert len(calls) == 1 and calls[0][calls[0].index("--load-id") + 1] == "run-1"
    spark_steps.load_entity(tmp_path, "tickets", "run-2")
    assert len(calls) == 2


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "spark-side":
        raise SystemExit(spark_side(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])))
    raise SystemExit(f"usage: python {sys.argv[0]} spark-side LANDING WORKDIR OUTDIR")
