"""The routing and pages tests run on the UI tests' frozen sandboxes and app fixture
(tests/ui/conftest.py), imported here rather than copied."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

UI_TESTS = Path(__file__).resolve().parent.parent / "ui"
if str(UI_TESTS) not in sys.path:
    sys.path.insert(0, str(UI_TESTS))  # for `uihelpers`, as tests/ui imports it

_spec = importlib.util.spec_from_file_location("ui_tests_conftest", UI_TESTS / "conftest.py")
_ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_ui)

_frozen_today = _ui._frozen_today
ui_sandbox = _ui.ui_sandbox
ui_fresh_sandbox = _ui.ui_fresh_sandbox
make_app = _ui.make_app

from uihelpers import SEEDED_AT, UiSandbox, start_frozen_sandbox  # noqa: E402 (needs the path above)


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
