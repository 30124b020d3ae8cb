"""Typed views of Postern's objects (API.md part 2), as lenient as the PO6 ones (`api.models.Model`).

Secrets the server hands out once (a new agent key, a webhook secret) are kept out of `repr`.
Everything here is untrusted text: the UI sanitizes before display.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import Field

from po6_tui.api.models import Addresses, Attachment, Model, Timestamp

T = TypeVar("T", bound=Model)


class Enrollment(Model):
    """POST /v1/enroll: a new agent key. `agent_key` is shown once; store it like a password."""

    agent_id: str
    agent_key: str = Field(default="", repr=False)
    agent_key_prefix: str = ""
    scopes: list[str] = Field(default_factory=list)
    allowed_domains: list[str] = Field(default_factory=list)
    mailboxes_used: int = 0
    mailboxes_max: int | None = None
    expires_at: Timestamp = None


class InboxWebhook(Model):
    id: str
    url: str = ""
    secret: str = Field(default="", repr=False)


class Inbox(Model):
    id: str
    address: str = ""
    display_name: str | None = None
    domain: str | None = None
    status: str | None = None
    created_at: Timestamp = None
    inbound_webhook: InboxWebhook | None = None  # only when created with inbound_webhook_url


class Page(Model, Generic[T]):
    """One page of a list; pass `next_cursor` back for the next one (None: this was the last)."""

    data: list[T] = Field(default_factory=list)
    next_cursor: str | None = None


class SendResult(Model):
    id: str
    status: str | None = None  # "queued"
    thread_id: str | None = None


class MessageSummary(Model):
    id: str
    thread_id: str | None = None
    inbox: str | None = None
    direction: str | None = None  # inbound or outbound
    from_: str = Field(default="", alias="from")
    from_name: str | None = None
    to: Addresses = Field(default_factory=list)
    subject: str = ""
    snippet: str = ""
    received_at: Timestamp = None
    unread: bool = False
    status: str | None = None


class Message(MessageSummary):
    cc: Addresses = Field(default_factory=list)
    bcc: Addresses = Field(default_factory=list)
    reply_to: str | None = None
    text: str | None = None
    html: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    attachments: list[Attachment] = Field(default_factory=list)
    message_id: str | None = None
    in_reply_to: str | None = None


class Thread(Model):
    id: str
    inbox: str | None = None
    subject: str = ""
    message_count: int = 0
    participants: list[str] = Field(default_factory=list)
    last_message_at: Timestamp = None
    unread_count: int = 0


class ThreadDetail(Thread):
    messages: list[MessageSummary] = Field(default_factory=list)


class Credentials(Model):
    username: str | None = None
    password: str | None = Field(default=None, repr=False)


class Extracted(Model):
    otp_code: str | None = None
    verification_link: str | None = None
    credentials: Credentials | None = None


class WaitResult(Model):
    timed_out: bool = False
    message: MessageSummary | None = None
    extracted: Extracted | None = None


class Webhook(Model):
    id: str
    url: str = ""
    events: list[str] = Field(default_factory=list)
    address: str | None = None
    secret: str = Field(default="", repr=False)
    created_at: Timestamp = None


class DeleteResult(Model):
    id: str
    address: str | None = None
    deleted: bool = False


def page_of(model: type[T]) -> Any:
    """The parser of a `{data, next_cursor}` list of `model`."""
    return Page[model].model_validate
