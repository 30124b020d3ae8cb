"""`:postern`: a Postern account's inboxes on the left; the open inbox's messages (all, inbound,
outbound, unread only) or threads on the right.

From here: Enter reads a message or opens a thread, m sends, r replies, w watches an inbox live
for codes and links, c creates an inbox, d deletes one (typing its address), W registers a
webhook (its secret shown once), A switches account (PO6 accounts too). The Postern account is
a session of its own beside the PO6 ones: both stay open, each view keeps its place.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from po6_tui.api import postern_models as pm
from po6_tui.api.postern import PosternClient
from po6_tui.ui import safe
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.postern.compose import ComposeForm
from po6_tui.ui.postern.forms import AccountPicker, CreateInboxForm, SecretOnceScreen, WebhookForm
from po6_tui.ui.postern.reader import PosternThreadScreen, open_reader
from po6_tui.ui.postern.wait import PosternWaitScreen
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.postern.tables import INBOXES, MESSAGES, PAGE_SIZE, THREADS, PagedTable

LISTINGS = {"all": "All messages", "inbound": "Inbound", "outbound": "Outbound", "threads": "Threads"}


class PosternScreen(AppScreen):
    VIEW = "postern"
    HELP_GROUP = "Postern"
    AUTO_FOCUS = "#postern-messages"

    BINDINGS = [
        Binding("tab", "switch_pane", "Pane", show=False, id="postern.pane"),
        Binding("a", "show('all')", "All", show=False, id="postern.all"),
        Binding("i", "show('inbound')", "Inbound", show=False, id="postern.inbound"),
        Binding("o", "show('outbound')", "Outbound", show=False, id="postern.outbound"),
        Binding("t", "show('threads')", "Threads", id="postern.threads"),
        Binding("U", "toggle_unread", "Unread only", show=False, id="postern.unread"),
        Binding("escape", "clear", "Clear", show=False, id="postern.clear"),
        Binding("m", "compose", "Send", id="postern.compose"),
        Binding("r", "reply", "Reply", id="postern.reply"),
        Binding("w", "wait", "Wait", id="postern.wait"),
        Binding("c", "create_inbox", "New inbox", id="postern.create_inbox"),
        Binding("d", "delete_inbox", "Delete inbox", show=False, id="postern.delete_inbox"),
        Binding("W", "webhook", "Webhook", show=False, id="postern.webhook"),
        Binding("A", "accounts", "Accounts", show=False, id="postern.accounts"),
        Binding("R", "refresh", "Refresh", show=False, id="postern.refresh"),
    ]
    WRITE_ACTIONS = frozenset({"compose", "reply", "create_inbox", "delete_inbox", "webhook"})

    DEFAULT_CSS = """
    PosternScreen #postern-body { height: 1fr; }
    PosternScreen #postern-side { width: 30; border-right: solid $panel-lighten-1; }
    PosternScreen.-narrow #postern-side { width: 26; }
    PosternScreen #postern-account { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    PosternScreen #postern-header { height: 1; padding: 0 1; background: $boost; }
    PosternScreen #postern-empty { padding: 1 2; color: $text-muted; height: auto; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.session: AccountSession | None = None
        self.inbox: pm.Inbox | None = None
        self.listing = "all"
        self.unread_only = False
        self._select_address: str | None = None  # the inbox to highlight once the list arrives

    # -- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="postern-body"):
            with Vertical(id="postern-side"):
                yield Static("", id="postern-account")
                yield PagedTable(INBOXES, id="postern-inboxes")
            with Vertical(id="postern-main"):
                yield Static("", id="postern-header")
                yield PagedTable(MESSAGES, id="postern-messages")
                yield Static("", id="postern-empty")

    @property
    def inboxes(self) -> PagedTable:
        return self.query_one("#postern-inboxes", PagedTable)

    @property
    def messages(self) -> PagedTable:
        return self.query_one("#postern-messages", PagedTable)

    @property
    def client(self) -> PosternClient | None:
        return self.session.postern_client() if self.session is not None else None

    def on_mount(self) -> None:
        self.app.mode_change_signal.subscribe(self, self._mode_changed)
        accounts = self.app.postern_accounts
        if not accounts:
            self._empty("No Postern account is set up. Add one with: po6-tui login --provider postern")
            return
        active = self.app.active
        self.open_account(active if active in accounts else accounts[0])
        interval = self.app.refresh_interval
        if interval and interval > 0:
            self.set_interval(interval, self._refresh_if_in_front)

    def _refresh_if_in_front(self) -> None:
        # Only while the list is what the operator looks at: never under a reader or a dialog.
        if self.app.screen is self and not self.messages.fetching:
            self._load_listing()

    def _mode_changed(self, mode: str) -> None:
        """The top bar names the account this view shows while the view is in front (from any of
        its screens), and the PO6 one again once the operator leaves it."""
        if mode == self.VIEW and self.session is not None:
            self.app.account_label = self.session.name
        elif mode != self.VIEW:
            self.app.account_label = self.app.active.name

    # -- accounts and inboxes -----------------------------------------------------------------
    def open_account(self, session: AccountSession) -> None:
        """Show a Postern account (`A`, or the shell's `:ctx NAME`)."""
        self.session = session
        self.inbox = None
        if self.app.current_mode == self.VIEW:
            self.app.account_label = session.name
        account = safe.text(session.name, max_len=40, style="bold")
        account.append("  Postern" + ("  read-only" if self.client.read_only else ""), style="dim")
        self.query_one("#postern-account", Static).update(account)
        self._load_inboxes()

    def show_inbox(self, session: AccountSession, address: str, listing: str = "all") -> None:
        """That inbox of that account, its `listing` (all or outbound) shown (the fleet's Enter and l)."""
        self.listing, self.unread_only = listing, False
        self._select_address = address
        if session is not self.session:
            self.open_account(session)
        else:
            self.inbox = None  # opened again once the list arrives, with the listing asked for
            self._load_inboxes()

    def _load_inboxes(self) -> None:
        client = self.client
        if client is None:
            return

        async def fetch(cursor: str | None) -> pm.Page:
            return await client.list_inboxes(limit=PAGE_SIZE, cursor=cursor)

        self.inboxes.load(fetch)

    @on(PagedTable.Loaded, "#postern-inboxes")
    def _inboxes_loaded(self, event: PagedTable.Loaded) -> None:
        items = self.inboxes.items
        if not items:
            self.inbox = None
            self._empty("This key has no inbox yet: c creates one.")
            self._update_header()
            return
        wanted = self._select_address or (self.inbox.address if self.inbox else None)
        self._select_address = None
        index = next((i for i, inbox in enumerate(items) if inbox.address == wanted), None)
        if index is not None:
            self.inboxes.move_cursor(row=index, animate=False)
        if self.inbox is None or self.inbox.address != self.inboxes.current.address:
            self.open_inbox(self.inboxes.current)

    @on(PagedTable.Highlighted, "#postern-inboxes")
    def _inbox_highlighted(self, event: PagedTable.Highlighted) -> None:
        if event.item is not None and (self.inbox is None or event.item.address != self.inbox.address):
            self.open_inbox(event.item)

    @on(PagedTable.Opened, "#postern-inboxes")
    def _inbox_opened(self, event: PagedTable.Opened) -> None:
        if self.inbox is None or event.item.address != self.inbox.address:
            self.open_inbox(event.item)
        self.set_focus(self.messages)

    def open_inbox(self, inbox: pm.Inbox) -> None:
        self.inbox = inbox
        self._load_listing()

    def _load_listing(self) -> None:
        client, inbox = self.client, self.inbox
        if client is None or inbox is None:
            return
        address, listing, unread = inbox.address, self.listing, self.unread_only
        if listing == "threads":
            async def fetch(cursor: str | None) -> pm.Page:
                return await client.list_threads(address, limit=PAGE_SIZE, cursor=cursor)

            layout = THREADS
        else:
            async def fetch(cursor: str | None) -> pm.Page:
                return await client.list_messages(address, direction=None if listing == "all" else listing,
                                                  unread_only=unread or None, limit=PAGE_SIZE, cursor=cursor)

            layout = MESSAGES
        self._empty("")
        self.messages.load(fetch, layout)
        self._update_header()

    @on(PagedTable.Loaded, "#postern-messages")
    def _messages_loaded(self, event: PagedTable.Loaded) -> None:
        if not event.count:
            what = "thread" if self.listing == "threads" else "message"
            narrowing = " (Esc shows all)" if self.unread_only or self.listing in ("inbound", "outbound") else ""
            self._empty(f"No {what} here{narrowing}.")
        else:
            self._empty("")
        self._update_header()
        self._update_context()

    @on(PagedTable.Highlighted, "#postern-messages")
    def _message_highlighted(self) -> None:
        self._update_context()

    def _empty(self, text: str) -> None:
        empty = self.query_one("#postern-empty", Static)
        empty.update(Text(text))
        empty.display = bool(text)

    def _update_header(self) -> None:
        header = Text(end="")
        if self.inbox is not None:
            header.append_text(safe.text(self.inbox.address, max_len=60, style="bold"))
            header.append(" ▸ ", style="dim")
            header.append(LISTINGS[self.listing])
            if self.unread_only and self.listing != "threads":
                header.append(", unread only", style="bold")
            table = self.messages
            if table.loaded:
                noun = "thread" if self.listing == "threads" else "message"
                count = len(table.items)
                header.append(f"  {count}{'+' if table.more else ''} {noun}{'s' if count != 1 else ''}", style="dim")
            header.append("   a i o t U", style="dim")
        self.query_one("#postern-header", Static).update(header)

    def _update_context(self) -> None:
        table = self.messages
        context = Text(end="")
        if table.items:
            context.append(f"{table.cursor_row + 1}/{len(table.items)}{'+' if table.more else ''} ")
        self.set_context(context)

    # -- reading ---------------------------------------------------------------------------
    @on(PagedTable.Opened, "#postern-messages")
    def _opened(self, event: PagedTable.Opened) -> None:
        client = self.client
        if client is None:
            return
        if isinstance(event.item, pm.Thread):
            self.app.push_screen(PosternThreadScreen(client, event.item, reply=self.reply_to,
                                                     changed=self.message_changed))
        else:
            open_reader(self, client, event.item, reply=self.reply_to, changed=self.message_changed)

    def message_changed(self, message: pm.MessageSummary) -> None:
        if self.listing != "threads":
            self.messages.replace_item(message)

    # -- keys: listing -------------------------------------------------------------------------
    def action_show(self, listing: str) -> None:
        self.listing = listing
        self._load_listing()

    def action_toggle_unread(self) -> None:
        if self.listing == "threads":
            self.listing = "all"
        self.unread_only = not self.unread_only
        self._load_listing()

    def action_clear(self) -> None:
        if self.listing != "all" or self.unread_only:
            self.listing, self.unread_only = "all", False
            self._load_listing()

    def action_switch_pane(self) -> None:
        self.set_focus(self.messages if self.inboxes.has_focus else self.inboxes)

    def action_refresh(self) -> None:
        self._load_inboxes()
        self._load_listing()
        self.report("Refreshing…")

    # -- keys: acting ------------------------------------------------------------------------
    def _need_inbox(self) -> bool:
        if self.client is None or self.inbox is None:
            self.report("Open an inbox first.", "warning")
            return False
        return True

    def action_compose(self) -> None:
        if not self._need_inbox():
            return
        address = self.inbox.address
        self.app.push_screen(ComposeForm(self.client, address), lambda sent: self._sent(sent, address))

    def action_reply(self) -> None:
        if not self._need_inbox():
            return
        current = self.messages.current
        if self.listing == "threads":
            self.report("Open the thread (Enter) and reply to one of its messages.", "warning")
        elif current is None:
            self.report("No message to reply to.", "warning")
        else:
            self.reply_to(current)

    def reply_to(self, original: pm.MessageSummary) -> None:
        address = original.inbox or (self.inbox.address if self.inbox else "")
        self.app.push_screen(ComposeForm(self.client, address, original), lambda sent: self._sent(sent, address))

    def _sent(self, result: pm.SendResult | None, address: str) -> None:
        if result is None:
            return
        self.app.report(f"Sent from {safe.one_line(address, 60)} ({safe.one_line(result.status or 'queued', 20)}).")
        if self.inbox is not None and self.inbox.address == address:
            self._load_listing()

    def action_wait(self) -> None:
        if not self._need_inbox():
            return
        addresses = [inbox.address for inbox in self.inboxes.items]
        self.app.push_screen(PosternWaitScreen(self.client, addresses, self.inbox.address))

    def action_create_inbox(self) -> None:
        if self.client is None:
            self.report("No Postern account is open.", "warning")
            return

        def created(inbox: pm.Inbox | None) -> None:
            if inbox is not None:
                self.report(f"Created the inbox {safe.one_line(inbox.address, 80)}.")
                self._select_address = inbox.address
                self._load_inboxes()

        self.app.push_screen(CreateInboxForm(self.client), created)

    def action_delete_inbox(self) -> None:
        if not self._need_inbox():
            return
        client, address = self.client, self.inbox.address
        question = Question(f"Delete the inbox {safe.one_line(address, 80)}?",
                            details="This is permanent: the inbox and its messages are gone, and its mailbox "
                                    "slot is not given back.",
                            confirm_label="Delete", type_to_confirm=address)

        def deleted(_result: pm.DeleteResult) -> None:
            self.report(f"Deleted the inbox {safe.one_line(address, 80)}.")
            self.inbox = None
            self._load_inboxes()

        confirm_then(self, question, lambda: run_io(self, lambda: client.delete_inbox(address),
                                                    what="Deleting the inbox", done=deleted),
                     on_no=lambda: self.report("Not deleted."))

    def action_webhook(self) -> None:
        if self.client is None:
            self.report("No Postern account is open.", "warning")
            return

        def registered(webhook: pm.Webhook | None) -> None:
            if webhook is not None:
                self.report(f"Webhook {safe.one_line(webhook.id, 40)} registered.")
                self.app.push_screen(SecretOnceScreen(webhook))

        self.app.push_screen(WebhookForm(self.client, self.inbox.address if self.inbox else ""), registered)

    def action_accounts(self) -> None:
        def chosen(name: str | None) -> None:
            session = next((s for s in self.app.accounts if s.name == name), None)
            if session is None:
                return
            if session.provider == "postern":
                self.open_account(session)
            else:
                self.app.use_account(session.name)

        self.app.push_screen(AccountPicker(self.app.accounts, self.session.name if self.session else None), chosen)
