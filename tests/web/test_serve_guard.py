"""Issue 16 item 4: `po6-tui serve` lets in only the operator's own page, with the printed token.

Without a browser: plain HTTP requests and WebSocket handshakes (aiohttp) against the served
app, in-process with a stand-in app command (it only says it is ready, notes that it started,
and waits) so that "no app process was started" can be checked; and once as `po6-tui serve`
in a subprocess, with the real app, for the printed link and the process list.
"""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from po6_tui.web import guarded_server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """A guarded server on loopback whose app processes each touch a file in `started`."""

    def __init__(self, tmp_path: Path, max_sessions: int = 3) -> None:
        self.started = tmp_path / "started"
        self.started.mkdir()
        stand_in = ("import os, sys, uuid; open(os.path.join(sys.argv[1], uuid.uuid4().hex), 'w').close(); "
                    "print('__GANGLION__', flush=True); sys.stdin.buffer.read(1)")
        self.port = free_port()
        self.token = "t0ken-" + "x" * 40
        self.server = guarded_server(shlex.join([sys.executable, "-c", stand_in, str(self.started)]),
                                     host="127.0.0.1", port=self.port, token=self.token, max_sessions=max_sessions)
        self.base = f"http://127.0.0.1:{self.port}"
        self.origin = self.base
        self.cookie = {"Cookie": f"po6_tui_serve_{self.port}={self.token}"}

    async def __aenter__(self) -> Served:
        self.test_server = TestServer(await self.server._make_app(), host="127.0.0.1", port=self.port)
        await self.test_server.start_server()
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.http.close()
        await until(lambda: self.server.guard.sessions == 0)  # every app process has ended
        await self.test_server.close()

    def apps_started(self) -> int:
        return len(list(self.started.iterdir()))

    async def get(self, path: str, **headers: str) -> aiohttp.ClientResponse:
        async with self.http.get(self.base + path, headers=headers, allow_redirects=False) as response:
            await response.read()
            return response

    async def refused_websocket(self, **headers: str) -> int:
        """The status a WebSocket handshake gets; fails the test if it is accepted."""
        with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
            await self.http.ws_connect(self.base + "/ws?width=80&height=24", headers=headers)
        return caught.value.status

    async def session(self) -> aiohttp.ClientWebSocketResponse:
        return await self.http.ws_connect(self.base + "/ws?width=80&height=24",
                                          headers={**self.cookie, "Origin": self.origin})


async def until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_nothing_is_served_without_the_token(tmp_path):
    async with Served(tmp_path) as served:
        for path in ("/", "/static/js/textual.js", "/?token=wrong", "/download/x"):
            response = await served.get(path)
            assert response.status == 401, path
        page = await (await served.http.get(served.base + "/")).text()
        assert "Open the link with the token that `po6-tui serve` printed" in page
        assert await served.refused_websocket(Origin=served.origin) == 401
        assert await served.refused_websocket(Origin=served.origin, Cookie=f"po6_tui_serve_{served.port}=wrong") == 401
        await asyncio.sleep(0.3)
        assert served.apps_started() == 0


async def test_the_token_link_sets_a_strict_cookie_and_drops_the_token_from_the_address(tmp_path):
    async with Served(tmp_path) as served:
        response = await served.get(f"/?token={served.token}&fontsize=14")
        assert response.status == 303 and response.headers["Location"] == "/?fontsize=14"
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith(f"po6_tui_serve_{served.port}={served.token};")
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        page = await served.get("/", **served.cookie)
        assert page.status == 200


async def test_a_websocket_from_another_origin_or_without_one_is_refused(tmp_path):
    async with Served(tmp_path) as served:
        assert await served.refused_websocket(Origin="http://evil.example", **served.cookie) == 403
        assert await served.refused_websocket(Origin=f"http://localhost.evil.example:{served.port}",
                                              **served.cookie) == 403
        assert await served.refused_websocket(**served.cookie) == 403  # no Origin: not a page of ours
        response = await served.get("/", Origin="http://evil.example", **served.cookie)
        assert response.status == 403
        await asyncio.sleep(0.3)
        assert served.apps_started() == 0


async def test_a_foreign_host_is_refused_even_with_the_token(tmp_path):
    """DNS rebinding: a page on evil.example that resolves to 127.0.0.1 sends its own Host."""
    async with Served(tmp_path) as served:
        for host in (f"evil.example:{served.port}", f"127.evil.example:{served.port}", "localhost.evil.example"):
            response = await served.get(f"/?token={served.token}", Host=host)
            assert response.status == 421, host
        assert await served.refused_websocket(Host=f"evil.example:{served.port}",
                                              Origin=f"http://evil.example:{served.port}", **served.cookie) == 421
        assert (await served.get("/", Host=f"localhost:{served.port}", **served.cookie)).status == 200


async def test_the_page_loads_nothing_from_another_host(tmp_path):
    async with Served(tmp_path) as served:
        async with served.http.get(served.base + "/", headers=served.cookie) as response:
            page = await response.text()
            policy = response.headers["Content-Security-Policy"]
        assert "googleapis" not in page and "fonts/RobotoMono-VariableFont_wght.ttf" in page
        urls = re.findall(r"""(?:href|src)=["']([^"']+)|url\(["']?([^"')]+)""", page)
        assert urls and all(u.startswith(served.base + "/static/") for pair in urls for u in pair if u), urls
        assert "default-src 'none'" in policy and "font-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        font = await served.get("/static/fonts/RobotoMono-VariableFont_wght.ttf", **served.cookie)
        assert font.status == 200


async def test_sessions_are_capped(tmp_path):
    async with Served(tmp_path, max_sessions=2) as served:
        first, second = await served.session(), await served.session()
        await until(lambda: served.apps_started() == 2)
        assert await served.refused_websocket(Origin=served.origin, **served.cookie) == 503
        async with served.http.get(served.base + "/", headers=served.cookie) as response:
            assert response.status == 503
            assert "All 2 sessions are in use" in await response.text()
        await asyncio.sleep(0.3)
        assert served.apps_started() == 2  # the refused one started nothing
        await first.close()
        await until(lambda: served.server.guard.sessions == 1)
        third = await served.session()
        await until(lambda: served.apps_started() == 3)
        await second.close()
        await third.close()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _descendants(pid: int) -> list[int]:
    every, todo = [], [pid]
    while todo:
        for child in _children(todo.pop()):
            every.append(child)
            todo.append(child)
    return every


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc (Linux)")
def test_serve_prints_the_link_once_and_the_token_is_in_no_process_list(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "po6_tui", "serve", "--port", str(port)],
                                  stdout=output, stderr=subprocess.STDOUT, cwd=tmp_path, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while "token=" not in log.read_text() and time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()
            time.sleep(0.1)
        text = log.read_text()
        links = re.findall(rf"http://127\.0\.0\.1:{port}/\?token=([A-Za-z0-9_-]+)", text)
        assert len(links) == 1, text
        token = links[0]
        assert len(token) >= 40

        async def open_session() -> None:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/?token={token}", allow_redirects=False) as link:
                    assert link.status == 303  # (and aiohttp's access log must not print it)
                headers = {"Cookie": f"po6_tui_serve_{port}={token}", "Origin": f"http://127.0.0.1:{port}"}
                async with http.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30", headers=headers) as ws:
                    deadline = time.monotonic() + 30
                    while time.monotonic() < deadline and not _descendants(server.pid):
                        await asyncio.sleep(0.1)
                    await asyncio.sleep(1.0)  # the app and its demo sandbox start
                    processes = [server.pid, *_descendants(server.pid)]
                    assert len(processes) >= 2
                    for pid in processes:
                        try:
                            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                            environ = Path(f"/proc/{pid}/environ").read_bytes()
                        except OSError:
                            continue  # it ended meanwhile
                        assert token.encode() not in cmdline + environ, pid
                    await ws.close()

        asyncio.run(open_session())
        assert log.read_text().count(token) == 1  # printed once, never logged again
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)
