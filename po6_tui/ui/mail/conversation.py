"""`c`: the whole conversation of a message, oldest to newest, across folders and the sent log.

PO6 lists give neither Message-ID nor References, so what belongs together is decided by the
normalised subject ("Re: Fwd: Plans" is "plans") and the people: a message belongs when it
shares the topic and at least one correspondent other than the mailbox itself. The candidates
are the server's search for the topic in the mailbox (every folder) and the mailbox's sent log;
a send the sent log and the Sent folder both hold is shown once (the folder's copy has a body).

Each message is one line; the one under the cursor is shown below the list, read on demand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from po6_tui.api.models import EmailSummary, SentEmail
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.debounce import Debounced
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.table import VimTable
from po6_tui.ui.shell.app_screen import PushedScreen

_PREFIXES = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv|wg)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
SEARCHED = 100  # candidates read from the search and from the sent log
SAME_SEND = timedelta(minutes=2)  # a sent-log entry and its Sent-folder copy are this close


def topic(subject: str) -> str:
    """The subject without its reply and forward prefixes, for comparing ("plans")."""
    return " ".join(_PREFIXES.sub("", subject or "").split()).casefold()


def bare(address: str) -> str:
    address = address or ""
    return (address.rpartition("<")[2].rstrip(">") if "<" in address else address).strip().lower()


@dataclass(frozen=True)
class Entry:
    """One message of the conversation: from a folder (`email`), or only in the sent log (`sent`)."""

    when: datetime | None
    where: str  # "INBOX", "Sent", … or "sent log"
    sender: str
    subject: str
    email: EmailSummary | None = None
    sent: SentEmail | None = None


def gather(current: EmailSummary, own: str, found: list[EmailSummary], sent: list[SentEmail]) -> list[Entry]:
    """The conversation of `current` in a mailbox whose address is `own`, oldest first."""
    wanted = topic(current.subject)
    own = bare(own)
    people = {bare(current.from_), *(bare(a) for a in current.to)} - {own, ""}

    def belongs(subject: str, addresses: list[str]) -> bool:
        others = {bare(a) for a in addresses} - {own, ""}
        return topic(subject) == wanted and bool(others & people)

    entries: dict[str, Entry] = {}
    for email in [current, *found]:
        if email.id not in entries and belongs(email.subject, [email.from_, *email.to]):
            entries[email.id] = Entry(email.date, email.folder or "INBOX", email.from_, email.subject, email=email)
    in_sent_folder = [e for e in entries.values() if (e.where or "").casefold() == "sent" and e.when]
    for record in sent:
        if not belongs(record.subject, [*record.to_addresses, *record.cc_addresses]):
            continue
        copy = any(topic(e.subject) == topic(record.subject) and record.sent_at
                   and abs(e.when - record.sent_at) <= SAME_SEND for e in in_sent_folder)
        if not copy:
            entries[f"sent:{record.id}"] = Entry(record.sent_at, "sent log", own, record.subject, sent=record)
    return sorted(entries.values(), key=_oldest_first)


def _oldest_first(entry: Entry) -> tuple:
    # Servers date mail to the second: a reply and its original can share one. Then the one with
    # more "Re:"/"Fwd:" prefixes is the later, rather than whichever the search returned first.
    prefixes = _PREFIXES.match(entry.subject or "")
    depth = prefixes.group(0).count(":") if prefixes else 0
    return (entry.when is None, entry.when or datetime.min, depth)


class ConversationScreen(PushedScreen):
    VIEW = "mail"
    HELP_GROUP = "Conversation"
    AUTO_FOCUS = "#conversation"

    BINDINGS = [Binding("q,escape", "close", "Back", id="conversation.back")]

    DEFAULT_CSS = """
    ConversationScreen #conversation { height: auto; max-height: 45%; }
    ConversationScreen #conversation-body { height: 1fr; padding: 0 1; border-top: solid $panel-lighten-1; }
    """

    def __init__(self, current: EmailSummary, session: AccountSession, mailbox_id: str) -> None:
        super().__init__()
        self.current = current
        self.session = session
        self.mailbox_id = mailbox_id
        self.entries: list[Entry] | None = None
        self._read_later = Debounced(self)

    def compose_body(self) -> ComposeResult:
        with Vertical():
            title = Text("Conversation: ", style="bold")
            title.append_text(safe.text(_PREFIXES.sub("", self.current.subject or "").strip() or "(no subject)",
                                        max_len=120, style="bold"))
            yield Static(title, id="conversation-title", classes="view-title")
            yield VimTable((("when", "When"), ("where", "Where"), ("from", "From"), ("subject", "Subject")),
                           id="conversation")
            with VerticalScroll(id="conversation-body"):
                yield Static(Text("Reading the conversation…", style="dim"), id="conversation-text")

    @property
    def table(self) -> VimTable:
        return self.query_one("#conversation", VimTable)

    def on_mount(self) -> None:
        mailbox = self.session.mailbox(self.mailbox_id)
        own = mailbox.address if mailbox else ""

        async def load() -> list[Entry]:
            client = await self.session.po6_client()
            query = _PREFIXES.sub("", self.current.subject or "").strip() or self.current.subject
            found = await client.search_emails(query, mailbox_id=self.mailbox_id, limit=SEARCHED)
            sent = await client.list_sent_emails(self.mailbox_id, limit=SEARCHED)
            return gather(self.current, own, list(found.results), list(sent.emails))

        run_io(self, load, what="Reading the conversation", done=self._show)

    def _show(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.table.fill((str(number), [
            Text(timefmt.short(entry.when), style="dim"),
            Text(entry.where, style="dim"),
            safe.text(entry.sender, max_len=60),
            safe.text(entry.subject or "(no subject)", max_len=200),
        ]) for number, entry in enumerate(entries))
        where = next((n for n, e in enumerate(entries) if e.email is not None and e.email.id == self.current.id), 0)
        self.table.move_cursor(row=where, animate=False)
        self.report(f"{len(entries)} message{'s' if len(entries) != 1 else ''} in this conversation, oldest first.")
        self._read(where)

    @on(DataTable.RowHighlighted, "#conversation")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.entries is not None:
            self._read_later(lambda: self._read(event.cursor_row))

    def _read(self, row: int) -> None:
        if not self.entries or not 0 <= row < len(self.entries):
            return
        entry = self.entries[row]
        shown = self.query_one("#conversation-text", Static)
        if entry.email is None:  # only in the sent log: PO6 keeps no body there
            record = entry.sent
            assert record is not None
            text = Text(f"Sent {timefmt.full(record.sent_at)} to ", style="dim")
            text.append_text(safe.text(", ".join(record.to_addresses + record.cc_addresses), max_len=500))
            text.append(f"  ({record.delivery_status or 'status unknown'})\n", style="dim")
            text.append("The sent log keeps no body; its copy is not in the Sent folder.", style="dim italic")
            shown.update(text)
            return
        email = entry.email

        async def fetch():  # noqa: ANN202
            client = await self.session.po6_client()
            return await client.get_email(self.mailbox_id, email.id)

        def got(full) -> None:  # noqa: ANN001
            if self.entries is None or self.table.cursor_row != row:
                return  # the cursor moved on meanwhile
            text = Text(f"From {safe.one_line(full.from_, 200)}  ·  {timefmt.full(full.date)}\n\n", style="dim")
            body = full.body_text if (full.body_text or "").strip() else safe.html_to_text(full.body_html or "").body
            text.append_text(safe.text(body or "(no body)", single_line=False, max_len=200_000))
            shown.update(text)
            self.query_one("#conversation-body", VerticalScroll).scroll_home(animate=False)

        run_io(self, fetch, what="Reading the message", done=got, group="conversation-read", exclusive=True)
