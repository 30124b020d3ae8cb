"""The message form shared by the draft editor and compose/reply/forward: To, Cc, Subject and
the body (a TextArea), saved to the journal as the operator types, and `$EDITOR` editing.

Saving is debounced (`SAVE_DELAY`) and flushed when the form goes away, so a crash or a dropped
connection loses at most the last half second of typing.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Input, Label, Static, TextArea

from po6_tui.journal import SavedEdit
from po6_tui.ui import safe
from po6_tui.ui.core.host import report
from po6_tui.ui.core.message_text import EditorFileError, from_editor_file, to_editor_file

SAVE_DELAY = 0.5  # seconds of quiet before an edit is written to the journal

FIELDS = ("to", "cc", "subject")


def cleaned(message: SavedEdit) -> SavedEdit:
    """Server text made safe to put in an editable field: escapes and controls removed, hidden
    characters shown as marks (so the operator sees, and the diff shows, what is really there)."""
    return SavedEdit(safe.clean(message.to_text, max_len=5000), safe.clean(message.cc_text, max_len=5000),
                     safe.clean(message.subject, max_len=1000),
                     safe.clean(message.body, single_line=False, max_len=safe.BODY_MAX), message.saved_at)


class MessageForm(Vertical):
    """To / Cc / Subject inputs and the body. `fixed` fields are shown but not editable (a reply
    goes to the original sender); `hidden` ones are not shown (a Postern reply has no headers)."""

    DEFAULT_CSS = """
    MessageForm { height: 1fr; }
    MessageForm .row { height: 1; margin-bottom: 1; }
    MessageForm .row Label { width: 10; text-style: bold; padding: 0 1; }
    /* The fields must stand out from the screen: $boost was one shade off it (234 on 233). */
    MessageForm .row Input { width: 1fr; height: 1; border: none; padding: 0 1; background: $panel-lighten-1; }
    MessageForm .row Input:focus { background: $primary 30%; }
    MessageForm .row .fixed { width: 1fr; padding: 0 1; color: $text-muted; }
    MessageForm #sender { width: 1fr; padding: 0 1; }
    MessageForm TextArea { height: 1fr; }
    """

    def __init__(self, message: SavedEdit, *, sender: Text | str = "", fixed: frozenset[str] = frozenset(),
                 hidden: frozenset[str] = frozenset(), save: Callable[[SavedEdit], None] | None = None,
                 resume: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.message = message
        self.sender = sender
        self.fixed = fixed
        self.hidden = hidden
        self._save = save
        self._timer: Timer | None = None
        self._dirty = False
        self._latest: SavedEdit | None = None  # what was typed last, kept for saving on the way out
        self.resume = resume  # the operator's own text, restored: the cursor goes where they left off

    def compose(self) -> ComposeResult:
        if self.sender:
            with Horizontal(classes="row"):
                yield Label("From")
                yield Static(self.sender, id="sender")
        values = {"to": self.message.to_text, "cc": self.message.cc_text, "subject": self.message.subject}
        for name in FIELDS:
            if name in self.hidden:
                continue
            with Horizontal(classes="row"):
                yield Label(name.capitalize())
                if name in self.fixed:
                    yield Static(safe.text(values[name], max_len=1000), classes="fixed", id=f"fixed-{name}")
                else:
                    yield Input(values[name], id=name, placeholder="(none)" if name == "cc" else "")
        yield TextArea(self.message.body, id="body", soft_wrap=True, show_line_numbers=False,
                       tab_behavior="focus")

    def value(self) -> SavedEdit:
        def field(name: str, default: str) -> str:
            found = self.query(f"Input#{name}")
            return found.first(Input).value if found else default

        return SavedEdit(field("to", self.message.to_text), field("cc", self.message.cc_text),
                         field("subject", self.message.subject), self.query_one("#body", TextArea).text)

    def load(self, message: SavedEdit) -> None:
        """Put `message` in the fields (from $EDITOR or a template); saved like any edit."""
        for name, value in (("to", message.to_text), ("cc", message.cc_text), ("subject", message.subject)):
            found = self.query(f"Input#{name}")
            if found:
                found.first(Input).value = value
        body = self.query_one("#body", TextArea)
        # replace() rather than load_text(): it keeps the undo history, so ctrl+z brings the old text back
        body.replace(message.body, (0, 0), body.document.end)
        self.changed()

    def on_mount(self) -> None:
        if self.resume:  # at the end of what they wrote, so new words do not land in front of it
            self.body.move_cursor(resume_point(self.body.text))

    @property
    def body(self) -> TextArea:
        return self.query_one("#body", TextArea)

    # -- saving as you type -----------------------------------------------------------------
    @on(Input.Changed)
    @on(TextArea.Changed)
    def changed(self) -> None:
        if self._save is None or not self.is_mounted:
            return
        self._dirty = True
        self._latest = self.value()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SAVE_DELAY, self.flush)

    def flush(self) -> None:
        """Write the edit now, if there is anything unsaved."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._dirty and self._save is not None:
            self._dirty = False
            self._save(self._latest or self.value())

    def discard(self) -> None:
        """Forget unsaved typing (the operator threw the edit away)."""
        self._dirty = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def on_unmount(self) -> None:
        # Whatever way the form goes (the screen closes, the app quits), the typing is kept:
        # from `_latest`, since the fields may already be gone by now.
        if self._dirty and self._save is not None and self._latest is not None:
            self._dirty = False
            self._save(self._latest)


def edit_externally(app: App, message: SavedEdit) -> SavedEdit | None:
    """Hand `message` to $VISUAL/$EDITOR as a text file with header lines; the edited message,
    or None (and a report) if nothing came back. The app suspends while the editor runs."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    fd, name = tempfile.mkstemp(prefix="po6-draft-", suffix=".txt")  # 0600: it holds the body
    path = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(to_editor_file(message))
    command = [*shlex.split(editor), str(path)]
    try:
        if app.is_headless:  # no terminal to hand over (tests, web): run it as it is
            result = subprocess.run(command, check=False)
        else:
            with app.suspend():
                result = subprocess.run(command, check=False)
    except SuspendNotSupported:
        path.unlink(missing_ok=True)
        report(app, "This terminal cannot hand over to $EDITOR: e edits inline.", "warning")
        return None
    except OSError as error:
        path.unlink(missing_ok=True)
        report(app, f"Could not start the editor {editor!r} ({error.strerror or error}); set $EDITOR.", "error")
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    if result.returncode != 0:
        report(app, f"The editor exited with status {result.returncode}: the edit was not applied "
               f"(your text is kept in {path}).", "warning")
        return None
    try:
        edited = from_editor_file(text)
    except EditorFileError as error:
        report(app, f"The edit was not applied: {error}. Your text is kept in {path}.", "warning")
        return None
    path.unlink(missing_ok=True)
    return edited


def resume_point(text: str) -> tuple[int, int]:
    """(row, column) at the end of the operator's own words: above a reply's quote (the
    "… wrote:" line and the "> " lines), trailing blank lines left out."""
    lines = text.split("\n")
    end = len(lines)
    for number, line in enumerate(lines):
        quote_follows = number + 1 < len(lines) and lines[number + 1].startswith(">")
        if line.startswith(">") or (line.rstrip().endswith("wrote:") and quote_follows):
            end = number
            break
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    return (end - 1, len(lines[end - 1])) if end else (0, 0)
