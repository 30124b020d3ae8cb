"""Postern's demo data: two tenants, their keys, inboxes, threads and messages.

Deterministic: the same ids and texts every time (times are relative to the sandbox clock at
seeding); the keys and tokens are random for each database, like the PO6 ones (seed.py).
Key labels, as `po6-tui sandbox keys` shows them:
- `postern-agent`: agent key of tenant "acme" with every scope; owns the three inboxes below
  (its enrollment has 25 slots, 3 used).
- `postern-readonly`: `mailbox:read` only, tenant "acme" (sees the same inboxes).
- `postern-enroll`: an enrollment token of "acme" with 5 free slots, expiring in 30 days.
- `postern-enroll-revoked`: a revoked enrollment token (to see the 401).
- `postern-other`: agent key of tenant "globex" (free plan: no webhooks) with one inbox.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import datetime, timedelta

from po6_tui.sandbox import postern_store as ps
from po6_tui.sandbox.mailparse import ParsedMessage
from po6_tui.sandbox.transaction import transaction

ACME, GLOBEX = "postern-acme", "postern-globex"
SIGNUP, SUPPORT, OUTREACH = "signup-bot@postern.test", "support@postern.test", "outreach@postern.test"
GLOBEX_INBOX = "scout@postern.test"

# (inbox, direction, minutes ago, sender, sender name, recipients, subject, text, replies to (ref), ref, unread)
MESSAGES = [
    (SIGNUP, "inbound", 60 * 26, "welcome@acmecloud.example", "Acme Cloud", [SIGNUP],
     "Welcome to Acme Cloud", "Hi there,\n\nYour account is ready. Your temporary login:\n\nUsername: signup-bot\n"
     "Password: Tmp-4821-kite\n\nPlease change it after your first sign-in.\n\nThe Acme Cloud team", None, None, False),
    (SIGNUP, "inbound", 95, "no-reply@accounts.example.com", "Example Accounts", [SIGNUP],
     "Confirm your email address", "Thanks for signing up!\n\nConfirm your address by opening this link:\n"
     "https://accounts.example.com/verify?token=7f3a9c2e41d8\n\nIf you did not sign up, ignore this email.",
     None, None, False),
    (SIGNUP, "inbound", 12, "security@bank.example", "Example Bank", [SIGNUP],
     "Your verification code", "Your verification code is 482913.\n\nIt expires in 10 minutes. Never share it.",
     None, None, True),
    (SUPPORT, "inbound", 60 * 50, "dana.reyes@customer.example", "Dana Reyes", [SUPPORT],
     "Invoice #1042 looks wrong", "Hello,\n\nInvoice #1042 charges us for 12 seats but we only have 9.\n"
     "Can you check?\n\nDana", None, "dana1", False),
    (SUPPORT, "outbound", 60 * 49, SUPPORT, "Support Desk", ["dana.reyes@customer.example"],
     "Re: Invoice #1042 looks wrong", "Hi Dana,\n\nYou are right: 3 seats were removed on the 2nd. "
     "A corrected invoice is on its way.\n\nSupport Desk", "dana1", "dana2", False),
    (SUPPORT, "inbound", 60 * 3, "dana.reyes@customer.example", "Dana Reyes", [SUPPORT],
     "Re: Invoice #1042 looks wrong", "Thanks! When will the credit show up on our account?\n\nDana",
     "dana2", "dana3", True),
    (SUPPORT, "inbound", 40, "li.wei@partner.example", "Li Wei", [SUPPORT],
     "API access for the staging tenant", "Hi,\n\ncould you enable API access on our staging tenant? "
     "We start integration tests on Monday.\n\nThanks, Li", None, None, True),
    (OUTREACH, "outbound", 60 * 72, OUTREACH, "Outreach", ["events@conference.example"],
     "Speaking slot at AgentConf", "Hello,\n\nwe would love to present our agent-mail work at AgentConf. "
     "Is the call for talks still open?\n\nBest, Outreach", None, "conf1", False),
    (OUTREACH, "inbound", 60 * 30, "events@conference.example", "AgentConf Events", [OUTREACH],
     "Re: Speaking slot at AgentConf", "Hi! Yes, submissions close Friday. Use the form on our site.\n\nEvents team",
     "conf1", None, False),
    (OUTREACH, "outbound", 60 * 5, OUTREACH, "Outreach", ["press@news.example", "editor@news.example"],
     "Launch announcement embargoed until Tuesday", "Hello,\n\nattached is our launch note, embargoed until "
     "Tuesday 09:00 UTC.\n\nOutreach", None, None, False),
    (GLOBEX_INBOX, "inbound", 60 * 8, "alerts@monitor.example", "Monitor", [GLOBEX_INBOX],
     "Weekly uptime report", "All services were up 99.98% of the week.", None, None, False),
]

INBOXES = [(SIGNUP, "Signup Bot", 40), (SUPPORT, "Support Desk", 20), (OUTREACH, "Outreach", 3)]


def seed(conn: sqlite3.Connection, now: datetime) -> None:
    if conn.execute("SELECT 1 FROM sandbox_keys WHERE label = 'postern-agent'").fetchall():
        return
    rng = random.Random("postern-demo")
    with transaction(conn):
        agent_token = ps.create_enrollment(conn, tenant=ACME, plan="pro", label=None, now=now - timedelta(days=60),
                                           mailboxes_max=25)
        enrollment = ps.enrollment_row(conn, agent_token)
        agent = ps.create_agent(conn, enrollment, handle="acme-agent", label="postern-agent",
                                 now=now - timedelta(days=60), rng=rng)
        ps.create_agent(conn, enrollment, handle="acme-auditor", label="postern-readonly",
                         now=now - timedelta(days=60), scopes=["mailbox:read"], rng=rng)
        ps.create_enrollment(conn, tenant=ACME, plan="pro", label="postern-enroll", now=now, mailboxes_max=5,
                             expires_at=now + timedelta(days=30))
        ps.create_enrollment(conn, tenant=ACME, plan="pro", label="postern-enroll-revoked", now=now,
                             mailboxes_max=5, revoked=True)
        other_token = ps.create_enrollment(conn, tenant=GLOBEX, plan="free", label=None, now=now - timedelta(days=9),
                                           mailboxes_max=2)
        other = ps.create_agent(conn, ps.enrollment_row(conn, other_token), handle="globex-scout",
                                 label="postern-other", now=now - timedelta(days=9), rng=rng)

        inboxes = {}
        for address, name, age_days in INBOXES:
            inboxes[address] = ps.insert_inbox(conn, agent["agent_id"], ACME, address, name, None,
                                               now - timedelta(days=age_days), rng)
        inboxes[GLOBEX_INBOX] = ps.insert_inbox(conn, other["agent_id"], GLOBEX, GLOBEX_INBOX, "Scout", None,
                                                now - timedelta(days=9), rng)

        for inbox, direction, minutes, sender, name, to, subject, text, parent, ref, unread in sorted(
                MESSAGES, key=lambda m: -m[2]):
            sent_at = now - timedelta(minutes=minutes)
            mail = ParsedMessage(from_addr=sender, from_name=name, to=to, cc=[], reply_to=None, subject=subject,
                                 date=sent_at, message_id=f"<{ref or rng.getrandbits(48)}@seed.postern.test>",
                                 in_reply_to=f"<{parent}@seed.postern.test>" if parent else None, text=text, html=None)
            ps.insert_message(conn, inboxes[inbox], mail, direction=direction,
                               status="received" if direction == "inbound" else "delivered", unread=unread,
                               now=sent_at, rng=rng)
