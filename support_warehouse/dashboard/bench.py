"""Per-page render time of the dashboard on a publication (`support-warehouse bench-dashboard`).

Each page runs once cold (opens the publication, fills the query cache), then `rounds` more times
in the same process, as the server does for every later visitor and every filter change. The
times are the server's script runs (queries, pandas, chart specs), measured with Streamlit's
AppTest; the browser's drawing comes on top.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

PAGES_DIR = Path(__file__).with_name("views")
PAGES = ("overview", "volume", "speed", "quality", "phone", "team", "commerce", "data_quality")


def bench_pages(publish_dir: Path, rounds: int = 3, timeout: float = 300) -> list[dict]:
    from streamlit.testing.v1 import AppTest

    os.environ["SW_PUBLISH_DIR"] = str(publish_dir)
    results = []
    for page in PAGES:
        started = time.perf_counter()
        first = AppTest.from_file(str(PAGES_DIR / f"{page}.py"), default_timeout=timeout).run()
        cold = time.perf_counter() - started
        errors = [e.value for e in first.exception]
        warm = []
        for _ in range(rounds):
            started = time.perf_counter()
            at = AppTest.from_file(str(PAGES_DIR / f"{page}.py"), default_timeout=timeout).run()
            warm.append(time.perf_counter() - started)
            errors += [e.value for e in at.exception]
        results.append({"page": page, "first_s": cold, "after_first_s": statistics.median(warm), "errors": errors})
    return results


def print_results(results: list[dict], publish_dir: Path, target_s: float = 2.0) -> None:
    print(f"Dashboard render times on {publish_dir} (server script run; median of the runs after the first)")
    print(f"{'page':<14} {'first load':>11} {'after first':>12}  within {target_s:g} s")
    for r in results:
        ok = "yes" if r["after_first_s"] < target_s and not r["errors"] else "NO"
        print(f"{r['page']:<14} {r['first_s']:>10.2f}s {r['after_first_s']:>11.2f}s  {ok}")
        for err in r["errors"][:3]:
            print(f"    error: {err[:200]}")
