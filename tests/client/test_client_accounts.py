"""Which accounts the app uses (environment, profiles, demo mode) and the demo sandbox's life."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from po6_tui import config
from po6_tui.accounts import Account, DemoSandbox, resolve_accounts
from po6_tui.audit import AuditLog
from po6_tui.config import ConfigError, Profile, Settings


def test_the_key_is_not_in_an_accounts_repr():
    account = Account("work", "po6", "https://mcp.po6.com", api_key="mcp_po6_SECRET")
    assert "mcp_po6_SECRET" not in repr(account)


def test_environment_key_for_a_one_off_run(monkeypatch):
    monkeypatch.setenv("PO6_API_KEY", "mcp_po6_env")
    resolved = resolve_accounts()
    assert resolved.demo is None
    assert [(a.name, a.provider, a.url, a.api_key) for a in resolved.accounts] == [
        ("env", "po6", "https://mcp.po6.com", "mcp_po6_env")]
    monkeypatch.setenv("PO6_MCP_URL", "http://127.0.0.1:9/mcp")
    assert resolve_accounts(read_only=True).default.url == "http://127.0.0.1:9/mcp"
    assert resolve_accounts(read_only=True).default.read_only


def test_profiles_default_first_and_problems_reported(monkeypatch):
    config.save_settings(Settings(profiles=[Profile("a"), Profile("b", read_only=True), Profile("c", key_env="C_KEY")],
                                  default_profile="b"))
    config.save_secret("a", "mcp_po6_a")
    config.save_secret("b", "mcp_po6_b")
    resolved = resolve_accounts()
    assert [a.name for a in resolved.accounts] == ["b", "a"]
    assert resolved.accounts[0].read_only and not resolved.accounts[1].read_only
    assert resolved.problems and "C_KEY is not set" in resolved.problems[0] and resolved.demo is None
    only = resolve_accounts("a", read_only=True)
    assert [(a.name, a.read_only) for a in only.accounts] == [("a", True)]
    with pytest.raises(ConfigError, match="no profile named 'zz'"):
        resolve_accounts("zz")


def test_profiles_with_no_usable_key_do_not_fall_back_to_demo_mode():
    config.save_settings(Settings(profiles=[Profile("a")]))
    resolved = resolve_accounts()
    assert resolved.accounts == [] and resolved.demo is None and "po6-tui login --name a" in resolved.problems[0]


async def test_demo_mode_starts_the_sandbox_and_stops_it(tmp_path):
    resolved = resolve_accounts()
    demo = resolved.demo
    try:
        assert demo is not None and demo.running()
        assert str(demo.db).startswith(os.environ["XDG_DATA_HOME"]) and demo.db.exists()
        assert [(a.name, a.provider, a.is_sandbox) for a in resolved.accounts] == [
            ("sandbox", "po6", True), ("sandbox-postern", "postern", True)]
        assert resolved.default.url == demo.url + "/mcp" and demo.url.startswith("http://127.0.0.1:")
        client = await resolved.default.po6_client()
        async with client:
            assert await client.list_mailboxes()
            await client.mark_email("mbx_support", (await client.list_emails("mbx_support", limit=1)).emails[0].id,
                                    "starred")
        assert [(r.tool, r.profile) for r in AuditLog().read_recent()] == [("mark_email", "sandbox")]
    finally:
        resolved.stop()
    assert not demo.running()
    demo.stop()  # idempotent


async def test_the_second_demo_start_does_not_wait_for_the_sandbox(tmp_path):
    # The first start seeds the database and waits; from the second on, the socket is handed to
    # the child and start() returns at once: the first request waits in the socket's queue.
    first = DemoSandbox(tmp_path / "demo.db")
    try:
        first.start()
        assert first._process is not None and first._process._fd is None  # it waited (seeding)
    finally:
        first.stop()
    demo = DemoSandbox(tmp_path / "demo.db")
    try:
        url = demo.start()
        assert demo._process is not None and demo._process._fd is not None  # handed over, not waited for
        account = next(a for a in demo.accounts() if a.provider == "po6")
        assert account.url == url + "/mcp"
        client = await account.po6_client()
        async with client:
            assert [m.address for m in await client.list_mailboxes()][0] == "signup-bot@po6.com"
    finally:
        demo.stop()


async def test_a_sandbox_that_dies_at_start_refuses_connections_rather_than_hanging(tmp_path):
    from po6_tui.api.errors import TransportError
    from po6_tui.api.po6 import Po6Client
    from po6_tui.sandbox.process import SandboxProcess

    process = SandboxProcess(db=tmp_path / "x.db", extra_args=["--rate-limit", "0"])  # refused: exits at once
    url = process.start(wait=False)
    try:
        for _ in range(100):  # until the child has exited (its argument check fails)
            if not process.running():
                break
            time.sleep(0.05)
        assert not process.running()
        with pytest.raises(TransportError, match="Could not connect"):
            await Po6Client.connect(url + "/mcp", "mcp_po6_unused_0000", connect_timeout=5, timeout=5)
    finally:
        process.stop()


def test_demo_mode_is_read_only_when_asked(tmp_path):
    demo = DemoSandbox(tmp_path / "demo.db")
    try:
        demo.start()
        assert all(a.read_only for a in demo.accounts(read_only=True))
    finally:
        demo.stop()


DEMO_SCRIPT = """
import sys, time
from po6_tui.accounts import resolve_accounts
resolved = resolve_accounts()
print(resolved.demo._process._proc.pid, flush=True)
time.sleep(120)
"""


def _gone(pid: int, within: float = 15.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # A zombie still answers kill(0); it is gone for our purposes once it has no command line.
        try:
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                return True
        except (FileNotFoundError, IndexError):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGKILL])
def test_the_demo_sandbox_dies_with_the_app(signum):
    """A dropped SSH session (SIGHUP), a kill (SIGTERM), even SIGKILL: the sandbox never lingers."""
    app = subprocess.Popen([sys.executable, "-c", DEMO_SCRIPT], stdout=subprocess.PIPE, text=True,
                           env=dict(os.environ))
    try:
        sandbox_pid = int(app.stdout.readline())
        os.kill(sandbox_pid, 0)  # running
        app.send_signal(signum)
        assert app.wait(15) == -signum
        assert _gone(sandbox_pid), "the demo sandbox outlived the app"
    finally:
        if app.poll() is None:
            app.kill()
