"""The one way the UI does I/O: an async worker that reports failures instead of raising.

The UI thread never awaits the network itself. Every call to a service goes through `run_io`,
which runs it as a Textual worker (cancelled with its widget), hands the result to `done` on
success, and on failure shows one human sentence in the status line and as a notification,
never a traceback.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from po6_tui.api.errors import ApiError
from po6_tui.ui import safe

T = TypeVar("T")


def describe_error(error: BaseException) -> str:
    """A one-line, safe description: service errors already read as sentences."""
    if isinstance(error, ApiError):
        return safe.one_line(str(error), 300)
    return safe.one_line(f"unexpected {type(error).__name__}: {error}", 300)


def report_failure(node: DOMNode, what: str, error: BaseException) -> None:
    app = node.app
    if not isinstance(error, ApiError):
        app.log.error(f"{what}: {error!r}")
    report = getattr(app, "report", None)
    message = f"{what}: {describe_error(error)}"
    if report is not None:
        report(message, severity="error")
    else:
        app.notify(message, severity="error", markup=False)


def run_io(
    node: DOMNode,
    call: Callable[[], Awaitable[T]],
    *,
    what: str,
    done: Callable[[T], Any] | None = None,
    failed: Callable[[BaseException], Any] | None = None,
    group: str = "io",
    exclusive: bool = False,
) -> Worker[T | None]:
    """Run `call()` in a worker owned by `node`.

    `what` names the job for the operator ("Loading INBOX"); `done(result)` runs on the UI
    side after success; `failed(error)` after a reported failure (for clean-up, not reporting).
    `exclusive=True` cancels the group's earlier job (e.g. an older list request).
    """

    async def job() -> T | None:
        try:
            result = await call()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # every failure becomes a message, never a traceback
            report_failure(node, what, error)
            if failed is not None:
                failed(error)
            return None
        if done is not None:
            done(result)
        return result

    return node.run_worker(job(), name=what, group=group, exclusive=exclusive, exit_on_error=False)
