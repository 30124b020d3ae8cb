"""The approve step's risk checks: what in an agent's outgoing mail deserves a second look
before a person lets it go (DESIGN.md, "Supervision").

Every check runs locally on text already fetched, and explains itself in words. A check that
cannot run (the sent log or the contact lists could not be read) says so instead of passing
silently. Headless: the drafts view, the confirmation and the command line all use it.

Checks: secrets (API keys, tokens, private keys, passwords) and personal data (card numbers,
IBANs) in subject or body; links whose text and target differ, or that go to look-alike or
punycode hosts; recipients never written to before from that mailbox; many recipients;
recipients unsubscribed or bounced on a contact list; look-alike recipient domains; an
attachment mentioned but absent; a send quota the batch would exceed; the operator's own
rules from config.toml (`[risk]`: domains always fine or always flagged, words to flag, a
recipient cap, and whether drafts to allowed domains only are low risk).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from po6_tui.lookalike import WORD, host_warning, link_warning, mixed_script

NONE, LOW, MEDIUM, HIGH = 0, 1, 2, 3
LEVEL_NAMES = ("none", "low", "medium", "high")
TEXT_MAX = 400_000  # characters of subject + body looked at (a check must not stall the queue)


@dataclass(frozen=True)
class Finding:
    check: str  # a short name: "secret", "first-time recipient", …
    level: int
    text: str  # the explanation, in words; may quote server text (make it safe to show)


@dataclass(frozen=True)
class Message:
    """What will be sent."""

    mailbox: str  # the sending address
    to: Sequence[str]
    subject: str
    body_text: str
    body_html: str | None = None
    cc: Sequence[str] = ()
    bcc: Sequence[str] = ()
    attachments: Sequence[str] = ()  # file names; PO6 drafts carry none

    @property
    def recipients(self) -> list[str]:
        return [a.strip().lower() for a in [*self.to, *self.cc, *self.bcc] if a.strip()]


@dataclass(frozen=True)
class Known:
    """What the app has fetched about the sending mailbox; None where it could not be read
    (then the check that needs it says it did not run)."""

    correspondents: frozenset[str] | None = None  # addresses this mailbox sent to before
    suppressed: dict[str, str] | None = None  # address → "unsubscribed from LIST" / "bounced on LIST"
    sends_left: tuple[int | None, int | None] | None = None  # (this hour, today); None: unknown


@dataclass(frozen=True)
class Rules:
    """The operator's rules (`[risk]` in config.toml)."""

    allow_domains: frozenset[str] = frozenset()  # always fine: never "first-time"
    flag_domains: frozenset[str] = frozenset()  # always flagged
    flag_words: tuple[str, ...] = ()
    max_recipients: int = 10
    low_risk_allowed_domains: bool = True  # a draft only to allowed domains, with no finding above low, is low risk


@dataclass
class Assessment:
    findings: list[Finding] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)  # "first-time recipients: the sent log could not be read"
    low_risk: bool = False  # may be approved in a batch of low-risk drafts (a person still confirms)

    @property
    def level(self) -> int:
        return max((f.level for f in self.findings), default=NONE)

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]

    def summary(self, limit: int = 3) -> str:
        """One line: "high: secret, first-time recipient", "none", or "low risk"."""
        if not self.findings:
            return "low risk" if self.low_risk else "none found"
        names = list(dict.fromkeys(f.check for f in sorted(self.findings, key=lambda f: -f.level)))
        more = f" +{len(names) - limit}" if len(names) > limit else ""
        return f"{self.level_name}: {', '.join(names[:limit])}{more}"


# -- secrets and personal data -------------------------------------------------------------------
_SECRETS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern)) for name, pattern in (
    ("a PO6 or Postern API key", r"\b(?:mcp_po6_|pk_agent_|pk_enroll_|whsec_)[A-Za-z0-9_\-]{8,}"),
    ("an OpenAI or Anthropic API key", r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_\-]{20,}"),
    ("a Stripe key", r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"),
    ("an AWS access key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    ("a GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{30,}"),
    ("a Slack token", r"\bxox[abprs]-[A-Za-z0-9\-]{10,}"),
    ("a Google API key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    ("a JSON web token", r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"),
    ("a private key", r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----"),
    ("a bearer token", r"(?i)\bbearer\s+[A-Za-z0-9._~+/\-]{16,}"),
    ("a password", r"(?i)\b(?:password|passwd|pwd|passcode|pass phrase|passphrase)\s*[:=]\s*\S{4,}"),
))
_CARD = re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")


def _hint(value: str) -> str:
    """A secret as a finding may show it: its first characters only."""
    return value[:6] + "…"


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _iban_valid(text: str) -> bool:
    code = text.replace(" ", "")
    if not 15 <= len(code) <= 34:
        return False
    moved = code[4:] + code[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def secret_findings(text: str) -> list[Finding]:
    found = []
    for name, pattern in _SECRETS:
        match = pattern.search(text)
        if match:
            found.append(Finding("secret", HIGH, f"contains {name} ({_hint(match.group(0))}): "
                                 "a secret must never leave in mail"))
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and _luhn(digits) and len(set(digits)) > 1:
            found.append(Finding("personal data", HIGH, f"contains a payment card number (…{digits[-4:]})"))
            break
    for match in _IBAN.finditer(text):
        if _iban_valid(match.group(0)):
            found.append(Finding("personal data", MEDIUM, f"contains a bank account number (IBAN {match.group(0)[:4]}…)"))
            break
    return found


# -- links -----------------------------------------------------------------------------------------
class _Anchors(HTMLParser):
    """(text, href) of every link in HTML; no network, nothing rendered."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._open.append((dict(attrs).get("href") or "", []))

    def handle_data(self, data: str) -> None:
        for _href, words in self._open:
            words.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            href, words = self._open.pop()
            if href and not href.startswith("#"):
                self.links.append(("".join(words).strip(), href))


_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'`)\]]+", re.I)


def link_findings(body_text: str, body_html: str | None) -> list[Finding]:
    found: list[Finding] = []
    seen: set[str] = set()
    if body_html:
        parser = _Anchors()
        try:
            parser.feed(body_html[:TEXT_MAX])
            parser.close()
        except Exception:  # hostile HTML: what was parsed so far still counts
            pass
        for words, href in parser.links[:500]:
            warning = link_warning(words, href)
            if warning and href not in seen:
                seen.add(href)
                found.append(Finding("deceptive link", HIGH if "names" in warning else MEDIUM,
                                     f"a link “{words[:60]}” {warning}"))
    for match in _URL.finditer(body_text[:TEXT_MAX]):
        url = match.group(0).rstrip(".,;:!?")
        try:
            host = urlsplit(url if "://" in url else "http://" + url).hostname or ""
        except ValueError:
            continue
        warning = host_warning(host) or ("mixes alphabets (a look-alike)" if mixed_script(host) else "")
        if warning and url not in seen:
            seen.add(url)
            found.append(Finding("deceptive link", MEDIUM, f"a link to {host}: {warning}"))
    return found[:10]


# -- recipients ------------------------------------------------------------------------------------
def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower().rstrip(">").strip()


def _in(domain: str, domains: Iterable[str]) -> bool:
    return any(domain == d or domain.endswith("." + d) for d in domains)


def recipient_findings(message: Message, known: Known, rules: Rules, not_run: list[str]) -> list[Finding]:
    found: list[Finding] = []
    recipients = list(dict.fromkeys(message.recipients))
    if len(recipients) > rules.max_recipients:
        found.append(Finding("many recipients", MEDIUM,
                             f"goes to {len(recipients)} recipients (more than {rules.max_recipients})"))
    for address in recipients:
        domain = _domain(address)
        warning = host_warning(domain) or (
            "mixes alphabets (a look-alike)" if any(mixed_script(w) for w in WORD.findall(address)) else "")
        if warning:
            found.append(Finding("look-alike recipient", HIGH, f"{address}: {warning}"))
        if _in(domain, rules.flag_domains):
            found.append(Finding("flagged domain", HIGH, f"{address} is in a domain your rules flag ({domain})"))
    if known.suppressed is None:
        not_run.append("unsubscribed or bounced recipients: the contact lists could not be read")
    else:
        for address in recipients:
            if address in known.suppressed:
                found.append(Finding("unsubscribed", HIGH, f"{address} {known.suppressed[address]}"))
    if known.correspondents is None:
        not_run.append("first-time recipients: the sent log could not be read")
    else:
        new = [a for a in recipients if a not in known.correspondents and not _in(_domain(a), rules.allow_domains)]
        if new:
            more = f" and {len(new) - 3} more" if len(new) > 3 else ""
            found.append(Finding("first-time recipient", LOW,
                                 f"{message.mailbox or 'this mailbox'} never wrote to {', '.join(new[:3])}{more} before"))
    return found


# -- the rest ----------------------------------------------------------------------------------------
_ATTACHMENT_WORDS = re.compile(r"(?i)\b(?:attached|attachment|attaching|enclosed|see the attach\w*|PFA)\b")


def attachment_findings(message: Message, text: str) -> list[Finding]:
    match = _ATTACHMENT_WORDS.search(text)
    if match and not message.attachments:
        return [Finding("missing attachment", MEDIUM, f"mentions “{match.group(0)}” but has no attachment")]
    return []


def word_findings(text: str, rules: Rules) -> list[Finding]:
    lowered = text.casefold()
    return [Finding("flagged word", MEDIUM, f"mentions “{word}” (a word your rules flag)")
            for word in rules.flag_words if word.casefold() in lowered]


def quota_findings(known: Known, batch: int, not_run: list[str]) -> list[Finding]:
    if known.sends_left is None:
        not_run.append("send quota: the plan or the sent log is not known")
        return []
    hour, day = known.sends_left
    for left, period in ((hour, "this hour"), (day, "today")):
        if left is not None and batch > left:
            return [Finding("quota", HIGH, f"{'this batch of ' + str(batch) if batch > 1 else 'this send'} would "
                            f"exceed the send quota: {max(0, left)} left {period}")]
    return []


def assess(message: Message, known: Known = Known(), rules: Rules = Rules(), *, batch: int = 1) -> Assessment:
    """Every check on one outgoing message (`batch`: how many are being approved together)."""
    result = Assessment()
    text = f"{message.subject}\n{message.body_text or ''}"[:TEXT_MAX]
    if message.body_html and not (message.body_text or "").strip():
        text += "\n" + re.sub(r"<[^>]*>", " ", message.body_html[:TEXT_MAX])
    result.findings += secret_findings(text)
    result.findings += link_findings(message.body_text or "", message.body_html)
    result.findings += recipient_findings(message, known, rules, result.not_run)
    result.findings += attachment_findings(message, text)
    result.findings += word_findings(text, rules)
    result.findings += quota_findings(known, batch, result.not_run)
    result.findings.sort(key=lambda f: -f.level)
    only_allowed = bool(message.recipients) and all(_in(_domain(a), rules.allow_domains) for a in message.recipients)
    result.low_risk = rules.low_risk_allowed_domains and only_allowed and result.level <= LOW
    return result


# -- rules from config.toml ------------------------------------------------------------------------
def _strings(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return [v.strip().lower() for v in value]
    return None


def rules_from(table: Any, lines: dict[str, int] | None = None) -> tuple[Rules, list[str]]:
    """`[risk]` of config.toml as Rules, and the problems found (each names its line; a bad rule
    is ignored, the others apply)."""
    lines = lines or {}
    problems: list[str] = []

    def bad(key: str, what: str) -> None:
        where = f"line {lines[key]}: " if key in lines else ""
        problems.append(f"config.toml {where}[risk] {key} {what}; this rule is ignored.")

    if table is None:
        return Rules(), []
    if not isinstance(table, dict):
        return Rules(), ["config.toml: [risk] must be a table; the risk rules are ignored."]
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in ("allow_domains", "flag_domains", "flag_words"):
            items = _strings(value)
            if items is None:
                bad(key, "must be a list of non-empty strings")
            elif key.endswith("domains") and any("@" in d or " " in d or "." not in d for d in items):
                bad(key, "must list domain names such as \"example.com\"")
            else:
                values[key] = tuple(items) if key == "flag_words" else frozenset(d.lstrip("@.") for d in items)
        elif key == "max_recipients":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                bad(key, "must be a whole number of at least 1")
            else:
                values[key] = value
        elif key == "low_risk_allowed_domains":
            if not isinstance(value, bool):
                bad(key, "must be true or false")
            else:
                values[key] = value
        else:
            bad(key, "is not a rule po6-tui knows (allow_domains, flag_domains, flag_words, max_recipients, "
                     "low_risk_allowed_domains)")
    return Rules(**values), problems
