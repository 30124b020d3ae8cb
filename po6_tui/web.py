"""`po6-tui serve`: the app in a browser, on loopback, through textual-serve.

Each browser session runs its own `po6-tui` process (textual-serve's model), with the same
arguments the terminal app takes (`--profile`, `--read-only`). textual-serve itself checks
nothing, so its aiohttp app is wrapped (`web_guard.py`): a secret token, printed once as a
link, then kept in a cookie; Host and Origin checks; at most `--max-sessions` sessions; a page
that loads nothing from another host. The token lives only in this process's memory: it is in
no command line and no child's environment.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from pathlib import Path

from po6_tui.sandbox.host_guard import LOOPBACK_NAMES

DEFAULT_MAX_SESSIONS = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="po6-tui serve", description="Serve po6-tui in a web browser (loopback only).")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--profile", help="account profile the app opens")
    parser.add_argument("--read-only", action="store_true", help="block every write in the served app")
    parser.add_argument("--max-sessions", type=int, default=DEFAULT_MAX_SESSIONS, metavar="N",
                        help=f"browser sessions open at once, each its own app process (default {DEFAULT_MAX_SESSIONS})")
    parser.add_argument("--allow-remote", action="store_true",
                        help="listen on a non-loopback interface (anyone who reaches it drives your accounts)")
    return parser


def app_command(args: argparse.Namespace) -> str:
    parts = [sys.executable, "-m", "po6_tui"]
    if args.profile:
        parts += ["--profile", args.profile]
    if args.read_only:
        parts.append("--read-only")
    return shlex.join(parts)


def guarded_server(command: str, *, host: str, port: int, token: str, max_sessions: int):
    """textual-serve's `Server` for `command`, behind `web_guard.ServeGuard` (see the module doc)."""
    import aiohttp_jinja2
    import jinja2
    from textual_serve.server import Server

    # deferred: start-up (the guard loads when serve runs)
    from po6_tui.web_guard import ServeGuard, page_template

    class GuardedServer(Server):
        guard = ServeGuard(token, port=port, host=host, max_sessions=max_sessions)

        def __init__(self) -> None:
            super().__init__(command, host=host, port=port, title="po6-tui")
            self.page = page_template(Path(self.templates_path) / "app_index.html")

        async def _make_app(self):  # noqa: ANN202 (aiohttp's Application)
            app = await super()._make_app()
            app.middlewares.append(self.guard.middleware)
            aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({"app_index.html": self.page}))
            return app

        def initialize_logging(self) -> None:
            super().initialize_logging()
            # aiohttp's access log would print every URL, the token link included.
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def on_startup(self, app) -> None:  # noqa: ANN001
            print(f"po6-tui serve: open {self.public_url}/?token={token}\n"
                  f"(the link is the key: anyone with it drives your accounts; at most {max_sessions} "
                  "sessions at once; Ctrl+C stops)", flush=True)

    return GuardedServer()


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.host not in LOOPBACK_NAMES and not args.allow_remote:
        print(f"po6-tui serve: refusing to listen on {args.host}: the served app drives your accounts. "
              "Use --allow-remote if you really mean it.", file=sys.stderr)
        return 2
    if args.max_sessions < 1:
        print("po6-tui serve: --max-sessions must be at least 1.", file=sys.stderr)
        return 2
    # deferred: start-up (the guard loads when serve runs)
    from po6_tui.web_guard import TemplateError, new_token

    try:
        server = guarded_server(app_command(args), host=args.host, port=args.port, token=new_token(),
                                max_sessions=args.max_sessions)
    except TemplateError as error:
        print(f"po6-tui serve: {error}", file=sys.stderr)
        return 1
    server.serve()
    return 0
