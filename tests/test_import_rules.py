"""The import rules of DESIGN.md, read from the source (every import counts: module-level,
deferred inside a function, and `if TYPE_CHECKING:` ones, since a deferred import hides a
cycle rather than removes it).

- no import cycle anywhere in po6_tui;
- `api`, `sandbox` and the headless core never import `ui`;
- inside `ui/`: `safe` < `core` < `kit` < `shell` < features < `app`; each layer imports only
  the ones below it; features do not import each other except mail → outbox and
  drafts → outbox; `shell/views.py` names the features by string;
- a deferred import of a po6_tui module says why in a comment (`# deferred: …`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "po6_tui"
FEATURES = {"mail", "outbox", "drafts", "routing", "pages", "postern", "tools", "log", "fleet"}
FEATURE_MAY_IMPORT = {("mail", "outbox"), ("drafts", "outbox")}
# What each part of ui/ may import from ui/ (besides itself).
LAYERS = {
    "safe": set(),
    "core": {"safe"},
    "kit": {"safe", "core"},
    "shell": {"safe", "core", "kit"},
}
HEADLESS = ("po6_tui.api", "po6_tui.sandbox", "po6_tui.config", "po6_tui.accounts", "po6_tui.audit",
            "po6_tui.journal", "po6_tui.plans", "po6_tui.files")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


MODULES = _modules()


def _imports(name: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported po6_tui module, line, deferred) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    deferred_lines = {node.lineno for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
                      for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))}
    found = []
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from po6_tui.ui import safe` imports the module po6_tui.ui.safe
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module for a in node.names]
        for target in targets:
            while target and target not in MODULES and "." in target:
                target = target.rpartition(".")[0]
            if target in MODULES and target != name and target.startswith("po6_tui"):
                found.append((target, node.lineno, node.lineno in deferred_lines))
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _ui_part(module: str) -> str | None:
    """'core', 'kit', 'mail', … for a module under po6_tui.ui; None outside it."""
    parts = module.split(".")
    if parts[:2] != ["po6_tui", "ui"] or len(parts) < 3:
        return None
    return parts[2]


def test_the_source_was_read():
    assert len(MODULES) > 80
    assert any(target == "po6_tui.ui.safe" for target, _, _ in GRAPH["po6_tui.ui.kit.confirm"])


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    graph = {name: {target for target, _, _ in imports} for name, imports in GRAPH.items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _violations() -> list[str]:
    bad = []
    for name, imports in GRAPH.items():
        part = _ui_part(name)
        for target, line, _ in imports:
            where = f"{name}:{line} imports {target}"
            target_part = _ui_part(target)
            if name.startswith(HEADLESS):
                if target.startswith("po6_tui.ui") or target in ("po6_tui.run_app", "po6_tui.web"):
                    bad.append(where + " (the headless core never imports the app)")
                continue
            if part is None or target_part is None or part == target_part:
                continue
            if part == "app":
                continue
            if part in LAYERS:
                if target_part not in LAYERS[part]:
                    bad.append(where + f" ({part} may import only {sorted(LAYERS[part]) or 'nothing in ui'})")
            elif part in FEATURES:
                if target_part == "app":
                    bad.append(where + " (a feature never imports the app: use shell's protocol)")
                elif target_part in FEATURES and (part, target_part) not in FEATURE_MAY_IMPORT:
                    bad.append(where + " (features do not import each other)")
            else:
                bad.append(f"{name}: ui/{part} is neither a layer nor a known feature (add it to FEATURES)")
    return bad


def test_layers_and_features_import_only_what_they_may():
    assert _violations() == []


def test_ui_top_level_holds_at_most_four_modules():
    loose = sorted(p.name for p in (PACKAGE / "ui").glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= 4, loose


def test_views_name_features_by_string():
    assert not [t for t, _, _ in GRAPH["po6_tui.ui.shell.views"] if _ui_part(t) in FEATURES]
    from po6_tui.ui.shell.views import VIEWS

    for view in VIEWS:
        assert _ui_part(view.module) in FEATURES, view


def test_deferred_imports_say_why():
    missing = []
    for name, imports in GRAPH.items():
        lines = MODULES[name].read_text(encoding="utf-8").splitlines()
        for _target, line, deferred in imports:
            if not deferred:
                continue
            around = " ".join(lines[max(0, line - 3): line]).lower()
            if "deferred" not in around:
                missing.append(f"{name}:{line}: {lines[line - 1].strip()}")
    assert missing == [], "say why in a comment: `# deferred: start-up` (or what it avoids)"


@pytest.mark.parametrize("case", ["feature-to-feature", "kit-to-feature", "api-to-ui"])
def test_the_rules_catch_a_bad_import(case, monkeypatch):
    """The rules are not vacuous: a forbidden edge added to the graph is reported."""
    source, target = {
        "feature-to-feature": ("po6_tui.ui.pages.pages_screen", "po6_tui.ui.routing.aliases_screen"),
        "kit-to-feature": ("po6_tui.ui.kit.confirm", "po6_tui.ui.mail.mail_screen"),
        "api-to-ui": ("po6_tui.api.po6", "po6_tui.ui.safe"),
    }[case]
    monkeypatch.setitem(GRAPH, source, [*GRAPH[source], (target, 1, False)])
    assert any(v.startswith(f"{source}:1 imports {target}") for v in _violations())
