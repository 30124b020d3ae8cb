"""The client's policy on a scripted transport: what is retried, Retry-After, read-only, audit, secrets."""

import json

import httpx
import pytest

from po6_tui.api.errors import (
    ConflictError,
    InvalidError,
    OutcomeUnknownError,
    RateLimitedError,
    ReadOnlyError,
    ServerError,
    TransportError,
)
from po6_tui.api.postern import WAIT_READ_MARGIN, PosternClient

KEY = "pk_agent_secret_never_shown"
INBOX = {"id": "inbox_1", "address": "a@postern.test", "status": "live"}
SENT = {"id": "msg_1", "status": "queued", "thread_id": "thread_1"}


class Script:
    """A transport answering from a list of (status, body, headers) and recording each request."""

    def __init__(self, *answers) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body, headers = (*answer, {})[:3]
        headers = {"X-Postern-Request-Id": f"req_{len(self.requests)}", **headers}
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return httpx.Response(status, content=content, headers=headers)

    def bodies(self) -> list[dict]:
        return [json.loads(r.content) for r in self.requests]


def envelope(code: str, message: str = "no") -> dict:
    return {"error": {"code": code, "message": message, "details": {}, "request_id": "req_env"}}


def client(script: Script, **options) -> tuple[PosternClient, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    return PosternClient("https://postern.example/v1/", KEY, transport=httpx.MockTransport(script),
                         sleep=sleep, **options), slept


async def test_reads_are_retried_on_5xx_and_transport_faults():
    script = Script((503, envelope("internal_error")), httpx.ConnectError("refused"), (200, INBOX))
    postern, slept = client(script)
    inbox = await postern.get_inbox("a@postern.test")
    assert inbox.id == "inbox_1" and len(script.requests) == 3 and len(slept) == 2
    assert str(script.requests[0].url) == "https://postern.example/v1/inboxes/a%40postern.test"
    assert script.requests[0].headers["authorization"] == f"Bearer {KEY}"


async def test_retry_after_is_honoured():
    script = Script((429, envelope("rate_limited"), {"Retry-After": "2"}), (200, {"data": [], "next_cursor": None}))
    postern, slept = client(script)
    await postern.list_inboxes()
    assert slept == [2.0]


async def test_a_long_retry_after_is_reported_not_waited_for():
    script = Script((429, envelope("rate_limited", "daily send limit reached"), {"Retry-After": "40000"}))
    postern, slept = client(script)
    with pytest.raises(RateLimitedError) as caught:
        await postern.send("a@postern.test", "b@example.com", "hi", text="hi")
    assert caught.value.retry_after == 40000 and slept == []
    assert "daily send limit reached" in str(caught.value) and "req_env" in str(caught.value)


async def test_send_and_reply_always_carry_an_idempotency_key_and_retry_with_it():
    script = Script(httpx.ReadTimeout("lost"), (503, envelope("internal_error")), (202, SENT),
                    (202, SENT))
    postern, _ = client(script)
    assert (await postern.send("a@postern.test", ["b@example.com"], "hi", text="hi")).id == "msg_1"
    keys = [body["idempotency_key"] for body in script.bodies()]
    assert len(keys) == 3 and len(set(keys)) == 1 and len(keys[0]) == 36
    await postern.reply("msg_0", text="ok", idempotency_key="mine")
    assert script.bodies()[-1] == {"text": "ok", "idempotency_key": "mine"}


async def test_a_post_without_idempotency_is_never_repeated():
    script = Script(httpx.ReadTimeout("lost"))
    postern, _ = client(script)
    with pytest.raises(TransportError) as caught:
        await postern.create_inbox(username="x")
    assert len(script.requests) == 1 and "may or may not have taken effect" in str(caught.value)
    script = Script((503, envelope("internal_error")), (201, INBOX))
    postern, _ = client(script)
    with pytest.raises(OutcomeUnknownError, match="may or may not have taken effect"):
        await postern.create_webhook("http://127.0.0.1:9/hook")  # a 5xx to a write: outcome unknown
    await postern.create_inbox(client_id="c-1")  # with a client_id it is safe to repeat
    assert len(script.requests) == 2


async def test_errors_map_by_status_and_keep_the_request_id():
    script = Script((409, envelope("idempotency_conflict", "key reused")), (422, b"not json", {}))
    postern, _ = client(script)
    with pytest.raises(ConflictError) as caught:
        await postern.send("a@postern.test", "b@example.com", "hi", text="hi")
    assert (caught.value.code, caught.value.status, caught.value.request_id) == ("idempotency_conflict", 409, "req_env")
    with pytest.raises(InvalidError) as caught:
        await postern.get_message("msg_1")
    assert caught.value.request_id == "req_2" and caught.value.code == "http_422"


async def test_malformed_success_is_a_transport_error():
    postern, _ = client(Script((200, b"<html>"), (200, b"<html>"), (200, b"<html>")))
    with pytest.raises(TransportError):
        await postern.get_inbox("a@postern.test")


async def test_wait_read_timeout_exceeds_its_timeout_and_sender_is_sent_as_from():
    script = Script((200, {"timed_out": True, "message": None, "extracted": None}))
    postern, _ = client(script, timeout=5)
    result = await postern.wait("a@postern.test", sender="bank", timeout_seconds=200)
    assert result.timed_out
    assert script.requests[0].extensions["timeout"]["read"] == 200 + WAIT_READ_MARGIN
    assert script.bodies()[0] == {"from": "bank", "timeout_seconds": 200.0}


async def test_read_only_refuses_writes_before_any_request_and_audit_records_writes():
    records = []
    script = Script((200, INBOX))
    postern, _ = client(script, read_only=True, audit=records.append, profile="work")
    for call in (postern.send("a@postern.test", "b@example.com", "hi", text="hi"), postern.create_inbox(),
                 postern.delete_inbox("a@postern.test"), postern.reply("msg_1", text="x"),
                 postern.create_webhook("http://127.0.0.1/h"), postern.enroll("pk_enroll_x")):
        with pytest.raises(ReadOnlyError):
            await call
    assert script.requests == [] and records == []
    await postern.get_inbox("a@postern.test")  # reads still work

    script = Script((202, SENT), (404, envelope("not_found")))
    postern, _ = client(script, audit=records.append, profile="work")
    await postern.send("a@postern.test", "b@example.com", "secret subject", text="secret body")
    with pytest.raises(Exception):
        await postern.delete_inbox("gone@postern.test")
    assert [(r.tool, r.outcome[:5], r.profile) for r in records] == [
        ("postern.send", "ok", "work"), ("postern.delete_inbox", "error", "work")]
    assert records[0].targets["address"] == "a@postern.test"
    assert "secret" not in json.dumps([r.targets for r in records]) + records[1].outcome


async def test_enroll_sends_no_bearer_and_the_key_never_shows():
    script = Script((200, {"agent_id": "agent_1", "agent_key": "pk_agent_new_secret", "scopes": []}),
                    (401, envelope("invalid_api_key")))
    postern, _ = client(script)
    enrollment = await postern.enroll("pk_enroll_token", agent_handle="bot")
    assert "authorization" not in script.requests[0].headers
    assert "pk_agent_new_secret" not in repr(enrollment)
    with pytest.raises(Exception) as caught:
        await postern.list_inboxes()
    assert KEY not in str(caught.value) + repr(caught.value) + repr(postern)
