"""Reading endpoints, pagination, scopes, tenancy and the error envelope, on the seeded demo data.

These only read from the shared sandbox (no test here marks anything read).
"""

import httpx
import pytest
from postern_data import AGENT, GLOBEX_INBOX, OTHER, OUTREACH, READONLY, SIGNUP, SUPPORT

from po6_tui.api.errors import AuthError, InvalidError, NotFoundError, ScopeError
from po6_tui.api.postern import PosternClient


async def test_list_inboxes_pages_through_every_inbox_once(agent):
    first = await agent.list_inboxes(limit=2)
    assert len(first.data) == 2 and first.next_cursor
    addresses = [inbox.address async for inbox in agent.iterate(agent.list_inboxes, limit=1)]
    assert {SIGNUP, SUPPORT, OUTREACH} <= set(addresses)
    assert len(addresses) == len(set(addresses))
    assert GLOBEX_INBOX not in addresses  # another tenant's


async def test_get_inbox(agent, sandbox):
    inbox = await agent.get_inbox(SUPPORT)
    assert (inbox.address, inbox.display_name, inbox.domain, inbox.status) == (
        SUPPORT, "Support Desk", "postern.test", "live")
    assert inbox.id.startswith("inbox_") and inbox.created_at is not None
    # the path takes the address URL-encoded or with a raw @
    headers = {"Authorization": f"Bearer {sandbox.key(AGENT)}"}
    async with httpx.AsyncClient(base_url=sandbox.url + "/v1", headers=headers) as http:
        for path in ("/inboxes/support%40postern.test", "/inboxes/support@postern.test"):
            response = await http.get(path)
            assert response.status_code == 200 and response.json()["id"] == inbox.id


async def test_messages_by_direction_and_unread(agent):
    everything = await agent.list_messages(SUPPORT)
    assert [m.subject for m in everything.data][:2] == ["API access for the staging tenant",
                                                        "Re: Invoice #1042 looks wrong"]  # newest first
    assert {m.direction for m in everything.data} == {"inbound", "outbound"}
    outbound = await agent.list_messages(SUPPORT, direction="outbound")
    assert [m.direction for m in outbound.data] == ["outbound"]
    assert outbound.data[0].from_ == SUPPORT and outbound.data[0].to == ["dana.reyes@customer.example"]
    unread = await agent.list_messages(SUPPORT, unread_only=True)
    assert unread.data and all(m.unread and m.direction == "inbound" for m in unread.data)
    first = await agent.list_messages(SUPPORT, limit=2)
    rest = await agent.list_messages(SUPPORT, limit=2, cursor=first.next_cursor)
    assert [m.id for m in first.data + rest.data] == [m.id for m in everything.data]
    assert rest.next_cursor is None


async def test_threads_and_a_thread(agent):
    threads = (await agent.list_threads(SUPPORT)).data
    invoice = next(t for t in threads if t.subject == "Invoice #1042 looks wrong")
    assert invoice.message_count == 3 and invoice.unread_count == 1
    assert set(invoice.participants) == {"dana.reyes@customer.example", SUPPORT}
    detail = await agent.get_thread(invoice.id)
    assert [m.direction for m in detail.messages] == ["inbound", "outbound", "inbound"]  # oldest first
    assert detail.messages[1].subject == "Re: Invoice #1042 looks wrong"


async def test_full_message(agent):
    summary = (await agent.list_messages(OUTREACH, direction="inbound")).data[0]
    message = await agent.get_message(summary.id)
    assert message.text.startswith("Hi! Yes, submissions close Friday.")
    assert message.from_ == "events@conference.example" and message.from_name == "AgentConf Events"
    assert message.in_reply_to and message.thread_id == summary.thread_id
    assert message.unread is False


async def test_search(agent, client_for):
    results = (await agent.search("invoice")).data
    assert {m.inbox for m in results} == {SUPPORT} and len(results) == 3
    assert (await agent.search("invoice", address=OUTREACH)).data == []
    assert (await client_for(OTHER).search("invoice")).data == []  # other tenants see nothing
    with pytest.raises(InvalidError):
        await agent.search("")


async def test_readonly_key_reads_but_cannot_write(client_for):
    readonly = client_for(READONLY)
    assert (await readonly.get_inbox(SUPPORT)).address == SUPPORT  # same tenant
    with pytest.raises(ScopeError) as caught:
        await readonly.send(SUPPORT, "someone@example.com", "hi", text="hello")
    assert caught.value.code == "scope_denied" and caught.value.status == 403
    with pytest.raises(ScopeError):
        await readonly.create_inbox(username="nope")


async def test_another_tenants_objects_are_not_found(agent, client_for):
    other = client_for(OTHER)
    message = (await agent.list_messages(SUPPORT)).data[0]
    for call in (other.get_inbox(SUPPORT), other.list_messages(SUPPORT), other.list_threads(SUPPORT),
                 other.get_message(message.id), other.get_thread(message.thread_id), other.delete_inbox(SUPPORT),
                 other.send(SUPPORT, "x@example.com", "hi", text="hi"), other.reply(message.id, text="hi")):
        with pytest.raises(NotFoundError) as caught:
            await call
        assert caught.value.code == "not_found"
    assert (await other.get_inbox(GLOBEX_INBOX)).address == GLOBEX_INBOX


async def test_bad_keys_are_401(sandbox, client_for):
    for client in (client_for(None), PosternClient(sandbox.url, "pk_agent_made_up")):
        async with client:
            with pytest.raises(AuthError) as caught:
                await client.list_inboxes()
        assert caught.value.code == "invalid_api_key" and caught.value.status == 401


async def test_error_envelope_and_request_ids(sandbox, agent):
    headers = {"Authorization": f"Bearer {sandbox.key(AGENT)}"}
    async with httpx.AsyncClient(base_url=sandbox.url + "/v1", headers=headers) as http:
        ok = await http.get("/inboxes")
        assert ok.headers["X-Postern-Request-Id"].startswith("req_")
        cases = [
            (http.post("/inboxes", content=b"{not json", headers={"Content-Type": "application/json"}),
             400, "bad_request"),
            (http.post("/inboxes", content=b"[1, 2]"), 400, "bad_request"),
            (http.post("/inboxes", content=b"[" * 200_000), 400, "bad_request"),
            (http.post("/inboxes", content=b'{"username": "\xff\xfe"}'), 400, "bad_request"),
            (http.post("/inboxes", content=b"{" + b" " * (1024 * 1024 + 10) + b"}"), 400, "bad_request"),
            (http.get("/inboxes", params={"cursor": "cur_garbage!"}), 400, "bad_request"),
            (http.get("/inboxes", params={"limit": "500"}), 422, "validation_failed"),
            (http.get(f"/inboxes/{SUPPORT}/messages", params={"direction": "sideways"}), 422, "validation_failed"),
            (http.post(f"/inboxes/{SUPPORT}/send", json={"to": "not-an-address", "subject": "x", "text": "y"}),
             422, "validation_failed"),
            (http.post(f"/inboxes/{SUPPORT}/send", json={"to": "a@example.com", "subject": "no body"}),
             422, "validation_failed"),
            (http.get("/messages/msg_does_not_exist"), 404, "not_found"),
            (http.get("/no/such/endpoint"), 404, "not_found"),
        ]
        for pending, status, code in cases:
            response = await pending
            assert response.status_code == status, response.text
            error = response.json()["error"]
            assert error["code"] == code and error["message"]
            assert error["request_id"] == response.headers["X-Postern-Request-Id"]
    with pytest.raises(InvalidError) as caught:
        await agent.list_inboxes(cursor="cur_garbage!")
    assert caught.value.request_id and caught.value.request_id in str(caught.value)
    assert sandbox.key(AGENT) not in str(caught.value) + repr(caught.value) + repr(agent)
