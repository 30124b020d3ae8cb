"""How long each hostile message takes to render in the app: from the Enter key on the list to the
reader redrawn with the body (issue 7's target: 250 ms each). Reported, not asserted.

    .venv/bin/python tests/perf/bench_hostile.py [--runs N] [--size 120x40]

Delivers the corpus (tests/hostile/corpus.py) into a fresh sandbox, opens every message N times
in one app (the first open of each is the cold one: html2text, layout of a new body), and
prints a table: message, raw bytes, cold and best milliseconds from Enter to the body on screen,
the part of those after the server's reply (the app's own work), and whether it met the target.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from hostile.harness import deliver_corpus, open_message, start_sandbox  # noqa: E402

TARGET_MS = 250.0


async def measure(url_box, delivered, runs: int, size: tuple[int, int]) -> list[tuple[str, int, list]]:
    from uihelpers import account_for, wait_list

    from po6_tui.ui.app import Po6App

    app = Po6App([account_for(url_box)], refresh_interval=0, mark_read_on_open=False)
    rows = []
    async with app.run_test(size=size) as pilot:
        await wait_list(pilot)
        for name, item in delivered.items():
            times = []
            for _ in range(runs):
                times.append(await open_message(pilot, item.email_id))
                await pilot.press("q")
                await wait_list(pilot)
            rows.append((name, len(item.mail.raw), times))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="120x40")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    from uihelpers import UiSandbox

    with tempfile.TemporaryDirectory() as directory:
        process = start_sandbox(Path(directory))
        try:
            delivered = deliver_corpus(process.db)
            box = UiSandbox(process.url, process.db, process)
            rows = asyncio.run(measure(box, delivered, args.runs, (width, height)))
        finally:
            process.stop()
    print(f"{'message':<28} {'bytes':>10} {'cold ms':>8} {'best ms':>8} {'app cold':>9} {'app best':>9}"
          f"  target {TARGET_MS:.0f} ms")
    for name, size, times in rows:
        cold, best = times[0], min(times, key=lambda t: t.total_ms)
        app_best = min(t.after_reply_ms for t in times)
        print(f"{name:<28} {size:>10,} {cold.total_ms:>8.0f} {best.total_ms:>8.0f} {cold.after_reply_ms:>9.0f} "
              f"{app_best:>9.0f}  {'ok' if cold.total_ms <= TARGET_MS else 'SLOW'}")
    slowest = max(rows, key=lambda row: row[2][0].total_ms)
    print(f"\n{len(rows)} messages, {sum(r[1] for r in rows):,} bytes; slowest (cold): {slowest[0]} "
          f"{slowest[2][0].total_ms:.0f} ms; over {TARGET_MS:.0f} ms: {sum(r[2][0].total_ms > TARGET_MS for r in rows)}")
    print("app = from the server's reply to the body on screen (converting, laying out, painting)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
