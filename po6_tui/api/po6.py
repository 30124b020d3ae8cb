"""The typed PO6 Mailbox client: one async method per tool, on top of `McpClient`.

Every method goes through one wrapper, `Po6Client._call`, which
1. refuses writes in read-only mode before any network I/O (`ReadOnlyError`);
2. matches our argument names to the server's `inputSchema` (API.md 1.8);
3. calls the tool; a read is retried with backoff on transient faults, a write never is
   (a write that timed out may have happened; repeating it could send a message twice);
4. maps a tool error to the `api.errors` hierarchy;
5. for the two-step tools, turns a "requires_confirmation" answer into a `ConfirmationRequest`
   (only `confirm()` then acts);
6. records every write attempt in the audit callback (tool, target ids, outcome; never bodies);
7. parses the result into the typed model, leniently (`api.models`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from po6_tui.api import models as m
from po6_tui.api.errors import (
    ApiError,
    AuthError,
    ConfirmationError,
    InvalidError,
    NotFoundError,
    PlanError,
    RateLimitedError,
    ReadOnlyError,
    ScopeError,
    ServerError,
    TransportError,
)
from po6_tui.api import in_flight
from po6_tui.api.mcp import DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, ElicitationHandler, McpClient, Tool
from po6_tui.api.retry import ATTEMPTS, with_retries
from po6_tui.api.transport import unreadable_reply
from po6_tui.audit import CONFIRMATION_REQUESTED, OK, AuditRecord

T = TypeVar("T")
log = logging.getLogger(__name__)

# Every tool that changes anything (sends, moves, deletes, re-routes or publishes).
WRITE_TOOLS: frozenset[str] = frozenset({
    "mark_email", "move_email", "delete_email",
    "compose_email", "reply_email", "forward_email", "create_draft",
    "update_alias", "update_domain_alias", "update_catchall",
    "create_landing_page", "update_landing_page", "publish_landing_page", "unpublish_landing_page",
    "archive_landing_page", "assign_landing_page_domain",
    "approve_draft", "update_draft", "reject_draft",
})

# Tools whose first call only asks (API.md 1.3), mapped to the model of their final result.
TWO_STEP_TOOLS: Mapping[str, type[m.Model]] = {
    "delete_email": m.DeleteResult,
    "publish_landing_page": m.LandingPage,
    "unpublish_landing_page": m.LandingPage,
    "archive_landing_page": m.LandingPage,
    "assign_landing_page_domain": m.LandingPage,
}

# The sandbox's draft-decision tools (API.md 1.7); real PO6 does not offer them.
DECISION_TOOLS = ("approve_draft", "update_draft", "reject_draft")

# Every tool the typed client knows that changes nothing (PO6's 39 + 3 decision tools, less the writes).
READ_TOOLS: frozenset[str] = frozenset({
    "list_mailboxes", "get_mailbox_stats", "list_emails", "get_email", "search_emails", "list_folders",
    "list_email_lists", "get_email_list_contacts", "list_drafts", "list_sent_emails",
    "list_templates", "get_template", "list_aliases", "get_alias", "list_domains", "get_domain",
    "list_landing_page_templates", "get_landing_page_template", "list_landing_pages", "get_landing_page",
    "get_landing_page_stats", "list_landing_page_leads", "download_landing_page",
})

# Other names a server may use for our arguments; the first one its inputSchema lists wins.
ARG_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "mailbox_id": ("mailbox", "mailboxId", "inbox_id"),
    "email_id": ("id", "message_id", "messageId", "emailId"),
    "draft_id": ("id", "draftId"),
    "page_id": ("id", "landing_page_id", "pageId"),
    "template_id": ("id", "templateId"),
    "alias_id": ("id", "aliasId"),
    "domain_id": ("id", "domainId"),
    "list_id": ("id", "email_list_id", "listId"),
    "to_addresses": ("to", "recipients"),
    "cc_addresses": ("cc",),
    "bcc_addresses": ("bcc",),
    "body_text": ("body", "text"),
    "body_html": ("html",),
    "query": ("q", "search"),
}

# Arguments that identify what a write touched: these (and any *_id) go to the audit log.
_AUDITED_ARGUMENTS = frozenset({"id", "domain", "folder", "action", "enabled", "status"})

Parser = Callable[[Any], T]


def many(model: type[m.Model], key: str) -> Parser[m.Items]:
    """Parse `{key: [...], total?}` (or a bare list) into `Items[model]`."""

    def parse(data: Any) -> m.Items:
        raw = data
        if isinstance(data, dict):
            raw = data.get(key)
            if raw is None:
                # Tolerate a server that names the list differently: take its only list.
                lists = [v for v in data.values() if isinstance(v, list)]
                raw = lists[0] if len(lists) == 1 else []
        items = m.parse_items(model, raw)
        if isinstance(data, dict) and isinstance(data.get("total"), int):
            items.total = data["total"]
        return items

    return parse


def classify_tool_error(tool: str, text: str) -> ApiError:
    """Map a tool's error text (API.md 1.6) to the error hierarchy."""
    message = " ".join(text.split())[:500] or f"{tool} failed without saying why."
    lowered = message.lower()
    if "restricted to mailboxes" in lowered:  # API.md 1.1: a key limited to some mailboxes
        return ScopeError("This API key is restricted to some mailboxes, so it cannot change aliases, domains, "
                          "catch-all or landing pages; use an unrestricted key for account-wide changes.", tool=tool)
    if "insufficient scope" in lowered or ("scope" in lowered and "required" in lowered):
        return ScopeError(f"This API key is not allowed to do that ({message}).", tool=tool)
    if "rate limit" in lowered:
        return RateLimitedError(f"Rate limited: {message}", tool=tool)
    if "authentication failed" in lowered or "ip not allowed" in lowered:
        return AuthError(f"The server rejected the API key ({message}).", tool=tool)
    if "confirmation token" in lowered:
        return ConfirmationError(f"{message} Ask again to get a new confirmation.", tool=tool)
    if "paid plan" in lowered or "limit reached" in lowered or "plan limit" in lowered or "upgrade" in lowered:
        return PlanError(message, tool=tool)
    if "not found" in lowered:
        return NotFoundError(message, tool=tool)
    return InvalidError(message, tool=tool)


class Po6Client:
    """PO6 Mailbox over MCP. Create with `await Po6Client.connect(url, key)`; close with `aclose()`.

    Two-step tools (delete_email, publish/unpublish/archive_landing_page,
    assign_landing_page_domain) return a `ConfirmationRequest` on the first call; nothing has
    happened yet. `await client.confirm(request)` acts and returns the typed result. A server
    that acts without asking is taken at its word: the method then returns the result directly.
    """

    def __init__(self, mcp: McpClient, *, read_only: bool = False,
                 audit: Callable[[AuditRecord], None] | None = None, profile: str | None = None,
                 retry_attempts: int = ATTEMPTS) -> None:
        self.mcp = mcp
        self.read_only = read_only
        self.audit = audit
        self.profile = profile
        self.retry_attempts = retry_attempts
        self._tools: dict[str, Tool] | None = None
        self._tools_lock = asyncio.Lock()

    @classmethod
    async def connect(cls, url: str, api_key: str, *, timeout: float = DEFAULT_TIMEOUT,
                      connect_timeout: float = DEFAULT_CONNECT_TIMEOUT, elicit: ElicitationHandler | None = None,
                      **kw: Any) -> Po6Client:
        """Open a session and fetch the tool list (retried like any read). `elicit` answers the
        server's requests for input during a call (api/mcp.py; the app shows a form)."""
        client = cls(McpClient(url, api_key, timeout=timeout, connect_timeout=connect_timeout, elicit=elicit), **kw)
        try:
            await client.load_tools()
        except BaseException:
            await client.aclose()
            raise
        return client

    async def aclose(self) -> None:
        await self.mcp.aclose()

    async def __aenter__(self) -> Po6Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        mode = ", read-only" if self.read_only else ""
        return f"Po6Client({self.mcp.url!r}{mode})"

    @property
    def url(self) -> str:
        return self.mcp.url

    @property
    def host(self) -> str:
        return self.mcp.host

    @property
    def tools(self) -> dict[str, Tool]:
        """The server's tools by name (empty until connected)."""
        return dict(self._tools or {})

    @property
    def has_decision_tools(self) -> bool:
        """Whether the server offers approve_draft, update_draft and reject_draft (the sandbox does)."""
        return all(name in (self._tools or {}) for name in DECISION_TOOLS)

    async def load_tools(self, *, refresh: bool = False) -> dict[str, Tool]:
        """`tools/list`, once per connection (API.md 1.8)."""
        async with self._tools_lock:
            if self._tools is None or refresh:
                await with_retries(self.mcp.initialize, attempts=self.retry_attempts)
                tools = await with_retries(self.mcp.list_tools, attempts=self.retry_attempts)
                self._tools = {tool.name: tool for tool in tools}
            return self._tools

    # -- the one call wrapper -------------------------------------------------------------

    async def _call(self, tool: str, parse: Parser[T], **arguments: Any) -> T:
        if tool in WRITE_TOOLS and self.read_only:
            raise ReadOnlyError(f"Read-only mode: {tool} was not sent.", tool=tool)
        server_args = await self._server_arguments(tool, arguments)
        if tool in TWO_STEP_TOOLS:
            return await self._write(tool, server_args, _two_step_parser(tool, server_args, parse))
        if tool in WRITE_TOOLS:
            return await self._write(tool, server_args, parse)
        return await with_retries(lambda: self._once(tool, server_args, parse), attempts=self.retry_attempts)

    async def confirm(self, request: m.ConfirmationRequest) -> Any:
        """Perform the action a `ConfirmationRequest` asked about; returns the tool's typed result."""
        if self.read_only:
            raise ReadOnlyError(f"Read-only mode: {request.tool} was not sent.", tool=request.tool)
        final_model = TWO_STEP_TOOLS.get(request.tool)
        if final_model is None:
            raise InvalidError(f"{request.tool} is not a two-step tool.", tool=request.tool)
        arguments = {**request.arguments, "confirmation_token": request.token}
        parse = _two_step_parser(request.tool, request.arguments, final_model.model_validate)
        result = await self._write(request.tool, arguments, parse)
        if isinstance(result, m.ConfirmationRequest):
            raise ConfirmationError(f"The server asked again to confirm {request.tool}; nothing was done.",
                                    tool=request.tool)
        return result

    async def _write(self, tool: str, arguments: dict[str, Any], parse: Parser[T]) -> T:
        return await self.recorded_write(
            tool, arguments, lambda: self._once(tool, arguments, parse),
            lambda result: CONFIRMATION_REQUESTED if isinstance(result, m.ConfirmationRequest) else OK)

    async def recorded_write(self, tool: str, arguments: dict[str, Any], send: Callable[[], Awaitable[T]],
                             outcome: Callable[[T], str]) -> T:
        """The one way a write goes out: one attempt, never repeated on our own, and recorded in
        the audit log whatever happens (`outcome(result)` names a success).

        Only the server's own answer is final (a result, or a refusal: tool error, 4xx). Anything
        else — a transport fault, a 5xx, a reply we cannot read, any unexpected exception — leaves
        the outcome unknown: an `OutcomeUnknownError` ("may or may not have taken effect")."""
        try:
            with in_flight.writing(tool):
                result = await send()
            described = outcome(result)  # inside: a reply too odd to describe is not a known outcome
        except (TransportError, ServerError) as error:
            # The request may have reached the server: say so, and never repeat it on our own.
            error = error.maybe_applied(tool, tool=tool)
            self.record_write(tool, arguments, f"error: {error}")
            raise error from None
        except ApiError as error:
            self.record_write(tool, arguments, f"error: {error}")
            raise
        except asyncio.CancelledError:
            self.record_write(tool, arguments, f"error: cancelled before the reply arrived; {tool} "
                                               "may or may not have taken effect.")
            raise
        except Exception as exc:  # e.g. RecursionError on a deeply nested reply
            log.debug("unexpected failure of %s", tool, exc_info=True)
            error = unreadable_reply(self.host, exc, tool=tool).maybe_applied(tool, tool=tool)
            self.record_write(tool, arguments, f"error: {error}")
            raise error from None
        self.record_write(tool, arguments, described)
        return result

    async def _once(self, tool: str, arguments: dict[str, Any], parse: Parser[T]) -> T:
        try:
            result = await self.mcp.call_tool(tool, arguments)
        except RecursionError as exc:  # a reply nested too deeply for the JSON parser
            raise unreadable_reply(self.host, exc, tool=tool) from None
        if result.is_error:
            raise classify_tool_error(tool, result.text)
        try:
            data = result.data()  # JSON in a text block may be nested too deeply to parse
        except RecursionError as exc:
            raise unreadable_reply(self.host, exc, tool=tool) from None
        if not isinstance(data, dict | list):
            raise TransportError(f"The reply of {self.host} to {tool} was not the JSON expected.", tool=tool)
        try:
            return parse(data)
        except RecursionError as exc:
            raise unreadable_reply(self.host, exc, tool=tool) from None
        except ValidationError as exc:
            fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e.get("loc")})) or "the object"
            raise TransportError(f"The reply of {self.host} to {tool} is unusable (bad or missing {fields}).",
                                 tool=tool) from None

    async def _server_arguments(self, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
        """Rename our arguments to the server's, drop the ones it does not take, check required ones."""
        spec = (await self.load_tools()).get(tool)
        if spec is None:
            raise InvalidError(f"The server at {self.host} does not offer the tool {tool}.", tool=tool)
        given = {name: _plain(value) for name, value in arguments.items() if value is not None}
        properties = spec.properties
        if properties is None:
            out = given
        else:
            out = {}
            for name, value in given.items():
                target = next((c for c in (name, *ARG_SYNONYMS.get(name, ()))
                               if c in properties and c not in out), None)
                if target is not None:
                    out[target] = value
                elif spec.input_schema.get("additionalProperties") is True:
                    out[name] = value
                # else: the server does not take this argument; sending it could be refused.
            missing = [name for name in spec.required if name not in out and name != "confirmation_token"]
            if missing:
                raise InvalidError(f"Cannot call {tool}: the server requires the argument {missing[0]!r}, "
                                   "which this client cannot supply.", tool=tool)
        return out

    def record_write(self, tool: str, arguments: dict[str, Any], outcome: str) -> None:
        """Append a write to the audit log: target ids only, never bodies or keys."""
        if self.audit is None:
            return
        targets = {name: str(value)[:200] for name, value in arguments.items()
                   if (name.endswith("_id") or name in _AUDITED_ARGUMENTS) and not isinstance(value, dict | list)}
        try:
            self.audit(AuditRecord(tool=tool, targets=targets, outcome=outcome[:500], profile=self.profile))
        except Exception:
            # The write has already happened (or failed) on the server: reporting the audit
            # failure as the write's failure would invite a second, duplicate attempt.
            log.exception("could not record %s in the audit log", tool)

    # -- mailboxes ------------------------------------------------------------------------

    async def list_mailboxes(self) -> m.Items[m.Mailbox]:
        return await self._call("list_mailboxes", many(m.Mailbox, "mailboxes"))

    async def get_mailbox_stats(self, mailbox_id: str) -> m.MailboxStats:
        return await self._call("get_mailbox_stats", m.MailboxStats.model_validate, mailbox_id=mailbox_id)

    async def list_emails(self, mailbox_id: str, folder: str | None = "INBOX", *, sender: str | None = None,
                          since: str | None = None, until: str | None = None, unread_only: bool | None = None,
                          starred_only: bool | None = None, limit: int | None = None,
                          offset: int | None = None) -> m.EmailPage:
        return await self._call("list_emails", m.EmailPage.model_validate, mailbox_id=mailbox_id, folder=folder,
                                sender=sender, since=since, until=until, unread_only=unread_only,
                                starred_only=starred_only, limit=limit, offset=offset)

    async def get_email(self, mailbox_id: str, email_id: str) -> m.Email:
        """The full message. Does not mark it read (PO6 documents this); call mark_email for that."""
        return await self._call("get_email", m.Email.model_validate, mailbox_id=mailbox_id, email_id=email_id)

    async def search_emails(self, query: str, *, mailbox_id: str | None = None,
                            limit: int | None = None) -> m.SearchResults:
        return await self._call("search_emails", m.SearchResults.model_validate, query=query,
                                mailbox_id=mailbox_id, limit=limit)

    async def mark_email(self, mailbox_id: str, email_id: str, action: str) -> m.EmailFlags:
        """`action` is one of read, unread, starred, unstarred."""
        return await self._call("mark_email", m.EmailFlags.model_validate, mailbox_id=mailbox_id,
                                email_id=email_id, action=action)

    async def move_email(self, mailbox_id: str, email_id: str, folder: str) -> m.MoveResult:
        return await self._call("move_email", m.MoveResult.model_validate, mailbox_id=mailbox_id,
                                email_id=email_id, folder=folder)

    async def delete_email(self, mailbox_id: str, email_id: str) -> m.ConfirmationRequest | m.DeleteResult:
        """Two-step, permanent: returns a ConfirmationRequest; `confirm()` deletes."""
        return await self._call("delete_email", m.DeleteResult.model_validate, mailbox_id=mailbox_id,
                                email_id=email_id)

    async def list_folders(self, mailbox_id: str) -> m.Items[m.FolderInfo]:
        return await self._call("list_folders", many(m.FolderInfo, "folders"), mailbox_id=mailbox_id)

    async def list_email_lists(self) -> m.Items[m.EmailList]:
        """Paid plans only (a PlanError otherwise)."""
        return await self._call("list_email_lists", many(m.EmailList, "lists"))

    async def get_email_list_contacts(self, list_id: str, *, status: str | None = None, limit: int | None = None,
                                      offset: int | None = None) -> m.ContactPage:
        return await self._call("get_email_list_contacts", m.ContactPage.model_validate, list_id=list_id,
                                status=status, limit=limit, offset=offset)

    async def list_drafts(self, *, mailbox_id: str | None = None, status: str | None = "pending") -> m.Items[m.Draft]:
        return await self._call("list_drafts", many(m.Draft, "drafts"), mailbox_id=mailbox_id, status=status)

    async def list_sent_emails(self, mailbox_id: str, *, limit: int | None = None,
                               offset: int | None = None) -> m.SentPage:
        return await self._call("list_sent_emails", m.SentPage.model_validate, mailbox_id=mailbox_id,
                                limit=limit, offset=offset)

    # -- sending --------------------------------------------------------------------------

    async def compose_email(self, mailbox_id: str, to_addresses: list[str], subject: str, body_text: str, *,
                            body_html: str | None = None, cc_addresses: list[str] | None = None,
                            bcc_addresses: list[str] | None = None) -> m.SendResult:
        return await self._call("compose_email", m.SendResult.model_validate, mailbox_id=mailbox_id,
                                to_addresses=to_addresses, subject=subject, body_text=body_text,
                                body_html=body_html, cc_addresses=cc_addresses, bcc_addresses=bcc_addresses)

    async def reply_email(self, mailbox_id: str, email_id: str, body_text: str, *,
                          body_html: str | None = None) -> m.SendResult:
        """Sends to the original sender."""
        return await self._call("reply_email", m.SendResult.model_validate, mailbox_id=mailbox_id,
                                email_id=email_id, body_text=body_text, body_html=body_html)

    async def forward_email(self, mailbox_id: str, email_id: str, to_addresses: list[str], *,
                            body_text: str | None = None) -> m.SendResult:
        return await self._call("forward_email", m.SendResult.model_validate, mailbox_id=mailbox_id,
                                email_id=email_id, to_addresses=to_addresses, body_text=body_text)

    async def create_draft(self, mailbox_id: str, to_addresses: list[str], subject: str, body_text: str, *,
                           body_html: str | None = None, cc_addresses: list[str] | None = None) -> m.Draft:
        return await self._call("create_draft", m.Draft.model_validate, mailbox_id=mailbox_id,
                                to_addresses=to_addresses, subject=subject, body_text=body_text,
                                body_html=body_html, cc_addresses=cc_addresses)

    # -- draft decisions (sandbox extension; see has_decision_tools) -------------------------

    async def approve_draft(self, draft_id: str, *, to_addresses: list[str] | None = None,
                            subject: str | None = None, body_text: str | None = None,
                            body_html: str | None = None, cc_addresses: list[str] | None = None) -> m.DraftDecision:
        """Send the draft, with any edits given here."""
        return await self._call("approve_draft", m.DraftDecision.model_validate, draft_id=draft_id,
                                to_addresses=to_addresses, subject=subject, body_text=body_text,
                                body_html=body_html, cc_addresses=cc_addresses)

    async def update_draft(self, draft_id: str, *, to_addresses: list[str] | None = None,
                           subject: str | None = None, body_text: str | None = None,
                           body_html: str | None = None, cc_addresses: list[str] | None = None) -> m.Draft:
        return await self._call("update_draft", m.Draft.model_validate, draft_id=draft_id,
                                to_addresses=to_addresses, subject=subject, body_text=body_text,
                                body_html=body_html, cc_addresses=cc_addresses)

    async def reject_draft(self, draft_id: str, *, reason: str | None = None) -> m.DraftDecision:
        return await self._call("reject_draft", m.DraftDecision.model_validate, draft_id=draft_id, reason=reason)

    # -- templates ------------------------------------------------------------------------

    async def list_templates(self) -> m.Items[m.Template]:
        return await self._call("list_templates", many(m.Template, "templates"))

    async def get_template(self, template_id: str) -> m.TemplateDetail:
        return await self._call("get_template", m.TemplateDetail.model_validate, template_id=template_id)

    # -- aliases and domains --------------------------------------------------------------

    async def list_aliases(self) -> m.Items[m.Alias]:
        return await self._call("list_aliases", many(m.Alias, "aliases"))

    async def get_alias(self, alias_id: str) -> m.Alias:
        return await self._call("get_alias", m.Alias.model_validate, alias_id=alias_id)

    async def update_alias(self, alias_id: str, *, forward_to: str | None = None, is_active: bool | None = None,
                           plus_addressing: bool | None = None) -> m.Alias:
        """A new forward_to needs re-verification (verification_status becomes pending)."""
        return await self._call("update_alias", m.Alias.model_validate, alias_id=alias_id, forward_to=forward_to,
                                is_active=is_active, plus_addressing=plus_addressing)

    async def list_domains(self) -> m.Items[m.Domain]:
        return await self._call("list_domains", many(m.Domain, "domains"))

    async def get_domain(self, domain_id: str) -> m.DomainDetail:
        return await self._call("get_domain", m.DomainDetail.model_validate, domain_id=domain_id)

    async def update_domain_alias(self, domain_id: str, alias_id: str, *, forward_to: str | None = None,
                                  is_active: bool | None = None, plus_addressing: bool | None = None) -> m.Alias:
        return await self._call("update_domain_alias", m.Alias.model_validate, domain_id=domain_id,
                                alias_id=alias_id, forward_to=forward_to, is_active=is_active,
                                plus_addressing=plus_addressing)

    async def update_catchall(self, domain_id: str, enabled: bool, *, forward_to: str | None = None) -> m.Catchall:
        return await self._call("update_catchall", m.Catchall.model_validate, domain_id=domain_id,
                                enabled=enabled, forward_to=forward_to)

    # -- landing pages --------------------------------------------------------------------

    async def list_landing_page_templates(self, *, category: str | None = None) -> m.Items[m.LandingTemplate]:
        return await self._call("list_landing_page_templates", many(m.LandingTemplate, "templates"),
                                category=category)

    async def get_landing_page_template(self, template_id: str) -> m.LandingTemplate:
        return await self._call("get_landing_page_template", m.LandingTemplate.model_validate,
                                template_id=template_id)

    async def list_landing_pages(self, *, status: str | None = None) -> m.Items[m.LandingPage]:
        return await self._call("list_landing_pages", many(m.LandingPage, "pages"), status=status)

    async def get_landing_page(self, page_id: str) -> m.LandingPage:
        return await self._call("get_landing_page", m.LandingPage.model_validate, page_id=page_id)

    async def get_landing_page_stats(self, page_id: str) -> m.PageStats:
        return await self._call("get_landing_page_stats", m.PageStats.model_validate, page_id=page_id)

    async def list_landing_page_leads(self, *, page_id: str | None = None, limit: int | None = None,
                                      offset: int | None = None) -> m.LeadPage:
        return await self._call("list_landing_page_leads", m.LeadPage.model_validate, page_id=page_id,
                                limit=limit, offset=offset)

    async def create_landing_page(self, template_id: str, title: str, *, alias_id: str | None = None,
                                  domain: str | None = None) -> m.LandingPage:
        return await self._call("create_landing_page", m.LandingPage.model_validate, template_id=template_id,
                                title=title, alias_id=alias_id, domain=domain)

    async def update_landing_page(self, page_id: str, *, title: str | None = None,
                                  seo: m.Seo | dict[str, Any] | None = None,
                                  config: dict[str, Any] | None = None) -> m.LandingPage:
        """`config`, when given, is the FULL widget config: it replaces the old one."""
        return await self._call("update_landing_page", m.LandingPage.model_validate, page_id=page_id,
                                title=title, seo=seo, config=config)

    async def publish_landing_page(self, page_id: str) -> m.ConfirmationRequest | m.LandingPage:
        return await self._call("publish_landing_page", m.LandingPage.model_validate, page_id=page_id)

    async def unpublish_landing_page(self, page_id: str) -> m.ConfirmationRequest | m.LandingPage:
        return await self._call("unpublish_landing_page", m.LandingPage.model_validate, page_id=page_id)

    async def archive_landing_page(self, page_id: str) -> m.ConfirmationRequest | m.LandingPage:
        """Unpublishes first if the page is published."""
        return await self._call("archive_landing_page", m.LandingPage.model_validate, page_id=page_id)

    async def assign_landing_page_domain(self, page_id: str, domain: str) -> m.ConfirmationRequest | m.LandingPage:
        return await self._call("assign_landing_page_domain", m.LandingPage.model_validate, page_id=page_id,
                                domain=domain)

    async def download_landing_page(self, page_id: str) -> m.PageDownload:
        """The page's HTML; the page must be published."""
        return await self._call("download_landing_page", m.PageDownload.model_validate, page_id=page_id)


def _two_step_parser(tool: str, arguments: dict[str, Any], parse: Parser[T]) -> Parser[T | m.ConfirmationRequest]:
    """Parse a two-step tool's answer: a request for confirmation, or (server acted) the result."""

    def parse_two_step(data: Any) -> T | m.ConfirmationRequest:
        if isinstance(data, dict) and data.get("requires_confirmation"):
            return m.ConfirmationRequest(
                tool=tool, arguments=dict(arguments), token=str(data.get("confirmation_token") or ""),
                message=str(data.get("message") or ""), expires_in_seconds=data.get("expires_in_seconds"),
            )
        return parse(data)

    return parse_two_step


def _plain(value: Any) -> Any:
    """JSON-ready arguments: models become dicts (without unset fields)."""
    if isinstance(value, BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True)
    return value
