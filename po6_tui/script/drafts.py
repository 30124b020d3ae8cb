"""`po6-tui drafts list|show|approve|reject`: the review queue from a shell, through the drafts
view's own code (`ui/drafts/decisions.py`: the queue, what approving sends, the at-most-once
send, the journal where PO6 has no decision tools) and the approve step's risk checks."""

from __future__ import annotations

import argparse
from typing import Any

from po6_tui import config
from po6_tui.journal import Journal
from po6_tui.risks import Assessment, assess
from po6_tui.script import accounts
from po6_tui.api.errors import ApiError
from po6_tui.script.exits import LEAF, FAILURE, OK, UNKNOWN, Stop, code_for
from po6_tui.script.output import Output
from po6_tui.sanitize import error_sentence
from po6_tui.ui.drafts import decisions
from po6_tui.ui.outbox import outbound, risk_facts


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    drafts = commands.add_parser("drafts", help="the agents' drafts awaiting review", **LEAF)
    sub = drafts.add_subparsers(dest="action", required=True, metavar="list|show|approve|reject")
    listing = sub.add_parser("list", parents=[common], **LEAF, help="pending drafts across every PO6 account, soonest expiry first")
    listing.set_defaults(run=list_drafts)
    show = sub.add_parser("show", parents=[common], **LEAF, help="one draft in full, with its risks")
    show.add_argument("id")
    show.set_defaults(run=show_draft)
    approve = sub.add_parser("approve", parents=[common], **LEAF, help="send drafts (each at most once), after showing their risks")
    approve.add_argument("ids", nargs="+", metavar="ID")
    approve.add_argument("--yes", action="store_true", help="do not ask (required when not on a terminal)")
    approve.set_defaults(run=approve_drafts)
    reject = sub.add_parser("reject", parents=[common], **LEAF, help="reject drafts (nothing is sent)")
    reject.add_argument("ids", nargs="+", metavar="ID")
    reject.add_argument("--reason", default="", help="why (the agent may read it)")
    reject.add_argument("--yes", action="store_true", help="do not ask (required when not on a terminal)")
    reject.set_defaults(run=reject_drafts)


def _draft_json(item: decisions.QueueItem, assessment: Assessment | None = None) -> dict[str, Any]:
    current = item.current
    data: dict[str, Any] = {
        "account": item.session.name, "id": item.draft.id, "mailbox": item.mailbox_address,
        "status": "expired" if item.expired() else item.draft.status,
        "to": current.to_text, "cc": current.cc_text, "subject": current.subject,
        "expires_at": item.draft.expires_at.isoformat() if item.draft.expires_at else None,
        "edited_here": item.edit is not None,
    }
    if assessment is not None:
        data["body"] = current.body
        data["risk"] = {"level": assessment.level_name, "summary": assessment.summary(),
                        "findings": [{"check": f.check, "level": f.level, "text": f.text} for f in assessment.findings],
                        "not_run": assessment.not_run}
    return data


async def _queue(sessions: list) -> decisions.Queue:
    return await decisions.load_queue(sessions, Journal())


def _find(queue: decisions.Queue, draft_id: str, *, pending_only: bool) -> decisions.QueueItem:
    items = queue.pending if pending_only else [*queue.pending, *queue.expired]
    for item in items:
        if item.draft.id == draft_id:
            return item
    raise Stop(f"No {'pending ' if pending_only else ''}draft {draft_id!r} (po6-tui drafts list shows them).", FAILURE)


async def _assess(items: list[decisions.QueueItem]) -> dict[str, Assessment]:
    """The approve step's risk checks, on facts read once per account (as the drafts view does)."""
    rules = config.load_settings().risk_rules
    facts: dict[str, risk_facts.AccountFacts] = {}
    found: dict[str, Assessment] = {}
    for item in items:
        session = item.session
        client = await session.po6_client()
        if session.name not in facts:
            facts[session.name] = await risk_facts.account_facts(session, client, [m.id for m in session.mailboxes])
        known = await risk_facts.known(client, item.draft.mailbox_id, facts[session.name])
        found[item.key] = assess(decisions.outgoing(item).risk_message(), known, rules)
    return found


def _print_draft(out: Output, item: decisions.QueueItem, assessment: Assessment) -> None:
    current = item.current
    left, _ = decisions.time_left(item)
    out.line(f"Draft {item.draft.id}  ({item.session.name}, {item.mailbox_address}, expires in {left}"
             f"{', edited here' if item.edit else ''})")
    out.line(f"To:      {current.to_text}")
    if current.cc_text:
        out.line(f"Cc:      {current.cc_text}")
    out.line(f"Subject: {current.subject}")
    out.line(f"Risk:    {assessment.summary()}")
    for finding in sorted(assessment.findings, key=lambda f: -f.level):
        out.line(f"  - {finding.check}: {finding.text}")
    for skipped in assessment.not_run:
        out.line(f"  - not checked: {skipped}")


async def list_drafts(ns: argparse.Namespace, out: Output) -> int:
    async with accounts.sessions(ns, out, "po6") as held:
        queue = await _queue(held)
    if out.as_json:
        out.document({"pending": [_draft_json(i) for i in queue.pending],
                      "expired": [_draft_json(i) for i in queue.expired]})
        return OK
    rows = [(i.draft.id, i.mailbox_address, i.current.to_text, i.current.subject, decisions.time_left(i)[0])
            for i in queue.pending]
    out.table(["ID", "MAILBOX", "TO", "SUBJECT", "EXPIRES IN"], rows, {1: 32, 2: 32, 3: 50})
    out.line(f"{len(queue.pending)} pending" + (f", {len(queue.expired)} expired" if queue.expired else ""))
    return OK


async def show_draft(ns: argparse.Namespace, out: Output) -> int:
    async with accounts.sessions(ns, out, "po6") as held:
        item = _find(await _queue(held), ns.id, pending_only=False)
        assessment = (await _assess([item]))[item.key]
    if out.as_json:
        out.document(_draft_json(item, assessment))
        return OK
    _print_draft(out, item, assessment)
    out.line()
    out.line(item.current.body, max_len=200_000)
    return OK


async def approve_drafts(ns: argparse.Namespace, out: Output) -> int:
    async with accounts.sessions(ns, out, "po6", writes="approving sends mail") as held:
        queue = await _queue(held)
        items = [_find(queue, draft_id, pending_only=True) for draft_id in dict.fromkeys(ns.ids)]
        for item in items:
            if item.session.account.read_only:
                raise Stop(accounts.READ_ONLY.format(what=f"{item.session.name} is a read-only profile"), FAILURE)
        ready = []
        for item in items:
            try:
                ready.append(decisions.outgoing(item))
            except outbound.AddressError as error:
                raise Stop(f"Draft {item.draft.id} cannot be sent: {error}", FAILURE) from None
        assessments = await _assess(items)
        # Everything that will be sent, with its risks, before asking (on stderr with --json).
        shown = Output(False, to_stderr=out.as_json)
        for item in items:
            _print_draft(shown, item, assessments[item.key])
        count = f"{len(items)} draft{'s' if len(items) > 1 else ''}"
        out.confirm(f"Send {count} now?", yes=ns.yes, refused="Not sent")
        outgoing = {item.key: message for item, message in zip(items, ready)}

        async def one(item: decisions.QueueItem) -> dict[str, Any]:
            sent = await decisions.approve(outgoing[item.key], Journal())
            return {"sent_id": sent.sent_id}

        return await _each(out, items, "sent", one)


async def reject_drafts(ns: argparse.Namespace, out: Output) -> int:
    async with accounts.sessions(ns, out, "po6", writes="rejecting changes the draft") as held:
        queue = await _queue(held)
        items = [_find(queue, draft_id, pending_only=True) for draft_id in dict.fromkeys(ns.ids)]
        for item in items:
            out.line(f"{item.draft.id}: {item.current.subject}  (to {item.current.to_text})")
        out.confirm(f"Reject {len(items)} draft{'s' if len(items) > 1 else ''}? Nothing will be sent.",
                    yes=ns.yes, refused="Not rejected")

        async def one(item: decisions.QueueItem) -> dict[str, Any]:
            await decisions.reject(item, ns.reason, Journal())
            return {}

        return await _each(out, items, "rejected", one)


async def _each(out: Output, items: list[decisions.QueueItem], done_word: str, act: Any) -> int:
    """Act on each item in turn (one failure does not stop the others); the exit code is the
    first failure's. An unknown outcome is said as such ("may have been sent"), never retried."""
    results, code = [], OK
    for item in items:
        try:
            extra = await act(item)
        except Exception as error:  # noqa: BLE001 - each draft gets its own verdict
            code = code or code_for(error)
            words = str(error) if isinstance(error, ApiError) else error_sentence(error)
            status = "unknown" if isinstance(error, UNKNOWN) else "failed"  # "may have been sent"
            results.append({"id": item.draft.id, "status": status, "error": words})
            out.line(f"{item.draft.id}: {words}", to_stderr=True)
            continue
        results.append({"id": item.draft.id, "status": done_word, **extra})
        out.line(f"{item.draft.id}: {done_word}" + (f" ({extra['sent_id']})" if extra.get("sent_id") else ""))
    if out.as_json:
        out.document({"results": results})
    return code
