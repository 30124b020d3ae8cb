"""Writes on their way to a server: which ones are waiting for their answer right now.

Both clients count a write from the moment it is sent until its answer (or its failure) is in,
so that the app can ask before quitting while one waits: quitting then leaves its outcome
unknown ("it may have been sent").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

_waiting: Counter[str] = Counter()


@contextmanager
def writing(what: str) -> Iterator[None]:
    _waiting[what] += 1
    try:
        yield
    finally:
        _waiting[what] -= 1
        if not _waiting[what]:
            del _waiting[what]


def waiting() -> list[str]:
    """The writes waiting for their answer (a tool or an operation, once per write)."""
    return sorted(_waiting.elements())
