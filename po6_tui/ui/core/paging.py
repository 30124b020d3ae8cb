"""Bookkeeping for a list that is far bigger than what is loaded: which pages are cached,
which are being fetched, which are stale after a refresh. No Textual here, so it is easy to test.

A page is `page_size` consecutive rows starting at a multiple of `page_size`. Rows are kept for
at most `max_pages` pages (least recently used go first), so a 100,000-row folder costs the
memory of the few pages around where the operator looked.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

Row = TypeVar("Row")


class PageCache(Generic[Row]):
    def __init__(self, page_size: int = 100, max_pages: int = 40) -> None:
        self.page_size = page_size
        self.max_pages = max_pages
        self.generation = 0  # bumped by `refresh()`; pages from older generations are stale
        self._pages: OrderedDict[int, tuple[int, list[Row]]] = OrderedDict()
        self._in_flight: dict[int, int] = {}  # page start -> generation requested
        self._failed: dict[int, int] = {}  # page start -> generation that failed

    # -- reading -----------------------------------------------------------------------
    def page_start(self, index: int) -> int:
        return index - index % self.page_size

    def get(self, index: int) -> Row | None:
        start = self.page_start(index)
        entry = self._pages.get(start)
        if entry is None:
            return None
        rows = entry[1]
        offset = index - start
        return rows[offset] if offset < len(rows) else None

    def failed(self, index: int) -> bool:
        return self.page_start(index) in self._failed

    def loaded_rows(self) -> Iterator[tuple[int, Row]]:
        """(index, row) for every cached row, in index order."""
        for start in sorted(self._pages):
            for offset, row in enumerate(self._pages[start][1]):
                yield start + offset, row

    # -- deciding what to fetch ----------------------------------------------------------
    def wanted(self, first: int, last: int, total: int | None) -> list[int]:
        """Starts of the pages covering rows first..last that are missing or stale and not
        already being fetched for the current generation. Nearest to `first` first."""
        if total is not None:
            last = min(last, total - 1)
        first = max(0, first)
        starts: list[int] = []
        if last < first:
            return starts
        for start in range(self.page_start(first), last + 1, self.page_size):
            if self._in_flight.get(start) == self.generation:
                continue
            if self._failed.get(start) == self.generation:
                continue  # do not hammer a failing server; `refresh()` retries
            entry = self._pages.get(start)
            if entry is None or entry[0] != self.generation:
                starts.append(start)
        return starts

    def begin(self, start: int) -> int:
        """Record that page `start` is being fetched; returns the generation to pass to `store`."""
        self._in_flight[start] = self.generation
        return self.generation

    # -- storing -------------------------------------------------------------------------
    def store(self, start: int, generation: int, rows: list[Row]) -> bool:
        """Keep a fetched page (a stale one too: better than a placeholder until the fresh one comes).
        Returns False if a newer copy is already cached."""
        if self._in_flight.get(start) == generation:
            del self._in_flight[start]
        current = self._pages.get(start)
        if current is not None and current[0] > generation:
            return False  # an answer to an older request arrived after a newer one
        self._failed.pop(start, None)
        self._pages[start] = (generation, list(rows))
        self._pages.move_to_end(start)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return True

    def fail(self, start: int, generation: int) -> None:
        if self._in_flight.get(start) == generation:
            del self._in_flight[start]
        self._failed[start] = generation

    def replace_row(self, predicate: Callable[[Row], bool], update: Callable[[Row], Row]) -> int:
        """Apply `update` to every cached row matching `predicate`; returns how many changed."""
        changed = 0
        for _generation, rows in self._pages.values():
            for position, row in enumerate(rows):
                if predicate(row):
                    rows[position] = update(row)
                    changed += 1
        return changed

    def refresh(self) -> None:
        """Everything cached becomes stale (still shown, fetched again when in view)."""
        self.generation += 1
        self._failed.clear()

    def clear(self) -> None:
        self.generation += 1
        self._pages.clear()
        self._in_flight.clear()
        self._failed.clear()

    def truncate(self, total: int) -> None:
        """Forget rows at or past `total` (the list shrank)."""
        for start in [s for s in self._pages if s >= total]:
            del self._pages[start]
        if total and (start := self.page_start(total - 1)) in self._pages:
            generation, rows = self._pages[start]
            self._pages[start] = (generation, rows[: total - start])
