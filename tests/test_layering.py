"""`api`, `sandbox` and the scriptable commands never import textual; nothing imports `ui` but
the app's own entry (and the commands, which use its textual-free parts: the drafts' decisions,
the at-most-once send, the risk facts)."""

import pkgutil
import subprocess
import sys

import po6_tui.api
import po6_tui.sandbox
import po6_tui.script


def _modules(package) -> list[str]:
    return [m.name for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]


def test_api_and_sandbox_never_import_textual():
    modules = (_modules(po6_tui.api) + _modules(po6_tui.sandbox) + _modules(po6_tui.script)
               + ["po6_tui.config", "po6_tui.cli"])
    assert len(modules) >= 6, modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"textual was imported by api/sandbox/script: {out.stdout}"
