"""Typed views of what the services return, built to survive servers that differ from API.md.

Every model keeps unknown fields (`extra="allow"`), treats every field but ids as optional,
and is lenient in two generic ways (both in `Model`):
- a field whose value does not fit its type (a bad timestamp, a string where a number was
  expected) falls back to its default instead of failing the whole object; its name is kept
  in `dropped_fields`;
- a list of objects is parsed item by item: a malformed item is skipped and counted in
  `skipped_items`, the others survive.
Only a missing or malformed id fails an object.

Everything in here is untrusted text: the UI must sanitize before display (`ui/safe.py`).
"""

from __future__ import annotations

import functools
import types
import typing
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

M = TypeVar("M", bound="Model")


def _as_utc(value: datetime | None) -> datetime | None:
    # Servers send ISO 8601 UTC; a time without a zone is taken as UTC so that comparisons
    # with aware datetimes never raise.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _as_address_list(value: Any) -> Any:
    # `to` may come as one string, a comma-separated string, or a list.
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


Timestamp = Annotated[datetime | None, AfterValidator(_as_utc)]
Addresses = Annotated[list[str], BeforeValidator(_as_address_list)]


class Items(list, Generic[M]):
    """A list of parsed objects that remembers how many malformed ones were skipped,
    and the server's `total` when it sent one."""

    skipped: int = 0
    total: int | None = None


def parse_items(model: type[M], raw: Any) -> Items[M]:
    """Parse each element of `raw` as `model`; skip (and count) the ones that fail."""
    items: Items[M] = Items()
    if raw is None:
        return items
    if not isinstance(raw, list):
        items.skipped = 1
        return items
    for element in raw:
        try:
            items.append(model.model_validate(element))
        except ValidationError:
            items.skipped += 1
    return items


@functools.cache
def _list_fields(cls: type[Model]) -> dict[str, tuple[str, type[Model]]]:
    """Fields declared as `list[SomeModel]`: name -> (JSON key, item model)."""
    found = {}
    for name, info in cls.model_fields.items():
        annotation = info.annotation
        if typing.get_origin(annotation) in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
        if typing.get_origin(annotation) is list:
            (item,) = typing.get_args(annotation) or (None,)
            if isinstance(item, type) and issubclass(item, Model):
                found[name] = (info.alias or name, item)
    return found


class Model(BaseModel):
    # defer_build: a model's validator is built on its first use, not at import, which keeps
    # the app's start-up fast (about 40 ms for all these models).
    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True)

    _skipped: int = PrivateAttr(default=0)
    _dropped: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="wrap")
    @classmethod
    def _lenient(cls, data: Any, handler: Any) -> Any:
        if not isinstance(data, dict):
            return handler(data)
        data = dict(data)
        skipped = 0
        for name, (key, item_model) in _list_fields(cls).items():
            source = key if key in data else name
            if source in data and data[source] is not None:
                items = parse_items(item_model, data[source])
                data[source], skipped = list(items), skipped + items.skipped
        dropped: set[str] = set()
        for _attempt in range(3):
            try:
                instance = handler(data)
                break
            except ValidationError as exc:
                bad = {str(err["loc"][0]) for err in exc.errors() if err.get("loc")}
                if not bad or not bad <= cls._optional_keys():
                    raise  # an id (or the object itself) is unusable
                for key in bad:
                    data.pop(key, None)
                dropped |= bad
        else:
            instance = handler(data)
        instance._skipped = skipped
        instance._dropped = tuple(sorted(dropped))
        return instance

    @classmethod
    def _optional_keys(cls) -> set[str]:
        return {k for n, f in cls.model_fields.items() if not f.is_required() for k in (n, f.alias) if k}

    @property
    def skipped_items(self) -> int:
        """How many malformed list items were left out of this object's lists."""
        return self._skipped

    @property
    def dropped_fields(self) -> tuple[str, ...]:
        """Fields whose values did not fit and were replaced by defaults."""
        return self._dropped

    @property
    def extra(self) -> dict[str, Any]:
        """Fields the server sent that this model does not know."""
        return dict(self.model_extra or {})


# -- mailboxes and email ----------------------------------------------------------------


class Mailbox(Model):
    id: str
    address: str = ""
    display_name: str | None = None
    total: int = 0
    unread: int = 0
    storage_bytes: int = 0


class FolderInfo(Model):
    name: str
    type: str | None = None  # system or custom
    total: int = 0
    unread: int = 0


class MailboxStats(Model):
    mailbox_id: str
    address: str = ""
    total: int = 0
    unread: int = 0
    starred: int = 0
    storage_bytes: int = 0
    storage_limit_bytes: int | None = None
    folders: list[FolderInfo] = Field(default_factory=list)


class Attachment(Model):
    filename: str = ""
    content_type: str = "application/octet-stream"
    size: int = 0


class EmailSummary(Model):
    id: str
    mailbox_id: str | None = None
    folder: str | None = None
    from_: str = Field(default="", alias="from")
    from_name: str | None = None
    to: Addresses = Field(default_factory=list)
    subject: str = ""
    snippet: str = ""
    date: Timestamp = None
    is_read: bool = False
    is_starred: bool = False
    has_attachments: bool = False
    size: int = 0


class Email(EmailSummary):
    cc: Addresses = Field(default_factory=list)
    reply_to: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    body_text: str | None = None
    body_html: str | None = None
    attachments: list[Attachment] = Field(default_factory=list)
    message_id: str | None = None  # the RFC 5322 Message-ID
    in_reply_to: str | None = None


class Paged(Model):
    """What every `limit`/`offset` list reports about its page (API.md 1.5)."""

    total: int = 0
    offset: int = 0
    limit: int = 50
    has_more: bool = False


class EmailPage(Paged):
    emails: list[EmailSummary] = Field(default_factory=list)


class SearchResults(Model):
    results: list[EmailSummary] = Field(default_factory=list)
    total: int = 0
    has_more: bool = False


class EmailFlags(Model):
    """Result of mark_email."""

    id: str
    is_read: bool | None = None
    is_starred: bool | None = None


class MoveResult(Model):
    id: str
    folder: str | None = None


class DeleteResult(Model):
    id: str
    deleted: bool = True


class EmailList(Model):
    id: str
    name: str = ""
    contact_count: int = 0
    active_count: int = 0


class Contact(Model):
    email: str = ""
    name: str | None = None
    company: str | None = None
    status: str | None = None  # active, unsubscribed, bounced


class ContactPage(Paged):
    contacts: list[Contact] = Field(default_factory=list)


# -- drafts and sending -----------------------------------------------------------------


class Draft(Model):
    id: str
    mailbox_id: str | None = None
    to_addresses: Addresses = Field(default_factory=list)
    cc_addresses: Addresses = Field(default_factory=list)
    subject: str = ""
    body_text: str | None = None
    body_html: str | None = None
    status: str = "pending"  # pending, approved, rejected, expired, sent
    created_at: Timestamp = None
    expires_at: Timestamp = None
    created_via: str | None = None
    decided_at: Timestamp = None
    reject_reason: str | None = None
    sent_id: str | None = None  # the sent message, once approved


class SentEmail(Model):
    id: str
    to_addresses: Addresses = Field(default_factory=list)
    cc_addresses: Addresses = Field(default_factory=list)
    subject: str = ""
    sent_at: Timestamp = None
    delivery_status: str | None = None  # queued, sent, delivered, bounced, failed
    sent_via: str | None = None  # web, mcp, api


class SentPage(Paged):
    emails: list[SentEmail] = Field(default_factory=list)


class SendResult(Model):
    """Result of compose_email, reply_email and forward_email."""

    id: str
    status: str | None = None  # queued or sent
    sent_at: Timestamp = None


class DraftDecision(Draft):
    """Result of the sandbox's approve_draft / reject_draft: the draft and, once approved, what was sent."""

    sent: SendResult | None = None


# -- templates --------------------------------------------------------------------------


class Template(Model):
    id: str
    name: str = ""
    subject: str = ""
    variables: list[str] = Field(default_factory=list)


class TemplateDetail(Template):
    body_text: str | None = None
    body_html: str | None = None


# -- aliases and domains ----------------------------------------------------------------


class Alias(Model):
    id: str
    address: str = ""
    forward_to: str | None = None
    plan: str | None = None
    is_active: bool = False
    plus_addressing: bool = False
    verification_status: str | None = None
    url_redirect: str | None = None
    domain_id: str | None = None  # set for aliases on a custom domain


class Domain(Model):
    id: str
    domain: str = ""
    verification_status: str | None = None
    catchall_enabled: bool = False
    alias_count: int = 0
    plan: str | None = None
    limits: dict[str, Any] = Field(default_factory=dict)

    @property
    def max_aliases(self) -> int | None:
        """How many active aliases the domain's plan allows (None: the server did not say)."""
        value = self.limits.get("max_aliases")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


class MxRecord(Model):
    host: str = ""
    priority: int | None = None
    valid: bool = False


class Catchall(Model):
    enabled: bool = False
    forward_to: str | None = None
    verification_status: str | None = None


class DomainDetail(Domain):
    mx_records: list[MxRecord] = Field(default_factory=list)
    catchall: Catchall | None = None
    aliases: list[Alias] = Field(default_factory=list)


# -- landing pages ----------------------------------------------------------------------


class Seo(Model):
    title: str | None = None
    description: str | None = None
    og_image: str | None = None


class LandingPage(Model):
    id: str
    title: str = ""
    status: str = "draft"  # draft, published, archived
    url: str | None = None
    template_id: str | None = None
    config: dict[str, Any] | None = None  # the full widget config; absent in lists
    seo: Seo | None = None
    alias_id: str | None = None
    domain: str | None = None
    created_at: Timestamp = None
    updated_at: Timestamp = None
    published_at: Timestamp = None


class DailyStat(Model):
    date: str = ""  # a calendar day, kept as sent
    views: int = 0
    leads: int = 0


class PageStats(Model):
    page_id: str
    views: int = 0
    unique_visitors: int = 0
    leads: int = 0
    conversion_rate: float = 0.0
    daily: list[DailyStat] = Field(default_factory=list)


class Lead(Model):
    id: str
    page_id: str | None = None
    email: str = ""
    name: str | None = None
    submitted_at: Timestamp = None
    source: str | None = None


class LeadPage(Paged):
    leads: list[Lead] = Field(default_factory=list)


class LandingTemplate(Model):
    id: str
    name: str = ""
    category: str | None = None
    description: str | None = None
    config: dict[str, Any] | None = None  # only from get_landing_page_template
    default_content: Any = None


class PageDownload(Model):
    filename: str = ""
    html: str = ""


# -- the two-step confirmation ----------------------------------------------------------


class ConfirmationRequest(Model):
    """The server asks before acting. Show `message` to the person; `Po6Client.confirm()` acts.

    `arguments` are the server-side arguments of the first call; the token is bound to them.
    """

    tool: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    token: str
    message: str = ""
    expires_in_seconds: float | None = None

