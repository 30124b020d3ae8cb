"""How a batch of writes went (mark, move, delete a set of messages; approve or reject a set of
drafts): what the server acted on, and the first failure, after which the batch stops."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from po6_tui.api.errors import ApiError
from po6_tui.ui.core.tasks import describe_error

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Outcome(Generic[T]):
    """How a batch went: the items the server acted on, and the first failure if any."""

    done: list[T] = field(default_factory=list)
    error: BaseException | None = None
    attempted: int = 0

    def summary(self, verb: str, noun: str = "message") -> tuple[str, str]:
        count = len(self.done)
        nouns = noun if count == 1 else f"{noun}s"
        if self.error is None:
            return f"{verb} {count} {nouns}.", "information"
        return (f"{verb} {count} of {self.attempted}; then: {describe_error(self.error)}", "error")


async def each(targets: list[T], act: Callable[[T], Awaitable[R]]) -> Outcome[R]:
    """Apply `act` to each target in turn; stop at the first failure, keeping what succeeded."""
    outcome: Outcome[R] = Outcome(attempted=len(targets))
    for target in targets:
        try:
            outcome.done.append(await act(target))
        except ApiError as error:
            outcome.error = error
            break
    return outcome
