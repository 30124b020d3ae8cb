"""Pure pieces of the UI: the page cache behind the virtual list, commands (queries: test_query.py)."""

from __future__ import annotations

import pytest

from po6_tui.ui.shell import commands
from po6_tui.ui.core.paging import PageCache


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


def test_every_view_is_a_command_and_completion_works():
    import po6_tui.ui.app  # noqa: F401  (the app registers the built-in commands)

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


def _reference_spans(plain: str, piece: int) -> list[tuple[int, int]]:
    """Each line's (start, end), a line longer than `piece` cut into pieces: the obvious way."""
    spans, position = [], 0
    for line in plain.split("\n"):
        if len(line) <= piece:
            spans.append((position, position + len(line)))
        else:
            spans.extend((position + s, position + min(len(line), s + piece)) for s in range(0, len(line), piece))
        position += len(line) + 1
    return spans


@pytest.mark.parametrize("blank_above", [False, True])
def test_body_chunks_cover_every_line_once_in_order(blank_above):
    import random

    from rich.text import Text

    from po6_tui.ui.kit.message_body import CHUNK_LINES, PIECE_CHARS, _part_chunks

    rng = random.Random(7)
    lengths = (0, 1, 80, PIECE_CHARS - 1, PIECE_CHARS, PIECE_CHARS + 1, 3 * PIECE_CHARS + 5)
    bodies = ["", "\n", "a\n", "\n\nb", "x" * (2 * PIECE_CHARS)]
    bodies += ["\n".join("z" * rng.choice(lengths) for _ in range(rng.randint(1, 3 * CHUNK_LINES)))
               for _ in range(40)]
    for body in bodies:
        chunks = _part_chunks(Text(body), blank_above=blank_above)
        spans = [span for chunk in chunks for span in chunk.spans()]
        assert spans == [(0, 0)] * blank_above + _reference_spans(body, PIECE_CHARS)
        assert all(len(chunk.lengths) <= CHUNK_LINES for chunk in chunks)
        for chunk in chunks:
            for width in (1, 40, 120):
                exact = sum(max(1, -(-(end - start) // width)) for start, end in chunk.spans())
                assert chunk.estimate_rows(width) == exact
