"""Po6Client's call policy, against the fake server: argument matching, retries, read-only, audit."""

from __future__ import annotations

import socket

import pytest
from fake_mcp import GOOD_KEY

from po6_tui.api.errors import (
    InvalidError,
    OutcomeUnknownError,
    ReadOnlyError,
    ScopeError,
    ServerError,
    TransportError,
)
from po6_tui.api.mcp import McpClient
from po6_tui.api.po6 import WRITE_TOOLS, Po6Client, classify_tool_error
from po6_tui.audit import AuditRecord


@pytest.fixture
async def client(fake_server):
    records: list[AuditRecord] = []
    po6 = await Po6Client.connect(fake_server.url, GOOD_KEY, audit=records.append, profile="test")
    po6.records = records
    yield po6
    await po6.aclose()


async def test_our_argument_names_are_matched_to_the_servers(client, fake_server):
    email = await client.get_email("m1", "e9")
    assert email.id == "e1"
    assert email.extra["echo"] == {"mailbox_id": "m1", "message_id": "e9"}  # email_id -> message_id


async def test_a_required_argument_we_cannot_supply_is_named(fake_server):
    fake_server.tools = [{"name": "get_email", "inputSchema": {
        "type": "object", "properties": {"mailbox_id": {}, "email_id": {}, "thread_key": {}},
        "required": ["mailbox_id", "email_id", "thread_key"]}}]
    async with await Po6Client.connect(fake_server.url, GOOD_KEY) as po6:
        with pytest.raises(InvalidError, match=r"get_email.*'thread_key'"):
            await po6.get_email("m", "e")
    assert fake_server.calls == 0


async def test_a_tool_the_server_lacks(client):
    assert not client.has_decision_tools
    with pytest.raises(InvalidError, match="does not offer the tool approve_draft"):
        await client.approve_draft("d1")


async def test_arguments_the_server_does_not_take_are_dropped(client, fake_server):
    fake_server.tools.append({"name": "list_emails", "inputSchema": {"type": "object", "properties": {
        "mailbox_id": {}, "folder": {}, "limit": {}}, "required": ["mailbox_id"]}})
    await client.load_tools(refresh=True)
    await client.list_emails("m", sender="someone", limit=5)
    assert fake_server.requests[-1]["params"]["arguments"] == {"mailbox_id": "m", "folder": "INBOX", "limit": 5}


async def test_reads_are_retried_on_transient_faults(client, fake_server):
    fake_server.mode = "flaky-once"
    email = await client.get_email("m", "e")
    assert email.id == "e1" and fake_server.calls == 2


async def test_reads_give_up_after_three_tries(client, fake_server):
    fake_server.mode = "503"
    with pytest.raises(ServerError):
        await client.get_email("m", "e")
    assert fake_server.calls == 3


async def test_rate_limited_reads_wait_as_told_and_retry(client, fake_server):
    fake_server.mode = "rate"
    with pytest.raises(Exception, match="Rate limited"):
        await client.get_email("m", "e")
    assert fake_server.calls == 3


async def test_writes_are_never_retried(client, fake_server):
    fake_server.mode = "flaky-once"
    with pytest.raises(OutcomeUnknownError, match="may or may not have taken effect"):  # a 5xx: outcome unknown
        await client.mark_email("m", "e", "read")
    assert fake_server.calls == 1
    assert client.records[-1].tool == "mark_email" and client.records[-1].outcome.startswith("error: ")


async def test_a_write_that_timed_out_says_it_may_have_happened(fake_server):
    fake_server.delay = 1
    async with await Po6Client.connect(fake_server.url, GOOD_KEY, timeout=0.2) as po6:
        with pytest.raises(TransportError, match="may or may not have taken effect"):
            await po6.mark_email("m", "e", "read")
    assert fake_server.calls == 1


@pytest.mark.parametrize(("mode", "why"), [
    ("502-after", "failed (HTTP 502)"),
    ("nested", "nested too deeply to read"),
    ("nested-text", "nested too deeply to read"),
])
async def test_a_write_without_a_trustworthy_answer_has_an_unknown_outcome(client, fake_server, mode, why):
    """Issue 16 item 3: a 5xx or an unreadable reply to a write is never "not sent" (nor a
    RecursionError that skips the audit): the server may have acted on it."""
    fake_server.mode = mode
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.mark_email("m", "e", "read")
    assert why in str(caught.value) and "mark_email may or may not have taken effect" in str(caught.value)
    assert fake_server.calls == 1  # never repeated
    record = client.records[-1]
    assert record.tool == "mark_email" and record.targets["email_id"] == "e"
    assert record.outcome.startswith("error: ") and "may or may not have taken effect" in record.outcome


async def test_any_unexpected_failure_of_a_write_is_audited_as_an_unknown_outcome(client):
    async def explode():
        raise KeyError("something nobody foresaw")

    with pytest.raises(OutcomeUnknownError, match="could not be read \\(KeyError\\)"):
        await client.recorded_write("mark_email", {"email_id": "e"}, explode, lambda result: "ok")
    assert "may or may not have taken effect" in client.records[-1].outcome


@pytest.mark.parametrize("mode", ["nested", "nested-text"])
async def test_a_deeply_nested_reply_to_a_read_is_an_unreadable_reply(client, fake_server, mode):
    fake_server.mode = mode
    with pytest.raises(TransportError, match="nested too deeply to read"):
        await client.get_email("m", "e")


async def test_tool_errors_are_classified(client, fake_server):
    fake_server.mode = "tool-error"
    with pytest.raises(ScopeError, match="mailbox:send"):
        await client.mark_email("m", "e", "read")


@pytest.mark.parametrize(("text", "kind"), [
    ("Insufficient scopes: mailbox:send required", "ScopeError"),
    ("Requires a paid plan (Standard or Plus)", "PlanError"),
    ("Hourly send limit reached (30/hour on Standard)", "PlanError"),
    ("Email not found", "NotFoundError"),
    ("Invalid or expired confirmation token", "ConfirmationError"),
    ("Rate limited", "RateLimitedError"),
    ("Authentication failed", "AuthError"),
    ("folder must be one of INBOX, Sent", "InvalidError"),
    ("", "InvalidError"),
])
def test_classify_tool_error(text, kind):
    error = classify_tool_error("some_tool", text)
    assert type(error).__name__ == kind and str(error) and error.tool == "some_tool"


async def test_read_only_blocks_every_write_before_any_network_io():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    records = []
    po6 = Po6Client(McpClient(f"http://127.0.0.1:{port}/mcp", GOOD_KEY), read_only=True, audit=records.append)
    for call in (po6.mark_email("m", "e", "read"), po6.delete_email("m", "e"),
                 po6.compose_email("m", ["a@b"], "s", "b"), po6.update_catchall("d", True),
                 po6.publish_landing_page("p"), po6.approve_draft("d")):
        with pytest.raises(ReadOnlyError, match="Read-only"):
            await call
    assert records == []  # nothing was attempted
    await po6.aclose()


def test_write_tools_are_the_ones_that_change_things():
    assert {"delete_email", "compose_email", "approve_draft", "assign_landing_page_domain"} <= WRITE_TOOLS
    assert not {"list_emails", "get_email", "search_emails", "download_landing_page"} & WRITE_TOOLS


async def test_audit_records_targets_but_never_bodies(client, fake_server):
    fake_server.tools.append({"name": "compose_email", "inputSchema": {"type": "object", "properties": {
        k: {} for k in ("mailbox_id", "to_addresses", "subject", "body_text")}}})
    await client.load_tools(refresh=True)
    await client.compose_email("m1", ["x@example.com"], "Secret subject", "Secret body")
    record = client.records[-1]
    assert record.tool == "compose_email" and record.outcome == "ok" and record.profile == "test"
    assert record.targets == {"mailbox_id": "m1"}
    assert "Secret" not in repr(record)


async def test_key_never_appears_in_client_repr_or_errors(fake_server):
    secret = "mcp_po6_SECRET_DO_NOT_SHOW_456"
    with pytest.raises(Exception) as info:
        await Po6Client.connect(fake_server.url, secret)
    assert secret not in str(info.value) and secret not in repr(info.value)
    po6 = Po6Client(McpClient(fake_server.url, secret))
    assert secret not in repr(po6) and secret not in repr(po6.mcp)
    await po6.aclose()
