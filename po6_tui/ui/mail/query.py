"""The mail query syntax of `/`, `:search` and `:filter`, parsed once, without Textual.

    from:ADDR to:ADDR subject:TEXT is:unread is:starred has:attachment before:DATE after:DATE
    free words and "quoted phrases"

Dates are UTC days: `after:` from that day on, `before:` up to that day, not including it
(list_emails' since and until). `:filter` also takes its older words: unread, starred, none.

A `Query` knows which part the PO6 server can do and which part the app checks on what comes
back: `list_emails` takes the sender, unread, starred and the dates (`list_arguments`);
`search_emails` takes only words (`search_text`), and searches the sender, subject and body.
Recipients, subject words, attachments and phrases are checked here on the returned summaries
(`matches`), so a phrase is found in the sender, subject and snippet, not deeper in the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from po6_tui.api.models import EmailSummary

QUERY_TERMS = "from: to: subject: is:unread is:starred has:attachment before: after:"
_KEY = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
# `:filter`'s words from before the query syntax, still understood there (not in searches,
# where "unread" is a word to look for).
_FLAG_WORDS = {"unread": "unread", "new": "unread", "starred": "starred", "star": "starred",
               "flagged": "starred"}
_CLEAR_WORDS = {"none", "off", "clear", "all"}


class QueryError(ValueError):
    """The query has something the syntax does not know; the message names it."""


def _shown(text: str) -> str:
    """What the operator typed, quoted and capped, for an error sentence."""
    text = " ".join(text.split())
    return '"' + (text if len(text) <= 40 else text[:39] + "…") + '"'


def _not_understood(token: str, why: str = "") -> QueryError:
    detail = f": {why}" if why else f" (known: {QUERY_TERMS}; put text with a colon in quotes)"
    return QueryError(f"Not understood: {_shown(token)}{detail}")


def _day(token: str, value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise _not_understood(token, "wants a date like 2026-01-31") from None


def _tokens(text: str) -> list[tuple[str, str, bool]]:
    """(as typed, value with the quotes taken out, whether any of it was quoted) per token."""
    tokens = []
    at, end = 0, len(text)
    while at < end:
        if text[at].isspace():
            at += 1
            continue
        start, parts, quoted = at, [], False
        while at < end and not text[at].isspace():
            if text[at] == '"':
                close = text.find('"', at + 1)
                if close < 0:
                    raise QueryError(f"Not understood: a quote is not closed (at {_shown(text[at + 1:])})")
                parts.append(text[at + 1:close])
                quoted, at = True, close + 1
            else:
                parts.append(text[at])
                at += 1
        tokens.append((text[start:at], "".join(parts), quoted))
    return tokens


@dataclass(frozen=True)
class Query:
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    sender: str = ""  # from:, part of the address or name
    to: str = ""  # part of a recipient's address
    subject: str = ""  # part of the subject
    unread: bool = False
    starred: bool = False
    attachment: bool = False
    after: str = ""  # ISO date, inclusive (list_emails' since)
    before: str = ""  # ISO date, exclusive (list_emails' until)

    @classmethod
    def parse(cls, text: str, *, flag_words: bool = False) -> Query:
        """`flag_words`: `:filter`'s bare unread/starred/none are understood (and not words)."""
        result = cls()
        for typed, value, quoted in _tokens(text):
            key = _KEY.fullmatch(typed) if not typed.startswith('"') else None
            if key is None:
                lowered = value.casefold()
                if flag_words and not quoted and lowered in _FLAG_WORDS:
                    result = replace(result, **{_FLAG_WORDS[lowered]: True})
                elif flag_words and not quoted and lowered in _CLEAR_WORDS:
                    result = cls()
                elif quoted and " ".join(value.split()):
                    result = replace(result, phrases=(*result.phrases, " ".join(value.split())))
                elif value.strip():
                    result = replace(result, words=(*result.words, value))
                continue
            result = result._with_term(typed, key.group(1).casefold(), value.partition(":")[2])
        return result

    def _with_term(self, typed: str, key: str, value: str) -> Query:
        lowered = value.strip().casefold()
        if key in ("is", "has"):
            flag = {("is", "unread"): "unread", ("is", "starred"): "starred",
                    ("has", "attachment"): "attachment", ("has", "attachments"): "attachment"}.get((key, lowered))
            if flag is None:
                raise _not_understood(typed)
            return replace(self, **{flag: True})
        if key in ("after", "since", "before", "until"):
            name = "after" if key in ("after", "since") else "before"
            return replace(self, **{name: _day(typed, value.strip())})
        if key in ("from", "to", "subject"):
            if not value.strip():
                raise _not_understood(typed, f"{key}: wants some text after it")
            return replace(self, **{"sender" if key == "from" else key: value.strip()})
        raise _not_understood(typed)

    # -- what it is ------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self != Query()

    @property
    def is_plain(self) -> bool:
        """Only free words: `/` finds such text as typed, as it always did."""
        return self == Query(words=self.words)

    @property
    def checks_on_list(self) -> bool:
        """Has terms `list_emails` cannot apply: the app checks them on the rows it returns."""
        return bool(self.words or self.phrases or self.to or self.subject or self.attachment)

    @property
    def checks_on_search(self) -> bool:
        """Has terms beyond words, which the app checks on `search_emails`' results."""
        return replace(self, words=()).active

    def toggled(self, name: str) -> Query:
        return replace(self, **{name: not getattr(self, name)})

    def describe(self) -> str:
        """The query in the syntax, in a fixed order (the header, the status line)."""
        def shown(value: str) -> str:
            return f'"{value}"' if any(c.isspace() or c == '"' for c in value) else value

        parts = [f"{key}:{shown(getattr(self, name))}" for key, name in
                 (("from", "sender"), ("to", "to"), ("subject", "subject")) if getattr(self, name)]
        parts += [term for term, on in (("is:unread", self.unread), ("is:starred", self.starred),
                                        ("has:attachment", self.attachment)) if on]
        parts += [f"{key}:{day}" for key, day in (("after", self.after), ("before", self.before)) if day]
        return " ".join([*parts, *self.words, *(f'"{p}"' for p in self.phrases)])

    # -- the server's part ---------------------------------------------------------------
    def list_arguments(self) -> dict[str, Any]:
        """Keyword arguments for `Po6Client.list_emails` (only the ones in use)."""
        arguments: dict[str, Any] = {}
        if self.unread:
            arguments["unread_only"] = True
        if self.starred:
            arguments["starred_only"] = True
        if self.sender:
            arguments["sender"] = self.sender
        if self.after:
            arguments["since"] = self.after
        if self.before:
            arguments["until"] = self.before
        return arguments

    def search_text(self) -> str:
        """The words for `search_emails`. The sender's and subject's words go too: the server
        searches those fields, so they narrow its best matches to the ones that can pass."""
        return " ".join([*self.words, *self.phrases, self.sender, self.subject]).strip()

    # -- the app's part ------------------------------------------------------------------
    def matches(self, row: EmailSummary, *, words: bool = True) -> bool:
        """Every term holds for this summary. `words=False` for search results: the server
        matched the words, in bodies too, which a summary does not hold."""
        seen = " ".join([row.from_, row.from_name or "", row.subject, row.snippet]).casefold()
        if words and not all(word.casefold() in seen for word in self.words):
            return False
        if not all(phrase.casefold() in " ".join(seen.split()) for phrase in self.phrases):
            return False
        if self.sender and self.sender.casefold() not in f"{row.from_} {row.from_name or ''}".casefold():
            return False
        if self.to and not any(self.to.casefold() in address.casefold() for address in row.to):
            return False
        if self.subject and self.subject.casefold() not in row.subject.casefold():
            return False
        if (self.unread and row.is_read) or (self.starred and not row.is_starred) \
                or (self.attachment and not row.has_attachments):
            return False
        return self._in_dates(row.date)

    def _in_dates(self, when: datetime | None) -> bool:
        if not (self.after or self.before):
            return True
        if when is None:
            return False
        if self.after and when < datetime.fromisoformat(self.after).replace(tzinfo=UTC):
            return False
        return not (self.before and when >= datetime.fromisoformat(self.before).replace(tzinfo=UTC))

