"""A small modal form: a few labelled text fields (or choices), checked before it closes.

Used for every value the operator types in these views (forwarding addresses, a page's title
and SEO, a new page, a domain to serve a page on). A check that fails shows its reason under
the form and keeps what was typed; Esc cancels. The values come back as a dict of stripped
strings (a choice left blank is "").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from po6_tui.ui import safe

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


class FormScreen(ModalScreen[dict[str, str] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="form.cancel")]

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #form { width: 76; max-width: 100%; height: auto; max-height: 100%;
                         border: thick $primary; background: $surface; padding: 1 2; }
    FormScreen #form-title { text-style: bold; margin-bottom: 1; }
    FormScreen #form-note { color: $warning; margin-bottom: 1; }
    FormScreen Label { color: $text-muted; }
    FormScreen Input, FormScreen Select { margin-bottom: 1; }
    FormScreen #form-error { color: $error; margin-bottom: 1; }
    FormScreen #form-error.-empty { display: none; }
    FormScreen #form-buttons { height: auto; align-horizontal: right; }
    FormScreen Button { margin-left: 2; }
    """

    def __init__(self, title: str, fields: list[FormField], *, note: str = "", submit: str = "Save",
                 check: Callable[[dict[str, str]], str | None] | None = None) -> None:
        super().__init__()
        self.form_title = title
        self.fields = fields
        self.note = note
        self.submit_label = submit
        self.check_all = check

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(Text(self.form_title), id="form-title")
            if self.note:
                yield Static(Text(self.note), id="form-note")
            for spec in self.fields:
                yield Label(spec.label)
                if spec.choices is not None:
                    options = [(safe.text(label, max_len=80), value) for label, value in spec.choices]
                    known = spec.value in {value for _, value in spec.choices}
                    yield Select(options, value=spec.value if known else Select.NULL, allow_blank=True,
                                 prompt="(none)", compact=True, id=f"field-{spec.name}")
                else:
                    yield Input(value=spec.value, placeholder=spec.placeholder, max_length=spec.max_length,
                                compact=True, id=f"field-{spec.name}")
            yield Static("", id="form-error", classes="-empty")
            with Horizontal(id="form-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(self.submit_label, id="submit", variant="primary")

    def values(self) -> dict[str, str]:
        out = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, Select):
                out[spec.name] = "" if widget.value is Select.NULL else str(widget.value)
            else:
                out[spec.name] = widget.value.strip()
        return out

    def _error(self, message: str) -> None:
        box = self.query_one("#form-error", Static)
        box.update(Text(message))
        box.set_class(not message, "-empty")

    @on(Input.Submitted)
    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        values = self.values()
        for spec in self.fields:
            problem = spec.check(values[spec.name]) if spec.check else None
            if problem:
                self._error(f"{spec.label}: {problem}")
                self.query_one(f"#field-{spec.name}").focus()
                return
        problem = self.check_all(values) if self.check_all else None
        if problem:
            self._error(problem)
            return
        self.dismiss(values)

    def refilled(self, values: dict[str, str]) -> FormScreen:
        """The same form again holding what was typed (e.g. after the server refused it)."""
        fields = [replace(f, value=values.get(f.name, f.value)) for f in self.fields]
        return FormScreen(self.form_title, fields, note=self.note, submit=self.submit_label, check=self.check_all)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
