"""The one reader: what the PO6 reader (mail/reader.py) and the Postern reader
(postern/reader.py) share, so they look and answer keys alike.

- the headers grid: From goes through `safe.sender_text` (a look-alike or bidi-laden sender is
  flagged in words), every other value through `safe.text`; `h` shows every header;
- the body (`MessageBodyView`, the reading keys j/k, Space/b, g/G), and `v` switching between the
  text and the HTML version where a message has both (converted off the UI thread);
- q/Esc back; one set of binding ids (`reader.*`) for both.

A reader screen mixes `Reading` into its screen class and says what to show (`message_headers`,
`message_versions`); it keeps its own keys for what differs (J/K and mail actions in PO6, reply
in Postern) and its own loading.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.keymap import READER_BINDINGS
from po6_tui.ui.kit.links import LinksScreen
from po6_tui.ui.kit.message_body import READING_BINDINGS, BodyReading, MessageBodyView



# Every reader screen lists these first in its BINDINGS (Textual merges BINDINGS only from
# widget classes, not from a mixin such as `Reading`).
READER_KEYS = [READER_BINDINGS[0], *READING_BINDINGS, *READER_BINDINGS[1:]]


@dataclass(frozen=True)
class Attachment:
    filename: str | None
    content_type: str | None
    size: int | None


@dataclass(frozen=True)
class Headers:
    """A message's headers as the reader shows them (all untrusted server text)."""

    sender: str
    subject: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # To, Cc, Date …: shown when not empty
    all_headers: Mapping[str, str] = field(default_factory=dict)  # shown with h
    attachments: list[Attachment] = field(default_factory=list)
    # Said under the attachments when the API gives no way to fetch their content.
    attachments_note: str = ""


def no_content_note(service: str) -> str:
    return (f"{service} gives each attachment's name, type and size, not its content: "
            "nothing can be saved from here.")


def sender_line(name: str | None, address: str) -> str:
    """The sender as the mail names it (display name and address): what a phisher forges."""
    return f"{name} <{address}>" if name else address


def headers_table(headers: Headers, full: bool) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    if headers.sender:
        table.add_row("From", safe.sender_text(headers.sender))
    for name, value in headers.rows:
        if value:  # wrapped, not cut at the edge: a bounce's reason, a long list of recipients
            shown = safe.text(value, max_len=1000)
            shown.no_wrap = False
            table.add_row(name, shown)
    if full:
        for name, value in headers.all_headers.items():
            table.add_row(safe.text(name, max_len=60, style="dim"), safe.text(value, max_len=1000, style="dim"))
    subject = safe.text(headers.subject or "(no subject)", max_len=1000, style="bold")
    subject.no_wrap = False
    table.add_row("Subject", subject)
    if headers.attachments:
        listing = Text(end="")
        for number, attachment in enumerate(headers.attachments):
            if number:
                listing.append("\n")
            listing.append_text(safe.text(attachment.filename or "(unnamed)", max_len=200, style="bold"))
            listing.append("  ")
            listing.append_text(safe.text(attachment.content_type, max_len=80, style="dim"))
            listing.append(f"  {timefmt.size(attachment.size)}", style="dim")
        if headers.attachments_note:
            listing.append("\n" + headers.attachments_note, style="dim italic")
        table.add_row("Attached", listing)
    return table


def attachments(items: Iterable[object]) -> list[Attachment]:
    return [Attachment(getattr(a, "filename", None), getattr(a, "content_type", None), getattr(a, "size", None))
            for a in items]


class Reading(BodyReading):
    """The reader's shared part, mixed into a screen (PO6's and Postern's), whose BINDINGS start
    with READER_KEYS."""

    full_headers = False
    prefer_html = False
    shown_body: safe.Body | None = None  # what the body view shows (its links: `o`)

    # -- what a reader says ------------------------------------------------------------------
    def message_headers(self) -> Headers | None:
        """The headers of the message shown (None while it loads)."""
        raise NotImplementedError

    def message_versions(self) -> tuple[str | None, str | None] | None:
        """(text, html) of the message shown, None while it loads."""
        raise NotImplementedError

    def loading_subject(self) -> str:
        return ""

    # -- layout and showing ------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        # Styled in app.tcss (`.reader-headers`): a mixin's DEFAULT_CSS would not apply.
        yield Static(safe.text(self.loading_subject() or "(no subject)", style="bold"), id="headers",
                     classes="reader-headers")
        yield MessageBodyView(id="scroll")

    def show_message(self, body: safe.Body) -> None:
        self.shown_body = body
        headers, versions = self.message_headers(), self.message_versions()
        if headers is not None:
            self.query_one("#headers", Static).update(headers_table(headers, self.full_headers))
        text, html = versions or (None, None)
        self.query_one(MessageBodyView).show(body, has_both=bool(text and html))

    # -- keys ------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss()

    def action_back(self) -> None:
        self.dismiss()

    def action_toggle_headers(self) -> None:
        self.full_headers = not self.full_headers
        headers = self.message_headers()
        if headers is not None:
            self.query_one("#headers", Static).update(headers_table(headers, self.full_headers))

    def action_links(self) -> None:
        """o: the message's links with their real targets, to copy or open."""
        body = self.shown_body
        if body is None or not body.links:
            self.report("This message has no links." if body is not None else "The message is still loading.",
                        "warning")
            return
        self.app.push_screen(LinksScreen(body.links))

    def action_toggle_html(self) -> None:
        versions = self.message_versions()
        if versions is None or not (versions[0] and versions[1]):
            self.report("This message has only one version.", "warning")
            return
        self.prefer_html = not self.prefer_html
        text, html = versions
        prefer_html = self.prefer_html

        async def convert() -> safe.Body:
            # html2text can take a while on a big newsletter: keep it off the UI thread.
            return await asyncio.to_thread(safe.message_body, text, html, prefer_html=prefer_html)

        run_io(self, convert, what="Converting", done=self.show_message, group="reader")
