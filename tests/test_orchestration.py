"""Dagster orchestration (issue 6): definitions, the nightly job in process, checks, sensor,
schedule and the UI's asset graph.

Everything lives under one tmp folder (SW_WAREHOUSE_PATH, SW_LANDING_DIR, SW_PUBLISH_DIR,
DAGSTER_HOME, SW_DBT_TARGET_PATH): nothing touches data/ or target/ of the repository. One night
is run once for the module on a small generated dataset (plus a products file with a short line);
the other tests read what it left behind. The web UI and `dagster definitions validate` start in
the background at the beginning (they read their own copy of the manifest) so their start-up
overlaps the night.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from support_warehouse.contract import ENTITIES
from conftest import THP_ENABLED_SOURCE  # tests/ is on sys.path (rootdir conftest)

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent
SHORT_LINE_ENTITY = "products"


@dataclass
class Env:
    root: Path
    landing: Path
    warehouse: Path
    publish: Path
    dagster_home: Path
    target: Path
    ui_target: Path
    env: dict[str, str]
    parse_after_night: tuple[bytes | None, bytes] | None = None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        payload = json.load(resp)
    assert "errors" not in payload, payload.get("errors")
    return payload["data"]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def _model_keys(manifest: dict) -> dict[str, object]:
    """unique_id -> Dagster asset key, for every model and seed of the manifest that dbt builds
    (ephemeral models are CTEs inside their readers: no relation, no asset)."""
    from support_warehouse.orchestration.dbt import dbt_translator

    t = dbt_translator()
    return {
        uid: t.get_asset_key(node)
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed", "snapshot")
        and node["config"].get("materialized") != "ephemeral"
    }


@pytest.fixture(scope="module")
def env(night_stage) -> Iterator[Env]:
    # the worker's nights' folder (tests/nights.py: in memory when there is room); its own dbt target
    root = night_stage.mktemp("orchestration")
    e = Env(
        root=root,
        landing=root / "landing",
        warehouse=root / "warehouse.duckdb",
        publish=root / "published",
        dagster_home=root / "dagster",
        target=root / "target",
        ui_target=root / "target_ui",
        env={},
    )
    e.env = {
        "SW_LANDING_DIR": str(e.landing),
        "SW_WAREHOUSE_PATH": str(e.warehouse),
        "SW_PUBLISH_DIR": str(e.publish),
        "DAGSTER_HOME": str(e.dagster_home),
        "SW_DBT_TARGET_PATH": str(e.target),
        "SW_DBT_TARGET": "duckdb",
        "SW_SCHEDULE_TZ": "Europe/Berlin",
        "SW_DUCKDB_THREADS": "4",
        "SW_DUCKDB_MEMORY_LIMIT": "2GB",
        "SW_DAGSTER_LOG_LEVEL": "WARNING",
        "DAGSTER_DISABLE_TELEMETRY": "1",
    }
    mp = pytest.MonkeyPatch()
    for k, v in e.env.items():
        mp.setenv(k, v)
    mp.delenv("DBT_TARGET_PATH", raising=False)
    mp.delenv("DBT_LOG_PATH", raising=False)

    from support_warehouse.generate import generate

    generate(e.landing, tickets=100, days=7, seed=11, nights=1)
    # A reader reject: one short line among good rows.
    (e.landing / SHORT_LINE_ENTITY / "products_extra.csv").write_text(
        "product_id,name,category,tier,price\nPX1,Extra Widget,widgets,1,5.0\nPX2,Short\n"
    )

    from support_warehouse.orchestration.instance import ensure_dagster_home
    from support_warehouse.orchestration.project import prepare_manifest

    ensure_dagster_home()
    with pytest.MonkeyPatch.context() as changed:
        # Parsed under another setting than the night's (as after an edited profile setting): the
        # night parses in full once and must keep that parse for the next night.
        changed.setenv("SW_DUCKDB_MEMORY_LIMIT", "1GB")
        prepare_manifest()
    # The UI and the validate command read a snapshot of this manifest (own target folder), so a
    # re-parse by the night cannot change the file under them.
    e.ui_target.mkdir()
    for name in ("manifest.json", "sw_manifest_target.json"):
        shutil.copy2(e.target / name, e.ui_target / name)
    yield e
    mp.undo()


@pytest.fixture(scope="module")
def background(env: Env) -> Iterator[dict]:
    """dagster-webserver and `dagster definitions validate`, started before the night runs."""
    proc_env = {**os.environ, **env.env, "SW_DBT_TARGET_PATH": str(env.ui_target)}
    proc_env["PATH"] = os.pathsep.join([str(BIN), proc_env.get("PATH", "")])
    port = _free_port()
    logs = env.root / "logs"
    logs.mkdir()
    web_log = open(logs / "webserver.log", "w")
    web = subprocess.Popen(
        [str(BIN / "dagster-webserver"), "-m", "support_warehouse.orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO, env=proc_env, stdout=web_log, stderr=subprocess.STDOUT,
    )
    validate = subprocess.Popen(
        [str(BIN / "dagster"), "definitions", "validate", "-m", "support_warehouse.orchestration.definitions"],
        cwd=REPO, env=proc_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        yield {"port": port, "web": web, "web_log": logs / "webserver.log", "validate": validate}
    finally:
        _stop(web)
        _stop(validate)
        web_log.close()


@pytest.fixture(scope="module")
def night(env: Env, background: dict):
    from support_warehouse.orchestration.run import run_nightly

    # Publishing (issue 7, its own tests) is left out: its PII guard judges the generated names.
    from support_warehouse.summary import format_report

    result = run_nightly(publish=False, trigger="test")
    print(format_report(result))
    # Later nights of this module prune old run folders: what this night left is read now.
    parse = env.target / "dagster_runs" / result.run_id / "partial_parse.msgpack"
    shared = env.target / "partial_parse.msgpack"
    env.parse_after_night = (parse.read_bytes() if parse.exists() else None, shared.read_bytes())
    return result


@pytest.fixture(scope="module")
def defs(env: Env):
    from support_warehouse.orchestration.factory import build_defs

    return build_defs()


# ------------------------------------------------------------------------------------ definitions


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_THP_DISABLE) is Linux only")
def test_code_location_processes_run_without_transparent_huge_pages(env: Env) -> None:
    """A process that loads the definitions (run workers of the daemon and the UI, the CLI's
    refresh) and the dbt it starts get 4 KB pages (support_warehouse.config, why)."""
    probe = THP_ENABLED_SOURCE + """
import ctypes
ctypes.CDLL(None).prctl(41, 0, 0, 0, 0)  # allowed again, whatever this test process passed on

before = thp_enabled()
from support_warehouse.orchestration.definitions import defs
print(before, thp_enabled())
"""
    proc_env = {k: v for k, v in {**os.environ, **env.env}.items() if k != "SW_TRANSPARENT_HUGE_PAGES"}
    out = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=proc_env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split()[-2:] == ["1", "0"], out.stdout[-2000:]


def test_definitions_load_and_connect_raw_to_dbt(env: Env, defs) -> None:
    from dagster import AssetKey, Definitions

    from support_warehouse.orchestration.project import build_dbt_project, load_manifest

    Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    raw = {AssetKey(["raw", e]) for e in ENTITIES}
    assert raw <= graph.executable_asset_keys
    assert {graph.get(k).group_name for k in raw} == {"raw"}

    manifest = load_manifest(build_dbt_project())
    keys = _model_keys(manifest)
    assert set(keys.values()) <= graph.executable_asset_keys, "every dbt model and seed is an asset"
    # dbt sources are the raw assets: each one feeds the models that select from it.
    for uid, node in manifest["nodes"].items():
        for dep in node.get("depends_on", {}).get("nodes", []):
            if dep.startswith("source.") and dep.split(".")[-1] in ENTITIES and uid in keys:
                assert AssetKey(["raw", dep.split(".")[-1]]) in graph.get(keys[uid]).parent_keys

    checks = {(k.asset_key, k.name) for k in graph.asset_check_keys}
    assert {(k, "loads_cleanly") for k in raw} <= checks
    assert {(k, "no_rejected_rows") for k in raw} <= checks
    assert {(k, "source_is_fresh") for k in raw} <= checks, "dbt source freshness of every entity"
    dbt_tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    assert len(checks) >= len(dbt_tests) + 2 * len(raw), "each dbt test is an asset check"

    job = defs.resolve_job_def("nightly_refresh")
    assert set(job.asset_layer.selected_asset_keys) == set(graph.executable_asset_keys), "the job covers all"
    sched = defs.resolve_schedule_def("nightly_refresh_schedule")
    assert (sched.cron_schedule, sched.execution_timezone) == ("0 2 * * *", "Europe/Berlin")
    assert defs.resolve_sensor_def("new_landing_files").job_name == "nightly_refresh"


def test_schedule_requests_the_night_with_tags(env: Env, defs) -> None:
    from datetime import UTC, datetime

    from dagster import DagsterInstance, build_schedule_context

    from support_warehouse.orchestration.resources import WarehouseResource

    sched = defs.resolve_schedule_def("nightly_refresh_schedule")
    with DagsterInstance.get() as instance:
        ctx = build_schedule_context(
            instance=instance,
            scheduled_execution_time=datetime(2026, 11, 1, 1, 0, tzinfo=UTC),
            resources={"warehouse": WarehouseResource()},
        )
        requests = sched.evaluate_tick(ctx).run_requests
    assert len(requests) == 1
    assert requests[0].tags["support_warehouse/trigger"] == "schedule"
    assert int(requests[0].tags["support_warehouse/new_files"]) > 0


# ----------------------------------------------------------------------------------- the night


def test_the_night_keeps_its_parse_for_the_next_night(night, env: Env) -> None:
    """dbt writes its partial-parse state into the run's own folder; the night copies it to the
    one file every night reads (`--partial-parse-file-path`), so a project or profile change is
    parsed in full once, not every night (the module's manifest was parsed under another memory
    limit than the night's, see `env`)."""
    run_parse, shared_parse = env.parse_after_night
    assert night.success and run_parse is not None, "the night wrote no parse: nothing was tested"
    assert shared_parse == run_parse
    assert not (env.target / "partial_parse.msgpack.new").exists()


def _parse_with_watermark(env: Env, work: Path, watermark: str, previous: Path) -> tuple[str, dict]:
    """`dbt parse` as the nightly job runs dbt (same profile and target, the watermark in
    SW_CHANGED_SINCE) from the partial-parse file `previous`; dbt's log and its manifest."""
    from support_warehouse.orchestration.project import dbt_executable

    proc_env = {**os.environ, "SW_CHANGED_SINCE": watermark, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run(
        [dbt_executable(), "parse", "--project-dir", str(REPO), "--profiles-dir", str(REPO), "--target", "duckdb",
         "--target-path", str(work), "--log-path", str(work), "--partial-parse-file-path", str(previous)],
        cwd=REPO, env=proc_env, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return (work / "dbt.log").read_text(), json.loads((work / "manifest.json").read_text())


def test_a_new_watermark_reparses_only_the_files_that_read_it(night, env: Env) -> None:
    """The watermark reaches dbt as an env var, not `--vars`: two later nights with other
    watermarks than this night's (none) each parse partially from the parse the night kept,
    re-parse only the files reading SW_CHANGED_SINCE, and their scoped tests' `where` use their
    own watermark (a new var would have made dbt parse the whole project every night)."""
    previous = env.target / "partial_parse.msgpack"
    assert night.success and previous.exists()
    for i, watermark in enumerate(["2026-10-30 01:02:03", "2026-10-31 04:05:06"]):
        work = env.root / f"parse_watermark_{i}"
        log, manifest = _parse_with_watermark(env, work, watermark, previous)
        assert "Unable to do partial parsing" not in log, log[-3000:]
        changed = re.search(r"Partial parsing enabled: 0 files deleted, 0 files added, (\d+) files changed", log)
        # the change sets, the models filtering on the watermark and the YAML of scoped tests;
        # not the project's ~360 files
        assert changed and 5 <= int(changed.group(1)) <= 40, log[-3000:]
        where = {
            node["name"]: node["config"].get("where") for node in manifest["nodes"].values()
            if node["resource_type"] == "test"
        }
        assert where["stg_workforce__agent_shifts_column_rules"] == (
            "agent_id in (select agent_id from staging.stg_workforce__agent_shifts"
            f" where _loaded_at > cast('{watermark}' as timestamp))"
        )
        previous = work / "partial_parse.msgpack"


def test_night_succeeds_and_reports_checks(night, env: Env) -> None:
    assert night.success and night.ok, night
    assert night.job_name == "nightly_refresh"
    assert night.step_status["dbt_models"] == "success" and "published__marts" not in night.step_status
    assert night.dbt_run_results is not None and night.dbt_run_results.exists()
    assert night.tags["support_warehouse/trigger"] == "test"
    assert night.tags[f"support_warehouse/loaded.{SHORT_LINE_ENTITY}"].startswith("2 files")
    assert night.dagster_home == env.dagster_home.resolve()

    for e in ENTITIES:
        s = night.entities[e]
        assert len(s.files_loaded) >= 1 and s.rows_loaded > 0 and s.error is None, s
    # The short line: a reader reject -> loads_cleanly warns (the night goes on).
    products = night.entities[SHORT_LINE_ENTITY]
    assert products.rejected_reader == 1 and products.load_check == "warn"
    by = {(c.asset, c.name): c for c in night.checks}
    desc = by[(f"raw/{SHORT_LINE_ENTITY}", "loads_cleanly")].description
    assert "1 record(s) could not be read" in desc and "wrong number of columns" in desc
    assert by[("raw/customers", "loads_cleanly")].status == "passed"
    assert by[("raw/_landing", "only_known_landing_content")].status == "passed"
    fresh = by[("raw/tickets", "source_is_fresh")]
    assert fresh.status == "passed" and "(warn after 36 h, error after 96 h)" in fresh.description
    # The generator's bad rows (score outside its scale, ...) -> no_rejected_rows warns, by reason.
    surveys = by[("raw/survey_responses", "no_rejected_rows")]
    assert surveys.status == "warn"
    assert "rejected row(s) kept in audit.rejected_rows" in surveys.description
    assert night.entities["survey_responses"].rejected_total >= 1
    # dbt tests are checks: many passed, none failed (the rejects test on audit warns).
    assert night.dbt.passed > 50 and night.dbt.failed == 0 and night.dbt.errored == 0
    # A model's column rules (not null, unique, accepted values, ...) are one check named after it.
    assert by[("marts/fct_tickets", "fct_tickets_column_rules")].status == "passed"
    assert any(c.name.startswith("relationships_") and c.status == "passed" for c in night.checks)
    assert any(c.asset == "audit/rejected_rows" and c.status == "warn" for c in night.checks)


def test_run_is_stored_in_the_instance_under_dagster_home(night, env: Env) -> None:
    from dagster import AssetKey, DagsterInstance

    with DagsterInstance.get() as instance:
        run = instance.get_run_by_id(night.run_id)
        assert run is not None and run.job_name == "nightly_refresh"
        assert instance.get_latest_materialization_event(AssetKey(["raw", "tickets"])) is not None
    assert (env.dagster_home / "dagster.yaml").exists()
    assert (env.dagster_home / "history").is_dir()


def test_the_next_night_recomputes_only_what_was_loaded_after_this_one(night, env: Env) -> None:
    """The watermark the next night passes (night_watermark, against this module's real Dagster
    instance, this night's run manifest and the definitions' parse manifest) is this night's load
    high-water mark, not "the beginning". Runs before test_one_raw_asset_loads_alone, whose
    successful run of the job builds no dbt node. The run's manifest differs from the parse's in
    what dbt fills in at run time (a singular test's `depends_on.macros`); the tests' fingerprint
    must not see that, or every night would recompute and test every row."""
    from dagster import DagsterInstance

    from support_warehouse.dbt_runner import loaded_through
    from support_warehouse.orchestration.dbt import attach_singular_tests, night_watermark, tests_fingerprint
    from support_warehouse.orchestration.project import build_dbt_project

    assert night.success
    project = build_dbt_project()
    definitions = attach_singular_tests(json.loads((env.ui_target / "manifest.json").read_text()))
    run = json.loads((project.manifest_path.parent / "dagster_runs" / night.run_id / "manifest.json").read_text())
    filled = [
        uid for uid, node in run["nodes"].items()
        if node["resource_type"] == "test"
        and node["depends_on"]["macros"] != definitions["nodes"][uid]["depends_on"]["macros"]
    ]
    assert filled, "the run filled no test's macros: this test would not see the parse/run difference"
    assert tests_fingerprint(run) == tests_fingerprint(definitions)
    with DagsterInstance.get() as instance:
        context = SimpleNamespace(instance=instance, job_name=night.job_name, log=logging.getLogger(__name__))
        watermark = night_watermark(context, project, definitions)
    assert watermark is not None and watermark == loaded_through(env.warehouse), watermark


def test_a_permission_error_is_not_retried_and_named_in_the_first_line(night, env: Env, monkeypatch) -> None:
    from support_warehouse import load, publish
    from support_warehouse.orchestration.run import run_nightly
    from support_warehouse.summary import format_report

    before = publish.read_publication(env.publish)
    calls = []

    def denied(path, read_only=False):
        if not read_only:  # the raw step's connection (run tags count pending files read-only)
            calls.append(path)
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(load, "connect", denied)
    result = run_nightly(trigger="test")
    assert not result.success and len(calls) == 1, "a permanent error is not retried"
    assert set(result.step_status) == {"raw_extracts"} and result.dbt is None, "dbt and publishing did not run"
    first = format_report(result).splitlines()[0]
    assert first.endswith(
        f": FAILED - raw_extracts: cannot load into {env.warehouse}: PermissionError: [Errno 13] Permission denied: "
        f"'{env.warehouse}' (not retried: fix it and run again)"
    ), first
    assert publish.read_publication(env.publish) == before, "the published marts stay untouched"


def test_a_second_refresh_waits_for_the_first_then_refuses_with_its_name(night, env: Env, monkeypatch) -> None:
    from support_warehouse.orchestration.run import run_nightly
    from support_warehouse import runlock

    monkeypatch.setenv("SW_RUN_LOCK_WAIT_SECONDS", "2")
    with runlock.run_lock(env.warehouse, "first-night-run"):
        result = run_nightly(trigger="test")
    assert not result.success and result.step_status == {}, "nothing of the second run ran"
    cause = result.run_failures[0]
    assert cause.startswith(f"the warehouse {env.warehouse} is in use by run first-night-run (pid {os.getpid()}")
    assert "s (SW_RUN_LOCK_WAIT_SECONDS=2); this run did not start" in cause
    assert result.causes()[0] == cause and result.exit_code == 1


# ------------------------------------------------------------------------------------------ sensor


def test_sensor_requests_new_files_once_and_ignores_loaded_ones(night, env: Env, defs) -> None:
    from dagster import DagsterInstance, RunRequest, build_sensor_context

    from support_warehouse.orchestration.resources import WarehouseResource

    sensor = defs.resolve_sensor_def("new_landing_files")
    resources = {"warehouse": WarehouseResource()}

    def tick(instance, cursor):
        ctx = build_sensor_context(instance=instance, cursor=cursor, resources=resources, definitions=defs)
        data = sensor.evaluate_tick(ctx)
        return data.run_requests, data.skip_message, data.cursor

    with DagsterInstance.get() as instance:
        # Everything was loaded by the night; a copy of a loaded file (same content) is not new.
        loaded = sorted((env.landing / "orders").glob("*.csv"))[0]
        shutil.copy2(loaded, loaded.with_name("orders_copy_of_loaded.csv"))
        requests, skip, cursor = tick(instance, None)
        assert requests == [] and skip and "no new files" in skip

        new = env.landing / "tickets" / "tickets_sensor_new.csv"
        new.write_text(
            "ticket_id,customer_id,channel,ticket_type,priority,status,assignee_id,created_at,updated_at\n"
            "TS1,C1,email,billing,normal,open,,2026-11-01T08:00:00Z,2026-11-01T08:00:00Z\n"
        )
        requests, skip, cursor2 = tick(instance, cursor)
        assert len(requests) == 1 and isinstance(requests[0], RunRequest)
        assert requests[0].run_key
        assert requests[0].tags["support_warehouse/new_files"] == "1"
        assert requests[0].tags["support_warehouse/new_files_by_entity"] == "tickets=1"
        assert "tickets/tickets_sensor_new.csv" in json.loads(cursor2)

        requests, skip, _ = tick(instance, cursor2)
        assert requests == [] and "already requested" in skip, "the same files never trigger twice"


# ---------------------------------------------------------------------------------------------- UI


def test_ui_serves_every_dbt_model_and_check(night, env: Env, background: dict) -> None:
    port, web = background["port"], background["web"]
    deadline = time.monotonic() + 120
    while True:
        assert web.poll() is None, background["web_log"].read_text()[-3000:]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        assert time.monotonic() < deadline, "webserver did not start:\n" + background["web_log"].read_text()[-3000:]
        time.sleep(1)

    data = _graphql(
        port,
        "{ assetNodes { assetKey { path } groupName "
        "assetChecksOrError { __typename ... on AssetChecks { checks { name } } } } }",
    )
    nodes = {tuple(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    checks = {
        (path, c["name"])
        for path, n in nodes.items()
        for c in (n["assetChecksOrError"].get("checks") or [])
    }
    manifest = json.loads((env.ui_target / "manifest.json").read_text())
    keys = _model_keys(manifest)
    missing = [uid for uid, key in keys.items() if tuple(key.path) not in nodes]
    assert not missing, f"dbt nodes missing from the UI: {missing}"
    for e in ENTITIES:
        assert nodes[("raw", e)]["groupName"] == "raw"
        assert (("raw", e), "loads_cleanly") in checks and (("raw", e), "no_rejected_rows") in checks
    # Every dbt test is a check on the node it tests: attached_node (generic tests), its single
    # parent, or (singular tests reading several relations) the one support_warehouse.orchestration.dbt attaches.
    from support_warehouse.orchestration.dbt import attach_singular_tests

    by_name = {n["name"]: uid for uid, n in manifest["nodes"].items() if uid in keys}
    expected_tests = set()
    for node in attach_singular_tests(manifest)["nodes"].values():
        if node["resource_type"] != "test":
            continue
        parents = node["depends_on"]["nodes"]
        ref = ((node.get("config") or {}).get("meta") or {}).get("dagster", {}).get("ref", {}).get("name")
        attached = node.get("attached_node") or (parents[0] if len(parents) == 1 else by_name.get(ref))
        assert attached in keys, node["unique_id"]
        expected_tests.add((tuple(keys[attached].path), node["name"]))
    assert expected_tests and not (expected_tests - checks), sorted(expected_tests - checks)[:10]
    # The night run by the CLI path is visible in the UI (same instance).
    runs = _graphql(port, '{ runsOrError { ... on Runs { results { runId jobName status } } } }')
    assert night.run_id in {r["runId"] for r in runs["runsOrError"]["results"]}


def test_dagster_definitions_validate_cli(background: dict) -> None:
    out, _ = background["validate"].communicate(timeout=180)
    assert background["validate"].returncode == 0, out[-3000:]


def _watermark(instance, job_name: str) -> str | None:
    from support_warehouse.orchestration.dbt import attach_singular_tests, night_watermark
    from support_warehouse.orchestration.project import build_dbt_project

    project = build_dbt_project()
    context = SimpleNamespace(instance=instance, job_name=job_name, log=logging.getLogger(__name__))
    return night_watermark(context, project, attach_singular_tests(json.loads(project.manifest_path.read_text())))


def test_the_watermark_run_is_one_that_built_every_dbt_asset() -> None:
    """A run of the whole job (no asset selection: None, or the empty set execute_in_process
    stores) whose dbt step succeeded gives the watermark; a selection missing a dbt asset or a
    run without a successful dbt step does not."""
    from dagster import AssetKey

    from support_warehouse.orchestration.dbt import DBT_ASSETS_NAME, _built_whole_project

    dbt_keys = {AssetKey(["marts", "fct_tickets"]), AssetKey(["staging", "stg_helpdesk__tickets"])}

    def instance(*steps: str) -> SimpleNamespace:
        records = [SimpleNamespace(event_log_entry=SimpleNamespace(step_key=s)) for s in steps]
        return SimpleNamespace(get_records_for_run=lambda run_id, of_type: SimpleNamespace(records=records))

    def run(selection) -> SimpleNamespace:
        return SimpleNamespace(run_id="r", asset_selection=selection)

    built = instance("raw_extracts", DBT_ASSETS_NAME)
    assert _built_whole_project(built, run(None), dbt_keys)
    assert _built_whole_project(built, run(frozenset()), dbt_keys)
    assert _built_whole_project(built, run(frozenset({*dbt_keys, AssetKey(["raw", "tickets"])})), dbt_keys)
    assert not _built_whole_project(built, run(frozenset({AssetKey(["marts", "fct_tickets"])})), dbt_keys)
    assert not _built_whole_project(instance("raw_extracts"), run(frozenset()), dbt_keys)


def test_one_raw_asset_loads_alone(night, defs, env: Env) -> None:
    """The raw assets share one step but stay selectable one by one (the UI's "materialize").
    That successful run of the job builds no dbt node: the next night's watermark stays the
    night's (the old rule took the last successful run, found no dbt manifest of it and made the
    next night recompute and test every row)."""
    from dagster import AssetKey, DagsterInstance

    from support_warehouse.orchestration.jobs import NIGHTLY_JOB
    from support_warehouse import load

    files = [env.landing / "tickets" / "tickets_subset.csv", env.landing / "customers" / "customers_subset.csv"]
    files[0].write_text("ticket_id,customer_id,channel,ticket_type,priority,status,assignee_id,created_at,updated_at\n"
                        "TSUB1,C1,email,billing,normal,open,,2026-10-30T08:00:00Z,\n")
    files[1].write_text("customer_id,name,email,tier,country,created_at,churned_at\n"
                        "CS1,Sub Set,sub@example.com,standard,DE,2026-01-01T00:00:00Z,\n")
    try:
        with DagsterInstance.get() as instance:
            before = _watermark(instance, NIGHTLY_JOB)
            result = defs.resolve_job_def(NIGHTLY_JOB).execute_in_process(
                instance=instance, asset_selection=[AssetKey(["raw", "tickets"])], raise_on_error=False
            )
            after = _watermark(instance, NIGHTLY_JOB)
        assert result.success
        assert before is not None and after == before, (before, after)
        materialized = {tuple(e.asset_key.path) for e in result.get_asset_materialization_events()}
        assert materialized == {("raw", "tickets")}
        checks = {(tuple(e.asset_key.path), e.check_name) for e in result.get_asset_check_evaluations()}
        assert (("raw", "tickets"), "loads_cleanly") in checks
        assert {asset for asset, _ in checks} == {("raw", "tickets")}
        con = load.connect(env.warehouse, read_only=True)
        try:
            pending = load.pending_files(con, env.landing)
            loaded = con.execute(
                "select ticket_id from raw.tickets where _source_file = 'tickets/tickets_subset.csv'"
            ).fetchall()
        finally:
            con.close()
        assert loaded == [("TSUB1",)]
        assert "tickets" not in pending and files[1] in pending["customers"]
    finally:
        for f in files:
            f.unlink()


def test_publishing_refuses_after_a_failed_load_of_the_run_or_its_parent() -> None:
    """The publish step's own guard: the latest loads_cleanly evaluation of each entity in the run,
    then its parent (a re-execution), says whether a load failed; a later pass replaces a failure."""
    from dagster import (
        AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, DagsterInstance, MaterializeResult, asset, materialize,
    )

    from support_warehouse.orchestration.publish_assets import _failed_loads

    def raw_tickets_asset(passed: bool):
        @asset(key=["raw", "tickets"], check_specs=[AssetCheckSpec("loads_cleanly", asset=["raw", "tickets"])])
        def tickets():
            return MaterializeResult(check_results=[AssetCheckResult(
                passed=passed, severity=AssetCheckSeverity.ERROR,
                description="tickets: load failed: disk full" if not passed else "tickets: 1 new file(s)",
            )])

        return tickets

    with DagsterInstance.ephemeral() as instance:
        failed = materialize([raw_tickets_asset(False)], instance=instance, raise_on_error=False).run_id
        fixed = materialize([raw_tickets_asset(True)], instance=instance).run_id
        assert _failed_loads(instance, [failed]) == ["tickets: load failed: disk full"]
        assert _failed_loads(instance, [fixed, failed]) == []  # the re-execution loaded it
        assert _failed_loads(instance, [failed, fixed]) == ["tickets: load failed: disk full"]
