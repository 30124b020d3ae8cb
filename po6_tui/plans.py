"""PO6's plans and their send limits (API.md 1.2): one table for the sandbox, which enforces
them, and the app, which shows how much of them is left."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    name: str
    per_hour: int
    per_day: int
    per_month: int
    forward_max: int

    @property
    def can_send(self) -> bool:
        return self.per_hour > 0


PLANS: dict[str, Plan] = {  # Premium's forward cap is inferred
    "free": Plan("Free", 0, 0, 0, 0),
    "standard": Plan("Standard", 30, 200, 3000, 5),
    "plus": Plan("Plus", 60, 500, 10000, 10),
    "premium": Plan("Premium", 100, 500, 15000, 10),
}
FREE = PLANS["free"]


def plan_named(name: object) -> Plan | None:
    """The plan called `name` (any case), or None."""
    return PLANS.get(str(name or "").strip().lower())
