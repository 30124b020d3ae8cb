"""The main screen: mailboxes and folders on the left, the message list on the right.

What the list shows is a `Source`: a folder (narrowed by `:filter`) or a search result, each
narrowed by a `query.Query` and fetched through `query_fetch`.
Opening a message pushes the reader. Counts and the list refresh on a timer and on `R`
without moving the cursor or dropping marks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static, Tree

from po6_tui.api.models import EmailSummary, FolderInfo
from po6_tui.ui import safe
from po6_tui.ui.mail.actions import MessageActionsScreen
from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui import first_frame
from po6_tui.ui.core import first_screen, timefmt
from po6_tui.ui.core.host import host
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.mail.mailbox_tree import MailboxTree, Place
from po6_tui.ui.mail.message_list import MessageList
from po6_tui.ui.mail.query import Query, QueryError
from po6_tui.ui.mail.query_fetch import Checked, folder_loader, search_loader


@dataclass(frozen=True)
class Source:
    """What the message list shows: a folder of a mailbox, or a search (`query` set: as
    typed; `search`: parsed)."""

    place: Place
    filters: Query = Query()
    query: str = ""
    search: Query = Query()
    everywhere: bool = False

    @property
    def is_search(self) -> bool:
        return bool(self.query)


class MailScreen(MessageActionsScreen):
    VIEW = "mail"
    HELP_GROUP = "Mail"
    AUTO_FOCUS = "#messages"  # the list, not the sidebar that comes first in the layout

    BINDINGS = [
        Binding("q", "back", "Quit", show=False, id="mail.back"),
        Binding("escape", "clear", "Clear", show=False, id="mail.clear"),
        Binding("tab", "switch_pane", "Pane", show=False, id="mail.pane"),
        Binding("backslash", "toggle_sidebar", "Sidebar", show=False, id="mail.sidebar"),
        Binding("slash", "find", "Find", id="mail.find"),
        Binding("U", "filter_toggle('unread')", "Unread only", show=False, id="mail.filter_unread"),
        Binding("asterisk", "filter_toggle('starred')", "Starred only", show=False, id="mail.filter_starred"),
        Binding("R", "refresh", "Refresh", show=False, id="mail.refresh"),
        Binding("T", "conversations", "Conversations", show=False, id="mail.conversations"),
    ]

    DEFAULT_CSS = """
    MailScreen #body { height: 1fr; }
    MailScreen #sidebar { width: 30; border-right: solid $panel-lighten-1; }
    MailScreen.-narrow #sidebar { width: 24; }
    MailScreen.-wide #sidebar { width: 36; }
    MailScreen #sidebar.-hidden { display: none; }
    MailScreen #list-header { height: 1; background: $boost; padding: 0 1; }
    MailScreen MessageList { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.source: Source | None = None
        self._folder_source: Source | None = None  # where `q`/Esc returns from a search
        self._checked = Checked()  # how much of the server's answer the app's checks saw
        self._refresh_timer = None
        self._cached_at: datetime | None = None  # the list shows the last session's first page
        self._keep_next_load = True  # the next live page of the opening place is kept for the next start

    # -- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield MailboxTree(id="sidebar")
            with Vertical(id="main"):
                yield Static("", id="list-header")
                yield MessageList(id="messages")

    @property
    def message_list(self) -> MessageList:
        return self.query_one(MessageList)

    @property
    def sidebar(self) -> MailboxTree:
        return self.query_one(MailboxTree)

    def on_mount(self) -> None:
        self.message_list.load(self._never_loader, empty_text="Connecting…")
        if not self.app.mail_accounts:
            self.message_list.load(self._never_loader, empty_text="No PO6 account is set up (po6-tui login).")
        elif self.app.active in self.app.mail_accounts:
            self._show_cached(self.app.active)
        for session in self.app.mail_accounts:
            self._load_account(session, first=session is self.app.active)
        interval = self.app.refresh_interval
        if interval and interval > 0:
            self._refresh_timer = self.set_interval(interval, self.refresh_all)

    async def _never_loader(self, _offset: int, _limit: int) -> tuple[list[EmailSummary], int]:
        return [], 0

    # -- the last session's first screen (ui/core/first_screen.py) ----------------------------
    def _show_cached(self, session: AccountSession) -> None:
        """Show what this account opened on last time, marked as refreshing, until it answers."""
        cached = first_screen.load(session.account)
        if cached is None or session.mailboxes:
            return
        session.mailboxes = cached.mailboxes
        self.sidebar.sync(self.app.mail_accounts)
        self._cached_at = cached.saved_at
        self.open_place(Place(session.name, cached.mailbox_id, "INBOX"), focus_list=False,
                        first_page=(cached.rows, cached.total))
        if not self.app.is_headless:
            self.call_after_refresh(self._keep_first_frame)

    def _keep_first_frame(self) -> None:
        """The cached screen as drawn, for the next start to draw before Textual is loaded
        (po6_tui/first_frame.py). Only while it is the stale one: never the live screen
        unmarked."""
        if not self.message_list.showing_cached or self.app.screen is not self:
            return
        size = self.app.size
        frame = self._compositor.render_full_update().render_segments(self.app.console)
        first_frame.keep(self.app.active.account, size.width, size.height, self.read_only, frame)

    def _opening_place(self, session: AccountSession) -> Place | None:
        """Where the app opens for `session`: its first mailbox's INBOX."""
        return Place(session.name, session.mailboxes[0].id, "INBOX") if session.mailboxes else None

    def _keep_first_screen(self) -> bool:
        """The server's first page of the place the app opens on, kept for the next start (once
        per start and per refresh: not on every page). True when it was that place."""
        source, ml = self.source, self.message_list
        session = self.app.active
        if source is None or source.is_search or source.filters.active or ml.total is None \
                or source.place != self._opening_place(session):
            return False
        rows = [row for row in (ml.row(i) for i in range(min(first_screen.ROWS, ml.total))) if row is not None]
        first_screen.save(session.account, first_screen.FirstScreen(
            timefmt.now(), list(session.mailboxes), source.place.mailbox_id or "", rows, ml.total))
        return True

    # -- accounts, mailboxes and folders ------------------------------------------------------
    def _load_account(self, session: AccountSession, *, first: bool = False) -> None:
        async def load() -> AccountSession:
            client = await session.po6_client()
            session.mailboxes = list(await client.list_mailboxes())
            return session

        def done(session: AccountSession) -> None:
            self.sidebar.sync(self.app.mail_accounts)
            shown = self.source.place if self.source is not None else None
            gone = shown is not None and self._cached_at is not None and session.mailbox(shown.mailbox_id) is None
            if first and (self.source is None or gone) and session.mailboxes:
                self._cached_at = None  # the cached mailbox is no more: open what there is
                mailbox = session.mailboxes[0]
                self.open_place(Place(session.name, mailbox.id, "INBOX"), focus_list=False)
            if not session.mailboxes:
                self.report(f"{session.name}: this key reaches no mailbox.", "warning")

        def failed(_error: BaseException) -> None:
            if first and self.source is None:
                self.message_list.load(self._never_loader, empty_text="Not connected: R retries.")

        run_io(self, load, what=f"Connecting to {session.name}", done=done, failed=failed,
               group=f"account-{session.name}", exclusive=True)

    def _load_folders(self, session: AccountSession, mailbox_id: str) -> None:
        async def load() -> list[FolderInfo]:
            client = await session.po6_client()
            return list(await client.list_folders(mailbox_id=mailbox_id))

        def done(folders: list[FolderInfo]) -> None:
            session.folders[mailbox_id] = folders
            self.sidebar.sync(self.app.mail_accounts)
            if self.source and self.source.place.mailbox_id == mailbox_id and not self.source.is_search:
                self.sidebar.select_place(self.source.place)
                self._update_header()

        run_io(self, load, what="Loading folders", done=done, group=f"folders-{mailbox_id}", exclusive=True)

    def action_conversations(self) -> None:
        """`T`: this folder grouped by conversation (conversations.py)."""
        source = self.source
        if source is None or source.is_search or source.place.mailbox_id is None:
            self.report("Conversations group a folder: open one first (not a search).", "warning")
            return
        # deferred: start-up (the grouped view loads when first used)
        from po6_tui.ui.mail.conversations import ConversationsScreen

        self.app.push_screen(ConversationsScreen(self.session_named(source.place.account), source.place.mailbox_id,
                                                 source.place.folder))

    def session_named(self, name: str) -> AccountSession:
        return next(s for s in self.app.accounts if s.name == name)

    def refresh_all(self) -> None:
        """Counts of every account, folders of the open mailboxes, and the list (R, timer)."""
        self._keep_next_load = True
        for session in self.app.mail_accounts:
            if session.client is None and not session.mailboxes:
                self._load_account(session, first=session is self.app.active)
                continue
            self._load_account(session)
            for mailbox_id in list(session.folders):
                self._load_folders(session, mailbox_id)
        if self.source is not None:
            self.message_list.reload()

    def action_refresh(self) -> None:
        self.refresh_all()
        self.report("Refreshing…")

    # -- opening things -------------------------------------------------------------------
    def open_place(self, place: Place, *, focus_list: bool = True, filters: Query | None = None,
                   first_page: tuple[list[EmailSummary], int] | None = None) -> None:
        session = self.session_named(place.account)
        self.app.active = session
        if place.mailbox_id is None:
            if not session.mailboxes:
                return
            place = Place(session.name, session.mailboxes[0].id, "INBOX")
        if place.folder is None:
            place = Place(place.account, place.mailbox_id, "INBOX")
        keep = filters if filters is not None else (self.source.filters if self.source else Query())
        if first_page is None:
            self._cached_at = None
        self._show(Source(place, keep), first_page)
        if place.mailbox_id not in session.folders:
            self._load_folders(session, place.mailbox_id)
        self.sidebar.select_place(place)
        if focus_list:
            self.set_focus(self.message_list)

    def _show(self, source: Source, first_page: tuple[list[EmailSummary], int] | None = None) -> None:
        self.job_ended()  # whatever the last list was doing ("Searching…") is over
        self.source = source
        if not source.is_search:
            self._folder_source = source
        everywhere = source.is_search and source.everywhere
        self.message_list.load(self._loader(source), empty_text=self._empty_text(source), first_page=first_page,
                               mailbox_of=self._mailbox_address if everywhere else None)
        self._update_header()

    def _empty_text(self, source: Source) -> str:
        if source.is_search:
            return "No message matches."
        if source.filters.active:
            return f"No message matches the filter ({source.filters.describe()}); Esc clears it."
        return "(no messages)"

    def _loader(self, source: Source):
        session = self.session_named(source.place.account)
        place = source.place
        self._checked = Checked()
        if source.is_search:
            return search_loader(session.po6_client, source.search,
                                 None if source.everywhere else place.mailbox_id, self._checked)
        return folder_loader(session.po6_client, source.filters, place.mailbox_id, place.folder, self._checked)

    def _mailbox_address(self, summary: EmailSummary) -> str:
        """The mailbox column of `:search-all`: which agent's mailbox a hit is in."""
        session = self.session_named(self.source.place.account) if self.source else self.app.active
        mailbox = session.mailbox(summary.mailbox_id)
        return mailbox.address if mailbox else (summary.mailbox_id or "?")

    def _update_header(self) -> None:
        source = self.source
        header = Text(end="")
        if source is None:
            self.query_one("#list-header", Static).update(header)
            return
        session = self.session_named(source.place.account)
        mailbox = session.mailbox(source.place.mailbox_id)
        address = mailbox.address if mailbox else (source.place.mailbox_id or "")
        total = self.message_list.total
        if source.is_search:
            header.append("Search ", style="bold")
            header.append_text(safe.text(f"“{source.query}”", max_len=80, style="bold"))
            header.append(" in every mailbox" if source.everywhere else " in ")
            if not source.everywhere:
                header.append_text(safe.text(address, max_len=60))
            if total is not None:
                checked = self._checked
                more = ""
                if checked.partial:
                    more = (f" (among the best {checked.checked} of {checked.server_total})" if checked.by_app
                            else f" (best {total} of {checked.server_total})")
                header.append(f"  {total} found{more}", style="dim")
            header.append("  q/Esc back", style="dim")
        else:
            header.append_text(safe.text(address, max_len=60, style="dim"))
            header.append(" ▸ ", style="dim")
            header.append_text(safe.text(source.place.folder, max_len=60, style="bold"))
            folder = next((f for f in session.folders.get(source.place.mailbox_id or "", [])
                           if f.name == source.place.folder), None)
            if total is not None:
                header.append(f"  {total:,} message{'s' if total != 1 else ''}", style="dim")
            if folder is not None and folder.unread and not source.filters.active:
                header.append(f", {folder.unread:,} unread", style="dim")
            if source.filters.active:
                header.append("  filter: ", style="bold")
                header.append_text(safe.text(source.filters.describe(), max_len=80, style="bold"))
                if self._checked.by_app and self._checked.partial:  # the app checked only so many
                    header.append(f" (in the newest {self._checked.checked:,} of {self._checked.server_total:,})",
                                  style="dim")
            if self._cached_at is not None:  # stale data must look stale, first: the end may be cut
                marker = Text(f"cached {timefmt.short(self._cached_at)} · refreshing…  ", style="bold yellow")
                header = marker + header
        # One row high whatever it says: no layout pass (this runs on every page that arrives).
        self.query_one("#list-header", Static).update(header, layout=False)

    # -- events ----------------------------------------------------------------------------
    @on(Tree.NodeSelected, "#sidebar")
    def _node_selected(self, event: Tree.NodeSelected) -> None:
        place = event.node.data
        if place is None:
            return
        if place.mailbox_id is None:  # an account node: toggled by the tree itself
            return
        self.open_place(place, focus_list=place.folder is not None)

    @on(Tree.NodeExpanded, "#sidebar")
    def _node_expanded(self, event: Tree.NodeExpanded) -> None:
        place = event.node.data
        if place is not None and place.mailbox_id and place.folder is None:
            session = self.session_named(place.account)
            if place.mailbox_id not in session.folders:
                self._load_folders(session, place.mailbox_id)

    @on(MessageList.Loaded)
    def _list_loaded(self) -> None:
        if self.source is not None and self.source.is_search:
            self.job_ended()  # the results are in: "Searching…" is over (the header counts them)
        if not self.message_list.showing_cached:
            self._cached_at = None  # the server answered: the list is live
            if self._keep_next_load:
                self._keep_next_load = not self._keep_first_screen()
        self._update_header()
        self._update_context()

    @on(MessageList.Highlighted)
    def _highlighted(self) -> None:
        self._update_context()

    def _update_context(self) -> None:
        ml = self.message_list
        context = Text(end="")
        if ml.marked:
            context.append(f"{len(ml.marked)} marked  ", style="bold")
        if ml.total:
            context.append(f"{ml.cursor + 1:,}/{ml.total:,} ")
        self.set_context(context)

    @on(MessageList.Opened)
    def _opened(self, event: MessageList.Opened) -> None:
        # deferred: start-up (the reader and its body widget load when a message is first opened)
        from po6_tui.ui.mail.reader import ReaderScreen

        self.app.push_screen(ReaderScreen(event.summary, self))

    def step(self, delta: int) -> EmailSummary | None:
        """Move the list cursor (the reader's next/previous); the message there, if loaded."""
        ml = self.message_list
        before = ml.cursor
        ml.cursor = before + delta
        if ml.cursor == before:
            return None
        return ml.current

    # -- message actions (see actions.py) ---------------------------------------------------
    def action_targets(self) -> list[EmailSummary]:
        current = self.message_list.current
        return [current] if current is not None else []

    def marked_targets(self) -> list[EmailSummary]:
        return list(self.message_list.marked.values())

    def clear_marks(self) -> None:
        self.message_list.clear_marks()
        self._update_context()

    def session_for(self, summary: EmailSummary) -> AccountSession:
        return self.session_named(self.source.place.account) if self.source else self.app.active

    def mailbox_id_for(self, summary: EmailSummary) -> str:
        return summary.mailbox_id or (self.source.place.mailbox_id if self.source else "") or ""

    def folder_for(self, summary: EmailSummary) -> str | None:
        if summary.folder or self.source is None or self.source.is_search:
            return summary.folder
        return self.source.place.folder

    def messages_changed(self, updated: list[EmailSummary]) -> None:
        self.message_list.update_messages(updated)
        self._refresh_counts_soon()

    def messages_moved(self, moved: list[EmailSummary]) -> None:
        if self.source and self.source.is_search:
            self.message_list.update_messages(moved)
        else:
            self.message_list.remove_messages(m.id for m in moved)
        self._refresh_counts_soon()

    def messages_deleted(self, ids: list[str]) -> None:
        self.message_list.remove_messages(ids)
        self._refresh_counts_soon()

    def messages_restored(self, restored: list[EmailSummary]) -> None:
        # Back in their folder: this list shows them again where the server lists them (or,
        # in the folder they left by `u`, no longer).
        self.message_list.restore_messages(m.id for m in restored)
        self._refresh_counts_soon()

    def _refresh_counts_soon(self) -> None:
        if self.source is None:
            return
        session = self.session_named(self.source.place.account)
        self._load_account(session)
        if self.source.place.mailbox_id:
            self._load_folders(session, self.source.place.mailbox_id)
        self._update_context()

    # -- keys ------------------------------------------------------------------------------
    def action_back(self) -> None:
        if self.source is not None and self.source.is_search:
            self.leave_search()
            return
        found = host(self)
        if found is not None:
            found.quit_safely()  # asks first while a write waits for its answer
        else:
            self.app.exit()

    def action_clear(self) -> None:
        """Esc: undo the most recent narrowing: find, then search, then filter, then marks."""
        ml = self.message_list
        if ml.find_pattern:
            ml.clear_find()
            self.report("")
        elif self.source is not None and self.source.is_search:
            self.leave_search()
        elif self.source is not None and self.source.filters.active:
            self.set_filter("none")
        elif ml.marked:
            self.clear_marks()

    def leave_search(self) -> None:
        if self._folder_source is not None:
            self._show(self._folder_source)
            self.sidebar.select_place(self._folder_source.place)

    def action_switch_pane(self) -> None:
        # set_focus, not focus(): it takes effect before the next key of a fast burst.
        sidebar = self.sidebar
        if sidebar.has_focus or sidebar.has_class("-hidden"):
            self.set_focus(self.message_list)
        else:
            self.set_focus(sidebar)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.sidebar
        sidebar.toggle_class("-hidden")
        if sidebar.has_class("-hidden"):
            self.set_focus(self.message_list)

    def action_next_unread(self) -> None:
        def settled(found: bool) -> None:
            if found:
                self.report("")
            else:
                self.report("No unread message below this one (U shows only unread messages).", "warning")

        if self.message_list.next_unread(settled) is None:
            self.report("Looking further down for an unread message…")

    def action_find(self) -> None:
        def found(pattern: str | None) -> None:
            if pattern:
                self.message_list.find(pattern)  # a query the syntax refuses: a FindResult with its error

        self.app.push_screen(PromptScreen("/", history="find"), found)

    @on(MessageList.FindResult)
    def _find_result(self, event: MessageList.FindResult) -> None:
        shown = safe.one_line(event.pattern, 60)
        if event.error:
            self.report(safe.one_line(event.error, 300), "warning")
        elif event.found is False:
            self.report(f"/{shown}: no more matches in the loaded messages (:search asks the server).", "warning")
        elif event.found is None:
            self.report(f"/{shown}: looking further…")
        else:
            self.report(f"/{shown}: n next, N previous, Esc clears")

    def action_filter_toggle(self, name: str) -> None:
        if self.source is None:
            return
        self.set_filter_object(self.source.filters.toggled(name))

    # -- commands (see ui/shell/commands.py) ------------------------------------------------------
    def set_filter(self, expression: str) -> None:
        try:
            filters = Query.parse(expression, flag_words=True)
        except QueryError as error:
            self.report(safe.one_line(str(error), 300), "warning")
            return
        self.set_filter_object(filters)

    def set_filter_object(self, filters: Query) -> None:
        base = self._folder_source or self.source
        if base is None:
            return
        self._show(Source(base.place, filters))
        self.report(f"Filter: {filters.describe()}" if filters.active else "Filter cleared.")

    def search(self, query: str, *, everywhere: bool) -> None:
        base = self._folder_source or self.source
        if base is None:
            self.report("Not connected yet.", "warning")
            return
        try:
            parsed = Query.parse(query)
        except QueryError as error:
            self.report(safe.one_line(str(error), 300), "warning")
            return
        if not parsed.search_text():
            self.report(f"{safe.one_line(query, 60)}: a search needs words (or from:, subject:) to send to the "
                        "server; :filter narrows the folder by the rest.", "warning")
            return
        self._show(Source(base.place, Query(), query=query, search=parsed, everywhere=everywhere))
        self.set_focus(self.message_list)
        self.report("Searching on the server…  q or Esc goes back to the folder.", transient=True)

    def folder_names(self) -> list[str]:
        if self.source is None:
            return []
        session = self.session_named(self.source.place.account)
        return [f.name for f in session.folders.get(self.source.place.mailbox_id or "", [])]

    def mailbox_addresses(self) -> list[str]:
        return [m.address for s in self.app.mail_accounts for m in s.mailboxes]

    def open_folder_named(self, name: str) -> None:
        if self.source is None:
            return
        names = {n.casefold(): n for n in self.folder_names()}
        folder = names.get(name.casefold(), name)
        place = self.source.place
        self.open_place(Place(place.account, place.mailbox_id, folder))

    def open_mailbox_named(self, address: str) -> None:
        """`:mailbox ADDRESS`: an exact address or id, else a unique beginning (`:mailbox research`)."""
        wanted = address.strip()
        known = [(s, m) for s in self.app.mail_accounts for m in s.mailboxes]
        found = [(s, m) for s, m in known if m.address.casefold() == wanted.casefold() or m.id == wanted]
        found = found or [(s, m) for s, m in known if m.address.casefold().startswith(wanted.casefold())]
        if len(found) == 1:
            session, mailbox = found[0]
            self.open_place(Place(session.name, mailbox.id, "INBOX"))
        elif found:
            names = ", ".join(safe.one_line(m.address, 60) for _s, m in found[:5])
            self.report(f"{safe.one_line(wanted, 60)} matches {len(found)} mailboxes ({names}): type more, "
                        "or Tab to complete", "warning")
        else:
            self.report(f"No mailbox {safe.one_line(wanted, 60)}", "warning")

    def open_account(self, session: AccountSession) -> None:
        if session.mailboxes:
            self.open_place(Place(session.name, session.mailboxes[0].id, "INBOX"))
        else:
            self.app.active = session
            self._load_account(session, first=True)
