"""What every perf script shares: seeded sandbox databases (cached), a running sandbox, the real
`po6-tui` in a pseudo-terminal read through a terminal emulator, neomutt on the same messages,
and the machine's description. Measured from outside the process, as a user feels it.

- `seeded_db(n)`: a sandbox database whose scale mailbox (scale@po6.com) holds n messages, plus
  a key that reaches only that mailbox (so the app's first screen is that inbox). Built once and
  cached under $PO6_PERF_CACHE (default /tmp/po6-perf), never in the repository.
- `running_sandbox(db, …)`: a sandbox server on that file (rate limit lifted; fault flags such
  as `--latency 150` pass through).
- `Terminal`: a child in a pty whose output feeds a pyte screen; `wait(predicate)` returns the
  moment the screen first satisfied it; `press(keys, predicate)` times key → repaint.
- `launch_app(...)`: `po6-tui` pointed at a sandbox through PO6_MCP_URL/PO6_API_KEY, with empty
  XDG directories.
- `maildir_for(db, n)` / `neomutt_open(...)`: the same messages as a Maildir, and neomutt timed
  opening it (first rows on screen).
"""

from __future__ import annotations

import json
import os
import platform
import re
import secrets
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path

import pexpect
import pyte

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from po6_tui.sandbox import admin  # noqa: E402  (stdlib only)
from po6_tui.sandbox.process import SandboxProcess  # noqa: E402  (stdlib only)

CACHE = Path(os.environ.get("PO6_PERF_CACHE", "/tmp/po6-perf"))
# Maildirs are many small files: on tmpfs they are written 20× faster than on this VM's disk
# (neomutt then reads them from memory, as the sandbox reads its database from the page cache).
MAILDIRS = Path(os.environ.get("PO6_PERF_MAILDIRS") or ("/dev/shm/po6-perf" if Path("/dev/shm").is_dir() else CACHE))
COLUMNS, LINES = 100, 30
SCALE_MAILBOX = "mbx_scale"
SCALE_KEY_LABEL = "perf-scale"  # a key that reaches only the scale mailbox
# PO6_PERF_APP: another install to measure (e.g. a checkout of an older commit, for before/after).
APP = os.environ.get("PO6_PERF_APP") or str(Path(sys.executable).with_name("po6-tui"))

Predicate = Callable[[str], bool]


# -- numbers ---------------------------------------------------------------------------------
def median_ms(values: Sequence[float]) -> float:
    return statistics.median(values) * 1000


def spread(values: Sequence[float]) -> str:
    return ", ".join(f"{v * 1000:.0f}" for v in values)


# -- databases -------------------------------------------------------------------------------
def seeded_db(size: int) -> Path:
    """The cached database with a `size`-message scale mailbox (built on first use: 1M takes ~1 min)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    final = CACHE / f"seed-v{_schema()}-{size}.db"
    if not final.exists():
        from po6_tui.sandbox.seed import seed_store
        from po6_tui.sandbox.store import Store

        part = final.with_suffix(".part")
        for stale in (part, Path(f"{part}-wal"), Path(f"{part}-shm")):
            stale.unlink(missing_ok=True)
        print(f"  (seeding {size:,} messages into {final}; cached for the next runs)", flush=True)
        store = Store(part)
        seed_store(store, str(size))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        os.replace(part, final)
    _ensure_scale_key(final)
    return final


def _schema() -> str:
    # A cached database from an older sandbox would be refused: the version is in its name.
    from po6_tui.sandbox.store import SCHEMA_VERSION

    return SCHEMA_VERSION


def _ensure_scale_key(db: Path) -> None:
    conn = sqlite3.connect(db, timeout=30)
    try:
        with conn:
            if conn.execute("SELECT 1 FROM sandbox_keys WHERE label = ?", (SCALE_KEY_LABEL,)).fetchone():
                return
            row = conn.execute("SELECT service, tenant, plan, scopes, created_at FROM sandbox_keys "
                               "WHERE label = 'plus'").fetchone()
            alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
            key = "mcp_po6_" + "".join(secrets.choice(alphabet) for _ in range(40))
            conn.execute("INSERT INTO sandbox_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                         (key, row[0], SCALE_KEY_LABEL, row[1], row[2], row[3], json.dumps([SCALE_MAILBOX]), row[4]))
    finally:
        conn.close()


def many_mailboxes_db(count: int = 50, per_mailbox: int = 20) -> Path:
    """A demo database with `count` extra mailboxes of `per_mailbox` messages each (cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    final = CACHE / f"mailboxes-v{_schema()}-{count}.db"
    if final.exists():
        return final
    from po6_tui.sandbox.seed import TENANT, seed_store
    from po6_tui.sandbox.store import Store

    part = final.with_suffix(".part")
    part.unlink(missing_ok=True)
    store = Store(part)
    seed_store(store, "demo")
    now = int(store.timestamp())
    rows = []
    for number in range(count):
        mailbox = f"mbx_agent{number:03d}"
        store.conn.execute("INSERT INTO mailboxes VALUES (?, ?, ?, ?, ?, ?)",
                           (mailbox, TENANT, f"agent{number:03d}@po6.com", f"Agent {number}", 1024**3,
                            now - 86400 * 30))
        for i in range(per_mailbox):
            rows.append((mailbox, "INBOX", now - 3600 * (i + 1), "ops@example.com", "Ops", json.dumps([mailbox]),
                         f"Task {i} for agent {number}", "…", int(i % 3 == 0), 0, 0, 800, "[]", None, None,
                         None, "[]", "[]", "Body.", None))
    store.bulk_insert_emails([rows])
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    os.replace(part, final)
    return final


def newest_subjects(db: Path, count: int = -1, mailbox: str = SCALE_MAILBOX) -> list[str]:
    """The first `count` (default: all) subjects of the mailbox's INBOX as the app lists it (newest first)."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT subject FROM emails WHERE mailbox_id = ? AND folder = 'INBOX' "
                            "ORDER BY ts DESC, num DESC LIMIT ?", (mailbox, count)).fetchall()
    finally:
        conn.close()
    return [row[0] for row in rows]


def key_for(db: Path, label: str) -> str:
    return next(r["key"] for r in admin.read_keys(db) if r["label"] == label)


@contextmanager
def running_sandbox(db: Path, *extra_args: str) -> Iterator[str]:
    """A sandbox server on `db` (no seeding, rate limit lifted); yields its base URL."""
    box = SandboxProcess(db=db, seed=None, extra_args=["--rate-limit", "100000000", *extra_args])
    url = box.start(timeout=300)
    try:
        yield url
    finally:
        box.stop()


# -- the terminal ----------------------------------------------------------------------------
class Terminal:
    """A program in a pseudo-terminal, its output drawn on a pyte screen."""

    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None, *,
                 columns: int = COLUMNS, lines: int = LINES, cwd: str | None = None) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.started = time.perf_counter()
        self.arrived = self.started
        self.child = pexpect.spawn(argv[0], list(argv[1:]), env=env, dimensions=(lines, columns), cwd=cwd)
        self.child.delaybeforesend = None  # pexpect sleeps 50 ms before every send by default
        # The first row of the message index: po6-tui has its tab bar and the list's header
        # above it, neomutt its help line. The last two rows are status and key bars in both.
        self.list_top = 2

    @property
    def pid(self) -> int:
        return self.child.pid

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def _pump(self, wait: float) -> bool:
        """Feed what the child wrote (waiting up to `wait` for the first byte); False if nothing came.

        `arrived` is when the last of those bytes was read: the moment a real terminal, which
        parses output thousands of times faster than pyte, would have drawn them."""
        try:
            data = self.child.read_nonblocking(1 << 20, timeout=wait)
        except pexpect.TIMEOUT:
            return False
        self.arrived = time.perf_counter()
        self.stream.feed(data)
        # Take what else is already there before looking at the screen: one repaint often
        # arrives in several writes, and a half-drawn screen must not count as the result.
        while True:
            try:
                more = self.child.read_nonblocking(1 << 20, timeout=0)
            except pexpect.TIMEOUT:
                return True
            self.arrived = time.perf_counter()
            self.stream.feed(more)

    def wait(self, found: Predicate, timeout: float = 60.0) -> float:
        """Read output until `found(screen text)` holds; returns the moment the bytes that made
        it hold had arrived (perf_counter), not counting pyte's own parsing of them."""
        deadline = time.perf_counter() + timeout
        if found(self.text()):
            return time.perf_counter()
        while time.perf_counter() < deadline:
            try:
                if self._pump(0.05) and found(self.text()):
                    return self.arrived
            except pexpect.EOF:
                raise RuntimeError("the program ended; its last screen was:\n" + self.text()) from None
        raise TimeoutError("gave up waiting; the screen was:\n" + self.text())

    def settle(self, quiet: float = 0.3, limit: float = 10.0) -> None:
        """Read until the program has been silent for `quiet` seconds (the screen is at rest)."""
        deadline = time.perf_counter() + limit
        while time.perf_counter() < deadline and self._pump(quiet):
            pass

    def highlighted_row(self, column: int) -> str | None:
        """The text of the one row whose background at `column` differs from all the others: the
        list's cursor, as the eye finds it (the status line's `row/total` comes a frame later)."""
        buffer, rows = self.screen.buffer, range(self.list_top, self.screen.lines - 2)
        for attribute in ("bg", "reverse"):  # a cursor drawn with a colour (po6-tui) or in reverse video
            looks = [getattr(buffer[y][column], attribute) for y in rows]
            odd = [y for y, look in zip(rows, looks) if looks.count(look) == 1]
            if len(odd) == 1:
                return self.screen.display[odd[0]]
        return None

    def send(self, keys: str | bytes) -> float:
        sent = time.perf_counter()
        self.child.send(keys)
        return sent

    def press(self, keys: str | bytes, found: Predicate, timeout: float = 60.0) -> float:
        """Seconds from sending `keys` to the first screen where `found` holds."""
        sent = self.send(keys)
        return self.wait(found, timeout) - sent

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the child has used so far: unlike wall time, barely moved by
        other processes competing for the CPUs."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """The child's peak resident set (VmHWM), in MB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM")

    def close(self, quit_keys: str | bytes | None = None) -> None:
        if quit_keys is not None and self.child.isalive():
            self.child.send(quit_keys)
            try:
                self.child.expect(pexpect.EOF, timeout=10)
            except (pexpect.TIMEOUT, pexpect.EOF):
                pass
        if self.child.isalive():
            self.child.terminate(force=True)


# -- the app ---------------------------------------------------------------------------------
def app_env(url: str, key: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PO6_", "POSTERN_")) and k != "PYTHONDONTWRITEBYTECODE"}
    # An installed app has its bytecode compiled (pip does it); this checkout may run with
    # PYTHONDONTWRITEBYTECODE, which would recompile ~40 modules on every launch. Keep the
    # bytecode outside the repository instead.
    env.update(PYTHONPYCACHEPREFIX=str(CACHE / "pycache"),
               PO6_API_KEY=key, PO6_MCP_URL=url + "/mcp", TERM="xterm-256color", COLORTERM="truecolor",
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_STATE_HOME=str(home / "state"), XDG_CACHE_HOME=str(home / "cache"))
    return env


def launch_app(url: str, key: str, home: Path, *args: str) -> Terminal:
    return Terminal([APP, *args], app_env(url, key, home))


LISTED = re.compile(r"▸ INBOX\s+([\d,]+) messages?")
DATED_ROW = re.compile(r"(\d\d:\d\d|[A-Z][a-z]{2} \d\d|\d{4}-\d\d(?:-\d\d)?)\s*│?\s*$")  # a narrow list: "2025-12"
POSITION = re.compile(r"(?<![\d,])([\d,]+)/([\d,]+)(?![\d,])")


def rows_loaded(screen: str) -> bool:
    """Dated rows are on screen and none is still a placeholder (`…`)."""
    lines = screen.splitlines()
    return any(DATED_ROW.search(line) for line in lines) and not any(
        line.rstrip(" │").endswith("  …") for line in lines)


def inbox_listed(total: int | None = None) -> Predicate:
    """The INBOX header (with `total` messages, if given) and its first rows are on screen."""

    def found(screen: str) -> bool:
        match = LISTED.search(screen)
        if not match or (total is not None and match.group(1) != f"{total:,}"):
            return False
        return rows_loaded(screen[match.end():])

    return found


def status_line(screen: str) -> str:
    """The line above the key bar, where the list says `row/total` (the sidebar has such pairs too)."""
    lines = screen.splitlines()
    return lines[-2] if len(lines) >= 2 else ""


def position(screen: str, total: int) -> int | None:
    """The cursor's row (1-based) as the status line says it, or None."""
    for match in POSITION.finditer(status_line(screen)):
        if match.group(2) == f"{total:,}":
            return int(match.group(1).replace(",", ""))
    return None


def at_position(index: int, total: int) -> Predicate:
    """The status line says the cursor is on row `index` (1-based) of `total`, rows loaded."""

    def found(screen: str) -> bool:
        return position(screen, total) == index and rows_loaded(screen)

    return found


def cursor_on(terminal: Terminal, subject: str, complete: Predicate = rows_loaded,
              column: int = COLUMNS * 2 // 3) -> Predicate:
    """The list's highlighted row shows `subject` (its start: the column cuts it) and the screen
    is `complete` (for po6-tui: no row is still a placeholder)."""
    start = subject[:18]

    def found(screen: str) -> bool:
        row = terminal.highlighted_row(column)
        return row is not None and start in row and complete(screen)

    return found


# -- neomutt ---------------------------------------------------------------------------------
def neomutt_path() -> str | None:
    return shutil.which("neomutt")


def maildir_for(db: Path, size: int, mailbox: str = SCALE_MAILBOX) -> Path:
    """The scale mailbox's INBOX as a Maildir (cached): the same senders, subjects, dates, flags, bodies."""
    root = MAILDIRS / f"maildir-{size}"
    done = root / ".complete"
    if done.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    print(f"  (writing {size:,} messages into the Maildir {root}; cached)", flush=True)
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT num, ts, from_addr, from_name, subject, is_read, is_starred, body_text "
                            "FROM emails WHERE mailbox_id = ? AND folder = 'INBOX'", (mailbox,))
        cur, new = root / "cur", root / "new"
        for num, ts, address, name, subject, is_read, is_starred, body in rows:
            date = format_datetime(datetime.fromtimestamp(ts, timezone.utc))
            flags = ("F" if is_starred else "") + ("S" if is_read else "")
            text = (f"From: {name} <{address}>\nTo: scale@po6.com\nSubject: {subject}\nDate: {date}\n"
                    f"Message-ID: <{num}@scale.po6.test>\nMIME-Version: 1.0\n"
                    f"Content-Type: text/plain; charset=utf-8\n\n{body}")
            if is_read:
                (cur / f"{ts}.{num}.perf:2,{flags}").write_text(text)
            else:
                (new / f"{ts}.{num}.perf").write_text(text)
    finally:
        conn.close()
    done.touch()
    return root


def neomutt_terminal(maildir: Path, cache: Path) -> Terminal:
    """neomutt on `maildir`, sorted newest first like po6-tui; `cache` is its header cache directory."""
    cache.mkdir(parents=True, exist_ok=True)
    argv = [neomutt_path() or "neomutt", "-n", "-F", "/dev/null",
            "-e", f"set header_cache={cache}/", "-e", "set sort=reverse-date", "-e", "set quit=yes",
            "-e", f"set folder={maildir.parent}", "-e", "set mbox_type=Maildir", "-f", str(maildir)]
    terminal = Terminal(argv, dict(os.environ, TERM="xterm-256color", HOME=str(cache.parent)))
    terminal.list_top = 1
    return terminal


def neomutt_open(maildir: Path, cache: Path, newest_subject: str, timeout: float = 600.0) -> float:
    """Seconds from launching neomutt on `maildir` until its index shows the newest message
    (an empty `cache` directory = cold)."""
    # Match on the subject's start: the index column is narrower than a whole subject.
    needle = newest_subject[:30]
    terminal = neomutt_terminal(maildir, cache)
    try:
        moment = terminal.wait(lambda screen: needle in screen, timeout)
        return moment - terminal.started
    finally:
        terminal.close("q")


# -- the machine -----------------------------------------------------------------------------
def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "neomutt": _neomutt_version(),
    }


def _neomutt_version() -> str:
    path = neomutt_path()
    if path is None:
        return "not installed"
    out = pexpect.run(f"{path} -v").decode(errors="replace").splitlines()
    return re.sub(r"\x1b\[[0-9;]*m", "", out[0]).strip() if out else "?"


def print_machine() -> None:
    info = machine()
    print(f"machine: {info['cpus']} CPUs, {info['cpu']}, {info['memory']}; Python {info['python']}; "
          f"{info['neomutt']}; load average {info['load']}; {info['date']}")


@dataclass
class Row:
    """One line of the results table."""

    what: str
    figure: str
    target: str = ""
    verdict: str = ""
    neomutt: str = ""

    @staticmethod
    def print_table(rows: Sequence[Row]) -> None:
        print()
        print("| measurement | po6-tui | neomutt, same messages | target | verdict |")
        print("|---|---|---|---|---|")
        for row in rows:
            print(f"| {row.what} | {row.figure} | {row.neomutt} | {row.target} | {row.verdict} |")


def verdict(value_ms: float, target_ms: float) -> str:
    if value_ms <= target_ms:
        return "met"
    return f"missed by {value_ms - target_ms:.0f} ms ({value_ms / target_ms:.1f}×)"
