"""A message body as a virtual (Line API) view: a body of any length scrolls at constant cost.

Both readers (PO6 and Postern) show a `safe.Body` here: a line saying which version is shown, the
body itself, and the "Links … where they really go" section. Only the rows on screen are drawn
(`render_line`). Lines are wrapped to the width in chunks of CHUNK_LINES, when a chunk first
comes on screen; until then a chunk's height is estimated from its lines' lengths (exact for
lines that fit, which is nearly every line of a long mail), so a 100,000-line or 10 MB body shows
its first screen without wrapping the rest. All text comes from `ui/safe` as Rich `Text`
(never markup), so nothing here interprets server text.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, repeat

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from po6_tui.ui import safe
from po6_tui.ui.kit.strips import text_strip

CHUNK_LINES = 256  # lines wrapped together: a few ms of work, a few screens of text
PIECE_CHARS = 4_000  # a longer line is cut into pieces first, so one line never costs more
CHUNK_CACHE_SIZE = 64  # wrapped chunks kept (their heights are always kept)


@dataclass
class _Chunk:
    """Up to CHUNK_LINES lines (or pieces of a long line) of one part (source line, body, links)."""

    part: Text
    start: int                 # where the chunk's first line starts in `part.plain`
    lengths: list[int]         # each line's length, newline excluded
    gaps: list[int] | None     # what follows each line: 1 (a newline) or 0 (the next piece); None: all 1
    longest: int
    rows: int = 0              # wrapped height for the current width: estimated until `exact`
    exact: bool = False

    def spans(self) -> list[tuple[int, int]]:
        """Each line's (start, end) in `part.plain`."""
        spans = []
        position = self.start
        for length, gap in zip(self.lengths, self.gaps or repeat(1, len(self.lengths)), strict=True):
            spans.append((position, position + length))
            position += length + gap
        return spans

    def estimate_rows(self, width: int) -> int:
        """One row per line that fits, else at least as many as its characters need."""
        if self.longest <= width:
            return len(self.lengths)
        return sum(1 if length <= width else -(-length // width) for length in self.lengths)


def source_line(body: safe.Body, *, has_both: bool) -> Text:
    """Which version of the message is shown, and that `v` shows the other (when there is one)."""
    source = Text(end="", style="dim italic")
    if body.source == "html":
        source.append("HTML converted to text (images and scripts left out)")
    if has_both:
        source.append(("   " if source else "") + "v shows the "
                      + ("plain text" if body.source == "html" else "HTML") + " version")
    return source


def links_section(body: safe.Body) -> Text:
    """The links, numbered as in the body, with their real targets, under a title ("" when none)."""
    section = Text(end="")
    if body.links:
        section.append(f"Links ({len(body.links)}): where they really go\n", style="bold")
        section.append_text(safe.links_text(body.links))
    return section


def _part_chunks(part: Text, *, blank_above: bool) -> list[_Chunk]:
    """A part's lines in chunks of CHUNK_LINES: what does not depend on the width, worked out once
    per message without a Python object per line (a 100,000-line body costs ~20 ms).
    `blank_above` starts the part with an empty line (the gap above the links)."""
    lengths = list(map(len, part.plain.split("\n")))
    gaps: list[int] | None = None
    if max(lengths) > PIECE_CHARS or blank_above:
        # Cut long lines into pieces (no line costs more than PIECE_CHARS to wrap); say which
        # pieces end a line.
        pieces, gaps = [0] if blank_above else [], [0] if blank_above else []
        for length in lengths:
            count = max(1, -(-length // PIECE_CHARS))
            pieces.extend(min(PIECE_CHARS, length - k * PIECE_CHARS) for k in range(count))
            gaps.extend([0] * (count - 1) + [1])
        lengths = pieces
    chunks = []
    position = 0
    for first in range(0, len(lengths), CHUNK_LINES):
        chunk_lengths = lengths[first:first + CHUNK_LINES]
        chunk_gaps = gaps[first:first + CHUNK_LINES] if gaps is not None else None
        chunks.append(_Chunk(part, position, chunk_lengths, chunk_gaps, max(chunk_lengths)))
        position += sum(chunk_lengths) + (sum(chunk_gaps) if chunk_gaps is not None else len(chunk_lengths))
    return chunks


class MessageBodyView(ScrollView, can_focus=True, inherit_bindings=False):
    """The body of the message a reader shows. The reader binds the keys (its own binding ids)
    to `scroll_lines`, `page`, `top` and `bottom`. (Not `loading`: that is Textual's.)"""

    COMPONENT_CLASSES = {"message-body--source"}

    DEFAULT_CSS = """
    MessageBodyView { height: 1fr; padding: 0 1; }
    MessageBodyView > .message-body--source { color: $text-muted; }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.source = Text(end="")
        self.body = Text("Loading…", style="dim", end="")
        self.links = Text(end="")
        self._parts: list[list[_Chunk]] = [_part_chunks(self.body, blank_above=False)]
        self._chunks: list[_Chunk] = []
        self._ends: list[int] = []  # cumulative rows at the end of each chunk
        self._width = 0  # the width the chunks are laid out for (0: not yet)
        self._wrapped: LRUCache[int, list[Strip]] = LRUCache(CHUNK_CACHE_SIZE)
        self._base_style: Style | None = None
        self._relayout_pending = False

    # -- feeding -----------------------------------------------------------------------
    def show(self, body: safe.Body, *, has_both: bool) -> None:
        """Show a message body (from the top). `has_both`: the message has a plain and an HTML
        version, so the source line says that `v` switches."""
        self._set(source_line(body, has_both=has_both), body.text, links_section(body))

    def show_loading(self) -> None:
        """"Loading…" while the next message is fetched."""
        self._set(Text(end=""), Text("Loading…", style="dim", end=""), Text(end=""))

    def _set(self, source: Text, body: Text, links: Text) -> None:
        self.source, self.body, self.links = source, body, links
        parts = [part for part in (source, body, links) if part.plain]
        self._parts = [_part_chunks(part, blank_above=part is links and len(parts) > 1) for part in parts]
        self._width = 0  # laid out again at the next draw
        self._layout()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    @property
    def total_rows(self) -> int:
        return self._ends[-1] if self._ends else 0

    # -- layout ------------------------------------------------------------------------
    def _content_width(self) -> int:
        return max(1, self.scrollable_content_region.width or self.size.width)

    def _layout(self) -> None:
        """Split the parts into chunks with estimated heights for the current width."""
        chunks = [chunk for part_chunks in self._parts for chunk in part_chunks]
        width = self._content_width()
        height = self.scrollable_content_region.height
        scrollbar = self.styles.scrollbar_size_vertical
        if (not self.show_vertical_scrollbar and height and width > scrollbar
                and sum(chunk.estimate_rows(width) for chunk in chunks) > height):
            # The body will not fit: lay it out for the width left once the scrollbar shows,
            # not once now and again when it appears (a second wrap of the first screens).
            width -= scrollbar
        self._width = width
        self._wrapped.clear()
        for chunk in chunks:
            chunk.rows, chunk.exact = chunk.estimate_rows(width), False
        self._chunks = chunks
        self._update_size()

    def _update_size(self) -> None:
        self._ends = list(accumulate(chunk.rows for chunk in self._chunks))
        self.virtual_size = Size(self._width, max(1, self.total_rows))

    def _strips(self, index: int) -> list[Strip]:
        """Chunk `index` wrapped to the width (cached); makes its height exact."""
        strips = self._wrapped.get(index)
        if strips is not None:
            return strips
        chunk = self._chunks[index]
        width = self._width
        base = self._base()
        if chunk.part is self.source:
            base = base + self.get_component_rich_style("message-body--source")
        console = self.app.console
        spans = chunk.spans()
        first, last = spans[0][0], spans[-1][1]
        # One slice of the (possibly huge) part, then small slices of that: each costs the spans in it.
        piece = chunk.part[first:last]
        plain = None if piece.spans else piece.plain  # unstyled text (most bodies): a faster path
        plain_style = base + console.get_style(piece.style) if piece.style else base
        strips = []
        for start, end in spans:
            if plain is not None:
                text = plain[max(0, start - first):max(0, end - first)]
                cells = cell_len(text)
                if cells <= width and "\t" not in text:
                    strips.append(Strip([Segment(text, plain_style), Segment(" " * (width - cells), self._base())],
                                        width))
                    continue
            line = piece[max(0, start - first):max(0, end - first)]
            if "\t" in line.plain:
                line.expand_tabs()
            rows = [line] if line.cell_len <= width else line.wrap(console, width, overflow="fold")
            for row in rows:
                # The Text's own style (the source line's dim italic) goes under its spans.
                style = base + console.get_style(row.style) if row.style else base
                strips.append(text_strip(row, console, style, width, self._base()))
        self._wrapped[index] = strips
        if not chunk.exact:
            chunk.exact = True
            if chunk.rows != len(strips):
                chunk.rows = len(strips)
                self._update_size()
                self.refresh()  # rows below this chunk moved
        return strips

    def _base(self) -> Style:
        # `rich_style` walks every ancestor: once per style change, not once per line.
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base_style = None
        self._wrapped.clear()

    def on_resize(self, _event: events.Resize) -> None:
        if self._width and self._content_width() != self._width:
            self._relayout()

    def _relayout(self) -> None:
        """Wrap for a new width, keeping the line at the top of the screen at the top."""
        self._relayout_pending = False
        top_chunk = bisect_right(self._ends, int(self.scroll_offset.y)) if self._ends else 0
        self._layout()
        if top_chunk < len(self._chunks):
            self.scroll_to(y=self._ends[top_chunk] - self._chunks[top_chunk].rows, animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        if self._content_width() != self._width and not self._relayout_pending:
            # The width changed without a resize (the scrollbar came or went).
            self._relayout_pending = True
            self.call_later(self._relayout)
        width = self._width
        row = int(self.scroll_offset.y) + y
        if row >= self.total_rows:
            return Strip.blank(width, self._base())
        index = bisect_right(self._ends, row)
        strips = self._strips(index)
        local = row - (self._ends[index] - self._chunks[index].rows)
        if local < len(strips):
            return strips[local]
        return Strip.blank(width, self._base())  # the estimate was high: the next draw is right

    # -- moving ------------------------------------------------------------------------
    def scroll_lines(self, lines: int) -> None:
        self.scroll_to(y=self.scroll_offset.y + lines, animate=False, immediate=True)

    def page(self, pages: int) -> None:
        step = max(1, self.scrollable_content_region.height - 1)
        self.scroll_to(y=self.scroll_offset.y + pages * step, animate=False, immediate=True)

    def top(self) -> None:
        self.scroll_to(y=0, animate=False, immediate=True)

    def bottom(self) -> None:
        # Make the heights of the last screen's chunks exact first, so the end is the end.
        height = max(1, self.scrollable_content_region.height)
        covered = 0
        for index in range(len(self._chunks) - 1, -1, -1):
            if covered >= height:
                break
            covered += len(self._strips(index))
        self.scroll_to(y=max(0, self.total_rows - height), animate=False, immediate=True)


# The reading keys of every screen that shows a body (the PO6 and Postern readers): one id each,
# so a remap in config.toml moves the key in both.
READING_BINDINGS = [
    Binding("j,down", "scroll(1)", "Down", show=False, id="reader.down"),
    Binding("k,up", "scroll(-1)", "Up", show=False, id="reader.up"),
    Binding("space,pagedown", "page(1)", "Page down", show=False, id="reader.page_down"),
    Binding("b,pageup", "page(-1)", "Page up", show=False, id="reader.page_up"),
    Binding("g,home", "top", "Top", show=False, id="reader.top"),
    Binding("G,end", "bottom", "Bottom", show=False, id="reader.bottom"),
]


class BodyReading:
    """The reading keys' actions (j/k, pages, top, bottom) for a screen showing one MessageBodyView:
    the screens keep the bindings (and their ids), the widget does the scrolling."""

    def action_scroll(self, lines: int) -> None:
        self.query_one(MessageBodyView).scroll_lines(lines)

    def action_page(self, pages: int) -> None:
        self.query_one(MessageBodyView).page(pages)

    def action_top(self) -> None:
        self.query_one(MessageBodyView).top()

    def action_bottom(self) -> None:
        self.query_one(MessageBodyView).bottom()
