"""The two ways the routing and landing-page views ask before writing to PO6.

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

from textual.screen import Screen

from po6_tui.api.models import ConfirmationRequest
from po6_tui.api.po6 import Po6Client
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.core.po6_account import po6_client
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.cells import as_line

CANCELLED = "Cancelled: nothing was changed."


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
