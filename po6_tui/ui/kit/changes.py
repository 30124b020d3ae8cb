"""What the routing and landing-page views share: the PO6 client they talk to, the two ways
they ask before writing, and how a yes/no or a verification status looks in a cell.

- `confirm_change`: a write that changes known values shows each change as "before → after"
  (aliases, domain aliases, page title and SEO), then writes only on Yes.
- `two_step`: the tools PO6 confirms itself (publish, unpublish, archive, assign a domain)
  are called once to get the server's own message and token; the modal shows that message;
  only Yes calls `client.confirm()`. A No changes nothing: the token simply expires.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.screen import Screen

from po6_tui.api.errors import ApiError
from po6_tui.api.models import ConfirmationRequest, Domain
from po6_tui.api.po6 import Po6Client
from po6_tui.ui import safe
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.core.tasks import run_io

CANCELLED = "Cancelled: nothing was changed."


class NoPo6Account(ApiError):
    """The operator only has Postern accounts: these views have nothing to talk to."""


async def po6_client(screen: Screen) -> Po6Client:
    """The client of the active PO6 account (routes and pages belong to a PO6 account)."""
    app = screen.app
    session = app.active if app.active.provider == "po6" else next(iter(app.mail_accounts), None)
    if session is None:
        raise NoPo6Account("No PO6 account is set up (po6-tui login).")
    return await session.po6_client()


class Debounced:
    """Run the last of a burst of calls once the burst pauses: details fetched on highlight
    must not spend PO6's 60 requests a minute while the operator holds j."""

    DELAY = 0.25

    def __init__(self, screen: Screen) -> None:
        self.screen = screen
        self._timer = None

    def __call__(self, action: Callable[[], object]) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.screen.set_timer(self.DELAY, action)


# -- cells -------------------------------------------------------------------------------

VERIFICATION_STYLES = {"verified": "green", "pending": "yellow", "failed": "bold red"}


def flag(value: bool, yes: str = "yes", no: str = "no") -> Text:
    return Text(f"● {yes}", style="green") if value else Text(f"○ {no}", style="dim")


def verification(status: str | None) -> Text:
    status = status or "unknown"
    return safe.text(status, max_len=30, style=VERIFICATION_STYLES.get(status, "dim"))


def as_line(value: object, empty: str = "—") -> str:
    """A server value as a plain single line for the before → after lines (never markup)."""
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return "on" if value else "off"
    return safe.one_line(value, 200)


def max_aliases(domain: Domain) -> int | None:
    """How many active aliases the domain's plan allows (None: the server did not say)."""
    value = domain.limits.get("max_aliases")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# -- before → after ---------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    label: str      # "Forwards to"
    before: object
    after: object

    def line(self) -> str:
        return f"{self.label}: {as_line(self.before)} → {as_line(self.after)}"


def confirm_change(
    screen: Screen,
    title: str,
    changes: list[Change],
    apply: Callable[[], Awaitable[Any]],
    done: Callable[[Any], None],
    *,
    what: str,
    warning: str = "",
    type_to_confirm: str = "",
    failed: Callable[[BaseException], None] | None = None,
    confirm_label: str = "Apply",
) -> None:
    """Show `changes` as "before → after" (plus a warning), and run `apply` only on Yes."""
    real = [c for c in changes if c.before != c.after]
    if not real:
        screen.app.report("Nothing to change: the values are the same as before.")
        return
    details = "\n".join(c.line() for c in real)
    if warning:
        details += f"\n\n⚠ {warning}"

    def yes() -> None:
        run_io(screen, apply, what=what, done=done, failed=failed)

    def no() -> None:
        screen.app.report(CANCELLED)

    confirm_then(screen, Question(title, details=details, confirm_label=confirm_label,
                                  type_to_confirm=type_to_confirm), yes, no)


# -- the server's own two-step confirmation ----------------------------------------------

def two_step(
    screen: Screen,
    ask: Callable[[Po6Client], Awaitable[Any]],
    *,
    title: str,
    what: str,
    done: Callable[[Any], None],
    confirm_label: str = "Confirm",
    type_to_confirm: str = "",
) -> None:
    """Call a two-step tool (`ask`); show the server's message; confirm only on Yes.

    A server that acts without asking is taken at its word (`done` runs with its result).
    """

    async def first_call() -> tuple[Po6Client, Any]:
        client = await po6_client(screen)
        return client, await ask(client)

    def asked(answer: tuple[Po6Client, Any]) -> None:
        client, result = answer
        if not isinstance(result, ConfirmationRequest):
            done(result)
            return
        request = result

        def yes() -> None:
            run_io(screen, lambda: client.confirm(request), what=what, done=done)

        def no() -> None:
            screen.app.report(CANCELLED)

        question = Question(title, server_message=request.message, confirm_label=confirm_label,
                            type_to_confirm=type_to_confirm)
        confirm_then(screen, question, yes, no)

    run_io(screen, first_call, what=what, done=asked, replay=False)
