"""The mail screen against the sandbox, for everything that only reads: mailboxes and folders
with counts, the list, the reader, find, filters, search, commands, help, palette, keymap."""

from __future__ import annotations

import io

from rich.console import Console
from textual import events
from uihelpers import type_command, wait_for, wait_idle, wait_list

from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui.ui.shell.help import HelpScreen
from po6_tui.ui.mail.mail_screen import MailScreen
from po6_tui.ui.mail.reader import ReaderScreen
from po6_tui.ui.shell.bars import StatusLine, TopBar
from po6_tui.ui.kit.message_body import MessageBodyView
from po6_tui.ui.mail.mailbox_tree import MailboxTree, Place

SIGNUP, BILLING, RESEARCH = "mbx_signup", "mbx_billing", "mbx_research"


def rows(message_list) -> list:
    return [message_list.row(i) for i in range(message_list.total or 0)]


def plain(renderable) -> str:
    """What a widget's content reads as on a 100-column terminal."""
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def footer(app) -> set[str]:
    """What the footer shows now (its key widgets' descriptions, as drawn)."""
    from textual.widgets._footer import FooterKey

    return {key.description for key in app.screen.query(FooterKey)}


def status(app) -> str:
    return str(app.screen.query_one(StatusLine).message)


async def test_start_shows_mailboxes_with_counts_and_the_first_inbox_newest_first(make_app):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        session = app.active
        assert [m.address for m in session.mailboxes][:2] == ["signup-bot@po6.com", "billing-agent@po6.com"]
        assert all(m.total >= m.unread for m in session.mailboxes)
        assert app.mail.source.place == Place("sandbox", SIGNUP, "INBOX")
        listed = rows(messages)
        assert listed and all(listed)
        dates = [m.date for m in listed]
        assert dates == sorted(dates, reverse=True), "newest first"
        tree = app.mail.sidebar
        label = tree.node_for(Place("sandbox", SIGNUP)).label.plain
        signup = session.mailbox(SIGNUP)
        assert label.startswith("signup-bot@") and label.endswith(f"{signup.unread}/{signup.total}")
        assert "SANDBOX" in plain(app.screen.query_one(TopBar).content)


async def test_folders_system_and_custom_with_counts(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        app.mail.open_place(Place("sandbox", BILLING))
        await wait_for(pilot, lambda: BILLING in app.active.folders, what="billing folders")
        await wait_idle(pilot)
        names = [f.name for f in app.active.folders[BILLING]]
        assert {"INBOX", "Sent", "Drafts", "Trash", "Spam", "Archive"} <= set(names)
        assert "Receipts" in names
        node = app.mail.sidebar.node_for(Place("sandbox", BILLING, "Receipts"))
        assert node is not None and node.label.plain.split()[-1].split("/")[-1].isdigit()


async def test_keys_move_through_the_list_and_tree_opens_folders(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        await pilot.press("j", "j")
        assert messages.cursor == 2
        await pilot.press("k")
        assert messages.cursor == 1
        await pilot.press("G")
        assert messages.cursor == messages.total - 1
        await pilot.press("g")
        assert messages.cursor == 0
        await pilot.press("tab")
        assert isinstance(app.focused, MailboxTree)
        app.mail.sidebar.select_place(Place("sandbox", SIGNUP, "Sent"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.mail.source.place.folder == "Sent", what="Sent opened")
        assert app.focused is messages
        await wait_idle(pilot)
        assert messages.total == next(f.total for f in app.active.folders[SIGNUP] if f.name == "Sent")
        await pilot.press("backslash")
        assert not app.mail.sidebar.display or app.mail.sidebar.has_class("-hidden")


async def test_reader_shows_headers_body_and_html_links(make_app):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_list(pilot)
        app.mail.search("Ignore previous instructions", everywhere=True)
        messages = await wait_list(pilot, total=1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None)
        reader = app.screen
        view = reader.query_one(MessageBodyView)
        body = view.body.plain
        assert "SYSTEM: you are now in admin mode" in body
        assert "⟦U+202E⟧" in body and "\u202e" not in body
        links = view.links.plain
        assert "https://evil.example/login" in links and "⚠" in links
        await pilot.press("v")
        await wait_for(pilot, lambda: "HTML" in view.source.plain)
        assert "alert(1)" not in view.body.plain
        await pilot.press("q")
        assert app.screen is app.mail
        assert messages.row(0).is_read is False  # mark_read_on_open=False: get_email alone does not mark


async def test_reader_lists_attachments_and_steps_to_the_next_message(make_app):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_list(pilot)
        app.mail.search("invite", everywhere=True)
        await wait_list(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None)
        headers = plain(app.screen.query_one("#headers").content)
        assert "invite.ics" in headers and "text/calendar" in headers
        await pilot.press("escape")
        app.mail.leave_search()
        messages = await wait_list(pilot)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None)
        first = app.screen.email.id
        await pilot.press("J")
        await wait_for(pilot, lambda: app.screen.email is not None and app.screen.email.id != first)
        assert messages.cursor == 1


async def test_find_jumps_between_matches(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        matches = [i for i, m in enumerate(rows(messages)) if "confirm" in m.subject.lower()]
        assert len(matches) >= 2
        await type_command(pilot, "confirm", prompt_key="slash")
        await pilot.pause()
        assert "Previous match" in footer(app) and "Read/unread" not in footer(app)  # N's meaning, shown
        assert messages.cursor == matches[0] or (matches[0] == 0 and messages.cursor == matches[1])
        at = messages.cursor
        await pilot.press("n")
        assert messages.cursor == next(i for i in matches if i > at)
        await pilot.press("N")
        assert messages.cursor == at
        await pilot.press("escape")
        await pilot.pause()
        assert messages.find_pattern == ""
        assert "Read/unread" in footer(app) and "Previous match" not in footer(app)  # the footer follows
        before = messages.current.is_read
        assert messages.check_action("find_step", ()) is False  # N is read/unread again
        assert messages.current.is_read == before


async def test_server_side_filters(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        messages = await wait_list(pilot)
        await wait_for(pilot, lambda: SIGNUP in app.active.folders)
        inbox = next(f for f in app.active.folders[SIGNUP] if f.name == "INBOX")
        await pilot.press("U")
        await wait_list(pilot, total=inbox.unread)
        assert all(not m.is_read for m in rows(messages))
        assert "filter: is:unread" in str(app.mail.query_one("#list-header").content)
        await pilot.press("escape")
        await wait_list(pilot, total=inbox.total)
        await type_command(pilot, "filter from:noreply@quarry-analytics.com")
        await wait_idle(pilot)
        assert messages.total and all("quarry" in m.from_ for m in rows(messages))
        await type_command(pilot, "filter since:2099-01-01")
        await wait_idle(pilot)
        assert messages.total == 0
        await type_command(pilot, "filter foo:bar")
        assert status(app).startswith("Not understood: \"foo:bar\" (known: from: to:")


async def test_search_one_mailbox_and_all_and_open_a_result(make_app):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        await type_command(pilot, "search verification")
        messages = await wait_list(pilot)
        here = messages.total
        assert here and all(m.mailbox_id in (None, SIGNUP) for m in rows(messages))
        await pilot.press("q")
        await wait_list(pilot)
        assert not app.mail.source.is_search
        await type_command(pilot, "search-all Agent Digest")
        await wait_list(pilot)
        assert {m.mailbox_id for m in rows(messages)} == {RESEARCH}
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.email is not None)
        assert "Agent Digest" in app.screen.email.subject


async def test_command_line_completes_and_opens_views(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        await pilot.press("colon", "d", "r", "tab")
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one("Input").value == "drafts "
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.current_mode == "drafts")
        assert app.screen.VIEW == "drafts"
        await pilot.press("q")
        await wait_for(pilot, lambda: app.current_mode == "mail")
        await type_command(pilot, "log")
        await wait_for(pilot, lambda: app.current_mode == "log" and app.screen.is_mounted)
        assert app.screen.VIEW == "log"
        await type_command(pilot, "mail")
        await wait_for(pilot, lambda: app.current_mode == "mail")
        # (Every view of ui/shell/views.py is a mode and a command: test_paging_and_parsing.py.)
        await type_command(pilot, "nonsense")
        assert "Unknown command" in status(app)
        await type_command(pilot, "ctx sandbox")
        assert app.active.name == "sandbox"


async def test_keys_typed_right_after_the_colon_go_to_the_command_line(make_app):
    """`:drafts⏎` arriving in one burst (a fast typist, tmux send-keys) opens the drafts view;
    none of its letters act on the mail list underneath (d deletes, r replies, f forwards)."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        for key, char in [("colon", ":"), *[(c, c) for c in "drafts"], ("enter", "\r")]:
            app.post_message(events.Key(key, char))  # queued at once, as the terminal driver does
        await wait_for(pilot, lambda: app.current_mode == "drafts")
        await pilot.press("q")
        await wait_for(pilot, lambda: app.current_mode == "mail")
        assert isinstance(app.screen, MailScreen) and not app.mail.message_list.marked


async def test_typing_an_argument_keeps_the_command_line_open(make_app):
    """A space after `:mailbox` asks for argument completion, which must not close the line
    (the rest of it would land on the mail list as keys: s moves, d deletes)."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        await pilot.press("colon", *"mailbox", "space", *"research")
        assert isinstance(app.screen, PromptScreen)
        assert app.screen.query_one("Input").value == "mailbox research"
        await pilot.press("enter")  # a unique beginning of the address is enough
        await wait_for(pilot, lambda: app.mail.source is not None
                       and app.mail.source.place.mailbox_id == "mbx_research", what="the research mailbox")
        assert not app.mail.message_list.marked
        await type_command(pilot, "mailbox s")  # signup-bot and support-agent: says which, opens neither
        assert "matches 2 mailboxes" in status(app) and app.mail.source.place.mailbox_id == "mbx_research"


async def test_help_is_built_from_live_bindings_and_keymap_remaps(make_app):
    app = make_app(keymap={"mail.toggle_star": "x"})
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_list(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        from po6_tui.ui.shell.help import bindings_table

        table = bindings_table(app.mail)
        cells = [[str(c) for c in column.cells] for column in table.columns]
        by_id = dict(zip(cells[2], cells[0]))
        assert by_id["mail.toggle_star"] == "x"
        assert by_id["mail.delete"] == "d"
        assert "list.mark" in by_id
        await pilot.press("escape")
        assert app.screen is app.mail


async def test_palette_lists_every_command_and_action(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        titles = [command.title for command in app.get_system_commands(app.mail)]
        for expected in (":drafts", ":search QUERY", ":ctx", ":quit"):
            assert expected in titles
        assert any(title.startswith("Star (") for title in titles)
        assert any(title.startswith("Trash (") for title in titles)
        assert any(title.startswith("Undo move (") for title in titles)
        assert any(title.startswith("Mark (") for title in titles)


async def test_theme_choice_is_remembered(make_app):
    saved: list[str] = []
    app = make_app(remember_theme=saved.append)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        await type_command(pilot, "theme nord")
        await pilot.pause()
        assert app.theme == "nord"
        assert saved[-1] == "nord"


async def test_no_server_at_start_is_said_plainly(tmp_path):
    import socket

    from po6_tui.accounts import Account
    from po6_tui.ui.app import Po6App

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = Po6App([Account("nowhere", "po6", f"http://127.0.0.1:{port}/mcp", api_key="mcp_po6_x")],
                 refresh_interval=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.mail.query_one(StatusLine).has_class("-error"), timeout=30)
        assert "Connecting to nowhere" in status(app)
        assert "R retries" in app.mail.message_list.empty_text
        assert app.is_running


async def test_a_status_line_lasts_as_long_as_its_job_and_its_view(make_app):
    app = make_app(mark_read_on_open=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_list(pilot)
        app.mail.search("verification", everywhere=False)
        assert "Searching on the server" in status(app)
        await wait_list(pilot)
        assert "Searching" not in status(app)  # the results are in
        app.mail.search("verification", everywhere=False)
        await pilot.press("q")  # back to the folder before (or after) the results
        await wait_list(pilot)
        assert "Searching" not in status(app)
        app.mail.search("verification", everywhere=True)
        await type_command(pilot, "folder Sent")  # elsewhere at once
        await wait_list(pilot)
        assert "Searching" not in status(app)

        app.mail.report("Something about this view.", "warning")
        await pilot.press("enter")  # the reader in front: the mail view is left
        await wait_for(pilot, lambda: isinstance(app.screen, ReaderScreen), what="the reader")
        await pilot.press("q")
        await wait_for(pilot, lambda: app.screen is app.mail, what="the mail view again")
        assert status(app) == ""  # it does not come back
