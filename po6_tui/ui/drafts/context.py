"""What the operator needs beside a draft to judge it (DESIGN.md, "Supervision"): the
conversation it belongs to, and what the risk checks need to know about its mailbox.

- `conversation()`: the inbound message the draft answers (same subject once "Re:"/"Fwd:" are
  taken off, from one of its recipients, found with `search_emails` across the mailbox's
  folders) and earlier mail with the same people, received and sent, newest first;
- what the risk checks need about the mailbox comes from `outbox/risk_facts.py` (compose uses
  it too).

No widgets here: the drafts view calls these in its workers and caches them per mailbox.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import datetime

from po6_tui.api.errors import ApiError
from po6_tui.api.models import Draft, EmailSummary, SentEmail
from po6_tui.api.po6 import Po6Client
from po6_tui.ui import safe
from po6_tui.ui.outbox.risk_facts import address_of

_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.I)
EARLIER_SHOWN = 20


def base_subject(subject: str) -> str:
    """The subject without its reply/forward prefixes, for matching a conversation."""
    return _PREFIX.sub("", subject or "").strip()


@dataclass(frozen=True)
class Entry:
    """One message of the conversation, as the context pane lists it."""

    direction: str  # "received" or "sent"
    when: datetime | None
    who: str  # the sender (received) or the recipients (sent)
    subject: str
    snippet: str = ""
    email: EmailSummary | None = None  # a received message, to open in full


@dataclass
class Conversation:
    answers: EmailSummary | None = None  # the inbound message the draft replies to
    answered_text: str = ""  # its body, as text (untrusted: shown through ui/safe.py)
    earlier: list[Entry] = field(default_factory=list)  # newest first
    problems: list[str] = field(default_factory=list)  # what could not be read, in words

    @property
    def empty(self) -> bool:
        return self.answers is None and not self.earlier


async def conversation(client: Po6Client, draft: Draft, recipients: list[str]) -> Conversation:
    result = Conversation()
    people = {address_of(a) for a in recipients if a}
    mailbox_id = draft.mailbox_id
    subject = base_subject(draft.subject)
    received: dict[str, EmailSummary] = {}

    async def search(query: str) -> list[EmailSummary]:
        try:
            return list((await client.search_emails(query, mailbox_id=mailbox_id, limit=50)).results)
        except ApiError as error:
            result.problems.append(f"searching for {query!r} failed: {error}")
            return []

    queries = [q for q in dict.fromkeys([subject[:80], *sorted(people)[:5]]) if q]
    for found in await asyncio.gather(*(search(q) for q in queries)):
        for email in found:
            if address_of(email.from_) in people or any(address_of(t) in people for t in email.to):
                received.setdefault(email.id, email)
    if subject:
        answered = [e for e in received.values() if base_subject(e.subject).casefold() == subject.casefold()
                    and address_of(e.from_) in people]
        answered.sort(key=lambda e: e.date.timestamp() if e.date else 0.0, reverse=True)
        result.answers = answered[0] if answered else None
    if result.answers is not None:
        try:
            full = await client.get_email(mailbox_id=result.answers.mailbox_id or mailbox_id or "",
                                          email_id=result.answers.id)
            result.answered_text = full.body_text or (safe.html_to_text(full.body_html).body if full.body_html else "")
        except ApiError as error:
            result.problems.append(f"the message it answers could not be read: {error}")
    sent: list[SentEmail] = []
    if mailbox_id:
        try:
            sent = list((await client.list_sent_emails(mailbox_id=mailbox_id, limit=100)).emails)
        except ApiError as error:
            result.problems.append(f"the sent log could not be read: {error}")
    entries = [Entry("received", e.date, e.from_, e.subject, e.snippet, e) for e in received.values()
               if result.answers is None or e.id != result.answers.id]
    entries += [Entry("sent", s.sent_at, ", ".join(s.to_addresses), s.subject) for s in sent
                if people & {address_of(a) for a in [*s.to_addresses, *s.cc_addresses]}]
    entries.sort(key=lambda e: e.when.timestamp() if e.when else 0.0, reverse=True)
    result.earlier = entries[:EARLIER_SHOWN]
    return result
