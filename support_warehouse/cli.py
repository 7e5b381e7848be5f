"""``support-warehouse`` command line.

Each sub-command is one small ``@command`` function that adds its parser and sets ``func``;
``func(args) -> int`` is the exit code. To add or replace a command, write (or edit) only its own
function; registering a name again replaces the earlier registration (that is how the ``ui`` and
``bench`` placeholders get filled in).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from . import config

Registrar = Callable[[argparse._SubParsersAction], None]
COMMANDS: dict[str, Registrar] = {}

DEMO_TICKETS = 20_000
DEMO_DAYS = 120
DEMO_SEED = 42
DEMO_BAD_ROWS_SHARE = 0.01
DEMO_END_DATE = date(2026, 10, 31)


def command(name: str) -> Callable[[Registrar], Registrar]:
    """Register a sub-command; the latest registration of a name wins."""

    def deco(fn: Registrar) -> Registrar:
        COMMANDS[name] = fn
        return fn

    return deco


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from e


def _share(value: str) -> float:
    x = float(value)
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return x


def _positive(value: str) -> int:
    n = int(value)
    if n < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return n


def _add_generate_options(p: argparse.ArgumentParser, *, with_out: bool, tickets: int = DEMO_TICKETS) -> None:
    if with_out:
        p.add_argument("--out", type=Path, default=None, help="landing folder to write (default: SW_LANDING_DIR)")
    p.add_argument("--tickets", type=_positive, default=tickets, help=f"tickets to generate (default {tickets:,})")
    p.add_argument("--days", type=_positive, default=DEMO_DAYS, help=f"days of history (default {DEMO_DAYS})")
    p.add_argument("--seed", type=int, default=DEMO_SEED, help=f"random seed (default {DEMO_SEED})")
    p.add_argument(
        "--bad-rows-share", type=_share, default=DEMO_BAD_ROWS_SHARE,
        help=f"share of deliberately broken rows (default {DEMO_BAD_ROWS_SHARE})",
    )
    p.add_argument("--end-date", type=_date, default=DEMO_END_DATE, help="last day of data (YYYY-MM-DD)")
    p.add_argument("--nights", type=_positive, default=0, help="also write K nightly incremental files (default 0)")


def _add_refresh_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--landing", type=Path, default=None, help="landing folder (default: SW_LANDING_DIR)")
    p.add_argument("--warehouse", type=Path, default=None, help="build database (default: SW_WAREHOUSE_PATH)")
    p.add_argument(
        "--target", choices=("duckdb", "spark"), default=None, help="dbt target (default: SW_DBT_TARGET or duckdb)"
    )
    p.add_argument("--full-refresh", action="store_true", help="rebuild incremental dbt models from scratch")
    p.add_argument(
        "--no-publish", action="store_true", help="do not publish the marts for BI even after a clean night"
    )


def _run_generate(out: Path, args: argparse.Namespace) -> dict[str, int]:
    from .generate import generate  # lazy: numpy and friends only when generating

    out.mkdir(parents=True, exist_ok=True)
    counts = generate(
        out_dir=out,
        tickets=args.tickets,
        days=args.days,
        seed=args.seed,
        bad_rows_share=args.bad_rows_share,
        end_date=args.end_date,
        nights=args.nights,
        progress=True,
    )
    print(f"Generated into {out}:")
    for name, n in (counts or {}).items():
        print(f"  {name:<24} {n:>12,}")
    return counts


def _run_refresh(args: argparse.Namespace) -> int:
    """The night: the Dagster job nightly_refresh in this process (the one the schedule runs)."""
    from .orchestration.run import run_nightly  # lazy: Dagster only for the commands that run it
    from .summary import print_report

    report = run_nightly(
        landing=args.landing or config.landing_dir(),
        warehouse=args.warehouse or config.warehouse_path(),
        target=args.target,
        full_refresh=args.full_refresh,
        publish=not args.no_publish,
    )
    print_report(report)
    return report.exit_code


def _print_last_month(warehouse: Path) -> None:
    """The last complete month's scorecard for dimension 'all', read from the build database."""
    import duckdb

    from .scorecard import print_scorecard

    print()
    try:
        print_scorecard(Path(warehouse))
    except (duckdb.Error, FileNotFoundError) as exc:  # a night that built no scorecard still reports its load
        print(f"No scorecard to show: {exc}")


# ------------------------------------------------------------------------------------ commands


@command("generate")
def _register_generate(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="write synthetic extracts into a landing folder")
    _add_generate_options(p, with_out=True)
    p.add_argument(
        "--format", choices=("contract", "zendesk", "intercom"), default="contract",
        help="contract: the input contract's folders; zendesk|intercom: Fivetran connector tables",
    )

    def run(args: argparse.Namespace) -> int:
        out = args.out or config.landing_dir()
        if args.format == "zendesk":
            from .generate_zendesk import generate_zendesk

            counts = generate_zendesk(
                out, tickets=args.tickets, days=args.days, seed=args.seed, end_date=args.end_date,
                bad_rows=args.bad_rows_share > 0,
            )
            print(f"Generated Zendesk connector tables into {out / 'zendesk'}:")
            for name, n in counts.items():
                print(f"  {name:<24} {n:>12,}")
            return 0
        if args.format == "intercom":
            from .generate_intercom import generate_intercom

            counts = generate_intercom(
                out, conversations=args.tickets, days=args.days, seed=args.seed, end_date=args.end_date,
                bad_rows=args.bad_rows_share > 0,
            )
            print(f"Generated Intercom connector tables into {out / 'intercom'}:")
            for name, n in counts.items():
                print(f"  {name:<26} {n:>12,}")
            return 0
        _run_generate(out, args)
        return 0

    p.set_defaults(func=run)


@command("refresh")
def _register_refresh(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("refresh", help="nightly job: load new files, dbt build, print the summary")
    _add_refresh_options(p)
    p.set_defaults(func=_run_refresh)


@command("prepare")
def _register_prepare(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "prepare",
        help="parse the dbt project into its manifest (dbt parse, no database access): a deploy step",
    )
    p.add_argument(
        "--target", choices=("duckdb", "spark"), default=None, help="dbt target (default: SW_DBT_TARGET or duckdb)"
    )
    p.add_argument("--force", action="store_true", help="parse even when the manifest is current")

    def run(args: argparse.Namespace) -> int:
        import time

        from .orchestration.project import build_dbt_project, manifest_stale_reason, prepare_manifest

        project = build_dbt_project(args.target)
        reason = "forced" if args.force else manifest_stale_reason(project)
        started = time.monotonic()
        path = prepare_manifest(project, force=args.force)
        if reason is None:
            print(f"Manifest {path} is current (target {project.target}): nothing to parse.")
        else:
            print(f"Parsed the dbt project ({reason}) into {path} in {time.monotonic() - started:.1f}s.")
        return 0

    p.set_defaults(func=run)


def landing_has_files(landing: Path) -> bool:
    from .contract import LANDING_TABLES
    from .loading.files import entity_files

    return any(entity_files(landing, entity) for entity in LANDING_TABLES)


@command("demo")
def _register_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo", help="generate demo data if the landing folder is empty, then refresh and print the summary"
    )
    _add_refresh_options(p)
    _add_generate_options(p, with_out=False)

    def run(args: argparse.Namespace) -> int:
        landing = args.landing or config.landing_dir()
        if landing_has_files(landing):
            print(f"Landing folder {landing} already has extracts: not generating.")
        else:
            print(f"Landing folder {landing} is empty: generating demo data ({args.tickets:,} tickets).")
            _run_generate(landing, args)
        args.landing = landing
        code = _run_refresh(args)
        if code == 0:
            _print_last_month(args.warehouse or config.warehouse_path())
        return code

    p.set_defaults(func=run)


def _not_implemented(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        print(f"support-warehouse {name}: not implemented yet", file=sys.stderr)
        return 2

    return run


@command("ui")
def _register_ui(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ui", help="start the Dagster UI (dagster dev) on this project")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=3000, help="port (default 3000)")
    p.add_argument(
        "--webserver-only", action="store_true",
        help="only the web UI (dagster-webserver), without the daemon that runs the schedule and sensor",
    )
    p.add_argument(
        "--no-tty", action="store_true",
        help="run even without an interactive terminal (the UI runs in the foreground until stopped)",
    )

    def run(args: argparse.Namespace) -> int:
        if not args.no_tty and not sys.stdin.isatty():
            print(
                "support-warehouse ui runs in the foreground until Ctrl-C and needs an interactive "
                "terminal; pass --no-tty to run it without one",
                file=sys.stderr,
            )
            return 2
        from .orchestration.ui import launch_ui  # lazy: Dagster only for this command

        return launch_ui(args.host, args.port, webserver_only=args.webserver_only)

    p.set_defaults(func=run)


@command("bench")
def _register_bench(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench", help="time a full refresh, one incremental night, the bare-DuckDB floor and pandas (bench.json)"
    )
    p.add_argument("--tickets", type=_positive, default=1_000_000, help="tickets of history (default 1,000,000)")
    p.add_argument("--days", type=_positive, default=None,
                   help="days of history (default 120 up to 1M tickets, beyond that 1M's daily volume: 1,200 at 10M)")
    p.add_argument("--seed", type=int, default=DEMO_SEED, help=f"random seed (default {DEMO_SEED})")
    p.add_argument("--workdir", type=Path, default=Path("data/bench"),
                   help="scratch folder, emptied first (default data/bench); bench.json is written there")
    p.add_argument("--skip", action="append", choices=("floor", "pandas"), default=[], help="leave out a baseline")
    p.add_argument("--keep-extracts", action="store_true",
                   help="reuse the extracts a previous bench generated in --workdir with the same arguments")
    p.add_argument("--repeat", type=_positive, default=1,
                   help="rounds of full, floor, pandas and night; each step's median time is reported (default 1)")

    def run(args: argparse.Namespace) -> int:
        from .bench import bench  # lazy: psutil and the generator only when benchmarking

        out = bench(args.tickets, args.workdir, days=args.days, seed=args.seed, skip=tuple(args.skip),
                    keep_extracts=args.keep_extracts, repeat=args.repeat)
        return 0 if all(code == 0 for code in out["exit_codes"].values()) else 1

    p.set_defaults(func=run)


@command("dashboard")
def _register_dashboard(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dashboard", help="serve the support dashboard (Streamlit) on the published marts")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--publish-dir", type=Path, default=None,
                   help="publish folder to read (default SW_PUBLISH_DIR or data/published)")

    def run(args: argparse.Namespace) -> int:
        import os
        import subprocess

        from .dashboard import APP_PATH

        env = dict(os.environ)
        if args.publish_dir is not None:
            env["SW_PUBLISH_DIR"] = str(args.publish_dir.resolve())
        cmd = [sys.executable, "-m", "streamlit", "run", str(APP_PATH), "--server.address", args.host,
               "--server.port", str(args.port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false"]
        print(f"Support dashboard on http://{args.host}:{args.port}/ reading {env.get('SW_PUBLISH_DIR') or config.publish_dir()}")
        try:
            return subprocess.call(cmd, env=env)
        except KeyboardInterrupt:
            return 0

    p.set_defaults(func=run)


@command("bench-dashboard")
def _register_bench_dashboard(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("bench-dashboard", help="print each dashboard page's render time on a publication")
    p.add_argument("--publish-dir", type=Path, default=None,
                   help="publish folder to read (default SW_PUBLISH_DIR or data/published)")
    p.add_argument("--rounds", type=_positive, default=3, help="runs after the first load, median reported (default 3)")

    def run(args: argparse.Namespace) -> int:
        from .dashboard.bench import bench_pages, print_results

        publish_dir = (args.publish_dir or config.publish_dir()).resolve()
        results = bench_pages(publish_dir, rounds=args.rounds)
        print_results(results, publish_dir)
        return 1 if any(r["errors"] for r in results) else 0

    p.set_defaults(func=run)


@command("docs")
def _register_docs(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("docs", help="build dbt's static docs site (models, columns, lineage) into the publish folder")
    p.add_argument("--warehouse", type=Path, default=None, help="build database (default: SW_WAREHOUSE_PATH)")
    p.add_argument("--publish-dir", type=Path, default=None,
                   help="publish folder; the site goes to <it>/docs/index.html (default SW_PUBLISH_DIR or data/published)")

    def run(args: argparse.Namespace) -> int:
        from .docs_site import DocsSiteError, build_docs_site

        try:
            page = build_docs_site(args.warehouse, args.publish_dir)
        except DocsSiteError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(f"Docs site: {page.resolve().as_uri()}")
        return 0

    p.set_defaults(func=run)


# ---------------------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="support-warehouse", description="Customer-support metrics warehouse (dbt + DuckDB + Dagster)."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for registrar in COMMANDS.values():
        registrar(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    if not args.verbose:
        # Dagster's storage migrations log every step of a new DAGSTER_HOME at INFO.
        logging.getLogger("alembic").setLevel(logging.WARNING)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    try:
        # before any DuckDB work, so dbt and the bench's steps inherit it (config docstring: why)
        config.disable_transparent_huge_pages()
    except ValueError as e:
        parser.error(str(e))
    return int(func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
