"""One object per running app (a watcher), made on first use and gone with the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from weakref import WeakKeyDictionary

from textual.app import App

T = TypeVar("T")


def one_per_app(make: Callable[[App], T]) -> Callable[[App], T]:
    """`get(app)`: the app's one `make(app)`."""
    made: WeakKeyDictionary[App, T] = WeakKeyDictionary()

    def get(app: App) -> T:
        found = made.get(app)
        if found is None:
            found = made[app] = make(app)
        return found

    return get
