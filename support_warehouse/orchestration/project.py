"""The dbt project as Dagster sees it, and how its manifest is prepared.

``@dbt_assets`` reads ``manifest.json`` when the definitions are imported, so the manifest must exist
first. ``prepare_manifest()`` runs ``dbt parse`` (no database access, so no DuckDB lock) when the
manifest is missing or older than any file of the dbt project, or was parsed for another target.
The CLI calls it before running the job or the UI; ``support_warehouse.orchestration.definitions`` calls it when the
manifest is missing, and ``DbtProject.prepare_if_dev()`` re-parses on every reload under
``dagster dev``.

Artifacts go to ``config.dbt_target_path()`` (env ``SW_DBT_TARGET_PATH``, default ``target/``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from dagster_dbt import DbtProject

from support_warehouse import config

# Folders and files whose change can change the manifest.
_INPUT_DIRS = ("models", "macros", "seeds", "tests/dbt", "analyses", "snapshots")
_INPUT_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml", "selectors.yml")
_STAMP = "sw_manifest_target.json"


def dbt_executable() -> str:
    """The dbt next to this interpreter (the venv's), so no activated venv is needed."""
    sibling = Path(sys.executable).with_name("dbt")
    if sibling.exists():
        return str(sibling)
    return shutil.which("dbt") or "dbt"


def ensure_dbt_on_path() -> None:
    """Put the venv's bin folder on PATH: dagster-dbt's own preparer calls plain ``dbt``."""
    bin_dir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bin_dir not in parts and Path(bin_dir, "dbt").exists():
        os.environ["PATH"] = os.pathsep.join([bin_dir, *parts])


def build_dbt_project(target: str | None = None) -> DbtProject:
    """The dbt project with the current settings (target, artifacts folder)."""
    return DbtProject(
        project_dir=config.DBT_PROJECT_DIR,
        profiles_dir=config.DBT_PROJECT_DIR,
        target=target or config.dbt_target(),
        target_path=config.dbt_target_path(),
    )


def _newest_input_mtime(project_dir: Path) -> float:
    newest = 0.0
    for name in _INPUT_FILES:
        p = project_dir / name
        if p.exists():
            newest = max(newest, p.stat().st_mtime)
    for name in _INPUT_DIRS:
        root = project_dir / name
        if not root.is_dir():
            continue
        newest = max(newest, root.stat().st_mtime)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            newest = max(newest, Path(dirpath).stat().st_mtime)
            for f in filenames:
                try:
                    newest = max(newest, Path(dirpath, f).stat().st_mtime)
                except FileNotFoundError:  # removed while we walk
                    pass
    return newest


def manifest_stale_reason(project: DbtProject) -> str | None:
    """Why the manifest must be (re)built, or None when it is current."""
    manifest = project.manifest_path
    if not manifest.exists():
        return f"no manifest at {manifest}"
    stamp = manifest.parent / _STAMP
    try:
        parsed_for = json.loads(stamp.read_text()).get("target")
    except (OSError, ValueError):
        parsed_for = None
    if parsed_for != project.target:
        return f"manifest was parsed for target {parsed_for!r}, not {project.target!r}"
    if _newest_input_mtime(Path(project.project_dir)) > manifest.stat().st_mtime:
        return "dbt project files changed since the last parse"
    return None


@contextmanager
def _parse_lock(target_dir: Path):
    target_dir.mkdir(parents=True, exist_ok=True)
    with open(target_dir / ".sw_parse.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def run_dbt_parse(project: DbtProject) -> None:
    """``dbt parse`` into the project's target folder; raises with dbt's output on failure."""
    target_dir = project.manifest_path.parent
    cmd = [
        dbt_executable(),
        "parse",
        "--quiet",
        "--project-dir",
        str(project.project_dir),
        "--profiles-dir",
        str(project.profiles_dir),
        "--target-path",
        str(target_dir),
    ]
    if project.target:
        cmd += ["--target", project.target]
    env = {**os.environ, "DBT_LOG_PATH": str(target_dir / "logs"), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    proc = subprocess.run(cmd, cwd=project.project_dir, env=env, capture_output=True, text=True)
    if proc.returncode != 0 or not project.manifest_path.exists():
        raise RuntimeError(f"dbt parse failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}".strip())
    mark_manifest_target(project)


def mark_manifest_target(project: DbtProject) -> None:
    """Record which target the manifest in the target folder was parsed for."""
    if project.manifest_path.exists():
        (project.manifest_path.parent / _STAMP).write_text(json.dumps({"target": project.target}))


def prepare_manifest(project: DbtProject | None = None, *, force: bool = False) -> Path:
    """Make sure ``manifest.json`` exists and is current; return its path."""
    project = project or build_dbt_project()
    if not force and manifest_stale_reason(project) is None:
        return project.manifest_path
    with _parse_lock(project.manifest_path.parent):
        # Another process may have parsed while we waited for the lock.
        if force or manifest_stale_reason(project) is not None:
            run_dbt_parse(project)
    return project.manifest_path


def load_manifest(project: DbtProject) -> dict:
    return json.loads(project.manifest_path.read_text())
