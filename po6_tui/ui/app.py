"""`Po6App`: the shell. It holds the accounts, routes reports to the status line, and provides
the things every view shares: the `:` command line, the Ctrl+P palette, `?` help, themes and
remappable keys. Views are Textual modes registered from `ui/shell/views.py`.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime

from textual.app import App, SystemCommand
from textual.notifications import Notify
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, TextArea

from po6_tui import first_frame, terminal_notify
from po6_tui.accounts import Account
from po6_tui.api import in_flight
from po6_tui.api.mcp import ElicitationRequest, ElicitationResult
from po6_tui.risks import Rules
from po6_tui.ui import safe
from po6_tui.ui.core.connection import ConnectionWatch
from po6_tui.ui.core.framed_driver import framed
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui.ui.mail.mail_screen import MailScreen
from po6_tui.ui.mail.mailbox_tree import Place
from po6_tui.ui.mail.query import QUERY_TERMS
from po6_tui.ui.shell import commands, views
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.shell.commands import Command, register
from po6_tui.ui.shell.help import HelpScreen
from po6_tui.ui.shell.notices import NoticesScreen


NOTICES_KEPT = 200


class Po6App(App):
    CSS_PATH = "app.tcss"
    TITLE = "po6-tui"
    HELP_GROUP = "Everywhere"
    DEFAULT_MODE = "mail"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal"), (150, "-wide")]

    BINDINGS = [
        # Priority: handled in the app's own queue, so keys typed right after ':' wait for the
        # command line instead of reaching the view underneath (see check_action for text fields).
        Binding("colon", "command_line", "Cmd", priority=True, id="app.command_line"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+f", "open_view('fleet')", "Fleet", show=False, id="app.fleet"),
        Binding("ctrl+p", "command_palette", "Palette", show=False, priority=True, id="app.command_palette"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    account_label: reactive[str] = reactive("")
    connection_banner: reactive[str] = reactive("")  # "Offline: …" / "Rate limited …" (ui/core/connection.py)


    def get_driver_class(self):  # noqa: ANN201 (Textual's signature)
        driver = super().get_driver_class()
        if first_frame.drawn and hasattr(driver, "write") and driver.__name__ == "LinuxDriver":
            return framed(driver)  # the first frame is on the screen: do not clear it
        return driver

    def __init__(
        self,
        accounts: Sequence[Account],
        *,
        read_only: bool = False,
        refresh_interval: float = 30.0,
        mark_read_on_open: bool = True,
        bell_on_new_draft: bool = False,
        notify: str = "auto",
        notify_on: Sequence[str] = terminal_notify.KINDS,
        theme: str | None = None,
        keymap: dict[str, str] | None = None,
        remember_theme: Callable[[str], None] | None = None,
        risk_rules: Rules | None = None,
        problems: Sequence[str] = (),
    ) -> None:
        super().__init__()
        if not accounts:
            raise ValueError("Po6App needs at least one account")
        if read_only:
            # --read-only reaches every client, whatever the profiles say.
            for account in accounts:
                account.read_only = True
        self.accounts: list[AccountSession] = [AccountSession(account, elicit=self.elicit) for account in accounts]
        self.connection = ConnectionWatch(self, self._connection_changed)
        self._active = (self.mail_accounts or self.accounts)[0]
        self.read_only = read_only
        self.refresh_interval = refresh_interval
        self.mark_read_on_open = mark_read_on_open
        self.bell_on_new_draft = bell_on_new_draft  # read by ui/drafts/watch.py
        self.notify_method = terminal_notify.choose(notify, os.environ)
        self.notify_on = frozenset(notify_on)
        self.notices: deque[terminal_notify.Notice] = deque(maxlen=NOTICES_KEPT)  # newest last (`:notices`)
        self.risk_rules = risk_rules or Rules()  # config.toml [risk], for the approve step's checks
        self._remember_theme = remember_theme
        self._keymap_overrides = dict(keymap or {})
        self._startup_problems = list(problems)  # profiles that could not be used, said once shown
        if theme and theme in self.available_themes:
            self.theme = theme
        self.mail = MailScreen()  # kept: `:mail` comes back to it as it was left
        self.add_mode("mail", lambda: self.mail)
        for view in views.VIEWS:
            if view.name != "mail":
                self.add_mode(view.name, view.make_screen)
        self.account_label = self._active.name

    # -- lifecycle -----------------------------------------------------------------------
    def on_mount(self) -> None:
        if self._keymap_overrides:
            from po6_tui.ui.kit.keymap import upgrade_keymap  # deferred: start-up (only a [keymap] needs it)

            keymap, renamed = upgrade_keymap(self._keymap_overrides)  # old binding ids still apply
            self.set_keymap(keymap)
            for notice in renamed:
                self.notify(notice, severity="warning", markup=False, timeout=10)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        for problem in self._startup_problems:
            self.notify(problem, severity="warning", markup=False, timeout=10)
        if self.mail_accounts:
            # New drafts are announced whichever view is in front, not only once :drafts opened.
            # deferred: start-up (the drafts feature loads after the first screen)
            from po6_tui.ui.drafts.watch import watcher
            from po6_tui.ui.outbox.sent_watch import sent_watcher  # deferred: (see above)

            watcher(self).start(self.refresh_interval)
            sent_watcher(self).start(self.refresh_interval)

    def _connection_changed(self, banner: str) -> None:
        self.connection_banner = banner

    def _theme_changed(self, theme) -> None:  # noqa: ANN001 (a textual Theme)
        if self._remember_theme is not None:
            try:
                self._remember_theme(theme.name)
            except OSError as error:
                self.report(f"Could not save the theme: {error}", "warning")

    async def on_unmount(self) -> None:
        for session in self.accounts:
            try:
                await session.close()
            except Exception:  # closing a dead connection must not spoil quitting
                pass

    def _fatal_error(self) -> None:
        """Textual's crash report, without the local variables it shows by default: a frame of
        the API clients holds the key, and no crash report may ever print it."""
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

    def handle_bindings_clash(self, clashed_bindings, node) -> None:  # noqa: ANN001
        keys = ", ".join(sorted({b.key for b in clashed_bindings}))
        self.report(f"Key map: {keys} is bound twice here; check [keymap] in the config.", "warning")

    # -- accounts ------------------------------------------------------------------------
    @property
    def mail_accounts(self) -> list[AccountSession]:
        """The PO6 accounts (what the mail screen shows); Postern accounts have their own view."""
        return [s for s in self.accounts if s.provider == "po6"]

    @property
    def active(self) -> AccountSession:
        return self._active

    @active.setter
    def active(self, session: AccountSession) -> None:
        self._active = session
        self.account_label = session.name

    def badges(self) -> list[tuple[str, str]]:
        found = []
        if any(s.sandbox for s in self.accounts):
            found.append(("SANDBOX", "bold black on yellow"))
        if self.read_only or self._active.account.read_only:  # --read-only, or the profile's setting
            found.append(("READ-ONLY", "bold white on red"))
        return found

    @property
    def postern_accounts(self) -> list[AccountSession]:
        """The Postern accounts (shown by the Postern view)."""
        return [s for s in self.accounts if s.provider == "postern"]

    def use_account(self, name: str) -> None:
        """`:ctx NAME`: a PO6 account opens in the mail view, a Postern one in the Postern view;
        `:ctx` alone lists the accounts."""
        if not name.strip():
            listed = ", ".join(f"{s.name}{' (in use)' if s is self._active else ''} [{s.provider}]" for s in self.accounts)
            self.report(f"Accounts: {safe.one_line(listed, 300)}. :ctx NAME switches.")
            return
        for session in self.accounts:
            if session.name == name:
                if session.provider == "postern":
                    self.open_view("postern")
                    while len(self.screen_stack) > 1:
                        self.pop_screen()
                    # After the next refresh the view is mounted (on first use it opens its
                    # default account first): then it shows the one asked for.
                    self.call_after_refresh(lambda: self.screen_stack[0].open_account(session))
                else:
                    self.mail_screen().open_account(session)
                self.report(f"Account: {safe.one_line(name, 40)}")
                return
        names = ", ".join(s.name for s in self.accounts)
        self.report(f"No account {safe.one_line(name, 40)!r} (have: {names})", "warning")

    # -- reporting -----------------------------------------------------------------------
    def report(self, message: str, severity: str = "information", *, notify: bool = True) -> None:
        """Say something to the operator: the status line of the view in front, and a
        notification for errors (unless `notify` is false: the connection banner already says
        it). `message` may contain server text: never markup. Anything shaped like an API key
        is blanked, whatever its source."""
        message = safe.redact_keys(message)
        for screen in reversed(self.screen_stack):
            if isinstance(screen, AppScreen):
                screen.report(message, severity)
                break
        if severity == "error" and notify:
            self.notify(message, severity="error", markup=False, timeout=8)

    MAX_TOASTS = 2  # more stacked over the list (eight rows of it) and their texts collided

    def _on_notify(self, event: Notify) -> None:
        # Textual adds a notification here (its notify only posts it): the oldest ones go first, so
        # at most MAX_TOASTS are on screen.
        new = event.notification
        shown = list(self._notifications)
        for same in [n for n in shown if (n.message, n.severity) == (new.message, new.severity)]:
            self._unnotify(same, refresh=False)  # the same words twice (a retried failure) are one toast
            shown.remove(same)
        for old in shown[: max(0, len(shown) - self.MAX_TOASTS + 1)]:
            self._unnotify(old, refresh=False)
        super()._on_notify(event)

    # -- views ---------------------------------------------------------------------------
    def open_view(self, name: str) -> None:
        if views.view(name) is None:
            self.report(f"No view {name!r}", "warning")
            return
        self.switch_mode(name)

    def action_open_view(self, name: str) -> None:
        self.open_view(name)

    def mail_screen(self) -> MailScreen:
        """The mail screen, brought to the front (closing a reader on top of it)."""
        if self.current_mode != "mail":
            self.switch_mode("mail")
        while len(self.screen_stack) > 1 and self.screen is not self.mail:
            self.pop_screen()
        return self.mail

    # -- one agent mailbox in another view (the fleet's Enter, d and l) ----------------------
    def _session_named(self, name: str) -> AccountSession | None:
        found = next((s for s in self.accounts if s.name == name), None)
        if found is None:
            self.report(f"No account {safe.one_line(name, 40)!r}", "warning")
        return found

    def _front_of(self, view: str) -> Screen:
        """`view` in front, with nothing on top of it: its screen."""
        self.switch_mode(view)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        return self.screen_stack[0]

    def _postern_inbox(self, session: AccountSession, address: str, listing: str = "all") -> None:
        screen = self._front_of("postern")
        # On first use the view opens its default account when mounted: then it shows this one.
        self.call_after_refresh(lambda: screen.show_inbox(session, address, listing))

    def open_mailbox(self, account: str, mailbox: str) -> None:
        """The mail view on that mailbox's INBOX (a Postern inbox in the Postern view)."""
        session = self._session_named(account)
        if session is None:
            return
        if session.provider == "postern":
            self._postern_inbox(session, mailbox)
        else:
            self.mail_screen().open_place(Place(session.name, mailbox, "INBOX"))

    def announce(self, kind: str, title: str, text: str, severity: str = "information", timeout: float = 8) -> None:
        """Something the operator should know even when looking elsewhere (a new draft, a draft
        about to expire, a bounce): a toast, a line in `:notices`, and a terminal notification
        (OSC 9 / OSC 777 / the bell, as `notify` says) for the kinds in `notify_on`. `text` is
        already one safe line; the terminal gets it cleaned again (terminal_notify.clean)."""
        self.notify(text, title=title, severity=severity, markup=False, timeout=timeout)
        self.notices.append(terminal_notify.Notice(datetime.now(UTC), kind, title, text, severity))
        if kind in self.notify_on and self._driver is not None:
            written = terminal_notify.sequence(self.notify_method, title, text, tmux=bool(os.environ.get("TMUX")))
            if written:
                self._driver.write(written)

    def open_notices(self) -> None:
        self.push_screen(NoticesScreen(list(self.notices)))

    def open_postponed(self) -> None:
        # deferred: start-up (the list of unfinished messages loads when first asked for)
        from po6_tui.ui.outbox.postponed import PostponedScreen

        self.push_screen(PostponedScreen())

    def open_drafts(self, account: str, mailbox: str) -> None:
        """The drafts queue, the cursor on that mailbox's first pending draft."""
        if self._session_named(account) is not None:
            screen = self._front_of("drafts")
            self.call_after_refresh(lambda: screen.show_mailbox(account, mailbox))

    def open_sent(self, account: str, mailbox: str) -> None:
        """The sent log of that mailbox (a Postern inbox's outbound mail)."""
        session = self._session_named(account)
        if session is None:
            return
        if session.provider == "postern":
            self._postern_inbox(session, mailbox, "outbound")
        else:
            screen = self._front_of("sent")
            self.call_after_refresh(lambda: screen.show_mailbox(session, mailbox))

    def refresh_now(self) -> None:
        refresh = getattr(self.screen, "action_refresh", None)
        if refresh is not None:
            refresh()

    async def elicit(self, request: ElicitationRequest) -> ElicitationResult:
        """A PO6 server asks for input during a call: the form over the current screen."""
        # deferred: start-up (the form and its schema widgets load when a server first asks)
        from po6_tui.ui.kit.elicitation import ask_operator

        return await ask_operator(self, request)

    def set_theme_named(self, name: str) -> None:
        if name not in self.available_themes:
            self.report(f"No theme {safe.one_line(name, 40)!r}; Tab lists them.", "warning")
            return
        self.theme = name
        self.report(f"Theme: {name}")

    # -- the command line, the palette and help -----------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "command_line" and isinstance(self.focused, (Input, TextArea)):
            return False  # while typing, ':' is a character
        return super().check_action(action, parameters)

    async def action_command_line(self, initial: str = "") -> None:
        def complete(line: str) -> list[str]:
            return commands.completions(self, line)

        def describe(line: str) -> str:
            name, _argument = commands.split(line)
            command = commands.COMMANDS.get(name)
            return command.help if command and " " not in line.strip() else ""  # names only

        def entered(line: str | None) -> None:
            if line:
                commands.run(self, line)

        # Awaited: keys typed right after ':' (`:drafts⏎` in one burst) wait until the line is
        # mounted and focused, instead of landing on the view underneath as its own keys.
        await self.push_screen(PromptScreen(":", initial=initial, complete=complete, describe=describe,
                                            history="command"), entered)

    async def action_quit(self) -> None:  # Ctrl+Q
        self.quit_safely()

    def quit_safely(self) -> None:
        """Ctrl+Q, `:quit`, and q on the mail list: quit, but ask first while a write waits for its
        answer (quitting then leaves its outcome unknown)."""
        waiting = in_flight.waiting()
        if not waiting:
            self.exit()
            return
        count = len(waiting)
        question = Question(
            f"Quit while {count} write{'s' if count > 1 else ''} wait{'' if count > 1 else 's'} for the server's answer?",
            details=f"Waiting: {', '.join(dict.fromkeys(waiting))}.\nIf you quit now, po6-tui cannot tell you "
                    "whether it took effect (it may have been sent): look at :sent and :log when you come back.",
            confirm_label="Quit anyway")
        confirm_then(self.screen, question, self.exit,
                     lambda: self.report("Not quit: the write is still waiting for the server's answer."))

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        title = getattr(screen, "HELP_GROUP", None) or type(screen).__name__
        self.push_screen(HelpScreen(screen, title))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette lists every command of the registry and every key of the view in front."""
        for command in commands.commands():
            if command.usage and not command.usage.startswith("["):
                yield SystemCommand(f":{command.name} {command.usage}", command.help,
                                    lambda name=command.name: self.action_command_line(f"{name} "))
            else:
                yield SystemCommand(f":{command.name}", command.help,
                                    lambda name=command.name: commands.run(self, name))
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in ("command_palette", "app.command_palette"):
                continue
            label = f"{binding.description} ({self.get_key_display(binding)})"
            if binding.description in seen:
                continue
            seen.add(binding.description)
            yield SystemCommand(label, f"key {self.get_key_display(binding)}",
                                lambda action=binding.action, node=active.node: self.call_next(
                                    self.run_action, action, node))
        yield from super().get_system_commands(screen)


# -- the built-in commands -----------------------------------------------------------------
# Completers only read (`app.mail`, never `app.mail_screen()`, which brings the mail screen to
# the front and so would close the command line being typed in).

def _register_builtin_commands() -> None:
    for view in views.VIEWS:
        register(Command(view.name, view.help, lambda app, _arg, name=view.name: app.open_view(name)))
    register(Command("quit", "Quit po6-tui", lambda app, _arg: app.quit_safely(), aliases=("q",)))
    register(Command("ctx", "Switch to another account (no name: list them)", lambda app, arg: app.use_account(arg),
                     usage="[NAME]", complete=lambda app: [a.name for a in app.accounts]))
    register(Command("search", "Search the current mailbox on the server: words, \"a phrase\", " + QUERY_TERMS,
                     lambda app, arg: app.mail_screen().search(arg, everywhere=False), usage="QUERY",
                     complete=lambda app: QUERY_TERMS.split()))
    register(Command("search-all", "Search every mailbox, as :search; each hit shows its mailbox",
                     lambda app, arg: app.mail_screen().search(arg, everywhere=True), usage="QUERY",
                     complete=lambda app: QUERY_TERMS.split()))
    register(Command("filter", f"Narrow the folder: {QUERY_TERMS}, words, \"a phrase\" (none clears)",
                     lambda app, arg: app.mail_screen().set_filter(arg), usage="[QUERY]",
                     complete=lambda app: [*QUERY_TERMS.split(), "none"]))
    register(Command("folder", "Open a folder of the current mailbox",
                     lambda app, arg: app.mail_screen().open_folder_named(arg),
                     usage="NAME", complete=lambda app: app.mail.folder_names(), aliases=("cd",)))
    register(Command("mailbox", "Open a mailbox", lambda app, arg: app.mail_screen().open_mailbox_named(arg),
                     usage="ADDRESS", complete=lambda app: app.mail.mailbox_addresses()))
    register(Command("refresh", "Refresh counts and the list now (R)", lambda app, _arg: app.refresh_now()))
    register(Command("theme", "Change the colour theme (remembered)", lambda app, arg: app.set_theme_named(arg),
                     usage="NAME", complete=lambda app: sorted(app.available_themes)))
    register(Command("help", "Keys and commands for this view (?)", lambda app, _arg: app.action_help()))
    register(Command("notices", "Recent notices (new drafts, drafts expiring, bounces), newest first",
                     lambda app, _arg: app.open_notices()))
    register(Command("postponed", "Unfinished messages and edits, newest first: continue or throw away",
                     lambda app, _arg: app.open_postponed()))


_register_builtin_commands()
