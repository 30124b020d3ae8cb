"""The pickers of the compose screen: a template (then one field per {{variable}}), and
recipients from a contact list. Server text in them goes through `safe`."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option

from po6_tui.api.errors import PlanError
from po6_tui.api.models import Contact, EmailList, Template
from po6_tui.ui.outbox import outbound
from po6_tui.ui import safe
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.tasks import describe_error, run_io
from po6_tui.ui.kit.dialog import Dialog


class TemplatePicker(Dialog[str | None]):
    """Choose a template (Enter), Esc cancels. Returns the template id."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="template_picker.cancel")]
    DEFAULT_CSS = "TemplatePicker > #dialog { width: 70; }"

    def __init__(self, templates: list[Template]) -> None:
        super().__init__()
        self.templates = templates

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Start from a template", classes="dialog-title")
            options = []
            for template in self.templates:
                label = safe.text(template.name or template.id, max_len=60, style="bold")
                label.append("  ")
                label.append_text(safe.text(template.subject, max_len=80, style="dim"))
                options.append(Option(label, id=template.id))
            yield OptionList(*options) if options else Static("This account has no templates.")
            yield Static("Enter chooses · Esc cancels", classes="dialog-hint")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class VariablesScreen(Dialog[dict[str, str] | None]):
    """One field per {{variable}}; Enter moves on, Enter on the last (or Fill) fills them in."""

    AUTO_FOCUS = "#var-0"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="variables.cancel")]
    DEFAULT_CSS = """
    VariablesScreen > #dialog { width: 70; }
    VariablesScreen Label { margin-top: 1; }
    VariablesScreen Input { width: 1fr; }
    VariablesScreen VerticalScroll { height: auto; max-height: 20; }
    """

    def __init__(self, template_name: str, variables: list[str]) -> None:
        super().__init__()
        self.template_name = template_name
        self.variables = variables

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            title = Text("Fill in the template ")
            title.append_text(safe.text(self.template_name, max_len=60, style="bold"))
            yield Static(title, classes="dialog-title")
            with VerticalScroll():
                for number, name in enumerate(self.variables):
                    yield Label(safe.text("{{" + name + "}}", max_len=60))
                    yield Input(id=f"var-{number}", placeholder=safe.one_line(name, 60))
            yield Button("Fill in", id="fill", variant="primary")
            yield Static("Enter goes to the next field · Esc cancels", classes="dialog-hint")

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#var-{number}", Input).value for number, name in enumerate(self.variables)}

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        number = int((event.input.id or "var-0").split("-")[1])
        if number + 1 < len(self.variables):
            # set_focus, not focus(): it takes effect before the next key of a fast burst (a paste)
            self.set_focus(self.query_one(f"#var-{number + 1}", Input))
        else:
            self.dismiss(self.values())

    @on(Button.Pressed, "#fill")
    def _fill(self) -> None:
        self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)


class ContactSelection(SelectionList[str]):
    """Space ticks (as usual); Enter adds the ticked contacts instead of ticking one more."""

    BINDINGS = [Binding("enter", "screen.add", "Add the ticked", id="contact_picker.enter")]


class ContactListPicker(Dialog[list[str] | None]):
    """Recipients from a contact list: choose a list, tick contacts (a ticks all), Enter adds them.

    Contact lists are a paid feature: on a Free plan this says so instead of failing."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="contact_picker.cancel"),
        Binding("a", "all", "All", show=False, id="contact_picker.all"),
        Binding("ctrl+s", "add", "Add", show=False, id="contact_picker.add"),
    ]
    DEFAULT_CSS = "ContactListPicker > #dialog { width: 70; }"

    def __init__(self, session: AccountSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Recipients from a contact list", classes="dialog-title", id="title")
            yield Static("Loading the contact lists…", id="message")
            yield OptionList(id="lists")
            yield ContactSelection(id="contacts")
            yield Static("Enter chooses · Esc cancels", classes="dialog-hint", id="hint")

    def on_mount(self) -> None:
        self.query_one("#contacts").display = False
        self.query_one("#lists").display = False

        async def load() -> list[EmailList] | str:
            client = await self.session.po6_client()
            try:
                return list(await client.list_email_lists())
            except PlanError as error:  # not a failure: the plan has no lists, and we say so here
                outbound.learn_from_error(self.session, error)
                return f"Contact lists {outbound.NEEDS_PAID}: this account's plan has none."

        def failed(error: BaseException) -> None:
            # A Text: the server's words are never read as markup.
            self.query_one("#message", Static).update(Text(f"Could not load the contact lists: {describe_error(error)}"))

        run_io(self, load, what="Loading contact lists", done=self._show_lists, failed=failed)

    def _show_lists(self, lists: list[EmailList] | str) -> None:
        message = self.query_one("#message", Static)
        if isinstance(lists, str):
            message.update(lists)
            return
        if not lists:
            message.update("This account has no contact lists.")
            return
        message.display = False
        options = self.query_one("#lists", OptionList)
        for item in lists:
            label = safe.text(item.name or item.id, max_len=60, style="bold")
            label.append(f"  {item.active_count} active of {item.contact_count}", style="dim")
            options.add_option(Option(label, id=item.id))
        options.display = True
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#lists")
    def _list_chosen(self, event: OptionList.OptionSelected) -> None:
        list_id = event.option.id or ""

        async def load() -> list[Contact]:
            client = await self.session.po6_client()
            page = await client.get_email_list_contacts(list_id=list_id, status="active", limit=100)
            return list(page.contacts)

        run_io(self, load, what="Loading contacts", done=self._show_contacts)

    def _show_contacts(self, contacts: list[Contact]) -> None:
        self.query_one("#lists").display = False
        selection = self.query_one("#contacts", SelectionList)
        for contact in contacts:
            label = safe.text(contact.email, max_len=80)
            if contact.name:
                label.append("  ")
                label.append_text(safe.text(contact.name, max_len=40, style="dim"))
            selection.add_option((label, safe.one_line(contact.email, 254)))  # it goes into the To field
        selection.display = True
        selection.focus()
        self.query_one("#hint", Static).update("Space ticks · a ticks all · Enter adds the ticked · Esc cancels")

    def action_all(self) -> None:
        selection = self.query_one("#contacts", SelectionList)
        if selection.display:
            selection.select_all()

    def action_add(self) -> None:
        selection = self.query_one("#contacts", SelectionList)
        self.dismiss(list(selection.selected) if selection.display else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
