"""The shape of the Python code, read from every module's imports (``ast``, function-level ones
included): no import cycle among the project's modules, and the layers

    support_warehouse (the library)  <-  support_warehouse.orchestration  <-  support_warehouse.cli

The library (every module but the orchestration package and the CLI) never imports Dagster or the
orchestration; the orchestration never imports the CLI. So the library can be used, tested and
read without an orchestrator, and there is one orchestrator that runs a night.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SKIP = {".venv", "venv", "tests", "build", "target", "logs", "data", ".git", "node_modules"}
ORCHESTRATION = "support_warehouse.orchestration"
CLI = "support_warehouse.cli"
ORCHESTRATORS = ("dagster", "dagster_dbt", "dagster_webserver", ORCHESTRATION)


def project_modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the project (tests and build output left out)."""
    mods: dict[str, Path] = {}
    for f in sorted(root.rglob("*.py")):
        rel = f.relative_to(root)
        if set(rel.parts) & SKIP:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        mods[".".join(parts)] = f
    return mods


def imported_names(module: str, path: Path) -> set[str]:
    """Every module name an import statement of the file names, anywhere in it (absolute names;
    ``from a import b`` gives both ``a`` and ``a.b``, as b may be a module)."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - (node.level - 1)]
                base = ".".join(parent + ([base] if base else []))
            names.add(base)
            names |= {f"{base}.{a.name}" for a in node.names}
    return names


def import_graph(root: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(project module -> project modules it imports, project module -> every name it imports)."""
    mods = project_modules(root)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    names: dict[str, set[str]] = {}
    for m, f in mods.items():
        names[m] = imported_names(m, f)
        for target in names[m]:
            while target and target not in mods:  # `from pkg.mod import name` -> pkg.mod
                target = target.rpartition(".")[0]
            if target and target != m and not m.startswith(target + "."):  # a package's own __init__
                graph[m].add(target)
    return graph, names


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _is_library(module: str) -> bool:
    return _within(module, ("support_warehouse",)) and not _within(module, (ORCHESTRATION, CLI))


def layering_violations(root: Path) -> list[str]:
    """Imports against the layers: the library importing Dagster, the orchestration, the CLI or
    any project module outside the library; the orchestration importing the CLI."""
    graph, names = import_graph(root)
    out = []
    for module in sorted(names):
        if _is_library(module):
            bad = {n for n in names[module] if _within(n, (*ORCHESTRATORS, CLI))}
            bad |= {m for m in graph[module] if not _is_library(m)}
        elif _within(module, (ORCHESTRATION,)):
            bad = {n for n in names[module] if _within(n, (CLI,))}
        else:
            continue
        out += [f"{module} imports {n}" for n in sorted(bad)]
    return out


def test_the_cycle_finder_sees_a_function_level_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def f():\n    from pkg.a import x\n")
    (pkg / "c.py").write_text("from .b import f\n")
    assert cycles(import_graph(tmp_path)[0]) == [["pkg.a", "pkg.b"]]


def test_the_layering_check_sees_a_lazy_orchestration_import(tmp_path: Path) -> None:
    pkg = tmp_path / "support_warehouse"
    (pkg / "orchestration").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "orchestration" / "__init__.py").write_text("")
    (pkg / "orchestration" / "run.py").write_text("import dagster\nfrom support_warehouse import night\n")
    (pkg / "night.py").write_text("def run():\n    from .orchestration.run import go\n")
    (pkg / "cli.py").write_text("from .orchestration import run\n")
    assert layering_violations(tmp_path) == [
        "support_warehouse.night imports support_warehouse.orchestration.run",
        "support_warehouse.night imports support_warehouse.orchestration.run.go",
    ]


def test_no_import_cycle_between_the_projects_modules() -> None:
    graph, _ = import_graph(REPO)
    assert "support_warehouse.orchestration.run" in graph and "support_warehouse.cli" in graph
    assert cycles(graph) == []


def test_the_library_never_imports_dagster_or_the_orchestration() -> None:
    graph, _ = import_graph(REPO)
    # the orchestration and the CLI do use the library (the check below reads real imports)
    assert "support_warehouse.night" in graph["support_warehouse.orchestration.run"]
    assert layering_violations(REPO) == []
