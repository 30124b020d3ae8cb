"""Dates as the message list shows them. `now` is a module attribute so snapshot tests can
freeze it: list dates are relative to today ("14:05", "Nov 21", "2025-11-21")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731 (replaced by tests)


SHORT_WIDTH = 10  # the widest `short()`: "2025-11-03"
NARROW_WIDTH = 7  # the widest `short(narrow=True)`: "2025-11"


def short(when: datetime | None, *, narrow: bool = False) -> str:
    """Today's time, this year's day, or another year's date; `narrow` (a list at 80 columns,
    where the subject needs the room) gives another year's month only."""
    if when is None:
        return ""
    local = when.astimezone()
    today = now().astimezone()
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%b %d")
    return local.strftime("%Y-%m" if narrow else "%Y-%m-%d")


def full(when: datetime | None) -> str:
    if when is None:
        return "(no date)"
    return when.astimezone().strftime("%a, %d %b %Y %H:%M %Z")


def size(n: int | None) -> str:
    n = n or 0
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
