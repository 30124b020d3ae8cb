"""What stands between a web browser and `po6-tui serve`'s app sessions (aiohttp middleware).

A served session drives the operator's accounts, and any web page the operator opens can make
the browser talk to `http://127.0.0.1:PORT` (and, by DNS rebinding, read the answers). So every
request must pass, in this order:
1. Host: a loopback name or the configured `--host` (a rebinding page sends its own domain);
2. Origin: when the browser sends one, the page's own origin (`http://<Host>`); a WebSocket
   without one is refused, since every browser sends it;
3. the secret token: `?token=…` (the link `serve` prints once) or the cookie that link sets,
   compared in constant time. The link answers with a redirect to the same page without the
   token, so it stays out of the address bar, the history and Referer headers;
4. the session cap: each WebSocket runs an app process (and in demo mode a sandbox), so at most
   `max_sessions` at once; the page says so when they are all in use.
Every answer also carries a Content-Security-Policy that lets the page load nothing from
another host (textual-serve's page template is patched to use its bundled fonts: `page_template`).
"""

from __future__ import annotations

import hmac
import html
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from po6_tui.sandbox.host_guard import LOOPBACK_NAMES

WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 (names, not a bind)
WEBSOCKET_PATH = "/ws"
TOKEN_PARAMETER = "token"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _hostname(host_header: str) -> str | None:
    try:
        return (urlsplit(f"//{host_header}").hostname or "").lower() or None
    except ValueError:
        return None


class ServeGuard:
    """The checks above, as one aiohttp middleware (`guard.middleware`)."""

    def __init__(self, token: str, *, port: int, host: str, max_sessions: int) -> None:
        self._token = token.encode()
        self.max_sessions = max_sessions
        self.sessions = 0
        # A wildcard bind (with --allow-remote) cannot know the names clients will use: then
        # the token and the Origin check stand alone.
        self.allowed_hosts = None if host in WILDCARD_HOSTS else LOOPBACK_NAMES | {host.lower().strip("[]")}
        self.cookie = f"po6_tui_serve_{port}"  # cookies are per host, not per port: one name per server

    def token_matches(self, supplied: str | None) -> bool:
        return supplied is not None and hmac.compare_digest(supplied.encode(), self._token)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        if self.token_matches(request.query.get(TOKEN_PARAMETER)) and request.method == "GET" \
                and request.path != WEBSOCKET_PATH:
            # The link with the token: keep it in a cookie and show the page without it.
            query = {k: v for k, v in request.query.items() if k != TOKEN_PARAMETER}
            response = web.Response(status=303, headers={"Location": str(request.rel_url.with_query(query))})
            response.set_cookie(self.cookie, self._token.decode(), httponly=True, samesite="Strict", path="/")
            _secure(response, request)
            return response
        if request.path == WEBSOCKET_PATH:
            self.sessions += 1
            try:
                response = await handler(request)
            finally:
                self.sessions -= 1
        else:
            response = await handler(request)
        _secure(response, request)
        return response

    def _refusal(self, request: web.Request) -> web.Response | None:
        host = request.headers.get("Host", "")
        if self.allowed_hosts is not None and _hostname(host) not in self.allowed_hosts:
            return page(421, f"This server answers only to {', '.join(sorted(self.allowed_hosts))}, "
                             f"not to {host[:100]!r}.")
        origin = request.headers.get("Origin")
        if origin is not None and origin.lower() not in (f"http://{host}".lower(), f"https://{host}".lower()):
            return page(403, f"Requests from other web pages are refused (Origin {origin[:100]!r}).")
        if origin is None and request.path == WEBSOCKET_PATH:
            return page(403, "A session must be opened from the po6-tui page.")
        if not (self.token_matches(request.query.get(TOKEN_PARAMETER))
                or self.token_matches(request.cookies.get(self.cookie))):
            return page(401, "Open the link with the token that `po6-tui serve` printed when it started.")
        if request.path in ("/", WEBSOCKET_PATH) and self.sessions >= self.max_sessions:
            return page(503, f"All {self.max_sessions} sessions are in use. Close one (its browser tab), or "
                             "restart `po6-tui serve` with a larger --max-sessions.")
        return None


def page(status: int, sentence: str) -> web.Response:
    """A refusal, as a page a person reads (and a WebSocket handshake fails on)."""
    body = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>po6-tui</title></head>"
            f"<body><p>po6-tui: {html.escape(sentence)}</p></body></html>")
    response = web.Response(status=status, text=body, content_type="text/html")
    response.headers["Content-Security-Policy"] = "default-src 'none'"
    return response


_PLAIN_HOST = re.compile(r"[A-Za-z0-9.\-\[\]:]{1,300}")


def _secure(response: web.StreamResponse, request: web.Request) -> None:
    """Headers that keep the page to itself: nothing from another host, no framing, no referrer."""
    if response.prepared:  # a WebSocket: its handshake was answered already
        return
    websocket = f" ws://{request.host}" if _PLAIN_HOST.fullmatch(request.host) else ""
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
        f"font-src 'self'; img-src 'self' data:; connect-src 'self'{websocket}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"


# -- the page template -----------------------------------------------------------------------

# textual-serve's page loads "Roboto Mono" from Google Fonts; it ships the same font files.
_OUTSIDE_FONT = re.compile(r"<link[^>]*href=\"https://fonts\.googleapis\.com/[^\"]*\"[^>]*/?>", re.S)
_LOCAL_FONT = """<style>
      @font-face { font-family: "Roboto Mono"; font-style: normal;
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }
      @font-face { font-family: "Roboto Mono"; font-style: italic;
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype"); }
    </style>"""
# What may still name another host in the page: the SVG namespace, which is never fetched.
_OUTSIDE_URL = re.compile(r"(?:https?:)?//(?!www\.w3\.org/2000/svg)[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


class TemplateError(Exception):
    """textual-serve's page template is not what this module knows how to make local."""


def page_template(original: Path) -> str:
    """textual-serve's `app_index.html` with every asset served locally (no outside URL)."""
    source = original.read_text(encoding="utf-8")
    patched, replaced = _OUTSIDE_FONT.subn(_LOCAL_FONT, source)
    leftover = _OUTSIDE_URL.search(patched)
    if replaced != 1 or leftover:
        raise TemplateError(f"textual-serve's page template ({original}) loads from another host"
                            + (f" ({leftover.group()})" if leftover else "") + "; po6-tui serve will not use it.")
    return patched
