"""Regenerate the SVG screenshots of po6-tui's main views (README.md shows them).

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--size 120x36]

Deterministic: a fresh demo sandbox in a scratch directory (always the same path, as the log
view shows where the audit log is) with its clock frozen at the instant tests/ui uses, the
app's "today" and the audit log's times frozen to it, empty user dirs, a fixed terminal size. A view whose screen is not written yet is skipped with a note, so running this again
later picks it up. No API key can appear: the UI never shows keys, and every SVG is checked
for each of the sandbox's keys (and for key prefixes) before it is kept.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import shutil
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the frozen-sandbox helpers the UI tests use (tests/uihelpers.py)

WORKDIR = Path("/tmp/po6-tui-screenshots")
KEY_PREFIXES = ("mcp_po6_", "pk_agent_", "pk_enroll_")
VIEW_ORDER = ("mail", "reader", "fleet", "drafts", "approve", "sent", "aliases", "domains", "catchall", "pages", "postern",
              "tools", "log", "help")


def parse_size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def key_leaks(svg: str, keys: list[str]) -> list[str]:
    """What in `svg` looks like a key: any sandbox key, or a key prefix."""
    found = [f"a sandbox key ({key[:8]}…)" for key in keys if key and key in svg]
    found += [f"the prefix {prefix}" for prefix in KEY_PREFIXES if prefix in svg]
    return found


async def shoot(out: Path, size: tuple[int, int], workdir: Path) -> list[Path]:
    from uihelpers import SEEDED_AT, start_frozen_sandbox, wait_for, wait_idle, wait_list

    from po6_tui import audit
    from po6_tui.accounts import DemoSandbox
    from po6_tui.sandbox.admin import read_keys
    from po6_tui.ui.core import timefmt
    from po6_tui.ui.shell import views
    from po6_tui.ui.app import Po6App
    from po6_tui.ui.shell.help import HelpScreen
    from po6_tui.ui.mail.reader import ReaderScreen

    timefmt.now = lambda: SEEDED_AT  # the list's "today", as in tests/ui

    class FrozenDatetime(audit.datetime):
        @classmethod
        def now(cls, tz=None):  # noqa: ANN001, ANN206
            return SEEDED_AT.astimezone(tz) if tz else SEEDED_AT

    audit.datetime = FrozenDatetime  # the audit log's times, as the log view shows them
    box = start_frozen_sandbox(workdir)
    saved: list[Path] = []
    try:
        keys = [record["key"] for record in read_keys(box.db)]
        demo = DemoSandbox(box.db)  # the demo accounts (PO6 and Postern) exactly as demo mode makes them
        demo.url = box.url
        app = Po6App(demo.accounts(), refresh_interval=0)
        async with app.run_test(size=size) as pilot:

            async def save(name: str) -> None:
                app.clear_notifications()
                # Let lazily measured widgets (DataTable column widths) settle: a few idle frames.
                for _ in range(3):
                    await wait_idle(pilot)
                    await pilot.pause(0.1)
                svg = app.export_screenshot(title=f"po6-tui · {name}")
                leaks = key_leaks(svg, keys)
                if leaks:
                    raise SystemExit(f"screenshots: {name} would show {', '.join(leaks)}; not saved.")
                path = out / f"{name}.svg"
                path.write_text(svg, encoding="utf-8")
                saved.append(path)
                print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

            async def reader() -> None:
                await pilot.press("enter")
                await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None)

            async def tools() -> None:
                from textual.widgets import Input

                screen = app.screen
                await wait_for(pilot, lambda: getattr(screen, "tools", None), what="the tool list")
                # A result without times or sizes: seeded mail moves by the second the sandbox takes to start.
                screen.tool_list.highlighted = [t.name for t in screen.tools].index("get_alias")
                await wait_for(pilot, lambda: screen.current_form is not None)
                screen.current_form.field("alias_id").widget.value = "als_sales"
                await pilot.press("ctrl+r")
                await wait_idle(pilot)
                screen.tool_list.focus()
                assert not isinstance(app.focused, Input)

            async def fleet() -> None:
                screen = app.screen
                await wait_for(pilot, lambda: getattr(screen, "loaded_at", None) is not None, what="the fleet")

            async def drafts() -> None:
                screen = app.screen
                await wait_for(pilot, lambda: screen.loaded and len(screen.assessments) >= len(screen.queue.pending),
                               what="the drafts' risk checks")
                table = screen.query_one("#queue")
                table.move_cursor(row=table.get_row_index("sandbox/drf_demo02"), animate=False)
                await wait_for(pilot, lambda: "sandbox/drf_demo02" in screen.conversations, what="the conversation")
                await wait_idle(pilot)

            async def approve() -> None:
                from po6_tui.ui.outbox.send_review import SendReviewScreen

                app.open_view("drafts")
                await wait_idle(pilot)
                screen = app.screen
                table = screen.query_one("#queue")
                table.move_cursor(row=table.get_row_index("sandbox/drf_risk01"), animate=False)
                await pilot.press("y")
                await wait_for(pilot, lambda: isinstance(app.screen, SendReviewScreen), what="the send confirmation")
                await wait_idle(pilot)

            steps: dict[str, Callable[[], Awaitable[None]]] = {"reader": reader, "fleet": fleet, "tools": tools,
                                                               "drafts": drafts}

            await wait_list(pilot)
            await wait_for(pilot, lambda: "mbx_signup" in app.active.folders)
            for name in VIEW_ORDER:
                if name == "help":
                    app.open_view("mail")
                    await wait_idle(pilot)
                    await pilot.press("question_mark")
                    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
                    await save("help")
                    continue
                if name == "approve":
                    await approve()
                    await save("approve")
                    await pilot.press("escape")
                    continue
                if name == "reader":
                    app.open_view("mail")
                    await wait_idle(pilot)
                    await reader()
                    await save("reader")
                    await pilot.press("q")
                    continue
                if views.view(name) is None:
                    print(f"  {name}: skipped, no such view")
                    continue
                app.open_view(name)
                await pilot.pause()
                await wait_idle(pilot)
                if name in steps:
                    await steps[name]()
                await save(name)
    finally:
        box.stop()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots", help="where the SVGs go")
    parser.add_argument("--size", type=parse_size, default=(120, 36), help="terminal size, WxH (default 120x36)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(WORKDIR, ignore_errors=True)
    try:
        # Never read or write the real user's config, secrets, journal or audit log.
        for var, sub in (("XDG_CONFIG_HOME", ".config"), ("XDG_DATA_HOME", ".local/share"),
                         ("XDG_STATE_HOME", ".local/state"), ("XDG_CACHE_HOME", ".cache")):
            os.environ[var] = str(WORKDIR / "home" / sub)
        for var in ("PO6_API_KEY", "PO6_MCP_URL", "POSTERN_API_KEY", "POSTERN_API_BASE_URL"):
            os.environ.pop(var, None)
        os.environ["TZ"] = "UTC"
        time.tzset()
        print(f"screenshots at {args.size[0]}x{args.size[1]} into {args.out}:")
        (WORKDIR / "sandbox").mkdir(parents=True)
        saved = asyncio.run(shoot(args.out, args.size, WORKDIR / "sandbox"))
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
    print(f"{len(saved)} screenshots written.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
