"""The hostile corpus (corpus.py), delivered into a sandbox and opened in the app, one message per
test: no escape sequence or control character from the mail reaches the terminal (neither in
the bytes of a full redraw nor in any segment of the reader's whole content), Textual/Rich
markup shows literally and runs nothing, what looks like phishing is flagged in the reader, and
the app stays up. Render times are measured by tests/perf/bench_hostile.py (reported, not
asserted here).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from hostile.corpus import MARKUP, build_corpus
from po6_tui.ui.kit.message_body import MessageBodyView
from hostile.harness import (
    ADDRESS,
    Delivered,
    content_problems,
    deliver_corpus,
    open_message,
    screen_problems,
    screen_text,
    start_sandbox,
    widget_text,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ui"))
from uihelpers import UiSandbox, account_for, wait_list  # noqa: E402

CORPUS = build_corpus()
READER_PARTS = ("headers", "source", "body", "links")


@pytest.fixture(scope="module")
def hostile_box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[UiSandbox, dict[str, Delivered]]]:
    directory = tmp_path_factory.mktemp("hostile")
    process = start_sandbox(directory)
    box = UiSandbox(process.url, process.db, process)
    try:
        yield box, deliver_corpus(process.db)
    finally:
        process.stop()


def make_app(box: UiSandbox):  # noqa: ANN201
    from po6_tui.ui.app import Po6App

    return Po6App([account_for(box)], refresh_interval=0)


@pytest.mark.parametrize("mail", CORPUS, ids=[m.name for m in CORPUS])
async def test_a_hostile_message_reaches_the_screen_harmless(hostile_box, mail):
    box, delivered = hostile_box
    target = delivered[mail.name]
    app = make_app(box)
    async with app.run_test(size=(120, 40)) as pilot:
        messages = await wait_list(pilot)
        # In the list: the hostile subject and sender are on screen, on the cursor's row.
        messages.cursor = next(i for i in range(60) if messages.row(i) and messages.row(i).id == target.email_id)
        await pilot.pause()
        assert screen_problems(app) == [], "in the message list"

        await open_message(pilot, target.email_id)
        assert screen_problems(app) == [], "in the reader"
        assert content_problems(app, READER_PARTS) == [], "in the reader's whole content"

        await pilot.press("h")  # every header, as the sender wrote them
        await pilot.pause()
        assert screen_problems(app) == [] and content_problems(app, ("headers",)) == [], "with all headers"
        if app.screen.email.body_html and app.screen.email.body_text:
            await pilot.press("v")  # the other version of the body
            await pilot.pause(0.2)
            assert screen_problems(app) == [] and content_problems(app, READER_PARTS) == [], "HTML version"

        reader_text = "\n".join(widget_text(app, part) for part in ("headers", "links"))
        if mail.phishing:
            assert "⚠" in reader_text, f"{mail.name}: the reader does not flag it"
        else:
            assert "suspicious sender" not in reader_text
        assert app.is_running and not app._exception


async def test_markup_shows_literally_and_runs_nothing(hostile_box):
    box, delivered = hostile_box
    app = make_app(box)
    async with app.run_test(size=(160, 40)) as pilot:
        await open_message(pilot, delivered["markup-everywhere"].email_id)
        shown = screen_text(app)
        assert MARKUP in shown  # subject, exactly as sent
        assert "[@click=app.quit]click to win[/]" in widget_text(app, "body")
        await pilot.click("#headers")  # a click on the subject must not run the mail's action
        await pilot.click("#scroll")
        await pilot.pause()
        assert app.is_running


async def test_escape_payloads_are_removed_whole(hostile_box):
    """Not only the ESC byte: nothing of a sequence (like "]52;c;…" or "]0;pwned") is left either."""
    box, delivered = hostile_box
    app = make_app(box)
    async with app.run_test(size=(120, 40)) as pilot:
        for name in ("escapes-in-subject", "escapes-raw-headers", "escapes-in-body", "escapes-in-display-name"):
            await open_message(pilot, delivered[name].email_id)
            text = "\n".join(widget_text(app, part) for part in ("headers", "body"))
            for leftover in ("]0;pwned", "]52;c;", "]8;;", "P1$qm", "[2J"):
                assert leftover not in text, (name, leftover)
            await pilot.press("q")
            await wait_list(pilot)


async def test_look_alike_senders_and_links_say_why(hostile_box):
    box, delivered = hostile_box
    app = make_app(box)
    expected = {
        "bidi-sender": "right-to-left",
        "zero-width": "invisible characters",
        "homoglyph-domain": "mixes alphabets",
        "mixed-script-display-name": "mixes alphabets",
        "punycode-domain": "international",
        "phishing-link": "text names bank.example but it goes to evil.example",
        "javascript-link": "unusual link type javascript:",
    }
    async with app.run_test(size=(160, 40)) as pilot:
        for name, reason in expected.items():
            await open_message(pilot, delivered[name].email_id)
            text = " ".join(" ".join(widget_text(app, part) for part in ("headers", "links")).split())
            assert reason in text, (name, text[:500])
            await pilot.press("q")
            await wait_list(pilot)


def test_the_corpus_covers_every_attack_of_the_issue():
    attacks = " ".join(f"{m.name} {m.attack}" for m in CORPUS).lower()
    for needed in ("csi", "osc", "dcs", "osc 8", "osc 52", "subject", "display name", "body", "attachment",
                   "markup", "[@click", "rlo", "zero-width", "cyrillic", "10 mb", "100,000 lines",
                   "nested", "broken", "not valid", "nul", "thousand headers"):
        assert needed in attacks, needed
    assert ADDRESS


def shown_lines(app) -> list[str]:  # noqa: ANN001
    """The screen's lines without the padding and the scrollbar around them."""
    return [line.strip(" ▁▂▃▄▅▆▇█▊▌▎▏▔│┃▐") for line in screen_text(app).splitlines()]


@pytest.mark.parametrize("name, last", [("lines-100k", "line 99999"), ("body-10mb", "x" * 99)])
async def test_huge_bodies_are_shown_whole(hostile_box, name, last):
    """100,000 lines (or 10 MB): the reader draws only the lines on screen, so every line can be
    read: j/k and PageDown move, G/End reach the last line at once, and nothing is cut."""
    box, delivered = hostile_box
    app = make_app(box)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_message(pilot, delivered[name].email_id)
        view = app.screen.query_one(MessageBodyView)
        assert "not shown" not in view.body.plain and "truncated" not in view.body.plain
        assert ("line 0" if name == "lines-100k" else last) in shown_lines(app)
        await pilot.press("j", "j", "j")
        await pilot.pause()
        assert view.scroll_offset.y == 3
        await pilot.press("k")
        await pilot.pause()
        assert view.scroll_offset.y == 2
        await pilot.press("pagedown")
        await pilot.pause()
        assert view.scroll_offset.y > 30
        for key in ("G", "g", "end"):
            await pilot.press(key)
            await pilot.pause()
        assert last in shown_lines(app), "the last line is not on screen"
        assert view.scroll_offset.y == view.max_scroll_y > 0
        assert screen_problems(app) == []
        assert app.is_running
