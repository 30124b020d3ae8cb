"""The sandbox as a security boundary (issue 7): keys on every route, tenants kept apart, bad
input refused clearly without hurting the server, no driving it from a web page (Host/Origin,
DNS rebinding), loopback unless told otherwise.

One sandbox for the module, with the brute-force lockout off (these tests send bad keys on
purpose, and a lockout would then refuse the good ones too; the lockout has its own test in
tests/sandbox/test_limits.py).
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from po6_tui.sandbox import admin
from po6_tui.sandbox.process import SandboxProcess

INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
ACCEPT = {"Accept": "application/json, text/event-stream"}


class Box:
    def __init__(self, directory: Path) -> None:
        self.process = SandboxProcess(db=directory / "sandbox.db", seed="demo",
                                      extra_args=["--auth-lockout", "0", "--rate-limit", "100000"])
        self.url = self.process.start()
        self.db = self.process.db

    def key(self, label: str) -> str:
        return next(k["key"] for k in admin.read_keys(self.db) if k["label"] == label)


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Box]:
    started = Box(tmp_path_factory.mktemp("security-box"))
    yield started
    started.process.stop()


def postern_routes() -> list[tuple[str, str]]:
    """Every (method, path) the Postern side serves, read from the sandbox's own route table
    (building the table touches no store)."""
    from po6_tui.sandbox.postern import PosternApi

    found = []
    for route in PosternApi(store=None).routes():
        if "{rest:path}" in route.path:
            continue  # the catch-all that answers "no such endpoint" in the envelope: not a route
        path = "/v1" + route.path.replace("{addr}", "agent%40example.test").replace("{id}", "msg_x")
        for method in sorted(route.methods - {"HEAD"}):
            found.append((method, path))
    return found


def mcp_post(box: Box, body: object, key: str | None, **headers: str) -> httpx.Response:
    auth = {"Authorization": f"Bearer {key}"} if key else {}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(box.url + "/mcp", content=content,
                      headers={**ACCEPT, "Content-Type": "application/json", **auth, **headers}, timeout=30)


def mcp_session(box: Box, key: str) -> tuple[dict[str, str], callable]:
    """A raw MCP session: returns the headers to use and a `call(tool, args)` helper."""
    answer = mcp_post(box, INIT, key)
    assert answer.status_code == 200, answer.text
    headers = {"Mcp-Session-Id": answer.headers["mcp-session-id"], "MCP-Protocol-Version": "2025-06-18"}
    mcp_post(box, {"jsonrpc": "2.0", "method": "notifications/initialized"}, key, **headers)

    def call(tool: str, arguments: dict, request_id: int = 2) -> dict:
        reply = mcp_post(box, {"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
                               "params": {"name": tool, "arguments": arguments}}, key, **headers)
        assert reply.status_code == 200, reply.text
        return reply.json()

    return headers, call


def still_serving(box: Box) -> None:
    _headers, call = mcp_session(box, box.key("plus"))
    result = call("list_mailboxes", {})["result"]
    assert not result.get("isError") and result["structuredContent"]["mailboxes"]
    answer = httpx.get(box.url + "/v1/inboxes", headers={"Authorization": f"Bearer {box.key('postern-agent')}"})
    assert answer.status_code == 200


# -- keys ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("authorization", [None, "Bearer mcp_po6_wrong", "Bearer", "Basic dXNlcjpwYXNz",
                                           "Bearer pk_agent_not_a_po6_key"])
def test_mcp_without_a_valid_key_is_401(box, authorization):
    headers = {**ACCEPT, **({"Authorization": authorization} if authorization else {})}
    answer = httpx.post(box.url + "/mcp", json=INIT, headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"error": "Authentication failed"}


def test_every_postern_route_needs_a_valid_key(box):
    routes = postern_routes()
    assert len(routes) >= 12  # the whole table, not a sample
    for method, path in routes:
        if path == "/v1/enroll":
            continue  # redeems an enrollment token from the body (next test), no bearer key by design
        for headers in ({}, {"Authorization": "Bearer pk_agent_wrong"}, {"Authorization": f"Bearer {box.key('plus')}"}):
            answer = httpx.request(method, box.url + path, headers=headers, json={} if method == "POST" else None)
            assert answer.status_code == 401, (method, path, headers, answer.text)
            assert answer.json()["error"]["code"] == "invalid_api_key"


def test_unknown_postern_paths_need_a_key_before_they_say_not_found(box):
    """Without a key, a made-up path and a real one look the same: no probing for routes."""
    assert httpx.get(box.url + "/v1/no-such-thing").status_code == 401
    found = httpx.get(box.url + "/v1/no-such-thing",
                      headers={"Authorization": f"Bearer {box.key('postern-agent')}"})
    assert found.status_code == 404 and found.json()["error"]["code"] == "not_found"


def test_enroll_needs_a_valid_enrollment_token(box):
    for token in ("pk_enroll_wrong", box.key("postern-agent"), box.key("postern-enroll-revoked")):
        answer = httpx.post(box.url + "/v1/enroll", json={"enrollment_token": token})
        assert answer.status_code == 401, answer.text
        assert answer.json()["error"]["code"].startswith(("invalid_enrollment_token", "enrollment_token_"))


def test_only_the_discovery_document_is_public(box):
    answer = httpx.get(box.url + "/.well-known/mcp.json")
    assert answer.status_code == 200
    assert not re.search(r"(mcp_po6_|pk_agent_|pk_enroll_)[A-Za-z0-9]{6,}", answer.text)  # no key in it


# -- tenants ----------------------------------------------------------------------------------------

def test_a_po6_key_never_reaches_another_tenants_data(box):
    _h, acme = mcp_session(box, box.key("plus"))
    _h, globex = mcp_session(box, box.key("other-tenant"))
    secret = globex("list_emails", {"mailbox_id": "mbx_globex"})["result"]["structuredContent"]["emails"][0]["id"]
    # Reads and writes aimed at the other tenant's objects: each one "not found", none done.
    attempts = [
        ("get_mailbox_stats", {"mailbox_id": "mbx_globex"}),
        ("list_emails", {"mailbox_id": "mbx_globex"}),
        ("get_email", {"mailbox_id": "mbx_globex", "email_id": secret}),
        ("mark_email", {"mailbox_id": "mbx_globex", "email_id": secret, "action": "read"}),
        ("move_email", {"mailbox_id": "mbx_globex", "email_id": secret, "folder": "Trash"}),
        ("delete_email", {"mailbox_id": "mbx_globex", "email_id": secret}),
        ("reply_email", {"mailbox_id": "mbx_globex", "email_id": secret, "body_text": "x"}),
        ("forward_email", {"mailbox_id": "mbx_globex", "email_id": secret, "to_addresses": ["a@b.example"]}),
        ("list_folders", {"mailbox_id": "mbx_globex"}),
        ("list_sent_emails", {"mailbox_id": "mbx_globex"}),
    ]
    for number, (tool, arguments) in enumerate(attempts, start=10):
        result = acme(tool, arguments, number)["result"]
        assert result["isError"], (tool, result)
        assert "not found" in result["content"][0]["text"].lower(), (tool, result)
    still = globex("get_email", {"mailbox_id": "mbx_globex", "email_id": secret})["result"]["structuredContent"]
    assert still["is_read"] is False and still["folder"] == "INBOX"  # nothing was done to it
    assert acme("search_emails", {"query": "reorganisation"}, 99)["result"]["structuredContent"]["total"] == 0


def test_a_postern_key_never_reaches_another_tenants_inboxes(box):
    acme = {"Authorization": f"Bearer {box.key('postern-agent')}"}
    globex = {"Authorization": f"Bearer {box.key('postern-other')}"}
    inbox = httpx.get(box.url + "/v1/inboxes", headers=acme).json()["data"][0]["address"]
    message = httpx.get(box.url + f"/v1/inboxes/{inbox}/messages", headers=acme).json()["data"][0]
    for method, path, body in [
        ("GET", f"/v1/inboxes/{inbox}", None),
        ("GET", f"/v1/inboxes/{inbox}/messages", None),
        ("GET", f"/v1/inboxes/{inbox}/threads", None),
        ("POST", f"/v1/inboxes/{inbox}/send", {"to": "a@b.example", "subject": "s", "text": "t"}),
        ("POST", f"/v1/inboxes/{inbox}/wait", {"timeout_seconds": 0}),
        ("DELETE", f"/v1/inboxes/{inbox}", None),
        ("GET", f"/v1/messages/{message['id']}", None),
        ("POST", f"/v1/messages/{message['id']}/reply", {"text": "t"}),
        ("GET", f"/v1/threads/{message['thread_id']}", None),
    ]:
        answer = httpx.request(method, box.url + path, headers=globex, json=body)
        assert answer.status_code == 404, (method, path, answer.text)
        assert answer.json()["error"]["code"] == "not_found"
    assert httpx.get(box.url + f"/v1/inboxes/{inbox}", headers=acme).status_code == 200  # still there
    found = httpx.get(box.url + "/v1/search", params={"q": message["subject"][:20]}, headers=globex).json()
    assert all(item["id"] != message["id"] for item in found["data"])


# -- bad input ---------------------------------------------------------------------------------------

def test_oversized_and_malformed_mcp_arguments_get_clear_errors(box):
    _h, call = mcp_session(box, box.key("plus"))
    cases = [
        ("compose_email", {"mailbox_id": "mbx_ops", "to_addresses": ["a@b.example"] * 101, "subject": "s",
                           "body_text": "b"}, "at most 100"),
        ("compose_email", {"mailbox_id": "mbx_ops", "to_addresses": "not-a-list", "subject": 5, "body_text": "b"},
         "invalid argument"),
        ("list_emails", {"mailbox_id": "mbx_ops", "limit": "ten"}, "invalid argument"),
        ("list_emails", {"mailbox_id": "mbx_ops", "limit": 10 ** 12}, "limit"),
        ("get_email", {"mailbox_id": {"$ne": None}, "email_id": ["x"]}, "invalid argument"),
        ("search_emails", {"query": "q" * 1_000_001}, "longer than"),
        ("compose_email", {"mailbox_id": "mbx_ops", "to_addresses": ["a@b.example"], "subject": "s",
                           "body_text": "b" * 1_000_001}, "longer than"),
    ]
    for number, (tool, arguments, expected) in enumerate(cases, start=10):
        result = call(tool, arguments, number)["result"]
        assert result["isError"], (tool, result)
        assert expected in result["content"][0]["text"].lower(), (tool, result["content"][0]["text"][:200])
    still_serving(box)


def test_broken_and_huge_mcp_requests_are_refused_and_the_server_goes_on(box):
    key = box.key("plus")
    assert mcp_post(box, b'{"jsonrpc": "2.0", "id": 1, "method": ', key).status_code in (400, 422)
    assert mcp_post(box, b"\xff\xfe\x00garbage", key).status_code in (400, 422)
    huge = mcp_post(box, {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
                          "params": {"name": "search_emails", "arguments": {"query": "x" * (5 * 1024 * 1024)}}}, key)
    assert huge.status_code == 413
    still_serving(box)


def test_oversized_and_malformed_postern_requests_get_clear_errors(box):
    acme = {"Authorization": f"Bearer {box.key('postern-agent')}"}
    inbox = httpx.get(box.url + "/v1/inboxes", headers=acme).json()["data"][0]["address"]
    send = box.url + f"/v1/inboxes/{inbox}/send"
    cases = [
        (httpx.post(send, headers={**acme, "Content-Type": "application/json"}, content=b"{broken"), 400),
        (httpx.post(send, headers=acme, json={"to": "a@b.example", "subject": "s", "text": "x" * (2 * 1024 * 1024)}), 400),
        (httpx.post(send, headers=acme, json={"to": ["a@b.example"] * 51, "subject": "s", "text": "t"}), 422),
        (httpx.post(send, headers=acme, json={"to": 12, "subject": ["s"], "text": {"a": 1}}), 422),
        (httpx.get(box.url + f"/v1/inboxes/{inbox}/messages", headers=acme, params={"limit": "lots"}), 422),
        (httpx.post(box.url + f"/v1/inboxes/{inbox}/wait", headers=acme, json={"timeout_seconds": 10 ** 9}), 422),
    ]
    for answer, status in cases:
        assert answer.status_code == status, answer.text[:300]
        error = answer.json()["error"]
        assert error["code"] in ("bad_request", "validation_failed") and error["message"]
    still_serving(box)


def _cursor(payload: bytes) -> str:
    return "cur_" + base64.urlsafe_b64encode(payload).decode().rstrip("=")


def test_every_postern_number_and_cursor_in_a_query_is_checked_not_a_500(box):
    """`?limit=²` passed `str.isdigit` and then broke `int()`: HTTP 500. Every listing, every odd digit."""
    acme = {"Authorization": f"Bearer {box.key('postern-agent')}"}
    inbox = "signup-bot@postern.test"
    listings = [("/v1/inboxes", {}), (f"/v1/inboxes/{inbox}/messages", {}), (f"/v1/inboxes/{inbox}/threads", {}),
                ("/v1/search", {"q": "code"})]
    for path, base in listings:
        for limit in ("²", "٣", "１", "𝟗", "-1", "0", "101", "1.5", "9" * 40, "", " 5"):
            answer = httpx.get(box.url + path, headers=acme, params={**base, "limit": limit})
            assert answer.status_code == 422, (path, limit, answer.status_code, answer.text[:200])
            assert answer.json()["error"]["message"] == "limit must be a whole number from 1 to 100"
        for cursor in (_cursor(b'{"s": 100000000000000000000000000000}'), _cursor(b"[" * 5000),
                       _cursor(b'{"s": true}'), _cursor(b'{"s": -1}'), "cur_\u00e9t\u00e9", "cur_!!"):
            answer = httpx.get(box.url + path, headers=acme, params={**base, "cursor": cursor})
            assert answer.status_code == 400, (path, cursor[:40], answer.status_code, answer.text[:200])
            assert answer.json()["error"]["message"].startswith("invalid cursor")
    for since in ("0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"):
        answer = httpx.post(box.url + f"/v1/inboxes/{inbox}/wait", headers=acme,
                            json={"since": since, "timeout_seconds": 0})
        assert answer.status_code == 422 and "since" in answer.json()["error"]["message"], answer.text[:200]
    still_serving(box)


# -- Host, Origin and where it listens ------------------------------------------------------------

@pytest.mark.parametrize("path,method", [("/mcp", "POST"), ("/v1/inboxes", "GET"), ("/.well-known/mcp.json", "GET")])
def test_a_foreign_host_header_is_refused(box, path, method):
    """DNS rebinding: a page on evil.example that resolves to 127.0.0.1 sends Host: evil.example."""
    headers = {**ACCEPT, "Host": "evil.example",
               "Authorization": f"Bearer {box.key('plus' if path == '/mcp' else 'postern-agent')}"}
    answer = httpx.request(method, box.url + path, headers=headers, json=INIT if method == "POST" else None)
    assert answer.status_code in (403, 421), answer.text
    assert httpx.request(method, box.url + path, headers={**headers, "Host": "evil.example:8025"},
                         json=INIT if method == "POST" else None).status_code in (403, 421)


@pytest.mark.parametrize("path,method", [("/mcp", "POST"), ("/v1/inboxes", "GET"), ("/.well-known/mcp.json", "GET")])
def test_a_cross_site_origin_is_refused(box, path, method):
    headers = {**ACCEPT, "Origin": "http://evil.example",
               "Authorization": f"Bearer {box.key('plus' if path == '/mcp' else 'postern-agent')}"}
    body = INIT if method == "POST" else None
    assert httpx.request(method, box.url + path, headers=headers, json=body).status_code == 403
    assert httpx.request(method, box.url + path, headers={**headers, "Origin": "null"}, json=body).status_code == 403
    # The sandbox's own origin (a local tool in a browser) is fine.
    local = httpx.request(method, box.url + path, headers={**headers, "Origin": box.url}, json=body)
    assert local.status_code == 200, local.text


LOOK_ALIKES = ["127.attacker.example", "127.0.0.1.attacker.example", "localhost.attacker.example",
               "127.0.0.1evil.example", "127.example"]


@pytest.mark.parametrize("path,method", [("/mcp", "POST"), ("/v1/inboxes", "GET"), ("/.well-known/mcp.json", "GET")])
def test_a_domain_that_only_looks_like_loopback_is_refused(box, path, method):
    """A DNS-rebinding domain named `127.something` is a domain, not a loopback address."""
    port = box.url.rsplit(":", 1)[1]
    key = box.key("plus" if path == "/mcp" else "postern-agent")
    body = INIT if method == "POST" else None
    for name in LOOK_ALIKES:
        for host in (name, f"{name}:{port}"):
            headers = {**ACCEPT, "Host": host, "Authorization": f"Bearer {key}"}
            answer = httpx.request(method, box.url + path, headers=headers, json=body)
            assert answer.status_code in (403, 421), (host, answer.status_code, answer.text[:200])
        origin = {**ACCEPT, "Origin": f"http://{name}:{port}", "Authorization": f"Bearer {key}"}
        assert httpx.request(method, box.url + path, headers=origin, json=body).status_code == 403, name


def test_loopback_hosts_are_accepted(box):
    port = box.url.rsplit(":", 1)[1]
    headers = {"Authorization": f"Bearer {box.key('postern-agent')}"}
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"127.0.0.2:{port}", f"[::1]:{port}"):
        assert httpx.get(box.url + "/v1/inboxes", headers={**headers, "Host": host}).status_code == 200


def test_it_listens_on_loopback_by_default(box):
    assert box.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_a_non_loopback_address_is_refused_without_allow_remote(tmp_path, host):
    done = subprocess.run([sys.executable, "-m", "po6_tui", "sandbox", "--host", host, "--port", "0",
                           "--db", str(tmp_path / "x.db")], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert f"refusing to listen on {host}" in done.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything was created
