"""No import circle among the packages: every module imports on its own, first,
in a fresh interpreter, and no module-level imports (type-only ones included)
loop back on themselves."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "projections", "api")
# Every package of the project (the modules above may import any): never preloaded.
OURS = {path.name for path in REPO.iterdir() if (path / "__init__.py").is_file()}


def modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = path.relative_to(REPO).with_suffix("").parts
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def imports_at_module_level(module: str) -> set[str]:
    """The project modules ``module`` imports outside any function, including
    those under ``if TYPE_CHECKING:`` (a circle there is still a circle)."""
    path = REPO / Path(*module.split("."))
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(source.read_text(encoding="utf-8"))
    known = set(modules())
    found: set[str] = set()
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.If | ast.Try):
            pending.extend(node.body + node.orelse)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in known and name != module}


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of the graph, if there is one."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        path.pop()
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_no_module_imports_loop_back() -> None:
    graph = {module: imports_at_module_level(module) for module in modules()}
    assert "projections.ledger" in graph["projections.runner"]  # the scan sees imports
    assert cycle(graph) is None, " → ".join(cycle(graph) or [])


def test_the_cycle_finder_finds_one() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


def third_party_imports() -> set[str]:
    """Every module outside the project that a project module imports, anywhere."""
    found: set[str] = set()
    for package in OURS - {"tests", "benchmarks"}:
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                found.update(name for name in names if name.split(".")[0] not in OURS)
    return found


# Runs in a subprocess: load the third-party libraries once (the slow part), then
# fork one child per project module; each child starts with no project module
# loaded and imports one.
IMPORT_EACH_ALONE = """
import importlib, os, sys, traceback
modules, preload = sys.argv[1].split(","), sys.argv[2].split(",")
for name in preload:
    try:
        importlib.import_module(name)
    except Exception:
        pass  # an optional dependency; the child that needs it will say so
assert not [m for m in sys.modules if m.split(".")[0] in {ours!r}]
failed, running = 0, {{}}
for module in modules:
    if len(running) == 2:  # two at a time
        child, status = os.wait()
        if status:
            failed += 1
            print("FAILED", running[child], file=sys.stderr)
        del running[child]
    child = os.fork()
    if child == 0:
        try:
            __import__(module)
        except BaseException:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    running[child] = module
for child, module in running.items():
    if os.waitpid(child, 0)[1]:
        failed += 1
        print("FAILED", module, file=sys.stderr)
sys.exit(1 if failed else 0)
"""


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    names = modules()
    assert len(names) > 40 and "projections.tracking" in names
    script = IMPORT_EACH_ALONE.format(ours=OURS)
    preload = ",".join(sorted(third_party_imports()))
    done = subprocess.run(
        [sys.executable, "-c", script, ",".join(names), preload],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-4000:]
