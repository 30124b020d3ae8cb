"""The PO6 tools' names, scopes and arguments, declared once.

From these declarations come both the JSON Schemas served by `tools/list` and the argument
checks run before every call (the SDK does not validate arguments against `inputSchema`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_STRING = 1_000_000  # bodies may be long; anything beyond this is a mistake or an attack
MAX_LIST = 100
# SQLite's integers are 64-bit: a larger offset must be refused before it reaches a query.
MAX_OFFSET = 2**63 - 1


class ToolError(Exception):
    """A failure reported to the caller as a tool result with isError: true."""


@dataclass(frozen=True)
class Arg:
    type: str  # "string", "integer", "boolean", "string[]", "object"
    description: str
    required: bool = False
    enum: tuple[str, ...] | None = None
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = MAX_STRING


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    scope: str
    args: dict[str, Arg] = field(default_factory=dict)
    two_step: bool = False
    extension: bool = False  # one of the sandbox's draft-decision tools (off with --strict)

    @property
    def writes(self) -> bool:
        """Whether calling it changes anything: every scope but list/read/search/leads."""
        return self.scope.split(":")[1] not in ("list", "read", "search", "leads")


def _id(what: str) -> Arg:
    return Arg("string", f"The {what} id.", required=True, max_length=200)


MAILBOX = _id("mailbox")
EMAIL = _id("email")
PAGE = _id("landing page")
LIMIT = Arg("integer", "Page size (default 50, max 100).", default=50, minimum=1, maximum=100)
OFFSET = Arg("integer", "Items to skip (default 0).", default=0, minimum=0, maximum=MAX_OFFSET)
TOKEN = Arg("string", "The token from the first call, to confirm the action.", max_length=200)
ADDRESSES = Arg("string[]", "Recipient email addresses.", required=True)
OPT_ADDRESSES = Arg("string[]", "Email addresses.")
SUBJECT = Arg("string", "Subject line.", required=True, max_length=998)
BODY_TEXT = Arg("string", "Plain-text body.", required=True)
BODY_HTML = Arg("string", "HTML body.")
ALIAS_FIELDS = {
    "forward_to": Arg("string", "New forwarding address (needs re-verification).", max_length=320),
    "is_active": Arg("boolean", "Turn the alias on or off."),
    "plus_addressing": Arg("boolean", "Accept name+tag@ addresses."),
}
DRAFT_EDITS = {
    "to_addresses": OPT_ADDRESSES,
    "cc_addresses": OPT_ADDRESSES,
    "subject": Arg("string", "Subject line.", max_length=998),
    "body_text": Arg("string", "Plain-text body."),
    "body_html": BODY_HTML,
}
PAGE_STATUSES = ("draft", "published", "archived")
DRAFT_STATUSES = ("pending", "approved", "rejected", "expired", "sent", "all")

TOOLS: list[ToolSpec] = [
    # -- mailbox ----------------------------------------------------------------------------
    ToolSpec("list_mailboxes", "List the mailboxes this key can reach.", "mailbox:list"),
    ToolSpec("get_mailbox_stats", "Totals, unread, storage and per-folder counts of a mailbox.", "mailbox:read",
             {"mailbox_id": MAILBOX}),
    ToolSpec("list_emails", "List emails in a folder, newest first (no bodies).", "mailbox:read", {
        "mailbox_id": MAILBOX,
        "folder": Arg("string", "Folder name (default INBOX).", default="INBOX", max_length=200),
        "sender": Arg("string", "Only mail whose sender contains this text.", max_length=320),
        "since": Arg("string", "Only mail on or after this ISO 8601 time.", max_length=40),
        "until": Arg("string", "Only mail before this ISO 8601 time.", max_length=40),
        "unread_only": Arg("boolean", "Only unread mail.", default=False),
        "starred_only": Arg("boolean", "Only starred mail.", default=False),
        "limit": LIMIT, "offset": OFFSET,
    }),
    ToolSpec("get_email", "Get one email with its bodies, headers and attachments (does not mark it read).",
             "mailbox:read", {"mailbox_id": MAILBOX, "email_id": EMAIL}),
    ToolSpec("search_emails", "Full-text search over sender, subject and body, newest first.", "mailbox:search", {
        "query": Arg("string", "Words to find (all must match).", required=True, max_length=500),
        "mailbox_id": Arg("string", "Only this mailbox (default: every mailbox the key reaches).", max_length=200),
        "limit": LIMIT,
    }),
    ToolSpec("mark_email", "Mark an email read, unread, starred or unstarred.", "mailbox:write", {
        "mailbox_id": MAILBOX, "email_id": EMAIL,
        "action": Arg("string", "What to do.", required=True, enum=("read", "unread", "starred", "unstarred")),
    }),
    ToolSpec("move_email", "Move an email to another folder.", "mailbox:write", {
        "mailbox_id": MAILBOX, "email_id": EMAIL,
        "folder": Arg("string", "Destination folder.", required=True, max_length=200),
    }),
    ToolSpec("delete_email", "Permanently delete an email (two-step: confirm with the returned token).",
             "mailbox:delete", {"mailbox_id": MAILBOX, "email_id": EMAIL, "confirmation_token": TOKEN},
             two_step=True),
    ToolSpec("list_folders", "List system and custom folders with counts.", "mailbox:read", {"mailbox_id": MAILBOX}),
    ToolSpec("list_email_lists", "List contact lists (paid plans).", "mailbox:read"),
    ToolSpec("get_email_list_contacts", "Contacts of a contact list (paid plans).", "mailbox:read", {
        "list_id": _id("contact list"),
        "status": Arg("string", "Only contacts with this status.", enum=("active", "unsubscribed", "bounced")),
        "limit": LIMIT, "offset": OFFSET,
    }),
    ToolSpec("list_drafts", "List drafts awaiting review (or with another status).", "mailbox:read", {
        "mailbox_id": Arg("string", "Only this mailbox.", max_length=200),
        "status": Arg("string", "Draft status (default pending).", default="pending", enum=DRAFT_STATUSES),
    }),
    ToolSpec("list_sent_emails", "List sent mail with delivery status.", "mailbox:read",
             {"mailbox_id": MAILBOX, "limit": LIMIT, "offset": OFFSET}),
    # -- sending ----------------------------------------------------------------------------
    ToolSpec("compose_email", "Send a new email.", "mailbox:send", {
        "mailbox_id": MAILBOX, "to_addresses": ADDRESSES, "subject": SUBJECT, "body_text": BODY_TEXT,
        "body_html": BODY_HTML, "cc_addresses": OPT_ADDRESSES, "bcc_addresses": OPT_ADDRESSES,
    }),
    ToolSpec("reply_email", "Reply to an email's sender.", "mailbox:send", {
        "mailbox_id": MAILBOX, "email_id": EMAIL, "body_text": BODY_TEXT, "body_html": BODY_HTML,
    }),
    ToolSpec("forward_email", "Forward an email (recipient cap per plan).", "mailbox:send", {
        "mailbox_id": MAILBOX, "email_id": EMAIL, "to_addresses": ADDRESSES,
        "body_text": Arg("string", "A note above the forwarded message."),
    }),
    ToolSpec("create_draft", "Create a draft for a human to review; it expires after 72 hours.", "mailbox:write", {
        "mailbox_id": MAILBOX, "to_addresses": ADDRESSES, "subject": SUBJECT, "body_text": BODY_TEXT,
        "body_html": BODY_HTML, "cc_addresses": OPT_ADDRESSES,
    }),
    # -- templates --------------------------------------------------------------------------
    ToolSpec("list_templates", "List email templates.", "mailbox:read"),
    ToolSpec("get_template", "Get an email template with its {{variables}}.", "mailbox:read",
             {"template_id": _id("template")}),
    # -- aliases and domains ----------------------------------------------------------------
    ToolSpec("list_aliases", "List @po6.com aliases.", "alias:list"),
    ToolSpec("get_alias", "Get one alias.", "alias:read", {"alias_id": _id("alias")}),
    ToolSpec("update_alias", "Change an alias's forwarding, state or plus addressing.", "alias:write",
             {"alias_id": _id("alias"), **ALIAS_FIELDS}),
    ToolSpec("list_domains", "List custom domains.", "alias:list"),
    ToolSpec("get_domain", "Get a domain with MX records, catch-all and aliases.", "alias:read",
             {"domain_id": _id("domain")}),
    ToolSpec("update_domain_alias", "Change an alias on a custom domain (plan limits apply).", "alias:write",
             {"domain_id": _id("domain"), "alias_id": _id("alias"), **ALIAS_FIELDS}),
    ToolSpec("update_catchall", "Turn a domain's catch-all on or off, or change where it forwards.", "alias:write", {
        "domain_id": _id("domain"),
        "enabled": Arg("boolean", "Catch-all on or off.", required=True),
        "forward_to": Arg("string", "Where caught mail goes (needs re-verification).", max_length=320),
    }),
    # -- landing pages ----------------------------------------------------------------------
    ToolSpec("list_landing_page_templates", "List landing page templates.", "landing_page:list",
             {"category": Arg("string", "Only this category.", max_length=100)}),
    ToolSpec("get_landing_page_template", "Get a landing page template with its config.", "landing_page:read",
             {"template_id": _id("template")}),
    ToolSpec("list_landing_pages", "List landing pages.", "landing_page:list",
             {"status": Arg("string", "Only pages in this state.", enum=PAGE_STATUSES)}),
    ToolSpec("get_landing_page", "Get a landing page with its widget config.", "landing_page:read", {"page_id": PAGE}),
    ToolSpec("get_landing_page_stats", "Views, visitors, leads and daily figures of a page.", "landing_page:read",
             {"page_id": PAGE}),
    ToolSpec("list_landing_page_leads", "List leads, of one page or all.", "landing_page:leads", {
        "page_id": Arg("string", "Only this page.", max_length=200), "limit": LIMIT, "offset": OFFSET,
    }),
    ToolSpec("create_landing_page", "Create a landing page (in draft) from a template.", "landing_page:write", {
        "template_id": _id("template"),
        "title": Arg("string", "Page title.", required=True, max_length=200),
        "alias_id": Arg("string", "Alias that receives the leads.", max_length=200),
        "domain": Arg("string", "A verified custom domain to serve it on.", max_length=253),
    }),
    ToolSpec("update_landing_page", "Update a page; `config` replaces the whole widget config.", "landing_page:write", {
        "page_id": PAGE,
        "title": Arg("string", "Page title.", max_length=200),
        "seo": Arg("object", "{title, description, og_image}."),
        "config": Arg("object", 'The FULL widget config: {"widgets": [{"type": ...}, ...]}.'),
    }),
    ToolSpec("publish_landing_page", "Publish a page (two-step).", "landing_page:publish",
             {"page_id": PAGE, "confirmation_token": TOKEN}, two_step=True),
    ToolSpec("unpublish_landing_page", "Take a page back to draft (two-step).", "landing_page:publish",
             {"page_id": PAGE, "confirmation_token": TOKEN}, two_step=True),
    ToolSpec("assign_landing_page_domain", "Serve a page on a custom domain (two-step).", "landing_page:domain", {
        "page_id": PAGE, "domain": Arg("string", "A verified custom domain.", required=True, max_length=253),
        "confirmation_token": TOKEN,
    }, two_step=True),
    ToolSpec("archive_landing_page", "Archive a page, unpublishing it first (two-step).", "landing_page:write",
             {"page_id": PAGE, "confirmation_token": TOKEN}, two_step=True),
    ToolSpec("download_landing_page", "Download a published page's HTML.", "landing_page:read", {"page_id": PAGE}),
    # -- sandbox extension: draft decisions (API.md 1.7) --------------------------------------
    ToolSpec("approve_draft", "Sandbox: send a pending draft, optionally edited, and mark it sent.", "mailbox:send",
             {"draft_id": _id("draft"), **DRAFT_EDITS}, extension=True),
    ToolSpec("update_draft", "Sandbox: edit a pending draft.", "mailbox:write",
             {"draft_id": _id("draft"), **DRAFT_EDITS}, extension=True),
    ToolSpec("reject_draft", "Sandbox: reject a pending draft.", "mailbox:write", {
        "draft_id": _id("draft"), "reason": Arg("string", "Why (kept with the draft).", max_length=2000),
    }, extension=True),
]
SPECS = {spec.name: spec for spec in TOOLS}
WRITE_TOOLS = frozenset(spec.name for spec in TOOLS if spec.writes)
# Writes to what the whole account shares (aliases, domains, landing pages): a key restricted to
# some mailboxes may read these but not change them (API.md 1.1).
ACCOUNT_WIDE_WRITE_SCOPES = frozenset({"alias:write", "landing_page:write", "landing_page:publish",
                                       "landing_page:domain"})
RESTRICTED_KEY_REFUSAL = "Key restricted to mailboxes: account-wide changes need an unrestricted key"
ALL_SCOPES = (
    "mailbox:list", "mailbox:read", "mailbox:search", "mailbox:write", "mailbox:delete", "mailbox:send",
    "alias:list", "alias:read", "alias:write", "landing_page:list", "landing_page:read", "landing_page:write",
    "landing_page:publish", "landing_page:leads", "landing_page:domain",
)

_JSON_TYPES = {"string": "string", "integer": "integer", "boolean": "boolean", "object": "object"}


def input_schema(spec: ToolSpec) -> dict:
    properties = {}
    for name, arg in spec.args.items():
        if arg.type == "string[]":
            prop: dict[str, Any] = {"type": "array", "items": {"type": "string"}, "maxItems": MAX_LIST}
        else:
            prop = {"type": _JSON_TYPES[arg.type]}
        prop["description"] = arg.description
        if arg.enum:
            prop["enum"] = list(arg.enum)
        if arg.default is not None:
            prop["default"] = arg.default
        if arg.minimum is not None:
            prop["minimum"] = arg.minimum
        if arg.maximum is not None:
            prop["maximum"] = arg.maximum
        properties[name] = prop
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [name for name, arg in spec.args.items() if arg.required]
    if required:
        schema["required"] = required
    return schema


def _check(name: str, arg: Arg, value: Any) -> Any:
    def bad(expected: str) -> ToolError:
        return ToolError(f"Invalid argument '{name}': expected {expected}, got {type(value).__name__}")

    if arg.type == "string":
        if not isinstance(value, str):
            raise bad("a string")
        if len(value) > arg.max_length:
            raise ToolError(f"Invalid argument '{name}': longer than {arg.max_length} characters")
        if arg.required and not value.strip():
            raise ToolError(f"Invalid argument '{name}': must not be empty")
        if arg.enum and value not in arg.enum:
            raise ToolError(f"Invalid argument '{name}': must be one of {', '.join(arg.enum)}")
    elif arg.type == "integer":
        # JSON has one number type: accept 5.0 but not 5.5, and never a bool.
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
        if arg.minimum is not None and value < arg.minimum:
            raise ToolError(f"Invalid argument '{name}': must be at least {arg.minimum}")
        if arg.maximum is not None and value > arg.maximum:
            raise ToolError(f"Invalid argument '{name}': must be at most {arg.maximum}")
    elif arg.type == "boolean":
        if not isinstance(value, bool):
            raise bad("true or false")
    elif arg.type == "string[]":
        if isinstance(value, str):
            value = [value]  # a lone address is an obvious intent; accept it
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise bad("a list of strings")
        if len(value) > MAX_LIST:
            raise ToolError(f"Invalid argument '{name}': at most {MAX_LIST} items")
        if arg.required and not value:
            raise ToolError(f"Invalid argument '{name}': must not be empty")
    elif arg.type == "object":
        if not isinstance(value, dict):
            raise bad("an object")
    return value


def validate(spec: ToolSpec, arguments: Any) -> dict[str, Any]:
    """Checked arguments with defaults filled in; a ToolError names the first bad one.

    A null value counts as absent, so clients may send every optional argument.
    """
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise ToolError("Invalid arguments: expected an object")
    unknown = sorted(set(arguments) - set(spec.args))
    if unknown:
        raise ToolError(f"Unknown argument '{unknown[0]}' for {spec.name} "
                        f"(accepted: {', '.join(spec.args) or 'none'})")
    checked = {}
    for name, arg in spec.args.items():
        value = arguments.get(name)
        if value is None:
            if arg.required:
                raise ToolError(f"Missing required argument '{name}' for {spec.name}")
            checked[name] = arg.default
            continue
        checked[name] = _check(name, arg, value)
    return checked
