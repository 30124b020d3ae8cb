"""`po6-tui postern wait ADDRESS`: block until a matching message reaches a Postern inbox and
print what Postern extracted from it (a sign-up code, a verification link), for a script that
signs an agent up somewhere. Exit code 6 when nothing matching came in time."""

from __future__ import annotations

import argparse
import json
from typing import Any

from po6_tui.api.postern import WAIT_MAX_SECONDS, endpoint
from po6_tui.script import accounts
from po6_tui.script.exits import LEAF, OK, TIMED_OUT, USAGE, Stop
from po6_tui.script.output import Output


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    postern = commands.add_parser("postern", help="Postern inboxes", **LEAF)
    sub = postern.add_subparsers(dest="action", required=True, metavar="wait|api")
    wait = sub.add_parser("wait", parents=[common], **LEAF, help="wait for a message and print its code or link")
    wait.add_argument("address")
    wait.add_argument("--from", dest="sender", help="only from this sender")
    wait.add_argument("--subject", help="only with this in the subject")
    wait.add_argument("--regex", help="only messages matching this regular expression (Postern's syntax)")
    wait.add_argument("--timeout", type=float, default=60.0, help=f"seconds (at most {WAIT_MAX_SECONDS:g})")
    wait.add_argument("--existing", action="store_true", help="also match mail already in the inbox")
    wait.set_defaults(run=wait_for_mail)
    api = sub.add_parser("api", parents=[common], **LEAF,
                         help="call any Postern endpoint (gh api style): po6-tui postern api GET /inboxes")
    api.add_argument("method", help="GET, POST, PUT, PATCH or DELETE")
    api.add_argument("path", help="under /v1, e.g. /inboxes or /inboxes/ADDRESS/messages")
    api.add_argument("fields", nargs="*", metavar="name=value",
                     help="a string field: the query of a GET or DELETE, else the JSON body")
    api.add_argument("-F", "--typed", action="append", default=[], metavar="name=JSON", help="a typed JSON field")
    api.add_argument("--yes", action="store_true", help="do not ask before a write (required when not on a terminal)")
    api.set_defaults(run=call_endpoint)


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


async def call_endpoint(ns: argparse.Namespace, out: Output) -> int:
    try:
        method, path = endpoint(ns.method, ns.path)
    except ValueError as error:
        raise Stop(str(error), USAGE) from None
    fields: dict[str, Any] = {}
    for pair in ns.fields:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise Stop(f"{pair!r} is not name=value.", USAGE)
        fields[name] = value
    for pair in ns.typed:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise Stop(f"-F {pair!r} is not name=JSON.", USAGE)
        try:
            fields[name] = json.loads(value)
        except ValueError as error:
            raise Stop(f"{name}: not valid JSON ({error.msg}, at character {error.pos}).", USAGE) from None
    writes = method != "GET" and not (method == "POST" and path.endswith("/wait"))
    as_query = method in ("GET", "DELETE")
    if as_query and any(not isinstance(v, str) for v in fields.values()):
        raise Stop(f"A {method} takes its fields in the query: strings only (name=value).", USAGE)
    if writes:
        accounts.refuse_if_read_only(ns, f"{method} {path} changes things on Postern")
    async with accounts.sessions(ns, out, "postern", writes=f"{method} {path} changes things on Postern"
                                 if writes else "") as held:
        client = held[0].postern_client()
        if writes:
            out.confirm(f"{method} {path} {json.dumps(fields, ensure_ascii=False)[:500]} on {client.host}? "
                        f"It changes things on Postern.", yes=ns.yes, refused="Not sent")
        reply = await client.call_endpoint(method, path, params=fields if as_query else None,
                                           body=None if as_query else fields)
    if out.as_json:
        out.document(reply)
    else:
        out.line(json.dumps(reply, indent=2, ensure_ascii=False), max_len=2_000_000)
    return OK
