"""Pure pieces of the UI: the page cache behind the virtual list, filter expressions, commands."""

from __future__ import annotations

import pytest

from po6_tui.ui import commands
from po6_tui.ui.filters import FilterError, Filters
from po6_tui.ui.paging import PageCache


def test_wanted_pages_cover_the_viewport_once():
    cache: PageCache[int] = PageCache(page_size=100, max_pages=3)
    assert cache.wanted(0, 30, None) == [0]
    generation = cache.begin(0)
    assert cache.wanted(0, 30, None) == [], "a page being fetched is not asked for twice"
    assert cache.store(0, generation, list(range(100)))
    assert cache.get(42) == 42 and cache.get(142) is None
    assert cache.wanted(90, 130, 1000) == [100]
    assert cache.wanted(99_990, 100_020, 100_000) == [99_900]
    assert cache.wanted(100_000, 100_050, 100_000) == []


def test_lru_bounds_memory():
    cache: PageCache[int] = PageCache(page_size=10, max_pages=2)
    for start in (0, 10, 20):
        cache.store(start, cache.begin(start), list(range(start, start + 10)))
    assert cache.get(5) is None and cache.get(15) == 15 and cache.get(25) == 25


def test_refresh_keeps_rows_shown_until_the_new_ones_arrive():
    cache: PageCache[str] = PageCache(page_size=2)
    cache.store(0, cache.begin(0), ["a", "b"])
    cache.refresh()
    assert cache.get(0) == "a", "stale rows stay visible"
    assert cache.wanted(0, 1, 2) == [0], "and are fetched again"
    fresh = cache.begin(0)
    assert cache.store(0, fresh, ["new", "a"])
    assert not cache.store(0, fresh - 1, ["old", "x"]), "a late answer to an older request loses"
    assert cache.get(0) == "new"


def test_failed_pages_are_not_hammered_until_refresh():
    cache: PageCache[str] = PageCache(page_size=2)
    cache.fail(0, cache.begin(0))
    assert cache.failed(1) and cache.wanted(0, 1, 10) == []
    cache.refresh()
    assert cache.wanted(0, 1, 10) == [0]


def test_truncate_when_the_list_shrinks():
    cache: PageCache[int] = PageCache(page_size=10)
    cache.store(0, cache.begin(0), list(range(10)))
    cache.store(10, cache.begin(10), list(range(10, 20)))
    cache.truncate(12)
    assert cache.get(11) == 11 and cache.get(12) is None


def test_filters_parse_and_describe():
    parsed = Filters.parse("unread from:bob@x.org since:2026-01-31")
    assert parsed.arguments() == {"unread_only": True, "sender": "bob@x.org", "since": "2026-01-31"}
    assert parsed.describe() == "unread from:bob@x.org since:2026-01-31"
    assert Filters.parse("starred none") == Filters()
    assert Filters().toggled("unread").unread
    with pytest.raises(FilterError, match="date"):
        Filters.parse("since:yesterday")
    with pytest.raises(FilterError, match="unknown"):
        Filters.parse("bogus")


def test_every_view_is_a_command_and_completion_works():
    names = {command.name for command in commands.commands()}
    assert {"mail", "drafts", "aliases", "domains", "catchall", "pages", "sent", "tools", "log",
            "ctx", "quit", "search", "search-all", "filter", "theme", "help"} <= names
    assert "q" in commands.COMMANDS
    assert commands.completions(None, "dr") == ["drafts"]
    assert commands.completions(None, ":se") == ["search", "search-all", "sent"]
    assert commands.split(":search  hello world ") == ("search", "hello world")


def test_argument_completion_uses_the_commands_candidates():
    class App:
        accounts = [type("S", (), {"name": "work"})(), type("S", (), {"name": "demo\x1b[31m"})()]

    assert commands.completions(App(), "ctx ") == ["ctx work", "ctx demo"]
    assert commands.completions(App(), ":ctx w") == ["ctx work"]
