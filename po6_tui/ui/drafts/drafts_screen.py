"""`:drafts`: the review queue of what agents want to send, across every mailbox.

Pending drafts come soonest expiry first with the time left (urgent under 6 hours); expired
ones are listed apart and cannot be approved. The preview shows the whole draft (or the
operator's edit of it), rendered through `safe`. y approves (sends), e edits inline, E edits in
$EDITOR, D diffs the edit against the agent's original, x rejects; Space marks several for one
decision. See `ui/drafts/decisions.py` for what approving does on servers without decision tools.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from po6_tui.journal import Journal
from po6_tui.risks import HIGH, LEVEL_NAMES, MEDIUM, Assessment, Known, Rules, assess
from po6_tui.ui.drafts import decisions as dd
from po6_tui.ui.outbox import outbound
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.drafts import context
from po6_tui.ui.drafts.watch import watcher
from po6_tui.ui.outbox import risk_facts
from po6_tui.ui.outbox.send_review import SendPage, SendReview, level_text, review_then, risks_text
from po6_tui.ui.core.host import host
from po6_tui.ui.core.outcome import Outcome, each
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui.ui.core.debounce import Debounced
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.table import VimTable
from po6_tui.ui.core.tasks import describe_error, run_io

URGENT_STYLE = "bold red"


def _cell(value: object, width: int, style: str = "") -> Text:
    text = safe.text(value, max_len=300, style=style)
    text.truncate(max(1, width), overflow="ellipsis")
    return text


def _subjects(items: list[dd.QueueItem], limit: int = 5) -> str:
    lines = [f"• {safe.one_line(i.current.subject or '(no subject)', 50)} → {safe.one_line(i.current.to_text, 30)}"
             f"  ({safe.one_line(i.mailbox_address, 30)})" for i in items[:limit]]
    if len(items) > limit:
        lines.append(f"… and {len(items) - limit} more")
    return "\n".join(lines)


def conversation_text(conversation: context.Conversation | None) -> Text:
    """The conversation a draft belongs to: the message it answers, in full, then earlier mail
    with the same people, newest first."""
    out = Text("Conversation\n", style="bold reverse")
    if conversation is None:
        out.append("Looking for the message this answers and earlier mail with these people…", style="dim")
        return out
    for problem in conversation.problems:
        out.append_text(safe.text(f"not found: {problem}", max_len=300, style="dim"))
        out.append("\n")
    if conversation.empty:
        out.append("Nothing related found: no message from these recipients with this subject, and no earlier "
                   "mail with them in this mailbox or its sent log.", style="dim")
        return out
    if conversation.answers is not None:
        email = conversation.answers
        out.append("This answers  ", style="bold")
        out.append_text(safe.text(email.from_, max_len=200))
        out.append(f"  {timefmt.full(email.date)}  ({safe.one_line(email.folder or '', 20)})\n", style="dim")
        out.append_text(safe.text(email.subject or "(no subject)", max_len=300, style="bold"))
        out.append("\n")
        out.append_text(safe.text(conversation.answered_text or email.snippet, single_line=False, max_len=20_000))
        out.append("\n")
    if conversation.earlier:
        out.append(f"\nEarlier with these people ({len(conversation.earlier)}, newest first)\n", style="bold")
        for entry in conversation.earlier:
            out.append("  ← " if entry.direction == "received" else "  → ", style="bold")
            out.append(f"{timefmt.short(entry.when):>8}  ", style="dim")
            out.append_text(safe.text(entry.who, max_len=40))
            out.append("  ")
            out.append_text(safe.text(entry.subject or "(no subject)", max_len=80))
            out.append("\n")
    return out


def draft_preview(item: dd.QueueItem, assessment: Assessment | None = None,
                  conversation: context.Conversation | None = None) -> Text:
    """The whole draft (or the operator's edit of it), its risks and its conversation, safe to show."""
    message = item.current
    draft = item.draft
    out = Text(end="")
    if item.edit is not None:
        out.append("✎ Your edit", style="bold reverse")
        out.append(f"  saved {item.edit.saved_at[11:16]} UTC · approving sends this · D shows the changes\n\n",
                   style="dim")
    rows = [("From", item.mailbox_address), ("To", message.to_text), ("Cc", message.cc_text),
            ("Subject", message.subject or "(no subject)")]
    for name, value in rows:
        if value:
            out.append(f"{name:<9}", style="bold")
            out.append_text(safe.text(value, max_len=2000))
            out.append("\n")
    left, urgent = dd.time_left(item)
    out.append(f"{'Expires':<9}", style="bold")
    out.append(f"{timefmt.full(draft.expires_at)}  ({left}{' left' if left != 'expired' else ''})\n",
               style=URGENT_STYLE if urgent else "")
    out.append(f"{'Created':<9}", style="bold")
    out.append(timefmt.full(draft.created_at))
    if draft.created_via:
        out.append("  by the agent via ")
        out.append_text(safe.text(draft.created_via, max_len=20))
    out.append("\n\n")
    if not item.expired():
        out.append_text(risks_text(assessment))
        out.append("\n\n")
    if item.edit is not None:
        out.append_text(safe.text(message.body or "(empty body)", single_line=False, max_len=safe.BODY_MAX))
    else:
        body = safe.message_body(draft.body_text, draft.body_html, number_links=False)
        out.append_text(body.text)
        if body.links:
            out.append("\n\nLinks\n", style="bold")
            out.append_text(safe.links_text(body.links))
    if item.expired():
        out.append("\n\nThis draft has expired: PO6 drops drafts not acted on within 72 hours, so it can no "
                   "longer be approved. m composes a new message if it still needs to go out.", style="bold")
        if item.edit is not None:
            out.append("\nYour edit is kept: m opens it as a new message to send, X discards it.", style="bold")
    else:
        out.append("\n\n")
        out.append_text(conversation_text(conversation))
    return out


class DraftsScreen(AppScreen):
    VIEW = "drafts"
    HELP_GROUP = "Drafts"
    AUTO_FOCUS = "#queue"

    BINDINGS = [
        Binding("tab", "switch_pane", "Pane", show=False, id="drafts.pane"),
        Binding("space", "mark", "Mark", show=False, id="drafts.mark"),
        Binding("escape", "clear_marks", "Clear marks", show=False, id="drafts.clear"),
        Binding("y", "approve", "Approve", id="drafts.approve"),
        Binding("e", "edit", "Edit", id="drafts.edit"),
        Binding("E", "edit_external", "$EDITOR", id="drafts.edit_external"),
        Binding("D", "diff", "Diff", id="drafts.diff"),
        Binding("x", "reject", "Reject", id="drafts.reject"),
        Binding("m", "compose", "Compose", show=False, id="drafts.compose"),
        Binding("X", "discard_edit", "Discard edit", show=False, id="drafts.discard_edit"),
        Binding("L", "mark_low_risk", "Mark low-risk", show=False, id="drafts.mark_low_risk"),
        Binding("o", "order", "Order", show=False, id="drafts.order"),
        Binding("f", "risk_filter", "Risk filter", show=False, id="drafts.risk_filter"),
        # Priority: in the queue, Ctrl+D/Ctrl+U scroll the draft being judged, not the list (PgDn/PgUp do).
        Binding("ctrl+d", "scroll_preview(1)", "Preview down", show=False, priority=True, id="drafts.preview_down"),
        Binding("ctrl+u", "scroll_preview(-1)", "Preview up", show=False, priority=True, id="drafts.preview_up"),
        Binding("R", "refresh", "Refresh", show=False, id="drafts.refresh"),
    ]
    WRITE_ACTIONS = frozenset({"approve", "reject", "compose"})

    @property
    def read_only(self) -> bool:
        """The queue holds every account's drafts: its keys go only when no account may write."""
        found = host(self)
        return found is not None and (found.read_only or all(s.account.read_only for s in found.mail_accounts))

    ORDERS = ("expiry", "risk")
    RISK_FILTERS = (0, MEDIUM, HIGH)  # show drafts at or above this level (0: all)

    DEFAULT_CSS = """
    DraftsScreen #lists { height: auto; max-height: 55%; }
    DraftsScreen .list-header { height: 1; background: $boost; padding: 0 1; }
    DraftsScreen #queue { height: auto; max-height: 14; }
    DraftsScreen #expired { height: auto; max-height: 4; }
    DraftsScreen #preview { height: 1fr; border-top: solid $panel-lighten-1; padding: 0 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.journal = Journal.default()
        self.queue = dd.Queue([], [])
        self.marked: set[str] = set()
        self.loaded = False  # True once the queue has come back from the server
        self.assessments: dict[str, Assessment] = {}  # the risk checks' findings, by queue key
        self.conversations: dict[str, context.Conversation] = {}  # by queue key, loaded on highlight
        self.order = "expiry"
        self.risk_filter = 0
        self._expiry_told: set[str] = set()  # drafts whose last hour was announced
        self._fetch_conversation = Debounced(self)
        self._last_table = "queue"
        self._wanted_mailbox: tuple[str, str] | None = None  # (account, mailbox id): see show_mailbox

    def _rules(self) -> Rules:
        app = host(self)
        return app.risk_rules if app is not None else Rules()

    # -- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(id="lists"):
            yield Static("Loading drafts…", id="queue-header", classes="list-header")
            yield VimTable(id="queue", zebra_stripes=False, show_header=True)
            yield Static("", id="expired-header", classes="list-header")
            yield VimTable(id="expired", zebra_stripes=False, show_header=False)
        with VerticalScroll(id="preview"):
            yield Static("", id="preview-text")

    def on_mount(self) -> None:
        self.load()
        app = host(self)
        interval = app.refresh_interval if app is not None else 0
        if interval > 0:
            self.set_interval(interval, self.load)

    def on_resize(self) -> None:
        self._fill_tables()

    # -- loading ----------------------------------------------------------------------------
    def load(self) -> None:
        sessions = self.app.mail_accounts

        def done(queue: dd.Queue) -> None:
            self._announce_new(queue)
            self.queue = queue
            present = {i.key for i in queue.pending}
            self.marked &= present
            self._fill_tables()
            self._announce_expiring()
            self._assess_queue()

        run_io(self, lambda: dd.load_queue(sessions, self.journal), what="Loading drafts", done=done,
               group="drafts-load", exclusive=True)

    def _assess_queue(self) -> None:
        """The risk checks for every pending draft, on what is fetched once per mailbox."""
        items = list(self.queue.pending)
        rules = self._rules()

        async def check() -> dict[str, Assessment]:
            found: dict[str, Assessment] = {}
            known: dict[tuple[str, str | None], Known] = {}
            accounts: dict[str, risk_facts.AccountFacts] = {}  # once per account, not per mailbox
            for item in items:
                session, mailbox_id = item.session, item.draft.mailbox_id
                if (session.name, mailbox_id) not in known:
                    client = await session.po6_client()
                    if session.name not in accounts:
                        accounts[session.name] = await risk_facts.account_facts(
                            session, client, [m.id for m in session.mailboxes])
                    known[(session.name, mailbox_id)] = await risk_facts.known(client, mailbox_id,
                                                                               accounts[session.name])
                try:
                    out = dd.outgoing(item)
                except outbound.AddressError as error:
                    found[item.key] = Assessment(not_run=[f"the recipients cannot be read: {error}"])
                    continue
                found[item.key] = assess(out.risk_message(), known[(session.name, mailbox_id)], rules)
            return found

        def done(found: dict[str, Assessment]) -> None:
            self.assessments.update(found)
            self._fill_tables()

        run_io(self, check, what="Checking the drafts' risks", done=done, group="drafts-risks", exclusive=True)

    def _announce_expiring(self) -> None:
        """One notice (and the bell where enabled) for the drafts that newly have under an hour left."""
        expiring = []
        for item in self.queue.pending:
            expires = item.draft.expires_at
            left = (expires - timefmt.now()).total_seconds() if expires is not None else 0
            if item.key not in self._expiry_told and 0 < left < 3600:
                self._expiry_told.add(item.key)
                expiring.append(f"“{safe.one_line(item.current.subject, 40)}” in {max(1, round(left / 60))} min"
                                + (" (your edit is kept)" if item.edit else ""))
        if not expiring:
            return
        head = "A draft expires" if len(expiring) == 1 else f"{len(expiring)} drafts expire"
        text = (f"{head} within the hour: {'; '.join(expiring[:3])}"
                + (f"; and {len(expiring) - 3} more" if len(expiring) > 3 else "") + ".")
        app = host(self)
        if app is not None:
            app.announce("expiring", "Drafts expiring", text, "warning", 10)
        if app is not None and app.bell_on_new_draft:
            self.app.bell()

    def show_mailbox(self, account: str, mailbox_id: str) -> None:
        """The cursor on that mailbox's first pending draft (the fleet's `d`), now or once loaded."""
        self._wanted_mailbox = (account, mailbox_id)
        self._fill_tables()

    def _announce_new(self, queue: dd.Queue) -> None:
        watcher(self.app).observe([(i.key, i.mailbox_address, i.draft.subject) for i in queue.pending],
                                  [(i.key, i.mailbox_address, i.draft.subject) for i in queue.expired])
        self.loaded = True

    def action_refresh(self) -> None:
        self.load()
        self.report("Refreshing…")

    # -- tables -----------------------------------------------------------------------------
    def _widths(self) -> tuple[int, int, int, int]:
        width = self.size.width or 80
        # Narrow terminals give the subject the room (at 80 columns it was cut to 15 characters);
        # the preview below has the mailbox and recipients whole.
        mailbox = max(10, min(24, width // (7 if width < 100 else 5)))
        to = max(14, min(30, width // (5 if width < 100 else 4)))
        subject = max(10, width - (1 + 8 + 6 + mailbox + to) - 6 * 2 - 2)
        return 8, mailbox, to, subject

    def _fill_tables(self) -> None:
        if not self.is_mounted:
            return
        left_w, mailbox_w, to_w, subject_w = self._widths()
        for table_id, items in (("queue", self.shown_pending()), ("expired", self.queue.expired)):
            table = self.query_one(f"#{table_id}", VimTable)
            previous = table.current_key
            table.clear(columns=True)
            table.add_column("", width=1, key="mark")
            table.add_column("Left", width=left_w, key="left")
            table.add_column("Risk", width=6, key="risk")
            table.add_column("Mailbox", width=mailbox_w, key="mailbox")
            table.add_column("To", width=to_w, key="to")
            table.add_column("Subject", width=subject_w, key="subject")
            for item in items:
                left, urgent = dd.time_left(item)
                style = URGENT_STYLE if urgent and table_id == "queue" else ("dim" if table_id == "expired" else "")
                subject = item.current.subject or "(no subject)"
                table.add_row(
                    Text("●", style="bold") if item.key in self.marked else Text(" "),
                    Text(left, style=style),
                    level_text(self.assessments.get(item.key)) if table_id == "queue" else Text(""),
                    _cell(self._mailbox_label(item, mailbox_w), mailbox_w, "dim" if table_id == "expired" else ""),
                    _cell(item.current.to_text, to_w),
                    _cell(("✎ " if item.edit else "") + subject, subject_w, "dim" if table_id == "expired" else ""),
                    key=item.key,
                )
            if previous is not None and previous in table.rows:
                table.move_cursor(row=table.get_row_index(previous), animate=False)
            if table_id == "queue" and self._wanted_mailbox is not None and self.loaded:
                wanted, self._wanted_mailbox = self._wanted_mailbox, None
                first = next((i for i in items if (i.session.name, i.draft.mailbox_id) == wanted), None)
                if first is not None:
                    table.move_cursor(row=table.get_row_index(first.key), animate=False)
                    self.set_focus(table)
        self._update_headers()
        self._show_preview()

    @staticmethod
    def _mailbox_label(item: dd.QueueItem, width: int) -> str:
        """The address, or only its local part when the column is too narrow for the whole."""
        address = item.mailbox_address
        return address if len(address) <= width else address.partition("@")[0]

    def _update_headers(self) -> None:
        pending = len(self.queue.pending)
        header = Text(f"Waiting for you: {pending} draft{'s' if pending != 1 else ''}", style="bold")
        header.append("  riskiest first" if self.order == "risk" else "  soonest expiry first", style="dim")
        if self.risk_filter:
            shown = len(self.shown_pending())
            header.append(f"  showing {shown} at {LEVEL_NAMES[self.risk_filter]} risk or above (f)", style="bold")
        if self.marked:
            header.append(f"  {len(self.marked)} marked", style="bold reverse")
        if self.queue.decided_here:
            header.append(f"  ({self.queue.decided_here} decided here, pending in PO6 until they expire)", style="dim")
        self.query_one("#queue-header", Static).update(header)
        expired = Text(f"Expired: {len(self.queue.expired)}", style="bold")
        expired.append("  cannot be approved (PO6 drops drafts after 72 hours)", style="dim")
        self.query_one("#expired-header", Static).update(expired)
        self.query_one("#expired", DataTable).display = bool(self.queue.expired)
        self.query_one("#queue", DataTable).display = bool(self.queue.pending)
        if self.focused is None:  # AUTO_FOCUS came while the tables were hidden: the keys go to a list
            shown = [table for table in self.query(VimTable) if table.display]
            if shown:
                shown[0].focus()
        if not self.queue.pending:
            self.query_one("#queue-header", Static).update(
                Text("Nothing waiting: no agent has a pending draft.", style="bold"))

    def _table(self) -> VimTable:
        focused = self.focused
        if isinstance(focused, VimTable):
            self._last_table = focused.id or "queue"
        return self.query_one(f"#{self._last_table}", VimTable)

    def current(self) -> dd.QueueItem | None:
        table = self._table()
        key = table.current_key
        items = self.queue.pending if table.id == "queue" else self.queue.expired
        return next((i for i in items if i.key == key), None)

    def shown_pending(self) -> list[dd.QueueItem]:
        """The pending drafts as the queue shows them: filtered by risk level, in the chosen order."""
        items = [i for i in self.queue.pending if not self.risk_filter
                 or (i.key in self.assessments and self.assessments[i.key].level >= self.risk_filter)]
        if self.order == "risk":  # riskiest first; unknown (not checked yet) last; then soonest expiry
            items = sorted(items, key=lambda i: -self.assessments[i.key].level if i.key in self.assessments else 1)
        return items

    def targets(self) -> list[dd.QueueItem]:
        """The marked drafts, else the one under the cursor."""
        if self.marked:
            return [i for i in self.queue.pending if i.key in self.marked]
        item = self.current()
        return [item] if item is not None else []

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Tab (or a click) into the other list shows its draft."""
        if isinstance(event.widget, DataTable) and event.widget.id in ("queue", "expired"):
            self._last_table = event.widget.id
            self._show_preview()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.has_focus:  # refilling both tables highlights in both: follow the focus
            self._last_table = event.data_table.id or "queue"
        self._show_preview()

    def _show_preview(self) -> None:
        item = self.current()
        preview = self.query_one("#preview-text", Static)
        if item is None:
            preview.update(Text("No draft selected.", style="dim"))
        else:
            preview.update(draft_preview(item, self.assessments.get(item.key), self.conversations.get(item.key)))
            if item.key not in self.conversations and not item.expired():
                self._fetch_conversation(lambda: self._load_conversation(item))
        where = Text(end="")
        if item is not None:
            items = self.shown_pending() if self._last_table == "queue" else self.queue.expired
            if item in items:
                where.append(f"{items.index(item) + 1}/{len(items)} ")
        self.set_context(where)

    def _load_conversation(self, item: dd.QueueItem) -> None:
        if item.key in self.conversations or self.current() is not item:
            return

        async def load() -> context.Conversation:
            client = await item.session.po6_client()
            recipients = [*item.draft.to_addresses, *item.draft.cc_addresses]
            return await context.conversation(client, item.draft, recipients)

        def done(found: context.Conversation) -> None:
            self.conversations[item.key] = found
            if self.current() is item:
                self._show_preview()

        run_io(self, load, what="Finding the conversation", done=done, group="drafts-conversation", exclusive=True)

    # -- keys -------------------------------------------------------------------------------
    def action_mark_low_risk(self) -> None:
        """Mark every draft your [risk] rules call low risk, for one batch approval (y): a person
        still sees each of them in the confirmation and confirms the send."""
        low = {i.key for i in self.queue.pending if i.key in self.assessments and self.assessments[i.key].low_risk}
        if not low:
            self.report("No draft is low risk by your rules ([risk] allow_domains in config.toml).", "warning")
            return
        self.marked |= low
        self._fill_tables()
        self.report(f"Marked {len(low)} low-risk draft{'s' if len(low) != 1 else ''}: y approves them together.")

    def action_order(self) -> None:
        self.order = self.ORDERS[(self.ORDERS.index(self.order) + 1) % len(self.ORDERS)]
        self._fill_tables()
        self.report("Riskiest drafts first." if self.order == "risk" else "Soonest expiry first.")

    def action_risk_filter(self) -> None:
        self.risk_filter = self.RISK_FILTERS[(self.RISK_FILTERS.index(self.risk_filter) + 1) % len(self.RISK_FILTERS)]
        self._fill_tables()
        self.report(f"Showing drafts at {LEVEL_NAMES[self.risk_filter]} risk or above." if self.risk_filter
                    else "Showing every draft.")

    def action_scroll_preview(self, step: int) -> None:
        """Ctrl+D/Ctrl+U scroll the preview by half a screen, the focus stays in the list."""
        preview = self.query_one("#preview", VerticalScroll)
        preview.scroll_relative(y=step * max(1, preview.size.height // 2), animate=False)

    def action_discard_edit(self) -> None:
        item = self.current()
        if item is None or item.edit is None:
            self.report("No edit of yours on this draft to discard.", "warning")
            return
        question = Question(title="Discard your edit?", details=_subjects([item]), confirm_label="Discard")
        confirm_then(self, question, on_yes=lambda: self._discard_edit(item),
                     on_no=lambda: self.report("Discard cancelled: your edit is kept."))

    def _discard_edit(self, item: dd.QueueItem) -> None:
        self.journal.drop_edit(item.session.name, item.draft.id)
        item.edit = None
        self._fill_tables()
        self.report("Your edit was discarded.")

    def action_switch_pane(self) -> None:
        order = [w for w in (self.query_one("#queue"), self.query_one("#expired"), self.query_one("#preview"))
                 if w.display]
        focused = self.focused
        index = order.index(focused) if focused in order else -1
        self.set_focus(order[(index + 1) % len(order)])

    def action_mark(self) -> None:
        item = self.current()
        if item is None:
            return
        if item.expired():
            self.report("Expired drafts cannot be approved, so they cannot be marked.", "warning")
            return
        self.marked ^= {item.key}
        self._fill_tables()
        self._table().action_cursor_down()

    def action_clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self._fill_tables()

    def _refuse_read_only(self, items: list[dd.QueueItem], verb: str) -> bool:
        """Read-only mode refuses before anything is asked or checked, not at the last moment."""
        if any(i.session.account.read_only for i in items):
            self.report(f"Read-only mode: cannot {verb} drafts; nothing was sent or changed.", "warning")
            return True
        return False

    def _refuse_expired(self, items: list[dd.QueueItem], verb: str) -> bool:
        expired = [i for i in items if i.expired()]
        if expired:
            self.report(f"Cannot {verb} “{safe.one_line(expired[0].draft.subject, 50)}”: it has expired. PO6 drops "
                        "drafts not acted on within 72 hours; m composes a new message instead.", "warning")
            return True
        return False

    # -- approve ----------------------------------------------------------------------------
    def action_approve(self) -> None:
        items = self.targets()
        if not items:
            self.report("No draft selected.", "warning")
            return
        if self._refuse_read_only(items, "approve") or self._refuse_expired(items, "approve"):
            return
        try:
            ready = [dd.outgoing(item) for item in items]
        except outbound.AddressError as error:
            self.report(f"Not sent: {error} Fix it with e.", "warning")
            return
        busy = next((o for o in ready if outbound.in_flight(o.expected)), None)
        if busy is not None:  # one send in flight per message: a second y is refused, not asked
            self.report(f"“{safe.one_line(busy.subject, 50)}” is being sent: wait for the server's answer. "
                        "It will not be sent twice.", "warning")
            return
        self._confirm_send(ready)

    def _confirm_send(self, ready: list[dd.Outgoing]) -> None:
        by_session: dict[str, tuple] = {}
        for out in ready:
            by_session.setdefault(out.item.session.name, (out.item.session, []))[1].append(out)

        rules = self._rules()

        async def check() -> tuple[list[outbound.Quota], list[bool], list[Assessment]]:
            quotas, decision_tools, assessments = [], [], []
            for session, outs in by_session.values():
                client = await session.po6_client()
                mailboxes = [m.id for m in session.mailboxes]
                quotas.append(await outbound.estimate_quota(session, client, mailboxes))
                decision_tools.append(client.has_decision_tools)
                account = await risk_facts.account_facts(session, client, mailboxes, quotas[-1])
                known_by_mailbox: dict[str | None, Known] = {}
                for out in outs:
                    mailbox_id = out.item.draft.mailbox_id
                    if mailbox_id not in known_by_mailbox:
                        known_by_mailbox[mailbox_id] = await risk_facts.known(client, mailbox_id, account)
                    assessments.append(assess(out.risk_message(), known_by_mailbox[mailbox_id], rules,
                                              batch=len(ready)))
            return quotas, decision_tools, assessments

        def ask(result: tuple[list[outbound.Quota], list[bool], list[Assessment]]) -> None:
            quotas, decision_tools, assessments = result
            refused = next((q for q in quotas if q.info.can_send is False), None)
            if refused is not None:
                self.report(f"Not sent: {outbound.cannot_send_message(refused.info)}", "error")
                return
            by_key = {out.item.key: a for out, a in zip(
                [o for _s, outs in by_session.values() for o in outs], assessments, strict=True)}
            for key, assessment in by_key.items():
                self.assessments[key] = assessment
            count = len(ready)
            pages = [SendPage(out.risk_message(), by_key[out.item.key],
                              note="Your edit of the agent's draft" if out.edited else "The agent's draft")
                     for out in ready]
            if count == 1:
                title = "Send your edit of this draft now?" if ready[0].edited else "Send this draft now?"
            else:
                title = f"Approve and send these {count} drafts?"
            footer = [q.describe(count) for q in quotas]
            if not all(decision_tools):
                footer.append(dd.DASHBOARD_NOTE)
            review = SendReview(title, pages, footer, confirm_label="Send" if count == 1 else f"Send {count}")
            review_then(self, review, on_yes=lambda: self._send(ready),
                        on_no=lambda: self.report("Send cancelled: nothing was sent."))

        run_io(self, check, what="Not sent: checking the send quota and the risks failed", done=ask, replay=False)

    def _send(self, ready: list[dd.Outgoing]) -> None:
        by_item = {out.item.key: out for out in ready}
        notes: list[str] = []

        async def act(item: dd.QueueItem) -> dd.QueueItem:
            sent = await dd.approve(by_item[item.key], self.journal)
            if sent.reply_lost:
                notes.append(f"The reply to “{safe.one_line(item.current.subject, 40)}” was lost, but the sent log "
                             "shows it went out; nothing was retried.")
            return item

        def done(outcome: Outcome) -> None:
            self._decided(outcome.done)
            count, total = len(outcome.done), outcome.attempted
            decision_tools = all(o.item.session.client and o.item.session.client.has_decision_tools for o in ready)
            tail = "" if decision_tools else (
                " It stays pending in the PO6 dashboard until it expires (PO6 has no approve tool)." if total == 1
                else " They stay pending in the PO6 dashboard until they expire (PO6 has no approve tool).")
            if outcome.error is not None:
                error = outcome.error
                if total > 1:
                    what = f"Sent {count} of {total}; then: "
                elif isinstance(error, outbound.UnknownOutcomeError):
                    what = f"“{safe.one_line(ready[0].subject, 50)}”: "  # the sentence says "may have been sent"
                    self._recheck_later(ready[0])
                elif isinstance(error, outbound.AlreadySendingError):
                    what = "Not sent again: "
                else:
                    what = "Not sent: "
                if total > 1 and isinstance(error, outbound.UnknownOutcomeError):
                    self._recheck_later(next(o for o in ready if o.item not in outcome.done))
                self.report(what + describe_error(error) + " The draft stays in the queue.", "error")
                if "expired" in str(outcome.error).lower():
                    self.load()
                return
            if total == 1:
                message = f"Sent “{safe.one_line(ready[0].subject, 50)}” to {safe.one_line(', '.join(ready[0].to), 60)}."
            else:
                message = f"Sent {count} drafts."
            self.report(" ".join([message + tail, *notes]))

        subject = safe.one_line(ready[0].subject, 50) if len(ready) == 1 else f"{len(ready)} drafts"
        self.report(f"Sending “{subject}”… (a second y is refused until the server answers)")
        run_io(self, lambda: each([o.item for o in ready], act), what="Sending", done=done)

    def _recheck_later(self, out: dd.Outgoing) -> None:
        """A send whose outcome is unknown: read the sent log again later (it can lag) and say
        what it shows; the draft is not sent again meanwhile (outbound.settle refuses)."""
        subject = safe.one_line(out.subject, 50)

        def shown(found: object) -> None:
            if found is not None:
                self.report(f"“{subject}” was sent after all: the sent log shows it now. Not sent again.")
                self.load()
            else:
                self.report(f"“{subject}” is still not in the sent log after {round(outbound.SETTLE_SECONDS)} s: "
                            "it was probably not sent. y sends it (check :sent first).", "warning")

        def look() -> None:
            if not outbound.unsettled(out.expected):
                return  # told already, or a retry read the sent log meanwhile

            async def settle() -> object:
                try:
                    return await outbound.settle(out.expected)
                except outbound.AlreadySendingError:
                    return "waiting"  # not in the log yet, and it may still show: look again later
            run_io(self, settle, what="Checking the sent log",
                   done=lambda found: None if found == "waiting" else shown(found))

        self.set_timer(30.0, look)
        self.set_timer(outbound.SETTLE_SECONDS + 1.0, look)

    def _decided(self, items: list[dd.QueueItem]) -> None:
        """The decided drafts leave the queue; the cursor goes to the next draft, not the top."""
        gone = {i.key for i in items}
        table = self.query_one("#queue", DataTable)
        shown = self.shown_pending()
        current = self.current()
        row = shown.index(current) if current in shown else table.cursor_row
        following = next((i for i in shown[row:] if i.key not in gone), None) or next(
            (i for i in reversed(shown[:row]) if i.key not in gone), None)
        self.queue.pending = [i for i in self.queue.pending if i.key not in gone]
        self.marked -= gone
        self._fill_tables()
        if following is not None and following.key in table.rows:
            table.move_cursor(row=table.get_row_index(following.key), animate=False)

    # -- reject -----------------------------------------------------------------------------
    def action_reject(self) -> None:
        items = self.targets()
        if not items:
            self.report("No draft selected.", "warning")
            return
        if self._refuse_read_only(items, "reject") or self._refuse_expired(items, "reject"):
            return

        def reason_given(reason: str | None) -> None:
            if reason is None:
                self.report("Reject cancelled.")
                return
            count = len(items)
            details = _subjects(items)
            if reason:
                details += f"\nReason: {reason}"
            client = items[0].session.client
            if client is not None and not client.has_decision_tools:
                details += "\nPO6 has no reject tool: the decision is noted here and the draft leaves the queue; " \
                           "the PO6 dashboard shows it pending until it expires."
            question = Question(title=f"Reject {'this draft' if count == 1 else f'these {count} drafts'}?",
                                details=details, confirm_label="Reject" if count == 1 else f"Reject {count}")
            confirm_then(self, question, on_yes=lambda: self._reject(items, reason),
                         on_no=lambda: self.report("Reject cancelled."))

        self.app.push_screen(PromptScreen("Reason:", history="reject",
                                          placeholder="optional; Enter to skip it, Esc cancels the rejection"),
                             reason_given)

    def _reject(self, items: list[dd.QueueItem], reason: str) -> None:
        async def act(item: dd.QueueItem) -> dd.QueueItem:
            return await dd.reject(item, reason, self.journal)

        def done(outcome: Outcome) -> None:
            self._decided(outcome.done)
            if outcome.error is not None:
                self.report(f"Rejected {len(outcome.done)} of {outcome.attempted}; then: "
                            f"{describe_error(outcome.error)}", "error")
            else:
                self.report(f"Rejected {len(outcome.done)} draft{'s' if len(outcome.done) != 1 else ''}.")

        run_io(self, lambda: each(items, act), what="Rejecting", done=done)

    # -- edit and diff ---------------------------------------------------------------------
    def _editable(self) -> dd.QueueItem | None:
        item = self.current()
        if item is None:
            self.report("No draft selected.", "warning")
            return None
        if self._refuse_expired([item], "edit"):
            return None
        return item

    def action_edit(self) -> None:
        # deferred: the editor loads when a draft is first edited
        from po6_tui.ui.drafts.draft_edit import DraftEditScreen

        item = self._editable()
        if item is not None:
            self.app.push_screen(DraftEditScreen(item, self.journal), lambda _result: self.edit_changed(item))

    def action_edit_external(self) -> None:
        # deferred: the editor loads when a draft is first edited
        from po6_tui.ui.kit.message_form import cleaned, edit_externally

        item = self._editable()
        if item is None:
            return
        # The agent's draft is server text: cleaned as for the inline editor (draft_edit.py).
        edited = edit_externally(self.app, item.edit or cleaned(item.original))
        if edited is not None:
            self.journal.save_edit(item.session.name, item.draft.id, edited)
            self.edit_changed(item)

    def edit_changed(self, item: dd.QueueItem) -> None:
        """The journal holds the truth about an edit: read it back after any editor closes."""
        # deferred: only an edited draft needs it
        from po6_tui.ui.core.message_text import same_content

        edit = self.journal.load_edit(item.session.name, item.draft.id)
        if edit is not None and same_content(edit, item.original):
            self.journal.drop_edit(item.session.name, item.draft.id)
            edit = None
        item.edit = edit
        self._fill_tables()

    def action_diff(self) -> None:
        # deferred: the diff view loads when first used
        from po6_tui.ui.drafts.diff import DiffScreen

        item = self.current()
        if item is None:
            return
        if item.edit is None:
            self.report("This draft has no edit to compare: e edits it.", "warning")
            return
        self.app.push_screen(DiffScreen(item.draft.subject, item.original, item.edit))

    def action_compose(self) -> None:
        """m: a new message. On an expired draft that holds your edit, the edit is the new
        message (the draft can no longer be approved; what you wrote is not lost)."""
        # deferred: compose loads when first used
        from po6_tui.ui.outbox.compose import journal_key, open_compose

        item = self.current()
        if item is not None and item.expired() and item.edit is not None:
            if self.journal.load_edit(item.session.name, journal_key("compose", "", None)) is not None:
                self.report("Your unsent new message would be replaced: send or discard it first (m, then "
                            "Ctrl+R), then m here again.", "warning")
                return
            self.journal.save_edit(item.session.name, journal_key("compose", "", None), item.edit)
            self.journal.drop_edit(item.session.name, item.draft.id)
            item.edit = None
            self._fill_tables()
        open_compose(self.app, "compose", item.draft.mailbox_id if item else None,
                     session=item.session if item else None)
