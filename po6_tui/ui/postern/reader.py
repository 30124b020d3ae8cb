"""Reading Postern mail: one message (the reader) and one thread (its messages, oldest first).

The body goes through the same gate as PO6 mail (`safe.message_body`: plain text when there is
one, HTML converted with every link listed with its real target). Postern marks a message read
when it is fetched, so the list is told to show it read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from po6_tui.api import postern_models as pm
from po6_tui.api.postern import PosternClient
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.message_body import READING_BINDINGS, BodyReading, MessageBodyView
from po6_tui.ui.postern.tables import MESSAGES, PagedTable

Reply = Callable[[pm.MessageSummary], Any]     # open the reply form for a message
Changed = Callable[[pm.MessageSummary], Any]   # a message changed (now read)


def headers_table(message: pm.Message, full: bool) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    sender = f"{message.from_name} <{message.from_}>" if message.from_name else message.from_
    rows = [("From", sender), ("To", ", ".join(message.to)), ("Cc", ", ".join(message.cc)),
            ("Reply-To", message.reply_to or ""), ("Date", timefmt.full(message.received_at)),
            ("Inbox", message.inbox or ""), ("Direction", message.direction or "")]
    for name, value in rows:
        if value:
            table.add_row(name, safe.text(value, max_len=1000))
    if full:
        for name, value in message.headers.items():
            table.add_row(safe.text(name, max_len=60, style="dim"), safe.text(value, max_len=1000, style="dim"))
    subject = safe.text(message.subject or "(no subject)", max_len=1000, style="bold")
    subject.no_wrap = False
    table.add_row("Subject", subject)
    return table


class PosternReaderScreen(BodyReading, AppScreen):
    VIEW = "postern"
    HELP_GROUP = "Postern reader"
    AUTO_FOCUS = "#scroll"

    BINDINGS = [
        Binding("q,escape", "close", "Back", id="postern.reader.back"),
        Binding("r", "reply", "Reply", id="postern.reader.reply"),
        *READING_BINDINGS,
        Binding("h", "toggle_headers", "All headers", show=False, id="postern.reader.headers"),
        Binding("v", "toggle_html", "HTML/text", id="postern.reader.html"),
    ]

    DEFAULT_CSS = """
    PosternReaderScreen #headers { height: auto; max-height: 45%; padding: 0 1; background: $boost;
                                   border-bottom: solid $panel-lighten-1; }
    """

    def __init__(self, client: PosternClient, summary: pm.MessageSummary, *, reply: Reply, changed: Changed) -> None:
        super().__init__()
        self.client = client
        self.summary = summary
        self.message: pm.Message | None = None
        self._reply = reply
        self._changed = changed
        self.full_headers = False
        self.prefer_html = False

    def compose_body(self) -> ComposeResult:
        yield Static(safe.text(self.summary.subject or "(no subject)", style="bold"), id="headers")
        yield MessageBodyView(id="scroll")

    def on_mount(self) -> None:
        summary, prefer_html = self.summary, self.prefer_html

        async def load() -> tuple[pm.Message, safe.Body]:
            message = await self.client.get_message(summary.id)
            # html2text can take a while on a big newsletter: keep it off the UI thread.
            body = await asyncio.to_thread(safe.message_body, message.text, message.html, prefer_html=prefer_html)
            return message, body

        def done(result: tuple[pm.Message, safe.Body]) -> None:
            message, body = result
            self.message = message
            self._show(message, body)
            if summary.unread:  # fetching it marked it read on the server
                self._changed(summary.model_copy(update={"unread": False}))

        run_io(self, load, what="Opening the message", done=done, group="reader", exclusive=True)

    def _show(self, message: pm.Message, body: safe.Body) -> None:
        self.query_one("#headers", Static).update(headers_table(message, self.full_headers))
        self.query_one(MessageBodyView).show(body, has_both=bool(message.text and message.html))

    # -- keys ------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()

    def action_reply(self) -> None:
        self._reply(self.summary)

    def action_toggle_headers(self) -> None:
        self.full_headers = not self.full_headers
        if self.message is not None:
            self.query_one("#headers", Static).update(headers_table(self.message, self.full_headers))

    def action_toggle_html(self) -> None:
        message = self.message
        if message is None or not (message.html and message.text):
            self.report("This message has only one version.", "warning")
            return
        self.prefer_html = not self.prefer_html
        prefer_html = self.prefer_html

        async def convert() -> safe.Body:
            return await asyncio.to_thread(safe.message_body, message.text, message.html, prefer_html=prefer_html)

        run_io(self, convert, what="Converting", done=lambda body: self._show(message, body), group="reader")


class PosternThreadScreen(AppScreen):
    """A thread's messages, oldest first: Enter reads one, r replies to it."""

    VIEW = "postern"
    HELP_GROUP = "Postern thread"
    AUTO_FOCUS = "#thread-messages"

    BINDINGS = [
        Binding("q,escape", "close", "Back", id="postern.thread.back"),
        Binding("r", "reply", "Reply", id="postern.thread.reply"),
    ]

    DEFAULT_CSS = """
    PosternThreadScreen #thread-header { height: auto; padding: 0 1; background: $boost; }
    """

    def __init__(self, client: PosternClient, thread: pm.Thread, *, reply: Reply, changed: Changed) -> None:
        super().__init__()
        self.client = client
        self.thread = thread
        self._reply = reply
        self._changed = changed

    def compose_body(self) -> ComposeResult:
        yield Static(self._header(self.thread), id="thread-header")
        yield PagedTable(MESSAGES, id="thread-messages")

    @property
    def table(self) -> PagedTable:
        return self.query_one("#thread-messages", PagedTable)

    def _header(self, thread: pm.Thread) -> Text:
        header = safe.text(thread.subject or "(no subject)", max_len=300, style="bold")
        header.append(f"   {thread.message_count} message{'s' if thread.message_count != 1 else ''}", style="dim")
        if thread.participants:
            header.append("\n")
            header.append_text(safe.text(", ".join(thread.participants), max_len=500, style="dim"))
        return header

    def on_mount(self) -> None:
        thread_id = self.thread.id

        async def fetch(_cursor: str | None) -> pm.Page:
            detail = await self.client.get_thread(thread_id)
            self.thread = detail
            self.query_one("#thread-header", Static).update(self._header(detail))
            messages = sorted(detail.messages, key=lambda m: m.received_at.timestamp() if m.received_at else 0)
            return pm.Page[pm.MessageSummary](data=messages)

        self.table.load(fetch)

    @on(PagedTable.Loaded)
    def _loaded(self, event: PagedTable.Loaded) -> None:
        if event.count:
            self.table.move_cursor(row=event.count - 1, animate=False)  # the newest, what one answers

    @on(PagedTable.Opened)
    def _opened(self, event: PagedTable.Opened) -> None:
        self.app.push_screen(PosternReaderScreen(self.client, event.item, reply=self._reply, changed=self.changed))

    def changed(self, message: pm.MessageSummary) -> None:
        self.table.replace_item(message)
        self._changed(message)

    def action_reply(self) -> None:
        if self.table.current is not None:
            self._reply(self.table.current)

    def action_close(self) -> None:
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()
