"""The retry policy for reads: a few tries with exponential backoff and jitter.

Only errors marked `retryable` (transport faults, 5xx, rate limiting) are retried, and only
for calls that change nothing: the clients never pass a write through here.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from po6_tui.api.errors import ApiError, RateLimitedError

T = TypeVar("T")

ATTEMPTS = 3
BASE_DELAY = 0.25  # seconds before the second try; doubled each time
MAX_DELAY = 4.0
# A rate limit that asks for a longer pause is reported at once rather than freezing the
# view that asked: the person can retry, and a refresh timer will.
MAX_RATE_LIMIT_WAIT = 5.0


def backoff_delay(attempt: int, error: ApiError) -> float | None:
    """Seconds to wait before try number `attempt + 1`, or None to give up now."""
    if isinstance(error, RateLimitedError) and error.retry_after is not None:
        return error.retry_after if error.retry_after <= MAX_RATE_LIMIT_WAIT else None
    delay = min(MAX_DELAY, BASE_DELAY * 2 ** (attempt - 1))
    return delay * random.uniform(0.5, 1.0)  # jitter: concurrent readers do not retry in step


async def with_retries(call: Callable[[], Awaitable[T]], *, attempts: int = ATTEMPTS,
                       sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> T:
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except ApiError as error:
            if not error.retryable or attempt == attempts:
                raise
            delay = backoff_delay(attempt, error)
            if delay is None:
                raise
            await sleep(delay)
    raise AssertionError("unreachable")
