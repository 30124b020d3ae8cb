"""The `po6-tui` command: dispatches to the app, the sandbox, account management or web mode.

Each sub-command lives in its own module and is imported only when used, so that
`po6-tui sandbox …` never loads textual and the app never loads the sandbox server.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

USAGE = """\
usage: po6-tui [--profile NAME] [--read-only]      run the app (on the sandbox if no account is set up)
       po6-tui sandbox [--port N] [--db PATH] …    run the local PO6 + Postern sandbox server
       po6-tui sandbox keys|deliver|clock …        sandbox helpers (see `po6-tui sandbox --help`)
       po6-tui login                               add an account profile (key typed at a hidden prompt)
       po6-tui profiles                            list account profiles (never shows keys)
       po6-tui serve [--port N]                    serve the app in a browser on loopback
       po6-tui drafts list|show|approve|reject …   review the agents' drafts from a shell
       po6-tui mail mailboxes|list|show|search …   read mail;  po6-tui sent list …  the sent log
       po6-tui call [TOOL [name=value …]]          call any tool of the MCP server (no TOOL: list them)
       po6-tui postern wait ADDRESS …              wait for a code or link in a Postern inbox
       po6-tui postern api METHOD PATH …           call any Postern endpoint
       po6-tui --version

Scriptable commands take --profile, --read-only and --json (`po6-tui drafts --help`).
exit codes: 0 success · 1 failure (read-only refusal, an outcome that is unknown: "may have been
sent") · 2 usage error · 3 authentication · 4 server unreachable · 5 the tool or endpoint
returned an error · 6 timed out waiting (postern wait)
"""


def main(argv: list[str] | None = None) -> int:
    """Run one sub-command. Whatever happens, the terminal gets sentences, never a traceback:
    an unforeseen exception is one line on stderr and exit code 1; Ctrl+C exits 130."""
    args = sys.argv[1:] if argv is None else list(argv)
    command = args[0] if args and not args[0].startswith("-") else None
    name = f"po6-tui {command}" if command in _COMMANDS else "po6-tui"
    try:
        if command is None:
            return _run_app(args)
        # Everything these commands print may hold server or mail text (an error message, a
        # refused message's headers): it reaches the terminal only through the sanitizer.
        with _sanitized_output():
            return _run(command, args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # deferred: start-up (each command imports only what it runs)
        from po6_tui.sanitize import SanitizedStream, error_sentence

        print(f"{name}: stopped by an unexpected error ({error_sentence(error)}).", file=SanitizedStream(sys.stderr))
        return 1


_COMMANDS = ("sandbox", "login", "profiles", "serve", "call", "drafts", "mail", "sent", "postern")


def _run(command: str, args: list[str]) -> int:
    if command == "sandbox":
        # deferred: start-up (each command imports only what it runs)
        from po6_tui.sandbox.cli import main as sandbox_main

        return sandbox_main(args[1:])
    if command in ("login", "profiles"):
        # deferred: start-up (each command imports only what it runs)
        from po6_tui.accounts_cli import main as accounts_main

        return accounts_main(args)
    if command in ("call", "drafts", "mail", "sent", "postern"):
        # deferred: start-up (each command imports only what it runs)
        from po6_tui.script.run import main as script_main

        return script_main(args)
    if command == "serve":
        # deferred: start-up (each command imports only what it runs)
        from po6_tui.web import main as web_main

        return web_main(args[1:])
    print(f"po6-tui: unknown command {command!r}\n\n{USAGE}", end="", file=sys.stderr)
    return 2


def _run_app(args: list[str]) -> int:
    if args[:1] in (["-h"], ["--help"]):
        print(USAGE, end="")
        return 0
    if args[:1] in (["-V"], ["--version"]):
        # deferred: start-up (each command imports only what it runs)
        from po6_tui import __version__

        print(f"po6-tui {__version__}")
        return 0
    # deferred: start-up (each command imports only what it runs)
    from po6_tui.run_app import main as app_main

    return app_main(args)


@contextmanager
def _sanitized_output() -> Iterator[None]:
    """sys.stdout and sys.stderr cleaned (po6_tui/sanitize.py) for as long as this lasts."""
    # deferred: start-up (each command imports only what it runs)
    from po6_tui.sanitize import SanitizedStream

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SanitizedStream(sys.stdout), SanitizedStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
