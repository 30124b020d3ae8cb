"""The first frame: the app's last cached first screen, drawn before Textual is even imported.

Importing Textual and pydantic and laying out the first screen take about half a second; the
terminal stayed blank for all of it. The mail screen already shows the last session's first
screen at once, marked "cached HH:MM · refreshing…" (`ui/core/first_screen.py`). When it has
drawn it, the app keeps that very frame, as the terminal received it, in the cache folder
(`keep`). At the next start `run_app` draws it (`draw`) before it imports anything heavy, so the
operator sees their mail, marked as stale, within a few dozen milliseconds; Textual then paints
over it the same screen with newer data, and the server's answer replaces that.

Only for the same account, mode and terminal size. The frame is text the app rendered itself
(through `ui/safe.py`), but it is read back from a file: before it reaches the terminal, it must
consist of printable characters, newlines, colours (SGR) and cursor moves only; anything else
(an OSC that writes the clipboard, a title, a mode switch) and the file is ignored.

While the frame waits for Textual, typed keys must not echo over it and must not be lost: the
terminal is put in no-echo, non-canonical mode (the keys wait in its input queue for Textual),
and `restore` puts back the settings from before, after the app has ended. Textual's own switch
to the alternate screen would clear the frame, so the app's driver leaves it out
(`ui/app.py`, `FramedDriver`).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from po6_tui.accounts import Account

MAX_BYTES = 1_000_000
ENTER = "\x1b[?1049h\x1b[?25l"  # the alternate screen, no cursor: as Textual draws
# Printable text (no C0/C1 controls but newline), SGR colours and cursor positioning only.
_SAFE = re.compile(r"(?:[^\x00-\x1f\x7f-\x9f]|\n|\x1b\[[0-9;]*[mH])*")

drawn = False  # this process drew a frame: the driver must not clear it
taken_over = False  # the app's driver has the terminal (it leaves the alternate screen itself)


def cache_key(account: Account) -> str:
    """The account's name in the cache folder: provider, name and URL, never the key; a
    sandbox's port left out (the demo sandbox gets a new one at every start)."""
    where = account.url
    if account.is_sandbox:
        where = re.sub(r":\d+(?=/|$)", "", where)
    return hashlib.sha256(f"{account.provider}\0{account.name}\0{where}".encode()).hexdigest()[:24]


def opening_account(accounts: list[Account]) -> Account:
    """The account the app opens on: the first PO6 one (the mail screen's), else the first."""
    return next((a for a in accounts if a.provider == "po6"), accounts[0])


def path_for(account: Account, columns: int, lines: int, read_only: bool) -> Path:
    # deferred: start-up (platformdirs only when a frame is looked for)
    from platformdirs import user_cache_path

    from po6_tui import APP_NAME  # deferred: (see above)

    mode = "ro" if read_only else "rw"
    return user_cache_path(APP_NAME) / "first-screen" / f"{cache_key(account)}-{columns}x{lines}-{mode}.frame"


def is_safe(frame: str) -> bool:
    return _SAFE.fullmatch(frame) is not None


def keep(account: Account, columns: int, lines: int, read_only: bool, frame: str) -> None:
    """Keep `frame` (what the terminal was sent to draw the cached first screen) for the next
    start. Quietly: a frame that cannot be written is just absent."""
    if not is_safe(frame) or len(frame.encode()) > MAX_BYTES:
        return
    try:
        path = path_for(account, columns, lines, read_only)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        part = path.with_suffix(f".{os.getpid()}.part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(frame)
        os.replace(part, path)
    except OSError:
        pass


def draw(account: Account, read_only: bool) -> list | None:
    """Draw the kept frame for `account` on the terminal, if there is one of its size. Returns
    the terminal's settings from before (for `restore`), or None when nothing was drawn."""
    global drawn
    if not (sys.stdin.isatty() and sys.stdout.isatty()) or os.environ.get("PO6_NO_FIRST_FRAME") \
            or os.environ.get("TEXTUAL_DRIVER"):  # another driver (the web one) owns the output
        return None
    try:
        import termios

        size = os.get_terminal_size(sys.stdout.fileno())
        with path_for(account, size.columns, size.lines, read_only).open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
        frame = raw.decode("utf-8")
        if len(raw) > MAX_BYTES or not is_safe(frame):
            return None
        before = termios.tcgetattr(sys.stdin.fileno())
        quiet = termios.tcgetattr(sys.stdin.fileno())
        quiet[3] &= ~(termios.ECHO | termios.ICANON)  # keys wait unechoed for Textual
        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, quiet)
    except (OSError, ValueError, ImportError):
        return None
    os.write(sys.stdout.fileno(), (ENTER + frame).encode("utf-8"))
    drawn = True
    return before


def restore(before: list | None) -> None:
    """Put the terminal back as it was before `draw` (after the app, whose driver restored the
    quiet settings it found). If the app never took the terminal over, leave the frame too."""
    if before is None:
        return
    try:
        import termios

        termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, before)
        if not taken_over:
            os.write(sys.stdout.fileno(), b"\x1b[?1049l\x1b[?25h")
    except (OSError, ValueError, ImportError):
        pass
