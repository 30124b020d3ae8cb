"""The fleet overview at scale (issue 15): time from Ctrl+F to a full overview of 200 PO6
mailboxes (every row's figures in), plus the demo's Postern inboxes, on a sandbox over loopback.

    .venv/bin/python tests/perf/bench_fleet.py [--mailboxes 200] [--latency 0]

The database is the demo plus `seed_agents` mailboxes (po6_tui/sandbox/seed_fleet.py), two weeks
of sends each, made fresh in a scratch directory; the sandbox's rate limit is lifted (a real PO6
key allows 60 requests a minute: see the note printed at the end). The app runs in-process
(Textual's headless driver, 120×40). Also measured: the first rows on screen, the longest stall
of the UI's event loop while loading (a 20 ms timer's worst lateness: the UI never froze if it is
small), the requests made and the most in flight, and a refresh (R) of the whole fleet.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from harness import machine, running_sandbox  # noqa: E402

from po6_tui.sandbox import admin  # noqa: E402
from po6_tui.sandbox.seed import seed_store  # noqa: E402
from po6_tui.sandbox.seed_fleet import seed_agents  # noqa: E402
from po6_tui.sandbox.store import Store  # noqa: E402

DEMO_PO6_MAILBOXES = 6  # the demo tenant's own agents


def make_db(directory: Path, mailboxes: int) -> Path:
    db = directory / "fleet.db"
    store = Store(db)
    try:
        seed_store(store, "demo")
        seed_agents(store, mailboxes - DEMO_PO6_MAILBOXES)
    finally:
        store.close()
    return db


async def measure(url: str, db: Path, mailboxes: int) -> dict[str, float]:
    from po6_tui.accounts import Account
    from po6_tui.api.po6 import Po6Client
    from po6_tui.ui.app import Po6App
    from po6_tui.ui.fleet.fleet_screen import FleetScreen

    keys = {record["label"]: record["key"] for record in admin.read_keys(db)}
    accounts = [Account(name="sandbox", provider="po6", url=url + "/mcp", is_sandbox=True, api_key=keys["plus"]),
                Account(name="sandbox-postern", provider="postern", url=url, is_sandbox=True,
                        api_key=keys["postern-agent"])]
    calls = 0
    real_call = Po6Client._call

    async def counted(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        nonlocal calls
        calls += 1
        return await real_call(self, *args, **kwargs)

    Po6Client._call = counted
    first_rows_at: list[float] = []
    real_fill = FleetScreen._fill

    def noting_fill(self) -> None:  # noqa: ANN001
        real_fill(self)
        if self.table.row_count and not first_rows_at:
            first_rows_at.append(time.perf_counter())

    FleetScreen._fill = noting_fill  # Pilot's press() returns only once the app is idle: the moment is noted here
    app = Po6App(accounts, refresh_interval=0)
    figures: dict[str, float] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        while not (app.mail.is_mounted and app.mail.message_list.total is not None):
            await pilot.pause(0.02)
        await pilot.pause(0.5)  # the mail view's own start-up reads are done
        worst_stall = 0.0
        last = time.perf_counter()

        def tick() -> None:
            nonlocal last, worst_stall
            now = time.perf_counter()
            worst_stall = max(worst_stall, now - last - 0.02)
            last = now

        timer = app.set_interval(0.02, tick)
        calls = 0
        started = time.perf_counter()
        await pilot.press("ctrl+f")
        while not (isinstance(app.screen, FleetScreen) and app.screen.loaded_at is not None):
            await asyncio.sleep(0.005)
        screen = app.screen
        full = time.perf_counter() - started
        figures.update(first_rows_s=first_rows_at[0] - started, full_overview_s=full, worst_ui_stall_ms=worst_stall * 1000,
                       po6_calls=calls, most_in_flight=screen.gate.most_in_flight, rows=len(screen.agents),
                       rows_with_problems=sum(bool(a.problems) for a in screen.agents.values()),
                       need_attention=sum(bool(found) for found in screen.found.values()))
        await pilot.pause(0.3)
        worst_stall, last, calls = 0.0, time.perf_counter(), 0
        started = time.perf_counter()
        loaded_before = screen.loaded_at
        screen.loaded_at = None
        await pilot.press("R")
        while screen.loaded_at is None:
            await asyncio.sleep(0.005)
        figures.update(refresh_s=time.perf_counter() - started, refresh_worst_ui_stall_ms=worst_stall * 1000,
                       refresh_po6_calls=calls)
        screen.loaded_at = screen.loaded_at or loaded_before
        timer.stop()
    Po6Client._call, FleetScreen._fill = real_call, real_fill
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mailboxes", type=int, default=200, help="PO6 agent mailboxes in all (demo's 6 included)")
    parser.add_argument("--latency", type=float, default=0.0, help="sandbox latency per request, ms")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="po6-fleet-bench-") as scratch:
        home = Path(scratch) / "home"
        for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state"),
                         ("XDG_CACHE_HOME", "cache")):
            os.environ[var] = str(home / sub)
        for var in ("PO6_API_KEY", "PO6_MCP_URL", "POSTERN_API_KEY", "POSTERN_API_BASE_URL"):
            os.environ.pop(var, None)
        db = make_db(Path(scratch), args.mailboxes)
        extra = ["--latency", str(args.latency)] if args.latency else []
        with running_sandbox(db, *extra) as url:
            figures = asyncio.run(measure(url, db, args.mailboxes))
    info = machine()
    print(f"fleet overview, {args.mailboxes} PO6 mailboxes + the demo's Postern inboxes, latency {args.latency:g} ms")
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    for name, value in figures.items():
        print(f"  {name:28} {value:.3f}" if isinstance(value, float) else f"  {name:28} {value}")
    per_refresh = figures["refresh_po6_calls"]
    print(f"note: a refresh makes {per_refresh} PO6 requests; at PO6's 60 requests a minute per key that is "
          f"{per_refresh / 60:.1f} minutes of a key's budget.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
