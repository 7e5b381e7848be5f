"""The engine-neutral loader modules (support_warehouse.loading): which files are new, ledger rows,
and that the engine backends share them through public names only."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path

from support_warehouse.loading.files import LandingFile
from support_warehouse.loading.ledger import KnownFiles, known_from_rows, loaded_row, quarantined_row, split_new
from support_warehouse.loading.result import FileOutcome

PACKAGE = Path(__file__).resolve().parents[1] / "support_warehouse"


def _file(rel: str, size: int, mtime_ns: int = 1) -> LandingFile:
    return LandingFile(path=Path("/x") / rel, rel=rel, display=f"landing/{rel}", fmt="csv",
                       compression=None, size=size, mtime_ns=mtime_ns)


def test_known_from_rows_turns_the_size_shortcut_off_when_a_size_is_missing():
    rows = [
        ("tickets", "tickets/a.csv", "h1", 10, 5),
        ("tickets", "tickets/b.csv", "h2", None, None),  # recorded before sizes were kept
        ("orders", "orders/o.csv", "h3", 7, 6),
    ]
    known = known_from_rows(["tickets", "orders", "agents"], rows, by_size=True)
    assert known["tickets"].stats == {"tickets/a.csv": (10, 5)}  # b has no size: not recognised by stat
    assert known["tickets"].hashes == {"h1", "h2"}
    assert known["tickets"].sizes is None
    assert known["orders"].sizes == {7}
    assert known["agents"] == KnownFiles(sizes=set())
    assert known_from_rows(["orders"], rows[2:], by_size=False)["orders"].sizes is None


def test_split_new_hashes_only_the_files_it_cannot_tell_apart_otherwise():
    known = KnownFiles(stats={"tickets/a.csv": (10, 5)}, hashes={"hash-of-c"}, sizes={10, 30})
    files = [
        _file("tickets/a.csv", 10, 5),  # same path, size, mtime: skipped, not hashed
        _file("tickets/b.csv", 20),  # a size no known file and no other candidate has: new, not hashed
        _file("tickets/c.csv", 30),  # a known size: hashed, its content was loaded: skipped
        _file("tickets/d.csv", 40),  # d and e share a size: both hashed, the same content: e skipped
        _file("tickets/e.csv", 40),
    ]
    hashed: list[str] = []

    def hash_file(f: LandingFile) -> None:
        hashed.append(f.rel)
        f.sha256 = {"tickets/c.csv": "hash-of-c"}.get(f.rel, "hash-of-d-and-e")

    new, skipped = split_new(files, known, hash_file)
    assert [f.rel for f in new] == ["tickets/b.csv", "tickets/d.csv"]
    assert [f.rel for f in skipped] == ["tickets/a.csv", "tickets/c.csv", "tickets/e.csv"]
    assert hashed == ["tickets/c.csv", "tickets/d.csv", "tickets/e.csv"]
    # Without sizes (the Spark backend) every candidate is hashed.
    hashed.clear()
    split_new(files, KnownFiles(stats=known.stats, hashes=known.hashes), hash_file)
    assert hashed == ["tickets/b.csv", "tickets/c.csv", "tickets/d.csv", "tickets/e.csv"]


def test_ledger_rows_say_empty_loaded_or_quarantined_with_the_reason():
    at = datetime(2026, 12, 7, 6, 0)
    f = _file("tickets/a.csv", 10, 5)
    f.sha256 = "h"
    assert loaded_row("tickets", f, "L1", at, FileOutcome(notes=["header only: no data rows"])) == (
        "tickets/a.csv", "h", "tickets", "L1", at, 0, 0, "empty", "header only: no data rows", 10, 5,
    )
    assert loaded_row("tickets", f, "L1", at, FileOutcome(rows=3, rejects=2, notes=["line 4: x"]))[5:9] == (
        3, 2, "loaded", "2 record(s) rejected by the reader; line 4: x",
    )
    g = _file("tickets/g.csv", 0)  # never hashed: recognised by path, size and mtime
    assert quarantined_row("tickets", g, "L1", at, "tickets: landing/tickets/g.csv is unreadable: it ...")[1:3] == (
        "unhashed:tickets/g.csv", "tickets",
    )
    assert quarantined_row("tickets", g, "L1", at, "why")[5:9] == (0, 0, "quarantined", "why")


def _private_uses(path: Path) -> list[str]:
    """`from .x import _name` and `x._name` where x is a module of this package imported here."""
    tree = ast.parse(path.read_text())
    modules: set[str] = set()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("support_warehouse")):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno} imports {alias.name}")
                else:
                    modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
            and node.attr.startswith("_") and not node.attr.startswith("__")
        ):
            found.append(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


def test_the_loaders_share_code_through_public_names_only():
    paths = [PACKAGE / "load.py", PACKAGE / "load_spark.py", PACKAGE / "cli.py", *sorted((PACKAGE / "loading").glob("*.py"))]
    assert [use for p in paths for use in _private_uses(p)] == []
