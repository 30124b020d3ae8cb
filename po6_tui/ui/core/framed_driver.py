"""The terminal driver when a first frame was drawn before Textual started (po6_tui/first_frame.py).

Textual's driver switches to the alternate screen as it starts, which clears it: the frame
would give way to a blank screen until Textual's first paint. The frame's drawing already made
that switch, so this driver leaves out its first one; everything else is Textual's own.
"""

from __future__ import annotations

from textual.driver import Driver

from po6_tui import first_frame

ALTERNATE_SCREEN = "\x1b[?1049h"


def framed(driver_class: type[Driver]) -> type[Driver]:
    """`driver_class`, without its first switch to the alternate screen."""

    class FramedDriver(driver_class):  # type: ignore[misc,valid-type]
        _switched = False

        def write(self, data: str) -> None:
            if data == ALTERNATE_SCREEN and not self._switched:
                self._switched = True
                first_frame.taken_over = True  # from here on the driver leaves the screen itself
                return
            super().write(data)

    return FramedDriver
