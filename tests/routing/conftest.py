"""The routing and pages tests run on the frozen sandboxes and app fixture of tests/ui_fixtures.py."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

import pytest

from uihelpers import SEEDED_AT, UiSandbox, start_frozen_sandbox


@pytest.fixture(scope="session")
def routing_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UiSandbox]:
    """A sandbox these tests write to, one per worker (starting one per test costs seconds).
    Each test changes only objects that no other test looks at (its own alias, domain or page)."""
    box = start_frozen_sandbox(tmp_path_factory.mktemp("routing-sandbox"))
    yield box
    box.stop()


HOSTILE_NAME = "=HYPERLINK(\"http://evil.example\")\x1b[31m [@click=app.quit]x[/]"
HOSTILE_PAGE = "lp_hostile"


@pytest.fixture(scope="session")
def hostile_page(routing_box: UiSandbox) -> str:
    """A draft page of `routing_box` with three leads at fixed times, two of them written by an
    attacker (a spreadsheet formula in markup and escape codes; bidi and zero-width tricks).
    Inserted straight into the sandbox's database: PO6 has no tool that submits a lead."""
    at = int(SEEDED_AT.timestamp())
    leads = [
        ("lead_h1", "@evil.example", HOSTILE_NAME, at - 3600, "-cmd|' /C calc'!A0"),
        ("lead_h2", "ann@example.com", "Ann Lee", at - 7200, "google"),
        ("lead_h3", "zero\u200bwidth@example.com", "Bidi \u202eevil\u202c", at - 10800, "newsletter"),
    ]
    with sqlite3.connect(routing_box.db) as db:
        db.execute("INSERT OR IGNORE INTO pages VALUES (?, 'acme', 'Hostile leads', 'hostile', 'draft', 'lpt_waitlist',"
                   " ?, ?, NULL, NULL, ?, ?, NULL)",
                   (HOSTILE_PAGE, json.dumps({"widgets": [{"type": "form", "fields": ["email", "name"]}]}),
                    json.dumps({"title": "Hostile leads"}), at - 86400, at - 86400))
        db.executemany("INSERT OR IGNORE INTO leads VALUES (?, ?, ?, ?, ?, ?)",
                       [(lead_id, HOSTILE_PAGE, email, name, when, source) for lead_id, email, name, when, source in leads])
    return HOSTILE_PAGE
