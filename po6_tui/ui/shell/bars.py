"""The top bar (where am I: account, badges, views), the status line (what just happened) and
the key footer (what the keys do here)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from po6_tui.ui import safe
from po6_tui.ui.core.host import host
from po6_tui.ui.shell.views import VIEWS


BANNER_STYLE = "bold white on dark_red"


class TopBar(Static):
    """`po6-tui · account · SANDBOX · READ-ONLY            Mail  Drafts  Sent …`"""

    DEFAULT_CSS = """
    TopBar { height: 1; background: $panel; color: $foreground; }
    """

    def __init__(self, current_view: str, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.current_view = current_view

    def on_mount(self) -> None:
        self.update_bar()
        if host(self) is not None:
            self.watch(self.app, "account_label", lambda _value: self.update_bar(), init=False)
            self.watch(self.app, "connection_banner", lambda _value: self.update_bar(), init=False)

    def on_resize(self) -> None:
        self.update_bar()

    def update_bar(self) -> None:
        app = host(self)
        badges = app.badges() if app is not None else []
        left = Text(" po6-tui ", style="bold")
        left.append_text(safe.text(app.account_label if app is not None else "", max_len=60, style="bold"))
        for badge, style in badges:
            left.append(" ")
            left.append(f" {badge} ", style=style)
        right = Text(end="")
        width = self.size.width or 80
        banner = app.connection_banner if app is not None else ""
        if banner:
            # Offline / rate limited (ui/core/connection.py): it matters more than the list of views,
            # and its countdown more than the app's name and the account (narrow terminals).
            shown = Text(f" {banner} ", style=BANNER_STYLE)
            if left.cell_len + 1 + shown.cell_len > width:
                left = Text(" ")
                for badge, style in badges:
                    left.append(f" {badge} ", style=style)
                    left.append(" ")
            shown.truncate(max(10, width - left.cell_len - 1), overflow="ellipsis")
            self.update(left + Text(" ") + shown)
            return
        names = [(v.name, v.title) for v in VIEWS]
        # Wide terminals list every view; narrow ones show only the current one.
        full = sum(len(title) + 2 for _, title in names)
        if left.cell_len + full + 2 <= width:
            for name, title in names:
                style = "reverse bold" if name == self.current_view else "dim"
                right.append(f" {title} ", style=style)
        else:
            title = next((t for n, t in names if n == self.current_view), self.current_view)
            right.append(f" {title} ", style="reverse bold")
            right.append(" :  ? ", style="dim")
        padding = max(1, width - left.cell_len - right.cell_len)
        self.update(left + Text(" " * padding) + right)


class StatusLine(Static):
    """Left: the last thing that happened (errors stay until the next message). Right: context."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text-muted; }
    StatusLine.-error { color: $error; text-style: bold; }
    StatusLine.-warning { color: $warning; }
    """

    message: reactive[str] = reactive("", layout=False)
    transient = False  # the message describes a job under way (see show)
    context: reactive[Text] = reactive(Text(), layout=False, always_update=True)

    def show(self, message: str, severity: str = "information", *, transient: bool = False) -> None:
        """`transient`: the message says a job is under way ("Searching…"); the job's end
        clears it (`clear(only_transient=True)`), so it never outlives what it describes."""
        self.set_class(severity == "error", "-error")
        self.set_class(severity == "warning", "-warning")
        self.transient = transient
        self.message = message

    def clear(self, *, only_transient: bool = False) -> None:
        if only_transient and not self.transient:
            return
        self.show("")

    def watch_message(self) -> None:
        self._redraw()

    def watch_context(self) -> None:
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()

    def _redraw(self) -> None:
        width = self.size.width or 80
        right = self.context.copy()
        left = safe.text(self.message, max_len=400)
        room = max(0, width - right.cell_len - 2)
        if left.cell_len <= room:
            padding = max(1, width - left.cell_len - right.cell_len - 1)
            self._lines(Text(" ") + left + Text(" " * padding) + right, 1)
            return
        # Too long for one line (at 80 columns, "… may or may not have taken effect; check
        # before trying again." lost its end): up to MAX_LINES lines, the context on the last.
        left.no_wrap = False  # safe.text makes one-line texts
        lines = list(left.wrap(self.app.console, max(10, width - 2)))
        if len(lines) > self.MAX_LINES:
            lines = lines[:self.MAX_LINES]
            lines[-1].truncate(max(10, width - 3))
            lines[-1].append("…")
        last = lines[-1]
        padding = width - 2 - last.cell_len - right.cell_len
        if padding >= 1:
            lines[-1] = last + Text(" " * padding) + right
        shown = Text("\n").join(Text(" ") + line for line in lines)
        self._lines(shown, len(lines))

    MAX_LINES = 3

    def _lines(self, text: Text, count: int) -> None:
        # A layout pass only when the height changes: the line is redrawn on every cursor move
        # (its context), and a layout of the whole screen per j/k is what this avoids.
        if self.styles.height is None or self.styles.height.value != count:
            self.styles.height = count
            self.update(text)
        else:
            self.update(text, layout=False)


class KeyFooter(Footer):
    """Textual's footer, with only the hints that fit whole: at 80 columns a view with many keys
    had its last hint cut mid-word ("l Lea", ": C"). The ones at the end go first, except the
    command line and help, which stay: `?` lists every key of the view."""

    KEPT = frozenset({"command_line", "help"})

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._composed_for = 0

    def compose(self) -> ComposeResult:
        keys = list(super().compose())
        room = self.size.width
        self._composed_for = room
        if room <= 0 or not all(isinstance(key, FooterKey) for key in keys):
            yield from keys  # before the first layout, or with groups (none here): all of them
            return
        shown = list(keys)
        for key in reversed(keys):
            if sum(map(_hint_width, shown)) <= room:
                break
            if key.action not in self.KEPT:
                shown.remove(key)
        yield from shown

    def on_resize(self) -> None:
        if self.size.width != self._composed_for:
            self.call_after_refresh(self.recompose)


def _hint_width(key: FooterKey) -> int:
    # Compact footer: the key, a space and the words, then one column of margin.
    words = Text(key.description).cell_len
    return Text(key.key_display).cell_len + (1 + words if words else 0) + 1
