"""Postern `wait` matches the caller's regex off the event loop, with a time budget (issue 16, item 6).

A pattern that backtracks catastrophically froze every tenant's requests for as long as it ran;
now it costs its caller a 422 after the budget, and everyone else goes on being answered. Own
sandbox: before the fix, this test freezes the server it runs against.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from po6_tui.sandbox import admin
from po6_tui.sandbox.postern_regex import MATCH_SECONDS, TEXT_CHARS, RegexMatcher
from po6_tui.sandbox.process import SandboxProcess

EVIL = r"(a+)+$"
VICTIM_TEXT = "a" * 30 + "!"  # `(a+)+$` needs about 2^30 steps to give up on this: minutes


class Box:
    def __init__(self, directory: Path) -> None:
        self.process = SandboxProcess(db=directory / "sandbox.db", seed="demo")
        self.url = self.process.start()
        self.db = self.process.db

    def auth(self, label: str) -> dict[str, str]:
        key = next(k["key"] for k in admin.read_keys(self.db) if k["label"] == label)
        return {"Authorization": f"Bearer {key}"}

    def deliver(self, to: str, subject: str, text: str) -> None:
        raw = f"From: sender@example.com\nTo: {to}\nSubject: {subject}\n\n{text}\n".encode()
        done = subprocess.run([sys.executable, "-m", "po6_tui", "sandbox", "deliver", "--db", str(self.db),
                               "--to", to, "-"], input=raw, capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Box]:
    started = Box(tmp_path_factory.mktemp("regex-box"))
    yield started
    started.process.stop()


def _since() -> str:
    return (datetime.now(UTC) - timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_an_evil_regex_gets_a_422_and_every_other_request_stays_fast(box):
    since = _since()
    box.deliver("signup-bot@postern.test", "victim", VICTIM_TEXT)
    box.deliver("scout@postern.test", "order 4711", "order number 4711 shipped")
    acme, globex = box.auth("postern-agent"), box.auth("postern-other")
    async with httpx.AsyncClient(base_url=box.url, timeout=60) as client:
        evil = [asyncio.create_task(client.post("/v1/inboxes/signup-bot@postern.test/wait", headers=acme,
                                                json={"regex": EVIL, "since": since, "timeout_seconds": 60}))
                for _ in range(2)]
        await asyncio.sleep(0.3)  # the evil patterns are being matched now (for MATCH_SECONDS)
        quick = []
        for _ in range(3):
            started = time.monotonic()
            answer = await client.get("/v1/inboxes", headers=acme, timeout=5)
            quick.append((answer.status_code, time.monotonic() - started))
            await asyncio.sleep(0.1)
        started = time.monotonic()
        other = await client.post("/v1/inboxes/scout@postern.test/wait", headers=globex, timeout=10,
                                  json={"regex": r"number \d+", "since": since, "timeout_seconds": 10})
        other_took = time.monotonic() - started
        assert not any(task.done() for task in evil)  # all of that happened while the evil ones ran
        started = time.monotonic()
        refused = await asyncio.gather(*evil)
        waited = time.monotonic() - started
    assert all(status == 200 and took < 1.0 for status, took in quick), quick
    assert other.status_code == 200 and other.json()["message"]["subject"] == "order 4711" and other_took < 2.0
    for answer in refused:
        assert answer.status_code == 422, answer.text[:300]
        error = answer.json()["error"]
        assert error["code"] == "validation_failed" and error["message"].startswith("regex: ")
        assert "did not finish within" in error["message"] and error["details"][0]["field"] == "regex"
    assert waited < MATCH_SECONDS + 5


async def test_a_fair_regex_still_finds_its_message_and_an_invalid_one_is_refused_at_once(box):
    since = _since()
    box.deliver("support@postern.test", "your code", "Use code 902114 to sign in.")
    acme = box.auth("postern-agent")
    async with httpx.AsyncClient(base_url=box.url, timeout=30) as client:
        found = await client.post("/v1/inboxes/support@postern.test/wait", headers=acme,
                                  json={"regex": r"code \d{6}", "since": since, "timeout_seconds": 5})
        missing = await client.post("/v1/inboxes/support@postern.test/wait", headers=acme,
                                    json={"regex": r"code \d{7}", "since": since, "timeout_seconds": 0.5})
        invalid = [await client.post("/v1/inboxes/support@postern.test/wait", headers=acme,
                                     json={"regex": pattern, "timeout_seconds": 5})
                   for pattern in ("(unclosed", "a{99999999999}", "x" * 501)]
    assert found.status_code == 200 and found.json()["message"]["subject"] == "your code"
    assert found.json()["extracted"]["otp_code"] == "902114"
    assert missing.status_code == 200 and missing.json()["timed_out"] is True
    for answer in invalid:
        assert answer.status_code == 422, answer.text[:300]
        assert answer.json()["error"]["details"][0]["field"] == "regex"


async def test_the_matcher_cuts_texts_to_size_and_kills_an_overrunning_worker():
    matcher = RegexMatcher(seconds=0.5)
    try:
        assert await matcher.first_match(r"needle", ["hay", "x" * TEXT_CHARS + "needle", "a needle"]) == 2
        started = time.monotonic()
        with pytest.raises(Exception, match="did not finish within 0.5 s"):
            await matcher.first_match(EVIL, [VICTIM_TEXT])
        assert time.monotonic() - started < 3
        assert await matcher.first_match(r"a!", ["no", VICTIM_TEXT]) == 1  # a fresh worker took over
    finally:
        await matcher.aclose()
