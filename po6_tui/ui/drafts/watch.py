"""Noticing new drafts: a pending draft not seen at the previous look is announced
(`Po6App.announce`: a toast, `:notices`, a terminal notification; and the bell when
`app.bell_on_new_draft` is set), whichever view is in front; and a draft that was pending and
has expired without a decision is announced as a warning (it never went out).

One watcher per app (`watcher(app)`). The drafts queue reports every load to it; `start()`
also polls `list_drafts` on the app's refresh interval, so drafts are noticed while the
operator is reading mail.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App

from po6_tui.ui import safe
from po6_tui.ui.core.host import host
from po6_tui.ui.core.per_app import one_per_app
from po6_tui.ui.core.tasks import run_io


class DraftWatcher:
    def __init__(self, app: App) -> None:
        self.app = app
        self.seen: set[str] | None = None  # None until the first look: what is there then is not news
        self._expiry_told: set[str] = set()
        self._timer = None

    def observe(self, drafts: Iterable[tuple[str, str, str]],
                expired: Iterable[tuple[str, str, str]] = ()) -> list[tuple[str, str, str]]:
        """`drafts` are (key, mailbox address, subject) of the pending drafts now, `expired` those
        the server lists as expired; announces the new ones, and the ones that expired since."""
        current = list(drafts)
        lapsed = [d for d in expired if self.seen and d[0] in self.seen and d[0] not in self._expiry_told]
        if lapsed:
            self._expiry_told |= {d[0] for d in lapsed}
            _key, mailbox, subject = lapsed[0]
            more = f" (and {len(lapsed) - 1} more)" if len(lapsed) > 1 else ""
            self._announce("expired", "Draft expired",
                           f"A draft from {safe.one_line(mailbox, 40)} expired without a decision: "
                           f"{safe.one_line(subject or '(no subject)', 60)}{more}. It was not sent.", "warning", 12)
        new = [] if self.seen is None else [d for d in current if d[0] not in self.seen]
        self.seen = (self.seen or set()) | {d[0] for d in current}
        if new:
            _key, mailbox, subject = new[0]
            more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
            self._announce("new_draft", "Draft waiting", f"New draft from {safe.one_line(mailbox, 40)}: "
                           f"{safe.one_line(subject or '(no subject)', 60)}{more}")
            app = host(self.app)
            if app is not None and app.bell_on_new_draft:
                self.app.bell()
        return new

    def _announce(self, kind: str, title: str, text: str, severity: str = "information", timeout: float = 8) -> None:
        app = host(self.app)
        if app is not None:
            app.announce(kind, title, text, severity, timeout)
        else:  # a plain App (tests of the watcher alone): the toast only
            self.app.notify(text, title=title, severity=severity, markup=False, timeout=timeout)

    def start(self, interval: float) -> None:
        """Poll every `interval` seconds (nothing when interval is 0: tests, or auto-refresh off).
        A first look soon after start-up (not during it) is the baseline: what is there then is not news."""
        if interval and interval > 0 and self._timer is None:
            self._timer = self.app.set_interval(interval, self.poll)
            if self.seen is None:
                self.app.set_timer(min(interval, 3.0), self.poll)

    def poll(self) -> None:
        app = host(self.app)
        sessions = list(app.mail_accounts) if app is not None else []

        async def look() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
            # deferred: start-up (the queue's keys, so both name a draft alike, without its imports)
            from po6_tui.ui.drafts.decisions import QueueItem

            pending, expired = [], []
            for session in sessions:
                client = await session.po6_client()
                for status, found in (("pending", pending), ("expired", expired)):
                    for draft in await client.list_drafts(status=status):
                        item = QueueItem(session, draft)
                        found.append((item.key, item.mailbox_address, draft.subject))
            return pending, expired

        run_io(self.app, look, what="Looking for new drafts", done=lambda found: self.observe(*found),
               group="draft-watch", exclusive=True)


watcher = one_per_app(DraftWatcher)  # the app's one watcher, made on first use
