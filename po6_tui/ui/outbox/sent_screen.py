"""`:sent`: what a mailbox sent, newest first, with delivery status and who sent it (the web
dashboard, an agent through MCP, or the API). Failures and bounces stand out; `v` filters by
who sent, `b` shows only the problems, `/` by words (recipient, subject, mailbox), `<`/`>` (or
the Mailbox selector) change mailbox; "All mailboxes" merges every mailbox's newest sends, with a
Mailbox column. Enter opens one in full (sent_message.py)."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Label, Select, Static

from po6_tui.api.models import SentEmail
from po6_tui.journal import Journal
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui.ui.kit.table import VimTable
from po6_tui.ui.outbox.sent_message import SentMessageScreen

PAGE = 100
ALL = "*"  # the Mailbox selector's "All mailboxes"
AT_ONCE = 8  # mailboxes asked at the same time for "All mailboxes"
SENDER_KINDS = ("", "mcp", "web", "api")  # "" = everyone; cycled by `v`
KIND_NAMES = {"mcp": "agent (MCP)", "web": "web", "api": "API"}
PROBLEMS = ("bounced", "failed")
STATUS_STYLES = {"bounced": "bold red", "failed": "bold red", "queued": "yellow", "delivered": "green", "sent": ""}


class SentScreen(AppScreen):
    VIEW = "sent"
    HELP_GROUP = "Sent"
    AUTO_FOCUS = "#sent"

    BINDINGS = [
        Binding("v", "cycle_kind", "Sent by", id="sent.kind"),
        Binding("b", "toggle_problems", "Problems only", id="sent.problems"),
        Binding("slash", "filter", "Filter", id="sent.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="sent.clear_filter"),
        Binding("greater_than_sign", "mailbox(1)", "Next mailbox", id="sent.next_mailbox"),
        Binding("less_than_sign", "mailbox(-1)", "Prev mailbox", show=False, id="sent.previous_mailbox"),
        Binding("plus", "more", "More", show=False, id="sent.more"),
        Binding("R", "refresh", "Refresh", show=False, id="sent.refresh"),
    ]

    DEFAULT_CSS = """
    SentScreen #sent-top { height: 3; }
    SentScreen #sent-top Label { padding: 1 1; text-style: bold; width: auto; }
    SentScreen #mailbox { width: 50; }
    SentScreen #sent-header { height: 1; background: $boost; padding: 0 1; }
    SentScreen #sent { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.session: AccountSession | None = None
        self.mailbox_id: str | None = None
        self.emails: list[SentEmail] = []
        self.total = 0
        self.kind = ""
        self.problems_only = False
        self.words: list[str] = []  # the `/` filter
        self.mailbox_of: dict[str, str] = {}  # sent id → mailbox id (All mailboxes)
        self._wanted: str | None = None  # the mailbox to show once the list of mailboxes is in

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="sent-top"):
            yield Label("Mailbox")
            yield Select([], id="mailbox", allow_blank=True, prompt="Loading mailboxes…")
        yield Static("", id="sent-header")
        yield VimTable(id="sent", zebra_stripes=False)

    def on_mount(self) -> None:
        session = self.app.active if self.app.active.provider == "po6" else (self.app.mail_accounts or [None])[0]
        if session is None:
            self.report("No PO6 account is set up (po6-tui login).", "warning")
            return
        self._open_session(session)

    def show_mailbox(self, session: AccountSession, mailbox_id: str) -> None:
        """That mailbox's sent log (the fleet's `l`)."""
        if session is not self.session or self.mailbox_id is None:  # its mailboxes are on their way
            self._wanted = mailbox_id
            if session is not self.session:
                self._open_session(session)
        elif mailbox_id != self.mailbox_id and session.mailbox(mailbox_id) is not None:
            self.query_one("#mailbox", Select).value = mailbox_id

    def _open_session(self, session: AccountSession) -> None:
        self.session = session

        async def mailboxes() -> AccountSession:
            client = await session.po6_client()
            if not session.mailboxes:
                session.mailboxes = list(await client.list_mailboxes())
            return session

        run_io(self, mailboxes, what="Loading mailboxes", done=self._mailboxes_loaded, group="sent-mailboxes",
               exclusive=True)

    def _mailboxes_loaded(self, session: AccountSession) -> None:
        if session is not self.session:
            return  # another account was asked for meanwhile
        select = self.query_one("#mailbox", Select)
        select.set_options([(Text("All mailboxes"), ALL)]
                           + [(safe.text(m.address or m.id, max_len=60), m.id) for m in session.mailboxes])
        ids = [m.id for m in session.mailboxes]
        wanted, self._wanted = self._wanted, None
        if ids:
            select.value = wanted if wanted in ids else ids[0]

    @on(Select.Changed, "#mailbox")
    def _mailbox_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.mailbox_id = event.value
            self.load()

    def load(self, *, more: bool = False) -> None:
        session, mailbox_id = self.session, self.mailbox_id
        if session is None or mailbox_id is None:
            return
        if mailbox_id == ALL:
            self._load_all(session)
            return
        offset = len(self.emails) if more else 0

        async def fetch():  # noqa: ANN202
            client = await session.po6_client()
            return await client.list_sent_emails(mailbox_id=mailbox_id, limit=PAGE, offset=offset)

        def done(page) -> None:  # noqa: ANN001
            if mailbox_id != self.mailbox_id:
                return  # the operator has moved on to another mailbox
            self.emails = (self.emails if more else []) + list(page.emails)
            self.total = page.total
            self.mailbox_of = {e.id: mailbox_id for e in self.emails}
            self._fill()

        run_io(self, fetch, what="Loading sent mail", done=done, group="sent-load", exclusive=True)

    def _load_all(self, session: AccountSession) -> None:
        """Every mailbox's newest sends, merged newest first. One mailbox that fails fails the
        whole view: a merged log with a hole in it would look complete."""
        mailbox_ids = [m.id for m in session.mailboxes]

        async def fetch():  # noqa: ANN202
            client = await session.po6_client()
            gate = asyncio.Semaphore(AT_ONCE)

            async def one(mailbox_id: str):  # noqa: ANN202
                async with gate:
                    return mailbox_id, await client.list_sent_emails(mailbox_id=mailbox_id, limit=PAGE)

            return await asyncio.gather(*(one(m) for m in mailbox_ids))

        def done(pages) -> None:  # noqa: ANN001
            if self.mailbox_id != ALL:
                return
            self.mailbox_of = {e.id: mailbox_id for mailbox_id, page in pages for e in page.emails}
            merged = [e for _mailbox_id, page in pages for e in page.emails]
            self.emails = sorted(merged, key=lambda e: (e.sent_at is not None, e.sent_at), reverse=True)
            self.total = sum(page.total for _mailbox_id, page in pages)
            self._fill()

        run_io(self, fetch, what="Loading every mailbox's sent mail", done=done, group="sent-load", exclusive=True)

    def _visible(self) -> list[SentEmail]:
        return [e for e in self.emails
                if (not self.kind or (e.sent_via or "") == self.kind)
                and (not self.problems_only or (e.delivery_status or "") in PROBLEMS)
                and all(word in self._haystack(e) for word in self.words)]

    def _haystack(self, email: SentEmail) -> str:
        return " ".join([*email.to_addresses, *email.cc_addresses, email.subject or "",
                         self._mailbox_address(email)]).casefold()

    def _mailbox_address(self, email: SentEmail) -> str:
        mailbox_id = self.mailbox_of.get(email.id, self.mailbox_id or "")
        mailbox = self.session.mailbox(mailbox_id) if self.session is not None else None
        return mailbox.address if mailbox is not None and mailbox.address else mailbox_id

    def _fill(self) -> None:
        table = self.query_one("#sent", DataTable)
        table.clear(columns=True)
        width = self.size.width or 80
        # Narrow terminals give the subject the room; Enter opens a sent message whole.
        to_w = 30 if width >= 110 else (20 if width >= 100 else 16)
        every = self.mailbox_id == ALL
        mailbox_w = (16 if width >= 100 else 12) if every else 0
        # All mailboxes in a narrow terminal: the mailbox takes the place of "Sent by" (v still
        # filters by it, and Enter shows it), so the subject stays readable.
        sender_w = 0 if every and width < 100 else 12
        subject_w = max(10, width - (timefmt.SHORT_WIDTH + 10 + to_w) - 4 * 2 - 2
                        - (sender_w + 2 if sender_w else 0) - (mailbox_w + 2 if every else 0))
        table.add_column("Sent", width=timefmt.SHORT_WIDTH)
        if every:
            table.add_column("Mailbox", width=mailbox_w)
        table.add_column("Status", width=10)
        if sender_w:
            table.add_column("Sent by", width=sender_w)
        table.add_column("To", width=to_w)
        table.add_column("Subject", width=subject_w)
        visible = self._visible()
        ours = self._ours()
        for email in visible:
            status = email.delivery_status or "?"
            problem = status in PROBLEMS
            subject = safe.text(email.subject or "(no subject)", max_len=300, style="bold red" if problem else "")
            subject.truncate(subject_w, overflow="ellipsis")
            to = safe.text(", ".join(email.to_addresses), max_len=300)
            to.truncate(to_w, overflow="ellipsis")
            mailbox = safe.text(self._mailbox_address(email).split("@")[0], max_len=60)  # its domain is ours
            mailbox.truncate(mailbox_w, overflow="ellipsis")
            table.add_row(Text(timefmt.short(email.sent_at)), *([mailbox] if every else []),
                          Text(("⚠ " if problem else "") + safe.one_line(status, 12), style=STATUS_STYLES.get(status, "")),
                          *([self._sender_cell(email, ours)] if sender_w else []),
                          to, subject, key=email.id)
        header = Text(f"{len(visible)} shown", style="bold")
        header.append(f" of {self.total} sent" if self.total else "", style="bold")
        if every and len(self.emails) < self.total:
            header.append(f" (the newest {PAGE} of each mailbox)", style="dim")
        elif len(self.emails) < self.total:
            header.append(f" (newest {len(self.emails)} loaded; + loads more)", style="dim")
        if self.words:
            header.append("  matching: ", style="dim")
            header.append_text(safe.text(" ".join(self.words), max_len=60, style="bold"))
        header.append("  sent by: ", style="dim")
        header.append(KIND_NAMES.get(self.kind, "everyone"), style="bold")
        header.append(" (v)", style="dim")
        mine = sum(e.id in ours for e in visible)
        if mine:
            header.append(f"  you: {mine} sent or approved (✓) from po6-tui", style="bold cyan")
        problems = sum((e.delivery_status or "") in PROBLEMS for e in self.emails)
        if problems:
            header.append(f"  ⚠ {problems} bounced or failed", style="bold red")
        if self.problems_only:
            header.append("  showing problems only (b)", style="bold")
        self.query_one("#sent-header", Static).update(header)

    def _ours(self) -> dict[str, str]:
        """The sends made from this app (the journal): the operator's, not the agents'."""
        session = self.session
        return Journal.default().sends(session.name) if session is not None else {}

    @staticmethod
    def _sender_cell(email: SentEmail, ours: dict[str, str]) -> Text:
        if email.id in ours:  # approved or written by the operator here, whatever channel carried it
            return Text("you ✓" if ours[email.id] == "approved" else "you", style="bold cyan")
        return Text(KIND_NAMES.get(email.sent_via or "", safe.one_line(email.sent_via or "?", 12)))

    @on(DataTable.RowSelected, "#sent")
    def _open_sent(self, event: DataTable.RowSelected) -> None:
        sent = next((e for e in self.emails if e.id == event.row_key.value), None)
        session = self.session
        mailbox_id = self.mailbox_of.get(sent.id) if sent is not None else None
        if sent is None or session is None or mailbox_id is None:
            return
        mailbox = session.mailbox(mailbox_id)
        self.app.push_screen(SentMessageScreen(session, mailbox_id, mailbox.address if mailbox else mailbox_id, sent))

    def on_resize(self) -> None:
        if self.emails:
            self._fill()

    def action_cycle_kind(self) -> None:
        self.kind = SENDER_KINDS[(SENDER_KINDS.index(self.kind) + 1) % len(SENDER_KINDS)]
        self._fill()
        self.report(f"Sent by: {KIND_NAMES.get(self.kind, 'everyone')}")

    def action_toggle_problems(self) -> None:
        self.problems_only = not self.problems_only
        self._fill()

    def action_filter(self) -> None:
        def entered(line: str | None) -> None:
            if line is not None:
                self.words = [word.casefold() for word in line.split()]
                self._fill()
                self.report(f"{len(self._visible())} of {len(self.emails)} match; Esc clears the filter."
                            if self.words else "Filter cleared.")

        self.app.push_screen(PromptScreen("/", initial=" ".join(self.words), history="sent-filter"), entered)

    def action_clear_filter(self) -> None:
        if self.words:
            self.words = []
            self._fill()
            self.report("Filter cleared.")

    def action_mailbox(self, step: int) -> None:
        if self.session is None or not self.session.mailboxes:
            return
        ids = [ALL] + [m.id for m in self.session.mailboxes]
        index = ids.index(self.mailbox_id) if self.mailbox_id in ids else -1
        self.query_one("#mailbox", Select).value = ids[(index + step) % len(ids)]

    def action_more(self) -> None:
        if len(self.emails) < self.total:
            self.load(more=True)

    def action_refresh(self) -> None:
        self.load()
        self.report("Refreshing…")
