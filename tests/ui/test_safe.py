"""ui/safe.py: hostile server text comes out harmless, visible and capped."""

import time

import pytest
from rich.console import Console
from rich.text import Text

from po6_tui.ui import safe

ESC = "\x1b"
HOSTILE = {
    "csi colour": f"a{ESC}[31;1mred{ESC}[0m",
    "csi cursor move": f"a{ESC}[2J{ESC}[H{ESC}[10;10H",
    "osc title": f"a{ESC}]0;pwned\x07",
    "osc 52 clipboard": f"a{ESC}]52;c;cm0gLXJmIH4K\x07",
    "osc 8 hyperlink": f"a{ESC}]8;;https://evil.example\x1b\\click{ESC}]8;;{ESC}\\",
    "dcs": f"a{ESC}Pq#0;2;0;0;0#1!6~{ESC}\\",
    "apc": f"a{ESC}_Gf=24;AAAA{ESC}\\",
    "8-bit csi": "a\x9b31m",
    "8-bit osc": "a\x9d52;c;AAAA\x9c",
    "nul and bell": "a\x00\x07\x08",
    "reset": f"a{ESC}c",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_escape_sequences_and_controls_are_removed(name):
    cleaned = safe.clean(HOSTILE[name])
    assert cleaned.startswith("a")
    assert all(ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F for c in cleaned), repr(cleaned)
    assert "52;" not in cleaned and "]0;" not in cleaned and "8;;" not in cleaned


def test_nothing_leaks_to_the_terminal_when_rendered():
    console = Console(file=None, force_terminal=True, width=200, color_system=None)
    with console.capture() as capture:
        console.print(safe.text("".join(HOSTILE.values())))
    assert ESC not in capture.get().replace("\x1b[0m", "")


def test_markup_is_never_interpreted():
    value = "[@click=app.quit]win a prize[/] [bold]x[/bold] [link=https://e.vil]y[/link]"
    result = safe.text(value)
    assert isinstance(result, Text)
    assert result.plain == value
    assert not result.spans


def test_bidi_and_zero_width_become_visible_marks():
    value = "invoice\u202egpj.exe \u2066iso\u2069 zero\u200bwidth\ufeff tag\U000e0041"
    result = safe.text(value)
    for code in ("U+202E", "U+2066", "U+2069", "U+200B", "U+FEFF", "U+E0041"):
        assert f"⟦{code}⟧" in result.plain
    assert all(span.style == safe.MARK_STYLE for span in result.spans)
    assert "\u202e" not in result.plain and "\u200b" not in result.plain


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_bodies_lose_escapes_and_controls_but_keep_lines_and_tabs(name):
    body = safe.text(f"{HOSTILE[name]}\n\tnext\r\nlast\rx", single_line=False).plain
    assert body.endswith("\n\tnext\nlastx")
    assert all(c in "\n\t" or (ord(c) >= 0x20 and not 0x7F <= ord(c) <= 0x9F) for c in body), repr(body)


def test_ascii_bodies_drop_exactly_the_controls_the_pattern_names():
    import random

    rng = random.Random(5)
    for _ in range(2000):
        raw = "".join(chr(rng.randrange(128)) for _ in range(rng.randrange(80)))
        assert safe._drop_ascii_controls(raw) == safe._CONTROLS_MULTILINE.sub("", raw), repr(raw)


def test_single_line_flattens_newlines_and_multiline_keeps_them():
    assert safe.clean("a\nb\tc\r\nd\u2028e") == "a b c  d e"
    body = safe.text("a\nb\tc\r\nd\u2028e", single_line=False).plain
    assert body == "a\nb\tc\nd\ne"


def test_zalgo_is_trimmed():
    value = "Z" + "\u0301" * 200 + "a"
    assert len(safe.clean(value)) == 5


def test_lengths_are_capped_and_say_so():
    result = safe.clean("x" * 10_000, max_len=100)
    assert result.startswith("x" * 100) and result.endswith("…") and len(result) < 110


def test_ten_megabyte_body_is_capped_fast():
    body = ("line of text \u202e with marks\n" * 400_000)[:10_000_000]
    started = time.perf_counter()
    result = safe.text(body, single_line=False, max_len=safe.BODY_MAX)
    elapsed = time.perf_counter() - started
    assert len(result.plain) < safe.BODY_MAX * 1.3
    assert "truncated" in result.plain
    assert elapsed < 1.0, elapsed


def test_unterminated_escape_in_huge_text_is_fast():
    started = time.perf_counter()
    safe.text(ESC + "]" + "A" * 10_000_000, single_line=False, max_len=safe.BODY_MAX)
    assert time.perf_counter() - started < 1.0


def test_huge_html_is_capped_before_conversion():
    # The reader converts in a thread, so this bounds how long a hostile mail keeps it busy.
    started = time.perf_counter()
    converted = safe.html_to_text("<p>" + "<a href='https://x.example'>link</a> word " * 500_000)
    assert time.perf_counter() - started < 10.0
    assert len(converted.body) < safe.HTML_MAX


def test_none_and_non_strings():
    assert safe.clean(None) == ""
    assert safe.clean(42) == "42"


def test_html_links_are_listed_with_real_targets_and_look_alikes_flagged():
    html = (
        "<p>Dear customer, <a href='https://evil.example/login'>www.paypal.com</a> "
        "<a href='https://docs.po6.com/x'>docs</a> "
        "<a href='https://mail.po6.com/y'>po6.com</a> "
        "<a href='javascript:alert(1)'>run</a> "
        "<a href='https://paypal.com@evil.example/'>account</a> "
        "<a href='https://xn--pypal-4ve.com/'>pаypal</a> "
        "<a href='#top'>top</a></p><img src='https://tracker.example/p.gif' alt='logo'>"
    )
    converted = safe.html_to_text(html)
    assert "www.paypal.com[1]" in converted.body
    assert "docs[2]" in converted.body
    assert "logo" in converted.body and "tracker.example" not in converted.body
    by_number = {link.number: link for link in converted.links}
    assert by_number[1].target == "https://evil.example/login"
    assert "paypal.com" in by_number[1].warning and "evil.example" in by_number[1].warning
    assert by_number[2].warning == ""
    assert by_number[3].warning == ""  # a subdomain of the named host is fine
    assert "javascript" in by_number[4].warning
    assert "evil.example" in by_number[5].warning
    assert "xn--" in by_number[6].warning
    assert len(converted.links) == 6  # the in-page "#top" link is not a link out


def test_html_cannot_smuggle_controls_through_entities():
    body = safe.message_body(None, "<p>&#x1b;]52;c;AAAA&#7; hi &#x202e;x</p>")
    assert body.source == "html"
    assert ESC not in body.text.plain and "\x07" not in body.text.plain
    assert "⟦U+202E⟧" in body.text.plain


def test_forged_link_markers_are_removed():
    converted = safe.html_to_text("<p>\ue0001\ue001fake\ue0021\ue003 <a href='https://a.com'>a</a></p>")
    assert [link.target for link in converted.links] == ["https://a.com"]
    assert "\ue000" not in converted.body


def test_links_text_renders_warning():
    converted = safe.html_to_text("<a href='https://evil.example'>bank.com</a>")
    rendered = safe.links_text(converted.links).plain
    assert "[1] https://evil.example" in rendered and "⚠" in rendered


def test_message_body_prefers_plain_text():
    assert safe.message_body("plain", "<b>html</b>").source == "text"
    assert safe.message_body("plain", "<b>html</b>", prefer_html=True).source == "html"
    assert safe.message_body("", "").source == "empty"


def test_thousands_of_links_are_listed_with_warnings_first():
    html = "".join(f"<a href='https://ok{i}.example'>x</a>" for i in range(1000))
    html += "<a href='https://evil.example'>bank.com</a>"
    converted = safe.html_to_text(html)
    listed = safe.links_text(converted.links).plain.splitlines()
    assert len(listed) == safe.LINKS_SHOWN + 1
    assert "evil.example" in listed[1]


def test_json_for_an_editor_parses_back_to_the_same_value_with_nothing_hidden():
    import json

    value = {"title": "x\x9b31m\u202eevil\u200b\U000e0041\u2028y\x7f", "list": ["\x1b[2J é 日本", 3, None]}
    shown = safe.json_text(value)
    assert json.loads(shown) == value
    assert not any(0x7F <= ord(c) <= 0x9F or c in "\x1b\u202e\u200b\u2028\U000e0041" for c in shown), shown
    assert "\\u009b" in shown and "\\u202e" in shown and "é 日本" in shown  # visible escapes; real text kept


def test_a_malformed_bracketed_host_is_flagged_not_a_crash():
    # urlsplit raises ValueError on "https://[x/": the reader must still open the message.
    converted = safe.html_to_text('<a href="https://[not-an-ip/">click</a>')
    assert converted.links[0].warning == "malformed address"


def test_plain_text_urls_are_numbered_without_their_sentence_punctuation():
    numbered, links = safe.number_text_links("See https://a.example/x_(y). Or (http://b.example/q), "
                                             "mailto:ops@c.example; [link=https://d.example]d[/link]\n")
    assert numbered == ("See https://a.example/x_(y)[1]. Or (http://b.example/q[2]), "
                        "mailto:ops@c.example[3]; [link=https://d.example[4]]d[/link]\n")
    assert [link.raw for link in links] == ["https://a.example/x_(y)", "http://b.example/q", "mailto:ops@c.example",
                                            "https://d.example"]
    body = safe.message_body("text https://a.example/1", '<a href="https://h.example/">h</a>')
    assert [(link.number, link.target, link.elsewhere) for link in body.links] == [
        (1, "https://a.example/1", ""), (2, "https://h.example/", "HTML")]
    assert "(in the HTML version)" in safe.links_text(body.links).plain


def test_a_message_about_to_be_sent_is_shown_exactly_as_it_goes():
    body = safe.message_body("see https://a.example/1", None, number_links=False)
    assert body.text.plain == "see https://a.example/1" and body.links == []
