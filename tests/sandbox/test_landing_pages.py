"""Landing pages: templates, the draft/published/archived state machine, widget config, stats and leads."""

from __future__ import annotations

import pytest

WIDGETS = {"widgets": [{"type": "hero", "headline": "Hello <script>"}, {"type": "form", "fields": ["email"]}]}


async def test_templates(session):
    async with session("plus") as po6:
        templates = await po6.call("list_landing_page_templates")
        events = await po6.call("list_landing_page_templates", category="event")
        one = await po6.call("get_landing_page_template", template_id="lpt_waitlist")
        missing = await po6.fail("get_landing_page_template", template_id="lpt_nope")
    assert len(templates["templates"]) == 5
    assert [t["id"] for t in events["templates"]] == ["lpt_webinar"]
    assert one["config"]["widgets"] and one["default_content"]
    assert missing == "Landing page template not found: lpt_nope"


async def test_pages_in_every_state_with_stats_and_leads(session):
    async with session("plus") as po6:
        pages = await po6.call("list_landing_pages")
        published = await po6.call("list_landing_pages", status="published")
        stats = await po6.call("get_landing_page_stats", page_id="lp_beta")
        leads = await po6.call("list_landing_page_leads", page_id="lp_beta", limit=5)
        all_leads = await po6.call("list_landing_page_leads", limit=100)
        page = await po6.call("get_landing_page", page_id="lp_beta")
    assert {p["status"] for p in pages["pages"]} == {"draft", "published", "archived"}
    assert "config" not in pages["pages"][0]
    assert all(p["status"] == "published" for p in published["pages"])
    assert stats["views"] >= stats["unique_visitors"] > 0 and len(stats["daily"]) == 30
    assert stats["leads"] == leads["total"] and 0 < stats["conversion_rate"] < 1
    assert len(leads["leads"]) == 5 and leads["has_more"] is True
    assert all_leads["total"] > leads["total"]
    assert page["url"] == "https://acme.dev/beta" and page["config"]["widgets"]


async def test_the_page_lifecycle(session):
    async with session("plus") as po6:
        page = await po6.call("create_landing_page", template_id="lpt_webinar", title="Agents webinar",
                              alias_id="als_sales")
        assert (page["status"], page["published_at"]) == ("draft", None)
        assert (await po6.fail("download_landing_page", page_id=page["id"])) == \
            f"Landing page {page['id']} must be published to download (it is draft)"
        updated = await po6.call("update_landing_page", page_id=page["id"], title="Agents webinar (May)",
                                 seo={"description": "Join us"}, config=WIDGETS)
        assert updated["config"] == WIDGETS and updated["seo"]["description"] == "Join us"
        assert updated["seo"]["title"] == "Agents webinar"  # seo fields merge; config replaces
        published = await po6.confirmed("publish_landing_page", page_id=page["id"])
        assert published["status"] == "published" and published["published_at"]
        again = await po6.fail("publish_landing_page", page_id=page["id"])
        download = await po6.call("download_landing_page", page_id=page["id"])
        assert download["filename"].endswith(".html") and "&lt;script&gt;" in download["html"]
        assigned = await po6.confirmed("assign_landing_page_domain", page_id=page["id"], domain="acme.dev")
        assert assigned["domain"] == "acme.dev" and assigned["url"].startswith("https://acme.dev/")
        draft = await po6.confirmed("unpublish_landing_page", page_id=page["id"])
        assert draft["status"] == "draft"
        await po6.confirmed("publish_landing_page", page_id=page["id"])
        ask = await po6.call("archive_landing_page", page_id=page["id"])
        assert "taken offline first" in ask["message"]
        archived = await po6.call("archive_landing_page", page_id=page["id"],
                                  confirmation_token=ask["confirmation_token"])
        assert (archived["status"], archived["published_at"]) == ("archived", None)
        frozen = await po6.fail("update_landing_page", page_id=page["id"], title="x")
        no_publish = await po6.fail("publish_landing_page", page_id=page["id"])
        no_archive = await po6.fail("archive_landing_page", page_id=page["id"])
    assert again == f"Landing page {page['id']} is published: cannot publish it"
    assert frozen == f"Landing page {page['id']} is archived and cannot be edited"
    assert no_publish == f"Landing page {page['id']} is archived: cannot publish it"
    assert no_archive == f"Landing page {page['id']} is archived: cannot archive it"


async def test_unpublish_only_a_published_page(session):
    async with session("plus") as po6:
        assert await po6.fail("unpublish_landing_page", page_id="lp_pricing") == \
            "Landing page lp_pricing is draft: cannot unpublish it"


@pytest.mark.parametrize(("config", "message"), [
    ([], 'Invalid argument \'config\': expected an object, got list'),
    ({}, 'Invalid argument \'config\': expected {"widgets": [...]}'),
    ({"widgets": "hero"}, 'Invalid argument \'config\': expected {"widgets": [...]}'),
    ({"widgets": [{"headline": "no type"}]}, "Invalid argument 'config': widgets[0] must be an object with a string 'type'"),
    ({"widgets": [{"type": "hero"}, "text"]}, "Invalid argument 'config': widgets[1] must be an object with a string 'type'"),
    ({"widgets": [{"type": 7}]}, "Invalid argument 'config': widgets[0] must be an object with a string 'type'"),
])
async def test_widget_config_validation(session, config, message):
    async with session("plus") as po6:
        before = await po6.call("get_landing_page", page_id="lp_pricing")
        assert await po6.fail("update_landing_page", page_id="lp_pricing", config=config) == message
        after = await po6.call("get_landing_page", page_id="lp_pricing")
    assert after["config"] == before["config"]


async def test_create_and_assign_errors(session):
    async with session("plus") as po6:
        assert await po6.fail("create_landing_page", template_id="lpt_nope", title="x") == \
            "Landing page template not found: lpt_nope"
        assert await po6.fail("create_landing_page", template_id="lpt_waitlist", title="x", alias_id="als_nope") == \
            "Alias not found: als_nope"
        assert await po6.fail("create_landing_page", template_id="lpt_waitlist", title="x",
                              domain="acme-shop.com") == "Domain acme-shop.com is not verified (pending)"
        assert await po6.fail("assign_landing_page_domain", page_id="lp_pricing", domain="globex.example") == \
            "Domain not found: globex.example"
        assert await po6.fail("update_landing_page", page_id="lp_pricing", seo={"keywords": "x"}) == \
            "Invalid argument 'seo': unknown field 'keywords' (accepted: title, description, og_image)"
        assert await po6.fail("get_landing_page_stats", page_id="lp_nope") == "Landing page not found: lp_nope"
        assert await po6.fail("list_landing_page_leads", page_id="lp_nope") == "Landing page not found: lp_nope"
        assert await po6.fail("download_landing_page", page_id="lp_spring") == \
            "Landing page lp_spring must be published to download (it is archived)"
