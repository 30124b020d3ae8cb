"""The one gate for text that comes from a server (DESIGN.md, "Untrusted text").

Every widget that shows a server string (subjects, addresses, bodies, error messages, names)
gets it from here, as a Rich `Text` built with `Text(str)`: never through markup, because
Textual markup such as `[@click=app.quit]` runs actions. The cleaning itself is
`po6_tui/sanitize.py` (plain strings, shared with the command line); this module styles it.

What the gate does, and why:
- terminal escape sequences (CSI, OSC incl. OSC 8/52, DCS, APC, …) are removed whole, and any
  other C0/C1 control character is dropped (keeping newline and tab in multi-line text):
  a subject must never move the cursor, retitle the terminal or write the clipboard;
- bidi controls, zero-width and other invisible characters (incl. Unicode "tag" characters that
  smuggle hidden instructions to agents) are shown as visible marks like ⟦U+202E⟧, so what the
  operator reads is what the agent reads;
- long runs of combining marks ("zalgo") are trimmed, lengths are capped;
- HTML becomes text with html2text (no network), every link is listed with its real target,
  and a link whose text names another host than the one it goes to is flagged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text

from po6_tui import sanitize
from po6_tui.lookalike import WORD, link_warning, mixed_script
from po6_tui.sanitize import SINGLE_LINE_MAX

# Caps (characters). Chosen so that the worst case still renders in well under a frame.
BODY_MAX = 200_000
HTML_MAX = 200_000  # html2text runs ~1-10 µs per character; the reader converts in a thread
URL_MAX = 400

MARK_STYLE = "bold reverse"
LINK_NUMBER_STYLE = "bold"
WARNING_STYLE = "bold red"

# The patterns live in po6_tui/sanitize.py; these names are kept for this module and its tests.
_ESCAPE_SEQUENCE = sanitize.ESCAPE_SEQUENCE
_CONTROLS_MULTILINE = sanitize.CONTROLS_MULTILINE
_CONTROLS_SINGLE_LINE = sanitize.CONTROLS_SINGLE_LINE
_INVISIBLE = sanitize.INVISIBLE
_SEPARATORS = sanitize.SEPARATORS
_WHITESPACE_RUN = re.compile(r"[ \t\n]+")
_drop_ascii_controls = sanitize.drop_ascii_controls
_visible_mark = sanitize.visible_mark


def copyable(value: object, max_len: int = URL_MAX) -> tuple[str, list[str]]:
    """Server text for the clipboard: the real value (a code or a password must paste as it is,
    not as its on-screen form with marks), with escape sequences and controls removed, on one
    line, capped. Also the invisible characters it holds (as U+XXXX), for a warning."""
    raw = _CONTROLS_SINGLE_LINE.sub("", _ESCAPE_SEQUENCE.sub("", str(value or "")))[:max_len]
    invisible = sorted({f"U+{ord(c):04X}" for c in _INVISIBLE.findall(raw)})
    return raw, invisible


def clean(value: object, *, single_line: bool = True, max_len: int = SINGLE_LINE_MAX) -> str:
    """Server text made harmless as a plain string (controls gone, invisibles marked, capped).

    Prefer `text()` for anything that is displayed: it also styles the marks.
    """
    return sanitize.clean(value, single_line=single_line, max_len=max_len)


def text(value: object, *, single_line: bool = True, max_len: int = SINGLE_LINE_MAX,
         style: str = "") -> Text:
    """Server text as a Rich `Text`, safe to show anywhere.

    `single_line` turns newlines and tabs into spaces (for list cells, titles and labels);
    otherwise newlines and tabs are kept (bodies). Text longer than `max_len` is cut and says so.
    """
    if value is None:
        return Text("", style=style)
    cleaned = sanitize.cleaned(value, single_line=single_line, max_len=max_len)
    result = Text(style=style, end="", no_wrap=single_line)
    for piece, is_mark in cleaned.pieces:
        result.append(piece, style=MARK_STYLE if is_mark else None)
    if cleaned.truncated:
        result.append(cleaned.truncation_note, style="dim italic")
    return result


# In JSON text, what `text()` would remove or mark: C1 controls and DEL, invisible and
# separator characters. (`json.dumps` already escapes the C0 controls.)
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f]|{_INVISIBLE.pattern}|{_SEPARATORS.pattern}")


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # a surrogate pair, as JSON writes characters beyond the BMP
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(value: Any, *, indent: int | None = 2) -> str:
    """Server JSON for an editor: exactly the same value once parsed (`json.loads`), with every
    character that could drive the terminal or hide itself written as a visible \\uXXXX escape."""
    return _JSON_UNSAFE.sub(_json_escape, json.dumps(value, indent=indent, ensure_ascii=False))


def one_line(value: object, max_len: int = SINGLE_LINE_MAX) -> str:
    """A short plain string for places that only take `str` (e.g. a Textual `Input` value)."""
    return _WHITESPACE_RUN.sub(" ", clean(value, max_len=max_len)).strip()


# --- HTML ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    number: int
    text: str          # the words the sender made clickable (cleaned)
    target: str        # where it really goes (cleaned, capped): what the screen shows
    warning: str = ""  # why this link deserves suspicion, or ""
    raw: str = ""      # the target for the clipboard or a browser (`copyable`: no controls, no marks)
    elsewhere: str = ""  # the version it is in when that is not the one shown ("HTML"), or ""


@dataclass(frozen=True)
class HtmlText:
    body: str              # readable text, links shown as "words[N]"; not yet cleaned
    links: list[Link]


# Private-use characters mark where an anchor starts and ends while html2text runs; any in
# the input are removed first so a sender cannot forge them.
_A_OPEN, _A_MID, _A_CLOSE, _A_END = "\ue000", "\ue001", "\ue002", "\ue003"
_PRIVATE_MARKERS = re.compile("[\ue000-\ue003]")
_ANCHOR = re.compile(f"{_A_OPEN}(\\d+){_A_MID}(.*?){_A_CLOSE}\\1{_A_END}", re.DOTALL)
_STRAY_MARKER = re.compile(f"[{_A_OPEN}{_A_CLOSE}]\\d+[{_A_MID}{_A_END}]")


def _converter():
    import html2text  # lazy: only the reader needs it

    class Converter(html2text.HTML2Text):
        """html2text with anchors replaced by markers, so we can number links ourselves."""

        def __init__(self) -> None:
            super().__init__(bodywidth=0)
            self.ignore_links = True
            self.images_to_alt = True
            self.ignore_tables = False
            self.hrefs: list[str] = []
            self._open: list[int] = []

        def handle_starttag(self, tag, attrs):  # noqa: ANN001 (html.parser signature)
            if tag == "a":
                href = dict(attrs).get("href")
                if href and not href.startswith("#"):
                    self.hrefs.append(href)
                    number = len(self.hrefs)
                    self._open.append(number)
                    self.handle_data(f"{_A_OPEN}{number}{_A_MID}")
                else:
                    self._open.append(0)
            super().handle_starttag(tag, attrs)

        def handle_endtag(self, tag):  # noqa: ANN001
            super().handle_endtag(tag)
            if tag == "a" and self._open:
                number = self._open.pop()
                if number:
                    self.handle_data(f"{_A_CLOSE}{number}{_A_END}")

    return Converter()


def html_to_text(html: str) -> HtmlText:
    """HTML mail as readable text plus the list of its links (no network access, ever)."""
    html = _PRIVATE_MARKERS.sub("", html[:HTML_MAX])
    converter = _converter()
    try:
        converter.feed(html)
        body = converter.finish()
    except Exception:  # html2text on hostile HTML: fall back to tag-stripped text
        body = re.sub(r"<[^>]*>", " ", html)
        converter.hrefs = []
    hrefs = converter.hrefs
    links: list[Link] = []

    def replace(match: re.Match[str]) -> str:
        number = int(match.group(1))
        words = match.group(2)
        target = hrefs[number - 1] if 0 < number <= len(hrefs) else ""
        links.append(Link(number=number, text=one_line(words, 200),
                          target=one_line(target, URL_MAX),
                          warning=link_warning(clean(words), clean(target, max_len=2000)),
                          raw=copyable(target)[0]))
        return f"{words}[{number}]"

    body = _ANCHOR.sub(replace, body)
    body = _STRAY_MARKER.sub("", body)
    body = _PRIVATE_MARKERS.sub("", body)
    links.sort(key=lambda link: link.number)
    return HtmlText(body=body.strip("\n"), links=links)


LINKS_SHOWN = 200  # a newsletter has dozens; a hostile mail may have thousands
TEXT_LINKS_MAX = 1000  # URLs numbered in a plain-text body; past them, URLs are left as they are
# A URL in plain text: up to white space or a character that cannot end one; trailing
# punctuation of the sentence ("see https://x.org/a.") is not part of it.
_TEXT_URL = re.compile(r"\b(?:https?://|mailto:)[^\s<>\"'`\[\]]+", re.IGNORECASE)
_URL_TRAILER = ".,;:!?)]}*_"


def number_text_links(body: str) -> tuple[str, list[Link]]:
    """A plain-text body with "[N]" after each URL, and those links (the text is the target:
    nothing to deceive with, but invisible characters inside one are still marked)."""
    links: list[Link] = []

    def number(match: re.Match[str]) -> str:
        url = match.group(0)
        trailer = ""
        while url and url[-1] in _URL_TRAILER and not (url[-1] == ")" and "(" in url):
            url, trailer = url[:-1], url[-1] + trailer
        if len(links) >= TEXT_LINKS_MAX or len(url) < 10:
            return match.group(0)
        links.append(Link(number=len(links) + 1, text="", target=one_line(url, URL_MAX),
                          warning=link_warning("", clean(url, max_len=2000)), raw=copyable(url)[0]))
        return f"{url}[{len(links)}]{trailer}"

    return _TEXT_URL.sub(number, body), links


def _also_in(version: str, links: list[Link], after: int) -> list[Link]:
    """Links of the version not shown, numbered after those of the shown one."""
    return [replace(link, number=after + index + 1, elsewhere=version) for index, link in enumerate(links)]


def links_text(links: list[Link]) -> Text:
    """The reader's "Links" section: one line per link with its real target. Links with a
    warning come first when there are too many to list."""
    result = Text(end="")
    if len(links) > LINKS_SHOWN:
        links = sorted(links, key=lambda link: not link.warning)[:LINKS_SHOWN]
        links.sort(key=lambda link: (not link.warning, link.number))
        result.append(f"(the first {LINKS_SHOWN} links, warnings first)\n", style="dim italic")
    for link in links:
        result.append(f"[{link.number}] ", style=LINK_NUMBER_STYLE)
        result.append_text(text(link.target, max_len=URL_MAX))
        if link.text and link.text != link.target:
            result.append("  ")
            result.append_text(text(f"“{link.text}”", max_len=120, style="dim"))
        if link.warning:
            result.append("  ⚠ ", style=WARNING_STYLE)
            result.append_text(text(link.warning, style=WARNING_STYLE))
        if link.elsewhere:
            result.append(f"  (in the {link.elsewhere} version)", style="dim")
        result.append("\n")
    result.rstrip()
    return result



@dataclass(frozen=True)
class Body:
    text: Text           # safe, capped
    links: list[Link]
    source: str          # "text", "html" or "empty": what the reader shows, said in its header


# The reader draws only the lines on screen (widgets/message_body.py), so a long mail is shown
# whole: this cap only bounds memory and the cleaning pass (run in a thread); a 10 MB body
# is shown in full.
READER_BODY_MAX = 16_000_000


def _body_text(body: str) -> Text:
    return text(body, single_line=False, max_len=READER_BODY_MAX)


def message_body(body_text: str | None, body_html: str | None, *, prefer_html: bool = False,
                 number_links: bool = True) -> Body:
    """A message body ready for the reader: plain text when there is one (unless `prefer_html`),
    else the HTML converted to text. The links of the HTML part are listed either way: a
    deceptive link in the HTML part matters even when the plain part is what is shown. URLs in
    the plain text get "[N]" after them unless `number_links` is false (a message about to be
    sent is shown exactly as it will go)."""
    converted = html_to_text(body_html) if body_html else None
    if converted is not None and (prefer_html or not (body_text or "").strip()):
        return Body(_body_text(converted.body), converted.links, "html")
    html_links = converted.links if converted is not None else []
    if body_text and not number_links:  # the text exactly as it goes (a send's confirmation)
        return Body(_body_text(body_text), html_links, "text")
    if body_text:
        # The numbers match the text on screen; the HTML part's links follow, said to be there.
        numbered, links = number_text_links(body_text[:READER_BODY_MAX])
        return Body(_body_text(numbered), links + _also_in("HTML", html_links, len(links)), "text")
    return Body(Text("(no body)", style="dim italic"), _also_in("HTML", html_links, 0), "empty")


# --- senders ---------------------------------------------------------------------------------
# A From line is what a phisher forges. The reader flags what a person cannot see for
# themselves: characters that reorder or hide text, and letters of two alphabets mixed in one
# word or domain label ("pаypal" with a Cyrillic а), the classic look-alike.

_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def sender_warning(sender: object) -> str:
    """Why a From value deserves suspicion, in words, or "" when nothing stands out."""
    if not sender:
        return ""
    raw = _ESCAPE_SEQUENCE.sub("", str(sender)[:2000])
    if _BIDI_CONTROLS.search(raw):
        return "contains right-to-left control characters that reorder what you read"
    if _INVISIBLE.search(raw):
        return "contains invisible characters"
    address = raw.rpartition("<")[2].rstrip("> ").strip() if "<" in raw else raw.strip()
    domain = address.rpartition("@")[2].lower()
    if domain and (domain.startswith("xn--") or ".xn--" in domain):
        return f"look-alike (international) domain {one_line(domain, 80)}"
    mixed = [word for word in WORD.findall(raw) if mixed_script(word)]
    if mixed:
        return f"mixes alphabets in “{one_line(mixed[0], 40)}” (a look-alike)"
    if domain and not domain.isascii():
        return f"look-alike (international) domain {one_line(domain, 80)}"
    return ""


def sender_text(sender: object, *, max_len: int = 1000, style: str = "") -> Text:
    """A From value for display, followed by a warning when it looks forged (see sender_warning)."""
    result = text(sender, max_len=max_len, style=style)
    warning = sender_warning(sender)
    if warning:
        result.append("  ⚠ ", style=WARNING_STYLE)
        result.append(f"suspicious sender: {warning}", style=WARNING_STYLE)
    return result


# --- keys ------------------------------------------------------------------------------------
# API keys must never be shown, even inside an unexpected exception's text (po6_tui/sanitize.py).
redact_keys = sanitize.redact_keys
