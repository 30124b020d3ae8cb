"""Opening mail, as a user feels it: po6-tui against neomutt on the same messages.

For each size (10k, 100k, 1M messages in one folder), against a sandbox already running on a
seeded database:
  1. launch: `po6-tui` (with a key that reaches only the scale mailbox) from exec until the
     first screen shows the mailbox and the first page of its INBOX (and the CPU time the app
     had used by then, which other processes on a busy machine barely move);
  2. open the folder in a running app: from a small demo inbox, Enter on scale@po6.com in the
     sidebar → the first rows of the big INBOX;
  3. neomutt (when installed) on the same messages as a Maildir, from exec until its index shows
     the newest message: cold (empty header cache) and warm (header cache filled by a previous run).

Run: `.venv/bin/python tests/perf/bench_launch.py [--sizes 10000,100000,1000000] [--runs 5]
[--neomutt-sizes 10000,100000]`. Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
from pathlib import Path

import harness as h


def launch_once(url: str, key: str, size: int, home: Path) -> tuple[float, float]:
    """(wall seconds to the first screen with mail, CPU seconds the app had used by then).

    From the second launch on, that screen is the last session's, marked "refreshing" until the
    server answers (ui/core/first_screen.py); `live` below waits for the answer as well."""
    terminal = h.launch_app(url, key, home)
    try:
        wall = terminal.wait(h.inbox_listed(size)) - terminal.started
        cpu = terminal.cpu_seconds()
        LIVE.append(terminal.wait(lambda screen: h.inbox_listed(size)(screen) and "refreshing" not in screen)
                    - terminal.started)
        return wall, cpu
    finally:
        terminal.close("q")


LIVE: list[float] = []  # launch → the same screen with the server's data (not the cached one)


def open_folder_once(url: str, key: str, size: int, home: Path) -> float:
    """In a running app, from a small demo inbox, the sidebar's scale@po6.com + Enter → its first rows.

    The sidebar lists scale@po6.com first (with its six folders) and signup-bot@po6.com next.
    """
    terminal = h.launch_app(url, key, home)
    try:
        terminal.wait(h.inbox_listed(size))
        terminal.settle(0.3)
        terminal.send("\t" + "j" * 7)  # the sidebar, down to signup-bot@po6.com
        terminal.settle(0.3)
        terminal.press("\r", lambda screen: "signup-bot@po6.com ▸ INBOX" in screen and h.inbox_listed()(screen))
        terminal.settle(0.3)
        terminal.send("k" * 7)  # back up to scale@po6.com
        terminal.settle(0.3)
        return terminal.press("\r", h.inbox_listed(size))
    finally:
        terminal.close("q")


def neomutt_times(db: Path, size: int, runs: int) -> tuple[list[float], list[float]]:
    """(cold runs, warm runs) of neomutt opening the same messages."""
    maildir = h.maildir_for(db, size)
    newest = h.newest_subjects(db, 1)[0]
    cold, warm = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            cache = Path(tmp) / f"cache{run}"
            cold.append(h.neomutt_open(maildir, cache, newest))
            warm.append(h.neomutt_open(maildir, cache, newest))
            shutil.rmtree(cache)
    return cold, warm


def measure(sizes: list[int], runs: int, neomutt_sizes: list[int]) -> list[h.Row]:
    rows: list[h.Row] = []
    opened_by_size: dict[int, float] = {}
    for size in sizes:
        db = h.seeded_db(size)
        with h.running_sandbox(db) as url, tempfile.TemporaryDirectory() as tmp:
            scale_key, plus_key = h.key_for(db, h.SCALE_KEY_LABEL), h.key_for(db, "plus")
            # One home, as a user has: the two warm-up launches fill the OS caches, our first-screen
            # cache and the frame it was drawn as (the counterpart of neomutt's warm header cache);
            # the timed launches start from them.
            home = Path(tmp) / "home"
            launch_once(url, scale_key, size, home)
            launch_once(url, scale_key, size, home)
            LIVE.clear()
            launched = [launch_once(url, scale_key, size, home) for run in range(runs)]
            launches, cpus = [wall for wall, _ in launched], [cpu for _, cpu in launched]
            lives = list(LIVE)
            opens = [open_folder_once(url, plus_key, size, Path(tmp) / f"o{run}") for run in range(runs)]
        mutt_cold = mutt_warm = None
        if h.neomutt_path() and size in neomutt_sizes:
            cold, warm = neomutt_times(db, size, max(2, runs // 2))
            mutt_cold, mutt_warm = statistics.median(cold), statistics.median(warm)
            print(f"  neomutt {size:,}: cold {h.spread(cold)} ms; warm {h.spread(warm)} ms")
        launch, opened = statistics.median(launches), statistics.median(opens)
        opened_by_size[size] = opened
        print(f"  po6-tui {size:,}: launch {h.spread(launches)} ms (CPU {h.spread(cpus)} ms); "
              f"live {h.spread(lives)} ms; open folder {h.spread(opens)} ms")

        mutt = (f"cold {mutt_cold * 1000:.0f} ms, warm {mutt_warm * 1000:.0f} ms; ours = "
                f"{launch / mutt_cold:.2f}× cold, {launch / mutt_warm:.2f}× warm" if mutt_cold else "")
        if size == 10_000:
            target, verdict = "≤ 350 ms and ≤ 1.75× neomutt warm", h.verdict(launch * 1000, 350)
            if mutt_warm:
                ratio = launch / mutt_warm
                verdict += f"; ratio {'met' if ratio <= 1.75 else 'missed'} ({ratio:.2f}× neomutt warm)"
        else:
            target, verdict = "", ""
        rows.append(h.Row(f"launch → first screen with mail, {size:,} inbox (median of {runs}; the last "
                          f"session's, marked refreshing)",
                          f"{launch * 1000:.0f} ms (app CPU {statistics.median(cpus) * 1000:.0f} ms)",
                          target, verdict, mutt))
        rows.append(h.Row(f"launch → the same screen with the server's data, {size:,} inbox (median of {runs})",
                          f"{statistics.median(lives) * 1000:.0f} ms"))

        mutt = (f"warm {mutt_warm * 1000:.0f} ms: ours is {mutt_warm / opened:.0f}× faster" if mutt_warm else "")
        if size == 100_000:
            target = "≤ 300 ms, ≥ 5× faster than neomutt warm"
            verdict = h.verdict(opened * 1000, 300)
            if mutt_warm:
                verdict += "; ratio " + ("met" if mutt_warm / opened >= 5 else f"missed ({mutt_warm / opened:.1f}×)")
        elif size == 1_000_000:
            # "As fast": inside the same 300 ms budget; the ratio to 100k is printed as measured.
            target = "as fast as 100k (≤ 300 ms)"
            verdict = h.verdict(opened * 1000, 300)
            if (base := opened_by_size.get(100_000)) is not None:
                verdict += f" ({opened / base:.2f}× the 100k median)"
        else:
            target = verdict = ""
        rows.append(h.Row(f"open the {size:,}-message folder in the app → first rows (median of {runs})",
                          f"{opened * 1000:.0f} ms", target, verdict, mutt))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--neomutt-sizes", default="10000,100000",
                        help="sizes to time neomutt on (1M needs ~4 GB of tmpfs for the Maildir)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    h.print_machine()
    rows = measure([int(s) for s in args.sizes.split(",")], args.runs,
                   [int(s) for s in args.neomutt_sizes.split(",") if s])
    h.Row.print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
