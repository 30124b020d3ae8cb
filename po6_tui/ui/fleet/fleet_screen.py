"""`:fleet` (Ctrl+F from anywhere): every agent mailbox of every account, PO6 and Postern, one
row each, the one that needs the operator first.

Figures and anomaly rules are in `po6_tui/fleet.py`; `fetch.py` reads them, a bounded number
of requests at a time, and rows fill in as their figures arrive (a redraw at most every
`REDRAW_SECONDS`, so hundreds of agents never redraw the table hundreds of times). `s` cycles
the order (attention, address, unread, drafts, sent), `/` filters, Esc clears; Enter opens the
agent's mail, `d` its drafts, `l` its sent log. The list refreshes on the app's interval while
it is in front, `R` now; the cursor stays on the same agent. It only reads: read-only mode
shows it the same.
"""

from __future__ import annotations

import time
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from po6_tui import fleet
from po6_tui.fleet import AgentFigures, Anomaly
from po6_tui.ui import safe
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.host import host
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.fleet import rows
from po6_tui.ui.fleet.fetch import Gate, load_fleet
from po6_tui.ui.kit.prompt import PromptScreen
from po6_tui.ui.kit.table import VimTable
from po6_tui.ui.shell.app_screen import AppScreen

REDRAW_SECONDS = 0.25
SORT_NAMES = {"attention": "needs attention", "address": "address", "unread": "unread", "drafts": "drafts",
              "sent": "sent in 24 h"}


class FleetScreen(AppScreen):
    VIEW = "fleet"
    HELP_GROUP = "Fleet"
    AUTO_FOCUS = "#fleet"

    BINDINGS = [
        Binding("enter", "open_mail", "Mail", id="fleet.open"),
        Binding("d", "drafts", "Drafts", id="fleet.drafts"),
        Binding("l", "sent_log", "Sent log", id="fleet.sent"),
        Binding("s", "cycle_sort", "Sort", id="fleet.sort"),
        Binding("slash", "filter", "Filter", id="fleet.filter"),
        Binding("escape", "clear", "Clear", show=False, id="fleet.clear"),
        Binding("R", "refresh", "Refresh", show=False, id="fleet.refresh"),
    ]

    DEFAULT_CSS = """
    FleetScreen #fleet-header { height: 1; background: $boost; padding: 0 1; }
    FleetScreen #fleet { height: 1fr; }
    FleetScreen #fleet-detail { height: auto; max-height: 6; padding: 0 1; background: $boost;
                                border-top: solid $panel-lighten-1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.agents: dict[str, AgentFigures] = {}
        self.found: dict[str, list[Anomaly]] = {}  # each agent's anomalies at the last redraw
        self.shown: list[AgentFigures] = []
        self.account_problems: list[str] = []
        self.sort = fleet.SORT_KEYS[0]
        self.words: list[str] = []
        self.loading = False
        self.loaded_at: datetime | None = None
        self.gate: Gate | None = None  # the last refresh's request gate (tests read its high-water mark)
        self._dirty = False
        self._filled_at = 0.0  # monotonic time of the last redraw, and how long it took
        self._fill_seconds = 0.0

    def compose_body(self) -> ComposeResult:
        yield Static("Loading the fleet…", id="fleet-header")
        yield VimTable(rows.COLUMNS, id="fleet")
        yield Static("", id="fleet-detail")

    @property
    def table(self) -> VimTable:
        return self.query_one("#fleet", VimTable)

    def on_mount(self) -> None:
        self.set_interval(REDRAW_SECONDS, self._redraw_if_changed)
        self.load()
        app = host(self)
        interval = app.refresh_interval if app is not None else 0
        if interval > 0:
            self.set_interval(interval, self._refresh_if_in_front)

    def _refresh_if_in_front(self) -> None:
        # Not under a dialog or another view, and never a second refresh on top of a running one.
        if self.app.screen is self and not self.loading:
            self.load()

    # -- loading ---------------------------------------------------------------------------
    def load(self) -> None:
        app = host(self)
        sessions = list(app.accounts) if app is not None else []
        now = timefmt.now()
        seen: set[str] = set()
        self.loading = True
        self.gate = gate = Gate()

        def shown(agent: AgentFigures) -> None:
            seen.add(agent.key)
            if agent.loading and agent.key in self.agents:
                return  # a refresh: the last figures stay on screen until the new ones are in
            self.agents[agent.key] = agent
            self._dirty = True

        def done(problems: dict[str, str]) -> None:
            for key, agent in list(self.agents.items()):
                if key in seen:
                    continue
                if agent.account in problems:  # its account could not be listed: unknown now, not zero
                    self.agents[key] = AgentFigures(agent.account, agent.provider, agent.address, agent.mailbox_id,
                                                    problems=[problems[agent.account]])
                else:
                    del self.agents[key]  # gone from its account
            self.account_problems = list(problems.values())
            if problems:
                self.report(" ".join(problems.values()), "warning")
            self.loading = False
            first = self.loaded_at is None
            self.loaded_at = now
            self._fill()
            if first and self.shown:  # the first full picture starts at the agent that needs you most
                self.table.move_cursor(row=0, animate=False)

        def failed(_error: BaseException) -> None:
            self.loading = False
            self._fill()

        app = host(self)
        rules = app.risk_rules if app is not None else None
        run_io(self, lambda: load_fleet(sessions, now, shown, gate=gate, rules=rules), what="Loading the fleet",
               done=done,
               failed=failed, group="fleet", exclusive=True)

    def _redraw_if_changed(self) -> None:
        # While hundreds of rows fill in, redrawing takes a while itself: at most a fifth of the
        # time goes to it, so the keys stay responsive.
        if self._dirty and time.monotonic() - self._filled_at >= 4 * self._fill_seconds:
            self._fill()

    # -- drawing ---------------------------------------------------------------------------
    def _fill(self) -> None:
        started = time.monotonic()
        self._dirty = False
        now = timefmt.now()
        self.found = {key: fleet.anomalies(agent, now) for key, agent in self.agents.items()}
        self.shown = [agent for agent in fleet.ordered(self.agents.values(), self.sort, now)
                      if fleet.matches(agent, self.words, now)]
        self.table.fill((agent.key, rows.cells(agent, self.found[agent.key], now)) for agent in self.shown)
        self._header()
        self._show_detail()
        self._filled_at = time.monotonic()
        self._fill_seconds = self._filled_at - started

    def _header(self) -> None:
        accounts = len({agent.account for agent in self.agents.values()})
        attention = sum(bool(found) for found in self.found.values())
        header = Text(f"Fleet: {len(self.agents)} agent{'s' if len(self.agents) != 1 else ''}", style="bold")
        header.append(f" in {accounts} account{'s' if accounts != 1 else ''}", style="dim")
        if attention:
            header.append(f"  ⚠ {attention} need{'s' if attention == 1 else ''} attention", style="bold red")
        header.append(f"  by {SORT_NAMES[self.sort]} (s)", style="dim")
        if self.words:
            header.append("  filter: ", style="bold")
            header.append_text(safe.text(" ".join(self.words), max_len=60, style="bold"))
            header.append(f" ({len(self.shown)} shown)", style="dim")
        if self.account_problems:
            count = len(self.account_problems)
            header.append(f"  ? {count} account{'s' if count != 1 else ''} could not be listed", style="bold yellow")
        if self.loading:
            done = sum(not agent.loading for agent in self.agents.values())
            header.append(f"  loading {done}/{len(self.agents)}…", style="dim")
        elif self.loaded_at is not None:
            header.append(f"  as of {timefmt.short(self.loaded_at)}", style="dim")
        self.query_one("#fleet-header", Static).update(header)

    def _show_detail(self) -> None:
        detail = self.query_one("#fleet-detail", Static)
        agent = self.current()
        if agent is None:
            text = Text("No agent mailbox here yet." if not self.loading else "Loading…", style="dim")
            for problem in self.account_problems:
                text.append("\n? ", style="bold yellow")
                text.append_text(safe.text(problem, max_len=300, style="yellow"))
            detail.update(text)
            return
        detail.update(rows.detail(agent, self.found.get(agent.key, []), timefmt.now()))

    @on(DataTable.RowHighlighted, "#fleet")
    def _highlighted(self) -> None:
        self._show_detail()

    def current(self) -> AgentFigures | None:
        key = self.table.current_key
        return self.agents.get(key) if key else None

    # -- keys ------------------------------------------------------------------------------
    def _chosen(self) -> AgentFigures | None:
        agent = self.current()
        if agent is None:
            self.report("No agent selected.", "warning")
        return agent

    @on(DataTable.RowSelected, "#fleet")
    def action_open_mail(self) -> None:
        agent, app = self._chosen(), host(self)
        if agent is not None and app is not None:
            app.open_mailbox(agent.account, agent.mailbox_id)

    def action_drafts(self) -> None:
        agent, app = self._chosen(), host(self)
        if agent is None or app is None:
            return
        if not agent.offers("drafts"):
            self.report("Postern has no drafts: its agents send directly.", "warning")
            return
        app.open_drafts(agent.account, agent.mailbox_id)

    def action_sent_log(self) -> None:
        agent, app = self._chosen(), host(self)
        if agent is not None and app is not None:
            app.open_sent(agent.account, agent.mailbox_id)

    def action_cycle_sort(self) -> None:
        keys = fleet.SORT_KEYS
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        self._fill()
        self.report(f"Sorted by {SORT_NAMES[self.sort]}.")

    def action_filter(self) -> None:
        def entered(line: str | None) -> None:
            if line is not None:
                self.set_filter(line)

        self.app.push_screen(PromptScreen("/", initial=" ".join(self.words), history="fleet-filter"), entered)

    def set_filter(self, line: str) -> None:
        self.words = [word.casefold() for word in line.split()]
        self._fill()
        if self.words:
            self.report(f"{len(self.shown)} of {len(self.agents)} agents match; Esc clears the filter.")
        else:
            self.report("Filter cleared.")

    def action_clear(self) -> None:
        if self.words:
            self.set_filter("")

    def action_refresh(self) -> None:
        self.load()
        self.report("Refreshing the fleet…")
