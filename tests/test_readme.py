"""README.md works as written: its keymap is the code's, its commands run, its app line starts the app.

Commands are taken from the README's ```sh blocks and run from the project root with the
README's own environment (a fresh data directory with a sandbox in it), with `.venv/bin/`
meaning the environment these tests run in. Blocks that install (the two set-up lines, which
CI itself runs) or that need a person at a prompt (`login`) are not run here; long-running
servers are shown in plain ``` blocks and tested elsewhere (tests/sandbox, tests/web).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pyte

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
sys.path.insert(0, str(ROOT / "scripts"))

import keymap  # noqa: E402  (scripts/keymap.py)

NOT_RUN = ("pip install", "po6-tui login",  # CI runs the set-up lines; login needs a person
           # The "Scripting" examples: tests/scripting/test_readme_examples.py runs them on a sandbox.
           "po6-tui drafts", "po6-tui mail", "po6-tui sent", "po6-tui call", "po6-tui postern")


def sh_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if line.strip() and not line.startswith("#")]


def as_here(command: str) -> str:
    return command.replace(".venv/bin/", str(Path(sys.executable).parent) + "/")


def test_the_keymap_table_is_the_code_s():
    assert keymap.readme_section(README.read_text()) == keymap.render(), \
        "README's keymap is out of date: run .venv/bin/python scripts/keymap.py --write"


def test_the_two_setup_lines_are_there_and_ci_runs_the_test_line():
    commands = sh_commands()
    run_line = "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/po6-tui"
    test_line = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest -n 2 -q"
    assert commands[:2] == [run_line, test_line]
    assert test_line in (ROOT / ".ci" / "run").read_text()


def test_every_non_interactive_command_runs_as_written(tmp_path: Path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    sandbox = subprocess.Popen([sys.executable, "-m", "po6_tui", "sandbox", "--port", "0"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert sandbox.stdout.readline().startswith("po6-tui sandbox listening on http://127.0.0.1:")
        ran = []
        for command in sh_commands()[2:]:
            if any(marker in command for marker in NOT_RUN):
                continue
            done = subprocess.run(as_here(command), shell=True, cwd=ROOT, env=env, capture_output=True,
                                  text=True, timeout=60)
            assert done.returncode == 0, f"{command!r} failed:\n{done.stdout}\n{done.stderr}"
            ran.append(command)
    finally:
        sandbox.terminate()
        sandbox.wait(15)
    assert any("sandbox keys" in c for c in ran) and any("sandbox deliver" in c for c in ran)
    assert any("profiles" in c for c in ran) and any("sandbox clock" in c for c in ran)


def test_the_run_line_starts_the_app_on_the_demo_sandbox_and_q_quits(tmp_path: Path):
    """The last step of the README's run line, in a real terminal: the demo sandbox, mail, q."""
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               TERM="xterm-256color", COLUMNS="100", LINES="30")
    for name in ("PO6_API_KEY", "POSTERN_API_KEY"):
        env.pop(name, None)
    screen = pyte.Screen(100, 30)
    stream = pyte.ByteStream(screen)
    app = pexpect.spawn(as_here(".venv/bin/po6-tui"), cwd=str(ROOT), env=env, dimensions=(30, 100))
    try:
        deadline = time.monotonic() + 60
        while "signup-bot@po6.com" not in "\n".join(screen.display):
            assert time.monotonic() < deadline, "the demo never showed its mailboxes:\n" + "\n".join(screen.display)
            try:
                stream.feed(app.read_nonblocking(65536, timeout=0.5))
            except pexpect.TIMEOUT:
                pass
        assert "SANDBOX" in "\n".join(screen.display)
        app.send("q")
        app.expect(pexpect.EOF, timeout=30)
    finally:
        app.close(force=True)
    assert app.exitstatus == 0
