"""``support-warehouse ui``: the Dagster UI (``dagster dev``) on this project, no setup needed.

Prepares the dbt manifest, creates the instance folder (DAGSTER_HOME, default data/dagster, with a
dagster.yaml) and runs ``dagster dev -m support_warehouse.orchestration.definitions`` from the repository root with
the venv's bin folder first on PATH (so ``dbt`` resolves without an activated venv). The UI shows
the asset graph (raw -> staging -> ... -> marts -> published), checks, runs of the CLI (same
instance), the schedule and the sensor; the daemon started by ``dagster dev`` runs them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from support_warehouse.orchestration.instance import ensure_dagster_home
from support_warehouse.orchestration.project import build_dbt_project, prepare_manifest
from support_warehouse import config

CODE_LOCATION_MODULE = "support_warehouse.orchestration.definitions"


def ui_env() -> dict[str, str]:
    home = ensure_dagster_home()
    env = dict(os.environ)
    env["DAGSTER_HOME"] = str(home)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
    return env


def dagster_command(host: str = "127.0.0.1", port: int = 3000, *, webserver_only: bool = False) -> list[str]:
    """``dagster dev`` (webserver + daemon), or only ``dagster-webserver`` (no schedules/sensors)."""
    bin_dir = Path(sys.executable).parent
    if webserver_only:
        exe = bin_dir / "dagster-webserver"
        return [str(exe) if exe.exists() else "dagster-webserver", "-m", CODE_LOCATION_MODULE, "-h", host, "-p", str(port)]
    exe = bin_dir / "dagster"
    return [str(exe) if exe.exists() else "dagster", "dev", "-m", CODE_LOCATION_MODULE, "-h", host, "-p", str(port)]


def launch_ui(host: str = "127.0.0.1", port: int = 3000, *, webserver_only: bool = False) -> int:
    """Run the UI in the foreground until Ctrl-C; return its exit code."""
    manifest = prepare_manifest(build_dbt_project())
    env = ui_env()
    cmd = dagster_command(host, port, webserver_only=webserver_only)
    print(f"dbt manifest: {manifest}")
    print(f"Dagster instance (DAGSTER_HOME): {env['DAGSTER_HOME']}")
    print(f"Build database: {config.warehouse_path()}   landing: {config.landing_dir()}")
    print(f"Starting {' '.join(Path(cmd[0]).name if i == 0 else a for i, a in enumerate(cmd))}")
    print(f"Open http://{host}:{port} (Ctrl-C to stop)", flush=True)
    proc = subprocess.Popen(cmd, cwd=config.REPO_ROOT, env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached dagster dev too (same process group): give it time to stop its services.
        for sig, grace in ((None, 60), (signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            if sig is not None:
                proc.send_signal(sig)
            try:
                return proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                continue
        return proc.wait()
