"""`:drafts`: the review queue of what agents want to send, across every mailbox.

Pending drafts come soonest expiry first with the time left (urgent under 6 hours); expired
ones are listed apart and cannot be approved. The preview shows the whole draft (or the
operator's edit of it), rendered through `safe`. y approves (sends), e edits inline, E edits in
$EDITOR, D diffs the edit against the agent's original, x rejects; Space marks several for one
decision. See `ui/drafts/decisions.py` for what approving does on servers without decision tools.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from po6_tui.journal import Journal
from po6_tui.ui.drafts import decisions as dd
from po6_tui.ui.outbox import outbound
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.drafts.watch import watcher
from po6_tui.ui.core.host import host
from po6_tui.ui.core.outcome import Outcome, each
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui.ui.kit.confirm import Question, confirm_then
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


def draft_preview(item: dd.QueueItem) -> Text:
    """The whole draft (or the operator's edit of it), safe to show."""
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
    if item.edit is not None:
        out.append_text(safe.text(message.body or "(empty body)", single_line=False, max_len=safe.BODY_MAX))
    else:
        body = safe.message_body(draft.body_text, draft.body_html)
        out.append_text(body.text)
        if body.links:
            out.append("\n\nLinks\n", style="bold")
            out.append_text(safe.links_text(body.links))
    if item.expired():
        out.append("\n\nThis draft has expired: PO6 drops drafts not acted on within 72 hours, so it can no "
                   "longer be approved. m composes a new message if it still needs to go out.", style="bold")
    return out


class DraftsScreen(AppScreen):
    VIEW = "drafts"
    HELP_GROUP = "Drafts"
    AUTO_FOCUS = "#queue"

    BINDINGS = [
        Binding("j", "move(1)", "Down", show=False, id="drafts.down"),
        Binding("k", "move(-1)", "Up", show=False, id="drafts.up"),
        Binding("tab", "switch_pane", "Pane", show=False, id="drafts.pane"),
        Binding("space", "mark", "Mark", show=False, id="drafts.mark"),
        Binding("escape", "clear_marks", "Clear marks", show=False, id="drafts.clear"),
        Binding("y", "approve", "Approve", id="drafts.approve"),
        Binding("e", "edit", "Edit", id="drafts.edit"),
        Binding("E", "edit_external", "$EDITOR", id="drafts.edit_external"),
        Binding("D", "diff", "Diff", id="drafts.diff"),
        Binding("x", "reject", "Reject", id="drafts.reject"),
        Binding("m", "compose", "Compose", show=False, id="drafts.compose"),
        Binding("R", "refresh", "Refresh", show=False, id="drafts.refresh"),
    ]

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
        self._last_table = "queue"
        self._wanted_mailbox: tuple[str, str] | None = None  # (account, mailbox id): see show_mailbox

    # -- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Vertical(id="lists"):
            yield Static("Loading drafts…", id="queue-header", classes="list-header")
            yield DataTable(id="queue", cursor_type="row", zebra_stripes=False, show_header=True)
            yield Static("", id="expired-header", classes="list-header")
            yield DataTable(id="expired", cursor_type="row", show_header=False)
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

        run_io(self, lambda: dd.load_queue(sessions, self.journal), what="Loading drafts", done=done,
               group="drafts-load", exclusive=True)

    def show_mailbox(self, account: str, mailbox_id: str) -> None:
        """The cursor on that mailbox's first pending draft (the fleet's `d`), now or once loaded."""
        self._wanted_mailbox = (account, mailbox_id)
        self._fill_tables()

    def _announce_new(self, queue: dd.Queue) -> None:
        watcher(self.app).observe((i.key, i.mailbox_address, i.draft.subject) for i in queue.pending)
        self.loaded = True

    def action_refresh(self) -> None:
        self.load()
        self.report("Refreshing…")

    # -- tables -----------------------------------------------------------------------------
    def _widths(self) -> tuple[int, int, int, int]:
        width = self.size.width or 80
        mailbox = max(12, min(24, width // 5))
        to = max(14, min(30, width // 4))
        subject = max(10, width - (1 + 8 + mailbox + to) - 5 * 2 - 2)
        return 8, mailbox, to, subject

    def _fill_tables(self) -> None:
        if not self.is_mounted:
            return
        left_w, mailbox_w, to_w, subject_w = self._widths()
        for table_id, items in (("queue", self.queue.pending), ("expired", self.queue.expired)):
            table = self.query_one(f"#{table_id}", DataTable)
            previous = self._current_key(table)
            table.clear(columns=True)
            table.add_column("", width=1, key="mark")
            table.add_column("Left", width=left_w, key="left")
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
        header.append("  soonest expiry first", style="dim")
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
        if not self.queue.pending:
            self.query_one("#queue-header", Static).update(
                Text("Nothing waiting: no agent has a pending draft.", style="bold"))

    @staticmethod
    def _current_key(table: DataTable) -> str | None:
        if not table.row_count:
            return None
        try:
            return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # an empty or just-cleared table has no cell under the cursor
            return None

    def _table(self) -> DataTable:
        focused = self.focused
        if isinstance(focused, DataTable):
            self._last_table = focused.id or "queue"
        return self.query_one(f"#{self._last_table}", DataTable)

    def current(self) -> dd.QueueItem | None:
        table = self._table()
        key = self._current_key(table)
        items = self.queue.pending if table.id == "queue" else self.queue.expired
        return next((i for i in items if i.key == key), None)

    def targets(self) -> list[dd.QueueItem]:
        """The marked drafts, else the one under the cursor."""
        if self.marked:
            return [i for i in self.queue.pending if i.key in self.marked]
        item = self.current()
        return [item] if item is not None else []

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.has_focus:  # refilling both tables highlights in both: follow the focus
            self._last_table = event.data_table.id or "queue"
        self._show_preview()

    def _show_preview(self) -> None:
        item = self.current()
        preview = self.query_one("#preview-text", Static)
        preview.update(draft_preview(item) if item else Text("No draft selected.", style="dim"))
        context = Text(end="")
        if item is not None:
            items = self.queue.pending if self._last_table == "queue" else self.queue.expired
            context.append(f"{items.index(item) + 1}/{len(items)} ")
        self.set_context(context)

    # -- keys -------------------------------------------------------------------------------
    def action_move(self, step: int) -> None:
        table = self._table()
        if step > 0:
            table.action_cursor_down()
        else:
            table.action_cursor_up()

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
        self.action_move(1)

    def action_clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self._fill_tables()

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
        if self._refuse_expired(items, "approve"):
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

        async def quota() -> tuple[list[outbound.Quota], list[bool]]:
            quotas, decision_tools = [], []
            for session, _outs in by_session.values():
                client = await session.po6_client()
                quotas.append(await outbound.estimate_quota(session, client, [m.id for m in session.mailboxes]))
                decision_tools.append(client.has_decision_tools)
            return quotas, decision_tools

        def ask(result: tuple[list[outbound.Quota], list[bool]]) -> None:
            quotas, decision_tools = result
            refused = next((q for q in quotas if q.info.can_send is False), None)
            if refused is not None:
                self.report(f"Not sent: {outbound.cannot_send_message(refused.info)}", "error")
                return
            count = len(ready)
            if count == 1:
                out = ready[0]
                details = outbound.send_details(sender=out.item.mailbox_address, to=out.to, cc=out.cc,
                                                subject=out.subject, body=out.body_text)
                title = "Send your edit of this draft now?" if out.edited else "Send this draft now?"
            else:
                details = _subjects([o.item for o in ready])
                title = f"Approve and send these {count} drafts?"
            details += "\n" + "\n".join(q.describe(count) for q in quotas)
            if not all(decision_tools):
                details += "\n" + dd.DASHBOARD_NOTE
            question = Question(title=title, details=details, confirm_label="Send" if count == 1 else f"Send {count}",
                                danger=False)
            confirm_then(self, question, on_yes=lambda: self._send(ready),
                         on_no=lambda: self.report("Send cancelled: nothing was sent."))

        run_io(self, quota, what="Checking the send quota", done=ask)

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
        gone = {i.key for i in items}
        self.queue.pending = [i for i in self.queue.pending if i.key not in gone]
        self.marked -= gone
        self._fill_tables()

    # -- reject -----------------------------------------------------------------------------
    def action_reject(self) -> None:
        items = self.targets()
        if not items:
            self.report("No draft selected.", "warning")
            return
        if self._refuse_expired(items, "reject"):
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

        self.app.push_screen(PromptScreen("Reason (optional, Enter to skip, Esc cancels):", history="reject"),
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
        # deferred: compose loads when first used
        from po6_tui.ui.outbox.compose import open_compose

        item = self.current()
        open_compose(self.app, "compose", item.draft.mailbox_id if item else None,
                     session=item.session if item else None)
