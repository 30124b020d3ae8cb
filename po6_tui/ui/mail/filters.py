"""List filters that the server applies (list_emails' unread_only, starred_only, sender, since,
until), parsed from the `:filter` command: `:filter unread from:bob@x.org since:2026-01-01`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any


class FilterError(ValueError):
    """The filter expression cannot be understood; the message says what was expected."""


def _day(value: str, word: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise FilterError(f"{word}: wants a date like 2026-01-31, not {value!r}") from None


@dataclass(frozen=True)
class Filters:
    unread: bool = False
    starred: bool = False
    sender: str = ""
    since: str = ""  # ISO date, inclusive
    until: str = ""  # ISO date

    @classmethod
    def parse(cls, expression: str) -> Filters:
        result = cls()
        for word in expression.split():
            lowered = word.casefold()
            if lowered in ("none", "off", "clear", "all"):
                result = cls()
            elif lowered in ("unread", "new"):
                result = replace(result, unread=True)
            elif lowered in ("starred", "star", "flagged"):
                result = replace(result, starred=True)
            elif lowered.startswith("from:"):
                result = replace(result, sender=word[5:])
            elif lowered.startswith("since:"):
                result = replace(result, since=_day(word[6:], "since"))
            elif lowered.startswith("until:"):
                result = replace(result, until=_day(word[6:], "until"))
            else:
                raise FilterError(f"unknown filter {word!r}: use unread, starred, from:ADDR, "
                                  "since:DATE, until:DATE or none")
        return result

    @property
    def active(self) -> bool:
        return self != Filters()

    def toggled(self, name: str) -> Filters:
        return replace(self, **{name: not getattr(self, name)})

    def describe(self) -> str:
        parts = []
        if self.unread:
            parts.append("unread")
        if self.starred:
            parts.append("starred")
        if self.sender:
            parts.append(f"from:{self.sender}")
        if self.since:
            parts.append(f"since:{self.since}")
        if self.until:
            parts.append(f"until:{self.until}")
        return " ".join(parts)

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments for `Po6Client.list_emails` (only the ones in use)."""
        arguments: dict[str, Any] = {}
        if self.unread:
            arguments["unread_only"] = True
        if self.starred:
            arguments["starred_only"] = True
        if self.sender:
            arguments["sender"] = self.sender
        if self.since:
            arguments["since"] = self.since
        if self.until:
            arguments["until"] = self.until
        return arguments
