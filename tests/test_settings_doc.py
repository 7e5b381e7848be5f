"""The README's Settings table is the one list of settings: every `SW_` environment variable the
code reads is in it (with a default and a meaning), it lists none that nothing reads, and the other
README sections link to it instead of repeating defaults."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where settings are read: Python, dbt profile and project, macros and models, the Makefile.
CODE = ("support_warehouse", "bench", "macros", "models", "profiles.yml", "dbt_project.yml", "Makefile")
SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".toml", ""}
VAR = re.compile(r"\bSW_[A-Z][A-Z0-9_]*")


def code_variables() -> dict[str, list[str]]:
    """Every SW_ name in the code, with the files naming it."""
    found: dict[str, list[str]] = {}
    for name in CODE:
        top = ROOT / name
        files = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        for path in files:
            if not path.is_file() or path.suffix not in SUFFIXES or "__pycache__" in path.parts:
                continue
            for var in set(VAR.findall(path.read_text(encoding="utf-8", errors="replace"))):
                found.setdefault(var, []).append(str(path.relative_to(ROOT)))
    return found


def readme_sections() -> tuple[str, str]:
    """The README's Settings section, and the rest of the README."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## Settings\n")
    end = text.find("\n## ", start + 1)
    end = len(text) if end == -1 else end
    return text[start:end], text[:start] + text[end:]


def settings_rows() -> dict[str, list[str]]:
    """variable -> [default, meaning] from the Settings table's rows (one variable per row)."""
    rows: dict[str, list[str]] = {}
    for line in readme_sections()[0].splitlines():
        m = re.match(r"\|\s*`([A-Z][A-Z0-9_]*)`\s*\|(.*)\|\s*$", line)
        if m:
            assert m.group(1) not in rows, f"{m.group(1)} is listed twice in the README's Settings table"
            rows[m.group(1)] = [cell.strip() for cell in m.group(2).split("|")]
    return rows


def test_every_variable_the_code_reads_is_in_the_settings_table():
    read = code_variables()
    rows = settings_rows()
    missing = {var: files for var, files in read.items() if var not in rows}
    assert not missing, f"add to the README's Settings table: {missing}"
    assert "DAGSTER_HOME" in rows


def test_the_settings_table_lists_only_variables_the_code_reads():
    read = code_variables()
    stale = sorted(var for var in settings_rows() if var != "DAGSTER_HOME" and var not in read)
    assert not stale, f"the README's Settings table lists variables nothing reads: {stale}"


def test_every_setting_has_a_default_and_a_meaning():
    rows = settings_rows()
    assert len(rows) >= 30  # 33 on 2026-12-07; a table the parser misses must not pass
    for var, cells in rows.items():
        assert len(cells) == 2 and all(cells), f"{var}: needs a default and a meaning, got {cells}"


def test_other_sections_do_not_repeat_defaults():
    rest = readme_sections()[1]
    repeated = re.findall(r"`\$?((?:SW_[A-Z0-9_]+|DAGSTER_HOME))`,?\s*\(default\b", rest)
    assert not repeated, f"link to the Settings table instead of repeating the default of {repeated}"
