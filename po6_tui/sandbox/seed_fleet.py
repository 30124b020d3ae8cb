"""The demo fleet's send history: two weeks of sent mail for some agents, so the fleet overview
(`:fleet`) has baselines to compare each agent with, and agents that depart from theirs show
on first launch: billing-agent sends 10× its usual volume today, ops-agent's sends bounce.

Only the sent log is written: a Sent-folder copy of each send would change the folder counts
that other views (and their snapshots) show. The rows carry no API key, so they spend no key's
send quota. Ids are `snt_fleet0001`…, times relative to the seeding time like all demo data.
"""

from __future__ import annotations

import random

from po6_tui.sandbox.store import Store, jdump

HOUR, DAY = 3600, 86400
WINDOW_DAYS = 14

HISTORY = [  # (mailbox, sends a day in the 14 days before, sends in the last 24 h, of which bounced, subject, to)
    ("mbx_billing", 2, 20, 0, "Payment reminder", ["ar@papertrail-office.com", "billing@cloudlane.io",
                                                   "invoices@stackforge.dev", "rechnung@hetzblau.de"]),
    ("mbx_ops", 3, 5, 1, "Status update", ["oncall@acme.dev", "status@statuspage.invalid", "team@acme.dev"]),
    ("mbx_research", 1, 1, 0, "Daily research digest", ["team@acme.dev"]),
]


def seed_fleet(store: Store, rng: random.Random, now: int) -> None:
    number = 0
    for mailbox_id, per_day, today, bounced, subject, recipients in HISTORY:
        times = [now - day * DAY - rng.randrange(60, DAY) for day in range(1, WINDOW_DAYS + 1) for _ in range(per_day)]
        recent = sorted((now - rng.randrange(5 * 60, DAY - 60) for _ in range(today)), reverse=True)
        statuses = ["bounced" if index < bounced else "delivered" for index in range(today)]
        rng.shuffle(statuses)
        rows = list(zip(recent, statuses)) + [(ts, "delivered") for ts in times]
        for sent_at, status in sorted(rows):
            number += 1
            to = [rng.choice(recipients)]
            store.conn.execute(
                "INSERT INTO sent VALUES (?, ?, ?, '[]', '[]', ?, ?, NULL, ?, ?, ?, NULL, 'compose')",
                (f"snt_fleet{number:04d}", mailbox_id, jdump(to), f"{subject} #{number}",
                 f"{subject} #{number}\n", sent_at, status, "mcp"))


def seed_agents(store: Store, count: int, *, tenant: str = "acme", now: int | None = None) -> int:
    """Make sure `count` extra agent mailboxes exist (`agent-0001@po6.com`, id `mbx_agent0001`, …),
    each with two weeks of sends (every 25th sends 10× its usual today): a fleet to measure the
    overview on (tests/perf/bench_fleet.py). Returns how many were added."""
    now = int(store.timestamp()) if now is None else now
    have = {row["id"] for row in store.all("SELECT id FROM mailboxes WHERE id LIKE 'mbx_agent%'")}
    added = 0
    with store.transaction():
        for index in range(1, count + 1):
            mailbox_id = f"mbx_agent{index:04d}"
            if mailbox_id in have:
                continue
            rng = random.Random(mailbox_id)
            address = f"agent-{index:04d}@po6.com"
            store.conn.execute("INSERT INTO mailboxes VALUES (?, ?, ?, ?, ?, ?)",
                               (mailbox_id, tenant, address, f"Agent {index}", 5 * 1024**3, now - 90 * DAY))
            per_day = rng.randrange(1, 4)
            today = per_day * (10 if index % 25 == 0 else 1)
            times = [now - day * DAY - rng.randrange(60, DAY) for day in range(1, WINDOW_DAYS + 1)
                     for _ in range(per_day)] + [now - rng.randrange(60, DAY - 60) for _ in range(today)]
            for number, sent_at in enumerate(sorted(times)):
                status = "bounced" if rng.random() < 0.02 else "delivered"
                store.conn.execute(
                    "INSERT INTO sent VALUES (?, ?, ?, '[]', '[]', ?, ?, NULL, ?, ?, 'mcp', NULL, 'compose')",
                    (f"snt_{mailbox_id}_{number:04d}", mailbox_id, jdump(["team@acme.dev"]), f"Report #{number}",
                     "Report\n", sent_at, status))
            added += 1
    return added
