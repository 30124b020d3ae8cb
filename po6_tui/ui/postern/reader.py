"""Reading Postern mail: one message (the reader) and one thread (its messages, oldest first).

The body goes through the same gate as PO6 mail (`safe.message_body`: plain text when there is
one, HTML converted with every link listed with its real target). Postern marks a message read
when it is fetched, so the list is told to show it read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.containers import VerticalScroll
from textual.widgets import Static

from po6_tui.api import postern_models as pm
from po6_tui.api.postern import PosternClient
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.debounce import Debounced
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.core.host import report
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.reader import READER_KEYS, Headers, Reading, attachments, no_content_note, sender_line
from po6_tui.ui.postern.tables import MESSAGES, PagedTable

Reply = Callable[[pm.MessageSummary], Any]     # open the reply form for a message
Changed = Callable[[pm.MessageSummary], Any]   # a message changed (now read)


def message_headers(message: pm.Message) -> Headers:
    return Headers(sender_line(message.from_name, message.from_), message.subject,
                   [("To", ", ".join(message.to)), ("Cc", ", ".join(message.cc)),
                    ("Reply-To", message.reply_to or ""), ("Date", timefmt.full(message.received_at)),
                    ("Inbox", message.inbox or ""), ("Direction", message.direction or "")],
                   message.headers, attachments(message.attachments), no_content_note("Postern"))


async def fetch_message(client: PosternClient, message_id: str, *, prefer_html: bool) -> tuple[pm.Message, safe.Body]:
    """A message and its body made safe (this marks it read on Postern)."""
    message = await client.get_message(message_id)
    # html2text can take a while on a big newsletter: keep it off the UI thread.
    body = await asyncio.to_thread(safe.message_body, message.text, message.html, prefer_html=prefer_html)
    return message, body


def open_reader(screen: Screen, client: PosternClient, summary: pm.MessageSummary, *, reply: Reply,
                changed: Changed) -> None:
    """Open a message. Postern marks a message read when it is fetched: in read-only mode, where
    nothing on a server may change, an unread one is opened only after the operator says so."""

    def show() -> None:
        screen.app.push_screen(PosternReaderScreen(client, summary, reply=reply, changed=changed))

    if not (client.read_only and summary.unread):
        show()
        return
    question = Question(title="Open this unread message?", confirm_label="Open it", danger=False,
                        details="Postern marks a message read when it is opened, and read-only mode changes "
                                "nothing on the server. Opening it changes only that: it shows as read.")
    confirm_then(screen, question, on_yes=show,
                 on_no=lambda: report(screen, "Not opened: the message stays unread on Postern."))


class PosternReaderScreen(Reading, AppScreen):
    VIEW = "postern"
    HELP_GROUP = "Postern reader"
    AUTO_FOCUS = "#scroll"

    BINDINGS = [
        *READER_KEYS,
        Binding("r", "reply", "Reply", id="postern.reader.reply"),
    ]
    WRITE_ACTIONS = frozenset({"reply"})

    def __init__(self, client: PosternClient, summary: pm.MessageSummary, *, reply: Reply, changed: Changed) -> None:
        super().__init__()
        self.client = client
        self.summary = summary
        self.message: pm.Message | None = None
        self._reply = reply
        self._changed = changed

    def loading_subject(self) -> str:
        return self.summary.subject

    def message_headers(self) -> Headers | None:
        return message_headers(self.message) if self.message is not None else None

    def message_versions(self) -> tuple[str | None, str | None] | None:
        return (self.message.text, self.message.html) if self.message is not None else None

    def on_mount(self) -> None:
        summary, prefer_html = self.summary, self.prefer_html

        def done(result: tuple[pm.Message, safe.Body]) -> None:
            message, body = result
            self.message = message
            self.show_message(body)
            if summary.unread:  # fetching it marked it read on the server
                self._changed(summary.model_copy(update={"unread": False}))

        run_io(self, lambda: fetch_message(self.client, summary.id, prefer_html=prefer_html), what="Opening the message",
               done=done, group="reader", exclusive=True)

    # -- keys ------------------------------------------------------------------------------
    def action_reply(self) -> None:
        self._reply(self.summary)


class PosternThreadScreen(AppScreen):
    """A thread as one conversation: its messages oldest first, each on a line, the one under the
    cursor read below (as the PO6 conversation view, `c`). Postern marks a message read when it
    is fetched, so an unread one is not read in passing: its snippet is shown, and Enter opens
    it (asking first in read-only mode). r replies to the one under the cursor."""

    VIEW = "postern"
    HELP_GROUP = "Postern thread"
    AUTO_FOCUS = "#thread-messages"

    BINDINGS = [
        Binding("q,escape", "close", "Back", id="postern.thread.back"),
        Binding("r", "reply", "Reply", id="postern.thread.reply"),
    ]
    WRITE_ACTIONS = frozenset({"reply"})

    DEFAULT_CSS = """
    PosternThreadScreen #thread-header { height: auto; padding: 0 1; background: $boost; }
    PosternThreadScreen #thread-messages { height: auto; max-height: 45%; }
    PosternThreadScreen #thread-body { height: 1fr; padding: 0 1; border-top: solid $panel-lighten-1; }
    """

    def __init__(self, client: PosternClient, thread: pm.Thread, *, reply: Reply, changed: Changed) -> None:
        super().__init__()
        self.client = client
        self.thread = thread
        self._reply = reply
        self._changed = changed
        self._read_later = Debounced(self)

    def compose_body(self) -> ComposeResult:
        yield Static(self._header(self.thread), id="thread-header")
        yield PagedTable(MESSAGES, id="thread-messages")
        with VerticalScroll(id="thread-body"):
            yield Static(Text("Reading the thread…", style="dim"), id="thread-text")

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
        open_reader(self, self.client, event.item, reply=self._reply, changed=self.changed)

    @on(PagedTable.Highlighted)
    def _highlighted(self, event: PagedTable.Highlighted) -> None:
        summary = event.item
        if summary is None:
            return
        shown = self.query_one("#thread-text", Static)
        if summary.unread:  # fetching it would mark it read: not in passing
            text = Text(f"From {safe.one_line(summary.from_, 200)}  ·  {timefmt.full(summary.received_at)}\n\n",
                        style="dim")
            text.append_text(safe.text(summary.snippet or "", single_line=False, max_len=2_000))
            text.append("\n\nUnread: Enter opens it, and Postern marks it read.", style="bold")
            shown.update(text)
            return
        self._read_later(lambda: self._read(summary))

    def _read(self, summary: pm.MessageSummary) -> None:
        def done(result: tuple[pm.Message, safe.Body]) -> None:
            message, body = result
            current = self.table.current
            if current is None or current.id != message.id:
                return  # the cursor moved on meanwhile
            text = Text(f"From {safe.one_line(message.from_, 200)}  ·  {timefmt.full(message.received_at)}\n\n",
                        style="dim")
            text.append_text(body.text)
            self.query_one("#thread-text", Static).update(text)
            self.query_one("#thread-body", VerticalScroll).scroll_home(animate=False)

        run_io(self, lambda: fetch_message(self.client, summary.id, prefer_html=False), what="Reading the message",
               done=done, group="thread-read", exclusive=True)

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
