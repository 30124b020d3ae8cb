"""Bad arguments never crash the server or change the store: every tool answers with a clear tool error."""

from __future__ import annotations

import pytest

from po6_tui.sandbox.tools_schema import SPECS

WRONG_TYPE = {"string": 12345, "integer": "seven", "boolean": "yes", "string[]": {"a": 1}, "object": "text"}


def _valid_value(kind: str):
    return {"string": "x", "integer": 1, "boolean": True, "string[]": ["a@b.example"], "object": {}}[kind]


async def _fingerprint(po6) -> list:
    """Enough of the store to notice any change."""
    mailboxes = await po6.call("list_mailboxes")
    pages = await po6.call("list_landing_pages")
    drafts = await po6.call("list_drafts", status="all")
    aliases = await po6.call("list_aliases")
    return [mailboxes, pages, drafts, aliases]


@pytest.mark.parametrize("tool", sorted(SPECS))
async def test_garbage_in_is_a_tool_error(session, tool):
    spec = SPECS[tool]
    required = {name: _valid_value(arg.type) for name, arg in spec.args.items() if arg.required}
    async with session("plus") as po6:
        before = await _fingerprint(po6)
        assert "Unknown argument 'bogus'" in await po6.fail(tool, **required, bogus=1)
        for name, arg in spec.args.items():
            message = await po6.fail(tool, **{**required, name: WRONG_TYPE[arg.type]})
            assert message.startswith(f"Invalid argument '{name}'"), message
            if arg.required:
                missing = {k: v for k, v in required.items() if k != name}
                assert await po6.fail(tool, **missing) == f"Missing required argument '{name}' for {tool}"
            if arg.type == "string":
                assert (await po6.fail(tool, **{**required, name: "x" * (arg.max_length + 1)})).startswith(
                    f"Invalid argument '{name}'")
            if arg.type == "integer":
                assert (await po6.fail(tool, **{**required, name: -1})).startswith(f"Invalid argument '{name}'")
        assert await _fingerprint(po6) == before


async def test_hostile_strings_are_stored_as_given(session):
    hostile = "\x1b[31m[@click=app.quit]</p><script>\u202e\x00 ' OR 1=1; DROP TABLE emails; --"
    async with session("plus") as po6:
        draft = await po6.call("create_draft", mailbox_id="mbx_ops", to_addresses=["a@b.example"],
                               subject=hostile, body_text=hostile)
        found = await po6.call("list_drafts", mailbox_id="mbx_ops")
        search = await po6.call("search_emails", query=hostile)
    assert draft["subject"] == hostile
    assert any(d["subject"] == hostile for d in found["drafts"])
    assert isinstance(search["results"], list)


async def test_limits_are_bounded(session):
    async with session("plus") as po6:
        assert await po6.fail("list_emails", mailbox_id="mbx_ops", limit=101) == \
            "Invalid argument 'limit': must be at most 100"
        assert await po6.fail("list_emails", mailbox_id="mbx_ops", limit=0) == \
            "Invalid argument 'limit': must be at least 1"
        assert (await po6.call("list_emails", mailbox_id="mbx_ops", limit=2.0))["limit"] == 2
        assert await po6.fail("list_emails", mailbox_id="mbx_ops", limit=2.5) == \
            "Invalid argument 'limit': expected an integer, got float"
        assert await po6.fail("mark_email", mailbox_id="mbx_ops", email_id="em_1", action="explode") == \
            "Invalid argument 'action': must be one of read, unread, starred, unstarred"


HUGE_OFFSET_CALLS = [
    ("list_emails", {"mailbox_id": "mbx_ops"}),
    ("list_emails", {"mailbox_id": "mbx_ops", "unread_only": True}),
    ("list_emails", {"mailbox_id": "mbx_ops", "sender": "a"}),
    ("list_sent_emails", {"mailbox_id": "mbx_ops"}),
    ("get_email_list_contacts", {"list_id": "lst_newsletter"}),
    ("list_landing_page_leads", {}),
]


@pytest.mark.parametrize(("tool", "arguments"), HUGE_OFFSET_CALLS)
async def test_an_offset_beyond_64_bits_is_an_invalid_argument_not_an_internal_error(session, tool, arguments):
    async with session("plus") as po6:
        for offset in (10**30, 2**63, 1e300):
            message = await po6.fail(tool, **arguments, offset=offset)
            assert message == "Invalid argument 'offset': must be at most 9223372036854775807", (offset, message)
        deepest = await po6.call(tool, **arguments, offset=2**63 - 1)  # the largest accepted: an empty page
        assert not next(value for value in deepest.values() if isinstance(value, list))


def test_every_integer_argument_is_bounded_both_ways():
    """What reaches a query must fit SQLite's 64-bit integers."""
    for spec in SPECS.values():
        for name, arg in spec.args.items():
            if arg.type == "integer":
                assert arg.minimum is not None and arg.maximum is not None and arg.maximum < 2**63, (spec.name, name)
