"""The project's SQL style (.sqlfluff, dbt templater) holds for every model and analysis.

Runs inside the test suite rather than before it, so the lint (about two CPU-minutes, one
process; ~120 CPU s with sqlfluff's Rust parser, a dev dependency) shares the machine with the
other test modules instead of delaying them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINTED = ("models", "analyses")


def test_sqlfluff_finds_no_violation(tmp_path: Path) -> None:
    env = {
        **os.environ,
        # the dbt templater compiles without a warehouse file; its artifacts go to tmp
        "SW_WAREHOUSE_PATH": ":memory:",
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    sqlfluff = Path(sys.executable).with_name("sqlfluff")
    result = subprocess.run(
        [str(sqlfluff), "lint", *LINTED, "--format", "json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    files = json.loads(result.stdout or "[]")
    problems = [
        f"{f['filepath']}:{v.get('start_line_no', '?')}: {v.get('code')} {v.get('description')}"
        for f in files for v in f["violations"]
    ]
    assert result.returncode == 0 and not problems, "\n".join(problems) or result.stderr[-4000:]
    # a lint that silently read nothing would pass too: every SQL file must have been linted
    expected = {str(p.relative_to(ROOT)) for d in LINTED for p in (ROOT / d).rglob("*.sql")}
    assert expected <= {f["filepath"] for f in files}
