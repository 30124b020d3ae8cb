"""Every PO6 write tool through the typed client, against the sandbox, with the two-step flows.

The module has its own sandbox; each test changes objects no other test here reads.
"""

from __future__ import annotations

import pytest
from client_sandboxes import start_roomy

from po6_tui.api import models as m
from po6_tui.api.errors import ConfirmationError, InvalidError, NotFoundError, PlanError


@pytest.fixture(scope="module")
def roomy_sandbox(tmp_path_factory):
    """This module's own sandbox: it changes things the shared one must keep."""
    process, box = start_roomy(tmp_path_factory.mktemp("writes"))
    yield box
    process.stop()


async def test_mark_and_move(po6):
    email = (await po6.list_emails("mbx_research", limit=1)).emails[0]
    flags = await po6.mark_email("mbx_research", email.id, "read")
    assert flags.id == email.id and flags.is_read is True
    flags = await po6.mark_email("mbx_research", email.id, "starred")
    assert flags.is_starred is True
    moved = await po6.move_email("mbx_research", email.id, "Archive")
    assert moved.folder == "Archive"
    assert email.id in {e.id for e in (await po6.list_emails("mbx_research", folder="Archive")).emails}
    assert [(r.tool, r.outcome) for r in po6.records] == [("mark_email", "ok")] * 2 + [("move_email", "ok")]
    assert po6.records[0].targets == {"mailbox_id": "mbx_research", "email_id": email.id, "action": "read"}


async def test_delete_is_two_step(po6):
    email = (await po6.list_emails("mbx_ops", limit=1)).emails[0]
    request = await po6.delete_email("mbx_ops", email.id)
    assert isinstance(request, m.ConfirmationRequest)
    assert request.tool == "delete_email" and request.token and request.message
    assert request.expires_in_seconds and request.expires_in_seconds > 0
    assert await po6.get_email("mbx_ops", email.id)  # nothing happened yet
    result = await po6.confirm(request)
    assert isinstance(result, m.DeleteResult) and result.id == email.id and result.deleted
    with pytest.raises(NotFoundError):
        await po6.get_email("mbx_ops", email.id)
    with pytest.raises((ConfirmationError, NotFoundError)):
        await po6.confirm(request)  # the email is gone (and the token used)
    assert [r.outcome for r in po6.records][:2] == ["confirmation requested", "ok"]
    assert po6.records[2].outcome.startswith("error: ")


async def test_a_forged_confirmation_token_is_refused(po6):
    email = (await po6.list_emails("mbx_ops", limit=1)).emails[0]
    request = await po6.delete_email("mbx_ops", email.id)
    forged = request.model_copy(update={"token": "ct_forged"})
    with pytest.raises(ConfirmationError):
        await po6.confirm(forged)
    assert await po6.get_email("mbx_ops", email.id)


async def test_confirm_only_takes_two_step_tools(po6):
    with pytest.raises(InvalidError):
        await po6.confirm(m.ConfirmationRequest(tool="compose_email", token="ct_x"))


async def test_compose_reply_forward(po6):
    sent = await po6.compose_email("mbx_support", ["someone@example.com"], "Hello from the tests", "Body text",
                                   cc_addresses=["cc@example.com"])
    assert sent.id and sent.status in ("queued", "sent")
    assert sent.id in {e.id for e in (await po6.list_sent_emails("mbx_support", limit=100)).emails}
    inbox = (await po6.list_emails("mbx_support", limit=1)).emails[0]
    reply = await po6.reply_email("mbx_support", inbox.id, "Thanks, noted.")
    assert reply.id
    forward = await po6.forward_email("mbx_support", inbox.id, ["boss@example.com"], body_text="FYI")
    assert forward.id
    assert [r.tool for r in po6.records] == ["compose_email", "reply_email", "forward_email"]
    assert all("Hello" not in repr(r) and "Body text" not in repr(r) for r in po6.records)


async def test_draft_lifecycle(po6):
    draft = await po6.create_draft("mbx_outreach", ["lead@example.com"], "Proposal", "First version")
    assert draft.status == "pending" and draft.expires_at and draft.created_at
    edited = await po6.update_draft(draft.id, subject="Proposal v2", body_text="Second version")
    assert edited.subject == "Proposal v2" and edited.body_text == "Second version"
    decision = await po6.approve_draft(draft.id, to_addresses=["lead@example.com", "other@example.com"])
    assert decision.status in ("sent", "approved") and decision.sent and decision.sent.id
    assert draft.id not in {d.id for d in await po6.list_drafts()}

    other = await po6.create_draft("mbx_outreach", ["x@example.com"], "Nope", "Should not go")
    rejected = await po6.reject_draft(other.id, reason="Tone")
    assert rejected.status == "rejected" and rejected.reject_reason == "Tone"
    with pytest.raises(InvalidError):
        await po6.approve_draft(other.id)  # no longer pending


async def test_alias_domain_and_catchall(po6):
    alias = await po6.update_alias("als_press", forward_to="new-press@example.com", plus_addressing=True)
    assert alias.forward_to == "new-press@example.com" and alias.plus_addressing
    assert alias.verification_status == "pending"  # a new forward_to needs re-verification

    domain = await po6.get_domain("dom_acme")
    target = domain.aliases[0]
    updated = await po6.update_domain_alias("dom_acme", target.id, is_active=not target.is_active)
    assert updated.id == target.id and updated.is_active is (not target.is_active)

    catchall = await po6.update_catchall("dom_acme", False)
    assert catchall.enabled is False
    assert (await po6.get_domain("dom_acme")).catchall_enabled is False


async def test_domain_alias_limit_is_a_plan_error(po6):
    labs = await po6.get_domain("dom_labs")  # Standard: 3 active aliases at most
    inactive = [a for a in labs.aliases if not a.is_active]
    active = [a for a in labs.aliases if a.is_active]
    assert inactive and len(active) >= labs.limits["max_aliases"]
    with pytest.raises(PlanError):
        await po6.update_domain_alias("dom_labs", inactive[0].id, is_active=True)


async def test_landing_page_lifecycle(po6):
    page = await po6.create_landing_page("lpt_waitlist", "Test page")
    assert page.status == "draft" and page.template_id == "lpt_waitlist"
    config = {"widgets": [{"type": "hero", "headline": "Hi"}, {"type": "form", "fields": ["email"]}]}
    page = await po6.update_landing_page(page.id, title="Test page 2", seo=m.Seo(title="SEO title"), config=config)
    assert page.title == "Test page 2" and page.config == config and page.seo.title == "SEO title"

    with pytest.raises(InvalidError):
        await po6.download_landing_page(page.id)  # only published pages

    request = await po6.publish_landing_page(page.id)
    assert isinstance(request, m.ConfirmationRequest) and request.arguments == {"page_id": page.id}
    assert (await po6.get_landing_page(page.id)).status == "draft"
    published = await po6.confirm(request)
    assert isinstance(published, m.LandingPage) and published.status == "published" and published.published_at
    assert "<html" in (await po6.download_landing_page(page.id)).html.lower()

    assigned = await po6.confirm(await po6.assign_landing_page_domain(page.id, "acme.dev"))
    assert assigned.domain == "acme.dev"
    unpublished = await po6.confirm(await po6.unpublish_landing_page(page.id))
    assert unpublished.status == "draft"
    with pytest.raises(ConfirmationError, match="Ask again"):
        await po6.confirm(request)  # tokens are single-use: the old publish token does nothing
    assert (await po6.get_landing_page(page.id)).status == "draft"
    archived = await po6.confirm(await po6.archive_landing_page(page.id))
    assert archived.status == "archived"
    outcomes = [(r.tool, r.outcome) for r in po6.records if r.tool != "create_landing_page"]
    assert ("publish_landing_page", "confirmation requested") in outcomes
    assert ("archive_landing_page", "ok") in outcomes
