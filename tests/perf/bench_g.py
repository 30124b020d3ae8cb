"""`G` as a user presses it: launch, the folder's first rows appear, G at once → the oldest
message highlighted with every row on screen loaded. (bench_keys.py times G in a folder that
has settled: that hides a slow first jump to the end.)

For each size, each run is a fresh launch on a running sandbox (its own home, so no cached first
screen: G must wait for the real list). Prints the spread and the median.

Run: `.venv/bin/python tests/perf/bench_g.py [--sizes 50000,1000000] [--runs 5]`. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
from pathlib import Path

import harness as h


def g_once(url: str, key: str, size: int, oldest: str, home: Path, *, at_once: bool) -> float | None:
    """Launch; G once the list is live, or (`at_once`) as soon as the folder's header is drawn,
    while its first page may still be on its way. None: the oldest message never showed
    highlighted within 10 s (the cursor may be on it with the view elsewhere)."""
    terminal = h.launch_app(url, key, home)
    try:
        if at_once:
            terminal.wait(lambda screen: "▸ INBOX" in screen)
        else:
            terminal.wait(lambda screen: h.inbox_listed(size)(screen) and "refreshing" not in screen)
        try:
            return terminal.press("G", h.cursor_on(terminal, oldest), timeout=10)
        except TimeoutError:
            return None
    finally:
        terminal.close("q")


def oldest_subject(db: Path) -> str:
    """The last row of the INBOX as the app lists it (newest first), without reading them all."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT subject FROM emails WHERE mailbox_id = ? AND folder = 'INBOX' "
                            "ORDER BY ts ASC, num ASC LIMIT 1", (h.SCALE_MAILBOX,)).fetchone()[0]
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    h.print_machine()
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        db = h.seeded_db(size)
        oldest = oldest_subject(db)
        with h.running_sandbox(db) as url, tempfile.TemporaryDirectory() as tmp:
            key = h.key_for(db, h.SCALE_KEY_LABEL)
            for at_once, what in ((False, "once its first rows are live"), (True, "as soon as its header is drawn")):
                outcomes = [g_once(url, key, size, oldest, Path(tmp) / f"g{at_once}{run}", at_once=at_once)
                            for run in range(args.runs)]
                times = [t for t in outcomes if t is not None]
                missed = len(outcomes) - len(times)
                median = h.median_ms(times) if times else float("inf")
                figure = f"{median:.0f} ms median ({h.spread(times)})" if times else "never"
                if missed:
                    figure += f"; not shown in {missed} of {len(outcomes)}"
                rows.append(h.Row(f"G in a folder just opened ({size:,}), {what} → the oldest shown", figure,
                                  "≤ 100 ms", h.verdict(median, 100) if not missed else "not met"))
    h.Row.print_table(rows)


if __name__ == "__main__":
    main()
