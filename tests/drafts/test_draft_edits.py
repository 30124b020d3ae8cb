"""Editing drafts: inline (saved as you type), in $EDITOR, restored after a crash, diffed,
and approved (the recipient gets the edit)."""

from __future__ import annotations

import sys
import textwrap

from drafthelpers import answer, client_for, make_draft, open_drafts, select, status
from textual.widgets import Input, TextArea
from uihelpers import wait_for, wait_idle

from po6_tui.journal import Journal
from po6_tui.ui.drafts.diff import DiffScreen
from po6_tui.ui.drafts.draft_edit import DraftEditScreen


async def _edit(pilot, screen, draft_id: str) -> DraftEditScreen:
    select(screen, draft_id)
    await pilot.press("e")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DraftEditScreen), what="the editor")
    return pilot.app.screen


async def test_edit_then_approve_sends_the_edit(make_app, tools_box, strict_box, unique):
    for box in (tools_box, strict_box):
        subject = f"Edit me {unique} {box is strict_box}"
        draft = await make_draft(box, subject, to=["someone@example.com"], body="Agent's words.\n")
        app = make_app(box)
        async with app.run_test(size=(120, 35)) as pilot:
            screen = await open_drafts(pilot)
            editor = await _edit(pilot, screen, draft.id)
            editor.query_one("#to", Input).value = "ops-agent@po6.com"
            await pilot.press("ctrl+a", *"Operator's words. ")  # typed into the body (focused)
            await pilot.press("escape")
            await wait_idle(pilot)
            item = next(i for i in screen.queue.pending if i.draft.id == draft.id)
            assert item.edit is not None and item.edit.to_text == "ops-agent@po6.com"
            await pilot.press("y")
            dialog = await answer(pilot)
            assert "To:      ops-agent@po6.com" in dialog.plain()
            assert dialog.review.title == "Send your edit of this draft now?"
            assert "Sent “Edit me" in status(app)
        assert Journal.default().load_edit("sandbox", draft.id) is None  # sent: the edit is done with
        async with await client_for(box) as client:
            found = await client.search_emails(query=unique, mailbox_id="mbx_ops")
            received = [m for m in found.results if m.subject == subject and m.folder == "INBOX"]
            assert len(received) == 1
            email = await client.get_email(mailbox_id="mbx_ops", email_id=received[0].id)
            assert email.body_text.startswith("Operator's words. Agent's words.")


async def test_an_interrupted_edit_is_offered_back(make_app, tools_box, unique):
    draft = await make_draft(tools_box, f"Crash {unique}", body="Original body.\n")
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        editor = await _edit(pilot, screen, draft.id)
        await pilot.press(*"Half-typed ")
        await pilot.pause(0.7)  # the debounced save happens while typing stops
        saved = Journal.default().load_edit("sandbox", draft.id)
        assert saved is not None and saved.body.startswith("Half-typed ")
        await pilot.press(*"more")
        # The app goes away with the editor open (no Esc, no ctrl+s): nothing typed is lost.
        app.exit()
    assert Journal.default().load_edit("sandbox", draft.id).body.startswith("Half-typed more")

    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        item = next(i for i in screen.queue.pending if i.draft.id == draft.id)
        assert item.edit is not None  # the queue shows ✎ and previews the edit
        editor = await _edit(pilot, screen, draft.id)
        assert editor.query("#restored")
        assert "Restored your unfinished edit" in str(editor.query_one("#restored").content)
        assert editor.query_one("#body", TextArea).text.startswith("Half-typed moreOriginal body.")
        # ctrl+r goes back to the agent's original (asked first).
        await pilot.press("ctrl+r")
        await answer(pilot)
        assert Journal.default().load_edit("sandbox", draft.id) is None
        assert item.edit is None


async def test_diff_of_the_edit_against_the_original(make_app, tools_box, unique):
    draft = await make_draft(tools_box, f"Diff {unique}", body="Line one.\nLine two.\n")
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("D")
        assert "no edit to compare" in status(app)
        editor = await _edit(pilot, screen, draft.id)
        editor.query_one("#subject", Input).value = f"Diff {unique} (edited)"
        await pilot.press("escape")
        await pilot.press("D")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffScreen))
        shown = str(app.screen.query_one("#diff").content)
        assert f"-Subject: Diff {unique}\n" in shown and f"+Subject: Diff {unique} (edited)" in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, DiffScreen)


async def test_edit_in_external_editor(make_app, tools_box, unique, tmp_path, monkeypatch):
    script = tmp_path / "fake_editor.py"
    script.write_text(textwrap.dedent("""
        import sys, pathlib
        path = pathlib.Path(sys.argv[1])
        text = path.read_text()
        head, _, body = text.partition("\\n\\n")
        head = head.replace("To: someone@example.com", "To: editor@example.com")
        path.write_text(head + "\\n\\nWritten in the editor.\\n" + body)
    """))
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    draft = await make_draft(tools_box, f"Editor {unique}", body="Agent body.\n")
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("E")
        await wait_idle(pilot)
        edit = Journal.default().load_edit("sandbox", draft.id)
        assert edit.to_text == "editor@example.com"
        assert edit.body == "Written in the editor.\nAgent body.\n"

    # A file the parser cannot read is refused with the line, and kept.
    script.write_text("import sys, pathlib; pathlib.Path(sys.argv[1]).write_text('Bcc: x@example.com\\n\\nhi')")
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("E")
        await wait_idle(pilot)
        assert "The edit was not applied: line 1" in status(app) and "kept in" in status(app)
        assert Journal.default().load_edit("sandbox", draft.id).to_text == "editor@example.com"


async def test_the_external_editor_gets_the_agents_draft_cleaned(make_app, tools_box, unique, tmp_path, monkeypatch):
    seen = tmp_path / "seen.txt"
    script = tmp_path / "copying_editor.py"
    script.write_text(f"import shutil, sys; shutil.copy(sys.argv[1], {str(seen)!r})")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    draft = await make_draft(tools_box, f"Clean {unique}\x1b[2J\u202e", body="Agent\x1b]52;c;aGk=\x07 body.\n")
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        select(screen, draft.id)
        await pilot.press("E")
        await wait_idle(pilot)
    handed = seen.read_text()
    assert f"Subject: Clean {unique}⟦U+202E⟧" in handed and "Agent body." in handed
    assert "\x1b" not in handed and "\x07" not in handed and "\u202e" not in handed


async def test_bad_addresses_in_an_edit_are_refused_before_sending(make_app, tools_box, unique):
    draft = await make_draft(tools_box, f"Bad address {unique}")
    app = make_app(tools_box)
    async with app.run_test(size=(120, 35)) as pilot:
        screen = await open_drafts(pilot)
        editor = await _edit(pilot, screen, draft.id)
        editor.query_one("#to", Input).value = "not-an-address, ok@example.com"
        await pilot.press("ctrl+s")
        assert "'not-an-address' is not an email address" in status(app)
        assert isinstance(app.screen, DraftEditScreen)  # still editing; the text is kept
        await pilot.press("escape")
        await pilot.press("y")
        await wait_idle(pilot)
        assert "Not sent: To: 'not-an-address' is not an email address" in status(app)
