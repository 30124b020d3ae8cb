"""An account as the running app holds it: the configured `Account`, its live client once
connected, and what we last learnt about its mailboxes and folders (what the sidebar shows).

The key stays inside `Account` (hidden from repr), so it never appears in a log or a screenshot.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from po6_tui.accounts import Account
from po6_tui.api.models import FolderInfo, Mailbox
from po6_tui.api.po6 import Po6Client
from po6_tui.audit import AuditLog, AuditRecord
from po6_tui.ui.core.write_notes import note_write

if TYPE_CHECKING:  # imported when a Postern account is first used, not at every start
    from po6_tui.api.mcp import ElicitationHandler
    from po6_tui.api.postern import PosternClient


@dataclass(eq=False)
class AccountSession:
    account: Account
    client: Po6Client | None = field(default=None, repr=False)
    postern: PosternClient | None = field(default=None, repr=False)
    mailboxes: list[Mailbox] = field(default_factory=list)
    folders: dict[str, list[FolderInfo]] = field(default_factory=dict)  # by mailbox id
    # Answers a PO6 server's requests for input during a call (the app's form, kit/elicitation.py).
    elicit: ElicitationHandler | None = field(default=None, repr=False)
    _connecting: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    @property
    def name(self) -> str:
        return self.account.name

    @property
    def provider(self) -> str:
        return self.account.provider

    @property
    def sandbox(self) -> bool:
        return self.account.is_sandbox

    async def po6_client(self) -> Po6Client:
        """The connected PO6 client (connecting on first use; callers at the same moment share
        the one connection: the list and the sidebar start together)."""
        async with self._connecting:
            if self.client is None:
                self.client = await self.account.po6_client(
                    audit=_AuditAndNote(AuditLog(profile=self.account.name)), elicit=self.elicit)
        return self.client

    def postern_client(self) -> PosternClient:
        """The Postern client (made on first use; Postern has no handshake, so no I/O here).
        Read-only when the profile or the whole app (`--read-only`, set on every account) says so."""
        if self.provider != "postern":
            raise ValueError(f"account {self.name!r} is a {self.provider} account, not Postern")
        if self.postern is None:
            # deferred: start-up (Postern's client is imported only when a Postern account is used)
            from po6_tui.api.postern import PosternClient

            account = self.account
            self.postern = PosternClient(account.url, account.api_key, read_only=account.read_only,
                                         audit=_AuditAndNote(AuditLog(profile=account.name)), profile=account.name)
        return self.postern

    async def close(self) -> None:
        clients = (self.client, self.postern)
        self.client = self.postern = None
        for client in clients:
            if client is not None:
                await client.aclose()

    def mailbox(self, mailbox_id: str | None) -> Mailbox | None:
        return next((m for m in self.mailboxes if m.id == mailbox_id), None)


class _AuditAndNote:
    """The audit log, also telling the connection watch that the running job attempted a
    write (so a failure of that job is never run again on our own: ui/core/connection.py)."""

    def __init__(self, log: AuditLog) -> None:
        self.log = log

    def __call__(self, record: AuditRecord) -> None:
        note_write(record.tool)
        self.log(record)
