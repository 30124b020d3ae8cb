"""Postern `wait`'s regex filter, matched in child processes with a hard time budget.

Python's `re` cannot be interrupted and holds the GIL while it matches: one caller's pattern
that backtracks catastrophically (`(a+)+$` on "aaaa…!") froze the event loop, and with it every
tenant, for as long as it ran. So the matching runs in worker processes (`regex_worker.py`),
at most `WORKERS` at once; a worker that overruns `MATCH_SECONDS` is killed and the caller gets
`RegexTooSlow` (the route answers 422). The size is bounded too: patterns have at most 500
characters (`WaitBody`), each message offers at most `TEXT_CHARS` characters (subject, newline,
text), and a worker gets at most `BATCH_CHARS` per request, so a fair pattern always fits the budget.
Idle workers are kept for the next wait; they exit when the server closes their pipe.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

MATCH_SECONDS = 2.0
TEXT_CHARS = 100_000
BATCH_CHARS = 1_000_000
WORKERS = 4
WORKER_SCRIPT = Path(__file__).with_name("regex_worker.py")


class RegexTooSlow(Exception):
    """The pattern did not finish within the budget (the worker was killed)."""


class RegexRejected(Exception):
    """The worker could not use the pattern (it does not compile); the text says why."""


def matched_text(subject: str, text: str) -> str:
    """What a wait's regex is matched against: the subject, a newline, the text, cut to size."""
    return f"{subject}\n{text}"[:TEXT_CHARS]


def _batches(texts: list[str]) -> list[tuple[int, list[str]]]:
    """(index of the first text, texts) groups of at most BATCH_CHARS characters (at least one text)."""
    batches: list[tuple[int, list[str]]] = []
    start, size, current = 0, 0, []
    for index, text in enumerate(texts):
        if current and size + len(text) > BATCH_CHARS:
            batches.append((start, current))
            start, size, current = index, 0, []
        current.append(text)
        size += len(text)
    if current:
        batches.append((start, current))
    return batches


class RegexMatcher:
    """`await first_match(pattern, texts)`: the index of the first text the pattern finds
    something in, or None. Raises RegexTooSlow or RegexRejected."""

    def __init__(self, *, workers: int = WORKERS, seconds: float = MATCH_SECONDS) -> None:
        self.seconds = seconds
        self._slots = asyncio.Semaphore(workers)
        self._idle: list[asyncio.subprocess.Process] = []

    async def first_match(self, pattern: str, texts: list[str]) -> int | None:
        for start, batch in _batches([text[:TEXT_CHARS] for text in texts]):
            found = await self._ask(pattern, batch)
            if found is not None:
                return start + found
        return None

    async def _ask(self, pattern: str, texts: list[str]) -> int | None:
        async with self._slots:
            while self._idle and self._idle[-1].returncode is not None:  # an idle worker that was killed
                self._idle.pop()
            worker = self._idle.pop() if self._idle else await self._start()
            request = json.dumps({"pattern": pattern, "texts": texts, "seconds": self.seconds}).encode() + b"\n"
            healthy = False
            try:
                assert worker.stdin is not None and worker.stdout is not None
                worker.stdin.write(request)
                await worker.stdin.drain()
                line = await asyncio.wait_for(worker.stdout.readline(), self.seconds)
                reply = json.loads(line) if line else {}
                healthy = "match" in reply or "error" in reply
            except asyncio.TimeoutError:
                raise RegexTooSlow(f"the regex did not finish within {self.seconds:g} s") from None
            finally:
                # A worker that overran, died or was abandoned mid-request (the caller went away)
                # is in an unknown state: kill it. A healthy one waits for the next request.
                if healthy:
                    self._idle.append(worker)
                else:
                    await _kill(worker)
        if not healthy:  # it crashed on this pattern (out of memory…): the pattern's doing
            raise RegexRejected("the regex could not be matched (its worker stopped)")
        if "error" in reply:
            raise RegexRejected(reply["error"])
        return reply["match"]

    @staticmethod
    async def _start() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-I", "-S", str(WORKER_SCRIPT),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)

    async def aclose(self) -> None:
        idle, self._idle = self._idle, []
        for worker in idle:
            await _kill(worker)


async def _kill(worker: asyncio.subprocess.Process) -> None:
    if worker.returncode is None:
        try:
            worker.kill()
        except ProcessLookupError:
            pass
    await worker.wait()
