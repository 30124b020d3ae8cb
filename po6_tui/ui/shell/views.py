"""The registry of top-level views: what `:name`, the command palette, the help screen and the
top bar's view list all read from.

Each view is a Textual mode with its own screen stack, so `:drafts` then `:mail` comes back to
the mail screen exactly as it was left (cursor, marks, open folder).

A view names, by string, the module and the `Screen` class that implement it: the shell never
imports a feature, and the module is imported only when the operator first opens the view
(fast start-up). To add a view: a feature folder `po6_tui/ui/NAME/` with a screen that
subclasses `shell.app_screen.AppScreen`, and one `View(...)` line in `VIEWS` below.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from textual.screen import Screen


@dataclass(frozen=True)
class View:
    name: str      # the command and mode name: `:drafts`
    title: str     # shown in the top bar and the palette
    help: str      # one line, for the palette, the help screen and command completion
    module: str    # where the screen lives (imported on first use)
    screen: str    # the Screen class in that module

    def make_screen(self) -> Screen:
        return getattr(importlib.import_module(self.module), self.screen)()


MAIL = View("mail", "Mail", "Mailboxes, folders and messages", "po6_tui.ui.mail.mail_screen", "MailScreen")

VIEWS: tuple[View, ...] = (
    MAIL,
    View("fleet", "Fleet", "Every agent mailbox at a glance; the one that needs you first",
         "po6_tui.ui.fleet.fleet_screen", "FleetScreen"),
    View("drafts", "Drafts", "Review what agents want to send: approve, edit, reject",
         "po6_tui.ui.drafts.drafts_screen", "DraftsScreen"),
    View("sent", "Sent", "What was sent, with delivery status", "po6_tui.ui.outbox.sent_screen", "SentScreen"),
    View("aliases", "Aliases", "@po6.com aliases and their forwarding",
         "po6_tui.ui.routing.aliases_screen", "AliasesScreen"),
    View("domains", "Domains", "Custom domains, their aliases and MX records",
         "po6_tui.ui.routing.domains_screen", "DomainsScreen"),
    View("catchall", "Catch-all", "Catch-all forwarding per domain",
         "po6_tui.ui.routing.catchall_screen", "CatchallScreen"),
    View("pages", "Pages", "Landing pages, their stats and leads", "po6_tui.ui.pages.pages_screen", "PagesScreen"),
    View("postern", "Postern", "Postern inboxes and messages", "po6_tui.ui.postern.postern_screen", "PosternScreen"),
    View("tools", "Tools", "Call any server tool by hand", "po6_tui.ui.tools.tools_screen", "ToolsScreen"),
    View("log", "Log", "The local audit log of writes", "po6_tui.ui.log.log_screen", "LogScreen"),
)


def view(name: str) -> View | None:
    for candidate in VIEWS:
        if candidate.name == name:
            return candidate
    return None
