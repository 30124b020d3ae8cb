"""`Debounced`: run the last of a burst of calls once the burst pauses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message_pump import MessagePump


class Debounced:
    """Details fetched on highlight must not spend PO6's 60 requests a minute while the
    operator holds j: only the last highlight of a burst is fetched, `DELAY` s after it."""

    DELAY = 0.25

    def __init__(self, node: MessagePump) -> None:
        self.node = node
        self._timer: Any = None

    def __call__(self, action: Callable[[], object]) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.node.set_timer(self.DELAY, action)
