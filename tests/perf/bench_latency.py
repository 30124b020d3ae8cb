"""The app on a slow link: the sandbox delays every reply by 150 ms (`--latency 150`).

  1. reading: Enter opens the newest message of the 10k inbox, then J steps to the next one,
     pausing like a reader would; with the next message prefetched, J shows it without a round trip;
  2. mailbox stats: a tenant with 50 more mailboxes. The launch to a sidebar showing their
     counts is timed at 150 ms and at 600 ms of latency; the difference divided by 450 ms is
     the number of round trips the start path waits for, one after the other (the stats of all
     50 should cost one of them, not fifty).

Run: `.venv/bin/python tests/perf/bench_latency.py [--latency 150] [--steps 8]`.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
from pathlib import Path

import harness as h
from bench_keys import reading

MAILBOXES = 50


def stats_shown(screen: str) -> bool:
    """The inbox is listed and the sidebar shows counts next to the extra mailboxes."""
    return h.inbox_listed()(screen) and re.search(r"agent000@po6\.com\s+[\d,/]+", screen) is not None


def launch_to_stats(url: str, key: str, home: Path) -> float:
    terminal = h.launch_app(url, key, home)
    try:
        return terminal.wait(stats_shown) - terminal.started
    finally:
        terminal.close("q")


def measure(latency_ms: float, steps: int, runs: int = 3) -> list[h.Row]:
    rows = []
    db = h.seeded_db(10_000)
    subjects = h.newest_subjects(db, steps + 1)
    with h.running_sandbox(db, "--latency", str(latency_ms)) as url, tempfile.TemporaryDirectory() as tmp:
        terminal = h.launch_app(url, h.key_for(db, h.SCALE_KEY_LABEL), Path(tmp))
        try:
            terminal.wait(h.inbox_listed(10_000))
            terminal.settle(0.5)
            opened, nexts = reading(terminal, subjects, steps)
        finally:
            terminal.close("q")
    print(f"  J with {latency_ms:g} ms latency: {h.spread(nexts)} ms")
    rows.append(h.Row(f"Enter → first message shown, {latency_ms:g} ms latency", f"{opened * 1000:.0f} ms"))
    instant = 100  # what "feels instant" means here: well under one round trip plus rendering
    rows.append(h.Row(f"J → next message shown, {latency_ms:g} ms latency (prefetched; median of {len(nexts)})",
                      f"{h.median_ms(nexts):.0f} ms", f"instant (≤ {instant} ms, < 1 round trip)",
                      h.verdict(h.median_ms(nexts), instant)))

    # Round trips the start path waits for, one after the other: the slope of launch time
    # against latency (two latencies, so the app's own work, which overlaps the first waits,
    # cancels out).
    db = h.many_mailboxes_db(MAILBOXES)
    key = h.key_for(db, "plus")
    slow_ms = latency_ms * 4
    with tempfile.TemporaryDirectory() as tmp:
        with h.running_sandbox(db, "--latency", str(latency_ms)) as url:
            launch_to_stats(url, key, Path(tmp) / "warm-up")
            fast = [launch_to_stats(url, key, Path(tmp) / f"f{run}") for run in range(runs)]
        with h.running_sandbox(db, "--latency", str(slow_ms)) as url:
            slow = [launch_to_stats(url, key, Path(tmp) / f"s{run}") for run in range(runs)]
    trips = (statistics.median(slow) - statistics.median(fast)) / ((slow_ms - latency_ms) / 1000)
    print(f"  launch → stats of {MAILBOXES}+ mailboxes: {latency_ms:g} ms latency {h.spread(fast)} ms; "
          f"{slow_ms:g} ms latency {h.spread(slow)} ms")
    rows.append(h.Row(
        f"launch → sidebar with the counts of {MAILBOXES}+ mailboxes at {latency_ms:g} ms latency "
        f"(median of {runs})",
        f"{statistics.median(fast) * 1000:.0f} ms; the start path waits for {trips:.1f} round trips in all "
        "(handshake, tools/list, list_mailboxes, list_emails)",
        "stats in ~1 round trip, not 50",
        "met: every count comes with the one list_mailboxes" if trips < 8 else f"missed ({trips:.0f} round trips)"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=150)
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args()
    h.print_machine()
    h.Row.print_table(measure(args.latency, args.steps))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
