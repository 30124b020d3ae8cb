"""Deliver the hostile corpus into a sandbox, open a message in the app, and look at what would
reach the terminal. Shared by tests/hostile/test_hostile_mail.py and tests/perf/bench_hostile.py.

"What reaches the terminal" is read two ways: the exact bytes Textual would write for a full
redraw (`LayoutUpdate.render_segments`, the same call the driver's output goes through), with
Textual's own colour and cursor sequences taken out; and the segments of every strip and of every
widget's whole content (a 100,000-line body is checked in full, not just the lines on screen).
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from po6_tui.sandbox.delivery import deliver_local
from po6_tui.sandbox.mailparse import parse_message
from po6_tui.sandbox.process import SandboxProcess
from po6_tui.sandbox.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from uihelpers import RATE_LIMIT, screen_text, wait_for, wait_list  # noqa: E402, F401 (screen_text: for the tests)

from hostile.corpus import HostileMail, build_corpus  # noqa: E402

ADDRESS = "signup-bot@po6.com"  # the mailbox the app opens first
# Any C0 control but tab and newline, DEL, and the C1 range (8-bit CSI, OSC, DCS, ST).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What Textual itself writes: SGR colours/attributes and cursor positioning. Nothing else may remain.
TEXTUAL_SEQUENCES = re.compile(r"\x1b\[[0-9;:]*m|\x1b\[\d+;\d+H")
HOSTILE_ACTIONS = ("app.quit", "evil.example")


@dataclass
class Delivered:
    mail: HostileMail
    email_id: str


def start_sandbox(directory: Path) -> SandboxProcess:
    process = SandboxProcess(db=directory / "sandbox.db", seed="demo", extra_args=RATE_LIMIT)
    process.start()
    return process


def deliver_corpus(db: Path, address: str = ADDRESS) -> dict[str, Delivered]:
    """Every corpus message into `address`'s INBOX (what `po6-tui sandbox deliver` does)."""
    store = Store(db)
    try:
        delivered = {}
        for mail in build_corpus():
            email_id = deliver_local(store, address, parse_message(mail.raw))
            assert email_id, f"{mail.name} was not delivered"
            delivered[mail.name] = Delivered(mail, email_id)
        return delivered
    finally:
        store.close()


def terminal_output(app) -> str:  # noqa: ANN001
    """The bytes a full redraw of the screen in front writes to the terminal."""
    update = app.screen._compositor.render_full_update()
    return update.render_segments(app.console)


def _segment_problems(segments, where: str) -> list[str]:  # noqa: ANN001
    problems = []
    for segment in segments:
        if not isinstance(segment, Segment) or segment.control:
            continue
        if CONTROL.search(segment.text):
            problems.append(f"{where}: control character in {segment.text[:60]!r}")
        style = segment.style
        if style is not None:
            if style.link:
                problems.append(f"{where}: a link ({style.link[:60]!r}) in {segment.text[:40]!r}")
            meta = style.meta or {}
            for value in meta.values():
                if any(action in str(value) for action in HOSTILE_ACTIONS):
                    problems.append(f"{where}: an action from the mail ({str(value)[:60]!r})")
    return problems


def screen_problems(app) -> list[str]:  # noqa: ANN001
    """Everything on screen that is not plain, inert text."""
    problems = []
    raw = TEXTUAL_SEQUENCES.sub("", terminal_output(app))
    for match in CONTROL.finditer(raw.replace("\n", "")):
        problems.append(f"terminal output: {match.group()!r} near {raw[max(0, match.start() - 20):match.end() + 20]!r}")
    update = app.screen._compositor.render_full_update()
    for y, line in enumerate(update.strips):
        for strip in line:
            problems += _segment_problems(list(strip), f"screen line {y}")
    return problems


def _renderable_problems(content, where: str) -> list[str]:  # noqa: ANN001
    """Every string and style a widget's content holds (all of it, not only the lines on screen):
    the segments Rich makes are these texts with these styles."""
    if isinstance(content, str):
        return [f"{where}: control character in a plain string"] if CONTROL.search(
            content.replace("\n", "").replace("\t", "")) else []
    if isinstance(content, Text):
        problems = _renderable_problems(content.plain, where)
        styles = [content.style, *(span.style for span in content.spans)]
        for style in styles:
            if isinstance(style, str):
                style = Style.parse(style) if style else None
            if style is not None:
                problems += _segment_problems([Segment("", style)], where)
        return problems
    if isinstance(content, Table):
        problems = []
        for column in content.columns:
            for cell in column._cells:
                problems += _renderable_problems(cell, where)
        return problems
    return [f"{where}: unexpected content {type(content).__name__}"]


BODY_PARTS = ("source", "body", "links")  # the parts of the reader's MessageBodyView


def _content(app, part: str):  # noqa: ANN001, ANN202
    """A Static's content by id, or one of BODY_PARTS of the reader's message body (all of it)."""
    if part in BODY_PARTS:
        from po6_tui.ui.kit.message_body import MessageBodyView

        return getattr(app.screen.query_one(MessageBodyView), part)
    return app.screen.query_one(f"#{part}").content


def content_problems(app, widget_ids: tuple[str, ...]) -> list[str]:  # noqa: ANN001
    """The whole content of the given widgets (Static ids or BODY_PARTS) of the screen in front."""
    problems = []
    for widget_id in widget_ids:
        problems += _renderable_problems(_content(app, widget_id), f"#{widget_id}")
    return problems


def widget_text(app, widget_id: str) -> str:  # noqa: ANN001
    content = _content(app, widget_id)
    if isinstance(content, str):
        return content
    console = Console(width=app.size.width, file=StringIO(), color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(content)
    return capture.get()


@dataclass
class Opened:
    """How long opening a message took, in milliseconds: from Enter to the first screen update
    written after the reader showed the body, and the part of it after the server's reply
    (fetching the body, converting, laying out and painting it: the app's own work)."""

    total_ms: float
    after_reply_ms: float


async def open_message(pilot, email_id: str) -> Opened:  # noqa: ANN001
    """Put the list cursor on the message, press Enter, and wait until its body is on screen.
    The times are measured inside the app, so the test harness's own waiting does not count."""
    from po6_tui.api.po6 import Po6Client
    from po6_tui.ui.mail.reader import ReaderScreen

    app = pilot.app
    messages = await wait_list(pilot)
    index = next((i for i in range(min(messages.total or 0, 200)) if (row := messages.row(i)) and row.id == email_id),
                 None)
    assert index is not None, f"{email_id} is not in the first rows of the list"
    messages.cursor = index
    await pilot.pause()
    replied: list[float] = []
    shown: list[float] = []
    painted: list[float] = []
    get_email, show, display = Po6Client.get_email, ReaderScreen.show_message, app._display

    async def timed_get_email(client, *args, **kwargs):  # noqa: ANN001, ANN202
        email = await get_email(client, *args, **kwargs)
        if email.id == email_id and not replied:
            replied.append(time.perf_counter())
        return email

    def timed_show(screen, body):  # noqa: ANN001, ANN202
        show(screen, body)
        if screen.email is not None and screen.email.id == email_id:
            shown.append(time.perf_counter())

    def timed_display(screen, renderable):  # noqa: ANN001, ANN202
        display(screen, renderable)
        if shown and not painted:
            painted.append(time.perf_counter())

    Po6Client.get_email = timed_get_email
    ReaderScreen.show_message = timed_show
    app._display = timed_display
    try:
        started = time.perf_counter()
        await pilot.press("enter")
        while not painted:
            if time.perf_counter() - started > 30:
                raise AssertionError(f"{email_id} did not open within 30 s")
            await pilot.pause(0.005)
    finally:
        Po6Client.get_email = get_email
        ReaderScreen.show_message = show
        del app._display
    await pilot.pause()
    reply = replied[0] if replied else started  # prefetched: no request on the way
    return Opened((painted[0] - started) * 1000, (painted[0] - reply) * 1000)


__all__ = ["ADDRESS", "Delivered", "Opened", "content_problems", "deliver_corpus", "open_message", "screen_problems",
           "screen_text", "start_sandbox", "terminal_output", "wait_for", "widget_text"]
