"""The Postern view's small dialogs: the new-inbox and webhook forms (on the one form dialog,
kit/form.py: a failed request keeps the dialog open with the error shown in it, Esc with typed
text asks first), the secret shown once, and the account picker.

Requests that create something carry an idempotency id made for the typed values, so pressing
Ctrl+S again after a timeout repeats the same request instead of creating a second inbox or
sending twice.
"""

from __future__ import annotations

import uuid

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from po6_tui.api import postern_models as pm
from po6_tui.api.postern import PosternClient
from po6_tui.ui import safe
from po6_tui.ui.kit import clipboard
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.dialog import Dialog
from po6_tui.ui.kit.form import FormDialog
from po6_tui.ui.core.session import AccountSession


class IdempotencyIds:
    """One id per distinct request: the same values keep their id (a retry), new values get a new one."""

    def __init__(self) -> None:
        self._values: object = None
        self._id = ""

    def for_values(self, values: object) -> str:
        if values != self._values or not self._id:
            self._values, self._id = values, str(uuid.uuid4())
        return self._id


class CreateInboxForm(FormDialog):
    """`c`: a new inbox. Every field is optional: the server picks a name when none is given."""

    TITLE_TEXT = "New Postern inbox"
    SUBMIT_LABEL = "Create"

    def __init__(self, client: PosternClient) -> None:
        super().__init__()
        self.client = client
        self.ids = IdempotencyIds()

    def compose_fields(self) -> ComposeResult:
        yield self.row("User", "username", placeholder="the part before @ (empty: the server picks one)",
                       max_length=64)
        yield self.row("Domain", "domain", placeholder="empty: the default domain", max_length=253)
        yield self.row("Name", "display-name", placeholder="display name (optional)", max_length=128)
        yield Static("A new inbox uses one of the key's mailbox slots; deleting it later does not give "
                     "the slot back.", classes="dialog-hint")

    def problem(self) -> str:
        username = self.value("username")
        if "@" in username or " " in username:
            return "The user name is only the part before @, without spaces."
        return ""

    def submit(self) -> None:
        fields = {"username": self.value("username") or None, "domain": self.value("domain") or None,
                  "display_name": self.value("display-name") or None}
        client_id = self.ids.for_values(fields)
        self.run("Creating the inbox", lambda: self.client.create_inbox(client_id=client_id, **fields),
                 self.dismiss)


class WebhookForm(FormDialog):
    """`W`: register a webhook. Asks first (the service will post to that URL), then shows the
    secret once."""

    TITLE_TEXT = "New webhook (message.received)"
    SUBMIT_LABEL = "Register"

    def __init__(self, client: PosternClient, address: str) -> None:
        super().__init__()
        self.client = client
        self.address = address

    def compose_fields(self) -> ComposeResult:
        yield self.row("URL", "url", placeholder="https://… (receives the deliveries)", max_length=2000)
        yield self.row("Inbox", "address", safe.one_line(self.address, 254),
                       placeholder="empty: every inbox of the key", max_length=254)
        yield Static("Deliveries are signed with a secret that is shown once, right after registering.",
                     classes="dialog-hint")

    def dirty(self) -> bool:
        return bool(self.value("url"))

    def problem(self) -> str:
        url = self.value("url")
        if not url:
            return "The URL is required."
        if not url.startswith(("https://", "http://")):
            return "The URL must start with https:// (or http:// for a local receiver)."
        return ""

    def submit(self) -> None:
        url, address = self.value("url"), self.value("address") or None
        where = f"for {address}" if address else "for every inbox"
        question = Question("Register this webhook?", details=f"Postern will POST every new message {where} to\n{url}",
                            confirm_label="Register", danger=False)
        confirm_then(self, question, lambda: self.run(
            "Registering the webhook", lambda: self.client.create_webhook(url, address=address), self.dismiss))


class SecretOnceScreen(Dialog[None]):
    """The webhook secret, shown once: `c` copies it; closing forgets it (never logged or kept)."""

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", id="postern.secret.close"),
        Binding("c", "copy", "Copy secret", id="postern.secret.copy"),
    ]

    DEFAULT_CSS = """
    SecretOnceScreen > #dialog { max-height: 100%; padding: 1 2; }
    SecretOnceScreen #secret-value { margin: 1 0; }
    SecretOnceScreen #secret-warning { color: $warning; text-style: bold; }
    """

    def __init__(self, webhook: pm.Webhook) -> None:
        super().__init__()
        self._secret = webhook.secret
        self._facts = Text(end="")
        for name, value in (("Id", webhook.id), ("URL", webhook.url), ("Events", ", ".join(webhook.events)),
                            ("Inbox", webhook.address or "every inbox")):
            self._facts.append(f"{name}: ", style="bold")
            self._facts.append_text(safe.text(value, max_len=300))
            self._facts.append("\n")
        self._facts.rstrip()

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="-warning"):
            yield Static("Webhook registered", id="secret-title", classes="dialog-title")
            yield Static(self._facts)
            yield Static(safe.text(self._secret or "(the server sent no secret)", max_len=200, style="bold reverse"),
                         id="secret-value")
            yield Static("This signing secret is shown once and is not stored by po6-tui: copy it now "
                         "(c copies it), then close (Enter).", id="secret-warning")

    def action_copy(self) -> None:
        if self._secret:
            self.notify(clipboard.copy(self.app, safe.one_line(self._secret, 200), "the secret"), markup=False)

    def action_close(self) -> None:
        self._secret = ""
        self.dismiss(None)


class AccountPicker(Dialog[str | None]):
    """`A`: every account of the session, PO6 and Postern; Enter switches to it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="postern.accounts.cancel")]

    DEFAULT_CSS = """
    AccountPicker > #dialog { width: 56; }
    """

    def __init__(self, sessions: list[AccountSession], current: str | None) -> None:
        super().__init__()
        self.sessions = sessions
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for session in self.sessions:
            label = safe.text(session.name, max_len=60, style="bold" if session.name == self.current else "")
            label.append(f"  {'Postern' if session.provider == 'postern' else 'PO6'}", style="dim")
            if session.sandbox:
                label.append("  sandbox", style="dim")
            options.append(Option(label, id=session.name))
        with Vertical(id="dialog"):
            yield Static("Switch account (Enter)", id="picker-title", classes="dialog-title")
            yield OptionList(*options)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        names = [session.name for session in self.sessions]
        options.highlighted = names.index(self.current) if self.current in names else 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
