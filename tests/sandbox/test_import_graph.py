"""The sandbox's modules import each other without cycles, counting imports inside functions too
(a deferred import that only hides a cycle is still a cycle)."""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import po6_tui.sandbox

PACKAGE = "po6_tui.sandbox"


def _imports(path: Path) -> set[str]:
    """The sandbox modules a file imports, at any depth of the file (module level or in a function)."""
    modules = {m.name for m in pkgutil.iter_modules(po6_tui.sandbox.__path__)}
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name.startswith(PACKAGE + ".") and name.split(".")[2] in modules:
                found.add(name.split(".")[2])
    return found


def _graph() -> dict[str, set[str]]:
    folder = Path(po6_tui.sandbox.__path__[0])
    return {m.name: _imports(folder / f"{m.name}.py") - {m.name} for m in pkgutil.iter_modules([str(folder)])}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_graph_is_read_from_every_module():
    graph = _graph()
    assert {"store", "postern_store", "server", "po6"} <= set(graph)
    assert "store" in graph["po6"] and "postern_store" in graph["postern"]


def test_no_import_cycle_between_sandbox_modules():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])
