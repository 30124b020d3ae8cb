"""RFC 5322 → the parts the sandbox stores, with the standard library's `email` package.

The parser is lenient by design (real mail is messy); we only refuse what cannot be stored
meaningfully: no headers, no usable sender, or a multipart whose boundaries are missing.
Odd or unknown charsets are decoded with replacement characters instead of failing.
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

# Defects that mean the structure itself is broken, not just sloppy.
FATAL_DEFECTS = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)


class MailParseError(ValueError):
    """The input is not a message we can store; the text says why."""


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


def _addresses(message: EmailMessage, name: str) -> list[str]:
    values = [str(v) for v in message.get_all(name, [])]
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
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    try:
        return payload.decode(declared or "latin-1", errors="replace")
    except LookupError:
        return payload.decode("latin-1")


def _header_value(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # a header the policy cannot model: raw text instead
        value = message.get_all(name, failobj=[None])[0]
    return "" if value is None else str(value)


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
    return parsed.astimezone(UTC)


def _leaves(part: EmailMessage):
    """The non-multipart parts, not descending into attached messages."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    for child in part.get_payload():
        yield from _leaves(child)


def parse_message(raw: bytes) -> ParsedMessage:
    if not raw or not raw.strip():
        raise MailParseError("empty input: expected an RFC 5322 message")
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MailParseError(f"message too large ({len(raw)} bytes, limit {MAX_MESSAGE_BYTES})")
    if b"\x00" in raw[:4096]:
        raise MailParseError("binary data (NUL bytes) where a message was expected")
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    if not message.keys():
        raise MailParseError("no header section found: not an RFC 5322 message")
    defects = list(message.defects)
    for part in message.walk():
        defects.extend(part.defects)
    fatal = [d for d in defects if isinstance(d, FATAL_DEFECTS)]
    if fatal:
        raise MailParseError(f"broken MIME structure: {type(fatal[0]).__name__}")

    from_name, from_addr = parseaddr(_header_value(message, "From"))
    if "@" not in from_addr:
        raise MailParseError("missing or invalid From header (an address like agent@example.com is required)")

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
            attachments.append((part.get_filename() or "message.eml", "message/rfc822", size))
            continue
        payload = part.get_payload(decode=True) or b""
        attachments.append((part.get_filename() or f"part-{len(attachments) + 1}", part.get_content_type(),
                            len(payload)))

    reply_to = _addresses(message, "Reply-To")
    headers = []
    for name in message.keys():
        headers.append((name, _header_value(message, name)))
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
        text=_decoded(text_part) if text_part is not None else "",
        html=_decoded(html_part) if html_part is not None else None,
        headers=headers,
        attachments=attachments,
        size=len(raw),
    )


_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.S | re.I)
_SPACE = re.compile(r"\s+")


def snippet(text: str, html: str | None, length: int = 160) -> str:
    """A one-line preview: the text body, or the HTML with its tags dropped."""
    source = text if text.strip() else _TAGS.sub(" ", html or "")
    return _SPACE.sub(" ", source).strip()[:length]
