"""The message list's loaders for a `Query`: the server's part goes in the request, the rest
is checked on the summaries that come back (query.py says which is which). No Textual here.

A loader is `loader(offset, limit) -> (rows, total)`, as `MessageList` pages through it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from po6_tui.api.models import EmailSummary
from po6_tui.api.po6 import Po6Client
from po6_tui.ui.mail.query import Query

SEARCH_LIMIT = 100  # search_emails has no offset: one page of the best matches
SCAN_LIMIT = 1000  # the newest messages of a folder a client-side term is checked in
SCAN_PAGE = 100  # the PO6 maximum for list_emails

Connect = Callable[[], Awaitable[Po6Client]]
Loader = Callable[[int, int], Awaitable[tuple[list[EmailSummary], int]]]


@dataclass
class Checked:
    """How much of the server's answer the app's checks saw: the header says when that was
    not all of it (`checked < server_total`)."""

    checked: int = 0
    server_total: int = 0
    by_app: bool = False  # some terms were checked by the app, not the server

    @property
    def partial(self) -> bool:
        return self.checked < self.server_total


def search_loader(connect: Connect, query: Query, mailbox_id: str | None, checked: Checked) -> Loader:
    """`search_emails` with the query's words; every other term checked on its best matches."""
    checked.by_app = query.checks_on_search

    async def search(offset: int, _limit: int) -> tuple[list[EmailSummary], int]:
        if offset:
            return [], 0
        client = await connect()
        results = await client.search_emails(query=query.search_text(), mailbox_id=mailbox_id, limit=SEARCH_LIMIT)
        checked.checked, checked.server_total = len(results.results), results.total
        rows = [row for row in results.results if query.matches(row, words=False)]
        return rows, len(rows)

    return search


def folder_loader(connect: Connect, query: Query, mailbox_id: str, folder: str, checked: Checked) -> Loader:
    """`list_emails` with the query's server part; paged by the server when that is all of it,
    else the newest SCAN_LIMIT messages are read and checked, and the matches paged here."""
    checked.by_app = query.checks_on_list
    if not query.checks_on_list:
        async def page(offset: int, limit: int) -> tuple[list[EmailSummary], int]:
            client = await connect()
            answer = await client.list_emails(mailbox_id=mailbox_id, folder=folder, limit=limit, offset=offset,
                                              **query.list_arguments())
            return list(answer.emails), answer.total

        return page

    matches: list[EmailSummary] | None = None

    async def scan() -> list[EmailSummary]:
        client = await connect()
        found: list[EmailSummary] = []
        read, total = 0, 0
        while read < SCAN_LIMIT:
            answer = await client.list_emails(mailbox_id=mailbox_id, folder=folder, limit=SCAN_PAGE, offset=read,
                                              **query.list_arguments())
            total = answer.total
            found += [row for row in answer.emails if query.matches(row)]
            read += len(answer.emails)
            if not answer.emails or read >= total:
                break
        checked.checked, checked.server_total = read, total
        return found

    async def scanned(offset: int, limit: int) -> tuple[list[EmailSummary], int]:
        nonlocal matches
        if offset == 0 or matches is None:  # the first page (a load, a refresh) reads again
            matches = await scan()
        return matches[offset:offset + limit], len(matches)

    return scanned
