"""How long from typing `po6-tui` to a screen with mail on it, measured from outside.

Starts a sandbox with a 10,000-message mailbox (`--seed 10000`), then runs the real `po6-tui`
command in a pseudo-terminal (pexpect) pointed at it through PO6_API_KEY/PO6_MCP_URL, feeds
what it draws into a terminal emulator (pyte), and times:
  1. launch → the first mailbox's INBOX listed (the first screen with mail);
  2. `:mailbox scale@po6.com` → its 10,000-message INBOX listed;
  3. `G` in it → the oldest message on screen.
Run: `.venv/bin/python tests/perf/bench_launch.py [--runs N] [--size 10000]`. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect
import pyte

from po6_tui.sandbox import admin
from po6_tui.sandbox.process import SandboxProcess

COLUMNS, LINES = 100, 30
LISTED = re.compile(r"▸ INBOX\s+([\d,]+) messages")


class Terminal:
    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def wait(self, found, timeout: float = 30.0) -> float:
        """Read output until `found(screen text)` is true; returns the moment it was."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            try:
                data = self.child.read_nonblocking(65536, timeout=0.01)
                self.stream.feed(data)
            except pexpect.TIMEOUT:
                pass
            if found(self.text()):
                return time.perf_counter()
        raise TimeoutError("gave up waiting; the screen was:\n" + self.text())


def inbox_listed(total: str | None = None):
    def found(screen: str) -> bool:
        match = LISTED.search(screen)
        if not match or (total is not None and match.group(1) != total):
            return False
        # The header alone is not mail: wait for a dated row below it too.
        below = screen[match.end():]
        return re.search(r"(\d\d:\d\d|[A-Z][a-z]{2} \d\d|\d{4}-\d\d-\d\d)\s*$", below, re.M) is not None

    return found


DATED_ROW = re.compile(r"(\d\d:\d\d|[A-Z][a-z]{2} \d\d|\d{4}-\d\d-\d\d)\s*$")
PLACEHOLDER_ROW = re.compile(r"│\s+…\s*$")


def rows_loaded(screen: str) -> bool:
    """Rows are on screen and none is still a placeholder."""
    lines = screen.splitlines()
    return any(DATED_ROW.search(line) for line in lines) and not any(PLACEHOLDER_ROW.search(l) for l in lines)


def one_run(url: str, key: str, size: int, home: Path) -> tuple[float, float, float]:
    env = dict(os.environ, PO6_API_KEY=key, PO6_MCP_URL=url + "/mcp", TERM="xterm-256color",
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"))
    command = str(Path(sys.executable).with_name("po6-tui"))
    started = time.perf_counter()
    child = pexpect.spawn(command, env=env, dimensions=(LINES, COLUMNS))
    terminal = Terminal(child)
    try:
        first_mail = terminal.wait(inbox_listed()) - started
        child.send(":mailbox scale@po6.com\r")
        sent = time.perf_counter()
        big_listed = terminal.wait(inbox_listed(f"{size:,}")) - sent
        child.send("G")
        sent = time.perf_counter()
        last = terminal.wait(lambda screen: f"{size:,}/{size:,}" in screen and rows_loaded(screen)) - sent
        child.send("q")
        child.expect(pexpect.EOF, timeout=10)
        return first_mail, big_listed, last
    finally:
        if child.isalive():
            child.terminate(force=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "sandbox.db"
        box = SandboxProcess(db=db, seed=str(args.size), extra_args=["--rate-limit", "1000000"])
        print(f"starting a sandbox with a {args.size:,}-message mailbox…", flush=True)
        url = box.start(timeout=300)
        try:
            key = next(r["key"] for r in admin.read_keys(db) if r["label"] == "plus")
            results = [one_run(url, key, args.size, Path(tmp) / f"home{run}") for run in range(args.runs)]
        finally:
            box.stop()
    for label, values in zip(("launch → first screen with mail", f"open the {args.size:,}-message INBOX",
                              "G → oldest message shown"), zip(*results)):
        print(f"{label:40s} median {statistics.median(values) * 1000:7.0f} ms   "
              f"(runs: {', '.join(f'{v * 1000:.0f}' for v in values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
