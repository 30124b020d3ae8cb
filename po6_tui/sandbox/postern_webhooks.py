"""Postern webhooks in the sandbox: loopback-only URLs, signatures, and the delivery task.

Whoever stores an inbound message queues its deliveries in the database
(`postern_store.deliver_inbound`), even another process such as `po6-tui sandbox deliver`;
one `WebhookDispatcher` per server polls that queue and POSTs each delivery, signed as
API.md 2.2 documents, retrying twice (after 1 s and 4 s) before giving up.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import logging
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from po6_tui.sandbox import postern_store as ps

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT_SECONDS = 5.0


def is_loopback_url(url: str) -> bool:
    """Webhooks may only point at this machine: the sandbox must never post to the internet."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False



def sign(secret: str, timestamp: int, body: str) -> str:
    """`X-Postern-Signature`: `t=<unix>,v1=<hex HMAC-SHA256(secret, "{t}.{raw_body}")>`."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


class WebhookDispatcher:
    """Sends the queued webhook deliveries of one store: one task, polling the database."""

    POLL_SECONDS = 0.2

    def __init__(self, store: Any) -> None:
        self.store = store
        self._task: asyncio.Task | None = None

    def ensure_running(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="postern-webhooks")

    async def _run(self) -> None:
        async with httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT_SECONDS, trust_env=False) as http:
            while True:
                try:
                    due = ps.due_webhook_deliveries(self.store.conn, self.store.now())
                    results = await asyncio.gather(*(self._post(http, item) for item in due))
                    for item, error in zip(due, results):
                        ps.finish_webhook_delivery(self.store.conn, item["seq"], ok=error is None, error=error,
                                                   now=self.store.now())
                except Exception:  # keep delivering; one bad row must not stop webhooks for good
                    log.exception("postern webhook dispatch failed")
                    due = []
                if not due:
                    await asyncio.sleep(self.POLL_SECONDS)

    @staticmethod
    async def _post(http: httpx.AsyncClient, item: dict) -> str | None:
        """None when delivered (2xx), else why not."""
        if not is_loopback_url(item["url"]):
            return "refused: not a loopback URL"
        headers = {"Content-Type": "application/json", "User-Agent": "postern-sandbox-webhooks",
                   "X-Postern-Event": item["event"], "X-Postern-Signature": sign(item["secret"], int(time.time()),
                                                                                 item["body"])}
        try:
            response = await http.post(item["url"], content=item["body"].encode(), headers=headers)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"[:500]
        return None if response.is_success else f"HTTP {response.status_code}"
