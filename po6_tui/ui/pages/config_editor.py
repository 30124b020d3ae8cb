"""Editing a landing page's widget config (the JSON that `update_landing_page` replaces whole).

The editor checks the text before anything is sent: that it is JSON (saying where it is not),
and that it has the shape PO6 takes (`{"widgets": [{"type": "...", ...}, ...]}`). Saving asks
first, showing the widgets before → after. If the server refuses, its reason is shown in the
editor and the operator's text stays as typed; Esc with unsaved edits asks before discarding.
"""

from __future__ import annotations

import json
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static, TextArea

from po6_tui.api.models import LandingPage
from po6_tui.ui import safe
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.kit.changes import Change, confirm_change
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.dialog import Dialog
from po6_tui.ui.core.tasks import describe_error, run_io

MAX_WIDGETS = 100          # what PO6 accepts (API.md 1.5; the sandbox enforces the same)
MAX_CONFIG_BYTES = 256_000
KNOWN_TYPES = ("hero", "text", "form", "image", "button")


class ConfigProblem(ValueError):
    """Why a config text cannot be sent (a sentence for the operator)."""


def parse_config(text: str, types: tuple[str, ...] = KNOWN_TYPES) -> dict[str, Any]:
    """The config in `text`, or `ConfigProblem` saying what is wrong and where. `types`: the
    widget types a page can show (PO6's, and any its template uses)."""
    try:
        config = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigProblem(f"Not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.") from None
    if not isinstance(config, dict):
        raise ConfigProblem('The config must be a JSON object like {"widgets": [...]}.')
    widgets = config.get("widgets")
    if not isinstance(widgets, list):
        raise ConfigProblem('The config needs a "widgets" list: {"widgets": [{"type": "hero", ...}]}.')
    if len(widgets) > MAX_WIDGETS:
        raise ConfigProblem(f"At most {MAX_WIDGETS} widgets (this has {len(widgets)}).")
    for index, widget in enumerate(widgets):
        if not isinstance(widget, dict):
            raise ConfigProblem(f"widgets[{index}] must be an object with a \"type\".")
        kind = widget.get("type")
        if not isinstance(kind, str) or not kind.strip():
            raise ConfigProblem(f"widgets[{index}] needs a \"type\" string ({', '.join(types)}).")
        if kind not in types:  # the server stores it, and the published page shows nothing there
            raise ConfigProblem(f"widgets[{index}] has the type {safe.one_line(kind, 40)!r}, which no widget has: "
                                f"use one of {', '.join(types)}.")
    if len(json.dumps(config)) > MAX_CONFIG_BYTES:
        raise ConfigProblem(f"The config is larger than {MAX_CONFIG_BYTES // 1000} kB.")
    return config


def widget_summary(config: dict[str, Any] | None) -> str:
    """"hero, text, form" (what the before → after line shows)."""
    widgets = (config or {}).get("widgets")
    if not isinstance(widgets, list) or not widgets:
        return "(no widgets)"
    kinds = [safe.one_line(w.get("type", "?"), 20) if isinstance(w, dict) else "?" for w in widgets]
    return ", ".join(kinds) if len(kinds) <= 8 else ", ".join(kinds[:8]) + f", … ({len(kinds)} widgets)"


def config_text(config: dict[str, Any] | None) -> str:
    return safe.json_text(config or {"widgets": []})


class ConfigEditorScreen(Dialog[LandingPage | None]):
    """Returns the updated page once the server took the config, or None if nothing was saved."""

    AUTO_FOCUS = "#config-text"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="config.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="config.cancel"),
    ]

    DEFAULT_CSS = """
    ConfigEditorScreen > #dialog { width: 100; height: 90%; }
    ConfigEditorScreen #editor-title { text-style: bold; height: auto; }
    ConfigEditorScreen TextArea { height: 1fr; }
    ConfigEditorScreen #editor-status { height: auto; max-height: 4; }
    ConfigEditorScreen #editor-status.-error { color: $error; }
    """

    def __init__(self, page: LandingPage) -> None:
        super().__init__()
        self.page = page
        self.original = config_text(page.config)
        self.types = KNOWN_TYPES  # and those the page's template uses, once read (on_mount)

    def on_mount(self) -> None:
        template_id = self.page.template_id
        if not template_id:
            return

        async def read() -> tuple[str, ...]:
            template = await (await po6_client(self)).get_landing_page_template(template_id)
            widgets = (template.config or {}).get("widgets")
            used = {w.get("type") for w in widgets if isinstance(w, dict)} if isinstance(widgets, list) else set()
            return tuple(dict.fromkeys([*KNOWN_TYPES, *(t for t in used if isinstance(t, str) and t.strip())]))

        def learnt(types: tuple[str, ...]) -> None:
            self.types = types

        run_io(self, read, what="Reading the page's template", done=learnt, failed=lambda _error: None)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Text("Widget config of ", style="bold")
            title.append_text(safe.text(self.page.title, max_len=80, style="bold"))
            title.append("  (the whole config is replaced on save)", style="dim")
            yield Static(title, id="editor-title")
            yield TextArea(self.original, id="config-text", soft_wrap=False, show_line_numbers=True,
                           tab_behavior="indent")
            yield Static(Text("Ctrl+S checks and saves · Esc cancels", style="dim"), id="editor-status")
            with Horizontal(id="editor-buttons", classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Check", id="check", compact=True)
                yield Button("Save", id="save", variant="primary", compact=True)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def say(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#editor-status", Static)
        status.update(Text(message))
        status.set_class(error, "-error")

    def _checked(self) -> dict[str, Any] | None:
        try:
            return parse_config(self.text, self.types)
        except ConfigProblem as problem:
            self.say(str(problem), error=True)
            return None

    @on(Button.Pressed, "#check")
    def action_check(self) -> None:
        config = self._checked()
        if config is not None:
            self.say(f"Looks right: {len(config['widgets'])} widgets ({widget_summary(config)}).")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        config = self._checked()
        if config is None:
            return
        page = self.page

        async def apply() -> LandingPage:
            client = await po6_client(self)
            return await client.update_landing_page(page.id, config=config)

        def failed(error: BaseException) -> None:
            # The text stays in the editor, as typed: fix it and save again.
            self.say(f"The server refused the config: {describe_error(error)}", error=True)

        if config == (page.config or {"widgets": []}):
            self.say("No change: this is the config the server has.")
            return
        warning = "The page is published: visitors see the change at once." if page.status == "published" else ""
        confirm_change(self, f"Replace the widget config of {safe.one_line(page.title, 60)}?",
                       [Change("Widgets", widget_summary(page.config), widget_summary(config)),
                        Change("Config", "as the server has it", "as edited here")],
                       apply, self.dismiss, what="Saving the page config", warning=warning, failed=failed,
                       confirm_label="Save")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.text == self.original:
            self.dismiss(None)
            return
        confirm_then(self, Question("Discard your edits to the config?", confirm_label="Discard"),
                     lambda: self.dismiss(None))
