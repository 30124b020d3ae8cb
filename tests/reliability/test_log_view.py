"""`:log` (the audit log view) and the connection banner, as the operator sees them.

The log is written with fixed times before the app starts, so the snapshots are stable; the
banner is set to a fixed text (its countdown is tested live in test_faults.py).
"""

from __future__ import annotations

from uihelpers import type_command, wait_for, wait_idle, wait_list

from po6_tui.audit import AuditLog, AuditRecord
from po6_tui.ui.log.log_screen import LogScreen

RECORDS = [
    AuditRecord("mark_email", {"mailbox_id": "mbx_signup", "email_id": "em_12", "action": "read"}, "ok",
                "sandbox", "2026-11-18T08:01:00+00:00"),
    AuditRecord("delete_email", {"mailbox_id": "mbx_ops", "email_id": "em_40"}, "confirmation requested",
                "sandbox", "2026-11-18T08:02:00+00:00"),
    AuditRecord("delete_email", {"mailbox_id": "mbx_ops", "email_id": "em_40"}, "ok", "sandbox",
                "2026-11-18T08:02:05+00:00"),
    AuditRecord("compose_email", {"mailbox_id": "mbx_research"},
                "error: The connection to 127.0.0.1:8025 was lost before the reply arrived. compose_email may "
                "or may not have taken effect; check before trying again.", "sandbox", "2026-11-18T08:03:00+00:00"),
    AuditRecord("postern.send", {"address": "support@postern.test", "idempotency_key": "5f0c…"}, "ok",
                "sandbox-postern", "2026-11-18T08:04:00+00:00"),
    # A target id from a hostile server: shown inert.
    AuditRecord("update_alias", {"alias_id": "als_\x1b]0;pwned\x07[@click=app.quit]x[/]"}, "ok", "sandbox",
                "2026-11-18T08:05:00+00:00"),
    AuditRecord("approve_draft", {"draft_id": "drf_demo01"}, "error: Read-only mode: approve_draft was not sent.",
                "sandbox", "2026-11-18T08:06:00+00:00"),
]


def write_log() -> None:
    log = AuditLog()
    for record in RECORDS:
        log.write(record)


async def open_log(pilot) -> LogScreen:  # noqa: ANN001
    app = pilot.app
    await wait_list(pilot)
    await type_command(pilot, "log")
    await wait_for(pilot, lambda: isinstance(app.screen, LogScreen) and app.screen.records, 10, "the log")
    await wait_idle(pilot)
    return app.screen


async def test_the_log_lists_writes_newest_first_and_filters(make_app):
    write_log()
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        log = await open_log(pilot)
        assert [r.time[11:16] for r in log.shown] == ["08:06", "08:05", "08:04", "08:03", "08:02", "08:02", "08:01"]
        await pilot.press("e")  # failures only
        assert [r.tool for r in log.shown] == ["approve_draft", "compose_email"]
        await pilot.press("escape")
        await pilot.press("slash")
        await wait_idle(pilot)
        app.screen.query_one("Input").value = "delete em_40"
        await pilot.press("enter")
        await wait_idle(pilot)
        assert [r.outcome for r in log.shown] == ["ok", "confirmation requested"]
        assert "2 writes match" in str(log.query_one("StatusLine").message)
        await pilot.press("escape")
        assert len(log.shown) == len(RECORDS)
        detail = str(log.query_one("#log-detail").content)
        assert "approve_draft" in detail and "Read-only mode" in detail


async def test_a_write_elsewhere_shows_when_the_log_comes_back(make_app):
    app = make_app()
    assert not AuditLog().path.exists()  # every test has its own empty data dir
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot)
        await type_command(pilot, "log")
        await wait_for(pilot, lambda: isinstance(app.screen, LogScreen), 10)
        await wait_idle(pilot)
        assert "No writes recorded yet." in str(app.screen.query_one("#log-header").content)
        write_log()
        await type_command(pilot, "mail")
        await type_command(pilot, "log")
        await wait_for(pilot, lambda: len(app.screen.records) == len(RECORDS), 10, "the log to be re-read")


def test_log_view_snapshot(snap_compare, make_app):
    write_log()

    async def ready(pilot) -> None:  # noqa: ANN001
        await open_log(pilot)
        await pilot.press("j", "j", "j")  # the long error, in full below the table
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=ready)


def test_log_view_snapshot_80x24_failures_only(snap_compare, make_app):
    write_log()

    async def ready(pilot) -> None:  # noqa: ANN001
        await open_log(pilot)
        await pilot.press("e")
        await wait_idle(pilot)

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=ready)


def test_offline_banner_snapshot(snap_compare, make_app):
    async def offline(pilot) -> None:  # noqa: ANN001
        await wait_list(pilot)
        await wait_for(pilot, lambda: "mbx_signup" in pilot.app.active.folders)
        await wait_idle(pilot)
        pilot.app.connection_banner = "Offline: cannot reach 127.0.0.1:8025 — retrying in 5 s"
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=offline)


def test_rate_limit_banner_snapshot_80x24(snap_compare, make_app):
    async def limited(pilot) -> None:  # noqa: ANN001
        await wait_list(pilot)
        await wait_for(pilot, lambda: "mbx_signup" in pilot.app.active.folders)
        await wait_idle(pilot)
        pilot.app.connection_banner = "Rate limited by the server — resuming in 12 s"
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=limited)
