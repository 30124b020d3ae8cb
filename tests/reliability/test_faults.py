"""The app against a misbehaving sandbox (issue 7, "Faults"): under each fault the app keeps
working, never crashes or freezes, and every error it shows names what failed in words.

Each browsing test drives the same walk through the app (open messages, go back, refresh,
change folder, search, another view) on a sandbox with one fault switched on, then checks that
the app is alive, answered every key, and that what it said reads as sentences.
"""

from __future__ import annotations

import re
import time

import pytest
from uihelpers import wait_for, wait_idle, wait_list

from po6_tui.ui.mail.reader import ReaderScreen
from po6_tui.ui.shell.bars import StatusLine, TopBar

# "Loading messages: The server at 127.0.0.1:PORT failed (HTTP 503)." — what, then why.
SENTENCE = re.compile(r"^[A-Z][^:]{2,60}: .*[A-Za-z]{3,}")
NOT_FOR_PEOPLE = ("Traceback", "Exception", "Error(", "unexpected ", "object at 0x", "httpx.", "<class")

FAULTS = {
    "fail-rate": ("--fail-rate", "0.3", "--fault-seed", "1"),
    "drop-rate": ("--drop-rate", "0.3", "--fault-seed", "2"),
    "latency-jitter": ("--latency", "150", "--jitter", "100", "--fault-seed", "3"),
    "malformed": ("--malformed-rate", "0.3", "--fault-seed", "4"),
    "session-expiry": ("--session-ttl", "1"),
    "rate-limit-burst": ("--rate-limit-burst", "15"),
}


async def browse(pilot) -> None:  # noqa: ANN001
    """A few minutes of an operator's work, compressed; every step must answer."""
    app = pilot.app
    for _ in range(3):
        await pilot.press("j", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), 10, "the reader")
        await wait_idle(pilot, 30)
        await pilot.press("q")
        await wait_idle(pilot, 30)
    await pilot.press("R")
    await wait_idle(pilot, 30)
    for command in ("folder Sent", "folder INBOX", "search invoice"):
        await pilot.press("colon")
        field = app.screen.query_one("Input")
        field.value = command
        await pilot.press("enter")
        await wait_idle(pilot, 30)
    await pilot.press("escape")
    await wait_idle(pilot, 30)


def assert_said_in_words(said) -> None:  # noqa: ANN001
    for message in said.errors + said.notifications:
        if message.startswith(("Back online", "Refreshing", "Searching")):
            continue
        assert SENTENCE.match(message), f"not a sentence naming what failed: {message!r}"
        assert not any(bad in message for bad in NOT_FOR_PEOPLE), message


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
async def test_browsing_keeps_working_under_each_fault(fault_box, app_on, said, fault):
    box = fault_box(*FAULTS[fault])
    app = app_on(box)
    async with app.run_test(size=(120, 35)) as pilot:
        heard = said(app)
        app.connection.rate_limit_default = 1.0  # the countdown works the same, the test waits less
        app.connection.retry_delays = (0.5, 1.0)
        await wait_list(pilot, timeout=60, idle=False)
        if fault == "session-expiry":
            time.sleep(1.2)  # the session the app opened is now forgotten by the server
        await browse(pilot)
        await wait_for(pilot, lambda: app.connection_banner == "", 30, "any banner to clear")
        assert app.is_running and app._exception is None
        # Still working at the end: a refresh brings the list back. The refresh itself may be
        # refused (the burst counts every request): then it runs again when the pause ends.
        await pilot.press("R")
        await wait_for(pilot, lambda: app.mail.message_list.total, 30, "the list after a refresh")
        assert_said_in_words(heard)


async def test_each_fault_looks_like_this_to_a_person(fault_box, app_on, said):
    """What the operator is told when a read finally fails (after its retries): one sentence
    naming the job and the cause, in the status line; recorded for the report."""
    box = fault_box("--fail-rate", "1.0")
    app = app_on(box)
    async with app.run_test(size=(120, 35)) as pilot:
        heard = said(app)
        await wait_for(pilot, lambda: heard.errors, 30, "an error")
        await wait_idle(pilot, 30)
        status = app.mail.query_one(StatusLine)
        assert status.has_class("-error")
        assert "Connecting to sandbox: The server at 127.0.0.1:" in heard.errors[0]
        assert "failed (HTTP 503)" in heard.errors[0]
        assert_said_in_words(heard)
        assert app.is_running


async def test_a_rate_limit_shows_a_countdown_then_resumes(fault_box, app_on, said):
    box = fault_box("--rate-limit", "8")  # the documented limiter (JSON-RPC -32002), on the sandbox clock
    app = app_on(box)
    async with app.run_test(size=(120, 35)) as pilot:
        said(app)
        app.connection.rate_limit_default = 2.0
        await wait_for(pilot, lambda: app.mail.message_list.total is not None or app.connection_banner, 30)
        for _ in range(6):  # use up the minute's requests
            if "Rate limited" in app.connection_banner:
                break
            await pilot.press("R")
            await wait_for(pilot, lambda: not any(w.is_running and w.group != "connection-watch"
                                                  for w in app.workers), 30)
        await wait_for(pilot, lambda: "Rate limited by the server — resuming in" in app.connection_banner, 30,
                       "the rate-limit countdown")
        top = app.screen.query_one(TopBar)
        assert "Rate limited by the server — resuming in" in str(top.content)
        first = app.connection_banner
        await wait_for(pilot, lambda: app.connection_banner != first, 5, "the countdown to move")
        box.advance_clock(61)  # the server's minute is over
        await wait_for(pilot, lambda: app.connection_banner == "", 40, "the countdown to end")
        await wait_idle(pilot, 30)
        messages = await wait_list(pilot, timeout=30)
        assert messages.total and app.is_running  # the refused reads ran again by themselves


async def test_a_lost_server_shows_offline_and_comes_back_by_itself(fault_box, app_on, said):
    from po6_tui.sandbox.process import SandboxProcess

    box = fault_box()
    port = int(box.url.rsplit(":", 1)[1])
    app = app_on(box)
    async with app.run_test(size=(120, 35)) as pilot:
        heard = said(app)
        app.connection.retry_delays = (0.5, 1.0)
        await wait_list(pilot)
        box.process.stop()
        await pilot.press("R")
        await wait_for(pilot, lambda: app.connection_banner.startswith("Offline"), 30, "the offline banner")
        assert f"Offline: cannot reach 127.0.0.1:{port} (the sandbox account) — " in app.connection_banner
        assert f"cannot reach 127.0.0.1:{port}" in str(app.screen.query_one(TopBar).content)
        await pilot.press("j", "enter")  # the app still answers keys while offline
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), 10)
        await pilot.press("q")
        assert app.is_running

        restarted = SandboxProcess(db=box.db, seed=None, port=port, extra_args=["--rate-limit", "1000000"])
        restarted.start()
        try:
            await wait_for(pilot, lambda: app.connection_banner == "", 30, "the banner to clear")
            await wait_idle(pilot, 30)
            assert any(m.startswith("Back online") for m, _ in heard.reports)
            await pilot.press("j", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None,
                           30, "a message to open after reconnecting")
        finally:
            restarted.stop()


async def test_an_exception_in_a_worker_is_a_notice_and_the_app_goes_on(fault_box, app_on, said):
    from po6_tui.ui.core.tasks import run_io

    box = fault_box()
    app = app_on(box)
    async with app.run_test(size=(120, 35)) as pilot:
        heard = said(app)
        await wait_list(pilot)

        async def broken_job() -> None:
            raise KeyError("a bug in a background job")

        def broken_callback(_result: object) -> None:
            raise ZeroDivisionError("a bug in showing a result")

        async def fine() -> int:
            return 1

        run_io(app.mail, broken_job, what="Counting unread mail")
        run_io(app.mail, fine, what="Drawing the chart", done=broken_callback)
        await wait_idle(pilot)
        assert any("Counting unread mail: unexpected KeyError" in n for n in heard.notifications)
        assert any("Drawing the chart (showing the result): unexpected ZeroDivisionError" in n
                   for n in heard.notifications)
        await pilot.press("j", "enter")  # and the app goes on
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None, 10)
        assert app.is_running and app._exception is None


async def test_a_reconnect_replays_no_dialog(fault_box, app_on, said):
    """y while the server is gone: the check before the confirmation fails and is dropped with a
    sentence; when the server is back, no 'Send this draft now?' appears by itself (issue 14)."""
    from drafthelpers import open_drafts

    from po6_tui.sandbox.process import SandboxProcess
    from po6_tui.ui.kit.confirm import ConfirmScreen
    from po6_tui.ui.outbox.send_review import SendReviewScreen

    box = fault_box()
    port = int(box.url.rsplit(":", 1)[1])
    app = app_on(box)
    async with app.run_test(size=(120, 35)) as pilot:
        heard = said(app)
        app.connection.retry_delays = (0.5, 1.0)
        await open_drafts(pilot)
        box.process.stop()
        await pilot.press("y")
        await wait_for(pilot, lambda: app.connection_banner.startswith("Offline"), 30, "the offline banner")
        assert any(m.startswith("Not sent: checking the send quota") for m, _ in heard.reports)
        restarted = SandboxProcess(db=box.db, seed=None, port=port, extra_args=["--rate-limit", "1000000"])
        restarted.start()
        try:
            await wait_for(pilot, lambda: app.connection_banner == "", 30, "the banner to clear")
            await wait_idle(pilot, 30)
            await pilot.pause(1.0)
            await wait_idle(pilot, 30)
            assert not isinstance(app.screen, (ConfirmScreen, SendReviewScreen)), "a dialog nobody asked for"
            await pilot.press("y")  # asked again: now it is a confirmation
            await wait_for(pilot, lambda: isinstance(app.screen, SendReviewScreen), 30, "the confirmation")
            await pilot.press("escape")
        finally:
            restarted.stop()


async def test_the_offline_banner_names_the_account_whose_server_is_down(fault_box, app_on):
    # The env account is fine; a saved profile points at a server that is not there. The top
    # bar shows "env"; the banner must not read as if env were offline.
    from uihelpers import account_for

    from po6_tui.accounts import Account
    from po6_tui.ui.app import Po6App

    box = fault_box()
    good = account_for(box)
    good.name = "env"
    down = Account("staging", "po6", "http://127.0.0.1:9/mcp", api_key="mcp_po6_staging_0000")
    app = Po6App([good, down], refresh_interval=0)
    async with app.run_test(size=(120, 35)) as pilot:
        app.connection.retry_delays = (30.0,)
        await wait_list(pilot)
        await wait_for(pilot, lambda: app.connection_banner.startswith("Offline"), 30, "the offline banner")
        assert "Offline: cannot reach 127.0.0.1:9 (the staging account)" in app.connection_banner
        assert app.account_label == "env" and "env" not in app.connection_banner
