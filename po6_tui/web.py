"""`po6-tui serve`: the app in a browser, on loopback, through textual-serve.

Each browser session runs its own `po6-tui` process (textual-serve's model), with the same
arguments the terminal app takes (`--profile`, `--read-only`).
"""

from __future__ import annotations

import argparse
import shlex
import sys

from po6_tui.sandbox.host_guard import LOOPBACK_NAMES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="po6-tui serve", description="Serve po6-tui in a web browser (loopback only).")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    parser.add_argument("--profile", help="account profile the app opens")
    parser.add_argument("--read-only", action="store_true", help="block every write in the served app")
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


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.host not in LOOPBACK_NAMES and not args.allow_remote:
        print(f"po6-tui serve: refusing to listen on {args.host}: the served app drives your accounts. "
              "Use --allow-remote if you really mean it.", file=sys.stderr)
        return 2
    from textual_serve.server import Server

    Server(app_command(args), host=args.host, port=args.port, title="po6-tui").serve()
    return 0
