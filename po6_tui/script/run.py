"""The parser of the scriptable commands and the one place their errors become exit codes."""

from __future__ import annotations

import argparse
import asyncio
import sys

from po6_tui.api.errors import ApiError
from po6_tui.config import ConfigError
from po6_tui.sanitize import error_sentence
from po6_tui.script import call, drafts, mail, postern
from po6_tui.script.exits import HELP, USAGE, Stop, code_for
from po6_tui.script.output import Output

COMMANDS = ("call", "drafts", "mail", "sent", "postern")


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors on stderr and exit code 2 (its own), as one sentence."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)  # every command's own options (after its name)
    common.add_argument("--profile", help="use this account profile")
    common.add_argument("--read-only", action="store_true", help="refuse every write, before any request")
    common.add_argument("--json", action="store_true", help="one JSON document on stdout (errors: one JSON line)")
    parser = _Parser(prog="po6-tui", epilog=HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="Scriptable commands (the app itself is `po6-tui` with no command).")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    call.add_parser(commands, common)
    drafts.add_parser(commands, common)
    mail.add_parsers(commands, common)
    postern.add_parser(commands, common)
    return parser


def main(args: list[str]) -> int:
    ns = build_parser().parse_args(args)
    out = Output(ns.json)
    try:
        return asyncio.run(ns.run(ns, out))
    except KeyboardInterrupt:
        raise
    except Exception as error:  # noqa: BLE001 - every failure is one sentence and an exit code
        code = code_for(error)
        words = str(error) if isinstance(error, (Stop, ApiError, ConfigError)) else error_sentence(error)
        out.error(f"po6-tui {ns.command}: {words}", code)
        return code
