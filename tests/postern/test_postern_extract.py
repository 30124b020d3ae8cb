"""The pure extraction rules behind `wait`'s `extracted` object."""

import pytest

from po6_tui.sandbox.postern_extract import (
    extract,
    extract_credentials,
    extract_otp_code,
    extract_verification_link,
)


@pytest.mark.parametrize("text, code", [
    ("Your verification code is 482913.", "482913"),
    ("Use code: 7731 to sign in", "7731"),
    ("Your one-time passcode\n\n  90210455", "90210455"),
    ("381920 is your OTP for Example", "381920"),
    ("Your login PIN: 4242", "4242"),
])
def test_otp_code_near_a_code_word(text, code):
    assert extract_otp_code(text) == code


@pytest.mark.parametrize("text", [
    "Invoice #1042 charges us for 12 seats",  # a number, but no code word
    "Call us at 555-0134 about your order",
    "Your code is 123",  # too short
    "Your code is 123456789",  # too long
    "Meeting in room 2026 tomorrow",
])
def test_no_otp_code_without_a_code(text):
    assert extract_otp_code(text) is None


def test_verification_link_is_the_first_https_link_with_a_telling_word():
    text = ("Visit https://example.com/home first.\nThen http://example.com/verify?token=insecure\n"
            "Confirm here: https://accounts.example.com/confirm?t=abc123.\nOr https://x.example/activate")
    assert extract_verification_link(text) == "https://accounts.example.com/confirm?t=abc123"


def test_verification_link_from_html_href():
    html = '<p>Hi</p><a href="https://app.example.com/verify?token=a&amp;b=1">Verify</a>'
    assert extract_verification_link("", html) == "https://app.example.com/verify?token=a&b=1"


def test_no_verification_link():
    assert extract_verification_link("See https://example.com/pricing") is None


def test_credentials_lines():
    text = "Your account:\n\nUsername: signup-bot\nPassword: Tmp-4821-kite\n"
    assert extract_credentials(text) == {"username": "signup-bot", "password": "Tmp-4821-kite"}
    assert extract_credentials("no secrets here") is None


def test_extract_combines_subject_text_and_html():
    result = extract("Your code: 551204", "", "<b>Welcome</b> <a href='https://a.example/activate/9'>go</a>")
    assert result == {"otp_code": "551204", "verification_link": "https://a.example/activate/9", "credentials": None}
