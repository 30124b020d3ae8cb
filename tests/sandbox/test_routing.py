"""Aliases, custom domains and catch-all: re-verification, plan limits, routing of local mail."""

from __future__ import annotations


async def test_aliases_list_and_get(session):
    async with session("plus") as po6:
        aliases = await po6.call("list_aliases")
        one = await po6.call("get_alias", alias_id="als_press")
    addresses = [a["address"] for a in aliases["aliases"]]
    assert all(a.endswith("@po6.com") for a in addresses) and "acme-sales@po6.com" in addresses
    assert set(one) >= {"id", "address", "forward_to", "plan", "is_active", "plus_addressing",
                        "verification_status", "url_redirect"}
    assert one["verification_status"] == "pending"


async def test_changing_forwarding_needs_reverification(session):
    async with session("plus") as po6:
        same = await po6.call("update_alias", alias_id="als_billing", forward_to="billing-agent@po6.com")
        changed = await po6.call("update_alias", alias_id="als_billing", forward_to="research-agent@po6.com",
                                 plus_addressing=True)
        verification = (await po6.call("list_emails", mailbox_id="mbx_research", limit=1))["emails"][0]
        toggled = await po6.call("update_alias", alias_id="als_billing", is_active=False)
    assert same["verification_status"] == "verified"  # the same address again is not a change
    assert (changed["forward_to"], changed["verification_status"], changed["plus_addressing"]) == (
        "research-agent@po6.com", "pending", True)
    assert verification["subject"] == "Verify forwarding for acme-billing@po6.com"
    assert toggled["is_active"] is False and toggled["forward_to"] == "research-agent@po6.com"


async def test_domains_with_mx_records_catchall_and_aliases(session):
    async with session("plus") as po6:
        domains = await po6.call("list_domains")
        acme = await po6.call("get_domain", domain_id="dom_acme")
        shop = await po6.call("get_domain", domain_id="dom_shop")
    by_name = {d["domain"]: d for d in domains["domains"]}
    assert set(by_name) == {"acme.dev", "acme-labs.io", "acme-shop.com"}
    assert by_name["acme-labs.io"]["limits"] == {"max_aliases": 3} and by_name["acme.dev"]["alias_count"] == 4
    assert acme["catchall"] == {"enabled": True, "forward_to": "support-agent@po6.com", "verification_status": "verified"}
    assert all(mx["valid"] for mx in acme["mx_records"]) and {a["address"] for a in acme["aliases"]} >= {"sales@acme.dev"}
    assert shop["verification_status"] == "pending" and not any(mx["valid"] for mx in shop["mx_records"])


async def test_domain_alias_limit(session):
    async with session("plus") as po6:
        over = await po6.fail("update_domain_alias", domain_id="dom_labs", alias_id="als_labs_beta", is_active=True)
        off = await po6.call("update_domain_alias", domain_id="dom_labs", alias_id="als_labs_demo", is_active=False)
        on = await po6.call("update_domain_alias", domain_id="dom_labs", alias_id="als_labs_beta", is_active=True)
        wrong_domain = await po6.fail("update_domain_alias", domain_id="dom_acme", alias_id="als_labs_beta",
                                      is_active=False)
    assert over == "Alias limit reached: acme-labs.io allows 3 active aliases on the Standard plan"
    assert off["is_active"] is False and on["is_active"] is True
    assert wrong_domain == "Alias not found: als_labs_beta on acme.dev"


async def test_catchall_changes(session):
    async with session("plus") as po6:
        off = await po6.call("update_catchall", domain_id="dom_labs", enabled=False)
        needs_target = await po6.fail("update_catchall", domain_id="dom_shop", enabled=True)
        moved = await po6.call("update_catchall", domain_id="dom_labs", enabled=True, forward_to="ops-agent@po6.com")
        domain = await po6.call("get_domain", domain_id="dom_labs")
        bad = await po6.fail("update_catchall", domain_id="dom_labs", enabled=True, forward_to="not-an-address")
    assert off["enabled"] is False
    assert needs_target == "Invalid argument 'forward_to': a catch-all needs an address to forward to"
    assert moved == {"enabled": True, "forward_to": "ops-agent@po6.com", "verification_status": "pending"}
    assert domain["catchall_enabled"] is True and domain["catchall"]["verification_status"] == "pending"
    assert bad == "Invalid argument 'forward_to': 'not-an-address' is not an email address"


async def test_unknown_alias_and_domain_ids(session):
    async with session("plus") as po6:
        assert await po6.fail("get_alias", alias_id="als_nope") == "Alias not found: als_nope"
        assert await po6.fail("update_alias", alias_id="als_nope", is_active=True) == "Alias not found: als_nope"
        assert await po6.fail("get_domain", domain_id="dom_nope") == "Domain not found: dom_nope"
        assert await po6.fail("update_catchall", domain_id="dom_nope", enabled=False) == "Domain not found: dom_nope"
