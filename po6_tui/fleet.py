"""The fleet overview's figures and anomaly rules: one `AgentFigures` per agent mailbox (PO6
mailbox or Postern inbox), what it means, and which agent needs the operator first.

Headless (no textual): `ui/fleet/` fetches the figures and shows them. A figure that could
not be read is None and shows as "?", never as zero; `problems` says why. A figure a service
does not offer (Postern has no drafts, delivery status or known quota) shows as "—".

The anomaly rules, in words:
- sending more than 3× its own daily average of the 14 days before (the average counts as at
  least 1 a day, so a first send is not a surge);
- more than 5 % of the last 24 h's sends bounced or failed;
- more than 80 % of the account's hourly or daily quota used, on an agent that sent in that
  hour or day (the quota is the account's; the agents spending it are the ones to look at);
- silent (no mail in or out) for longer than 3× its median gap between messages, and at
  least 24 h;
- a pending draft expiring within the hour (it is dropped unanswered).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from po6_tui.plans import Plan

WINDOW_DAYS = 14  # the sparkline, and the baseline a day is compared with
HISTORY = timedelta(days=WINDOW_DAYS + 1)  # what is fetched: the baseline days and the last 24 h
SURGE_FACTOR = 3.0
BOUNCE_RATE = 0.05
QUOTA_SHARE = 0.8
SILENCE_FACTOR = 3.0
SILENCE_MIN = timedelta(hours=24)
EXPIRY_SOON = timedelta(hours=1)
PROBLEM_STATUSES = ("bounced", "failed")
POSTERN = "postern"
NOT_OFFERED = {POSTERN: frozenset({"drafts", "bounced", "quota"})}  # by provider
SPARKS = "▁▂▃▄▅▆▇█"
SORT_KEYS = ("attention", "address", "unread", "drafts", "sent")


@dataclass(frozen=True)
class Sent:
    at: datetime
    status: str | None = None  # PO6's delivery status; None where the service reports none


@dataclass(frozen=True)
class Anomaly:
    rule: str  # surge, bounces, quota, silent, expiring
    words: str  # what the operator reads


@dataclass
class AgentFigures:
    """What is known of one agent mailbox. None = could not be read (see `problems`)."""

    account: str
    provider: str  # "po6" or "postern"
    address: str
    mailbox_id: str  # the PO6 mailbox id; a Postern inbox's address
    unread: int | None = None
    unread_capped: bool = False  # only the first page of unread mail was counted
    draft_expiries: list[datetime] | None = None  # pending drafts' expiry times
    sent: list[Sent] | None = None  # sends within HISTORY, newest first
    last_outbound: datetime | None = None
    inbound: list[datetime] | None = None  # mail received within HISTORY, newest first
    last_inbound: datetime | None = None
    plan: Plan | None = None  # the account's plan, when known
    account_used: tuple[int, int] | None = None  # the account's sends in the last hour and day
    risk: str | None = None  # reserved for the approve-step risk checks (risky drafts)
    problems: list[str] = field(default_factory=list)  # why a figure is unknown, one sentence each
    loading: bool = False  # figures still on their way ("…", not "?")

    @property
    def key(self) -> str:
        return f"{self.account}\x1f{self.mailbox_id}"

    def offers(self, figure: str) -> bool:
        return figure not in NOT_OFFERED.get(self.provider, frozenset())

    @property
    def drafts(self) -> int | None:
        return None if self.draft_expiries is None else len(self.draft_expiries)

    def soonest_expiry(self) -> datetime | None:
        return min(self.draft_expiries) if self.draft_expiries else None


# -- figures ----------------------------------------------------------------------------------
def sent_since(figures: AgentFigures, since: datetime) -> int | None:
    if figures.sent is None:
        return None
    return sum(sent.at > since for sent in figures.sent)


def sent_hour_day(figures: AgentFigures, now: datetime) -> tuple[int, int] | None:
    if figures.sent is None:
        return None
    return sent_since(figures, now - timedelta(hours=1)) or 0, sent_since(figures, now - timedelta(days=1)) or 0


def daily_sends(figures: AgentFigures, now: datetime, days: int = WINDOW_DAYS) -> list[int] | None:
    """Sends per 24 h, oldest first; the last is the 24 h up to `now`."""
    if figures.sent is None:
        return None
    counts = [0] * days
    for sent in figures.sent:
        age = (now - sent.at) // timedelta(days=1)
        if 0 <= age < days:
            counts[days - 1 - age] += 1
    return counts


def trailing_average(figures: AgentFigures, now: datetime) -> float | None:
    """The daily average of the WINDOW_DAYS days before the last 24 h."""
    days = daily_sends(figures, now, WINDOW_DAYS + 1)
    return None if days is None else sum(days[:-1]) / WINDOW_DAYS


def problem_sends(figures: AgentFigures, now: datetime) -> tuple[int, int] | None:
    """(bounced or failed, sent) in the last 24 h."""
    if figures.sent is None or not figures.offers("bounced"):
        return None
    recent = [s for s in figures.sent if s.at > now - timedelta(days=1)]
    return sum(s.status in PROBLEM_STATUSES for s in recent), len(recent)


def last_activity(figures: AgentFigures) -> datetime | None:
    times = [t for t in (figures.last_inbound, figures.last_outbound) if t is not None]
    return max(times) if times else None


def usual_gap(figures: AgentFigures) -> timedelta | None:
    """The median gap between consecutive messages in or out (None with fewer than three)."""
    if figures.inbound is None or figures.sent is None:
        return None
    times = sorted([*figures.inbound, *(s.at for s in figures.sent)])
    if len(times) < 3:
        return None
    return statistics.median(b - a for a, b in zip(times, times[1:]))


def sparkline(values: Sequence[int]) -> str:
    top = max(values, default=0)
    if top <= 0:
        return SPARKS[0] * len(values)
    return "".join(SPARKS[0] if v <= 0 else SPARKS[max(1, round(v / top * (len(SPARKS) - 1)))] for v in values)


def duration(delta: timedelta) -> str:
    """45m, 5h, 3d: how long, to the unit that matters."""
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 60:
        return f"{max(minutes, 1)}m"
    if minutes < 48 * 60:
        return f"{minutes // 60}h"
    return f"{minutes // 1440}d"


# -- anomalies ----------------------------------------------------------------------------------
def _surge(figures: AgentFigures, now: datetime) -> Anomaly | None:
    counts, average = sent_hour_day(figures, now), trailing_average(figures, now)
    if counts is None or average is None:
        return None
    today = counts[1]
    if today > SURGE_FACTOR * max(average, 1.0):
        times = today / average if average else None
        usual = f"{times:.0f}× its usual {average:.1f}/day" if times else "it sent nothing in the 14 days before"
        return Anomaly("surge", f"sent {today} in 24 h, {usual}")
    return None


def _bounces(figures: AgentFigures, now: datetime) -> Anomaly | None:
    found = problem_sends(figures, now)
    if found is None or not found[1]:
        return None
    bad, sent = found
    if bad / sent > BOUNCE_RATE:
        return Anomaly("bounces", f"{bad} of {sent} sends bounced or failed in 24 h ({bad / sent:.0%})")
    return None


def _quota(figures: AgentFigures, now: datetime) -> Anomaly | None:
    plan, used, mine = figures.plan, figures.account_used, sent_hour_day(figures, now)
    if plan is None or used is None or mine is None or not plan.can_send or not figures.offers("quota"):
        return None
    windows = ((used[0], plan.per_hour, "in the last hour"), (used[1], plan.per_day, "in 24 h"))
    for (spent, limit, window), own in zip(windows, mine):
        if own and spent > QUOTA_SHARE * limit:
            return Anomaly("quota", f"quota nearly gone: {spent} of {limit} sends {window} ({plan.name})")
    return None


def _silent(figures: AgentFigures, now: datetime) -> Anomaly | None:
    gap, last = usual_gap(figures), last_activity(figures)
    if gap is None or last is None:
        return None
    allowed = max(SILENCE_FACTOR * gap, SILENCE_MIN)
    if now - last > allowed:
        return Anomaly("silent", f"silent for {duration(now - last)}, usually a message every {duration(gap)}")
    return None


def _expiring(figures: AgentFigures, now: datetime) -> Anomaly | None:
    if not figures.draft_expiries:
        return None
    soon = [t for t in figures.draft_expiries if now < t <= now + EXPIRY_SOON]
    if soon:
        many = f"{len(soon)} drafts expire" if len(soon) > 1 else "a draft expires"
        return Anomaly("expiring", f"{many} within the hour (first in {duration(min(soon) - now)})")
    return None


RULES = (_surge, _bounces, _quota, _silent, _expiring)


def anomalies(figures: AgentFigures, now: datetime) -> list[Anomaly]:
    return [found for rule in RULES if (found := rule(figures, now)) is not None]


# -- order and filter ---------------------------------------------------------------------------
def attention(figures: AgentFigures, now: datetime) -> int:
    """How much this agent needs the operator: anomalies first, then unknown figures (they may
    hide one), then pending drafts."""
    score = 100 * len(anomalies(figures, now))
    if figures.problems:
        score += 10
    if figures.drafts:
        score += 1
    return score


def sort_key(key: str, now: datetime):  # noqa: ANN201 (a key function for sorted)
    """Biggest first for the figures (unknown last), A→Z for the address; ties by address."""

    def figure(figures: AgentFigures) -> float | None:
        if key == "attention":
            return attention(figures, now)
        if key == "unread":
            return figures.unread
        if key == "drafts":
            return figures.drafts
        counts = sent_hour_day(figures, now)
        return None if counts is None else counts[1]

    def by(figures: AgentFigures) -> tuple:
        name = (figures.address.casefold(), figures.account.casefold())
        if key == "address":
            return name
        value = figure(figures)
        return (value is None, -(value or 0), *name)

    return by


def ordered(agents: Iterable[AgentFigures], key: str, now: datetime) -> list[AgentFigures]:
    return sorted(agents, key=sort_key(key, now))


def matches(figures: AgentFigures, words: Sequence[str], now: datetime) -> bool:
    """Every word (case-folded) appears in the address, the account or the anomalies' words."""
    haystack = " ".join([figures.address, figures.account, figures.provider,
                         *(a.words for a in anomalies(figures, now)), *figures.problems]).casefold()
    return all(word in haystack for word in words)
