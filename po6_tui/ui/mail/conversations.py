"""`T`: the folder grouped by conversation, one row per conversation, newest first.

A folder can hold a million messages, and PO6 has no thread index: the grouping is made from the
newest `SCANNED` messages only (five pages), and the header says so when the folder holds more.
Messages belong together as in the conversation view (`c`, conversation.py): the same subject
without its "Re:"/"Fwd:" prefixes, and at least one person in common besides the mailbox itself.
Enter opens a conversation whole (`c` on its newest message, with the Sent folder and the sent
log); q, Esc or T go back to the plain list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from po6_tui.api.models import EmailSummary
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.table import Column, VimTable
from po6_tui.ui.mail.conversation import ConversationScreen, bare, topic
from po6_tui.ui.shell.app_screen import PushedScreen

PAGE = 100
SCANNED = 500  # the newest messages grouped: five requests, whatever the folder's size


@dataclass
class Group:
    """One conversation: its messages newest first (as the folder lists them)."""

    topic: str
    people: set[str]
    emails: list[EmailSummary] = field(default_factory=list)

    @property
    def newest(self) -> EmailSummary:
        return self.emails[0]

    @property
    def unread(self) -> int:
        return sum(not e.is_read for e in self.emails)


def group(emails: list[EmailSummary], own: str) -> list[Group]:
    """`emails` (newest first) as conversations, the one with the newest message first."""
    own = bare(own)
    groups: list[Group] = []
    by_topic: dict[str, list[Group]] = {}
    for email in emails:
        people = {bare(a) for a in [email.from_, *email.to]} - {own, ""}
        wanted = topic(email.subject)
        found = next((g for g in by_topic.get(wanted, []) if g.people & people), None)
        if found is None:
            found = Group(wanted, set())
            by_topic.setdefault(wanted, []).append(found)
            groups.append(found)
        found.people |= people
        found.emails.append(email)
    return groups


class ConversationsScreen(PushedScreen):
    VIEW = "mail"
    HELP_GROUP = "Conversations"
    AUTO_FOCUS = "#conversations"

    BINDINGS = [Binding("q,escape,T", "close", "Back to the list", id="conversations.back")]

    COLUMNS = (Column("when", "Latest", give=0), Column("count", "#", give=0),
               Column("people", "With", give=2, least=12), Column("subject", "Subject", give=1, least=20))

    def __init__(self, session: AccountSession, mailbox_id: str, folder: str) -> None:
        super().__init__()
        self.session = session
        self.mailbox_id = mailbox_id
        self.folder = folder
        self.groups: list[Group] | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Grouping the folder by conversation…", style="dim"), id="conversations-title",
                         classes="view-title")
            yield VimTable(self.COLUMNS, id="conversations")

    @property
    def table(self) -> VimTable:
        return self.query_one("#conversations", VimTable)

    def on_mount(self) -> None:
        mailbox = self.session.mailbox(self.mailbox_id)
        own = mailbox.address if mailbox else ""

        async def load() -> tuple[list[Group], int, int]:
            client = await self.session.po6_client()
            emails: list[EmailSummary] = []
            total = 0
            while len(emails) < SCANNED:
                page = await client.list_emails(self.mailbox_id, self.folder, limit=PAGE, offset=len(emails))
                emails.extend(page.emails)
                total = page.total
                if not page.emails or not page.has_more:
                    break
            return group(emails, own), len(emails), total

        run_io(self, load, what="Grouping the folder by conversation", done=self._show)

    def _show(self, result: tuple[list[Group], int, int]) -> None:
        groups, scanned, total = result
        self.groups = groups
        title = Text(f"{self.folder}: {len(groups)} conversation{'s' if len(groups) != 1 else ''}", style="bold")
        if scanned < total:
            title.append(f" in the newest {scanned:,} of {total:,} messages", style="dim")
        title.append("   Enter reads one whole · T back to the list", style="dim")
        self.query_one("#conversations-title", Static).update(title)
        self.table.fill((str(number), self._cells(g)) for number, g in enumerate(groups))

    @staticmethod
    def _cells(conversation: Group) -> list[Text]:
        newest = conversation.newest
        count = Text(str(len(conversation.emails)), style="bold" if conversation.unread else "dim")
        people = safe.text(", ".join(sorted(conversation.people)) or newest.from_, max_len=200)
        subject = safe.text(newest.subject or "(no subject)", max_len=200, style="bold" if conversation.unread else "")
        return [Text(timefmt.short(newest.date), style="dim"), count, people, subject]

    @on(DataTable.RowSelected, "#conversations")
    def _open(self, event: DataTable.RowSelected) -> None:
        if self.groups is None or event.row_key.value is None:
            return
        conversation = self.groups[int(event.row_key.value)]
        self.app.push_screen(ConversationScreen(conversation.newest, self.session, self.mailbox_id))
