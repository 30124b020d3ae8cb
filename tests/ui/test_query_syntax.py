"""The query syntax through the app against the sandbox: `:search`, `:search-all` (with its
mailbox column), `:filter` and `/` (the parser alone: test_query.py). Only reads."""

from __future__ import annotations

from uihelpers import type_command, wait_for, wait_idle, wait_list

from po6_tui.ui.mail import query_fetch
from po6_tui.ui.shell.bars import StatusLine

BILLING = "mbx_billing"


def rows(message_list) -> list:
    return [message_list.row(i) for i in range(message_list.total or 0)]


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).message)


def header(app) -> str:
    return str(app.mail.query_one("#list-header").content)


def drawn(message_list, index: int) -> str:
    """Row `index` as the list draws it (it must be on screen)."""
    strip = message_list.render_line(index - int(message_list.scroll_offset.y))
    return "".join(segment.text for segment in strip)


async def search(pilot, line: str):
    await type_command(pilot, line)
    await wait_for(pilot, lambda: pilot.app.mail.source.query and pilot.app.mail.message_list.total is not None,
                   what="the search's results")
    await wait_idle(pilot)
    return pilot.app.mail.message_list


async def test_search_all_shows_the_mailbox_of_each_hit_and_search_here_does_not(make_app):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_list(pilot)
        addresses = {m.id: m.address for m in app.active.mailboxes}
        messages = await search(pilot, "search-all your")
        found = rows(messages)
        assert len({m.mailbox_id for m in found}) >= 3  # hits from several agents' mailboxes
        width = messages._columns.mailbox
        assert width >= 12
        for index, row in enumerate(found[:30]):
            line = drawn(messages, index)
            # The mailbox column holds the hit's address, cut with an ellipsis where too long.
            assert addresses[row.mailbox_id][:width - 1] in line, (line, row.mailbox_id)
        await pilot.press("q")
        await wait_list(pilot)
        messages = await search(pilot, "search your")  # one mailbox: no column
        assert messages.total and "signup-bot@" not in drawn(messages, 0)


async def test_search_terms_beyond_words_are_checked_on_the_results(make_app):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_list(pilot)
        everything = rows(await search(pilot, "search-all your"))
        wanted = [m.id for m in everything if any("billing-agent" in a for a in m.to)]
        assert 0 < len(wanted) < len(everything)
        narrowed = await search(pilot, "search-all your to:billing-agent")
        assert [m.id for m in rows(narrowed)] == wanted
        assert f"{len(wanted)} found" in header(app) and "to:billing-agent" in header(app)

        # from: goes to the server as words (it searches senders) and is checked here too.
        cloudlane = rows(await search(pilot, "search-all from:billing@cloudlane.io has:attachment"))
        assert cloudlane and all("cloudlane" in m.from_ and m.has_attachments for m in cloudlane)

        # A phrase is found as written (the server alone matches its words in any order).
        words = rows(await search(pilot, "search-all verification code"))
        phrase = rows(await search(pilot, 'search-all "verification code"'))
        assert phrase and {m.id for m in phrase} <= {m.id for m in words}
        assert all("verification code" in f"{m.subject} {m.snippet}".lower() for m in phrase)


async def test_bad_or_wordless_searches_say_so_and_keep_the_list(make_app):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        shown = app.mail.source
        await type_command(pilot, "search invoice foo:bar")
        assert status(app).startswith('Not understood: "foo:bar" (known: from: to: subject: is:unread is:starred '
                                      'has:attachment before: after:')
        await type_command(pilot, 'search-all "unclosed phrase')
        assert status(app) == 'Not understood: a quote is not closed (at "unclosed phrase")'
        await type_command(pilot, "search is:unread")
        assert "a search needs words" in status(app) and ":filter" in status(app)
        assert app.mail.source == shown and app.is_running


async def test_filter_checks_what_the_server_cannot_on_the_folder(make_app, monkeypatch):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_list(pilot)
        await type_command(pilot, "mailbox billing")
        messages = await wait_list(pilot)
        await wait_for(pilot, lambda: app.mail.source.place.mailbox_id == BILLING and messages.total)
        await wait_idle(pilot)
        inbox = rows(messages)
        with_files = [m.id for m in inbox if m.has_attachments]
        assert 0 < len(with_files) < len(inbox)

        await type_command(pilot, "filter has:attachment")
        await wait_list(pilot, total=len(with_files))
        assert [m.id for m in rows(messages)] == with_files
        assert "filter: has:attachment" in header(app) and "newest" not in header(app)  # all of it was checked

        cloudlane = [m.id for m in inbox if "cloudlane" in m.from_ and m.has_attachments]
        await type_command(pilot, "filter from:cloudlane has:attachment")  # server part + the app's part
        await wait_list(pilot, total=len(cloudlane))
        assert [m.id for m in rows(messages)] == cloudlane

        await type_command(pilot, "filter to:nobody-here")
        await wait_for(pilot, lambda: messages.total == 0)
        assert "No message matches the filter (to:nobody-here)" in messages.empty_text

        # Past what the app reads for a client-side term, the header says how much it checked.
        monkeypatch.setattr(query_fetch, "SCAN_PAGE", 5)
        monkeypatch.setattr(query_fetch, "SCAN_LIMIT", 10)
        await type_command(pilot, "filter has:attachment")
        await wait_for(pilot, lambda: "newest 10 of" in header(app), what="the partial-scan note")
        await wait_idle(pilot)
        assert [m.id for m in rows(messages)] == [m.id for m in inbox[:10] if m.has_attachments]

        await type_command(pilot, "filter unread none")  # the old words still work in :filter
        await wait_list(pilot, total=len(inbox))


async def test_find_understands_the_syntax_and_keeps_plain_text_as_typed(make_app):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(100, 40)) as pilot:
        messages = await wait_list(pilot)
        listed = rows(messages)
        unread = [i for i, m in enumerate(listed) if not m.is_read and i > 0]
        assert unread
        await type_command(pilot, "is:unread", prompt_key="slash")
        await wait_for(pilot, lambda: messages.cursor == unread[0], what="the first unread row below")

        # Plain text: found as typed, the words together ("code is" is in the subjects).
        messages.cursor = 0
        together = [i for i, m in enumerate(listed) if "code is" in m.subject.lower() and i > 0]
        assert together
        await type_command(pilot, "code is", prompt_key="slash")
        await wait_for(pilot, lambda: messages.cursor == together[0])

        await type_command(pilot, "subject:x foo:bar", prompt_key="slash")
        await wait_for(pilot, lambda: status(app).startswith('Not understood: "foo:bar"'))
