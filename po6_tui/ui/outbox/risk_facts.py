"""What the approve step's risk checks (po6_tui/risks.py) need to know about a sending mailbox,
read from the server once per mailbox: who it wrote to before (its sent log), who is
unsubscribed or bounced on a contact list, and how much of the send quota is left. A part that
is refused (a scope, a plan) is None, so the check that needs it says it did not run; a server
that cannot be reached fails the whole check (the send is not offered on a guess).
"""

from __future__ import annotations

from po6_tui.api.errors import ApiError, PlanError, ServerError, TransportError
from po6_tui.api.po6 import Po6Client
from po6_tui.risks import Known
from po6_tui.ui.outbox import outbound

SENT_LOOKED_AT = 100  # (the most a page holds) recent sends read for "who did this mailbox write to before"
_UNREACHABLE = (TransportError, ServerError)  # not a refusal: the check cannot run at all


def address_of(value: str) -> str:
    value = value or ""
    return (value.rpartition("<")[2].rstrip(">") if "<" in value else value).strip().lower()


async def known(session: object, client: Po6Client, mailbox_id: str | None, all_mailboxes: list[str]) -> Known:
    """What the risk checks need about a mailbox; each part None when it could not be read."""
    correspondents: frozenset[str] | None = None
    if mailbox_id:
        try:
            page = await client.list_sent_emails(mailbox_id=mailbox_id, limit=SENT_LOOKED_AT)
            correspondents = frozenset(address_of(a) for s in page.emails for a in [*s.to_addresses, *s.cc_addresses])
        except _UNREACHABLE:
            raise  # the server is gone: the whole check fails and says so
        except ApiError:
            correspondents = None  # refused (a scope, a plan): that check says it did not run
    suppressed: dict[str, str] | None = {}
    try:
        for email_list in await client.list_email_lists():
            for status in ("unsubscribed", "bounced"):
                contacts = await client.get_email_list_contacts(email_list.id, status=status, limit=100)
                for contact in contacts.contacts:
                    if contact.email:
                        suppressed[address_of(contact.email)] = f"{status} on the contact list {email_list.name!r}"
    except PlanError:
        suppressed = {}  # no contact lists on this plan: nobody can be unsubscribed from one
    except _UNREACHABLE:
        raise
    except ApiError:
        suppressed = None
    sends_left: tuple[int | None, int | None] | None
    try:
        quota = await outbound.estimate_quota(session, client, all_mailboxes)
        left = quota.left()
        sends_left = (left[0], left[1]) if left is not None else None
    except _UNREACHABLE:
        raise
    except ApiError:
        sends_left = None
    return Known(correspondents=correspondents, suppressed=suppressed, sends_left=sends_left)
