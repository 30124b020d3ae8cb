"""The one way the UI does I/O: an async worker that reports failures instead of raising.

The UI thread never awaits the network itself. Every call to a service goes through `run_io`,
which runs it as a Textual worker (cancelled with its widget), hands the result to `done` on
success, and on failure shows one human sentence in the status line and as a notification,
never a traceback. A bug in `done`/`failed` is reported the same way (the worker never dies
silently). Failures also go to the app's connection watch (ui/core/connection.py), which shows the
offline / rate-limit banner and runs failed reads again when the server is back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.worker import Worker

from po6_tui.api.errors import ApiError
from po6_tui.ui import safe
from po6_tui.ui.core.host import host, report
from po6_tui.ui.core.write_notes import start_job

T = TypeVar("T")


def describe_error(error: BaseException) -> str:
    """A one-line, safe description: service errors already read as sentences. Anything that
    looks like an API key is blanked (an unexpected exception may quote a request)."""
    if isinstance(error, ApiError):
        return safe.redact_keys(safe.one_line(str(error), 300))
    return safe.redact_keys(safe.one_line(f"unexpected {type(error).__name__}: {error}", 300))


def report_failure(node: DOMNode, what: str, error: BaseException, *, notify: bool = True) -> None:
    """The failure in the status line, and as a notification unless `notify` is false (the
    connection watch's banner already explains it: no pile of identical notices)."""
    app = node.app
    message = f"{what}: {describe_error(error)}"
    if not isinstance(error, ApiError):
        app.log.error(message)
    report(node, message, "error", notify=notify)


def _call_back(node: DOMNode, what: str, callback: Callable[[Any], Any] | None, value: Any) -> bool:
    """Run a `done`/`failed` callback; a bug in it becomes an error notice, not a dead worker."""
    if callback is None:
        return True
    try:
        callback(value)
    except Exception as error:
        report_failure(node, f"{what} (showing the result)", error)
        return False
    return True


def run_io(
    node: DOMNode,
    call: Callable[[], Awaitable[T]],
    *,
    what: str,
    done: Callable[[T], Any] | None = None,
    failed: Callable[[BaseException], Any] | None = None,
    group: str = "io",
    exclusive: bool = False,
    replay: bool = True,
) -> Worker[T | None]:
    """Run `call()` in a worker owned by `node`.

    `what` names the job for the operator ("Loading INBOX"); `done(result)` runs on the UI
    side after success; `failed(error)` after a reported failure (for clean-up, not reporting).
    `exclusive=True` cancels the group's earlier job (e.g. an older list request).
    `replay=False` for a job whose result asks the operator something (a confirmation): a
    dialog only ever answers a key, so when the job fails it is dropped with its sentence, and
    not run again by the connection watch when the server is back.
    """

    def again() -> None:
        # The connection watch runs a failed read again once the server is back; only for a
        # view that is still there, and never for a job that would open a dialog unasked.
        if not replay:
            return
        if getattr(node, "is_attached", True) and getattr(node, "is_running", True):
            run_io(node, call, what=what, done=done, failed=failed, group=group, exclusive=exclusive, replay=replay)

    async def job() -> T | None:
        start_job()
        try:
            result = await call()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # every failure becomes a message, never a traceback
            app = host(node)
            explained = app is not None and app.connection.failed(error, (id(node), what, group), again)
            # While the banner already says "offline" or "rate limited", the status line is enough.
            report_failure(node, what, error, notify=not explained)
            _call_back(node, what, failed, error)
            return None
        if done is not None and not _call_back(node, what, done, result):
            return None
        return result

    return node.run_worker(job, name=what, group=group, exclusive=exclusive, exit_on_error=False)
