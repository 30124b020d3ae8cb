"""The message list: a virtual (Line API) view over a folder of any size.

Only the rows on screen are rendered (`render_line`), and only the pages near the viewport are
fetched from the server, each in a worker, through a `loader(offset, limit) -> (rows, total)`.
Rows not loaded yet show a placeholder. The cursor and the marks (by message id) survive
refreshes: a refresh keeps showing the old rows until the new ones arrive, and moves the cursor
with its message if new mail pushed it down.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from po6_tui.api.models import EmailSummary
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.paging import PageCache
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.strips import text_strip
from po6_tui.ui.kit.table import LIST_BINDINGS
from po6_tui.ui.mail.query import Query, QueryError

Loader = Callable[[int, int], Awaitable[tuple[list[EmailSummary], int]]]

PAGE_SIZE = 100  # the PO6 maximum for list_emails
FIND_SCAN_PAGES = 10  # how far `/` looks past the loaded rows before giving up
RENDER_AHEAD_DELAY = 0.02  # seconds after a scroll before the next screenful is drawn ahead
LINE_CACHE_SIZE = 400  # rendered rows kept: a few screens' worth, at any terminal height


@dataclass(frozen=True)
class Columns:
    """Cell widths for one terminal width; computed once per width."""

    width: int
    sender: int
    date: int
    subject: int
    mailbox: int = 0  # `:search-all`: the mailbox of each hit, after the sender

    NARROW = 70  # below: the subject comes first (at 80 columns it was cut to 25 characters)

    @classmethod
    def for_width(cls, width: int, *, mailbox: bool = False) -> Columns:
        narrow = width < cls.NARROW
        date = timefmt.NARROW_WIDTH if narrow else timefmt.SHORT_WIDTH
        sender = max(10, min(28, width // (5 if narrow else 4)))
        marks = 5
        mailbox_width = max(12, min(24, width // 5)) if mailbox else 0
        subject = max(0, width - marks - sender - date - 2 - (mailbox_width + 1 if mailbox else 0))
        return cls(width, sender, date, subject, mailbox_width)

    @property
    def narrow(self) -> bool:
        return self.width < self.NARROW


class MessageList(ScrollView, can_focus=True):
    """A folder (or search result) as a list, newest first."""

    HELP_GROUP = "Message list"

    BINDINGS = [
        *LIST_BINDINGS,
        Binding("space", "toggle_mark", "Mark", show=False, id="list.mark"),
        Binding("enter", "open", "Open", show=False, id="list.open"),
        # Only while a find is active (see check_action); otherwise N reaches the screen (read/unread).
        # Shown then, so the footer says what N does now.
        Binding("n", "find_step(1)", "Next match", id="list.find_next"),
        Binding("N", "find_step(-1)", "Previous match", id="list.find_previous"),
    ]

    COMPONENT_CLASSES = {
        "message-list--cursor",
        "message-list--unread",
        "message-list--marked",
        "message-list--placeholder",
        "message-list--match",
        "message-list--gone",
        "message-list--dim",
        "message-list--star",
    }

    DEFAULT_CSS = """
    /* Never sideways: a row is cut to the width. (A width taken before the vertical scrollbar
       came made a sideways scrollbar, over the bottom row: after G, the very row G moved to.) */
    MessageList { background: $surface; overflow-x: hidden; }
    MessageList > .message-list--cursor { background: $block-cursor-blurred-background; }
    MessageList:focus > .message-list--cursor { background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold; }
    MessageList > .message-list--unread { text-style: bold; color: $text; }
    MessageList > .message-list--marked { color: $accent; text-style: bold; }
    MessageList > .message-list--placeholder { color: $text-disabled; }
    MessageList > .message-list--match { text-style: underline; }
    MessageList > .message-list--gone { color: $text-disabled; text-style: strike; }
    MessageList > .message-list--dim { color: $text-muted; }
    MessageList > .message-list--star { color: $warning; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor is on a new row (or on nothing: `summary` is None)."""

        def __init__(self, message_list: MessageList, summary: EmailSummary | None) -> None:
            super().__init__()
            self.message_list = message_list
            self.summary = summary

    class Opened(Message):
        def __init__(self, message_list: MessageList, summary: EmailSummary) -> None:
            super().__init__()
            self.message_list = message_list
            self.summary = summary

    class FindResult(Message):
        """A find moved the cursor (`found` True), found nothing (False) or is fetching (None);
        `error` says what of the pattern the query syntax did not understand (found False)."""

        def __init__(self, message_list: MessageList, pattern: str, found: bool | None, error: str = "") -> None:
            super().__init__()
            self.message_list = message_list
            self.pattern = pattern
            self.found = found
            self.error = error

    class Loaded(Message):
        """A page arrived; `total` is the server's current count."""

        def __init__(self, message_list: MessageList, total: int) -> None:
            super().__init__()
            self.message_list = message_list
            self.total = total

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._loader: Loader | None = None
        self._cache: PageCache[EmailSummary] = PageCache(PAGE_SIZE)
        self.total: int | None = None  # None until the first page answers
        self.showing_cached = False  # rows kept from the last session, until the server answers
        self._want_last = False  # G was pressed before the real total was known
        self.marked: dict[str, EmailSummary] = {}
        self._gone: set[str] = set()  # moved/deleted here; shown struck out until the refresh
        self._find: str = ""
        self._find_query = Query()  # `_find` parsed (query.py)
        self._mailbox_of: Callable[[EmailSummary], str] | None = None  # the mailbox column, when shown
        # A look ahead (find, next unread) waiting for a page it asked for: run again when it comes.
        self._seek_again: Callable[[], object] | None = None
        self._seek_key: tuple = ()  # what the pages counted in `_seek_scanned` were fetched for
        self._seek_scanned = 0  # pages fetched past the loaded ones for the current look ahead
        self._cursor_id: str | None = None  # the message the cursor should follow on refresh
        self._fetch_timer = None
        self._columns: Columns | None = None
        self._base_style: Style | None = None
        self._line_cache: LRUCache[tuple, Strip] = LRUCache(LINE_CACHE_SIZE)
        self._render_ahead_pending = False
        self._travel = 1  # the direction of the last scroll: where the next screenful is drawn ahead
        self.empty_text = "(no messages)"
        self._normal_empty_text = self.empty_text  # shown again once a failed first load succeeds

    # -- feeding -----------------------------------------------------------------------
    def load(self, loader: Loader, *, empty_text: str = "(no messages)",
             first_page: tuple[list[EmailSummary], int] | None = None,
             mailbox_of: Callable[[EmailSummary], str] | None = None) -> None:
        """Show another folder or result set: forget rows, marks and position. `first_page`
        (rows and total kept from the last session) is shown at once and fetched again.
        `mailbox_of` adds a mailbox column (results from several mailboxes)."""
        self._loader = loader
        if (mailbox_of is None) != (self._mailbox_of is None):
            self._columns = None
            self._line_cache.clear()  # rows drawn with (or without) the column
        self._mailbox_of = mailbox_of
        self.empty_text = self._normal_empty_text = empty_text
        self._cache.clear()
        self.total = None
        self.marked.clear()
        self._gone.clear()
        self._seek_again = None
        self._cursor_id = None
        self.cursor = 0
        self._want_last = False
        self.scroll_to(0, 0, animate=False, immediate=True, force=True)
        self.showing_cached = first_page is not None
        if first_page is not None:
            rows, total = first_page
            self._page_arrived(0, self._cache.begin(0), rows, total)
            self._cache.refresh()  # shown until the server's page replaces it
        self._update_virtual_size()
        self.refresh()
        self._fetch_wanted()

    def reload(self) -> None:
        """Fetch what is on screen again, keeping rows, cursor and marks (auto-refresh, R)."""
        if self._loader is None:
            return
        current = self.current
        self._cursor_id = current.id if current else None
        self._cache.refresh()
        self._fetch_wanted()

    @property
    def current(self) -> EmailSummary | None:
        if not self.total:
            return None
        return self._cache.get(self.cursor)

    def row(self, index: int) -> EmailSummary | None:
        return self._cache.get(index)

    def targets(self) -> list[EmailSummary]:
        """What an action applies to: the marked messages, else the one under the cursor."""
        if self.marked:
            return list(self.marked.values())
        current = self.current
        return [current] if current is not None else []

    def update_messages(self, changed: Iterable[EmailSummary]) -> None:
        """Show new flags (read, starred) without a round trip."""
        by_id = {summary.id: summary for summary in changed}
        self._cache.replace_row(lambda row: row.id in by_id, lambda row: by_id[row.id])
        for message_id in by_id.keys() & self.marked.keys():
            self.marked[message_id] = by_id[message_id]
        self.refresh()
        self._post_highlight()

    def remove_messages(self, ids: Iterable[str]) -> None:
        """Messages that left this list (moved, deleted): struck out now, gone after the refresh."""
        ids = set(ids)
        self._gone |= ids
        for message_id in ids:
            self.marked.pop(message_id, None)
        self.refresh()
        self._cache.refresh()
        self._cursor_id = None  # the cursor stays at its index: the next message moves up to it
        self._fetch_wanted()

    def restore_messages(self, ids: Iterable[str]) -> None:
        """Messages moved back (undo): no longer struck out; the rows on screen are fetched again."""
        self._gone -= set(ids)
        self.reload()
        self.refresh()

    # -- fetching ----------------------------------------------------------------------
    def _visible_range(self) -> tuple[int, int]:
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height or self.size.height)
        return top, top + height - 1

    def _schedule_fetch(self) -> None:
        # Coalesce bursts (holding PageDown, dragging the scrollbar) into one fetch of the
        # pages where the viewport settles.
        if self._fetch_timer is not None:
            self._fetch_timer.stop()
        self._fetch_timer = self.set_timer(0.04, self._fetch_wanted)

    def _fetch_wanted(self) -> None:
        self._fetch_timer = None
        if self._loader is None:
            return
        top, bottom = self._visible_range()
        # An empty list still asks for its first page on refresh: mail may have arrived, or
        # the first load failed ("R to retry").
        wanted = self._cache.wanted(top, bottom, self.total or None)
        # A page beyond the viewport in the direction of travel makes j/PageDown smooth.
        if self.total is not None:
            wanted += [s for s in self._cache.wanted(bottom + 1, bottom + PAGE_SIZE // 2, self.total)
                       if s not in wanted]
        for start in wanted[:4]:
            self._fetch_page(start)

    def _fetch_page(self, start: int) -> None:
        loader = self._loader
        assert loader is not None
        generation = self._cache.begin(start)

        async def fetch() -> tuple[list[EmailSummary], int]:
            return await loader(start, PAGE_SIZE)

        def done(result: tuple[list[EmailSummary], int]) -> None:
            if loader is not self._loader:
                return  # the operator moved to another folder meanwhile
            rows, total = result
            self.showing_cached = False
            self._page_arrived(start, generation, rows, total)

        def failed(_error: BaseException) -> None:
            if loader is self._loader:
                self._cache.fail(start, generation)
                if self.total is None:
                    self.total = 0
                    self.empty_text = "(could not load: R to retry)"
                self.refresh()

        run_io(self, fetch, what="Loading messages", done=done, failed=failed, group="message-pages")

    def _page_arrived(self, start: int, generation: int, rows: list[EmailSummary], total: int) -> None:
        first_answer = self.total is None
        if not self._cache.store(start, generation, rows):
            return
        self.empty_text = self._normal_empty_text
        if total != self.total:
            if self.total is not None and total < self.total:
                self._cache.truncate(total)
            self.total = max(0, total)
            self._update_virtual_size()
        self._follow_cursor_message(start, rows)
        if self.total and self.cursor >= self.total:
            self.cursor = self.total - 1
        if self._want_last and not self.showing_cached and self.total:
            self._want_last = False
            # After the refresh: the new height must be laid out before the view can scroll there.
            self.call_after_refresh(self.action_last)
        self.refresh()
        self._schedule_render_ahead()
        self.post_message(self.Loaded(self, self.total or 0))
        if first_answer or self.cursor in range(start, start + len(rows)):
            self._post_highlight()
        again, self._seek_again = self._seek_again, None
        if again is not None:
            again()
        self._schedule_fetch()

    def _follow_cursor_message(self, start: int, rows: list[EmailSummary]) -> None:
        if self._cursor_id is None:
            return
        for offset, row in enumerate(rows):
            if row.id == self._cursor_id:
                index = start + offset
                self._cursor_id = None
                if index != self.cursor:
                    # Keep the message at the same place on screen: scroll by the same amount.
                    delta = index - self.cursor
                    self.scroll_to(y=self.scroll_offset.y + delta, animate=False, immediate=True, force=True)
                    self.cursor = index
                return

    # -- geometry ----------------------------------------------------------------------
    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width or self.size.width, max(1, self.total or 0))

    def on_resize(self, _event: events.Resize) -> None:
        self._columns = None
        self._update_virtual_size()
        self._schedule_fetch()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._travel = 1 if new >= old else -1
        self._schedule_fetch()
        self._schedule_render_ahead()

    def validate_cursor(self, value: int) -> int:
        if not self.total:
            return 0
        return max(0, min(value, self.total - 1))

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh(Region(0, old - int(self.scroll_offset.y), self.size.width, 1))
        self.refresh(Region(0, new - int(self.scroll_offset.y), self.size.width, 1))
        self._scroll_cursor_into_view()
        self._post_highlight()

    # Every scroll here is `force`d: Textual only scrolls a widget whose scrollbar is already
    # laid out, and the list's height grows (total known) a frame before its scrollbar comes. A
    # G in that frame moved the cursor to the last row and left the view at the top (issue 21).
    def _scroll_cursor_into_view(self) -> None:
        top, bottom = self._visible_range()
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor > bottom:
            self.scroll_to(y=self.cursor - (bottom - top), animate=False, immediate=True, force=True)

    def _post_highlight(self) -> None:
        self.post_message(self.Highlighted(self, self.current))

    # -- actions -----------------------------------------------------------------------
    def _page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_down(self) -> None:
        self._want_last = False  # another move: a G still waiting for the total is dropped
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self._want_last = False  # another move: a G still waiting for the total is dropped
        self.cursor -= 1

    def action_page_down(self) -> None:
        self._want_last = False  # another move: a G still waiting for the total is dropped
        step = self._page_height()
        self.scroll_to(y=self.scroll_offset.y + step, animate=False, immediate=True, force=True)
        self.cursor += step

    def action_page_up(self) -> None:
        self._want_last = False  # another move: a G still waiting for the total is dropped
        step = self._page_height()
        self.scroll_to(y=self.scroll_offset.y - step, animate=False, immediate=True, force=True)
        self.cursor -= step

    def action_first(self) -> None:
        self._want_last = False  # another move: a G still waiting for the total is dropped
        self.cursor = 0
        self._fetch_wanted()

    def action_last(self) -> None:
        # Jump first, then fetch (at once: a jump is not a burst to coalesce) the page where
        # the viewport landed. Pressed before the server said how many there are (or while the
        # list shows the last session's page), the jump is made again when it answers: a G
        # pressed at once is not lost.
        self.cursor = (self.total or 1) - 1
        self._want_last = self.total is None or self.showing_cached
        self._fetch_wanted()

    def action_toggle_mark(self) -> None:
        current = self.current
        if current is None:
            return
        if current.id in self.marked:
            del self.marked[current.id]
        else:
            self.marked[current.id] = current
        self.cursor += 1
        self.refresh()

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()

    def action_open(self) -> None:
        current = self.current
        if current is not None and current.id not in self._gone:
            self.post_message(self.Opened(self, current))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if self.total and index < self.total:
            if index == self.cursor and event.chain >= 2:
                self.action_open()
            self.cursor = index

    # -- find (/, n, N) ----------------------------------------------------------------
    def _matches(self, row: EmailSummary) -> bool:
        """The find's test. Plain text is found as typed in the subject or the sender, as
        before the query syntax; anything else is the query's terms (query.py)."""
        if self._find_query.is_plain:
            needle = self._find.casefold()
            return needle in row.subject.casefold() or needle in row.from_.casefold()
        return self._find_query.matches(row)

    @property
    def find_pattern(self) -> str:
        return self._find

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "find_step":
            return bool(self._find)
        return True

    def action_find_step(self, direction: int) -> None:
        self.find(self._find, backwards=direction < 0)

    def find(self, pattern: str, *, backwards: bool = False) -> bool | None:
        try:
            query = Query.parse(pattern)
        except QueryError as error:
            self.post_message(self.FindResult(self, pattern, False, str(error)))
            return False
        self._find_query = query
        result = self._find_move(pattern, backwards=backwards)
        self.post_message(self.FindResult(self, pattern, result))
        return result

    def _find_move(self, pattern: str, *, backwards: bool = False) -> bool | None:
        """Move to the next row matching `pattern` (subject or sender, case-insensitive)."""
        if bool(pattern) != bool(self._find):
            self.refresh_bindings()  # n/N become "next/previous match" (check_action): the footer says so
        self._find = pattern
        self.refresh()
        if not pattern:
            return False
        return self._seek(("find", pattern), self._matches,
                          lambda: self._find and self.find(self._find), backwards=backwards)

    def next_unread(self, then: Callable[[bool], object]) -> bool | None:
        """Move to the next unread message below the cursor; `then(found)` once that is known
        (at once, or after the pages it fetched arrived). None while pages are fetched."""
        result = self._seek(("unread",), lambda row: not row.is_read, lambda: self.next_unread(then))
        if result is not None:
            then(result)
        return result

    def _seek(self, key: tuple, wanted: Callable[[EmailSummary], bool], again: Callable[[], object], *,
              backwards: bool = False) -> bool | None:
        """Move the cursor to the next row `wanted` accepts.

        Looks through loaded rows first; going forwards past them it fetches up to
        FIND_SCAN_PAGES more pages (calling `again` as each arrives), then gives up (`:search`
        and the filters ask the server instead). True when found, False when not, None while
        still fetching.
        """
        if key != self._seek_key:
            self._seek_key, self._seek_scanned = key, 0
        if not self.total:
            return False
        rows = list(self._cache.loaded_rows())
        if backwards:
            rows = [(i, r) for i, r in reversed(rows) if i < self.cursor]
        else:
            rows = [(i, r) for i, r in rows if i > self.cursor]
        for index, row in rows:
            if row.id not in self._gone and wanted(row):
                self._seek_scanned = 0
                self.cursor = index
                return True
        if backwards:
            return False
        # Fetch the first page after the loaded ones that follow the cursor.
        next_index = self.cursor + 1
        while self._cache.get(next_index) is not None:
            next_index += 1
        if next_index >= self.total or self._seek_scanned >= FIND_SCAN_PAGES:
            self._seek_scanned = 0
            return False
        self._seek_scanned += 1
        self._seek_again = again
        self._fetch_page(self._cache.page_start(next_index))
        return None

    def clear_find(self) -> None:
        if self._find:
            self.refresh_bindings()  # N is "read/unread" again, and the footer shows it
        self._find = ""
        self.refresh()

    # -- rendering ---------------------------------------------------------------------
    def notify_style_update(self) -> None:
        # Theme, focus or CSS changed: the cached base style and rendered rows are stale.
        super().notify_style_update()
        self._base_style = None
        self._line_cache.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width or self.size.width
        index = int(self.scroll_offset.y) + y
        # `rich_style` walks every ancestor: once per style change, not once per line.
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if self.total is None:
            text = Text("Loading…" if y == 0 else "", style=self.get_component_rich_style("message-list--placeholder"))
            return self._strip(text, width, base)
        if self.total == 0:
            text = Text(self.empty_text if y == 0 else "", style=self.get_component_rich_style("message-list--placeholder"))
            return self._strip(text, width, base)
        if index >= self.total:
            return Strip.blank(width, base)
        return self._row_strip(index, width, base)

    def _row_strip(self, index: int, width: int, base: Style) -> Strip:
        row = self._cache.get(index)
        # A row is drawn again on every refresh around it (status updates, a page arriving,
        # j/k next to it): keep what decides its look in the key and reuse the strip.
        # The generation moves with every refresh (R, the timer), which also renews dates
        # drawn relative to today.
        key = (index, width, index == self.cursor, self._find, self._cache.generation,
               None if row is None else (row.id, row.is_read, row.is_starred, row.id in self.marked,
                                         row.id in self._gone),
               row is None and self._cache.failed(index))
        strip = self._line_cache.get(key)
        if strip is None:
            line = self._render_row(index, row, width)
            style = base + self.get_component_rich_style("message-list--cursor") if index == self.cursor else base
            strip = self._strip(line, width, style)
            self._line_cache[key] = strip
        return strip

    def _schedule_render_ahead(self) -> None:
        # Not at once: the frame just composed must reach the terminal first (Textual writes it
        # from another thread, which would wait for the GIL while we draw ahead).
        if not self._render_ahead_pending:
            self._render_ahead_pending = True
            self.set_timer(RENDER_AHEAD_DELAY, self._render_ahead, name="render-ahead")

    def _render_ahead(self) -> None:
        """Once the screen is painted, draw the next screenful in the direction of travel
        into the line cache: PageDown/PageUp then only composes rows already drawn."""
        self._render_ahead_pending = False
        base = self._base_style
        if not self.total or base is None:
            return
        width = self.scrollable_content_region.width or self.size.width
        top, bottom = self._visible_range()
        height = bottom - top + 1
        first = bottom + 1 if self._travel >= 0 else top - height
        for index in range(max(0, first), min(self.total, first + height)):
            if self._cache.get(index) is not None:
                self._row_strip(index, width, base)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        text.truncate(width, overflow="ellipsis", pad=True)
        return text_strip(text, self.app.console, style, width)

    def _render_row(self, index: int, row: EmailSummary | None, width: int) -> Text:
        columns = self._columns
        if columns is None or columns.width != width:
            columns = self._columns = Columns.for_width(width, mailbox=self._mailbox_of is not None)
        if row is None:
            label = "  (could not load: R to retry)" if self._cache.failed(index) else "  …"
            return Text(label, style=self.get_component_rich_style("message-list--placeholder", partial=True))
        def component(name: str) -> Style:
            # Partial: only what the class sets, so the cursor's background shows through.
            return self.get_component_rich_style(name, partial=True)

        marked = row.id in self.marked
        line = Text(end="")
        line.append("*" if marked else " ", style=component("message-list--marked"))
        line.append("●" if not row.is_read else " ", style=component("message-list--unread"))
        line.append("★" if row.is_starred else " ", style=component("message-list--star"))
        line.append("@" if row.has_attachments else " ")
        line.append(" ")
        sender = safe.text(_display_sender(row.from_), max_len=200)
        sender.truncate(columns.sender, overflow="ellipsis", pad=True)
        line.append_text(sender)
        line.append(" ")
        if self._mailbox_of is not None:
            mailbox = safe.text(self._mailbox_of(row), max_len=200, style=component("message-list--dim"))
            mailbox.truncate(columns.mailbox, overflow="ellipsis", pad=True)
            line.append_text(mailbox)
            line.append(" ")
        subject = safe.text(row.subject or "(no subject)", max_len=300)
        if row.snippet and subject.cell_len < columns.subject:
            subject.append("  ")
            subject.append_text(safe.text(row.snippet, max_len=300, style=component("message-list--dim")))
        subject.truncate(columns.subject, overflow="ellipsis", pad=True)
        line.append_text(subject)
        line.append(" ")
        line.append(timefmt.short(row.date, narrow=columns.narrow).rjust(columns.date),
                    style=component("message-list--dim"))
        if not row.is_read:
            line.stylize(component("message-list--unread"), 5,
                          5 + columns.sender + 1 + (columns.mailbox + 1 if columns.mailbox else 0) + columns.subject)
        if marked:
            line.stylize(component("message-list--marked"))
        if self._find and self._matches(row):
            line.stylize(component("message-list--match"), 5)
        if row.id in self._gone:
            line.stylize(component("message-list--gone"))
        return line


def _display_sender(address: str) -> str:
    """'Ada Lovelace <ada@x.org>' -> 'Ada Lovelace'; a bare address stays as it is."""
    name, _, rest = address.partition("<")
    name = name.strip().strip('"').strip()
    return name if name and rest else address
