"""CLI, night summary and dbt-runner tests. The night itself (the Dagster job) is replaced by a
recording stand-in here: the CLI's wiring and the summary are what these check. The real night
through the CLI runs in tests/test_reliability.py
(test_cli_refresh_runs_the_nightly_job_which_publishes_as_its_last_step)."""

from __future__ import annotations

import json

import os
import sys
import types
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from support_warehouse import cli, dbt_runner
from support_warehouse.contract import ENTITIES
from support_warehouse.night import EntityReport, NightReport
from support_warehouse.orchestration import run as run_mod
from support_warehouse.publish import PublishResult
from support_warehouse.summary import format_report

from conftest import THP_ENABLED_SOURCE, ticket_row  # tests/ is on sys.path (rootdir conftest)


def _node(name: str, status: str, resource_type: str = "test", message: str | None = None):
    node = SimpleNamespace(unique_id=f"{resource_type}.support_warehouse.{name}", name=name, resource_type=resource_type)
    return SimpleNamespace(node=node, status=status, message=message, failures=1 if status in ("fail", "warn") else 0)


def _dbt_result(*nodes, success: bool = True, exception: BaseException | None = None):
    return SimpleNamespace(success=success, exception=exception, result=SimpleNamespace(results=list(nodes)))


def _result(name: str, status: str, resource_type: str = "test", message: str | None = None) -> dict:
    """One entry of a run_results.json, as dbt writes it."""
    return {"unique_id": f"{resource_type}.support_warehouse.{name}" + (".1a2b3c" if resource_type == "test" else ""),
            "status": status, "message": message, "failures": 1 if status in ("fail", "warn") else None}


def _report(*results: dict, success: bool = True, **fields) -> NightReport:
    """A night as run_nightly returns it, with its dbt build made of ``results``."""
    report = NightReport(
        run_id="run-1", landing=Path("/l"), warehouse=Path("/w.duckdb"), target="duckdb",
        started_at=datetime(2026, 12, 7, 2, 0, tzinfo=UTC), finished_at=datetime(2026, 12, 7, 2, 1, 30, tzinfo=UTC),
        success=success, dbt=dbt_runner.summarize_run_results(list(results), success=success), **fields,
    )
    for e in ENTITIES:
        report.entities.setdefault(e, EntityReport(e, rejected_staging=0))
    return report


@pytest.fixture
def fake_night(monkeypatch):
    """run_nightly replaced: .calls records its arguments, .report is what it returns."""
    state = SimpleNamespace(calls=[], report=_report(_result("stg", "success", "model"), _result("t1", "pass")))

    def run_nightly(**kw):
        state.calls.append(kw)
        return state.report

    monkeypatch.setattr(run_mod, "run_nightly", run_nightly)
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


def test_refresh_runs_the_night_with_the_options_and_prints_the_summary(fake_night, tmp_path, capsys):
    fake_night.report.entities["tickets"] = EntityReport(
        "tickets", files_loaded=["tickets/t.csv"], rows_loaded=2, rejected_reader=1, rejected_staging=3)
    wh = tmp_path / "wh" / "w.duckdb"
    rc = cli.main(["refresh", "--landing", str(tmp_path / "l"), "--warehouse", str(wh), "--full-refresh"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert fake_night.calls == [dict(landing=tmp_path / "l", warehouse=wh, target=None, full_refresh=True, publish=True)]
    assert out.splitlines()[0] == "Refresh run-1 (target duckdb) in 90.0s: OK"
    tickets_line = next(line for line in out.splitlines() if line.startswith("tickets "))
    assert tickets_line.split() == ["tickets", "1", "2", "1", "3", "loaded"]  # files, rows, reader, staging
    total_line = next(line for line in out.splitlines() if line.startswith("total "))
    assert total_line.split() == ["total", "1", "2", "1", "3"]
    assert "tests 1 passed, 0 warned, 0 failed" in out and "nodes 1 ok" in out
    assert out.splitlines()[-1] == "Result: OK"


def test_refresh_no_publish_and_target(fake_night, tmp_path):
    rc = cli.main(["refresh", "--landing", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb"),
                   "--no-publish", "--target", "spark"])
    assert rc == 0 and fake_night.calls[0]["publish"] is False and fake_night.calls[0]["target"] == "spark"


def test_summary_lists_quarantined_files_and_unknown_landing_content_as_warnings():
    report = _report(_result("t1", "pass"), landing_problems=["not loaded, unknown in the landing folder: ticket/"])
    why = "tickets/t.csv is missing required column 'priority'"
    report.entities["tickets"] = EntityReport("tickets", files_quarantined={"tickets/t.csv": why}, rejected_staging=0)
    report.entities["customers"] = EntityReport("customers", files_loaded=["customers/c.csv"], rows_loaded=1,
                                                rejected_staging=0)
    report.publication = PublishResult("pub-1", datetime.now(UTC), Path("/p/marts.duckdb"), Path("/p/parquet"),
                                       Path("/p/parquet_versions/pub-1"), tables={"fct": 4}, marts=("fct",))
    out = format_report(report).splitlines()
    assert out[0].endswith(": OK") and out[-1] == "Result: OK (2 warning(s) above)"
    assert f"  - {why}" in out and "  - not loaded, unknown in the landing folder: ticket/" in out
    assert next(line for line in out if line.startswith("tickets ")).endswith("no new files, 1 quarantined")
    assert next(line for line in out if line.startswith("customers ")).split()[1:3] == ["1", "1"]
    assert any(line.startswith("Published: published 1 marts (4 rows) as publication pub-1") for line in out)


def test_a_failed_night_names_its_cause_in_the_first_and_last_line(fake_night, tmp_path, capsys):
    fake_night.report = _report(_result("fct_tickets", "error", "model", "Out of Memory Error: boom"), success=False)
    rc = cli.main(["refresh", "--landing", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")])
    lines = capsys.readouterr().out.splitlines()
    assert rc == 1
    cause = "dbt: 1 model(s) errored, 0 error-level test(s) failed: fct_tickets [error]: Out of Memory Error: boom"
    assert lines[0].endswith(f": FAILED - {cause}")
    assert lines[-1] == f"Result: FAILED - {cause} - not published, the previous publication is unchanged"


def test_a_night_that_failed_before_dbt_says_why_first():
    report = _report(success=False, run_failures=["raw_extracts: cannot load into /w.duckdb: disk full"])
    report.dbt = None
    report.entities["calls"].error = "calls/c.csv: unreadable"
    assert report.causes() == ["raw_extracts: cannot load into /w.duckdb: disk full", "load failed: calls/c.csv: unreadable"]
    text = format_report(report)
    assert "dbt: not run" in text and "Load errors (those entities were not changed):\n  - calls/c.csv: unreadable" in text


@pytest.mark.parametrize(
    ("result", "success", "code"),
    [
        (_result("t", "warn", message="Got 2 results"), True, 0),
        (_result("t", "fail", message="Got 3 results"), False, 1),
        (_result("t", "error", message="SQL error"), False, 1),
        (_result("m", "error", "model", "boom"), False, 1),
    ],
)
def test_exit_code_follows_test_severity(result, success, code):
    assert _report(result, success=success).exit_code == code


def test_demo_generates_only_into_an_empty_landing(fake_night, fake_generate, tmp_path, capsys):
    landing = tmp_path / "data" / "landing"  # data/ does not exist yet
    wh = tmp_path / "data" / "warehouse.duckdb"
    assert cli.main(["demo", "--landing", str(landing), "--warehouse", str(wh)]) == 0
    assert len(fake_generate.calls) == 1
    call = fake_generate.calls[0]
    assert (call["tickets"], call["days"], call["seed"], call["bad_rows_share"]) == (20000, 120, 42, 0.01)
    assert "Result: OK" in capsys.readouterr().out
    assert fake_night.calls[0]["landing"] == landing

    assert cli.main(["demo", "--landing", str(landing), "--warehouse", str(wh)]) == 0
    assert len(fake_generate.calls) == 1  # landing had files: no second generation


def test_demo_defaults_come_from_the_environment(fake_night, fake_generate, tmp_path, monkeypatch):
    monkeypatch.setenv("SW_LANDING_DIR", str(tmp_path / "l"))
    monkeypatch.setenv("SW_WAREHOUSE_PATH", str(tmp_path / "w.duckdb"))
    assert cli.main(["demo", "--tickets", "100"]) == 0
    assert fake_generate.calls[0]["out_dir"] == tmp_path / "l"
    assert fake_night.calls[0]["warehouse"] == tmp_path / "w.duckdb"


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


def test_summarize_run_results_reads_what_dbt_wrote_like_its_result():
    """The night's dbt step runs in another process: its run_results.json gives the same counts."""
    results = [_result("m1", "success", "model"), _result("s1", "success", "seed"), _result("m2", "error", "model", "boom"),
               _result("a", "pass"), _result("c", "fail", message="Got 3 results"), _result("d", "warn"),
               {"unique_id": "unit_test.support_warehouse.fct_tickets.test_sla", "status": "pass"}]
    s = dbt_runner.summarize_run_results(results, success=False)
    assert (s.passed, s.failed, s.warned, s.errored, s.nodes_ok, s.nodes_error) == (2, 1, 1, 0, 2, 1)
    assert [t.name for t in s.failing_tests] == ["c"] and s.node_errors[0].describe() == "m2 [error]: boom"
    assert s.has_errors and not dbt_runner.summarize_run_results([_result("d", "warn")], success=True).has_errors


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
