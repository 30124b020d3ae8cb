"""The Postern client of each Postern account, made on first use and closed with the app.

`AccountSession` (ui/session.py) only knows how to connect PO6 accounts, so the Postern view
keeps its clients here, one per account session, until the shell holds them itself
(see /tmp/needs_postern.txt). Writes are audited under the profile's name, like PO6's.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from po6_tui.api.postern import PosternClient
from po6_tui.audit import AuditLog
from po6_tui.ui.session import AccountSession

_CLIENTS: WeakKeyDictionary[AccountSession, PosternClient] = WeakKeyDictionary()


def postern_accounts(app) -> list[AccountSession]:  # noqa: ANN001 (the Po6App)
    return [session for session in app.accounts if session.provider == "postern"]


def postern_client(app, session: AccountSession) -> PosternClient:  # noqa: ANN001 (the Po6App)
    """The session's client (no network I/O: Postern has no handshake). Read-only when the
    profile or the whole app (`--read-only`) says so."""
    if session.provider != "postern":
        raise ValueError(f"account {session.name!r} is a {session.provider} account, not Postern")
    client = _CLIENTS.get(session)
    if client is None:
        account = session.account
        read_only = account.read_only or bool(getattr(app, "read_only", False))
        client = PosternClient(account.url, account.api_key, read_only=read_only,
                               audit=AuditLog(profile=account.name), profile=account.name)
        _CLIENTS[session] = client
    return client


async def close_clients(sessions: list[AccountSession]) -> None:
    for session in sessions:
        client = _CLIENTS.pop(session, None)
        if client is not None:
            await client.aclose()
