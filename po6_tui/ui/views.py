"""The registry of top-level views: what `:name`, the command palette, the help screen and the
top bar's view list all read from.

Each view is a Textual mode with its own screen stack, so `:drafts` then `:mail` comes back to
the mail screen exactly as it was left (cursor, marks, open folder).

How to add or fill in a view
----------------------------
A view names the module and the `Screen` class that implement it. The module is imported only
when the operator first opens the view (fast start-up). If the module does not exist yet, the
view shows a placeholder that says what is coming, so the navigation is complete from day one.
To fill in, say, drafts: create `po6_tui/ui/screens/drafts.py` with
`class DraftsScreen(AppScreen)` (see `ui/screens/base.py`); nothing else changes. To add a new
view, add one `View(...)` line to `VIEWS` below. A view's screen reaches the accounts and
clients through `self.app` (`Po6App.active`, `Po6App.accounts`), does its I/O with
`ui.tasks.run_io`, asks before acting with `ui.screens.confirm.confirm_then`, and shows server
text only through `ui.safe`.
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
    coming: str = ""  # what the placeholder promises while the module does not exist

    def screen_class(self) -> type[Screen] | None:
        """The view's Screen class, or None while it is not written yet."""
        try:
            module = importlib.import_module(self.module)
        except ModuleNotFoundError as error:
            if error.name == self.module:
                return None
            raise  # a real import error inside the view's module must not be hidden
        return getattr(module, self.screen)

    def make_screen(self) -> Screen:
        cls = self.screen_class()
        if cls is None:
            from po6_tui.ui.screens.placeholder import PlaceholderScreen

            return PlaceholderScreen(self)
        return cls()


MAIL = View("mail", "Mail", "Mailboxes, folders and messages", "po6_tui.ui.screens.mail", "MailScreen")

VIEWS: tuple[View, ...] = (
    MAIL,
    View("drafts", "Drafts", "Review what agents want to send: approve, edit, reject",
         "po6_tui.ui.screens.drafts", "DraftsScreen",
         coming="the review queue of agents' drafts (approve y, edit e, reject x, diff D)"),
    View("sent", "Sent", "What was sent, with delivery status",
         "po6_tui.ui.screens.sent", "SentScreen",
         coming="sent mail per mailbox with delivery status and how it was sent"),
    View("aliases", "Aliases", "@po6.com aliases and their forwarding",
         "po6_tui.ui.screens.aliases", "AliasesScreen",
         coming="aliases: forwarding, active, plus addressing, verification"),
    View("domains", "Domains", "Custom domains, their aliases and MX records",
         "po6_tui.ui.screens.domains", "DomainsScreen",
         coming="custom domains with MX checks and their aliases"),
    View("catchall", "Catch-all", "Catch-all forwarding per domain",
         "po6_tui.ui.screens.catchall", "CatchallScreen",
         coming="catch-all on/off and forwarding per domain"),
    View("pages", "Pages", "Landing pages, their stats and leads",
         "po6_tui.ui.screens.pages", "PagesScreen",
         coming="landing pages: publish, stats, leads, domains"),
    View("postern", "Postern", "Postern inboxes and messages",
         "po6_tui.ui.screens.postern", "PosternScreen",
         coming="Postern inboxes, threads and messages"),
    View("tools", "Tools", "Call any server tool by hand",
         "po6_tui.ui.screens.tools", "ToolsScreen",
         coming="a console to call any of the server's tools with arguments"),
    View("log", "Log", "The local audit log of writes",
         "po6_tui.ui.screens.log", "LogScreen",
         coming="the local audit log: every write, its target and outcome"),
)


def view(name: str) -> View | None:
    for candidate in VIEWS:
        if candidate.name == name:
            return candidate
    return None
