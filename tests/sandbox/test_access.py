"""Who may do what: keys (401), scopes, tenants and mailbox restrictions, the rate limit, discovery."""

from __future__ import annotations

import httpx
import pytest
from po6_mcp import connect

from po6_tui.sandbox import admin
from po6_tui.sandbox.tools_schema import SPECS

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
ACCEPT = {"Accept": "application/json, text/event-stream"}


async def test_tools_list_offers_the_39_plus_the_decision_tools(session):
    async with session("plus") as po6:
        tools = (await po6.client.list_tools()).tools
    assert {t.name for t in tools} == set(SPECS) and len(tools) == 42
    compose = next(t for t in tools if t.name == "compose_email")
    assert compose.input_schema["required"] == ["mailbox_id", "to_addresses", "subject", "body_text"]
    assert compose.input_schema["properties"]["to_addresses"]["type"] == "array"
    assert all(t.description for t in tools)


def test_discovery_document_needs_no_key(box):
    document = httpx.get(box.url + "/.well-known/mcp.json").json()
    assert document["endpoint"] == "/mcp" and document["authentication"]["key_prefix"] == "mcp_po6_"
    assert len(document["tools"]) == 42


@pytest.mark.parametrize("authorization", [
    None, "Bearer mcp_po6_doesnotexist", "Bearer mcp_po6_", "Basic dXNlcjpwYXNz", "mcp_po6_nobearer"])
def test_a_bad_or_missing_key_is_http_401_before_mcp(box, authorization):
    headers = {**ACCEPT, **({"Authorization": authorization} if authorization else {})}
    response = httpx.post(box.url + "/mcp", json=INIT, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "Authentication failed"}


def test_expired_and_postern_keys_are_refused(box):
    postern = next((k["key"] for k in admin.read_keys(box.db) if k["service"] == "postern"), None)
    for key in filter(None, (box.key("expired"), postern)):
        response = httpx.post(box.url + "/mcp", json=INIT, headers={**ACCEPT, "Authorization": f"Bearer {key}"})
        assert response.status_code == 401


def test_a_key_limited_to_other_networks_gets_ip_not_allowed(box):
    response = httpx.post(box.url + "/mcp", json=INIT,
                          headers={**ACCEPT, "Authorization": f"Bearer {box.key('ip-restricted')}"})
    assert response.status_code == 403 and response.json() == {"error": "IP not allowed"}


async def test_the_sdk_client_cannot_connect_with_a_bad_key(box):
    with pytest.raises(BaseException):  # the SDK surfaces the 401 as an exception (group)
        async with connect(box.url, "mcp_po6_wrong"):
            pass


def test_dns_rebinding_protection_stays_on(box):
    response = httpx.post(box.url + "/mcp", json=INIT,
                          headers={**ACCEPT, "Authorization": f"Bearer {box.key('plus')}", "Host": "evil.example"})
    assert response.status_code in (400, 403, 421)


async def test_readonly_key_lacks_write_scopes(session):
    async with session("readonly") as po6:
        assert (await po6.call("list_mailboxes"))["mailboxes"]
        assert (await po6.call("search_emails", query="invoice"))["total"] > 0
        for tool, arguments, scope in [
            ("mark_email", {"mailbox_id": "mbx_ops", "email_id": "em_1", "action": "read"}, "mailbox:write"),
            ("delete_email", {"mailbox_id": "mbx_ops", "email_id": "em_1"}, "mailbox:delete"),
            ("compose_email", {"mailbox_id": "mbx_ops", "to_addresses": ["a@b.example"], "subject": "s",
                               "body_text": "b"}, "mailbox:send"),
            ("update_alias", {"alias_id": "als_sales", "is_active": False}, "alias:write"),
            ("publish_landing_page", {"page_id": "lp_pricing"}, "landing_page:publish"),
            ("list_landing_page_leads", {}, "landing_page:leads"),
        ]:
            assert await po6.fail(tool, **arguments) == f"Insufficient scopes: {scope} required"


async def test_another_tenants_mailbox_is_not_found(session):
    async with session("plus") as acme, session("other-tenant") as globex:
        theirs = await globex.call("list_mailboxes")
        secret = (await globex.call("list_emails", mailbox_id="mbx_globex"))["emails"][0]["id"]
        assert [m["address"] for m in theirs["mailboxes"]] == ["globex-agent@po6.com"]
        assert await acme.fail("list_emails", mailbox_id="mbx_globex") == "Mailbox not found: mbx_globex"
        assert await acme.fail("get_email", mailbox_id="mbx_globex", email_id=secret) == "Mailbox not found: mbx_globex"
        assert await acme.fail("get_email", mailbox_id="mbx_signup", email_id=secret) == f"Email not found: {secret}"
        assert (await acme.call("search_emails", query="reorganisation"))["total"] == 0
        assert await globex.fail("get_alias", alias_id="als_sales") == "Alias not found: als_sales"
        assert await globex.fail("get_landing_page", page_id="lp_beta") == "Landing page not found: lp_beta"
        assert await globex.fail("get_domain", domain_id="dom_acme") == "Domain not found: dom_acme"
        assert await globex.fail("get_template", template_id="tpl_welcome") == "Template not found: tpl_welcome"
        lists = await globex.call("list_email_lists")
        assert [item["name"] for item in lists["lists"]] == ["Globex suppliers"]
        assert await globex.fail("get_email_list_contacts", list_id="lst_waitlist") == \
            "Contact list not found: lst_waitlist"
        drafts = await globex.call("list_drafts")
        assert {d["mailbox_id"] for d in drafts["drafts"]} == {"mbx_globex"}


async def test_a_key_restricted_to_one_mailbox_sees_only_that_one(session):
    async with session("one-mailbox") as po6:
        mailboxes = await po6.call("list_mailboxes")
        assert [m["id"] for m in mailboxes["mailboxes"]] == ["mbx_support"]
        assert await po6.fail("list_emails", mailbox_id="mbx_billing") == "Mailbox not found: mbx_billing"
        assert await po6.fail("compose_email", mailbox_id="mbx_billing", to_addresses=["a@b.example"],
                              subject="s", body_text="b") == "Mailbox not found: mbx_billing"
        results = await po6.call("search_emails", query="invoice")
        assert all(r["mailbox_id"] == "mbx_support" for r in results["results"])
        assert await po6.fail("search_emails", query="invoice", mailbox_id="mbx_billing") == \
            "Mailbox not found: mbx_billing"
        drafts = await po6.call("list_drafts")
        assert drafts["drafts"] and {d["mailbox_id"] for d in drafts["drafts"]} == {"mbx_support"}
        assert await po6.fail("reject_draft", draft_id="drf_demo01") == "Draft not found: drf_demo01"


RESTRICTED = "Key restricted to mailboxes: account-wide changes need an unrestricted key"
ACCOUNT_WIDE_WRITES = [  # every write to aliases, domains and landing pages (API.md 1.1)
    ("update_alias", {"alias_id": "als_billing", "forward_to": "attacker@evil.example"}),
    ("update_alias", {"alias_id": "als_sales", "is_active": False}),
    ("update_domain_alias", {"domain_id": "dom_acme", "alias_id": "als_dom_billing",
                             "forward_to": "attacker@evil.example"}),
    ("update_catchall", {"domain_id": "dom_labs", "enabled": True, "forward_to": "support-agent@po6.com"}),
    ("create_landing_page", {"template_id": "lpt_waitlist", "title": "Restricted key page"}),
    ("update_landing_page", {"page_id": "lp_pricing", "title": "Defaced"}),
    ("publish_landing_page", {"page_id": "lp_pricing"}),
    ("unpublish_landing_page", {"page_id": "lp_beta"}),
    ("archive_landing_page", {"page_id": "lp_pricing"}),
    ("assign_landing_page_domain", {"page_id": "lp_pricing", "domain": "acme.dev"}),
]


async def _shared_state(po6) -> list:  # noqa: ANN001
    return [await po6.call("get_alias", alias_id="als_billing"), await po6.call("get_domain", domain_id="dom_acme"),
            await po6.call("get_domain", domain_id="dom_labs"), (await po6.call("list_landing_pages"))["pages"]]


async def test_a_key_restricted_to_one_mailbox_reads_but_never_changes_what_the_account_shares(session):
    """Such a key could re-route another mailbox's alias (billing mail to an attacker)."""
    async with session("one-mailbox") as po6, session("plus") as admin:
        before = await _shared_state(admin)
        for tool, arguments in ACCOUNT_WIDE_WRITES:
            assert await po6.fail(tool, **arguments) == RESTRICTED, tool
        after = await _shared_state(admin)
        assert after == before  # nothing changed, no two-step token was even handed out
        # Reading what the account shares is allowed.
        assert (await po6.call("get_alias", alias_id="als_billing"))["forward_to"] == "billing-agent@po6.com"
        assert (await po6.call("list_aliases"))["aliases"] and (await po6.call("list_domains"))["domains"]
        assert (await po6.call("get_domain", domain_id="dom_acme"))["aliases"]
        assert (await po6.call("get_landing_page", page_id="lp_beta"))["status"] == "published"
        # Its own mailbox's mail and drafts stay writable.
        draft = await po6.call("create_draft", mailbox_id="mbx_support", to_addresses=["a@b.example"],
                               subject="still allowed", body_text="b")
        assert draft["mailbox_id"] == "mbx_support"


async def test_an_unrestricted_key_still_changes_what_the_account_shares(session):
    async with session("plus") as po6:
        first = await po6.call("publish_landing_page", page_id="lp_guide")
        assert first["requires_confirmation"] is True  # the refusal is only for restricted keys
        alias = await po6.call("update_alias", alias_id="als_old", plus_addressing=True)
        assert alias["plus_addressing"] is True
