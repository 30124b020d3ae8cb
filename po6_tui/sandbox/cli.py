"""`po6-tui sandbox …`: run the sandbox server, list its keys, deliver mail into it, move its clock.

    po6-tui sandbox [serve] [--host 127.0.0.1] [--port 8025] [--db PATH] [--seed demo|none|N] [--strict] [--reset]
    po6-tui sandbox keys [--db PATH]
    po6-tui sandbox deliver --to ADDRESS [--db PATH] [FILE.eml | -]
    po6-tui sandbox clock [--db PATH] --advance SECONDS

The server's first line of output is exactly `po6-tui sandbox listening on http://HOST:PORT`
(scripts and `SandboxProcess` read it). Heavy modules are imported only by the sub-command
that needs them, so `keys` and `clock` answer instantly.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from pathlib import Path

from po6_tui.sandbox import admin
from po6_tui.sandbox.admin import default_db
from po6_tui.sandbox.host_guard import is_loopback





def _db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: the user data dir)")


def _seed(value: str) -> str:
    if value in ("demo", "none") or (value.isdigit() and int(value) >= 0):
        return value
    raise argparse.ArgumentTypeError("expected demo, none or a number of messages")


def _serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="po6-tui sandbox", description="Run the local PO6 + Postern sandbox.",
        epilog="helpers: po6-tui sandbox keys [--db PATH] | deliver --to ADDRESS [--db PATH] [FILE|-] | "
               "clock [--db PATH] --advance SECONDS")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback only by default)")
    parser.add_argument("--port", type=int, default=8025, help="port (0 picks a free one)")
    _db_arg(parser)
    parser.add_argument("--seed", type=_seed, default=None,
                        help="demo (default for a new database), none, or N: also a mailbox of N messages")
    parser.add_argument("--strict", action="store_true", help="serve exactly PO6's 39 tools (no draft decisions)")
    parser.add_argument("--reset", action="store_true",
                        help="delete the database first and start from a fresh seed (demo drafts expire in 72 h)")
    parser.add_argument("--replace-outdated", action="store_true",
                        help="if the database was made by another sandbox version, keep it as NAME.outdated "
                             "and start a fresh one (demo mode uses this)")
    parser.add_argument("--allow-remote", action="store_true", help=argparse.SUPPRESS)
    # demo mode: serve on a listening socket the parent made and handed over (process.py)
    parser.add_argument("--fd", type=int, default=None, help=argparse.SUPPRESS)
    # Tests that make hundreds of calls with one key raise this; the documented limit is 60.
    parser.add_argument("--rate-limit", type=int, default=60, help=argparse.SUPPRESS)
    # 15 failed authentications with one key prefix lock that prefix out for 15 minutes; 0 turns
    # that off for test suites whose shared sandbox sees bad keys on purpose.
    parser.add_argument("--auth-lockout", type=int, default=15, help=argparse.SUPPRESS)
    # deferred: start-up (each sandbox command imports only what it runs)
    from po6_tui.sandbox.faults import add_fault_arguments  # only `serve` needs the fault flags

    add_fault_arguments(parser)
    return parser


def main(argv: list[str]) -> int:
    command = argv[0] if argv and not argv[0].startswith("-") else "serve"
    rest = argv[1:] if argv and argv[0] == command else argv
    handlers = {"serve": _serve, "keys": _keys, "deliver": _deliver, "clock": _clock}
    if command not in handlers:
        print(f"po6-tui sandbox: unknown command {command!r} (serve, keys, deliver, clock)", file=sys.stderr)
        return 2
    return handlers[command](rest)


def _serve(argv: list[str]) -> int:
    args = _serve_parser().parse_args(argv)
    if not is_loopback(args.host) and not args.allow_remote:
        print(f"po6-tui sandbox: refusing to listen on {args.host}: the sandbox has no real security "
              "(use a loopback address, or --allow-remote if you really mean it)", file=sys.stderr)
        return 2
    if args.rate_limit < 1 or args.auth_lockout < 0:
        print("po6-tui sandbox: --rate-limit must be at least 1 and --auth-lockout at least 0", file=sys.stderr)
        return 2
    # deferred: start-up (each sandbox command imports only what it runs)
    from po6_tui.sandbox.faults import config_from_args

    try:
        faults = config_from_args(args)
    except ValueError as error:
        print(f"po6-tui sandbox: {error}", file=sys.stderr)
        return 2
    # deferred: start-up (each sandbox command imports only what it runs)
    from po6_tui.sandbox.server import serve

    db = args.db or default_db()
    if args.reset:
        for path in (Path(db), Path(f"{db}-wal"), Path(f"{db}-shm")):
            path.unlink(missing_ok=True)
    return serve(host=args.host, port=args.port, db=db, seed=args.seed,
                 strict=args.strict, rate_limit=args.rate_limit, auth_lockout=args.auth_lockout, faults=faults,
                 replace_outdated=args.replace_outdated, fd=args.fd)


def _keys(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="po6-tui sandbox keys", description="Print the sandbox's API keys.")
    _db_arg(parser)
    args = parser.parse_args(argv)
    try:
        records = admin.read_keys(args.db or default_db())
    except FileNotFoundError as error:
        print(f"po6-tui sandbox keys: {error}; start `po6-tui sandbox` once to create it", file=sys.stderr)
        return 1
    except sqlite3.Error as error:
        print(f"po6-tui sandbox keys: cannot read {args.db or default_db()}: {error}", file=sys.stderr)
        return 1
    try:
        for record in records:
            print(json.dumps(record, ensure_ascii=False), flush=True)
    except BrokenPipeError:  # `po6-tui sandbox keys | head -1`
        sys.stderr.close()
    return 0


def _deliver(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="po6-tui sandbox deliver",
                                     description="Deliver an RFC 5322 message into a sandbox mailbox's INBOX.")
    parser.add_argument("--to", required=True, metavar="ADDRESS", help="a sandbox mailbox, alias or Postern inbox")
    _db_arg(parser)
    parser.add_argument("file", nargs="?", default="-", help="the .eml file, or - for standard input")
    args = parser.parse_args(argv)
    db = args.db or default_db()
    if not Path(db).exists():
        print(f"po6-tui sandbox deliver: no sandbox database at {db}; start `po6-tui sandbox` once to create it",
              file=sys.stderr)
        return 1
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as error:
        print(f"po6-tui sandbox deliver: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    # deferred: start-up (each sandbox command imports only what it runs)
    from po6_tui.sandbox.delivery import deliver_local
    from po6_tui.sandbox.mailparse import MailParseError, parse_message
    # deferred: start-up (each sandbox command imports only what it runs)
    from po6_tui.sandbox.store import Store, StoreVersionError

    try:
        parsed = parse_message(raw)
        store = Store(db)
    except (MailParseError, StoreVersionError) as error:
        print(f"po6-tui sandbox deliver: not delivered: {error}", file=sys.stderr)
        return 1
    except sqlite3.Error as error:
        print(f"po6-tui sandbox deliver: not delivered: cannot open {db}: {error}", file=sys.stderr)
        return 1
    try:
        delivered = deliver_local(store, args.to, parsed)
    except sqlite3.Error as error:  # e.g. locked by another writer for longer than the store waits
        print(f"po6-tui sandbox deliver: not delivered: the sandbox database refused the write: {error}",
              file=sys.stderr)
        return 1
    finally:
        store.close()
    if delivered is None:
        print(f"po6-tui sandbox deliver: not delivered: no sandbox mailbox or inbox at {args.to}", file=sys.stderr)
        return 1
    print(json.dumps({"delivered": True, "to": args.to, "id": delivered}))
    return 0


def _clock(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="po6-tui sandbox clock", description="Move the sandbox clock.")
    _db_arg(parser)
    parser.add_argument("--advance", type=float, required=True, metavar="SECONDS",
                        help="seconds to move forward (negative: back)")
    args = parser.parse_args(argv)
    db = args.db or default_db()
    try:
        offset = admin.advance_clock(db, args.advance)
    except (sqlite3.Error, OSError) as error:
        print(f"po6-tui sandbox clock: cannot change the clock of {db}: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"clock_offset_seconds": offset}))
    return 0
