"""`Host`: what screens, widgets and commands may ask of the running app, as a typed interface.

`Po6App` (ui/app.py) implements it; nothing below the app imports the app. A widget tested on
its own in a plain Textual `App` has no host: `host(node)` is then None, and `report()` falls
back to a notification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from po6_tui.risks import Rules

    from po6_tui.ui.core.session import AccountSession


class FailureWatch(Protocol):
    """What run_io tells about a failed job (`core/connection.py`'s ConnectionWatch)."""

    def failed(self, error: BaseException, key: tuple[int, str, str], rerun: Any) -> bool: ...


@runtime_checkable
class Host(Protocol):
    accounts: list[AccountSession]
    read_only: bool
    refresh_interval: float
    mark_read_on_open: bool
    bell_on_new_draft: bool
    account_label: str
    connection_banner: str
    risk_rules: Rules
    connection: FailureWatch

    @property
    def active(self) -> AccountSession: ...

    @property
    def mail_accounts(self) -> list[AccountSession]: ...

    @property
    def postern_accounts(self) -> list[AccountSession]: ...

    def badges(self) -> list[tuple[str, str]]: ...

    def report(self, message: str, severity: str = "information", *, notify: bool = True) -> None: ...

    def announce(self, kind: str, title: str, text: str, severity: str = "information",
                 timeout: float = 8) -> None: ...  # a toast, `:notices`, a terminal notification

    def open_view(self, name: str) -> None: ...

    def use_account(self, name: str) -> None: ...

    def refresh_now(self) -> None: ...

    def quit_safely(self) -> None: ...  # quit; ask first while a write waits for its answer

    # One agent mailbox in another view (the fleet opens them; features never import each other).
    # `mailbox` is a PO6 mailbox id or a Postern inbox's address.
    def open_mailbox(self, account: str, mailbox: str) -> None: ...

    def open_drafts(self, account: str, mailbox: str) -> None: ...

    def open_sent(self, account: str, mailbox: str) -> None: ...

    # Textual's own (a Host is always an App)
    def run_worker(self, work: Any, **kwargs: Any) -> Any: ...

    def set_interval(self, interval: float, callback: Any, **kwargs: Any) -> Any: ...


def host(node: DOMNode) -> Host | None:
    """The app running `node`, as a Host (None in a plain App)."""
    app = node.app
    return app if isinstance(app, Host) else None


def report(node: DOMNode, message: str, severity: str = "information", *, notify: bool = True) -> None:
    """Say something to the operator: the app's status line (and a notice for errors), or a
    notification where there is no host. `message` may hold server text: never markup."""
    found = host(node)
    if found is not None:
        found.report(message, severity, notify=notify)
    else:
        node.app.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]
