"""The connection watch: what the app does when a server goes away or says "slow down".

One mechanism for the whole app, fed by `ui.tasks.run_io`'s failure path, so no view has to
know about it:

- a read that fails because the server cannot be reached (`TransportError`), or fails on its
  side (`ServerError`, 5xx), makes the watch probe every account with a cheap read. If a server
  really is unreachable, the top bar shows "Offline: cannot reach HOST — retrying in N s" (or
  "Server trouble: HOST is failing / sends broken replies — …" when it answers, uselessly), the
  probe is retried with growing pauses (5 s, 10 s, 20 s, then every 30 s), and when it answers
  again the banner goes, the reads that failed meanwhile run again and the view in front
  refreshes. A fault that the first probe does not confirm (one dropped reply, one 503)
  changes nothing: the failure has been reported already;
- a read refused by rate limiting shows "Rate limited by the server — resuming in N s",
  counting down (the server's Retry-After, else 5 s, doubling while it keeps refusing), then
  runs the refused reads again;
- writes are never run again by the watch: a write whose reply was lost may have happened
  (api/po6.py says so in its message), and one refused for rate limiting is for the person to
  repeat. A write is recognised by its tool name in the error, or because the client recorded a
  write attempt in the audit log during the job (`core/write_notes.py`, wired in `core/session.py`).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from po6_tui.api.errors import ApiError, RateLimitedError, ServerError, TransportError
from po6_tui.api.transport import host_of
from po6_tui.ui.core.write_notes import job_wrote

if TYPE_CHECKING:
    from po6_tui.ui.core.host import Host
    from po6_tui.ui.core.session import AccountSession

RETRY_DELAYS: tuple[float, ...] = (5.0, 10.0, 20.0, 30.0)  # between probes while offline; the last repeats
RATE_LIMIT_DEFAULT = 5.0  # when the server does not say how long (PO6's -32002 does not)
RATE_LIMIT_MAX = 60.0
RATE_LIMIT_MEMORY = 30.0  # a new rate limit within this many seconds of resuming doubles the pause
# How api/transport.py words a server that cannot be reached (vs. one that answers garbage).
UNREACHABLE_PHRASES = ("Could not connect", "did not answer within", "was lost before the reply", "Talking to ")

def _write_tools() -> frozenset[str]:
    # deferred: start-up (the clients are imported with the first account that is used)
    from po6_tui.api.po6 import WRITE_TOOLS
    from po6_tui.api.postern import WRITE_OPERATIONS

    return WRITE_TOOLS | WRITE_OPERATIONS | {f"postern.{name}" for name in WRITE_OPERATIONS}


def is_write_failure(error: BaseException) -> bool:
    """Whether the failed job attempted a write (so it must never be repeated on our own)."""
    if job_wrote():
        return True
    tool = getattr(error, "tool", None)
    return bool(tool and tool in _write_tools()) or "may or may not have taken effect" in str(error)


class ConnectionWatch:
    """The app's view of its servers: online, offline (probing again on a timer) or rate-limited.

    `banner` is what the top bar shows ("" when all is well); `on_change` is called whenever it
    changes (the app copies it into a reactive the top bar watches). Pauses are timers, not
    sleeping workers: between probes the app is idle, as it would be with a live server.
    """

    TICK = 0.25  # how often the countdown is redrawn (seconds)

    def __init__(self, app: Host, on_change: Callable[[str], None] | None = None) -> None:
        self.app = app
        self.on_change = on_change
        self.retry_delays = RETRY_DELAYS
        self.rate_limit_default = RATE_LIMIT_DEFAULT
        self.offline_hosts: list[str] = []
        self.offline_accounts: list[str] = []  # whose server that is: not always the one in front
        self.banner = ""
        self._pending: dict[tuple[int, str, str], Callable[[], object]] = {}
        self._probing = False
        self._probe_at: float | None = None  # when the next probe runs, while offline
        self._attempt = 0
        self._resume_at: float | None = None  # when a rate-limit pause ends
        self._last_rate_limit_end = 0.0
        self._last_rate_limit_pause = 0.0
        self._ticker: Any = None
        self._trouble = ""  # the probe reached the server but it failed or answered garbage: how

    # -- state ------------------------------------------------------------------------------
    @property
    def offline(self) -> bool:
        return bool(self.offline_hosts)

    @property
    def rate_limited(self) -> bool:
        return self._resume_at is not None

    # -- the hook in run_io ---------------------------------------------------------------------
    def failed(self, error: BaseException, key: tuple[int, str, str], rerun: Callable[[], object]) -> bool:
        """A job failed with `error`. Returns True when the banner already explains the failure
        to the operator (so the caller need not raise another alarm)."""
        if not isinstance(error, ApiError):
            return False
        explained = self.offline or self.rate_limited
        write = is_write_failure(error)
        if isinstance(error, RateLimitedError):
            if not write:
                self._pending[key] = rerun
            self._start_rate_limit(error.retry_after)
            return explained and not write
        if isinstance(error, TransportError | ServerError):
            if not write:
                self._pending[key] = rerun
            # Several views fail at once when a server goes: the first one raises the alarm,
            # the banner (or the probe already under way) explains the others.
            explained = (self.offline or self._probing) and not write
            if not self.offline:
                self._start_probe()
            return explained
        return False

    # -- offline and back ---------------------------------------------------------------------
    def _start_probe(self) -> None:
        if self._probing:
            return
        self._probing = True
        self._probe_at = None
        self._update()
        # An app-level worker: it outlives the view that failed, and reports through the banner.
        self.app.run_worker(self._probe_and_decide(), name="Checking the connection",
                            group="connection-watch", exit_on_error=False)

    async def _probe_and_decide(self) -> None:
        try:
            unreachable = await self._probe()
        except Exception:  # a probe must never take the watch down with it
            unreachable = list(self.offline_hosts)
        finally:
            self._probing = False
        if unreachable:
            self.offline_hosts = unreachable
            pause = self.retry_delays[min(self._attempt, len(self.retry_delays) - 1)]
            self._attempt += 1
            self._probe_at = time.monotonic() + pause
            self._ensure_ticker()
            self._update()
            return
        was_offline = self.offline
        self.offline_hosts = []
        self.offline_accounts = []
        self._attempt = 0
        self._update()
        if was_offline:
            self._resume(refresh=True)
            self.app.report("Back online: the server answers again; refreshed.")
        elif not self.rate_limited:
            # One lost reply, not a lost server: the failure was reported; nothing to redo.
            self._pending.clear()

    async def _probe(self) -> list[str]:
        """The hosts that cannot be reached now (a cheap read per account)."""
        sessions: list[AccountSession] = list(self.app.accounts)
        results = await asyncio.gather(*(self._probe_one(s) for s in sessions), return_exceptions=True)
        hosts: list[str] = []
        accounts: list[str] = []
        self._trouble = ""
        for session, result in zip(sessions, results, strict=True):
            if isinstance(result, TransportError | ServerError):
                # A server that answers, but with failures or garbage, is not "offline": say what it does.
                if isinstance(result, ServerError):
                    self._trouble = "is failing (server errors)"
                elif not any(phrase in result.message for phrase in UNREACHABLE_PHRASES):
                    self._trouble = self._trouble or "sends broken replies"
                host = host_of(session.account.url)
                if host not in hosts:
                    hosts.append(host)
                accounts.append(session.name)
        self.offline_accounts = accounts
        return hosts

    async def _probe_one(self, session: AccountSession) -> None:
        try:
            if session.provider == "po6":
                client = await session.po6_client()
                await client.list_mailboxes()
            elif session.provider == "postern":
                await session.postern_client().list_inboxes(limit=1)
        except (TransportError, ServerError):
            raise
        except ApiError:
            pass  # it answered (even "rate limited" or "not allowed" means it is there)

    # -- rate limiting --------------------------------------------------------------------------
    def _start_rate_limit(self, retry_after: float | None) -> None:
        if self.rate_limited:
            return
        now = time.monotonic()
        if retry_after is not None and retry_after > 0:
            pause = retry_after
        elif now - self._last_rate_limit_end < RATE_LIMIT_MEMORY and self._last_rate_limit_pause:
            pause = self._last_rate_limit_pause * 2  # it is still refusing: wait longer
        else:
            pause = self.rate_limit_default
        pause = min(RATE_LIMIT_MAX, pause)
        self._last_rate_limit_pause = pause
        self._resume_at = now + pause
        self._ensure_ticker()
        self._update()

    # -- the countdown ----------------------------------------------------------------------------
    def _ensure_ticker(self) -> None:
        if self._ticker is None:
            self._ticker = self.app.set_interval(self.TICK, self._tick, name="connection-watch")

    def _tick(self) -> None:
        now = time.monotonic()
        if self._resume_at is not None and now >= self._resume_at:
            self._resume_at = None
            self._last_rate_limit_end = now
            if not self.offline:
                self._resume(refresh=False)
        if self.offline and self._probe_at is not None and now >= self._probe_at:
            self._start_probe()
        if self._resume_at is None and self._probe_at is None and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self._update()

    def _update(self) -> None:
        now = time.monotonic()
        if self.offline:
            hosts = ", ".join(self.offline_hosts)
            state = f"Server trouble: {hosts} {self._trouble}" if self._trouble else f"Offline: cannot reach {hosts}"
            names = self.offline_accounts
            if names:  # whose server: the top bar's account may be one that is fine
                state += f" (the {names[0]} account)" if len(names) == 1 else f" (accounts {', '.join(names)})"
            if self._probe_at is not None:
                banner = f"{state} — retrying in {max(1, math.ceil(self._probe_at - now))} s"
            else:
                banner = f"{state} — trying now…"
        elif self._resume_at is not None:
            banner = f"Rate limited by the server — resuming in {max(1, math.ceil(self._resume_at - now))} s"
        else:
            banner = ""
        if banner != self.banner:
            self.banner = banner
            if self.on_change is not None:
                self.on_change(banner)

    def _resume(self, *, refresh: bool) -> None:
        """Run the reads that failed meanwhile (of views still on screen), and refresh."""
        pending, self._pending = list(self._pending.values()), {}
        for rerun in pending:
            rerun()
        if refresh:
            self.app.refresh_now()


