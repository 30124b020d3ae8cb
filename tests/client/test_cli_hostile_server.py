"""Issue 16 item 8: `po6-tui login` against a hostile server writes sentences, never the server's
escape sequences and never a traceback; `po6-tui` itself turns any unforeseen exception into one
line and exit code 1 (Ctrl+C: 130).

The sandbox does not send hostile error text, nested replies or odd headers, so a small loopback
server here does; the CLI runs in a subprocess, as a person runs it, and its raw output is checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from po6_tui import cli

# What arrived on the reviewer's terminal: a clipboard write (OSC 52), a title (OSC 0), a
# hyperlink (OSC 8), a DCS query, 8-bit CSI/OSC/ST and NEL, and a bidi override.
HOSTILE = ("\x1b]52;c;cm0gLXJmIH4=\x07 \x1b]0;pwned\x07 \x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ "
           "\x1bP+q544e\x1b\\ \x9b31mred \x9d0;title\x9c \x85 \u202egnp.exe")
NESTED = b"[" * 100_000 + b"]" * 100_000
INITIALIZED = {"protocolVersion": "2025-11-25", "capabilities": {"tools": {}}, "serverInfo": {"name": "x"}}


class Hostile(BaseHTTPRequestHandler):
    mode = "po6-403"

    def log_message(self, *args) -> None:
        pass

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)  # written as latin-1: "é" goes out as the byte 0xE9
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        rid = request.get("id")
        if self.mode == "po6-403":
            return self._answer(403, json.dumps({"jsonrpc": "2.0", "id": rid,
                                                 "error": {"code": -32600, "message": HOSTILE}}).encode())
        if self.mode == "po6-nested":
            return self._answer(200, b'{"jsonrpc": "2.0", "id": 1, "result": ' + NESTED + b"}")
        if self.mode == "po6-session-id":
            if request.get("method") == "initialize":
                return self._answer(200, json.dumps({"jsonrpc": "2.0", "id": rid, "result": INITIALIZED}).encode(),
                                    {"Mcp-Session-Id": "s\u00e9ssion-\u00ff"})
            return self._answer(202, b"")
        raise AssertionError(self.mode)

    def do_GET(self) -> None:
        if self.mode == "postern-403":
            envelope = {"error": {"code": "forbidden", "message": HOSTILE, "details": None, "request_id": "req\x1b[2J"}}
            return self._answer(403, json.dumps(envelope).encode(), {"X-Postern-Request-Id": "req_1"})
        if self.mode == "postern-nested":
            return self._answer(200, NESTED)
        raise AssertionError(self.mode)


@pytest.fixture
def hostile() -> Iterator[tuple[type[Hostile], str]]:
    handler = type("HostileHandler", (Hostile,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PO6_API_KEY", "POSTERN_API_KEY")}
    return subprocess.run([sys.executable, "-m", "po6_tui", *args], input=stdin.encode(), capture_output=True,
                          timeout=60, env=env)


def assert_harmless(result: subprocess.CompletedProcess) -> str:
    """stdout + stderr as text, after checking that no ESC, no C1 control and no traceback is in it."""
    raw = result.stdout + result.stderr
    text = raw.decode("utf-8", errors="replace")
    assert b"\x1b" not in raw, text
    assert not any("\x80" <= char <= "\x9f" for char in text), ascii(text)
    assert "\x07" not in text and "Traceback" not in text, text
    return text


@pytest.mark.parametrize(("mode", "provider", "path", "expected"), [
    ("po6-403", "po6", "/mcp", "refused access"),
    ("postern-403", "postern", "", "Postern list_inboxes failed"),
    ("po6-nested", "po6", "/mcp", "nested too deeply to read"),
    ("postern-nested", "postern", "", "nested too deeply to read"),
    ("po6-session-id", "po6", "/mcp", "sent a malformed session id"),
])
def test_login_against_a_hostile_server_prints_sentences_only(hostile, mode, provider, path, expected):
    handler, url = hostile
    handler.mode = mode
    result = run_cli("login", "--provider", provider, "--name", "x", "--url", url + path,
                     stdin="mcp_po6_secret_key_123\n" if provider == "po6" else "pk_agent_secret_key_123\n")
    text = assert_harmless(result)
    assert result.returncode == 1, text
    assert expected in text and "Nothing was saved." in text, text
    assert "secret_key_123" not in text
    assert len(text.strip().splitlines()) == 2, text  # "Checking …" and one sentence: no forged lines
    if mode.endswith("403"):
        assert "click" in text and "⟦U+202E⟧" in text  # the words arrive, made visible, not obeyed


def test_an_unforeseen_exception_is_one_line_and_exit_code_1(monkeypatch, capsys):
    from po6_tui import accounts_cli

    def explode(args):
        raise RecursionError("maximum recursion depth exceeded \x1b]52;c;eA==\x07 with mcp_po6_abcdefgh")

    monkeypatch.setattr(accounts_cli, "main", explode)
    assert cli.main(["profiles"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("po6-tui profiles: stopped by an unexpected error (RecursionError: maximum recursion depth "
                   "exceeded  with mcp_po6_…).\n")


def test_ctrl_c_exits_130_quietly(monkeypatch, capsys):
    from po6_tui import accounts_cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(accounts_cli, "main", interrupted)
    assert cli.main(["login"]) == 130
    assert capsys.readouterr() == ("", "")


def test_subcommand_output_goes_through_the_sanitizer(monkeypatch, capsys):
    """What any sub-command prints (here a sandbox error quoting a hostile message) is cleaned."""
    from po6_tui.sandbox import cli as sandbox_cli

    def quoting(args):
        print(f"po6-tui sandbox deliver: not delivered: {HOSTILE}", file=sys.stderr)
        print(json.dumps({"subject": HOSTILE}, ensure_ascii=False))
        return 1

    monkeypatch.setattr(sandbox_cli, "main", quoting)
    assert cli.main(["sandbox", "deliver"]) == 1
    out, err = capsys.readouterr()
    for text in (out, err):
        assert "\x1b" not in text and not any("\x80" <= c <= "\x9f" for c in text) and "\x07" not in text
    assert "not delivered:" in err and "⟦U+202E⟧gnp.exe" in err and "click" in out
