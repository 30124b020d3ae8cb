"""Everything about mail leaving: plans and their limits, the send quota, address checks, and
sending exactly once.

Plans (API.md 1.2) are a property of the account's key, and PO6 has no tool that names them:
how the plan is found out lives in `po6_tui/plan_info.py` (re-exported here for the outbox's
callers). The quota is then an estimate from `list_sent_emails` (sends of the last hour and
day across the account's mailboxes), and the UI says it is one.

No double sends: one send of a message in flight at a time, and a send whose reply never came
(a lost or unreadable reply, a 5xx) is never repeated. `send_once` looks in the sent log for a
message that was not there before the send and matches it; when it is not there (yet), the
outcome is unknown and said so ("may have been sent"), and the same message is refused until
the log has been read again `SETTLE_SECONDS` later.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from po6_tui.api.errors import ApiError, ServerError, TransportError
from po6_tui.api.models import SentEmail
from po6_tui.api.po6 import Po6Client
from po6_tui.plan_info import (  # noqa: F401 (re-exported: compose, drafts and pickers use outbound.X)
    NEEDS_PAID, PlanInfo, cannot_send_message, detect_plan, known_plan, learn_from_error)
from po6_tui.plans import Plan
from po6_tui.ui.core import timefmt

T = TypeVar("T")


# -- the send quota ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Quota:
    info: PlanInfo
    sent_hour: int
    sent_day: int
    estimated: bool = True

    @property
    def plan(self) -> Plan | None:
        return self.info.plan

    def left(self) -> tuple[int, int] | None:
        if self.plan is None:
            return None
        return max(0, self.plan.per_hour - self.sent_hour), max(0, self.plan.per_day - self.sent_day)

    def exhausted(self) -> str:
        """Why the next send would be refused, or "" (as far as we know)."""
        left = self.left()
        if left is None or self.plan is None:
            return ""
        if left[0] == 0:
            return f"the hourly limit ({self.plan.per_hour}/hour on {self.plan.name}) is reached"
        if left[1] == 0:
            return f"the daily limit ({self.plan.per_day}/day on {self.plan.name}) is reached"
        return ""

    def describe(self, sending: int = 1) -> str:
        """One line for the confirmation: how much of the quota is left."""
        plan = self.plan
        how = " (estimate)" if self.estimated else ""
        if plan is None:
            return (f"Quota{how}: {self.sent_hour} sent in the last hour, {self.sent_day} in 24 h; plan unknown "
                    f"(Standard: 30/h, 200/day; Plus: 60/h, 500/day).")
        hour, day = self.left() or (0, 0)
        line = f"Quota on {plan.name}{how}: {hour} of {plan.per_hour} left this hour, {day} of {plan.per_day} in 24 h."
        if self.exhausted():
            line += f" The server will refuse: {self.exhausted()}."
        elif sending > min(hour, day):
            line += f" Only {min(hour, day)} of these {sending} can go now."
        return line


async def estimate_quota(session: Any, client: Po6Client, mailbox_ids: list[str]) -> Quota:
    """The plan and how many sends the last hour and day saw across the account's mailboxes."""
    info = await detect_plan(session, client, mailbox_ids[0] if mailbox_ids else None)
    figures = info.quota_figures
    if "used_hour" in figures and "used_day" in figures:
        return Quota(info, figures["used_hour"], figures["used_day"], estimated=False)
    now = timefmt.now()
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    sent_hour = sent_day = 0
    for mailbox_id in mailbox_ids:
        for sent in await _sent_since(client, mailbox_id, day_ago):
            sent_day += 1
            sent_hour += sent.sent_at is not None and sent.sent_at > hour_ago
    return Quota(info, sent_hour, sent_day)


async def _sent_since(client: Po6Client, mailbox_id: str, since: datetime, page: int = 100) -> list[SentEmail]:
    found: list[SentEmail] = []
    offset = 0
    while True:
        result = await client.list_sent_emails(mailbox_id=mailbox_id, limit=page, offset=offset)
        for sent in result.emails:
            if sent.sent_at is None or sent.sent_at <= since:
                return found  # newest first: the rest is older
            found.append(sent)
        if not result.has_more or not result.emails or offset > 2000:
            return found
        offset += len(result.emails)


# -- addresses ----------------------------------------------------------------------------------
ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                     r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_NAMED = re.compile(r"^.*<([^<>]+)>$")


class AddressError(ValueError):
    pass


def parse_addresses(text: str, *, field_name: str = "To", required: bool = False) -> list[str]:
    """Addresses separated by commas, semicolons or new lines ("Name <a@b.c>" is fine).

    Raises `AddressError` naming every bad one, so the operator fixes them all at once."""
    found: list[str] = []
    bad: list[str] = []
    for part in re.split(r"[,;\n]", text):
        part = part.strip()
        if not part:
            continue
        named = _NAMED.match(part)
        address = (named.group(1) if named else part).strip()
        if ADDRESS.match(address) and len(address) <= 254:
            if address.lower() not in (a.lower() for a in found):
                found.append(address)
        else:
            bad.append(part)
    if bad:
        shown = ", ".join(repr(b[:60]) for b in bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
        raise AddressError(f"{field_name}: {shown} {'is not an email address' if len(bad) == 1 else 'are not email addresses'}.")
    if required and not found:
        raise AddressError(f"{field_name}: give at least one recipient.")
    return found


# -- sending exactly once -------------------------------------------------------------------------
@dataclass(frozen=True)
class Expected:
    """How to recognise our message in the sent log."""

    mailbox_id: str
    subject: str
    recipients: frozenset[str] = frozenset()  # lower-case; empty when the server picks them (reply)
    subject_is_suffix: bool = False  # reply/forward: the server prefixes "Re:"/"Fwd:"

    def matches(self, sent: SentEmail) -> bool:
        subject = sent.subject.strip().casefold()
        wanted = self.subject.strip().casefold()
        if not (subject.endswith(wanted) if self.subject_is_suffix else subject == wanted):
            return False
        to = {a.lower() for a in [*sent.to_addresses, *sent.cc_addresses]}
        return not self.recipients or bool(to & self.recipients)


@dataclass
class Sent(Generic[T]):
    """How a send went. `result` is the server's answer, or None when the answer was lost but
    the sent log shows the message (`found`)."""

    result: T | None
    found: SentEmail | None = None

    @property
    def sent_id(self) -> str | None:
        if self.found is not None:
            return self.found.id
        sent = getattr(self.result, "sent", None)  # approve_draft nests the send
        return getattr(sent, "id", None) or getattr(self.result, "sent_id", None) or getattr(self.result, "id", None)

    @property
    def reply_lost(self) -> bool:
        return self.found is not None


class UnknownOutcomeError(ApiError):
    """The reply to a send never came (or made no sense), and the sent log does not show the
    message yet. It may have been sent: the sent log can lag behind a slow server. Nothing was
    retried; a second send of the same message is refused until the sent log has been read
    again after `SETTLE_SECONDS`."""


class AlreadySendingError(ApiError):
    """The same message is being sent, or an earlier send of it may have gone out."""


# The sent log can lag behind the send (a busy server logs it later): after a send with an
# unknown outcome, the same message is not sent again until the log was read this much later.
SETTLE_SECONDS = 120.0


@dataclass
class _Unsettled:
    client: Po6Client
    before: set[str]
    since: float


_IN_FLIGHT: set[tuple] = set()  # sends waiting for their reply (one write in flight per message)
_UNSETTLED: dict[tuple, _Unsettled] = {}  # sends whose outcome is not known yet


def _key(expected: Expected) -> tuple:
    return (expected.mailbox_id, expected.subject.strip().casefold(), expected.recipients)


def in_flight(expected: Expected) -> bool:
    """Whether this message is being sent right now (a second send is refused before asking)."""
    return _key(expected) in _IN_FLIGHT


async def _sent_ids(client: Po6Client, mailbox_id: str) -> set[str]:
    page = await client.list_sent_emails(mailbox_id=mailbox_id, limit=20)
    return {sent.id for sent in page.emails}


def unsettled(expected: Expected) -> bool:
    """Whether an earlier send of this message has an outcome not known yet."""
    return _key(expected) in _UNSETTLED


async def _find(client: Po6Client, expected: Expected, before: set[str]) -> SentEmail | None:
    page = await client.list_sent_emails(mailbox_id=expected.mailbox_id, limit=20)
    return next((sent for sent in page.emails if sent.id not in before and expected.matches(sent)), None)


async def settle(expected: Expected, *, now: float | None = None) -> SentEmail | None:
    """Look again for an earlier send of `expected` whose outcome was unknown. Returns the sent
    record if it shows now; raises AlreadySendingError while it may still show; None when there
    is nothing unsettled (or it did not show within SETTLE_SECONDS: a retry is the operator's)."""
    key = _key(expected)
    pending = _UNSETTLED.get(key)
    if pending is None:
        return None
    found = await _find(pending.client, expected, pending.before)
    if found is not None:
        del _UNSETTLED[key]
        return found
    waited = (time.monotonic() if now is None else now) - pending.since
    if waited < SETTLE_SECONDS:
        raise AlreadySendingError(
            f"An earlier send of this message may have been sent: the sent log does not show it yet, and it can "
            f"lag. Try again in {max(1, round(SETTLE_SECONDS - waited))} s, once po6-tui can tell.")
    del _UNSETTLED[key]
    return None


async def send_once(client: Po6Client, send: Callable[[], Awaitable[T]], expected: Expected) -> Sent[T]:
    """Call `send()` once. If its reply is lost, never call it again: look in the sent log for a
    new message that matches `expected` and report what really happened; when the log does not
    show it (yet), the outcome is unknown ("may have been sent"), never "not sent"."""
    key = _key(expected)
    if key in _IN_FLIGHT:
        raise AlreadySendingError("This message is being sent already: wait for the server's answer. "
                                  "It was not sent a second time.")
    _IN_FLIGHT.add(key)
    try:
        earlier = await settle(expected)
        if earlier is not None:
            return Sent(None, found=earlier)
        before = await _sent_ids(client, expected.mailbox_id)
        try:
            return Sent(await send())
        except (TransportError, ServerError) as error:
            lost: BaseException = error  # no reply, a broken one, or a 5xx: it may have been processed
        except ApiError:
            raise  # the server said no: nothing was sent
        except Exception as error:  # an unreadable reply (deep JSON, a bug): the send may have happened
            lost = error
        tool = getattr(lost, "tool", None)
        reason = lost.message if isinstance(lost, ApiError) else f"the reply could not be read ({type(lost).__name__})"
        try:
            found = await _find(client, expected, before)
        except ApiError as error:
            found, checked = None, f" The sent log could not be read either ({error})."
        else:
            checked = " The sent log does not show it yet; it can lag behind a busy server."
        if found is not None:
            return Sent(None, found=found)
        _UNSETTLED[key] = _Unsettled(client, before, time.monotonic())
        raise UnknownOutcomeError(
            f"It may have been sent: {reason}{checked} Nothing was retried; look at :sent before sending it "
            f"again (a second send is refused for {round(SETTLE_SECONDS)} s).", tool=tool)
    finally:
        _IN_FLIGHT.discard(key)
