"""How a yes/no, a verification status or any server value looks in a table cell or a
"before → after" line (never markup: server values go through `safe`)."""

from __future__ import annotations

from rich.text import Text

from po6_tui.ui import safe

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
