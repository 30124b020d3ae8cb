"""What makes an address or a link deceptive, in words: hosts in another alphabet (punycode,
non-ASCII), letters of two alphabets mixed in one word ("pаypal" with a Cyrillic а), links whose
text names one host and which go to another. Headless (no textual, no rich): the reader's
warnings (ui/safe.py) and the approve step's risk checks (risks.py) both ask here.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

HOST_IN_TEXT = re.compile(r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b", re.I)
SAFE_SCHEMES = {"http", "https", "mailto"}
WORD = re.compile(r"[^\W\d_]+")
_SCRIPTS_THAT_LOOK_LATIN = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC")


def script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def mixed_script(word: str) -> bool:
    """Letters of two Latin-looking alphabets in one word: the classic look-alike."""
    scripts = {script(c) for c in word if c.isalpha()}
    return len(scripts & set(_SCRIPTS_THAT_LOOK_LATIN)) > 1


def host_warning(host: str) -> str:
    """Why a host name may not be what it looks like, or ""."""
    host = host.lower()
    if host.startswith("xn--") or ".xn--" in host or not host.isascii():
        return f"look-alike (international) host {host}"
    return ""


def link_warning(words: str, target: str) -> str:
    """Why a link (its text `words`, its real `target`) may deceive, or ""."""
    try:
        parts = urlsplit(target.strip())
    except ValueError:  # "https://[not-an-ip]/": urlsplit checks bracketed hosts
        return "malformed address"
    scheme = parts.scheme.lower()
    if scheme and scheme not in SAFE_SCHEMES:
        return f"unusual link type {scheme}:"
    if scheme == "mailto":
        host = parts.path.rpartition("@")[2].lower()
    else:
        try:
            host = (parts.hostname or "").lower()
        except ValueError:
            return "malformed address"
        if parts.username or parts.password:
            return f"hides its real host {host} behind a user name"
    if host and host_warning(host):
        return host_warning(host)
    named = {m.group(1).lower().rstrip(".") for m in HOST_IN_TEXT.finditer(words)}
    named = {name.removeprefix("www.") for name in named if "." in name}
    if named and host:
        bare = host.removeprefix("www.")
        if not any(bare == name or bare.endswith("." + name) for name in named):
            return f"text names {sorted(named)[0]} but it goes to {host}"
    return ""
