"""How one agent's figures look: the fleet table's cells and the detail line under it.

"?" is a figure that could not be read (the detail line says why), "…" one still loading, "—"
one the service does not offer (Postern has no drafts, delivery status or known quota).
Addresses and account names came from servers or config: they go through `ui.safe`.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from po6_tui import fleet
from po6_tui.fleet import AgentFigures, Anomaly
from po6_tui.ui import safe
from po6_tui.ui.kit.table import Column

# Narrow terminals keep the agent, what needs attention and the figures an anomaly is about;
# the others shrink, then go, the last first (the detail line under the table says everything).
COLUMNS = (Column("needs", "Needs attention", give=3, least=16), Column("address", "Agent", give=0),
           Column("drafts", "Drafts", give=0), Column("day", "Sent 24h", give=0),
           Column("hour", "1h", give=3), Column("bounced", "Bounced", give=2, least=7),
           Column("unread", "Unread", give=2, least=6),
           # filled by the approve-step risk checks (AgentFigures.risk) once they exist
           Column("risk", "Risk", give=4),
           Column("last_in", "Last in", give=5), Column("last_out", "Last out", give=5),
           Column("spark", "14 days", give=6), Column("account", "Account", give=7))
NEEDS_WIDTH = 26
ADDRESS_WIDTH = 28
UNKNOWN = Text("?", style="bold yellow")
LOADING = Text("…", style="dim")
NOT_OFFERED = Text("—", style="dim")


def _figure(agent: AgentFigures, value: str | None, *, offered: str = "", style: str = "") -> Text:
    if offered and not agent.offers(offered):
        return NOT_OFFERED.copy()
    if value is None:
        return (LOADING if agent.loading else UNKNOWN).copy()
    return Text(value, style=style)


def _ago(agent: AgentFigures, known: bool, when: datetime | None, now: datetime) -> Text:
    if not known:
        return (LOADING if agent.loading else UNKNOWN).copy()
    if when is None:
        return Text("never", style="dim")
    return Text(fleet.duration(now - when), style="dim")


def _quota(count: int, limit: int | None) -> str:
    return f"{count}/{limit}" if limit else str(count)


def needs_text(agent: AgentFigures, found: list[Anomaly], width: int = NEEDS_WIDTH) -> Text:
    if found:  # the first anomaly; how many there are when more (the detail line lists them)
        text = Text(("⚠ " if len(found) == 1 else f"⚠{len(found)} ") + found[0].words, style="bold red")
    elif agent.problems and not agent.loading:
        text = Text("? some figures unknown", style="yellow")
    elif agent.loading:
        return LOADING.copy()
    else:
        text = Text("ok", style="dim green")
    text.truncate(width, overflow="ellipsis")
    return text


def cells(agent: AgentFigures, found: list[Anomaly], now: datetime) -> list[Text]:
    plan = agent.plan if agent.offers("quota") and agent.plan is not None and agent.plan.can_send else None
    counts = fleet.sent_hour_day(agent, now)
    problems = fleet.problem_sends(agent, now)
    expiry = agent.soonest_expiry()
    drafts = agent.drafts
    daily = fleet.daily_sends(agent, now)
    address = safe.text(agent.address, max_len=200, style="bold" if found else "")
    address.truncate(ADDRESS_WIDTH, overflow="ellipsis")
    account = safe.text(agent.account, max_len=40)
    if agent.provider == fleet.POSTERN:
        account.append(" Postern", style="dim")
    return [
        needs_text(agent, found),
        address,
        _figure(agent, None if drafts is None else (f"{drafts} · {fleet.duration(expiry - now)}" if expiry else "0"),
                offered="drafts", style="" if drafts else "dim"),
        _figure(agent, None if counts is None else _quota(counts[1], plan.per_day if plan else None)),
        _figure(agent, None if counts is None else _quota(counts[0], plan.per_hour if plan else None), style="dim"),
        _figure(agent, None if problems is None else str(problems[0]), offered="bounced",
                style="bold red" if problems and problems[0] else "dim"),
        _figure(agent, None if agent.unread is None else f"{agent.unread}{'+' if agent.unread_capped else ''}"),
        safe.text(agent.risk, max_len=20, style="bold red") if agent.risk else Text(""),
        _ago(agent, agent.inbound is not None, agent.last_inbound, now),
        _ago(agent, agent.sent is not None, agent.last_outbound, now),
        _figure(agent, None if daily is None else fleet.sparkline(daily), style="cyan"),
        account,
    ]


def detail(agent: AgentFigures, found: list[Anomaly], now: datetime) -> Text:
    """The highlighted agent in words: every anomaly, why a figure is unknown, the quota."""
    text = safe.text(agent.address, max_len=200, style="bold")
    text.append("  ")
    text.append_text(safe.text(agent.account, max_len=40, style="dim"))
    text.append("  Postern" if agent.provider == fleet.POSTERN else "  PO6", style="dim")
    for anomaly in found:
        text.append("\n⚠ ", style="bold red")
        text.append(anomaly.words, style="bold red")
    for problem in agent.problems:
        text.append("\n? ", style="bold yellow")
        text.append_text(safe.text(problem, max_len=300, style="yellow"))
    if agent.loading:
        text.append("\nLoading…", style="dim")
    elif not found and not agent.problems:
        text.append("\nNothing unusual.", style="dim green")
    if agent.offers("quota"):
        text.append("\n" + _quota_line(agent), style="dim")
    return text


def _quota_line(agent: AgentFigures) -> str:
    plan, used = agent.plan, agent.account_used
    if plan is None:
        return "Quota: plan unknown (Standard: 30/h, 200/day; Plus: 60/h, 500/day)."
    if not plan.can_send:
        return f"Quota: the {plan.name} plan cannot send through the API."
    line = f"Quota on {plan.name}: {plan.per_hour}/hour, {plan.per_day}/day for the account"
    return line + (f"; used {used[0]} this hour, {used[1]} today." if used is not None else "; used: unknown.")
