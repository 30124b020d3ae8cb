"""`po6-tui mail mailboxes|list|show|search` and `po6-tui sent list`: reading mail from a shell
(reads only: nothing here changes anything on the server, not even a read flag)."""

from __future__ import annotations

import argparse
from typing import Any

from po6_tui.script import accounts
from po6_tui.script.exits import LEAF, OK
from po6_tui.script.output import Output
from po6_tui.ui.safe import html_to_text


def add_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    mail = commands.add_parser("mail", help="read the agents' mail", **LEAF)
    sub = mail.add_subparsers(dest="action", required=True, metavar="mailboxes|list|show|search")
    sub.add_parser("mailboxes", parents=[common], **LEAF, help="the account's mailboxes").set_defaults(run=mailboxes)
    listing = sub.add_parser("list", parents=[common], **LEAF, help="a folder's messages, newest first")
    _mailbox_option(listing)
    listing.add_argument("--folder", default="INBOX")
    listing.add_argument("--unread", action="store_true", help="unread messages only")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(run=list_mail)
    show = sub.add_parser("show", parents=[common], **LEAF, help="one message in full (it stays unread)")
    _mailbox_option(show)
    show.add_argument("id")
    show.set_defaults(run=show_mail)
    search = sub.add_parser("search", parents=[common], **LEAF, help="search on the server (every mailbox, or --mailbox)")
    search.add_argument("query")
    search.add_argument("--mailbox", help="one mailbox (id or address)")
    search.add_argument("--limit", type=int, default=50)
    search.set_defaults(run=search_mail)

    sent = commands.add_parser("sent", help="what the agents sent", **LEAF)
    sent_sub = sent.add_subparsers(dest="action", required=True, metavar="list")
    sent_list = sent_sub.add_parser("list", parents=[common], **LEAF, help="a mailbox's sent log, newest first, with delivery status")
    _mailbox_option(sent_list)
    sent_list.add_argument("--limit", type=int, default=50)
    sent_list.set_defaults(run=list_sent)


def _mailbox_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mailbox", help="mailbox id or address (needed when the account has several)")


def _summary_json(email: Any) -> dict[str, Any]:
    return email.model_dump(mode="json", by_alias=True)


async def mailboxes(ns: argparse.Namespace, out: Output) -> int:
    async with accounts.sessions(ns, out, "po6") as held:
        session = held[0]
        boxes = list(await (await session.po6_client()).list_mailboxes())
    if out.as_json:
        out.document({"account": session.name, "mailboxes": [b.model_dump(mode="json") for b in boxes]})
        return OK
    out.table(["ID", "ADDRESS", "UNREAD", "TOTAL"], [(b.id, b.address, b.unread, b.total) for b in boxes])
    return OK


async def list_mail(ns: argparse.Namespace, out: Output) -> int:
    async with accounts.sessions(ns, out, "po6") as held:
        box = await accounts.mailbox(held[0], ns.mailbox)
        client = await held[0].po6_client()
        page = await client.list_emails(box.id, ns.folder, unread_only=True if ns.unread else None,
                                        limit=max(1, ns.limit))
    if out.as_json:
        out.document({"mailbox": box.address, "folder": ns.folder, "total": page.total,
                      "emails": [_summary_json(e) for e in page.emails]})
        return OK
    out.table(["ID", "", "DATE", "FROM", "SUBJECT"],
              [(e.id, "●" if not e.is_read else " ", e.date.strftime("%Y-%m-%d %H:%M") if e.date else "",
                e.from_, e.subject) for e in page.emails], {3: 36, 4: 60})
    out.line(f"{len(page.emails)} of {page.total} in {box.address} {ns.folder}")
    return OK


async def show_mail(ns: argparse.Namespace, out: Output) -> int:
    async with accounts.sessions(ns, out, "po6") as held:
        box = await accounts.mailbox(held[0], ns.mailbox)
        email = await (await held[0].po6_client()).get_email(box.id, ns.id)
    if out.as_json:
        out.document(_summary_json(email))
        return OK
    for name, value in (("From", email.from_), ("To", ", ".join(email.to)), ("Cc", ", ".join(email.cc)),
                        ("Date", email.date.isoformat() if email.date else ""), ("Subject", email.subject)):
        if value:
            out.line(f"{name + ':':9}{value}")
    for attachment in email.attachments:
        out.line(f"Attached {attachment.filename} {attachment.content_type} {attachment.size} B")
    out.line()
    body = email.body_text if (email.body_text or "").strip() else html_to_text(email.body_html or "").body
    out.line(body or "(no body)", max_len=2_000_000)
    return OK


async def search_mail(ns: argparse.Namespace, out: Output) -> int:
    async with accounts.sessions(ns, out, "po6") as held:
        session = held[0]
        box = await accounts.mailbox(session, ns.mailbox) if ns.mailbox else None
        client = await session.po6_client()
        if not session.mailboxes:
            session.mailboxes = list(await client.list_mailboxes())
        found = await client.search_emails(ns.query, mailbox_id=box.id if box else None, limit=max(1, ns.limit))
    addresses = {m.id: m.address for m in session.mailboxes}
    if out.as_json:
        out.document({"query": ns.query, "total": found.total,
                      "results": [{**_summary_json(e), "mailbox": addresses.get(e.mailbox_id or "", e.mailbox_id)}
                                  for e in found.results]})
        return OK
    out.table(["ID", "MAILBOX", "FOLDER", "FROM", "SUBJECT"],
              [(e.id, addresses.get(e.mailbox_id or "", e.mailbox_id or ""), e.folder or "", e.from_, e.subject)
               for e in found.results], {1: 32, 3: 32, 4: 60})
    out.line(f"{len(found.results)} of {found.total} found")
    return OK


async def list_sent(ns: argparse.Namespace, out: Output) -> int:
    async with accounts.sessions(ns, out, "po6") as held:
        box = await accounts.mailbox(held[0], ns.mailbox)
        page = await (await held[0].po6_client()).list_sent_emails(box.id, limit=max(1, ns.limit))
    if out.as_json:
        out.document({"mailbox": box.address, "total": page.total,
                      "emails": [e.model_dump(mode="json") for e in page.emails]})
        return OK
    out.table(["ID", "SENT", "STATUS", "TO", "SUBJECT"],
              [(e.id, e.sent_at.strftime("%Y-%m-%d %H:%M") if e.sent_at else "", e.delivery_status or "",
                ", ".join(e.to_addresses), e.subject) for e in page.emails], {3: 40, 4: 60})
    out.line(f"{len(page.emails)} of {page.total} sent from {box.address}")
    return OK
