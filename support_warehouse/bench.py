"""``support-warehouse bench``: the nightly refresh against the bare-DuckDB floor (issue 8).

    support-warehouse bench --tickets 1000000 [--workdir DIR]

1. Generates N tickets of history plus one new night of extracts (``generate(..., nights=1)``:
   ``<entity>_history.csv`` and ``<entity>_<date>.csv``) into ``DIR/extracts``.
2. Measures, each as a separate process that starts from the CSV extracts on disk, wall time and
   peak memory (psutil polling of the process and all its descendants, RSS summed):

   prepare ``support-warehouse prepare``: ``dbt parse`` into the bench's dbt artifacts folder,
           once per code version - the deploy step (Dagster's prepare-and-package), so neither
           refresh below parses, as no night of a deployed warehouse does; shown, not in a ratio;
   full    ``support-warehouse refresh`` on a landing folder holding only the history files,
           from an empty warehouse: load, dbt build with its tests, publish - as users run it;
   floor   bench/floor.sql: one hand-written DuckDB script that reads the same history CSVs and
           computes the monthly ``all`` scorecard for the same metrics and definitions;
   pandas  bench/pandas_baseline.py: the same figures with pandas from the same CSVs;
   night   the night's files copied into the landing folder, ``support-warehouse refresh`` again
           on top of the history (incremental models: the night's cost follows its data).

3. Checks that floor and pandas agree with the warehouse's kpi_scorecard (monthly, 'all') after
   the full refresh, writes ``DIR/bench.json`` (exactly the issue's keys) and
   ``DIR/bench_details.json`` (rows, exit codes, load averages, agreement, settings), prints a
   table and, last, the three ratios.

``--repeat N`` measures full, floor, pandas and night N times (each round's full again from an
empty warehouse and Dagster home, with only the history landed) and reports each step's median
time and its highest peak: on a shared or virtual machine one run can be slowed by its neighbours
or by the host reclaiming memory, and a ratio of two single runs then says more about that than
about the warehouse. Every round's figures are in bench_details.json (``rounds``).

Every process gets its own paths under DIR (warehouse, landing, publish dir, Dagster home, dbt
artifacts); the user's SW_DUCKDB_MEMORY_LIMIT / SW_DUCKDB_THREADS apply to all four, and so does
the warehouse's transparent huge pages setting (SW_TRANSPARENT_HUGE_PAGES, default off): the
baselines run with the same 4 KB pages as the refresh (the floor is ~7% faster with them too).
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from . import config

FLOOR_SQL = config.REPO_ROOT / "bench" / "floor.sql"
PANDAS_SCRIPT = config.REPO_ROOT / "bench" / "pandas_baseline.py"
SEEDS_DIR = config.REPO_ROOT / "seeds"

# History length: 120 days up to 1M tickets; beyond that the history grows in days at 1M's daily
# volume (~8,300 tickets a day), so the night is the same size at every scale from 1M up and the
# 10M night against the 1M night measures what years of history cost a night (DECISIONS.md,
# "The bench's history grows in days beyond 1M"). `--days` overrides it.
BENCH_DAYS = 120
BENCH_DAILY_VOLUME_OF = 1_000_000


def history_days(tickets: int) -> int:
    """Days of generated history for a bench of `tickets` tickets (when `--days` is not given)."""
    return max(BENCH_DAYS, round(BENCH_DAYS * tickets / BENCH_DAILY_VOLUME_OF))
POLL_SECONDS = 0.2
INHERITED_RSS_MARGIN = 32 * 2**20  # bytes
# baselines vs kpi_scorecard: the floor is the same SQL arithmetic; pandas sums floats in another order
AGREEMENT_REL_TOL = {"floor": 1e-9, "pandas": 1e-6}
# bench.json holds exactly the figures the issue names; everything else goes to bench_details.json
BENCH_KEYS = ("tickets", "full_s", "night_s", "floor_s", "pandas_s", "full_peak_mb", "night_peak_mb",
              "full_over_floor", "night_over_full", "pandas_over_night")


@dataclass
class StepResult:
    name: str
    seconds: float
    peak_mb: float
    exit_code: int
    load_before: float
    load_after: float
    log: str
    notes: list[str] = field(default_factory=list)
    # whole machine during the step, seconds of CPU time by state (CPU_STATES): a slow run
    # that burned more user time did more work or ran on slower cores; one with idle or steal
    # time waited
    machine_cpu_s: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def _tree_rss(proc) -> int:
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


# CPU time states reported per step (psutil.cpu_times; guest time is already counted in user)
CPU_STATES = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")


def _machine_cpu() -> dict[str, float]:
    """Seconds of CPU time since boot by state, summed over the machine's CPUs (the states this
    platform reports)."""
    import psutil

    times = psutil.cpu_times()._asdict()
    return {state: times[state] for state in CPU_STATES if state in times}


def run_measured(name: str, cmd: list[str], env: dict[str, str], log_path: Path, cwd: Path | None = None) -> StepResult:
    """Run `cmd` as a new process; wall time and peak memory.

    Peak = the larger of the polled RSS sum of the process and all its descendants (every
    POLL_SECONDS) and the process's own kernel-tracked maximum RSS (rusage), the latter only where
    it clearly exceeds this process's own maximum: Linux carries the parent's high-water RSS into a
    child through fork and exec, so a 15 MB child of a 2 GB parent reports 2 GB."""
    import psutil

    log_path.parent.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()[0]
    cpu_before = _machine_cpu()
    peak = 0
    with open(log_path, "w") as log:
        start = time.monotonic()
        popen = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(cwd or config.REPO_ROOT))
        proc = psutil.Process(popen.pid)
        stop = threading.Event()

        def poll() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss(proc))
                stop.wait(POLL_SECONDS)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        # wait4: the child's own peak RSS (kernel-tracked, catches a peak between two polls)
        _, status, usage = os.wait4(popen.pid, 0)
        seconds = time.monotonic() - start
        popen.returncode = code = os.waitstatus_to_exitcode(status)
        stop.set()
        poller.join()
    # Read after the child: what it inherited is this process's peak at its exec, and the parent can
    # still grow between a read before Popen and the exec. The margin covers the kernel's per-CPU
    # RSS counters, which are approximate; a child peak inside it is left to the polling.
    inherited = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    if usage.ru_maxrss * 1024 > inherited + INHERITED_RSS_MARGIN:
        peak = max(peak, usage.ru_maxrss * 1024)
    cpu_after = _machine_cpu()
    machine_cpu = {k: round(cpu_after[k] - cpu_before[k], 1) for k in cpu_before if k in cpu_after}
    return StepResult(name, seconds, peak / 2**20, code, load_before, os.getloadavg()[0], str(log_path),
                      machine_cpu_s=machine_cpu)


def _env(work: Path, landing: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SW_WAREHOUSE_PATH=str(work / "warehouse" / "warehouse.duckdb"),
        SW_LANDING_DIR=str(landing),
        SW_PUBLISH_DIR=str(work / "published"),
        DAGSTER_HOME=str(work / "dagster"),
        SW_DBT_TARGET_PATH=str(work / "target"),
        DBT_LOG_PATH=str(work / "target" / "logs"),
        PYTHONUNBUFFERED="1",
    )
    env.pop("SW_DBT_TARGET", None)
    env.pop("SW_MARTS_PATH", None)  # the marts file goes beside the bench's warehouse
    return env


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("support-warehouse")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "support_warehouse.cli"]


def _link(src: Path, dest: Path) -> None:
    """Hard link (no second copy of gigabytes of extracts), else copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def _split(extracts: Path, history: Path, night: Path) -> list[str]:
    """History files -> `history`, the night's files -> `night` (same entity folders)."""
    names = []
    for entity_dir in sorted(p for p in extracts.iterdir() if p.is_dir()):
        for f in sorted(entity_dir.glob("*.csv")):
            is_night = not f.name.endswith("_history.csv")
            _link(f, (night if is_night else history) / entity_dir.name / f.name)
            if is_night:
                names.append(f"{entity_dir.name}/{f.name}")
    return names


def _link_tree(src: Path, dest: Path) -> None:
    for f in sorted(src.rglob("*.csv")):
        _link(f, dest / f.relative_to(src))


# ------------------------------------------------------------------------------- baselines


def run_floor(landing: Path, out: Path, seeds: Path = SEEDS_DIR) -> None:
    """Run bench/floor.sql over `landing` (one DuckDB, the configured memory and threads)."""
    import duckdb

    con = duckdb.connect(config={"memory_limit": config.duckdb_memory_limit(), "threads": config.duckdb_threads()})
    con.execute("set enable_progress_bar = false")
    for name, value in (("landing_dir", landing), ("seeds_dir", seeds)):
        quoted = str(Path(value).resolve()).replace("'", "''")
        con.execute(f"set variable {name} = '{quoted}'")
    # the plausible window of timestamps, as staging judges it (its load time: now)
    for name, value in (
        ("loaded_at", datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")),
        ("plausible_from", config.plausible_from()),
        ("plausible_days_after_load", config.plausible_days_after_load()),
        ("plausible_schedule_days_after_load", config.plausible_schedule_days_after_load()),
    ):
        con.execute(f"set variable {name} = ?", [value])
    statements = duckdb.extract_statements(FLOOR_SQL.read_text())
    for statement in statements[:-1]:
        con.execute(statement)
    # the last statement is the result: metric_id, period_start, value, numerator, denominator
    final = statements[-1].query.strip().rstrip(";")
    quoted = str(Path(out).resolve()).replace("'", "''")
    con.execute(f"copy ({final}) to '{quoted}' (format parquet)")
    con.close()


def agreement(warehouse: Path, result_path: Path, rel_tol: float = 1e-9) -> tuple[int, list[str]]:
    """Compare a baseline's result (parquet) with kpi_scorecard's monthly 'all' rows.

    Returns (rows compared, problems)."""
    import duckdb

    con = config.connect_build(warehouse, read_only=True)
    try:
        kpi = con.execute(
            "select metric_id, period_start, value, numerator, denominator from marts.kpi_scorecard "
            "where period_grain = 'month' and dimension = 'all'"
        ).fetchall()
    finally:
        con.close()
    other = duckdb.connect().execute(
        "select metric_id, cast(period_start as date), value, numerator, denominator from read_parquet(?)",
        [str(result_path)],
    ).fetchall()
    return compare_rows(kpi, other, rel_tol)


def compare_rows(kpi: list[tuple], other: list[tuple], rel_tol: float) -> tuple[int, list[str]]:
    def close(a, b) -> bool:
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(float(a), float(b), rel_tol=rel_tol, abs_tol=1e-9)

    k = {(r[0], r[1]): r[2:] for r in kpi}
    o = {(r[0], r[1]): r[2:] for r in other}
    problems = []
    for key in sorted(set(k) | set(o), key=lambda x: (x[0], str(x[1]))):
        a, b = k.get(key), o.get(key)
        if a is None or b is None:
            problems.append(f"{key[0]} {key[1]}: only in {'baseline' if a is None else 'kpi_scorecard'}")
        elif not all(close(x, y) for x, y in zip(a, b, strict=True)):
            problems.append(f"{key[0]} {key[1]}: kpi_scorecard {a} vs baseline {b}")
    return len(set(k) | set(o)), problems


# ------------------------------------------------------------------------------- the benchmark


def bench(
    tickets: int,
    workdir: Path,
    *,
    days: int | None = None,
    seed: int = 42,
    bad_rows_share: float = 0.01,
    end_date: date = date(2026, 10, 31),
    skip: tuple[str, ...] = (),
    keep_extracts: bool = False,
    repeat: int = 1,
) -> dict:
    from .generate import generate

    if repeat < 1:
        raise ValueError(f"bench: repeat must be at least 1, got {repeat}")
    days = history_days(tickets) if days is None else days
    # Before any step starts: they all inherit it, so the baselines run as the refresh does.
    config.disable_transparent_huge_pages()
    workdir = Path(workdir).resolve()
    marker = workdir / ".sw_bench"
    extracts = workdir / "extracts"
    gen_args = {"tickets": tickets, "days": days, "seed": seed, "bad_rows_share": bad_rows_share,
                "end_date": end_date.isoformat(), "nights": 1}
    gen_stamp = extracts / "_bench_generate.json"
    reuse = (keep_extracts and gen_stamp.exists()
             and json.loads(gen_stamp.read_text()).get("args") == gen_args)
    if workdir.exists() and any(workdir.iterdir()):
        if not marker.exists():
            raise SystemExit(f"bench: {workdir} is not empty and is no bench folder; choose another --workdir")
        for child in workdir.iterdir():
            if reuse and child == extracts:
                continue
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    workdir.mkdir(parents=True, exist_ok=True)
    marker.write_text("scratch folder of support-warehouse bench; emptied by the next run\n")
    history, night, landing = (workdir / n for n in ("history", "night", "landing"))
    for d in (extracts, history, night, landing):
        d.mkdir(parents=True, exist_ok=True)

    t0 = time.monotonic()
    if reuse:
        counts = json.loads(gen_stamp.read_text())["counts"]
        print(f"Reusing the extracts in {extracts} (same generator arguments)", flush=True)
    else:
        print(f"Generating {tickets:,} tickets of history + 1 night into {extracts} ...", flush=True)
        # In a process of its own: the generator's memory (13 GB at 10M tickets) must not stay with
        # the process that spawns and measures the steps below.
        # close() + join(), not the context manager's terminate(): a process that inherited an
        # ignored SIGTERM (some CI runners and job shells) would keep the idle worker, and the join, forever.
        pool = multiprocessing.get_context("spawn").Pool(1)
        try:
            counts = pool.apply(generate, kwds={
                "out_dir": extracts, "tickets": tickets, "days": days, "seed": seed,
                "bad_rows_share": bad_rows_share, "end_date": end_date, "nights": 1,
            })
        finally:
            pool.close()
            pool.join()
        gen_stamp.write_text(json.dumps({"args": gen_args, "counts": counts}))
    generate_s = time.monotonic() - t0
    night_files = _split(extracts, history, night)
    _link_tree(history, landing)
    print(f"  {sum(counts.values()):,} rows in {generate_s:.0f}s; night files: {len(night_files)}", flush=True)

    env = _env(workdir, landing)
    warehouse = Path(env["SW_WAREHOUSE_PATH"])
    rounds: list[dict[str, StepResult]] = []
    checks: dict[str, dict] = {}

    def step(name: str, cmd: list[str]) -> StepResult:
        once = repeat == 1 or name == "prepare"
        label, log_name = (name, name) if once else (f"{name} {len(rounds)}/{repeat}", f"{name}-{len(rounds)}")
        print(f"[{label}] {' '.join(cmd[-3:])} ...", flush=True)
        r = run_measured(name, cmd, env, workdir / "logs" / f"{log_name}.log")
        status = "ok" if r.ok else f"EXIT {r.exit_code} (see {r.log})"
        print(f"[{label}] {r.seconds:.1f}s, peak {r.peak_mb:,.0f} MB, load {r.load_before:.1f}->{r.load_after:.1f}: "
              f"{status}", flush=True)
        return r

    # The deploy step: the dbt manifest of this code version, which every refresh then reads.
    prepare = step("prepare", [*_cli(), "prepare"])
    while len(rounds) < repeat:
        if rounds:
            if not all(r.ok for r in rounds[-1].values()):
                print(f"Round {len(rounds)} had a failed step: no further rounds", flush=True)
                break
            _reset_for_full(landing, night, env)
        steps: dict[str, StepResult] = {}
        rounds.append(steps)
        # (a) full: the refresh as users run it, from an empty warehouse, history only.
        steps["full"] = step("full", [*_cli(), "refresh"])
        # (c) floor and (d) pandas, on the same history extracts.
        if "floor" not in skip:
            out = workdir / "floor.parquet"
            steps["floor"] = step("floor", [sys.executable, "-m", "support_warehouse.bench", "floor", str(history), str(out)])
        if "pandas" not in skip:
            out = workdir / "pandas.parquet"
            steps["pandas"] = step("pandas", [sys.executable, str(PANDAS_SCRIPT), str(history), "--seeds",
                                              str(SEEDS_DIR), "--out", str(out)])
        if len(rounds) == 1:  # every round computes the same figures from the same files
            for name in ("floor", "pandas"):
                result = workdir / f"{name}.parquet"
                if name in steps and steps[name].ok and result.exists() and warehouse.exists():
                    n, problems = agreement(warehouse, result, AGREEMENT_REL_TOL[name])
                    checks[name] = {"compared": n, "mismatches": len(problems), "examples": problems[:10]}
                    verdict = "agree" if not problems else f"{len(problems)} MISMATCHES, e.g. {problems[0]}"
                    print(f"  {name} vs kpi_scorecard (monthly, all): {n} metric-months, {verdict}", flush=True)
        # (b) night: the night's files land, the refresh runs again on top of the history.
        _link_tree(night, landing)
        steps["night"] = step("night", [*_cli(), "refresh"])

    steps = {"prepare": prepare, **{name: _median_step(rounds, name) for name in rounds[0]}}

    def ratio(a: str, b: str) -> float | None:
        if a in steps and b in steps and steps[b].seconds > 0:
            return steps[a].seconds / steps[b].seconds
        return None

    details = {
        "tickets": tickets,
        "full_s": round(steps["full"].seconds, 2),
        "night_s": round(steps["night"].seconds, 2),
        "floor_s": round(steps["floor"].seconds, 2) if "floor" in steps else None,
        "pandas_s": round(steps["pandas"].seconds, 2) if "pandas" in steps else None,
        "full_peak_mb": round(steps["full"].peak_mb, 1),
        "night_peak_mb": round(steps["night"].peak_mb, 1),
        "full_over_floor": _round(ratio("full", "floor")),
        "night_over_full": _round(ratio("night", "full")),
        "pandas_over_night": _round(ratio("pandas", "night")),
        # beyond the required keys
        "prepare_s": round(steps["prepare"].seconds, 2),
        "floor_peak_mb": round(steps["floor"].peak_mb, 1) if "floor" in steps else None,
        "pandas_peak_mb": round(steps["pandas"].peak_mb, 1) if "pandas" in steps else None,
        "generate_s": round(generate_s, 2),
        "rows": counts,
        "night_files": night_files,
        "repeat": len(rounds),
        "exit_codes": {k: v.exit_code for k, v in steps.items()},
        "load_average": {k: [round(v.load_before, 2), round(v.load_after, 2)] for k, v in steps.items()},
        "machine_cpu_s": {k: v.machine_cpu_s for k, v in steps.items()},
        # the refreshes' dbt build and publication (the median round's log)
        "phase_seconds": {k: phase_seconds(Path(steps[k].log)) for k in ("full", "night") if k in steps},
        "rounds": [
            {name: {"seconds": round(r.seconds, 2), "peak_mb": round(r.peak_mb, 1), "exit_code": r.exit_code,
                    "load_average": [round(r.load_before, 2), round(r.load_after, 2)],
                    "machine_cpu_s": r.machine_cpu_s, "log": r.log}
             for name, r in steps_of_round.items()}
            for steps_of_round in rounds
        ],
        "agreement": checks,
        "settings": {
            "days": days, "seed": seed, "bad_rows_share": bad_rows_share, "end_date": end_date.isoformat(),
            "duckdb_memory_limit": config.duckdb_memory_limit(), "duckdb_threads": config.duckdb_threads(),
            "cpus": os.cpu_count(), "transparent_huge_pages": config.transparent_huge_pages(),
        },
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    out = {key: details[key] for key in BENCH_KEYS}
    (workdir / "bench.json").write_text(json.dumps(out, indent=2) + "\n")
    (workdir / "bench_details.json").write_text(json.dumps(details, indent=2) + "\n")
    print_table(details, steps)
    print(f"Wrote {workdir / 'bench.json'} (details: bench_details.json)", flush=True)
    print_ratios(details)
    return details


def _median_step(rounds: list[dict[str, StepResult]], name: str) -> StepResult:
    """One step over the rounds: the median time, the highest peak, the worst exit code; load and
    CPU figures of the round whose time is the (lower) median."""
    runs = [r[name] for r in rounds if name in r]
    median_run = sorted(runs, key=lambda r: r.seconds)[(len(runs) - 1) // 2]
    failed = [r.exit_code for r in runs if r.exit_code != 0]
    return StepResult(
        name,
        statistics.median(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        failed[0] if failed else 0,
        median_run.load_before,
        median_run.load_after,
        median_run.log,
        machine_cpu_s=median_run.machine_cpu_s,
    )


def _reset_for_full(landing: Path, night: Path, env: dict[str, str]) -> None:
    """Back to where the first round's full refresh started: no warehouse, publication or Dagster
    runs, only the history in the landing folder (the dbt manifest from prepare stays)."""
    for path in (Path(env["SW_WAREHOUSE_PATH"]).parent, Path(env["SW_PUBLISH_DIR"]), Path(env["DAGSTER_HOME"])):
        shutil.rmtree(path, ignore_errors=True)
    for f in night.rglob("*.csv"):
        (landing / f.relative_to(night)).unlink(missing_ok=True)


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def print_table(out: dict, steps: dict[str, StepResult]) -> None:
    """Each step's figures; with several rounds, the median time and highest peak, then each round's time."""
    print()
    rounds = out.get("rounds") or []
    print(f"Benchmark: {out['tickets']:,} tickets over {out['settings']['days']:,} days ({os.cpu_count()} CPUs, DuckDB memory_limit "
          f"{out['settings']['duckdb_memory_limit']}, {out['settings']['duckdb_threads']} threads"
          + (f", median of {len(rounds)} rounds)" if len(rounds) > 1 else ")"))
    print(f"{'step':<8} {'wall s':>9} {'peak MB':>9} {'load avg':>11}  status" + ("   wall s by round" if len(rounds) > 1 else ""))
    for name in ("prepare", "full", "night", "floor", "pandas"):
        if name not in steps:
            continue
        r = steps[name]
        by_round = [f"{x[name]['seconds']:.1f}" for x in rounds if name in x] if len(rounds) > 1 else []
        print(f"{name:<8} {r.seconds:>9.1f} {r.peak_mb:>9,.0f} {r.load_before:>5.1f}->{r.load_after:<5.1f}  "
              f"{'ok' if r.ok else f'exit {r.exit_code}':<6}" + (f"  {' / '.join(by_round)}" if by_round else ""))
    phases = out.get("phase_seconds") or {}
    for name in ("full", "night"):
        if phases.get(name):
            print(f"  {name}: " + ", ".join(f"{k} {v:.1f}s" for k, v in phases[name].items()))
    print()


# What a refresh's log says of its two big phases: dbt's own closing line and the CLI's summary.
_DBT_FINISHED = re.compile(r"Finished running .* in .*\(([0-9.]+)s\)\.")
_PUBLISHED = re.compile(r"^Published: .* in ([0-9.]+)s", re.MULTILINE)


def phase_seconds(log: Path) -> dict[str, float]:
    """The dbt build's and the publication's wall seconds in a refresh's log (what it has)."""
    try:
        text = Path(log).read_text(errors="replace")
    except OSError:
        return {}
    out = {}
    for name, pattern in (("dbt", _DBT_FINISHED), ("publication", _PUBLISHED)):
        found = pattern.findall(text)
        if found:
            out[name] = float(found[-1])
    return out


def night_target(tickets: int) -> str:
    """Issue 27's night / full target for this size: <= 0.25 at 1M, <= 0.1 at 10M (where the
    night must also stay <= 2x the 1M night, which only two benches side by side show)."""
    if tickets >= 10_000_000:
        return "<= 0.1 at 10M; and night <= 2x the 1M night: compare with a 1M bench"
    return "<= 0.25 at 1M; <= 0.1 at 10M"


def print_ratios(out: dict) -> None:
    """The three ratios, printed last."""

    def show(key: str, label: str, target: str) -> None:
        v = out.get(key)
        print(f"{label:<16} {('n/a' if v is None else f'{v:.3f}'):>8}   (target {target})", flush=True)

    show("full_over_floor", "full / floor", "<= 3")
    show("night_over_full", "night / full", night_target(out["tickets"]))
    show("pandas_over_night", "pandas / night", ">= 10")


def main(argv: list[str] | None = None) -> int:
    """`python -m support_warehouse.bench floor LANDING OUT`: the floor step's process."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) == 3 and argv[0] == "floor":
        t = time.monotonic()
        run_floor(Path(argv[1]), Path(argv[2]))
        print(f"floor: {time.monotonic() - t:.1f}s", file=sys.stderr)
        return 0
    print("usage: python -m support_warehouse.bench floor LANDING OUT.parquet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["bench", "run_floor", "agreement", "compare_rows", "run_measured", "StepResult", "asdict"]
