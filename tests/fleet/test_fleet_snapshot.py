"""The fleet at 80×24 (pytest-textual-snapshot): the seeded fleet, PO6 and Postern, the agents
that need attention first. The clock and "today" are frozen at seeding (tests/ui_fixtures.py).
Update after a deliberate change with `--snapshot-update` and look at the SVG before committing."""

from __future__ import annotations

from fleethelpers import open_fleet


def test_fleet_80x24(snap_compare, make_fleet_app):
    assert snap_compare(make_fleet_app(), terminal_size=(80, 24), run_before=open_fleet)
