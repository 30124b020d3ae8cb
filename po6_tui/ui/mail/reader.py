"""The reader: one message's headers, body (plain text, or HTML converted with its links listed
with their real targets), and attachments. Long bodies scroll. J/K read the next/previous.

Opening marks the message read when the settings say so (PO6's get_email does not), except in
read-only mode; the message shows first and is marked right after. While a message is read, the
next one in the list is fetched (and converted) ahead, so J shows it without a round trip.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from textual.binding import Binding

from po6_tui.api.errors import ApiError
from po6_tui.api.models import Email, EmailSummary
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.mail.actions import MessageActionsScreen
from po6_tui.ui.mail.message_list import MessageList
from po6_tui.ui.mail.undo import MoveRecord
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.message_body import MessageBodyView
from po6_tui.ui.kit.reader import READER_KEYS, Headers, Reading, attachments, no_content_note, sender_line


class MessageSource(Protocol):
    """What the reader asks of the list it was opened from (the mail screen): the reader never
    imports that screen, so the two do not import each other."""

    message_list: MessageList
    last_move: MoveRecord | None  # what `u` takes back, for the list and its readers alike

    def step(self, delta: int) -> EmailSummary | None: ...

    def session_for(self, summary: EmailSummary) -> AccountSession: ...

    def mailbox_id_for(self, summary: EmailSummary) -> str: ...

    def messages_changed(self, updated: list[EmailSummary]) -> None: ...

    def messages_moved(self, moved: list[EmailSummary]) -> None: ...

    def messages_deleted(self, ids: list[str]) -> None: ...

    def messages_restored(self, restored: list[EmailSummary]) -> None: ...

    def folder_for(self, summary: EmailSummary) -> str | None: ...

    def report(self, message: str, severity: str = "information") -> None: ...

Ready = tuple[Email, safe.Body]  # a fetched message and its body, ready to show
PREFETCH_KEEP = 3  # prefetched messages kept (J, then K back, then J again stays instant)

def email_headers(email: Email) -> Headers:
    return Headers(sender_line(email.from_name, email.from_), email.subject,
                   [("To", ", ".join(email.to)), ("Cc", ", ".join(email.cc)), ("Reply-To", email.reply_to or ""),
                    ("Date", timefmt.full(email.date)), ("Folder", email.folder or "")],
                   email.headers, attachments(email.attachments), no_content_note("PO6"))


class ReaderScreen(Reading, MessageActionsScreen):
    VIEW = "mail"
    HELP_GROUP = "Reader"
    AUTO_FOCUS = "#scroll"

    BINDINGS = [
        *READER_KEYS,
        Binding("J", "step(1)", "Next", id="reader.next"),
        Binding("K", "step(-1)", "Prev", id="reader.previous"),
    ]

    def __init__(self, summary: EmailSummary, mail: MessageSource) -> None:
        super().__init__()
        self.summary = summary
        self.mail = mail
        self.email: Email | None = None
        # Messages fetched ahead (by id and HTML preference), ready to show; oldest first.
        self._prefetched: dict[tuple[str, bool], Ready] = {}
        self._prefetching: set[str] = set()

    def loading_subject(self) -> str:
        return self.summary.subject

    def message_headers(self) -> Headers | None:
        return email_headers(self.email) if self.email is not None else None

    def message_versions(self) -> tuple[str | None, str | None] | None:
        return (self.email.body_text, self.email.body_html) if self.email is not None else None

    def on_mount(self) -> None:
        self._load()

    # -- loading ---------------------------------------------------------------------------
    def _fetcher(self, summary: EmailSummary, prefer_html: bool) -> Callable[[], Awaitable[Ready]]:
        session = self.session_for(summary)
        mailbox_id = self.mailbox_id_for(summary)

        async def fetch() -> Ready:
            client = await session.po6_client()
            email = await client.get_email(mailbox_id=mailbox_id, email_id=summary.id)
            # html2text can take a while on a big newsletter: keep it off the UI thread.
            body = await asyncio.to_thread(safe.message_body, email.body_text, email.body_html,
                                           prefer_html=prefer_html)
            return email, body

        return fetch

    def _load(self) -> None:
        summary, prefer_html = self.summary, self.prefer_html
        ready = self._prefetched.pop((summary.id, prefer_html), None)
        if ready is not None:
            self._display(summary, ready)
            return
        run_io(self, self._fetcher(summary, prefer_html), what="Opening the message",
               done=lambda ready: self._display(summary, ready), group="reader", exclusive=True)

    def _display(self, summary: EmailSummary, ready: Ready) -> None:
        if summary.id != self.summary.id:
            return  # the operator stepped on meanwhile
        email, body = ready
        self.email = email
        self.show_message(body)
        # Shown first, marked after: the operator does not wait for the second round trip.
        self._mark_read(summary)
        # The next message is fetched once this one is on screen: its reply and conversion
        # would otherwise compete with the first paint.
        self.call_after_refresh(self._prefetch_next)

    def _mark_read(self, summary: EmailSummary) -> None:
        if not self.app.mark_read_on_open or summary.is_read or self.app.read_only:
            return
        session = self.session_for(summary)
        mailbox_id = self.mailbox_id_for(summary)

        async def mark() -> None:
            client = await session.po6_client()
            await client.mark_email(mailbox_id=mailbox_id, email_id=summary.id, action="read")

        def done(_result: None) -> None:
            updated = summary.model_copy(update={"is_read": True})
            if self.summary.id == summary.id:
                self.summary = updated
                if self.email is not None and self.email.id == summary.id:
                    self.email = self.email.model_copy(update={"is_read": True})
            self.mail.messages_changed([updated])

        run_io(self, mark, what="Marking the message read", done=done, group="reader-mark")

    def _prefetch_next(self) -> None:
        """Fetch the message J would open while this one is read, so J shows it at once."""
        ml = self.mail.message_list
        upcoming = ml.row(ml.cursor + 1)
        prefer_html = self.prefer_html
        if upcoming is None or (upcoming.id, prefer_html) in self._prefetched or upcoming.id in self._prefetching:
            return
        self._prefetching.add(upcoming.id)
        fetch = self._fetcher(upcoming, prefer_html)

        async def quietly() -> Ready | None:
            try:
                return await fetch()
            except ApiError:
                return None  # only a guess: if the operator does open it, that load reports the error

        def done(ready: Ready | None) -> None:
            self._prefetching.discard(upcoming.id)
            if ready is not None:
                self._prefetched[(upcoming.id, prefer_html)] = ready
                while len(self._prefetched) > PREFETCH_KEEP:
                    self._prefetched.pop(next(iter(self._prefetched)))

        run_io(self, quietly, what="Prefetching the next message", done=done, group="reader-prefetch")

    # -- keys ------------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        summary = self.mail.step(delta)
        if summary is None:
            self.report("No " + ("next" if delta > 0 else "previous") + " message here.", "warning")
            return
        self._show_summary(summary)

    def action_next_unread(self) -> None:
        message_list = self.mail.message_list

        def settled(found: bool) -> None:
            if self not in self.app.screen_stack:
                return  # closed while the list looked further
            if found and message_list.current is not None:
                self._show_summary(message_list.current)
            elif not found:
                self.report("No unread message below this one.", "warning")

        if message_list.next_unread(settled) is None:
            self.report("Looking further down for an unread message…")

    def _show_summary(self, summary: EmailSummary) -> None:
        self.summary = summary
        self.email = None
        self.shown_body = None
        self.query_one(MessageBodyView).show_loading()
        self._load()


    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "marked":
            return False  # marks live in the list; the reader acts on its message
        return super().check_action(action, parameters)

    # -- message actions on the open message --------------------------------------------------
    def action_targets(self) -> list[EmailSummary]:
        return [self.summary]

    def session_for(self, summary: EmailSummary) -> AccountSession:
        return self.mail.session_for(summary)

    def mailbox_id_for(self, summary: EmailSummary) -> str:
        return self.mail.mailbox_id_for(summary)

    def messages_changed(self, updated: list[EmailSummary]) -> None:
        for summary in updated:
            if summary.id == self.summary.id:
                self.summary = summary
        self.mail.messages_changed(updated)

    def folder_for(self, summary: EmailSummary) -> str | None:
        return self.mail.folder_for(summary)

    def undo_owner(self):  # noqa: ANN201 (the list's screen: a MessageSource)
        return self.mail

    def report_result(self, message: str, severity: str = "information") -> None:
        self.mail.report(message, severity)  # the reader has closed: the list says how it went

    def messages_moved(self, moved: list[EmailSummary]) -> None:
        self.mail.messages_moved(moved)
        if any(m.id == self.summary.id for m in moved):
            self.dismiss()

    def messages_deleted(self, ids: list[str]) -> None:
        self.mail.messages_deleted(ids)
        if self.summary.id in ids:
            self.dismiss()

    def messages_restored(self, restored: list[EmailSummary]) -> None:
        for summary in restored:
            if summary.id == self.summary.id:
                self.summary = summary
        self.mail.messages_restored(restored)
