"""`po6-tui postern wait ADDRESS`: block until a matching message reaches a Postern inbox and
print what Postern extracted from it (a sign-up code, a verification link), for a script that
signs an agent up somewhere. Exit code 6 when nothing matching came in time."""

from __future__ import annotations

import argparse
from typing import Any

from po6_tui.api.postern import WAIT_MAX_SECONDS
from po6_tui.script import accounts
from po6_tui.script.exits import LEAF, OK, TIMED_OUT, Stop
from po6_tui.script.output import Output


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    postern = commands.add_parser("postern", help="Postern inboxes", **LEAF)
    sub = postern.add_subparsers(dest="action", required=True, metavar="wait")
    wait = sub.add_parser("wait", parents=[common], **LEAF, help="wait for a message and print its code or link")
    wait.add_argument("address")
    wait.add_argument("--from", dest="sender", help="only from this sender")
    wait.add_argument("--subject", help="only with this in the subject")
    wait.add_argument("--regex", help="only messages matching this regular expression (Postern's syntax)")
    wait.add_argument("--timeout", type=float, default=60.0, help=f"seconds (at most {WAIT_MAX_SECONDS:g})")
    wait.add_argument("--existing", action="store_true", help="also match mail already in the inbox")
    wait.set_defaults(run=wait_for_mail)


async def wait_for_mail(ns: argparse.Namespace, out: Output) -> int:
    async with accounts.sessions(ns, out, "postern") as held:
        client = held[0].postern_client()
        since = "1970-01-01T00:00:00Z" if ns.existing else None
        result = await client.wait(ns.address, sender=ns.sender, subject=ns.subject, regex=ns.regex, since=since,
                                   timeout_seconds=ns.timeout)
    if result.timed_out or result.message is None:
        raise Stop(f"Nothing matching reached {ns.address} within {ns.timeout:g} s.", TIMED_OUT)
    extracted = result.extracted
    code = extracted.otp_code if extracted else None
    link = extracted.verification_link if extracted else None
    if out.as_json:
        out.document({"code": code, "link": link, "message": result.message.model_dump(mode="json", by_alias=True)})
        return OK
    if code or link:
        for value in (code, link):
            if value:
                out.line(value)
    else:
        out.line(f"A message arrived ({result.message.subject!r}), but Postern found no code or link in it.",
                 to_stderr=True)
    return OK
