"""The one sanitizer for text that comes from a server, as plain strings (no rich, no textual).

The app shows server text through `ui/safe.py`, which styles what this module produces; the
command line (`po6-tui login`, `profiles`, `sandbox …`, every error it prints) writes it
through `SanitizedStream`. Both get the same rules (DESIGN.md, "Untrusted text"):
- terminal escape sequences (CSI, OSC incl. OSC 8/52, DCS, APC, …) are removed whole, and any
  other C0/C1 control character is dropped (keeping newline and tab in multi-line text):
  server text must never move the cursor, retitle the terminal or write the clipboard;
- bidi controls, zero-width and other invisible characters (incl. Unicode "tag" characters that
  smuggle hidden instructions to agents) become visible marks like ⟦U+202E⟧;
- long runs of combining marks ("zalgo") are trimmed, lengths are capped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TextIO

# Caps (characters). Chosen so that the worst case still renders in well under a frame.
SINGLE_LINE_MAX = 500

# Whole escape sequences first, so nothing of them (like "]52;c;…") leaks into the text.
# Bounded character classes keep this linear even on a 10 MB unterminated sequence.
ESCAPE_SEQUENCE = re.compile(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?                      # CSI
    | \x9b[0-?]*[ -/]*[@-~]?                        # 8-bit CSI
    | [\x1b][\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC / DCS / SOS / PM / APC
    | [\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?  # their 8-bit forms
    | \x1b[ -/]*[0-~]?                              # other ESC sequences (ESC c, ESC ( B, …)
    """,
    re.VERBOSE,
)
CONTROLS_MULTILINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CONTROLS_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")

# Invisible characters that change how text reads: bidi overrides/isolates/marks, zero-width
# characters, word joiners, invisible operators, soft hyphen, BOM, Mongolian vowel separator,
# the Unicode "tag" block, interlinear annotation and a few fillers.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\u3164\ufe00-\ufe0e\ufeff\ufff9-\ufffb\uffa0\U000e0000-\U000e007f]"
)
# Line and paragraph separators: real line breaks in bodies, spaces elsewhere.
SEPARATORS = re.compile("[\u2028\u2029\x85]")
# More than 3 combining marks on one character is never needed by a real language.
_ZALGO = re.compile(r"([\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{3})"
                    r"[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")

# The C0 controls but tab and newline, and DEL: `CONTROLS_MULTILINE` for ASCII text, as bytes.
_ASCII_CONTROLS_MULTILINE = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])

TRUNCATED_LINE = " …"
TRUNCATED_BODY = "\n\n… (truncated: the rest is too long to show)"


def drop_ascii_controls(raw: str) -> str:
    """`CONTROLS_MULTILINE.sub("", raw)` for ASCII text, in C: twice as fast on a 10 MB body."""
    encoded = raw.encode("ascii")
    kept = encoded.translate(None, _ASCII_CONTROLS_MULTILINE)
    return raw if len(kept) == len(encoded) else kept.decode("ascii")


def visible_mark(char: str) -> str:
    return f"⟦U+{ord(char):04X}⟧"


@dataclass(frozen=True)
class Cleaned:
    """Server text made harmless: `pieces` of plain text and of visible marks (which the app
    styles), and whether it was cut at its cap."""

    pieces: tuple[tuple[str, bool], ...]  # (text, is_mark)
    truncated: bool
    single_line: bool

    @property
    def truncation_note(self) -> str:
        return (TRUNCATED_LINE if self.single_line else TRUNCATED_BODY) if self.truncated else ""

    @property
    def plain(self) -> str:
        return "".join(piece for piece, _ in self.pieces) + self.truncation_note


def cleaned(value: object, *, single_line: bool = True, max_len: int = SINGLE_LINE_MAX) -> Cleaned:
    """Server text with controls gone, invisibles marked, capped (see the module's rules).

    `single_line` turns newlines and tabs into spaces (for list cells, titles and labels);
    otherwise newlines and tabs are kept (bodies). Text longer than `max_len` is cut.
    """
    if value is None:
        return Cleaned((), False, single_line)
    raw = value if isinstance(value, str) else str(value)
    # Cap before any regex so a 10 MB body costs no more than a capped one. The slack leaves
    # room for escape sequences that are removed below.
    truncated = len(raw) > max_len * 2 + 64
    if truncated:
        raw = raw[: max_len * 2 + 64]
    # Every pattern but the C0 controls and ESC matches only non-ASCII characters: on ASCII text
    # (most mail) skip them: a 10 MB ASCII body cleans in ~0.1 s instead of ~0.6 s.
    ascii_only = raw.isascii()
    if not ascii_only or "\x1b" in raw:
        raw = ESCAPE_SEQUENCE.sub("", raw)
    if single_line:
        if not ascii_only:
            raw = SEPARATORS.sub(" ", raw)
        raw = CONTROLS_SINGLE_LINE.sub(lambda m: " " if m.group() in "\t\n\r" else "", raw)
    else:
        if "\r" in raw:
            raw = raw.replace("\r\n", "\n")
        if ascii_only:
            raw = drop_ascii_controls(raw)
        else:
            raw = SEPARATORS.sub("\n", raw)
            raw = CONTROLS_MULTILINE.sub("", raw)
    if not ascii_only:
        raw = _ZALGO.sub(r"\1", raw)
    if len(raw) > max_len:
        raw = raw[:max_len]
        truncated = True

    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in () if ascii_only else INVISIBLE.finditer(raw):
        pieces.append((raw[position:match.start()], False))
        pieces.append((visible_mark(match.group()), True))
        position = match.end()
    pieces.append((raw[position:], False))
    return Cleaned(tuple(pieces), truncated, single_line)


def clean(value: object, *, single_line: bool = True, max_len: int = SINGLE_LINE_MAX) -> str:
    """`cleaned(…)` as one plain string (marks and the truncation note included)."""
    return cleaned(value, single_line=single_line, max_len=max_len).plain


# API keys must never be shown, even inside an unexpected exception's text. Both services'
# key shapes (and a bearer header, whatever its token) are blanked to their prefix.
_KEY_SHAPES = re.compile(r"\b(mcp_po6_|pk_agent_|pk_enroll_|whsec_)[A-Za-z0-9_\-]{4,}|(?i:\bbearer\s+)\S{8,}")


def redact_keys(message: str) -> str:
    """`message` with anything that looks like an API key replaced by its prefix and "…"."""
    return _KEY_SHAPES.sub(lambda m: (m.group(1) or "Bearer ") + "…", message)


def error_sentence(error: BaseException, max_len: int = 300) -> str:
    """An exception nobody foresaw as one line a person can read: its kind and its words,
    cleaned and with anything key-shaped blanked."""
    words = clean(str(error), max_len=max_len).strip()
    return redact_keys(f"{type(error).__name__}: {words}" if words else type(error).__name__)


class SanitizedStream:
    """A text stream that cleans everything written to it (multi-line rules, no length cap):
    what the command line prints to the terminal. `print(…, file=SanitizedStream(sys.stderr))`.

    Each `write` is cleaned on its own. An escape sequence split across two writes cannot slip
    through: its ESC (or C1 introducer) is dropped in the first, and the rest is plain text."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(clean(text, single_line=False, max_len=len(text)))
        return len(text)

    def writelines(self, lines) -> None:  # noqa: ANN001 (the io signature)
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def __getattr__(self, name: str):  # encoding, errors, …: the wrapped stream's
        if name == "buffer":  # raw bytes would go around the cleaning
            raise AttributeError(name)
        return getattr(self.stream, name)
