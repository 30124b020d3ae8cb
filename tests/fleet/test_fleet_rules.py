"""The fleet's figures and anomaly rules (po6_tui/fleet.py), without a server."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from po6_tui import fleet
from po6_tui.fleet import AgentFigures, Sent
from po6_tui.plans import PLANS

NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
H, D = timedelta(hours=1), timedelta(days=1)


def agent(address: str = "a@po6.com", *, sent: list[Sent] | None = None, inbound: list[datetime] | None = None,
          **more) -> AgentFigures:
    sent = [] if sent is None else sent
    inbound = [] if inbound is None else inbound
    more.setdefault("last_outbound", max((s.at for s in sent), default=None))
    more.setdefault("last_inbound", max(inbound, default=None))
    return AgentFigures("acct", "po6", address, address, sent=sorted(sent, key=lambda s: s.at, reverse=True),
                        inbound=inbound, **more)


def daily(per_day: int, today: int, *, status: str = "delivered") -> list[Sent]:
    """`per_day` sends on each of the 14 days before the last 24 h, `today` in the last 24 h."""
    old = [Sent(NOW - day * D - (n + 1) * H, status) for day in range(1, 15) for n in range(per_day)]
    return old + [Sent(NOW - (n + 1) * timedelta(minutes=10), status) for n in range(today)]


def rules(figures: AgentFigures) -> dict[str, str]:
    return {a.rule: a.words for a in fleet.anomalies(figures, NOW)}


def test_the_figures_module_imports_no_textual():
    code = ("import sys, po6_tui.fleet, po6_tui.plan_info\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_surge_is_against_the_agents_own_average():
    assert rules(agent(sent=daily(2, 6))) == {}  # 3× its average is not more than 3×
    found = rules(agent(sent=daily(2, 7)))
    assert found["surge"] == "sent 7 in 24 h, 4× its usual 2.0/day"
    assert "surge" not in rules(agent(sent=daily(20, 50)))  # a busy agent being busy


def test_a_first_send_is_not_a_surge_but_a_burst_from_nothing_is():
    assert rules(agent(sent=daily(0, 3))) == {}  # the average counts as at least 1 a day
    assert rules(agent(sent=daily(0, 4)))["surge"] == "sent 4 in 24 h, it sent nothing in the 14 days before"


def test_bounce_rate_over_five_percent():
    ok = daily(0, 20)
    assert "bounces" not in rules(agent(sent=ok[:-1] + [Sent(ok[-1].at, "bounced")]))  # 1 of 20 = 5 %
    bad = daily(0, 19) + [Sent(NOW - 2 * H, "failed")]
    bad[0] = Sent(bad[0].at, "bounced")
    assert rules(agent(sent=bad))["bounces"] == "2 of 20 sends bounced or failed in 24 h (10%)"
    old_bounce = [Sent(NOW - 2 * D, "bounced"), Sent(NOW - H, "delivered")]
    assert "bounces" not in rules(agent(sent=old_bounce))  # only the last 24 h count


def test_quota_nearly_gone_marks_the_agents_spending_it():
    plus = PLANS["plus"]
    spending = agent(sent=daily(0, 2), plan=plus, account_used=(49, 100))
    assert rules(spending)["quota"] == "quota nearly gone: 49 of 60 sends in the last hour (Plus)"
    assert "quota" not in rules(agent(sent=daily(0, 2), plan=plus, account_used=(48, 400)))  # 80 % exactly
    assert rules(agent(sent=daily(0, 2), plan=plus, account_used=(3, 401)))["quota"].endswith("401 of 500 sends in 24 h (Plus)")
    idle = agent(sent=[Sent(NOW - 3 * D)], plan=plus, account_used=(59, 499))
    assert "quota" not in rules(idle)  # it spent none of it
    assert "quota" not in rules(agent(sent=daily(0, 2), plan=None, account_used=(59, 499)))  # plan unknown


def test_silence_longer_than_the_usual_gap():
    hourly = [NOW - 30 * H - n * H for n in range(10)]  # a message an hour, then silence for 30 h
    assert rules(agent(inbound=hourly))["silent"] == "silent for 30h, usually a message every 1h"
    assert "silent" not in rules(agent(inbound=[NOW - 20 * H - n * H for n in range(10)]))  # under 24 h
    daily_mail = [NOW - 2 * D - n * D for n in range(10)]
    assert "silent" not in rules(agent(inbound=daily_mail))  # 2 days is within 3× its daily rhythm
    weekly_gone = [NOW - 4 * D - n * D for n in range(10)]
    assert rules(agent(inbound=weekly_gone))["silent"] == "silent for 4d, usually a message every 24h"
    assert "silent" not in rules(agent(inbound=[NOW - 20 * D, NOW - 21 * D]))  # too few to know its rhythm


def test_drafts_expiring_within_the_hour():
    assert rules(agent(draft_expiries=[NOW + 9 * timedelta(minutes=1), NOW + 5 * H]))["expiring"] == \
        "a draft expires within the hour (first in 9m)"
    assert rules(agent(draft_expiries=[NOW + 50 * timedelta(minutes=1), NOW + 20 * timedelta(minutes=1)])
                 )["expiring"] == "2 drafts expire within the hour (first in 20m)"
    assert "expiring" not in rules(agent(draft_expiries=[NOW + 2 * H]))


def test_unknown_figures_trigger_nothing_and_are_never_zero():
    unknown = AgentFigures("acct", "po6", "x@po6.com", "mbx_x", problems=["sent log: Insufficient scopes"])
    assert fleet.anomalies(unknown, NOW) == []
    assert fleet.sent_hour_day(unknown, NOW) is None and fleet.daily_sends(unknown, NOW) is None
    assert fleet.problem_sends(unknown, NOW) is None and unknown.drafts is None


def test_postern_offers_no_drafts_bounces_or_quota():
    inbox = AgentFigures("p", fleet.POSTERN, "bot@postern.test", "bot@postern.test",
                         sent=[Sent(NOW - H)], inbound=[], plan=PLANS["plus"], account_used=(59, 499))
    assert not inbox.offers("drafts") and not inbox.offers("bounced") and inbox.offers("unread")
    assert fleet.problem_sends(inbox, NOW) is None and "quota" not in rules(inbox)


def test_daily_sends_and_sparkline():
    counts = fleet.daily_sends(agent(sent=daily(1, 4)), NOW)
    assert counts == [1] * 13 + [4]  # oldest first; the sends of 14 days ago are the baseline's, not shown
    assert fleet.sparkline([0, 1, 2, 4]) == "▁▃▅█" and fleet.sparkline([0, 0]) == "▁▁"


def test_attention_order_then_other_keys():
    calm = agent("calm@po6.com", sent=daily(1, 2), unread=50)
    bouncing = agent("bouncy@po6.com", sent=[Sent(NOW - H, "bounced")], unread=1)
    unknown = AgentFigures("acct", "po6", "unknown@po6.com", "u", problems=["inbox: timed out"])
    drafting = agent("drafting@po6.com", draft_expiries=[NOW + 5 * H], unread=None)
    everyone = [calm, unknown, drafting, bouncing]
    assert [a.address for a in fleet.ordered(everyone, "attention", NOW)] == \
        ["bouncy@po6.com", "unknown@po6.com", "drafting@po6.com", "calm@po6.com"]
    assert [a.address for a in fleet.ordered(everyone, "unread", NOW)][:2] == ["calm@po6.com", "bouncy@po6.com"]
    assert fleet.ordered(everyone, "unread", NOW)[-1].unread is None  # unknown sorts last, not as zero
    assert [a.address for a in fleet.ordered(everyone, "address", NOW)][0] == "bouncy@po6.com"
    assert fleet.ordered(everyone, "sent", NOW)[0] is calm


def test_filter_words_match_address_account_and_anomalies():
    bouncing = agent("bouncy@po6.com", sent=[Sent(NOW - H, "bounced")])
    assert fleet.matches(bouncing, ["bounced"], NOW) and fleet.matches(bouncing, ["bouncy", "acct"], NOW)
    assert not fleet.matches(bouncing, ["surge"], NOW)
