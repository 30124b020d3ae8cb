"""Every PO6 read tool through the typed client, against the sandbox (the SDK's server).

Each result must parse completely: no malformed list items skipped, no fields dropped, so a
drift between the sandbox and the models shows up here.
"""

from __future__ import annotations

from datetime import datetime

from po6_tui.api import models as m


def assert_clean(obj) -> None:
    items = obj if isinstance(obj, list) else [obj]
    for item in items:
        assert item.dropped_fields == (), item
        assert item.skipped_items == 0, item
    if isinstance(obj, m.Items):
        assert obj.skipped == 0


async def test_connect_negotiates_and_caches_the_tools(po6):
    assert po6.mcp.protocol_version == "2025-11-25"
    assert po6.mcp.server_info["name"] == "po6-mailbox"
    assert len(po6.tools) == 42 and po6.has_decision_tools
    assert po6.mcp.session_id


async def test_mailboxes_stats_and_folders(po6):
    mailboxes = await po6.list_mailboxes()
    assert_clean(mailboxes)
    assert {"mbx_support", "mbx_billing"} <= {mb.id for mb in mailboxes}
    support = next(mb for mb in mailboxes if mb.id == "mbx_support")
    assert support.address.endswith("@po6.com") and support.total > 0

    stats = await po6.get_mailbox_stats("mbx_support")
    assert_clean(stats)
    assert stats.total == support.total and stats.storage_limit_bytes
    assert "INBOX" in [f.name for f in stats.folders]

    folders = await po6.list_folders("mbx_support")
    assert_clean(folders)
    assert {f.name for f in folders} >= {"INBOX", "Sent", "Drafts", "Trash", "Spam", "Archive"}
    assert next(f for f in folders if f.name == "INBOX").type == "system"


async def test_list_emails_pages_newest_first_and_filters(po6):
    first = await po6.list_emails("mbx_support", limit=5)
    assert_clean(first)
    assert len(first.emails) == 5 and first.has_more and first.total > 5 and first.limit == 5
    dates = [e.date for e in first.emails]
    assert all(isinstance(d, datetime) and d.tzinfo for d in dates)
    assert dates == sorted(dates, reverse=True)
    second = await po6.list_emails("mbx_support", limit=5, offset=5)
    assert not {e.id for e in first.emails} & {e.id for e in second.emails}
    unread = await po6.list_emails("mbx_support", unread_only=True, limit=100)
    assert unread.emails and all(not e.is_read for e in unread.emails)
    spam = await po6.list_emails("mbx_support", folder="Spam")
    assert all(e.folder == "Spam" for e in spam.emails)
    assert all(e.from_ for e in first.emails)


async def test_get_email_has_body_headers_and_does_not_mark_read(po6):
    page = await po6.list_emails("mbx_support", unread_only=True, limit=1)
    summary = page.emails[0]
    email = await po6.get_email("mbx_support", summary.id)
    assert_clean(email)
    assert email.id == summary.id and email.subject == summary.subject
    assert email.body_text or email.body_html
    assert email.headers
    again = await po6.list_emails("mbx_support", unread_only=True, limit=100)
    assert summary.id in {e.id for e in again.emails}


async def test_search_across_mailboxes(po6):
    results = await po6.search_emails("invoice", limit=5)
    assert_clean(results)
    assert results.results and results.total >= len(results.results)
    one = await po6.search_emails("invoice", mailbox_id="mbx_billing")
    assert {e.mailbox_id for e in one.results} == {"mbx_billing"}


async def test_email_lists_and_contacts(po6):
    lists = await po6.list_email_lists()
    assert_clean(lists)
    assert lists and lists[0].contact_count >= lists[0].active_count
    contacts = await po6.get_email_list_contacts(lists[0].id, limit=3)
    assert_clean(contacts)
    assert len(contacts.contacts) == 3 and contacts.total == lists[0].contact_count
    active = await po6.get_email_list_contacts(lists[0].id, status="active", limit=100)
    assert {c.status for c in active.contacts} == {"active"}


async def test_drafts_and_sent(po6):
    drafts = await po6.list_drafts()
    assert_clean(drafts)
    assert drafts and {d.status for d in drafts} == {"pending"}
    assert all(d.expires_at and d.created_at and d.expires_at > d.created_at for d in drafts)
    mine = await po6.list_drafts(mailbox_id="mbx_support")
    assert {d.mailbox_id for d in mine} <= {"mbx_support"}
    sent = await po6.list_sent_emails("mbx_support", limit=2)
    assert_clean(sent)
    assert sent.emails and sent.emails[0].delivery_status and sent.emails[0].sent_via


async def test_templates(po6):
    templates = await po6.list_templates()
    assert_clean(templates)
    detail = await po6.get_template(templates[0].id)
    assert_clean(detail)
    assert detail.body_text and detail.variables


async def test_aliases_and_domains(po6):
    aliases = await po6.list_aliases()
    assert_clean(aliases)
    alias = await po6.get_alias(aliases[0].id)
    assert_clean(alias)
    assert alias.address == aliases[0].address
    domains = await po6.list_domains()
    assert_clean(domains)
    detail = await po6.get_domain(domains[0].id)
    assert_clean(detail)
    assert detail.mx_records and detail.catchall is not None
    assert all(a.domain_id == detail.id for a in detail.aliases)


async def test_landing_pages(po6):
    templates = await po6.list_landing_page_templates()
    assert_clean(templates)
    template = await po6.get_landing_page_template(templates[0].id)
    assert_clean(template)
    assert template.config and template.config["widgets"]
    category = templates[0].category
    assert {t.category for t in await po6.list_landing_page_templates(category=category)} == {category}

    pages = await po6.list_landing_pages()
    assert_clean(pages)
    published = [p for p in pages if p.status == "published"]
    assert published and {p.status for p in await po6.list_landing_pages(status="published")} == {"published"}
    page = await po6.get_landing_page(published[0].id)
    assert_clean(page)
    assert page.config is not None and page.seo is not None
    stats = await po6.get_landing_page_stats(page.id)
    assert_clean(stats)
    assert stats.page_id == page.id
    leads = await po6.list_landing_page_leads(limit=3)
    assert_clean(leads)
    assert len(leads.leads) == 3 and leads.total >= 3
    download = await po6.download_landing_page(page.id)
    assert download.filename.endswith(".html") and "<html" in download.html.lower()


async def test_reads_are_not_audited(po6):
    await po6.list_mailboxes()
    assert po6.records == []


async def test_every_server_tool_is_known_as_exactly_one_of_read_or_write(po6):
    from po6_tui.api.po6 import READ_TOOLS, WRITE_TOOLS

    served = {tool.name for tool in await po6.mcp.list_tools()}
    assert served == READ_TOOLS | WRITE_TOOLS and not READ_TOOLS & WRITE_TOOLS
    assert len(served) == 42  # PO6's 39 and the sandbox's 3 draft-decision tools
