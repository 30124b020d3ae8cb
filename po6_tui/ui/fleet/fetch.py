"""Reading the fleet's figures: every agent mailbox of every account, PO6 and Postern, with a
bounded number of requests in flight.

Each agent's figures are handed to `shown` as they arrive (first the listing, with what it
already says, then the rest), so a fleet of hundreds fills in while it loads. A figure that
fails to load stays None ("?" on screen) with the reason in `problems`; one agent's failure
never stops the others. Costs per refresh: per PO6 account a listing, the pending drafts and
the plan; per mailbox its sent log since `fleet.HISTORY` (usually one page) and its INBOX's
newest page; per Postern inbox its messages since then and one page of unread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeVar

from po6_tui import risks
from po6_tui.risks import Rules
from po6_tui import fleet
from po6_tui.api.models import Mailbox
from po6_tui.api.po6 import Po6Client
from po6_tui.fleet import AgentFigures, Sent
from po6_tui.plan_info import detect_plan
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.tasks import describe_error

T = TypeVar("T")
MAX_IN_FLIGHT = 8  # requests at once, across every account (a server allows a key 60 a minute)
PAGE = 100
MAX_PAGES = 10  # per agent and listing: 1,000 sends in 15 days is plenty to see a surge

Shown = Callable[[AgentFigures], None]


class Gate:
    """At most `size` requests in flight; every request of a refresh goes through it."""

    def __init__(self, size: int = MAX_IN_FLIGHT) -> None:
        self._slots = asyncio.Semaphore(size)
        self.in_flight = 0
        self.most_in_flight = 0  # for the tests and the benchmark

    async def __call__(self, call: Callable[[], Awaitable[T]]) -> T:
        async with self._slots:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            try:
                return await call()
            finally:
                self.in_flight -= 1


async def load_fleet(sessions: Sequence[AccountSession], now: datetime, shown: Shown, *,
                     gate: Gate | None = None, rules: Rules | None = None) -> dict[str, str]:
    """Read every account's agents, calling `shown(figures)` whenever an agent's row changes.
    Returns the accounts whose mailboxes could not be listed, with why (one sentence each);
    agents' own problems are in their figures."""
    gate = gate or Gate()
    rules = rules or Rules()
    problems: dict[str, str] = {}

    async def account(session: AccountSession) -> None:
        try:
            if session.provider == fleet.POSTERN:
                await _postern_account(session, now, shown, gate)
            else:
                await _po6_account(session, now, shown, gate, rules)
        except Exception as error:  # noqa: BLE001 (one account's failure never hides the others)
            problems[session.name] = f"{session.name}: could not list its mailboxes: {describe_error(error)}"

    await asyncio.gather(*(account(session) for session in sessions))
    return problems


# -- PO6 ----------------------------------------------------------------------------------------
async def _po6_account(session: AccountSession, now: datetime, shown: Shown, gate: Gate, rules: Rules) -> None:
    client = await gate(session.po6_client)
    mailboxes: list[Mailbox] = list(await gate(client.list_mailboxes))
    agents = [AgentFigures(session.name, "po6", m.address or m.id, m.id, unread=m.unread, loading=True)
              for m in mailboxes]
    for agent in agents:
        shown(agent)

    addresses = {m.id: m.address or m.id for m in mailboxes}
    risky: dict[str, int] = {}

    async def drafts() -> dict[str, list[datetime]] | str:
        try:
            pending = await gate(lambda: client.list_drafts(status="pending"))
        except Exception as error:  # noqa: BLE001 (shown as "?" with the reason)
            return f"drafts: {describe_error(error)}"
        found: dict[str, list[datetime]] = {}
        for draft in pending:
            if draft.status == "pending" and draft.expires_at is not None and draft.expires_at > now:
                found.setdefault(draft.mailbox_id or "", []).append(draft.expires_at)
                # The approve step's checks on the draft's own text (no extra request per draft):
                # medium or high counts as risky here; the queue shows each finding in words.
                message = risks.Message(addresses.get(draft.mailbox_id or "", ""), draft.to_addresses, draft.subject,
                                        draft.body_text or "", draft.body_html, cc=draft.cc_addresses)
                if risks.assess(message, risks.Known(), rules).level >= risks.MEDIUM:
                    risky[draft.mailbox_id or ""] = risky.get(draft.mailbox_id or "", 0) + 1
        return found

    async def plan():  # noqa: ANN202 (a PlanInfo, or None when it cannot be read)
        try:
            return await gate(lambda: detect_plan(session, client, mailboxes[0].id if mailboxes else None))
        except Exception:  # noqa: BLE001 (the plan stays unknown: the quota column says so)
            return None

    pending, info, _ = await asyncio.gather(
        drafts(), plan(), asyncio.gather(*(_po6_agent(client, agent, now, gate) for agent in agents)))
    figures = info.quota_figures if info is not None else {}
    if "used_hour" in figures and "used_day" in figures:
        used: tuple[int, int] | None = (figures["used_hour"], figures["used_day"])
    else:  # an estimate from the sent logs, when every one of them could be read
        counts = [fleet.sent_hour_day(agent, now) for agent in agents]
        used = None if None in counts else (sum(c[0] for c in counts), sum(c[1] for c in counts))  # type: ignore[index]
    for agent in agents:
        if isinstance(pending, str):
            agent.problems.append(pending)
        else:
            agent.draft_expiries = pending.get(agent.mailbox_id, [])
            count = risky.get(agent.mailbox_id, 0)
            agent.risk = f"{count} risky" if count else None
        agent.plan = info.plan if info is not None else None
        agent.account_used = used
        agent.loading = False
        shown(agent)


async def _po6_agent(client: Po6Client, agent: AgentFigures, now: datetime, gate: Gate) -> None:
    since = now - fleet.HISTORY

    async def sent_log() -> None:
        found: list[Sent] = []
        for page_number in range(MAX_PAGES):
            page = await gate(lambda: client.list_sent_emails(agent.mailbox_id, limit=PAGE,
                                                              offset=page_number * PAGE))
            if page_number == 0 and page.emails:
                agent.last_outbound = page.emails[0].sent_at
            older = False
            for email in page.emails:
                if email.sent_at is None:
                    continue
                if email.sent_at <= since:
                    older = True
                    break
                found.append(Sent(email.sent_at, email.delivery_status))
            if older or not page.has_more or not page.emails:
                break
        agent.sent = found

    async def inbox() -> None:
        page = await gate(lambda: client.list_emails(agent.mailbox_id, "INBOX", limit=PAGE))
        dates = [email.date for email in page.emails if email.date is not None]
        agent.last_inbound = max(dates, default=None)
        agent.inbound = [date for date in dates if date > since]

    await _each(agent, (("sent log", sent_log), ("inbox", inbox)))


# -- Postern ------------------------------------------------------------------------------------
async def _postern_account(session: AccountSession, now: datetime, shown: Shown, gate: Gate) -> None:
    client = session.postern_client()
    agents: list[AgentFigures] = []
    cursor: str | None = None
    for _ in range(MAX_PAGES * 10):  # 10,000 inboxes at most
        page = await gate(lambda: client.list_inboxes(limit=PAGE, cursor=cursor))
        for inbox in page.data:
            agent = AgentFigures(session.name, fleet.POSTERN, inbox.address or inbox.id, inbox.address or inbox.id,
                                 loading=True)
            agents.append(agent)
            shown(agent)
        cursor = page.next_cursor
        if not cursor:
            break

    async def one(agent: AgentFigures) -> None:
        await _postern_agent(client, agent, now, gate)
        agent.loading = False
        shown(agent)

    await asyncio.gather(*(one(agent) for agent in agents))


async def _postern_agent(client, agent: AgentFigures, now: datetime, gate: Gate) -> None:  # noqa: ANN001
    since = now - fleet.HISTORY

    async def messages() -> None:
        sent: list[Sent] = []
        inbound: list[datetime] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            page = await gate(lambda: client.list_messages(agent.mailbox_id, limit=PAGE, cursor=cursor))
            older = False
            for message in page.data:
                when = message.received_at
                if when is None:
                    continue
                if message.direction == "outbound":
                    agent.last_outbound = agent.last_outbound or when
                else:
                    agent.last_inbound = agent.last_inbound or when
                if when <= since:
                    older = True
                    continue  # newest first, but keep looking for the first of the other direction
                if message.direction == "outbound":
                    sent.append(Sent(when))
                else:
                    inbound.append(when)
            cursor = page.next_cursor
            if not cursor or (older and agent.last_inbound and agent.last_outbound):
                break
        agent.sent, agent.inbound = sent, inbound

    async def unread() -> None:
        page = await gate(lambda: client.list_messages(agent.mailbox_id, direction="inbound", unread_only=True,
                                                       limit=PAGE))
        agent.unread = sum(message.unread for message in page.data)
        agent.unread_capped = bool(page.next_cursor)

    await _each(agent, (("messages", messages), ("unread", unread)))


async def _each(agent: AgentFigures, parts: Sequence[tuple[str, Callable[[], Awaitable[None]]]]) -> None:
    """Read an agent's figures part by part, concurrently; a part that fails leaves its figures
    None and says why in `problems`."""

    async def part(name: str, read: Callable[[], Awaitable[None]]) -> None:
        try:
            await read()
        except Exception as error:  # noqa: BLE001 (shown as "?" on the row, with the reason)
            agent.problems.append(f"{name}: {describe_error(error)}")

    await asyncio.gather(*(part(name, read) for name, read in parts))
