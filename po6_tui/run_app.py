"""Run the Textual app: read the settings, resolve the accounts (starting the demo sandbox when
none is set up), run `Po6App`, and always stop the demo sandbox, however the app ends."""

from __future__ import annotations

import argparse
import sys

from po6_tui import config, first_frame
from po6_tui.accounts import resolve_accounts
from po6_tui.sanitize import SanitizedStream


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="po6-tui", description="Supervise AI agents' mailboxes.")
    parser.add_argument("--profile", help="use this account profile only")
    parser.add_argument("--read-only", action="store_true", help="block every write (shown as a badge)")
    return parser


def _remember_theme(name: str) -> None:
    # Re-read so a profile added by `po6-tui login` while the app ran is not lost.
    settings = config.load_settings()
    if settings.theme != name:
        settings.theme = name
        config.save_settings(settings)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    err = SanitizedStream(sys.stderr)  # problems may quote a server or a file
    try:
        settings = config.load_settings()
        resolved = resolve_accounts(args.profile, args.read_only, settings=settings)
    except config.ConfigError as error:
        print(f"po6-tui: {error}", file=err)
        return 2
    except Exception as error:  # e.g. the demo sandbox did not start
        print(f"po6-tui: could not start: {error}", file=err)
        return 1
    before = None
    try:
        if not resolved.accounts:
            for problem in resolved.problems:
                print(f"po6-tui: {problem}", file=err)
            print("po6-tui: no usable account; run `po6-tui login`.", file=err)
            return 2
        # The last cached first screen, on the terminal before Textual is even imported.
        opening = first_frame.opening_account(resolved.accounts)
        before = first_frame.draw(opening, args.read_only or opening.read_only)
        # deferred: start-up (textual is imported only when the app really runs)
        from po6_tui.ui.app import Po6App

        app = Po6App(
            resolved.accounts,
            read_only=args.read_only,
            refresh_interval=settings.refresh_interval,
            mark_read_on_open=settings.mark_read_on_open,
            bell_on_new_draft=settings.bell_on_new_draft,
            notify=settings.notify,
            notify_on=settings.notify_on,
            theme=settings.theme,
            keymap=settings.keymap,
            remember_theme=_remember_theme,
            risk_rules=settings.risk_rules,
            problems=[*resolved.problems, *settings.risk_problems],
        )
        app.run()
        return app.return_code or 0
    finally:
        first_frame.restore(before)
        resolved.stop()
