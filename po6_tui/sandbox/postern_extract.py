"""What Postern's `wait` pulls out of a message: a one-time code, a verification link, credentials.

Pure functions on text, so the rules can be tested without a server. They are heuristics
(the hosted service documents the fields, not the rules); each rule is written to prefer
missing a value over returning a wrong one.
"""

from __future__ import annotations

import html as html_lib
import re

# A 4–8 digit code near a word that says it is one ("Your code is 482913", "482913 is your OTP").
_CODE_WORDS = r"(?:code|otp|one[- ]time|passcode|pin|verification|security|login|sign[- ]in)"
_CODE_AFTER_WORD = re.compile(_CODE_WORDS + r"[^\d]{0,40}?(?<![\d-])(\d{4,8})(?![\d-])", re.IGNORECASE)
_CODE_BEFORE_WORD = re.compile(r"(?<![\d-])(\d{4,8})(?![\d-])[^\n\d]{0,30}?\b" + _CODE_WORDS, re.IGNORECASE)

_URL = re.compile(r"https?://[^\s<>\"'`)\]]+", re.IGNORECASE)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_LINK_WORDS = ("verify", "confirm", "activate", "token")

_USERNAME = re.compile(r"^\W*(?:user ?name|user|login|e-?mail)\s*[:=]\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_PASSWORD = re.compile(r"^\W*(?:password|passwd|temporary password)\s*[:=]\s*(\S+)", re.IGNORECASE | re.MULTILINE)

_TAG = re.compile(r"<[^>]+>")


def html_to_text(html: str) -> str:
    """Crude but safe: drop tags, decode entities. Good enough for finding codes."""
    return html_lib.unescape(_TAG.sub(" ", html))


def extract_otp_code(text: str) -> str | None:
    for pattern in (_CODE_AFTER_WORD, _CODE_BEFORE_WORD):
        match = pattern.search(text)
        if match:
            return match.group(1)
    return None


def extract_verification_link(text: str, html: str = "") -> str | None:
    candidates = _HREF.findall(html) + _URL.findall(text) + _URL.findall(html_to_text(html))
    for url in candidates:
        url = html_lib.unescape(url).rstrip(".,;:!?")
        if url.lower().startswith("https://") and any(word in url.lower() for word in _LINK_WORDS):
            return url
    return None


def extract_credentials(text: str) -> dict[str, str] | None:
    password = _PASSWORD.search(text)
    if not password:
        return None
    username = _USERNAME.search(text)
    return {"username": username.group(1) if username else None, "password": password.group(1)}


def extract(subject: str, text: str, html: str = "") -> dict:
    """The `extracted` object of a wait result; every field may be null."""
    body = text or html_to_text(html)
    return {
        "otp_code": extract_otp_code(f"{subject}\n{body}"),
        "verification_link": extract_verification_link(text, html),
        "credentials": extract_credentials(body),
    }
