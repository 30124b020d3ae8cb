"""What the app knows of a PO6 account's plan (API.md 1.2): the tier, or only whether it is
paid, or nothing, and how it is found out.

PO6 has no tool that names the plan. So it is found out, in this order: a `plan` field the
server volunteers in `get_mailbox_stats` (with `send_quota` figures, when it sends them); the
Free plan's refusal of `list_email_lists` (contact lists are paid only); and the plan named in
a send-limit error ("… (30/hour on Standard)"). Headless: the outbox (quota before a send) and
the fleet overview (quota per agent) both read it.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field
from typing import Any

from po6_tui.api.errors import ApiError, PlanError
from po6_tui.api.po6 import Po6Client
from po6_tui.plans import FREE, Plan, plan_named

NEEDS_PAID = "needs the Standard or Plus plan"


@dataclass
class PlanInfo:
    """What we know of an account's plan: the tier, or only whether it is paid, or nothing."""

    plan: Plan | None = None
    paid: bool | None = None
    quota_figures: dict[str, int] = field(default_factory=dict)  # from the server, when it sends them
    asked: bool = False  # the server has been asked once; later refusals still refine what we know

    @property
    def can_send(self) -> bool | None:
        if self.plan is not None:
            return self.plan.can_send
        return self.paid

    @property
    def label(self) -> str:
        if self.plan is not None:
            return self.plan.name
        if self.paid:
            return "a paid plan"
        return "plan unknown"


_known: weakref.WeakKeyDictionary[Any, PlanInfo] = weakref.WeakKeyDictionary()


def known_plan(session: Any) -> PlanInfo:
    """What this session (an `AccountSession`) has learnt so far (never None)."""
    info = _known.get(session)
    if info is None:
        info = _known[session] = PlanInfo()
    return info


_LIMIT_ERROR = re.compile(r"\((\d+)/(hour|day|month) on (\w+)\)", re.I)
_FORWARD_ERROR = re.compile(r"(\w+) forwards to at most (\d+)", re.I)


def learn_from_error(session: Any, error: BaseException) -> None:
    """Refusals name the plan ("… (30/hour on Standard)", "Requires a paid plan"): remember it."""
    if not isinstance(error, ApiError):
        return
    text = str(error)
    info = known_plan(session)
    for pattern in (_LIMIT_ERROR, _FORWARD_ERROR):
        match = pattern.search(text)
        if match:
            plan = plan_named(match.group(3) if pattern is _LIMIT_ERROR else match.group(1))
            if plan is not None:
                info.plan, info.paid = plan, plan.can_send
            return
    if isinstance(error, PlanError) and "paid plan" in text.lower():
        info.plan, info.paid = FREE, False


async def detect_plan(session: Any, client: Po6Client, mailbox_id: str | None) -> PlanInfo:
    """Find out the plan as far as the server lets us (see the module docstring)."""
    info = known_plan(session)
    if info.asked and not info.quota_figures:
        return info
    if mailbox_id:
        try:
            stats = await client.get_mailbox_stats(mailbox_id=mailbox_id)
        except ApiError:
            stats = None
        extra = (stats.model_extra or {}) if stats is not None else {}
        plan = plan_named(extra.get("plan"))
        if plan is not None:
            info.plan, info.paid = plan, plan.can_send
        figures = extra.get("send_quota")
        if isinstance(figures, dict):
            info.quota_figures = {k: v for k, v in figures.items() if isinstance(v, int)}
    if info.paid is None:
        try:
            await client.list_email_lists()
        except PlanError:
            info.plan, info.paid = FREE, False
        except ApiError:
            pass  # no scope, or the server is unwell: the plan stays unknown
        else:
            info.paid = True
    info.asked = True
    return info


def cannot_send_message(info: PlanInfo) -> str:
    return f"This account is on the {info.plan.name if info.plan else 'Free'} plan, which cannot send " \
           f"through the API: sending {NEEDS_PAID}."
