"""Key → repaint in a big folder, and the memory it costs, measured from outside the app.

Against a sandbox with a 100k-message folder (by default), the real `po6-tui` in a pty:
  - j, k, PageDown: time from the key until the highlighted row shows the message it should
    (matched by subject) with every row on screen loaded, one key at a time, each after the
    screen settled (the status line's `row/total` follows a frame later; it is checked too);
  - G: to the oldest message (a page 100k rows away is fetched);
  - reading: Enter opens the newest message, then J (next message) until its subject and body show;
  - peak RSS (VmHWM of the po6-tui process) after scrolling through the whole folder with
    PageDown, in bursts of 10 keys, waiting for the rows each time.

Run: `.venv/bin/python tests/perf/bench_keys.py [--size 100000] [--presses 30] [--no-scroll]`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import harness as h

BODY_GONE = "Loading…"


def page_step(terminal: h.Terminal, total: int) -> int:
    """How far PageDown moves the cursor (the list's height - 1), learnt from the status line."""
    before = h.position(terminal.text(), total) or 1
    terminal.press("\x1b[6~", lambda s: (h.position(s, total) or before) != before and h.rows_loaded(s))
    terminal.settle(0.2)
    after = h.position(terminal.text(), total) or before
    terminal.press("\x1b[5~", h.at_position(before, total))
    terminal.settle(0.2)
    return after - before


def timed_moves(terminal: h.Terminal, subjects: list[str], key: str, delta: int, presses: int) -> list[float]:
    """Key → the highlighted row shows the message `delta` rows on (the status line follows a
    frame later and is checked after each press)."""
    total = len(subjects)
    times = []
    for _ in range(presses):
        here = h.position(terminal.text(), total) or 1
        target = max(1, min(total, here + delta))
        times.append(terminal.press(key, h.cursor_on(terminal, subjects[target - 1])))
        terminal.wait(h.at_position(target, total))
        terminal.settle(0.05)
    return times


def jump(terminal: h.Terminal, subjects: list[str], key: str, target: int) -> float:
    time_taken = terminal.press(key, h.cursor_on(terminal, subjects[target - 1]))
    terminal.wait(h.at_position(target, len(subjects)))
    terminal.settle(0.3)
    return time_taken


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
        terminal.send("\x1b[6~" * burst)
        pressed += burst
        here = h.position(terminal.text(), total) or 0
        terminal.wait(lambda s, here=here: (h.position(s, total) or 0) > here and h.rows_loaded(s), 60)
    return pressed


def measure(size: int, presses: int, scroll: bool, reads: int = 10) -> list[h.Row]:
    db = h.seeded_db(size)
    subjects = h.newest_subjects(db)
    with h.running_sandbox(db) as url, tempfile.TemporaryDirectory() as tmp:
        terminal = h.launch_app(url, h.key_for(db, h.SCALE_KEY_LABEL), Path(tmp))
        try:
            terminal.wait(h.inbox_listed(size))
            terminal.settle(0.5)
            step = page_step(terminal, size)
            down = timed_moves(terminal, subjects, "j", 1, presses)
            up = timed_moves(terminal, subjects, "k", -1, presses)
            pages = timed_moves(terminal, subjects, "\x1b[6~", step, presses)
            last = []
            for _ in range(5):
                jump(terminal, subjects, "g", 1)
                last.append(jump(terminal, subjects, "G", size))
            jump(terminal, subjects, "g", 1)
            opened, nexts = reading(terminal, subjects[:reads + 1], reads)
            rss_start = terminal.peak_rss_mb()
            keys = scroll_through(terminal, size) if scroll else 0
            rss = terminal.peak_rss_mb()
        finally:
            terminal.close("q")
    for name, values in (("j", down), ("k", up), ("PageDown", pages), ("G", last), ("J (next message)", nexts)):
        print(f"  {name:17} {h.spread(values)} ms")
    rows = [
        h.Row(f"j, key → repaint ({size:,} folder; median of {presses})", f"{h.median_ms(down):.0f} ms",
              "≤ 16 ms", h.verdict(h.median_ms(down), 16)),
        h.Row(f"k, key → repaint (median of {presses})", f"{h.median_ms(up):.0f} ms", "≤ 16 ms",
              h.verdict(h.median_ms(up), 16)),
        h.Row(f"PageDown ({step} rows), key → repaint with rows (median of {presses})",
              f"{h.median_ms(pages):.0f} ms", "≤ 16 ms", h.verdict(h.median_ms(pages), 16)),
        h.Row(f"G → oldest of {size:,} shown (median of {len(last)})", f"{h.median_ms(last):.0f} ms", "≤ 100 ms",
              h.verdict(h.median_ms(last), 100)),
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
    args = parser.parse_args()
    h.print_machine()
    h.Row.print_table(measure(args.size, args.presses, not args.no_scroll))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
