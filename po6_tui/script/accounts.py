"""Which account a command talks to: the app's own resolution (`accounts.resolve_accounts`:
--profile, else the environment and the profiles, else the demo sandbox), held as the app holds
it (`AccountSession`: writes go to the audit log), and closed at the end."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from po6_tui.accounts import resolve_accounts
from po6_tui.api.models import Mailbox
from po6_tui.script.exits import FAILURE, USAGE, Stop
from po6_tui.script.output import Output
from po6_tui.ui.core.session import AccountSession

READ_ONLY = "Read-only mode: {what}, so nothing was sent (no request was made)."


def refuse_if_read_only(ns: argparse.Namespace, what: str) -> None:
    """--read-only refuses a write before anything else happens (no sandbox, no connection)."""
    if ns.read_only:
        raise Stop(READ_ONLY.format(what=what), FAILURE)


@asynccontextmanager
async def sessions(ns: argparse.Namespace, out: Output, provider: str, *,
                   writes: str = "") -> AsyncIterator[list[AccountSession]]:
    """The accounts of `provider` ("po6" or "postern"), default first. `writes`: what the command
    would change, refused when the profile itself is read-only."""
    if writes:
        refuse_if_read_only(ns, writes)
    resolved = resolve_accounts(ns.profile, ns.read_only)
    held: list[AccountSession] = []
    try:
        for problem in resolved.problems:
            out.note(f"po6-tui: {problem}")
        held = [AccountSession(a) for a in resolved.accounts if a.provider == provider]
        if not held:
            name = "PO6" if provider == "po6" else "Postern"
            raise Stop(f"No {name} account is set up: run `po6-tui login --provider {provider}`, "
                       f"or choose one with --profile.", USAGE)
        if writes and all(s.account.read_only for s in held):
            raise Stop(READ_ONLY.format(what=writes), FAILURE)
        yield held
    finally:
        for session in held:
            if session.client is not None:
                await session.client.aclose()
            if session.postern is not None:
                await session.postern.aclose()
        resolved.stop()


async def mailbox(session: AccountSession, wanted: str | None) -> Mailbox:
    """The mailbox named by id or address; the only one when there is one; else a usage error."""
    client = await session.po6_client()
    boxes = list(await client.list_mailboxes())
    session.mailboxes = boxes
    if wanted:
        for box in boxes:
            if wanted.lower() in (box.id.lower(), box.address.lower()):
                return box
        raise Stop(f"No mailbox {wanted!r} on {session.name} (mailboxes: "
                   f"{', '.join(b.address for b in boxes) or 'none'}).", USAGE)
    if len(boxes) == 1:
        return boxes[0]
    raise Stop(f"{session.name} has {len(boxes)} mailboxes: choose one with --mailbox "
               f"({', '.join(b.address for b in boxes[:8])}{' …' if len(boxes) > 8 else ''}).", USAGE)
