"""The PO6 account that the routing and landing-page views talk to.

Routes, domains and pages belong to a PO6 account: when the active account is a Postern inbox,
these views use the first PO6 account of the session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from po6_tui.api.errors import ApiError
from po6_tui.ui.core.host import host

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from po6_tui.api.po6 import Po6Client


class NoPo6Account(ApiError):
    """The operator only has Postern accounts: these views have nothing to talk to."""


async def po6_client(node: DOMNode) -> Po6Client:
    """The client of the active PO6 account (else the session's first PO6 account)."""
    app = host(node)
    session = None
    if app is not None:
        session = app.active if app.active.provider == "po6" else next(iter(app.mail_accounts), None)
    if session is None:
        raise NoPo6Account("No PO6 account is set up (po6-tui login).")
    return await session.po6_client()
