"""RFC 5322 → the parts the sandbox stores, with the standard library's `email` package.

The parser takes what a real mail server would take: mail is messy, and hostile mail has to
reach the app to be tested end to end. Stray NUL and control bytes, 8-bit junk, a missing or
unusable From, broken MIME: all stored, their text decoded as well as it can be (a broken
multipart shows its raw body as text). Refused is only what is not a message at all: empty
input, input without a header section, or more than the size limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import errors as email_errors
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

MAX_MESSAGE_BYTES = 25 * 1024 * 1024

# Defects that mean the MIME structure itself is broken: its parts cannot be trusted.
BROKEN_STRUCTURE = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)
_END_OF_HEADERS = re.compile(rb"\r?\n\r?\n|\r\r")


class MailParseError(ValueError):
    """The input is not a message at all; the text says why."""


@dataclass
class ParsedMessage:
    from_addr: str
    from_name: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    reply_to: str | None = None
    subject: str = ""
    date: datetime | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    text: str = ""
    html: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)
    attachments: list[tuple[str, str, int]] = field(default_factory=list)  # (filename, content_type, size)
    size: int = 0


def _text(value: str) -> str:
    """`value` storable as UTF-8. The parser keeps undecodable 8-bit bytes as lone surrogates,
    which SQLite and JSON refuse: give those bytes back and decode them as UTF-8, else mark them."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that never was a byte
        return value.encode("utf-8", "replace").decode("utf-8")


def _header_value(message: EmailMessage, name: str, index: int = 0) -> str:
    """The `index`-th `name` header, decoded; its raw text when the policy cannot model it."""
    try:
        values = message.get_all(name) or []
        value = str(values[index]) if index < len(values) else ""
    except Exception:  # noqa: BLE001 - the email package raises many kinds on hostile headers
        raw = [v for k, v in message.raw_items() if k.lower() == name.lower()]
        value = raw[index] if index < len(raw) else ""
    return _text(value)


def _headers(message: EmailMessage) -> list[tuple[str, str]]:
    """Every header in order, each repeated one (Received…) with its own value."""
    seen: dict[str, int] = {}
    headers = []
    for name in message.keys():
        index = seen.get(name.lower(), 0)
        seen[name.lower()] = index + 1
        headers.append((_text(name), _header_value(message, name, index)))
    return headers


def _addresses(message: EmailMessage, name: str) -> list[str]:
    values = [_header_value(message, name, index) for index in range(len(message.get_all(name, [])))]
    return [addr for _, addr in getaddresses(values) if "@" in addr]


def _decoded(part: EmailMessage) -> str:
    """A text part's content, decoded by hand: the declared charset if it works, else UTF-8, else
    Latin-1. Undeclared 8-bit text is usually UTF-8, and a wrong or unknown charset should cost
    a few odd characters, not the message."""
    payload = part.get_payload(decode=True) or b""
    declared = part.get_content_charset()
    declared = None if declared == "us-ascii" else declared  # the default when nothing is declared
    for charset in filter(None, (declared, "utf-8")):
        try:
            return _text(payload.decode(charset))
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return _text(payload.decode(declared or "latin-1", errors="replace"))
    except LookupError:
        return payload.decode("latin-1")


def _raw_body(raw: bytes) -> str:
    """Everything after the header section as text (UTF-8, else Latin-1): what a message whose
    MIME structure is broken can still show."""
    end = _END_OF_HEADERS.search(raw)
    body = raw[end.end():] if end else b""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("latin-1")


def _date(message: EmailMessage) -> datetime | None:
    raw = _header_value(message, "Date")
    if not raw:
        return None
    try:
        parsed = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # year 1 at +23:59
        return None


def _leaves(part: EmailMessage):
    """The non-multipart parts, not descending into attached messages."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    for child in part.get_payload():
        yield from _leaves(child)


def _parts(message: EmailMessage) -> tuple[str, str | None, list[tuple[str, str, int]]]:
    """(text, html, attachments) as the MIME structure has them."""
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    if not message.is_multipart() and message.get_content_maintype() != "text":
        text_part = html_part = None  # a bare attachment: no body, the part is listed below
    attachments = []
    for part in _leaves(message):
        if part is text_part or part is html_part:
            continue
        if part.get_content_type() == "message/rfc822":  # a forwarded message: one attachment
            inner = part.get_payload(0) if part.is_multipart() else part.get_payload()
            size = len(bytes(inner)) if isinstance(inner, EmailMessage) else len(str(inner))
            attachments.append((_text(part.get_filename() or "message.eml"), "message/rfc822", size))
            continue
        payload = part.get_payload(decode=True) or b""
        attachments.append((_text(part.get_filename() or f"part-{len(attachments) + 1}"),
                            _text(part.get_content_type()), len(payload)))
    return (_decoded(text_part) if text_part is not None else "",
            _decoded(html_part) if html_part is not None else None, attachments)


def _body(message: EmailMessage, raw: bytes) -> tuple[str, str | None, list[tuple[str, str, int]]]:
    """(text, html, attachments): the parts while the structure holds, else the raw body as text."""
    if message.get_content_maintype() == "multipart" and not message.is_multipart():
        return _raw_body(raw), None, []  # declared multipart, no parts found (no boundary, too deep)
    try:
        text, html, attachments = _parts(message)
    except Exception:  # noqa: BLE001 - a library failure on hostile MIME must not cost the message
        return _raw_body(raw), None, []
    broken = any(isinstance(d, BROKEN_STRUCTURE) for part in message.walk() for d in part.defects)
    if broken and not text and html is None:
        text = _raw_body(raw)
    return text, html, attachments


def _parse(raw: bytes) -> EmailMessage:
    try:
        return BytesParser(policy=policy.default).parsebytes(raw)
    except RecursionError:  # parts nested thousands deep: keep the headers, the body stays raw
        return BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)


def parse_message(raw: bytes) -> ParsedMessage:
    if not raw or not raw.strip():
        raise MailParseError("empty input: expected an RFC 5322 message")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MailParseError(f"message too large ({len(raw)} bytes, limit {MAX_MESSAGE_BYTES})")
    message = _parse(raw)
    if not message.keys():
        raise MailParseError("no header section found: not an RFC 5322 message")
    text, html, attachments = _body(message, raw)
    # A missing or unusable From is stored as it came (empty, or the text it had): clients must cope.
    from_name, from_addr = parseaddr(_header_value(message, "From"))
    reply_to = _addresses(message, "Reply-To")
    return ParsedMessage(
        from_addr=from_addr,
        from_name=from_name,
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        reply_to=reply_to[0] if reply_to else None,
        subject=_header_value(message, "Subject"),
        date=_date(message),
        message_id=_header_value(message, "Message-ID").strip() or None,
        in_reply_to=_header_value(message, "In-Reply-To").strip() or None,
        text=text,
        html=html,
        headers=_headers(message),
        attachments=attachments,
        size=len(raw),
    )


_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.S | re.I)
_SPACE = re.compile(r"\s+")


def snippet(text: str, html: str | None, length: int = 160) -> str:
    """A one-line preview: the text body, or the HTML with its tags dropped."""
    source = text if text.strip() else _TAGS.sub(" ", html or "")
    return _SPACE.sub(" ", source).strip()[:length]
