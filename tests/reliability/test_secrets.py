"""No key anywhere (issue 7, "Secrets"): a distinctive key is planted as the account's key, the
app is driven into errors of every kind (bad key, not found, server failures, rate limiting,
read-only refusals, a lost server, a crash), and then every place text can end up is scanned:
screenshots, notifications and status lines, exception texts, the audit log, the app's own log
(Textual's `app.log`), Python logging, reprs, and the crash report.
"""

from __future__ import annotations

import logging
import secrets
import traceback

import pytest
from uihelpers import type_command, wait_for, wait_idle, wait_list

from po6_tui.accounts import Account
from po6_tui.audit import AuditLog
from po6_tui.sandbox.seed import TENANT
from po6_tui.sandbox.store import Store, email_num
from po6_tui.sandbox.tools_schema import ALL_SCOPES


async def test_a_planted_key_never_shows_anywhere(fault_box, monkeypatch, caplog, capsys, said):
    from po6_tui.ui.core import tasks
    from po6_tui.ui.app import Po6App

    caplog.set_level(logging.DEBUG)
    planted = f"mcp_po6_PLANTEDSECRET{secrets.token_hex(12)}"
    planted_bad = f"mcp_po6_PLANTEDBADKEY{secrets.token_hex(12)}"
    box = fault_box("--fail-rate", "0.2", "--fault-seed", "5", "--rate-limit-burst", "25")
    store = Store(box.db)
    store.add_key(planted, service="po6", label="planted", tenant=TENANT, plan="plus", scopes=ALL_SCOPES)
    store.close()
    postern_key = box.key("postern-agent")
    keys = (planted, planted_bad, postern_key)

    # Everything that is written somewhere, collected as text.
    seen: list[str] = []
    log_method = Po6App._log

    def capturing_log(self, group, verbosity, frame, *objects, **kwargs):  # noqa: ANN001, ANN202
        seen.append(" ".join(map(str, objects)) + " " + " ".join(f"{k}={v}" for k, v in kwargs.items()))
        return log_method(self, group, verbosity, frame, *objects, **kwargs)

    monkeypatch.setattr(Po6App, "_log", capturing_log)
    report_failure = tasks.report_failure

    def capturing_report_failure(node, what, error, **kwargs):  # noqa: ANN001, ANN202
        seen.extend([str(error), repr(error), "".join(traceback.format_exception(error))])
        return report_failure(node, what, error, **kwargs)

    monkeypatch.setattr(tasks, "report_failure", capturing_report_failure)

    accounts = [
        Account("planted", "po6", box.mcp_url, is_sandbox=True, api_key=planted),
        Account("planted-bad", "po6", box.mcp_url, is_sandbox=True, api_key=planted_bad),
        Account("postern", "postern", box.url, is_sandbox=True, api_key=postern_key),
    ]
    app = Po6App(accounts, refresh_interval=0)
    with pytest.raises(RuntimeError, match="a bug"):  # the crash below ends the app, as it should
        async with app.run_test(size=(120, 35)) as pilot:
            heard = said(app)
            app.connection.retry_delays = (0.5,)
            app.connection.rate_limit_default = 0.5
            messages = await wait_list(pilot, timeout=60)
            seen.append(app.export_screenshot())
            for _ in range(4):  # browsing under 5xx and rate limiting
                await pilot.press("j", "enter")
                await wait_idle(pilot, 30)
                seen.append(app.export_screenshot())
                await pilot.press("q")
                await wait_idle(pilot, 30)
            # Not found: the message is deleted behind the app's back, then opened.
            target = messages.current
            gone = Store(box.db)
            gone.conn.execute("DELETE FROM emails WHERE num = ?", (email_num(target.id),))
            gone.conn.commit()
            gone.close()
            await pilot.press("enter")
            await wait_idle(pilot, 30)
            seen.append(app.export_screenshot())
            await pilot.press("q")
            # The bad key's account, every view, and the console.
            await type_command(pilot, "ctx planted-bad")
            await wait_idle(pilot, 30)
            for view in ("drafts", "sent", "aliases", "postern", "tools", "log", "mail"):
                await type_command(pilot, view)
                await wait_idle(pilot, 30)
                seen.append(app.export_screenshot())
            # The server goes away.
            box.process.stop()
            await pilot.press("R")
            await wait_for(pilot, lambda: app.connection_banner.startswith("Offline"), 30)
            seen.append(app.export_screenshot())
            seen.append(app.connection_banner)
            seen.extend(heard.all_text().splitlines())
            seen.extend(repr(x) for x in (app.accounts, accounts, app.active.client, app.active))
            # A crash with the key in a local variable: the crash report must not show it.

            def crash(api_key: str = planted) -> None:
                raise RuntimeError("a bug")

            app.call_later(crash)
            await pilot.pause(0.2)
    seen.append(capsys.readouterr().err)  # where Textual prints its crash report
    seen.append(AuditLog().path.read_text() if AuditLog().path.exists() else "")
    seen.extend(record.getMessage() for record in caplog.records)

    everything = "\n".join(seen)
    assert "Authentication failed" in everything or "rejected the API key" in everything  # the bad key's error
    assert "Offline: cannot reach" in everything  # the scan saw the lot
    assert "RuntimeError: a bug" in everything and "crash" in everything  # incl. the crash report
    for key in keys:
        assert key not in everything, f"a key leaked: {key[:14]}…"
        assert key[8:] not in everything  # not even without its prefix
