"""The reader's sender warnings and the key blanking of ui/safe.py, on their own (fast)."""

from __future__ import annotations

import pytest

from po6_tui.ui import safe


@pytest.mark.parametrize("sender,reason", [
    ("Pay\u202elapyaP <pay@pal-secure.example>", "right-to-left"),
    ("G\u200boogle <no-reply@google.example>", "invisible characters"),
    ("PayPal <service@p\u0430ypal.com>", "mixes alphabets in “p\u0430ypal”"),
    ("\u0410pple Support <support@apple-id.example>", "mixes alphabets"),
    ("PayPal <service@xn--pypal-4ve.com>", "look-alike (international) domain xn--pypal-4ve.com"),
    ("Jürgen <j@müller.example>", "look-alike (international) domain müller.example"),
])
def test_forged_looking_senders_are_flagged_with_a_reason(sender, reason):
    assert reason in safe.sender_warning(sender)
    shown = safe.sender_text(sender).plain
    assert "⚠ suspicious sender: " in shown and reason in shown


@pytest.mark.parametrize("sender", [
    "Bob Smith <bob@example.com>", "support@po6.com", "Иван Петров <ivan@mail.example>",
    "Jürgen Müller <jm@example.de>", "李雷 <li@example.cn>", "", None,
])
def test_ordinary_senders_in_any_one_alphabet_are_not_flagged(sender):
    assert safe.sender_warning(sender) == ""
    assert "⚠" not in safe.sender_text(sender).plain


def test_escape_sequences_in_a_sender_do_not_reach_the_text():
    shown = safe.sender_text("Eve \x1b]52;c;Y3VybA==\x07\x1b[2J <eve@evil.example>").plain
    assert "\x1b" not in shown and "]52;" not in shown and shown.startswith("Eve ")


def test_keys_are_blanked_in_any_message():
    text = ("mcp_po6_0123456789abcdef failed; pk_agent_SECRET123 and pk_enroll_abcdef12, whsec_zzzzzzzz; "
            "Authorization: Bearer sk-anything-long-enough")
    blanked = safe.redact_keys(text)
    for secret in ("0123456789abcdef", "SECRET123", "abcdef12", "zzzzzzzz", "sk-anything"):
        assert secret not in blanked
    assert "mcp_po6_…" in blanked and "Bearer …" in blanked
    assert safe.redact_keys("Loading messages: the server at 127.0.0.1:8025 failed (HTTP 503).") == \
        "Loading messages: the server at 127.0.0.1:8025 failed (HTTP 503)."
