"""Deciding on an agent's draft: approve (send), reject, and what the queue holds.

Where the server offers the decision tools (API.md 1.7, the sandbox), approving calls
`approve_draft` with the operator's edits. Where it does not (real PO6 today), approving sends
the draft with `compose_email`, and the decision goes to the local journal so the draft leaves
the queue; PO6's dashboard keeps showing it pending until it expires. Rejecting is
`reject_draft`, or a journal entry.

Every send goes through `outbound.send_once` (never twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import datetime

from po6_tui import risks
from po6_tui.api.models import Draft
from po6_tui.journal import APPROVED, REJECTED, Journal, SavedEdit
from po6_tui.ui.outbox import outbound
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.session import AccountSession

EXPIRED_SHOWN = 20  # the most recent expired drafts: enough to see what was missed

DASHBOARD_NOTE = ("PO6 has no approve tool: sent with compose_email, decision noted here; "
                  "PO6's dashboard shows the draft pending until it expires.")


@dataclass(eq=False)
class QueueItem:
    """One draft in the queue, with where it lives and what the operator has made of it."""

    session: AccountSession
    draft: Draft
    edit: SavedEdit | None = None

    @property
    def key(self) -> str:
        return f"{self.session.name}/{self.draft.id}"

    @property
    def mailbox_address(self) -> str:
        mailbox = self.session.mailbox(self.draft.mailbox_id)
        return mailbox.address if mailbox else (self.draft.mailbox_id or "")

    def expired(self, now: datetime | None = None) -> bool:
        expires = self.draft.expires_at
        return self.draft.status == "expired" or (expires is not None and expires <= (now or timefmt.now()))

    @cached_property  # an HTML-only draft is converted once, not on every redraw of the queue
    def original(self) -> SavedEdit:
        """The agent's draft in the editable form."""
        d = self.draft
        body = d.body_text or ""
        if not body.strip() and d.body_html:  # an HTML-only draft is edited as its text
            body = safe.html_to_text(d.body_html).body
        return SavedEdit(", ".join(d.to_addresses), ", ".join(d.cc_addresses), d.subject, body)

    @property
    def current(self) -> SavedEdit:
        """What approving would send: the operator's edit if there is one, else the agent's draft."""
        return self.edit or self.original


@dataclass
class Queue:
    pending: list[QueueItem]
    expired: list[QueueItem]
    decided_here: int = 0  # drafts the journal has decided that PO6 still lists as pending


def _sort_key(item: QueueItem) -> tuple:
    expires = item.draft.expires_at
    return (expires is None, expires.timestamp() if expires else 0.0, item.draft.id)


async def load_queue(sessions: list[AccountSession], journal: Journal) -> Queue:
    """Pending drafts across every mailbox of every account, soonest expiry first."""
    pending: list[QueueItem] = []
    expired: list[QueueItem] = []
    decided_here = 0
    now = timefmt.now()
    for session in sessions:
        client = await session.po6_client()
        if not session.mailboxes:
            session.mailboxes = list(await client.list_mailboxes())
        decisions = journal.decisions(session.name)
        edits = journal.edit_keys(session.name)
        for draft in await client.list_drafts(status="pending"):
            if draft.id in decisions:
                decided_here += 1
                continue
            item = QueueItem(session, draft, journal.load_edit(session.name, draft.id) if draft.id in edits else None)
            (expired if item.expired(now) else pending).append(item)
        for draft in await client.list_drafts(status="expired"):
            if draft.id not in decisions:  # an operator's edit outlives the draft: kept, to send anew
                expired.append(QueueItem(session, draft,
                                         journal.load_edit(session.name, draft.id) if draft.id in edits else None))
    pending.sort(key=_sort_key)
    expired.sort(key=_sort_key, reverse=True)
    return Queue(pending, expired[:EXPIRED_SHOWN], decided_here)


@dataclass(frozen=True)
class Outgoing:
    """A draft ready to go: addresses checked, the edit applied."""

    item: QueueItem
    to: list[str]
    cc: list[str]
    subject: str
    body_text: str
    body_html: str | None
    edited: bool

    def risk_message(self) -> risks.Message:
        """What the risk checks look at: exactly what will be sent."""
        return risks.Message(self.item.mailbox_address, self.to, self.subject, self.body_text, self.body_html,
                             cc=self.cc)

    @property
    def expected(self) -> outbound.Expected:
        """How this send shows in the sent log (and what makes two sends the same message)."""
        return outbound.Expected(self.item.draft.mailbox_id or "", self.subject,
                                 frozenset(a.lower() for a in self.to + self.cc))


def outgoing(item: QueueItem) -> Outgoing:
    """What approving `item` sends. Raises `outbound.AddressError` if the edit has bad addresses."""
    message = item.current
    to = outbound.parse_addresses(message.to_text, field_name="To", required=True)
    cc = outbound.parse_addresses(message.cc_text, field_name="Cc")
    edited = item.edit is not None
    # An edited body makes the agent's HTML part stale: send the edited text alone.
    html = None if edited else item.draft.body_html
    return Outgoing(item, to, cc, message.subject, message.body, html, edited)


async def approve(out: Outgoing, journal: Journal) -> outbound.Sent:
    """Send one draft (once), record the decision where the server cannot, forget the edit."""
    item = out.item
    session = item.session
    client = await session.po6_client()
    mailbox_id = item.draft.mailbox_id or ""
    expected = out.expected
    try:
        if client.has_decision_tools:
            edits = {}
            if out.edited:
                edits = dict(to_addresses=out.to, cc_addresses=out.cc, subject=out.subject, body_text=out.body_text,
                             body_html="" if item.draft.body_html else None)
            sent = await outbound.send_once(client, lambda: client.approve_draft(item.draft.id, **edits), expected)
        else:
            sent = await outbound.send_once(client, lambda: client.compose_email(
                mailbox_id=mailbox_id, to_addresses=out.to, subject=out.subject, body_text=out.body_text,
                body_html=out.body_html, cc_addresses=out.cc or None), expected)
            journal.record_decision(session.name, item.draft.id, APPROVED, mailbox_id=mailbox_id,
                                    subject=out.subject, sent_id=sent.sent_id)
    except Exception as error:
        outbound.learn_from_error(session, error)
        raise
    journal.drop_edit(session.name, item.draft.id)
    journal.record_send(session.name, sent.sent_id, "approved")
    return sent


async def reject(item: QueueItem, reason: str, journal: Journal) -> QueueItem:
    session = item.session
    client = await session.po6_client()
    if client.has_decision_tools:
        await client.reject_draft(item.draft.id, reason=reason or None)
    else:
        journal.record_decision(session.name, item.draft.id, REJECTED, mailbox_id=item.draft.mailbox_id,
                                subject=item.draft.subject, reason=reason or None)
    journal.drop_edit(session.name, item.draft.id)
    return item


def time_left(item: QueueItem, now: datetime | None = None) -> tuple[str, bool]:
    """("2h 05m", urgent?) — urgent under 6 hours."""
    expires = item.draft.expires_at
    if expires is None:
        return "?", False
    seconds = (expires - (now or timefmt.now())).total_seconds()
    if seconds <= 0 or item.draft.status == "expired":
        return "expired", True
    minutes = int(seconds // 60)
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    if days:
        text = f"{days}d {hours:02d}h"
    elif hours:
        text = f"{hours}h {mins:02d}m"
    else:
        text = f"{max(mins, 1)}m"
    return text, seconds < 6 * 3600
