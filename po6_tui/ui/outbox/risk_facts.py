"""What the approve step's risk checks (po6_tui/risks.py) need to know about a sending mailbox,
read from the server once per mailbox: who it wrote to before (its sent log), who is
unsubscribed or bounced on a contact list, and how much of the send quota is left. A part that
is refused (a scope, a plan) is None, so the check that needs it says it did not run; a server
that cannot be reached fails the whole check (the send is not offered on a guess).
"""

from __future__ import annotations

from dataclasses import dataclass

from po6_tui.api.errors import ApiError, PlanError, ServerError, TransportError
from po6_tui.api.po6 import Po6Client
from po6_tui.risks import Known
from po6_tui.ui.outbox import outbound

SENT_LOOKED_AT = 100  # (the most a page holds) recent sends read for "who did this mailbox write to before"
_UNREACHABLE = (TransportError, ServerError)  # not a refusal: the check cannot run at all


def address_of(value: str) -> str:
    value = value or ""
    return (value.rpartition("<")[2].rstrip(">") if "<" in value else value).strip().lower()


@dataclass(frozen=True)
class AccountFacts:
    """What holds for every mailbox of an account: read once per check, not once per mailbox
    (PO6 allows 60 requests a minute)."""

    suppressed: dict[str, str] | None  # address → "unsubscribed on the contact list 'X'"
    sends_left: tuple[int | None, int | None] | None


async def account_facts(session: object, client: Po6Client, all_mailboxes: list[str],
                        quota: outbound.Quota | None = None) -> AccountFacts:
    """The contact lists' unsubscribed and bounced addresses, and the quota left (`quota` when the
    caller has it already); each None when it could not be read."""
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
        raise  # the server is gone: the whole check fails and says so
    except ApiError:
        suppressed = None  # refused (a scope, a rate limit): that check says it did not run
    sends_left: tuple[int | None, int | None] | None
    try:
        quota = quota or await outbound.estimate_quota(session, client, all_mailboxes)
        left = quota.left()
        sends_left = (left[0], left[1]) if left is not None else None
    except _UNREACHABLE:
        raise
    except ApiError:
        sends_left = None
    return AccountFacts(suppressed, sends_left)


async def known(client: Po6Client, mailbox_id: str | None, account: AccountFacts) -> Known:
    """What the risk checks need about a mailbox: who it wrote to before (its sent log), with the
    account's facts; each part None when it could not be read."""
    correspondents: frozenset[str] | None = None
    if mailbox_id:
        try:
            page = await client.list_sent_emails(mailbox_id=mailbox_id, limit=SENT_LOOKED_AT)
            correspondents = frozenset(address_of(a) for s in page.emails for a in [*s.to_addresses, *s.cc_addresses])
        except _UNREACHABLE:
            raise
        except ApiError:
            correspondents = None
    return Known(correspondents=correspondents, suppressed=account.suppressed, sends_left=account.sends_left)
