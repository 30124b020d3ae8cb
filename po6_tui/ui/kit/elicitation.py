"""When a server asks the operator for input in the middle of a call (MCP form elicitation).

The server sends a message and a flat JSON Schema; the operator sees a form built from it by
the tool console's schema form, pre-filled with the schema's defaults (SEP-1034), and answers:
- Send (Ctrl+S): accept, with the values typed (a field left empty gets its default, added by
  the client: api/mcp.py);
- Decline (Ctrl+N, for "no"): the operator says no to what is asked;
- Esc: cancel, the operator dismissed the question without choosing.
The server's words (message, field names, descriptions) are untrusted and shown through `safe`.
It works in read-only mode too: answering a question is not a write; what the call then does
is still refused by the client if it writes.

`ask_operator(app, request)` is the handler every PO6 client of the app gets (core/session.py).
"""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from po6_tui.api.mcp import ElicitationRequest, ElicitationResult
from po6_tui.ui import safe
from po6_tui.ui.kit.dialog import Dialog
from po6_tui.ui.kit.schema_form import FormError, SchemaForm

MESSAGE_MAX = 2000


class ElicitationScreen(Dialog[ElicitationResult]):
    BINDINGS = [
        Binding("escape", "answer('cancel')", "Cancel", id="elicitation.cancel"),
        Binding("ctrl+s", "answer('accept')", "Send", id="elicitation.send"),
        Binding("ctrl+n", "answer('decline')", "Decline", id="elicitation.decline"),
    ]

    DEFAULT_CSS = """
    ElicitationScreen > #dialog { width: 80; max-height: 100%; }
    ElicitationScreen #elicit-message { max-height: 6; }
    ElicitationScreen SchemaForm { height: auto; max-height: 50vh; padding: 0; }
    ElicitationScreen #elicit-error { color: $error; text-style: bold; height: auto; display: none; }
    """

    def __init__(self, request: ElicitationRequest) -> None:
        super().__init__()
        self.request = request
        self.form = SchemaForm(request.requested_schema, id="elicit-form")

    def compose(self) -> ComposeResult:
        request = self.request
        title = safe.text(request.host, max_len=80, style="bold")
        title.append(" asks for your input", style="bold")
        if request.tool:
            title.append(" during ")
            title.append_text(safe.text(request.tool, max_len=60, style="bold"))
        with Vertical(id="dialog"):
            yield Static(title, classes="dialog-title")
            yield Static(safe.text(request.message or "(no message)", single_line=False, max_len=MESSAGE_MAX),
                         id="elicit-message")
            yield self.form
            yield Static("", id="elicit-error")
            yield Static(Text("Ctrl+S sends · Ctrl+N declines · Esc dismisses (cancel)"),
                         classes="dialog-hint")
            with Horizontal(id="buttons", classes="dialog-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Decline", id="decline", compact=True)
                yield Button("Send", id="send", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.form.fill(self.request.defaults)
        first = self.form.first_input()
        (first or self.query_one("#send", Button)).focus()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_answer("cancel")

    @on(Button.Pressed, "#decline")
    def _decline(self) -> None:
        self.action_answer("decline")

    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        self.action_answer("accept")

    def action_answer(self, action: str) -> None:
        if action != "accept":
            self.dismiss(ElicitationResult(action))  # type: ignore[arg-type]
            return
        try:
            values = self.form.values()
        except FormError as error:  # say what is wrong in the form; everything typed stays
            problem = self.query_one("#elicit-error", Static)
            problem.update(Text(f"Not sent: {safe.one_line(str(error), 300)}"))
            problem.display = True
            if error.widget is not None:
                error.widget.focus()
            return
        self.dismiss(ElicitationResult("accept", values))


async def ask_operator(app: App, request: ElicitationRequest) -> ElicitationResult:
    """Show the form over whatever is on screen and wait for the operator's answer."""
    answered: asyncio.Future[ElicitationResult] = asyncio.get_running_loop().create_future()

    def done(result: ElicitationResult | None) -> None:
        if not answered.done():
            answered.set_result(result if isinstance(result, ElicitationResult) else ElicitationResult("cancel"))

    app.push_screen(ElicitationScreen(request), done)
    return await answered
