"""`:tools`: the tool console. Every tool the connected MCP server lists, with its description
and a form generated from its `inputSchema`; Ctrl+R calls it and shows the result as JSON.

It knows no tool in advance (api/any_tool.py), so when a server's arguments differ from what
the typed screens expect, every tool can still be driven by hand. The usual rules hold:
writes ask first (focus on Cancel) and are refused in read-only mode; a two-step tool's first
answer shows the server's message, and only Yes sends the second call with the token; every
write is recorded in the audit log. Results are untrusted: shown through `safe`, never markup.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from rich.highlighter import JSONHighlighter
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from po6_tui.api import any_tool
from po6_tui.api.any_tool import ToolInfo
from po6_tui.api.errors import ApiError
from po6_tui.api.mcp import ToolResult
from po6_tui.api.po6 import Po6Client
from po6_tui.ui import safe
from po6_tui.ui.kit.schema_form import FormError, SchemaForm
from po6_tui.ui.kit.table import VimOptionList
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.core.tasks import run_io

ARGUMENTS_SHOWN = 1500  # characters of the arguments a write confirmation shows
WRITE_MARK = "✎ "
READ_MARK = "  "


def pretty(value: Any) -> str:
    """JSON as people read it; anything else as its text."""
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


def result_text(result: ToolResult) -> Text:
    """A tool result for the result pane: pretty JSON (highlighted) or the raw text, made safe."""
    data = result.data()
    shown = safe.text(pretty(data) if data is not None else "(empty result)", single_line=False,
                      max_len=safe.BODY_MAX)
    if isinstance(data, dict | list):
        JSONHighlighter().highlight(shown)  # styles only: the text stays exactly as made safe
    others = [block for block in result.content if block.get("type") != "text"]
    for block in others:  # images, audio, resources: say what they are, never render them
        kind = safe.one_line(block.get("mimeType") or block.get("type") or "content", 60)
        shown.append(f"\n[{kind} content not shown]", style="dim italic")
    return shown


class ToolsScreen(AppScreen):
    VIEW = "tools"
    HELP_GROUP = "Tools"
    AUTO_FOCUS = "#tool-list"

    BINDINGS = [
        Binding("ctrl+r", "call", "Call", id="tools.call"),
        Binding("escape", "to_list", "Tool list", show=False, id="tools.to_list"),
        Binding("R", "reload", "Reload", show=False, id="tools.reload"),
    ]

    DEFAULT_CSS = """
    ToolsScreen #body { height: 1fr; }
    /* 34 at every width: the longest PO6 tool name (27) whole beside its mark, padding and
       scrollbar; at 80 columns a narrower list cut them ("list_landing_page_templa…"). */
    ToolsScreen #tool-list {
        width: 34; height: 1fr; border: none; border-right: solid $panel-lighten-1;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    ToolsScreen #tool-main { height: 1fr; }
    ToolsScreen #tool-header { height: auto; max-height: 2; background: $boost; padding: 0 1; }
    ToolsScreen #forms { height: 1fr; }
    ToolsScreen #result-header { height: 1; background: $boost; padding: 0 1; }
    ToolsScreen #result { height: 1fr; padding: 0 1; }
    ToolsScreen .-before-first-call { display: none; }
    ToolsScreen #result:focus { background: $boost 30%; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.tools: list[ToolInfo] = []
        self.client: Po6Client | None = None
        self._forms: dict[str, str] = {}  # tool name -> id of its form (ours, never the server's name)
        self._form_numbers = itertools.count()  # never reused, so a reload cannot collide with old forms
        # Each tool's last result (header, body): a result shows under its own tool's form only.
        self._results: dict[str, tuple[Text, Any]] = {}

    # -- layout ----------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield VimOptionList(id="tool-list")
            with Vertical(id="tool-main"):
                yield Static(Text("Connecting…", style="dim"), id="tool-header")
                yield Vertical(id="forms")
                # The result pane appears with the first call; until then the form has the room.
                yield Static("", id="result-header", classes="-before-first-call")
                with VerticalScroll(id="result", can_focus=True, classes="-before-first-call"):
                    yield Static("", id="result-body")

    @property
    def tool_list(self) -> OptionList:
        return self.query_one("#tool-list", OptionList)

    def on_mount(self) -> None:
        self.watch(self.app, "account_label", lambda _label: self.action_reload(), init=False)
        self.action_reload()

    # -- the tool list ---------------------------------------------------------------------
    def action_reload(self) -> None:
        session = self.app.active
        name = safe.one_line(session.name, 40)
        if session.provider != "po6":
            self._header(Text(f"The tool console talks to MCP servers; the account {name!r} is "
                              f"a {session.provider} account.", style="dim"))
            return
        self._header(Text(f"Listing the tools of {name}…", style="dim"))

        async def load() -> tuple[Po6Client, list[ToolInfo]]:
            client = await session.po6_client()
            return client, await any_tool.list_tools(client)

        def done(loaded: tuple[Po6Client, list[ToolInfo]]) -> None:
            keep = self.current_tool.name if self.current_tool else None
            self.client, self.tools = loaded
            self.call_next(self._fill_list, keep)

        run_io(self, load, what=f"Listing the tools of {name}", done=done,
               failed=lambda _error: self._header(Text("Could not list the tools: R tries again.", style="dim")),
               group="tools-list", exclusive=True)

    async def _fill_list(self, keep: str | None) -> None:
        """Show `self.tools`, with the cursor back on `keep` (the tool shown before a reload)."""
        tools = self.tool_list
        tools.clear_options()
        self._forms.clear()
        await self.query_one("#forms", Vertical).remove_children()
        blocked = bool(self.client and self.client.read_only)
        for index, tool in enumerate(self.tools):
            label = Text(WRITE_MARK if tool.writes else READ_MARK, style="yellow" if tool.writes else "")
            label.append_text(safe.text(tool.name, max_len=60, style="dim" if blocked and tool.writes else ""))
            tools.add_option(Option(label, id=f"tool-{index}"))
        if not self.tools:
            self._header(Text("This server lists no tools.", style="dim"))
            return
        names = [tool.name for tool in self.tools]
        tools.highlighted = names.index(keep) if keep in names else 0
        self.report(f"{len(self.tools)} tools on {safe.one_line(self.app.active.name, 40)}; "
                    "Enter fills one in, Ctrl+R calls it.")

    @property
    def current_tool(self) -> ToolInfo | None:
        index = self.tool_list.highlighted if self.is_mounted else None
        if index is None or not 0 <= index < len(self.tools):
            return None
        return self.tools[index]

    @property
    def current_form(self) -> SchemaForm | None:
        tool = self.current_tool
        if tool is None or tool.name not in self._forms:
            return None
        found = self.query(f"#{self._forms[tool.name]}").results(SchemaForm)
        return next(found, None)  # None while it is still being mounted

    @on(OptionList.OptionHighlighted, "#tool-list")
    async def _tool_highlighted(self) -> None:
        tool = self.current_tool
        if tool is not None:
            await self._show_tool(tool)

    @on(OptionList.OptionSelected, "#tool-list")
    def _tool_selected(self) -> None:
        form = self.current_form
        target = form.first_input() if form else None
        if target is not None:
            target.focus()
        elif self.current_tool is not None:
            self.action_call()  # nothing to fill in: Enter calls it

    async def _show_tool(self, tool: ToolInfo) -> None:
        header = safe.text(tool.name, max_len=80, style="bold")
        if tool.title and tool.title != tool.name:
            header.append("  ")
            header.append_text(safe.text(tool.title, max_len=80))
        if tool.writes:
            blocked = self.client is not None and self.client.read_only
            header.append("  changes things" + (": blocked (read-only mode)" if blocked else ""),
                          style="bold red" if blocked else "yellow")
        else:
            header.append("  read-only", style="green")
        if tool.two_step:
            header.append(" · asks for confirmation", style="yellow")
        self._header(header)
        forms = self.query_one("#forms", Vertical)
        form_id = self._forms.get(tool.name)
        if form_id is None:
            # Forms are kept per tool, so whatever was typed survives moving around the list.
            form_id = self._forms[tool.name] = f"form-{next(self._form_numbers)}"
            await forms.mount(SchemaForm(tool.input_schema, intro=self._intro(tool), id=form_id))
        for form in forms.query_children(SchemaForm):
            form.display = form.id == form_id
        shown = self._results.get(tool.name)
        for pane in self.query("#result-header, #result"):
            pane.set_class(shown is None, "-before-first-call")
        if shown is not None:
            self.query_one("#result-header", Static).update(shown[0])
            self.query_one("#result-body", Static).update(shown[1])

    @staticmethod
    def _intro(tool: ToolInfo) -> Text:
        return safe.text(tool.description or "(no description)", single_line=False, max_len=4000)

    def _header(self, text: Text) -> None:
        self.query_one("#tool-header", Static).update(text)

    # -- calling ---------------------------------------------------------------------------
    @on(Input.Submitted, "#forms Input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_call()

    def action_to_list(self) -> None:
        self.tool_list.focus()

    def action_call(self) -> None:
        tool, form, client = self.current_tool, self.current_form, self.client
        if tool is None or form is None or client is None:
            self.report("No tool chosen yet.", "warning")
            return
        if any(worker.is_running for worker in self.workers if worker.group == "tool-call"):
            self.report("A call is still running; wait for its result.", "warning")
            return
        try:
            arguments = form.values()
        except FormError as error:
            self.report(f"Not sent: {safe.one_line(str(error), 300)}", "warning")
            if error.widget is not None:
                error.widget.focus()
                error.widget.scroll_visible()
            return
        if tool.writes and not tool.two_step and not client.read_only:
            # Outward-facing: ask first. (Two-step tools ask through the server's own message
            # instead; in read-only mode the client refuses without asking anything.)
            shown = pretty(arguments) if arguments else "(no arguments)"
            confirm_then(self, Question(
                title=f"Call {safe.one_line(tool.name, 60)}? It changes things on the server.",
                details=f"Arguments:\n{shown[:ARGUMENTS_SHOWN]}{' …' if len(shown) > ARGUMENTS_SHOWN else ''}",
                confirm_label="Call"), lambda: self._send(client, tool, arguments),
                on_no=lambda: self.report("Not called."))
            return
        self._send(client, tool, arguments)

    def _send(self, client: Po6Client, tool: ToolInfo, arguments: dict[str, Any], *, confirming: bool = False) -> None:
        name = safe.one_line(tool.name, 60)
        self._show_result_pane(tool, Text(f"Calling {name}…", style="dim"), Text(""))

        def done(result: ToolResult) -> None:
            self._show_result(tool, result)
            confirmation = any_tool.confirmation_in(result.data()) if not result.is_error else None
            if confirmation is None:
                return
            if confirming:
                self.report(f"{name} asked again to confirm; nothing more was sent.", "warning")
                return
            confirm_then(self, Question(
                title=f"Confirm {name}?", server_message=confirmation.message,
                details=f"Arguments:\n{pretty(arguments)[:ARGUMENTS_SHOWN]}", confirm_label="Confirm"),
                lambda: self._send(client, tool, {**arguments, any_tool.CONFIRMATION_ARGUMENT: confirmation.token},
                                   confirming=True),
                on_no=lambda: self.report(f"Cancelled: {name} was not confirmed, nothing was done."))

        def failed(error: BaseException) -> None:
            header = Text(f"{name}: ", style="bold")
            header.append("not done" if isinstance(error, ApiError) else "failed", style="bold red")
            self._show_result_pane(tool, header, safe.text(safe.redact_keys(str(error)), single_line=False,
                                                           max_len=2000, style="red"))

        run_io(self, lambda: any_tool.call(client, tool, arguments), what=f"Calling {name}",
               done=done, failed=failed, group="tool-call")

    def _show_result(self, tool: ToolInfo, result: ToolResult) -> None:
        header = safe.text(tool.name, max_len=60, style="bold")
        if result.is_error:
            header.append("  the tool reported an error", style="bold red")
        elif any_tool.confirmation_in(result.data()) is not None:
            header.append("  asks for confirmation", style="yellow")
        else:
            header.append("  ok", style="green")
        self._show_result_pane(tool, header, result_text(result))
        self.query_one("#result", VerticalScroll).scroll_home(animate=False)
        if result.is_error:
            self.report(f"{safe.one_line(tool.name, 60)}: the tool reported an error (see the result).", "warning")
        else:
            self.report(f"{safe.one_line(tool.name, 60)}: done.")

    def _show_result_pane(self, tool: ToolInfo, header: Text, body: Any) -> None:
        """Keep `tool`'s latest result; show it only while that tool is the one in front."""
        self._results[tool.name] = (header, body)
        if self.current_tool is None or self.current_tool.name != tool.name:
            return
        for pane in self.query(".-before-first-call"):
            pane.remove_class("-before-first-call")
        self.query_one("#result-header", Static).update(header)
        self.query_one("#result-body", Static).update(body)
