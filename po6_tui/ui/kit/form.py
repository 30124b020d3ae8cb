"""The one form dialog: a few fields, checked before anything is sent, and a form never loses
what was typed.

`FormDialog` is the frame every form shares (Postern's new inbox, webhook and send/reply, and
every `FormScreen`): a title, the fields, an error line, Cancel and a submit button; Ctrl+S (or
the button) submits, Esc cancels and asks first when something was typed. A check that fails
shows its reason inside the form. A request made from the form (`run`) keeps the dialog open
while it runs and, when the server refuses, shows why inside it with everything still typed.

`FormScreen` is the form of labelled values (forwarding addresses, a page's title and SEO, a new
page, a domain): it closes with a dict of stripped strings (a choice left blank is ""), and
`refilled()` opens it again holding what was typed (after the server refused the change).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from po6_tui.ui import safe
from po6_tui.ui.core.tasks import describe_error, run_io
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.dialog import Dialog

# Deliberately loose: the server has the last word; this only catches slips of the keyboard.
_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]{2,}$")


def check_address(value: str) -> str | None:
    if not value:
        return "An address is needed."
    if not _ADDRESS.match(value):
        return f"{safe.one_line(value, 80)!r} does not look like an email address (name@example.com)."
    return None


def check_not_empty(value: str) -> str | None:
    return None if value else "This cannot be empty."


@dataclass
class FormField:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: list[tuple[str, str]] | None = None  # (label, value): a Select instead of an Input
    check: Callable[[str], str | None] | None = None
    max_length: int = 2000


class FormDialog(Dialog[Any]):
    """The frame every form shares (see the module's docstring)."""

    TITLE_TEXT = ""
    SUBMIT_LABEL = "OK"
    NOTE = ""  # a warning shown under the title

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Submit", id="form.submit"),
    ]

    DEFAULT_CSS = """
    FormDialog > #dialog { max-height: 100%; }
    FormDialog #form-note { color: $warning; margin-bottom: 1; }
    FormDialog .label, FormDialog Label { color: $text-muted; }
    FormDialog .row { height: 1; margin-bottom: 1; }
    FormDialog .row > Static { width: 10; color: $text-muted; }
    FormDialog .row > Input { width: 1fr; background: $boost; }
    FormDialog .field { margin-bottom: 1; }
    FormDialog TextArea { height: 10; min-height: 3; }
    FormDialog #form-error { color: $error; text-style: bold; height: auto; margin-top: 1; display: none; }
    FormDialog #form-buttons { height: 1; margin-top: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(self.TITLE_TEXT), id="form-title", classes="dialog-title")
            if self.NOTE:
                yield Static(Text(self.NOTE), id="form-note")
            yield from self.compose_fields()
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons", classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button(f"{self.SUBMIT_LABEL} (Ctrl+S)", id="submit", variant="primary", compact=True)

    # -- what a form provides ----------------------------------------------------------------
    def compose_fields(self) -> ComposeResult:
        yield from ()

    def problem(self) -> str:
        """Why the typed values cannot go, or ""."""
        return ""

    def submit(self) -> None:
        raise NotImplementedError

    def dirty(self) -> bool:
        """Whether anything was typed that Esc would throw away."""
        return any(field.value.strip() for field in self.query(Input)) or any(
            area.text.strip() for area in self.query(TextArea))

    # -- building and reading fields -----------------------------------------------------------
    def label(self, text: str) -> Static:
        return Static(text, classes="label")

    def row(self, label: str, field_id: str, value: str = "", *, placeholder: str = "",
            max_length: int = 0) -> Horizontal:
        """One line: the field's name, then the field."""
        return Horizontal(Static(label), Input(value, placeholder=placeholder, id=field_id, compact=True,
                                               max_length=max_length), classes="row")

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def show_error(self, message: str) -> None:
        error = self.query_one("#form-error", Static)
        error.update(safe.text(message, single_line=False, max_len=600))
        error.display = bool(message)

    # -- the shared flow -----------------------------------------------------------------------
    def run(self, what: str, call: Callable[[], Awaitable[Any]], done: Callable[[Any], Any]) -> None:
        """Do the form's request; on failure the dialog stays, with everything typed, and says why."""
        self.busy = True
        self.show_error("")
        self.query_one("#submit", Button).disabled = True

        def finished(result: Any) -> None:
            self.busy = False
            done(result)

        def failed(error: BaseException) -> None:
            self.busy = False
            self.query_one("#submit", Button).disabled = False
            self.show_error(f"{what}: {describe_error(error)}  (Everything typed is kept.)")

        run_io(self, call, what=what, done=finished, failed=failed, group="form", exclusive=True)

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        if self.busy:
            return
        problem = self.problem()
        if problem:
            self.show_error(problem)
            return
        self.submit()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if not self.dirty():
            self.dismiss(None)
            return
        confirm_then(self, Question("Discard what you typed?", confirm_label="Discard"), lambda: self.dismiss(None))


class FormScreen(FormDialog):
    """A form of labelled values; dismisses with them as a dict (see the module's docstring)."""

    def __init__(self, title: str, fields: list[FormField], *, note: str = "", submit: str = "Save",
                 check: Callable[[dict[str, str]], str | None] | None = None) -> None:
        super().__init__()
        self.TITLE_TEXT = title
        self.NOTE = note
        self.SUBMIT_LABEL = submit
        self.fields = fields
        self.check_all = check

    @property
    def form_title(self) -> str:
        return self.TITLE_TEXT

    def compose_fields(self) -> ComposeResult:
        for spec in self.fields:
            yield Label(spec.label)
            if spec.choices is not None:
                options = [(safe.text(label, max_len=80), value) for label, value in spec.choices]
                known = spec.value in {value for _, value in spec.choices}
                yield Select(options, value=spec.value if known else Select.NULL, allow_blank=True,
                             prompt="(none)", compact=True, id=f"field-{spec.name}", classes="field")
            else:
                yield Input(value=spec.value, placeholder=spec.placeholder, max_length=spec.max_length,
                            compact=True, id=f"field-{spec.name}", classes="field")

    def values(self) -> dict[str, str]:
        out = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, Select):
                out[spec.name] = "" if widget.value is Select.NULL else str(widget.value)
            else:
                out[spec.name] = widget.value.strip()
        return out

    def dirty(self) -> bool:
        return self.values() != {spec.name: spec.value.strip() for spec in self.fields}

    def problem(self) -> str:
        values = self.values()
        for spec in self.fields:
            problem = spec.check(values[spec.name]) if spec.check else None
            if problem:
                self.query_one(f"#field-{spec.name}").focus()
                return f"{spec.label}: {problem}"
        return (self.check_all(values) if self.check_all else None) or ""

    def submit(self) -> None:
        self.dismiss(self.values())

    @on(Input.Submitted)
    def _entered(self) -> None:  # Enter in a field submits, as the button does
        self.action_submit()

    def refilled(self, values: dict[str, str]) -> FormScreen:
        """The same form again holding what was typed (e.g. after the server refused it)."""
        fields = [replace(f, value=values.get(f.name, f.value)) for f in self.fields]
        return FormScreen(self.TITLE_TEXT, fields, note=self.NOTE, submit=self.SUBMIT_LABEL, check=self.check_all)
