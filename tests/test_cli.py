"""CLI, refresh and dbt-runner tests. dbt itself is faked (fast, independent of the models);
set SW_SLOW_TESTS=1 to also run one real ``refresh`` through dbt."""

from __future__ import annotations

import json

import os
import sys
import types
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from support_warehouse import config
from support_warehouse import cli, dbt_runner, refresh as refresh_mod
from support_warehouse.contract import ENTITIES

from conftest import THP_ENABLED_SOURCE, customer_row, ticket_row  # tests/ is on sys.path (rootdir conftest)


def _node(name: str, status: str, resource_type: str = "test", message: str | None = None):
    node = SimpleNamespace(unique_id=f"{resource_type}.support_warehouse.{name}", name=name, resource_type=resource_type)
    return SimpleNamespace(node=node, status=status, message=message, failures=1 if status in ("fail", "warn") else 0)


def _dbt_result(*nodes, success: bool = True, exception: BaseException | None = None):
    return SimpleNamespace(success=success, exception=exception, result=SimpleNamespace(results=list(nodes)))


@pytest.fixture
def fake_dbt(monkeypatch):
    """The direct engine (loader + dbtRunner, no Dagster) with dbt and publishing faked.

    .calls records (args, target, warehouse), .result is what "dbt" returns, .published the
    publish calls."""
    monkeypatch.setenv("SW_REFRESH_ENGINE", "direct")

    state = SimpleNamespace(calls=[], result=_dbt_result(_node("stg", "success", "model"), _node("t1", "pass")))

    def run(args, target=None, *, warehouse=None, **kw):
        state.calls.append((list(args), target, warehouse))
        return state.result

    monkeypatch.setattr(refresh_mod, "run_dbt", run)

    state.published = []

    def publish(build_db, publish_dir=None, **kw):  # publishing is tested in its own module
        state.published.append((Path(build_db), kw.get("run_id")))
        return SimpleNamespace(summary=lambda: "fake publication")

    monkeypatch.setattr(refresh_mod, "publish_marts", publish)
    return state


@pytest.fixture
def fake_generate(monkeypatch):
    """A stand-in generator module that writes one tickets file."""
    state = SimpleNamespace(calls=[])

    def generate(out_dir, tickets=20000, days=120, seed=42, bad_rows_share=0.01, end_date=date(2026, 10, 31),
                 nights=0, progress=False):
        state.calls.append(dict(out_dir=Path(out_dir), tickets=tickets, days=days, seed=seed,
                                bad_rows_share=bad_rows_share, end_date=end_date, nights=nights, progress=progress))
        d = Path(out_dir) / "tickets"
        d.mkdir(parents=True, exist_ok=True)
        header = ",".join(ENTITIES["tickets"].required)
        (d / "tickets.csv").write_text(header + "\n" + ",".join(ticket_row(1)) + "\n")
        return {"tickets": 1}

    module = types.ModuleType("support_warehouse.generate")
    module.generate = generate
    monkeypatch.setitem(sys.modules, "support_warehouse.generate", module)
    return state


# ---------------------------------------------------------------------------------------- parser


def test_parser_has_the_commands():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert {"generate", "refresh", "demo", "ui", "bench", "prepare"} <= set(sub.choices)


def test_prepare_parses_once_then_finds_the_manifest_current(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SW_DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.delenv("SW_DBT_TARGET", raising=False)
    assert cli.main(["prepare"]) == 0
    assert "Parsed the dbt project (no manifest at" in capsys.readouterr().out
    manifest = tmp_path / "target" / "manifest.json"
    nodes = json.loads(manifest.read_text())["nodes"]
    assert "model.support_warehouse.kpi_scorecard" in nodes
    parsed_at = manifest.stat().st_mtime_ns
    assert cli.main(["prepare"]) == 0
    assert "is current (target duckdb): nothing to parse" in capsys.readouterr().out
    assert manifest.stat().st_mtime_ns == parsed_at


def test_placeholder_command_exits_2(monkeypatch, capsys):
    monkeypatch.setattr(cli, "COMMANDS", dict(cli.COMMANDS))

    @cli.command("later")
    def _later(sub):
        p = sub.add_parser("later")
        p.add_argument("rest", nargs="*")
        p.set_defaults(func=cli._not_implemented("later"))

    assert cli.main(["later", "x"]) == 2
    assert "not implemented yet" in capsys.readouterr().err


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_registering_a_name_again_replaces_it(monkeypatch):
    monkeypatch.setattr(cli, "COMMANDS", dict(cli.COMMANDS))

    @cli.command("ui")
    def _ui(sub):
        p = sub.add_parser("ui")
        p.set_defaults(func=lambda args: 0)

    assert cli.main(["ui"]) == 0


def test_generate_passes_every_option(fake_generate, tmp_path, capsys):
    out = tmp_path / "out"
    rc = cli.main(["generate", "--out", str(out), "--tickets", "500", "--days", "10", "--seed", "7",
                   "--bad-rows-share", "0.05", "--end-date", "2026-09-30", "--nights", "3"])
    assert rc == 0
    assert fake_generate.calls == [dict(out_dir=out, tickets=500, days=10, seed=7, bad_rows_share=0.05,
                                        end_date=date(2026, 9, 30), nights=3, progress=True)]
    assert "tickets" in capsys.readouterr().out


def test_generate_rejects_bad_values(capsys):
    with pytest.raises(SystemExit):
        cli.main(["generate", "--bad-rows-share", "2"])
    with pytest.raises(SystemExit):
        cli.main(["generate", "--end-date", "31/10/2026"])


# --------------------------------------------------------------------------------------- refresh


def test_refresh_loads_runs_dbt_and_prints_the_summary(fake_dbt, landing, tmp_path, capsys):
    landing.csv("tickets", "t.csv", [ticket_row(1), ticket_row(2), ticket_row(3)[:3]])
    landing.csv("customers", "c.csv", [customer_row(1)])
    wh = tmp_path / "wh" / "w.duckdb"
    rc = cli.main(["refresh", "--landing", str(landing.root), "--warehouse", str(wh), "--full-refresh"])
    out = capsys.readouterr().out
    assert rc == 0, out
    # the night leaves dbt unit tests to pytest (tests/test_dbt_unit_tests.py)
    assert fake_dbt.calls == [(["build", "--exclude-resource-type", "unit_test", "--full-refresh"], "duckdb", wh)]
    tickets_line = next(line for line in out.splitlines() if line.startswith("tickets "))
    assert tickets_line.split()[1:4] == ["1", "2", "1"]  # files, rows loaded, rejected by the reader
    assert "tests 1 passed, 0 warned, 0 failed" in out
    assert "Published: fake publication" in out
    assert "Result: OK" in out
    assert [p[0] for p in fake_dbt.published] == [wh]


def test_refresh_no_publish(fake_dbt, landing, tmp_path):
    rc = cli.main(["refresh", "--landing", str(landing.root), "--warehouse", str(tmp_path / "w.duckdb"),
                   "--no-publish"])
    assert rc == 0 and fake_dbt.published == []


def test_refresh_report_counts_staging_rejects_from_audit(fake_dbt, landing, tmp_path):
    landing.csv("tickets", "t.csv", [ticket_row(1), ticket_row(2), ticket_row(3)[:3]])
    wh = tmp_path / "w.duckdb"

    def run(args, target=None, *, warehouse=None, **kw):  # a "dbt build" that writes the audit model
        import duckdb

        con = config.connect_build(warehouse)
        con.execute("create schema audit")
        con.execute(
            """create table audit.rejected_rows as
               select entity, source_file, source_line, null::varchar as record_key, reason,
                      'load' as rejected_stage from raw._load_rejects
               union all select 'tickets', 'tickets/t.csv', 3, 'T2', 'bad priority', 'staging'
               union all select 'tickets', 'tickets/older.csv', 9, 'T0', 'old file', 'staging'"""
        )
        con.close()
        return _dbt_result(_node("t1", "pass"))

    refresh_mod.run_dbt = run  # restored by the fake_dbt fixture's monkeypatch
    report = refresh_mod.refresh(landing.root, wh)
    t = report.entities["tickets"]
    assert (t.rows_loaded, t.rejected_reader, t.rejected_staging, t.rows_rejected) == (2, 1, 1, 2)
    assert report.entities["customers"].rejected_staging == 0
    assert report.ok


def test_refresh_quarantines_a_file_missing_a_column_and_loads_the_rest(fake_dbt, landing, tmp_path, capsys):
    header = [c for c in ENTITIES["tickets"].required if c != "priority"]
    landing.csv("tickets", "t.csv", [["x"] * len(header)], header=header)
    landing.csv("customers", "c.csv", [customer_row(1)])
    (landing.root / "ticket").mkdir()  # a typo'd entity folder
    rc = cli.main(["refresh", "--landing", str(landing.root), "--warehouse", str(tmp_path / "w.duckdb")])
    out = capsys.readouterr().out
    assert rc == 0
    assert "Quarantined files" in out and "tickets/t.csv is missing required column 'priority'" in out
    assert "not loaded, unknown in the landing folder: ticket/" in out
    assert out.splitlines()[0].endswith(": OK") and "Result: OK (2 warning(s) above)" in out
    assert len(fake_dbt.published) == 1  # the night publishes
    customers_line = next(line for line in out.splitlines() if line.startswith("customers "))
    assert customers_line.split()[1:3] == ["1", "1"]


def test_a_failed_night_names_its_cause_in_the_first_and_last_line(fake_dbt, landing, tmp_path, capsys):
    fake_dbt.result = _dbt_result(_node("fct_tickets", "error", "model", "Out of Memory Error: boom"), success=False)
    rc = cli.main(["refresh", "--landing", str(landing.root), "--warehouse", str(tmp_path / "w.duckdb")])
    lines = capsys.readouterr().out.splitlines()
    assert rc == 1
    cause = "dbt: 1 model(s) errored, 0 error-level test(s) failed: fct_tickets [error]: Out of Memory Error: boom"
    assert lines[0].endswith(f": FAILED - {cause}")
    assert lines[-1] == f"Result: FAILED - {cause} - not published, the previous publication is unchanged"


@pytest.mark.parametrize(
    ("nodes", "success", "code"),
    [
        ([_node("t", "warn", message="Got 2 results")], True, 0),
        ([_node("t", "fail", message="Got 3 results")], False, 1),
        ([_node("t", "error", message="SQL error")], False, 1),
        ([_node("m", "error", "model", "boom")], False, 1),
    ],
)
def test_refresh_exit_code_follows_test_severity(fake_dbt, landing, tmp_path, nodes, success, code):
    fake_dbt.result = _dbt_result(*nodes, success=success)
    report = refresh_mod.refresh(landing.root, tmp_path / "w.duckdb")
    assert report.exit_code == code


def test_demo_generates_only_into_an_empty_landing(fake_dbt, fake_generate, tmp_path, capsys):
    landing = tmp_path / "data" / "landing"  # data/ does not exist yet
    wh = tmp_path / "data" / "warehouse.duckdb"
    assert cli.main(["demo", "--landing", str(landing), "--warehouse", str(wh)]) == 0
    assert len(fake_generate.calls) == 1
    call = fake_generate.calls[0]
    assert (call["tickets"], call["days"], call["seed"], call["bad_rows_share"]) == (20000, 120, 42, 0.01)
    assert "Result: OK" in capsys.readouterr().out

    assert cli.main(["demo", "--landing", str(landing), "--warehouse", str(wh)]) == 0
    assert len(fake_generate.calls) == 1  # landing had files: no second generation


def test_demo_defaults_come_from_the_environment(fake_dbt, fake_generate, tmp_path, monkeypatch):
    monkeypatch.setenv("SW_LANDING_DIR", str(tmp_path / "l"))
    monkeypatch.setenv("SW_WAREHOUSE_PATH", str(tmp_path / "w.duckdb"))
    assert cli.main(["demo", "--tickets", "100"]) == 0
    assert fake_generate.calls[0]["out_dir"] == tmp_path / "l"
    assert fake_dbt.calls[0][2] == tmp_path / "w.duckdb"


# ------------------------------------------------------------------------------------ dbt runner


def test_dbt_args_point_at_the_repo(monkeypatch, tmp_path):
    monkeypatch.setenv("SW_DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.delenv("DBT_LOG_PATH", raising=False)
    args = dbt_runner.dbt_args(["build", "--select", "staging"], "duckdb")
    root = str(Path(dbt_runner.config.DBT_PROJECT_DIR))
    assert args[:3] == ["build", "--select", "staging"]
    assert args[args.index("--project-dir") + 1] == root
    assert args[args.index("--profiles-dir") + 1] == root
    assert args[args.index("--target") + 1] == "duckdb"
    assert args[args.index("--target-path") + 1] == str(tmp_path / "target")
    assert args[args.index("--log-path") + 1] == str(tmp_path / "target" / "logs")
    assert dbt_runner.dbt_args(["test", "--target", "spark"]).count("--target") == 1


def test_run_dbt_sets_the_warehouse_env_for_profiles(monkeypatch, tmp_path):
    seen = {}

    class FakeRunner:
        def __init__(self, callbacks=None):
            pass

        def invoke(self, args):
            seen["args"] = args
            seen["env"] = os.environ.get("SW_WAREHOUSE_PATH")
            return _dbt_result()

    import dbt.cli.main

    monkeypatch.setattr(dbt.cli.main, "dbtRunner", FakeRunner)
    monkeypatch.setenv("SW_WAREHOUSE_PATH", "/somewhere/else.duckdb")
    dbt_runner.run_dbt(["build"], warehouse=tmp_path / "w.duckdb")
    assert seen["env"] == str((tmp_path / "w.duckdb").resolve())
    assert os.environ["SW_WAREHOUSE_PATH"] == "/somewhere/else.duckdb"  # restored


def test_summarize_counts_and_names_failures():
    res = _dbt_result(
        _node("m1", "success", "model"), _node("s1", "success", "seed"), _node("m2", "error", "model", "boom"),
        _node("m3", "skipped", "model"),
        _node("a", "pass"), _node("b", "pass", "unit_test"), _node("c", "fail", message="Got 3 results"),
        _node("d", "warn", message="Got 1 result"), _node("e", "error", message="Runtime Error"),
        _node("f", "skipped"),
        success=False,
    )
    s = dbt_runner.summarize(res)
    assert (s.passed, s.failed, s.warned, s.errored, s.skipped) == (2, 1, 1, 1, 1)
    assert (s.nodes_ok, s.nodes_error, s.nodes_skipped) == (2, 1, 1)
    assert [t.name for t in s.failing_tests] == ["c", "e"]
    assert [t.name for t in s.warning_tests] == ["d"]
    assert s.failing_tests[0].describe() == "c [fail]: Got 3 results"
    assert s.has_errors
    assert not dbt_runner.summarize(_dbt_result(_node("d", "warn"))).has_errors
    crashed = dbt_runner.summarize(_dbt_result(success=False, exception=RuntimeError("no profile")))
    assert crashed.has_errors and "no profile" in crashed.exception


# ------------------------------------------------------------------------------- real dbt (slow)


@pytest.mark.skipif(not os.environ.get("SW_SLOW_TESTS"), reason="runs dbt build; set SW_SLOW_TESTS=1")
def test_refresh_with_real_dbt(landing, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SW_REFRESH_ENGINE", "direct")
    monkeypatch.setenv("SW_DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("SW_PUBLISH_DIR", str(tmp_path / "published"))
    landing.csv("tickets", "t.csv", [ticket_row(1), ticket_row(2)[:3]])
    landing.csv("customers", "c.csv", [customer_row(1)])
    rc = cli.main(["refresh", "--landing", str(landing.root), "--warehouse", str(tmp_path / "w.duckdb")])
    out = capsys.readouterr().out
    assert "dbt build: tests" in out and "dbt did not run" not in out
    assert rc in (0, 1)


# A fresh process reports whether the processes it starts (dbt, the bench's steps) get huge pages.
THP_PROBE = THP_ENABLED_SOURCE + """
from support_warehouse import config

before = thp_enabled()
print(before, config.disable_transparent_huge_pages(), thp_enabled())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl(PR_SET_THP_DISABLE) is Linux only")
@pytest.mark.parametrize("setting", [None, "off", "system"])
def test_transparent_huge_pages_are_off_for_the_processes_the_warehouse_starts(setting) -> None:
    """Off by default (and with `off`): the child processes see THP_enabled 0; `system` leaves the
    inherited setting alone."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "SW_TRANSPARENT_HUGE_PAGES"}
    if setting is not None:
        env["SW_TRANSPARENT_HUGE_PAGES"] = setting
    out = subprocess.run([sys.executable, "-c", THP_PROBE], env=env, capture_output=True, text=True, check=True)
    before, applied, child = out.stdout.split()
    if setting == "system":
        assert (applied, child) == ("False", before)
    else:
        assert (applied, child) == ("True", "0")


def test_an_unknown_huge_pages_setting_is_refused_before_any_work(monkeypatch, capsys) -> None:
    monkeypatch.setenv("SW_TRANSPARENT_HUGE_PAGES", "sometimes")
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["prepare"])
    assert exit_info.value.code == 2
    assert "SW_TRANSPARENT_HUGE_PAGES must be 'off' or 'system', not 'sometimes'" in capsys.readouterr().err
