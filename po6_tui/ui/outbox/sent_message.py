"""One sent message in full (Enter in `:sent`): every recipient, the delivery status and, for a
bounce or failure, the reason where one can be found, and the message itself.

PO6's sent log (`list_sent_emails`) holds neither the body nor a bounce reason. The body comes from
the mailbox's Sent folder, where the copy has the same subject and time; the reason from a bounce
notice (from the mail system) in the mailbox that names a recipient. When neither is there, the
screen says so instead of leaving a blank.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from po6_tui.api.models import Email, SentEmail
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.kit.reader import READER_KEYS, Headers, Reading
from po6_tui.ui.shell.app_screen import AppScreen

PROBLEMS = ("bounced", "failed")
COPY_WINDOW = 120  # seconds between the sent log's time and the Sent folder copy's date
BOUNCE_SENDERS = ("mailer-daemon", "postmaster", "mail delivery")
STATUS_MEANING = {"queued": "accepted, not delivered yet", "sent": "handed to the mail system",
                  "delivered": "the receiving server took it", "bounced": "the receiving side refused it",
                  "failed": "PO6 could not send it"}


@dataclass(frozen=True)
class SentDetail:
    copy: Email | None   # the message as kept in the Sent folder, if found
    reason: str          # why it bounced or failed, in words ("" when delivered)
    body: safe.Body


async def _find_copy(client, mailbox_id: str, sent: SentEmail) -> Email | None:  # noqa: ANN001
    if sent.sent_at is None:
        return None
    page = await client.list_emails(mailbox_id=mailbox_id, folder="Sent", limit=100)
    for summary in page.emails:
        if (summary.subject == sent.subject and summary.date is not None
                and abs((summary.date - sent.sent_at).total_seconds()) <= COPY_WINDOW):
            return await client.get_email(mailbox_id=mailbox_id, email_id=summary.id)
    return None


async def _bounce_reason(client, mailbox_id: str, sent: SentEmail) -> str:  # noqa: ANN001
    """The lines of the newest bounce notice in the mailbox that name a recipient of `sent`."""
    for recipient in [*sent.to_addresses, *sent.cc_addresses]:
        results = await client.search_emails(query=recipient, mailbox_id=mailbox_id, limit=20)
        for summary in results.results:
            if not any(word in summary.from_.lower() for word in BOUNCE_SENDERS):
                continue
            notice = await client.get_email(mailbox_id=mailbox_id, email_id=summary.id)
            lines = [line.strip() for line in (notice.body_text or "").splitlines()
                     if recipient.lower() in line.lower()]
            if lines:
                return (f"{safe.one_line(' / '.join(lines[:3]), 300)} (from the bounce notice of "
                        f"{timefmt.full(notice.date)})")
    return "PO6 gives no reason with the status, and no bounce notice in this mailbox names a recipient."


async def load_detail(session: AccountSession, mailbox_id: str, sent: SentEmail) -> SentDetail:
    client = await session.po6_client()
    copy = await _find_copy(client, mailbox_id, sent)
    reason = await _bounce_reason(client, mailbox_id, sent) if sent.delivery_status in PROBLEMS else ""
    if copy is None:
        body = safe.Body(safe.text("The message itself is not in the Sent folder (moved or deleted there): "
                                   "only the sent log's record is shown.", style="dim italic"), [], "empty")
    else:
        body = await asyncio.to_thread(safe.message_body, copy.body_text, copy.body_html)
    return SentDetail(copy, reason, body)


class SentMessageScreen(Reading, AppScreen):
    VIEW = "sent"
    HELP_GROUP = "Sent message"
    AUTO_FOCUS = "#scroll"

    BINDINGS = [*READER_KEYS]

    def __init__(self, session: AccountSession, mailbox_id: str, sender: str, sent: SentEmail) -> None:
        super().__init__()
        self.session, self.mailbox_id, self.sender, self.sent = session, mailbox_id, sender, sent
        self.detail: SentDetail | None = None

    def loading_subject(self) -> str:
        return self.sent.subject

    def message_headers(self) -> Headers | None:
        sent, detail = self.sent, self.detail
        status = sent.delivery_status or "?"
        rows = [("To", ", ".join(sent.to_addresses)), ("Cc", ", ".join(sent.cc_addresses)),
                ("Sent", timefmt.full(sent.sent_at)),
                ("Status", f"{status} ({STATUS_MEANING[status]})" if status in STATUS_MEANING else status),
                ("Reason", detail.reason if detail else ""), ("Sent by", sent.sent_via or "")]
        return Headers(self.sender, sent.subject, rows, detail.copy.headers if detail and detail.copy else {})

    def message_versions(self) -> tuple[str | None, str | None] | None:
        copy = self.detail.copy if self.detail else None
        return (copy.body_text, copy.body_html) if copy is not None else None

    def on_mount(self) -> None:
        def done(detail: SentDetail) -> None:
            self.detail = detail
            self.show_message(detail.body)

        run_io(self, lambda: load_detail(self.session, self.mailbox_id, self.sent), what="Opening the sent message",
               done=done, group="sent-message", exclusive=True)
