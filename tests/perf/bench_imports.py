"""Import time of the app's start path, and what it leaves for later.

  - wall and CPU time of importing the start path (`po6_tui.run_app` then `po6_tui.ui.app`) in a
    fresh interpreter, median of 7, next to a bare interpreter's start and textual.app's own import;
  - `-X importtime`: our heaviest modules (cumulative) and the heaviest packages they pull in;
  - the modules deferred until needed (html2text, the sandbox server, the MCP SDK, the other
    views), checked to be absent after the start path.
  tests/test_startup_imports.py asserts the same absences for the app running to its first screen.

Run: `.venv/bin/python tests/perf/bench_imports.py`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import harness as h
from bench_client import _python, import_wall_ms, importtime_top

START_PATH = "po6_tui.run_app, po6_tui.ui.app"
DEFERRED = ("html2text", "po6_tui.sandbox.server", "po6_tui.sandbox.store", "mcp", "starlette", "uvicorn",
            "po6_tui.ui.mail.reader", "po6_tui.ui.drafts.drafts_screen", "po6_tui.ui.tools.tools_screen",
            "po6_tui.ui.outbox.compose", "po6_tui.ui.kit.schema_form")


def interpreter_ms(runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def import_cpu_ms(modules: str, runs: int = 7) -> float:
    """Median CPU time (not wall time: barely moved by other processes on a busy machine) of the import."""
    code = f"import time; t = time.process_time(); import {modules}; print((time.process_time() - t) * 1000)"
    return statistics.median(float(_python(code).stdout) for _ in range(runs))


def own_modules(count: int = 12) -> list[tuple[float, float, str]]:
    """Our modules by cumulative import time: (cumulative ms, self ms, name)."""
    found = []
    for line in _python(f"import {START_PATH}", "-X", "importtime").stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
        if name.strip().startswith("po6_tui"):
            found.append((int(cumulative_us) / 1000, int(self_us) / 1000, name.strip()))
    return sorted(found, reverse=True)[:count]


def loaded_after_start() -> set[str]:
    code = f"import sys, {START_PATH}; print(' '.join(sys.modules))"
    return set(_python(code).stdout.split())


def measure() -> list[h.Row]:
    bare = interpreter_ms()
    start = import_wall_ms(START_PATH)
    cpu = import_cpu_ms(START_PATH)
    textual_cpu = import_cpu_ms("textual.app")
    print(f"  python -c pass: {bare:.0f} ms; import {START_PATH}: {start:.0f} ms wall, {cpu:.0f} ms CPU "
          f"(of which textual.app {textual_cpu:.0f} ms CPU; medians of 7)")
    print("  our modules, -X importtime (cumulative / self ms):")
    for cumulative, own, name in own_modules():
        print(f"    {cumulative:7.1f} {own:7.1f}  {name}")
    _total, heaviest = importtime_top("po6_tui.ui.app", 8)
    print("  heaviest packages under po6_tui.ui.app (cumulative ms):")
    for ms, name in heaviest:
        print(f"    {ms:7.1f}  {name}")
    loaded = loaded_after_start()
    present = [name for name in DEFERRED if name in loaded]
    print(f"  deferred until needed: {', '.join(DEFERRED)}; loaded at start anyway: {present or 'none'}")
    return [
        h.Row("import of the app's start path (fresh interpreter, median of 7)",
              f"{start:.0f} ms wall, {cpu:.0f} ms CPU (textual.app alone {textual_cpu:.0f} ms CPU; "
              f"+ {bare:.0f} ms interpreter start)"),
        h.Row("modules not needed for the first screen loaded at start", ", ".join(present) or "none",
              "none (html2text, sandbox server, other views deferred)", "met" if not present else "missed"),
    ]


def main() -> int:
    h.print_machine()
    h.Row.print_table(measure())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
