"""Key → repaint in a big folder, and the memory it costs, measured from outside the app.

Against a sandbox with a 100k-message folder (by default), the real `po6-tui` in a pty:
  - j, k, PageDown: time from the key until the highlighted row shows the message it should
    (matched by subject) with every row on screen loaded, one key at a time, each after the
    screen settled (the status line's `row/total` follows a frame later; it is checked too);
  - G: to the oldest message (a page 100k rows away is fetched);
  - the same keys in neomutt on the same messages (a Maildir, header cache warm), through the same
    harness in the same run: the floor this machine and this way of measuring impose;
  - reading: Enter opens the newest message, then J (next message) until its subject and body show;
  - peak RSS (VmHWM of the po6-tui process) after scrolling through the whole folder with
    PageDown, in bursts of 10 keys, waiting for the rows each time.

Run: `.venv/bin/python tests/perf/bench_keys.py [--size 100000] [--presses 30] [--no-scroll]`.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import harness as h

BODY_GONE = "Loading…"


PAGE_DOWN, END = "\x1b[6~", "\x1b[4~"
Where = Callable[[h.Terminal], int]  # the cursor's row (1-based) as the screen shows it


@dataclass
class Program:
    """How to drive one program's message index: its keys, and where it says the cursor is."""

    name: str
    where: Where
    first: str = "g"
    last: str = "G"
    settled: Callable[[int], h.Predicate] | None = None  # what follows the repaint (checked, untimed)
    complete: h.Predicate = h.rows_loaded  # the screen is whole (no placeholder rows)


def po6(total: int) -> Program:
    return Program("po6-tui", lambda t: h.position(t.text(), total) or 1, "g", "G",
                   settled=lambda index: h.at_position(index, total))


def neomutt(total: int) -> Program:
    # neomutt shows the whole subject, whose `#N` numbers messages oldest first.
    def where(terminal: h.Terminal) -> int:
        match = re.search(r"#(\d+)", terminal.highlighted_row(h.COLUMNS * 2 // 3) or "")
        return total - int(match.group(1)) + 1 if match else 1

    return Program("neomutt", where, "=", "*", complete=lambda _screen: True)  # it never shows a row half-loaded


def timed(terminal: h.Terminal, program: Program, subjects: list[str], key: str, target: int) -> float:
    """Key → the highlighted row shows the message at `target`, every row on screen loaded."""
    took = terminal.press(key, h.cursor_on(terminal, subjects[target - 1], program.complete))
    if program.settled is not None:
        terminal.wait(program.settled(target))
    return took


def page_step(terminal: h.Terminal, program: Program) -> int:
    """How far PageDown moves the cursor from the first row, learnt from the screen (then back to the first)."""
    before = program.where(terminal)
    terminal.send(PAGE_DOWN)
    terminal.wait(lambda _screen: program.where(terminal) != before)
    terminal.settle(0.3)
    step = program.where(terminal) - before
    terminal.send(program.first)  # not PageUp: neomutt's lands on the previous page's last row
    terminal.wait(lambda _screen: program.where(terminal) == 1)
    terminal.settle(0.3)
    return step


def key_times(terminal: h.Terminal, program: Program, subjects: list[str], presses: int) -> dict[str, list[float]]:
    """j, k, PageDown (one key at a time, each after the screen settled) and G (from the top)."""
    total = len(subjects)
    terminal.send(program.first)
    terminal.wait(lambda _screen: program.where(terminal) == 1)
    terminal.settle(0.3)
    step = page_step(terminal, program)
    print(f"  {program.name}: PageDown moves {step} rows")
    times: dict[str, list[float]] = {"j": [], "k": [], "PageDown": [], "G": []}
    for name, key, delta in (("j", "j", 1), ("k", "k", -1), ("PageDown", PAGE_DOWN, step)):
        for _ in range(presses):
            target = max(1, min(total, program.where(terminal) + delta))
            times[name].append(timed(terminal, program, subjects, key, target))
            terminal.settle(0.05)
    for _ in range(5):
        timed(terminal, program, subjects, program.first, 1)
        terminal.settle(0.3)
        times["G"].append(timed(terminal, program, subjects, program.last, total))
        terminal.settle(0.3)
    timed(terminal, program, subjects, program.first, 1)
    terminal.settle(0.3)
    return times


def neomutt_key_times(db: Path, size: int, subjects: list[str], presses: int) -> dict[str, list[float]]:
    """The same keys in neomutt on the same messages (header cache warm), same harness, same minute."""
    maildir = h.maildir_for(db, size)
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        h.neomutt_open(maildir, cache, subjects[0])  # fills the header cache
        terminal = h.neomutt_terminal(maildir, cache)
        try:
            terminal.wait(lambda screen: subjects[0][:30] in screen, 600)
            terminal.settle(0.5)
            return key_times(terminal, neomutt(size), subjects, presses)
        finally:
            terminal.close("q")


def reading(terminal: h.Terminal, subjects: list[str], steps: int) -> tuple[float, list[float]]:
    """(Enter → the newest message shown, [J → the next one shown, …])."""
    def shown(subject: str) -> h.Predicate:
        # The reader's header line carries the subject; the body replaces "Loading…".
        return lambda screen: f"Subject {subject[:40]}" in " ".join(screen.split()) and BODY_GONE not in screen

    opened = terminal.press("\r", shown(subjects[0]))
    terminal.settle(0.2)
    times = []
    for subject in subjects[1:steps + 1]:
        times.append(terminal.press("J", shown(subject)))
        terminal.settle(0.3)  # a reader pauses on a message; the prefetch gets its chance
    terminal.press("q", h.inbox_listed())
    return opened, times


def scroll_through(terminal: h.Terminal, total: int, burst: int = 10) -> int:
    """PageDown in bursts until the last row; returns the number of key presses."""
    pressed = 0
    while (h.position(terminal.text(), total) or 0) < total:
        terminal.send(PAGE_DOWN * burst)
        pressed += burst
        here = h.position(terminal.text(), total) or 0
        terminal.wait(lambda s, here=here: (h.position(s, total) or 0) > here and h.rows_loaded(s), 60)
    return pressed


def measure(size: int, presses: int, scroll: bool, reads: int = 10, with_neomutt: bool = True) -> list[h.Row]:
    db = h.seeded_db(size)
    subjects = h.newest_subjects(db)
    with h.running_sandbox(db) as url, tempfile.TemporaryDirectory() as tmp:
        terminal = h.launch_app(url, h.key_for(db, h.SCALE_KEY_LABEL), Path(tmp))
        try:
            terminal.wait(h.inbox_listed(size))
            terminal.settle(0.5)
            ours = key_times(terminal, po6(size), subjects, presses)
            opened, nexts = reading(terminal, subjects[:reads + 1], reads)
            rss_start = terminal.peak_rss_mb()
            keys = scroll_through(terminal, size) if scroll else 0
            rss = terminal.peak_rss_mb()
        finally:
            terminal.close("q")
    theirs = neomutt_key_times(db, size, subjects, presses) if h.neomutt_path() and with_neomutt else {}
    for name, values in ours.items():
        mutt = f"; neomutt {h.spread(theirs[name])} ms" if name in theirs else ""
        print(f"  {name:21} {h.spread(values)} ms{mutt}")
    print(f"  J (next message)      {h.spread(nexts)} ms")
    rows = []
    for name, values in ours.items():
        target = 100 if name == "G" else 16
        what = f"G → oldest of {size:,} shown" if name == "G" else f"{name}, key → repaint ({size:,} folder)"
        mine = h.median_ms(values)
        mutt = ""
        if name in theirs:
            mutt = f"{h.median_ms(theirs[name]):.0f} ms (ours {mine / h.median_ms(theirs[name]):.2f}×)"
        rows.append(h.Row(f"{what} (median of {len(values)})", f"{mine:.0f} ms", f"≤ {target} ms",
                          h.verdict(mine, target), mutt))
    rows += [
        h.Row("Enter → newest message shown in the reader", f"{opened * 1000:.0f} ms"),
        h.Row(f"J → next message shown, no added latency (median of {len(nexts)})",
              f"{h.median_ms(nexts):.0f} ms"),
    ]
    if scroll:
        rows.append(h.Row(f"peak RSS after scrolling through all {size:,} ({keys:,} PageDowns)",
                          f"{rss:.0f} MB (at start {rss_start:.0f} MB)", "≤ 150 MB",
                          "met" if rss <= 150 else f"missed by {rss - 150:.0f} MB"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--no-scroll", action="store_true", help="skip the scroll through the whole folder")
    parser.add_argument("--no-neomutt", action="store_true", help="skip neomutt's figures")
    args = parser.parse_args()
    h.print_machine()
    h.Row.print_table(measure(args.size, args.presses, not args.no_scroll, with_neomutt=not args.no_neomutt))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
