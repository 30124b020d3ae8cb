"""`po6-tui login` (add an account profile) and `po6-tui profiles` (list them, never their keys).

login asks for the key at a hidden prompt (or reads one line from standard input when that
is not a terminal, for scripts and tests), checks it against the service, and only then saves
the profile to config.toml and the key to secrets.toml (0600). A key that does not work
saves nothing.

Everything they print goes through the sanitizer (`po6_tui/sanitize.py`): a server's error
text is untrusted and must not drive the terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from typing import TextIO

from po6_tui import config
from po6_tui.config import DEFAULT_URLS, PROVIDERS, ConfigError, Profile
from po6_tui.sanitize import SanitizedStream, clean

VERIFY_TIMEOUT = 15.0


def main(args: list[str]) -> int:
    command, rest = args[0], args[1:]
    try:
        if command == "login":
            return login(rest)
        return profiles(rest)
    except ConfigError as error:
        print(f"po6-tui {command}: {error}", file=SanitizedStream(sys.stderr))
        return 1
    except KeyboardInterrupt:
        print(f"\npo6-tui {command}: cancelled; nothing was saved.", file=sys.stderr)
        return 130


def _login_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="po6-tui login", description=(
        "Add (or replace) an account profile. The key is typed at a hidden prompt, or read from "
        "standard input when it is not a terminal, and checked with the service before anything is saved."))
    parser.add_argument("--name", help="profile name (default: the provider)")
    parser.add_argument("--provider", choices=PROVIDERS, help="po6 (MCP) or postern (REST); default po6")
    parser.add_argument("--url", help="service URL (default: the hosted service)")
    parser.add_argument("--key-env", metavar="VAR",
                        help="take the key from this environment variable at every start instead of storing it")
    parser.add_argument("--read-only", action="store_true", help="never write with this profile")
    parser.add_argument("--default", action="store_true", help="make it the default profile")
    return parser


def login(argv: list[str], *, stdin: TextIO | None = None, out: TextIO | None = None,
          err: TextIO | None = None) -> int:
    stdin = stdin or sys.stdin
    out, err = SanitizedStream(out or sys.stdout), SanitizedStream(err or sys.stderr)
    args = _login_parser().parse_args(argv)
    interactive = stdin.isatty()
    settings = config.load_settings()  # fail early on a broken config, before asking anything

    def ask(question: str, default: str) -> str:
        if not interactive:
            return default
        out.write(f"{question} [{default}]: ")
        out.flush()
        return stdin.readline().strip() or default

    provider = args.provider or ask("Provider (po6 or postern)", "po6")
    if provider not in PROVIDERS:
        print(f"po6-tui login: the provider must be po6 or postern, not {provider!r}.", file=err)
        return 2
    name = args.name or ask("Profile name", provider)
    url = (args.url or ask("URL", DEFAULT_URLS[provider])).rstrip("/")

    if args.key_env:
        key = os.environ.get(args.key_env, "")
        if not key:
            print(f"po6-tui login: the environment variable {args.key_env} is not set; set it first, "
                  "or leave out --key-env to store the key in secrets.toml.", file=err)
            return 1
    elif interactive:
        key = getpass.getpass("API key (not shown): ", stream=out)
    else:
        key = stdin.readline()
    key = key.strip()
    if not key:
        print("po6-tui login: no key given; nothing was saved.", file=err)
        return 1

    print(f"Checking the key with {url} …", file=out)
    problem, summary = asyncio.run(verify_key(provider, url, key))
    if problem:
        # One line: a server's text must not be able to forge the lines that follow it.
        print(f"po6-tui login: {clean(problem, max_len=1000)} Nothing was saved.", file=err)
        return 1

    profile = Profile(name=name, provider=provider, url=url, key_env=args.key_env, read_only=args.read_only)
    replaced = settings.profile(name) is not None
    settings.upsert_profile(profile)
    if args.default or not settings.default_profile:
        settings.default_profile = name
    if not args.key_env:
        config.save_secret(profile, key)
    path = config.save_settings(settings)
    verb = "Replaced" if replaced else "Saved"
    print(f"{summary}\n{verb} profile {name!r} ({provider}, {url}) in {path}; key from {profile.key_source}.",
          file=out)
    return 0


async def verify_key(provider: str, url: str, key: str) -> tuple[str | None, str]:
    """(problem, summary): a sentence saying why the key cannot be used, or what it reaches."""
    # deferred: start-up (the clients load when a key is checked)
    from po6_tui.api.errors import ApiError
    from po6_tui.api.transport import host_of, unreadable_reply

    try:
        if provider == "po6":
            return None, await _verify_po6(url, key)
        return None, await _verify_postern(url, key)
    except ApiError as error:
        return str(error), ""
    except Exception as error:  # a reply the clients did not foresee (nested too deep, an odd header)
        return str(unreadable_reply(host_of(url), error)), ""


async def _verify_po6(url: str, key: str) -> str:
    # deferred: start-up (the clients load when a key is checked)
    from po6_tui.api.po6 import Po6Client

    async with await Po6Client.connect(url, key, timeout=VERIFY_TIMEOUT, retry_attempts=1) as client:
        mailboxes = await client.list_mailboxes()
    return f"The key works: {len(mailboxes)} mailbox{'es' if len(mailboxes) != 1 else ''} reachable."


async def _verify_postern(url: str, key: str) -> str:
    # deferred: start-up (the clients load when a key is checked)
    from po6_tui.api.errors import AuthError
    from po6_tui.api.postern import PosternClient

    try:
        async with PosternClient(url, key, timeout=VERIFY_TIMEOUT, connect_timeout=5.0, retry_attempts=1) as client:
            page = await client.list_inboxes(limit=100)
    except AuthError as error:
        if error.status == 401:
            raise AuthError("The server rejected the API key (authentication failed).") from None
        raise
    more = "+" if page.next_cursor else ""
    return f"The key works: {len(page.data)}{more} inbox{'es' if len(page.data) != 1 else ''} reachable."


def profiles(argv: list[str], *, out: TextIO | None = None) -> int:
    out = SanitizedStream(out or sys.stdout)
    argparse.ArgumentParser(prog="po6-tui profiles", description="List account profiles (never their keys).") \
        .parse_args(argv)
    settings = config.load_settings()
    if os.environ.get("PO6_API_KEY"):
        print("PO6_API_KEY is set: po6-tui also uses it, as the account 'env' "
              f"({os.environ.get('PO6_MCP_URL') or DEFAULT_URLS['po6']}).", file=out)
    if not settings.profiles:
        print("No profiles yet. Run `po6-tui login` to add one; without any, po6-tui runs on the local sandbox.",
              file=out)
        return 0
    problems: list[str] = []
    rows = [("", "NAME", "PROVIDER", "URL", "KEY", "READ-ONLY")]
    for profile in settings.profiles:
        rows.append(("*" if profile.name == settings.default_profile else "", profile.name, profile.provider,
                     profile.url, _key_status(profile, problems), "yes" if profile.read_only else "no"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip(), file=out)
    for problem in dict.fromkeys(problems):
        print(f"\n{problem}", file=out)
    return 0


def _key_status(profile: Profile, problems: list[str]) -> str:
    """Where the key comes from and whether it is there; never the key."""
    if profile.key_env:
        return f"${profile.key_env}" + ("" if os.environ.get(profile.key_env) else " (not set)")
    try:
        return "secrets.toml" if config.load_secret(profile) else "missing (run po6-tui login)"
    except ConfigError as error:
        problems.append(str(error))
        return "secrets.toml (refused)"
