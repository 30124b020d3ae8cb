"""Noticing new drafts: a pending draft not seen at the previous look raises a notification
(and the terminal bell when `app.bell_on_new_draft` is set), whichever view is in front.

One watcher per app (`watcher(app)`). The drafts queue reports every load to it; `start()`
also polls `list_drafts` on the app's refresh interval, so drafts are noticed while the
operator is reading mail.
"""

from __future__ import annotations

from collections.abc import Iterable
from weakref import WeakKeyDictionary

from textual.app import App

from po6_tui.ui import safe
from po6_tui.ui.core.host import host
from po6_tui.ui.core.tasks import run_io


class DraftWatcher:
    def __init__(self, app: App) -> None:
        self.app = app
        self.seen: set[str] | None = None  # None until the first look: what is there then is not news
        self._timer = None

    def observe(self, drafts: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        """`drafts` are (key, mailbox address, subject) of the pending drafts now; announces the new ones."""
        current = list(drafts)
        new = [] if self.seen is None else [d for d in current if d[0] not in self.seen]
        self.seen = (self.seen or set()) | {d[0] for d in current}
        if new:
            _key, mailbox, subject = new[0]
            more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
            self.app.notify(f"New draft from {safe.one_line(mailbox, 40)}: "
                            f"{safe.one_line(subject or '(no subject)', 60)}{more}",
                            title="Draft waiting", markup=False, timeout=8)
            app = host(self.app)
            if app is not None and app.bell_on_new_draft:
                self.app.bell()
        return new

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

        async def look() -> list[tuple[str, str, str]]:
            # deferred: start-up (the queue's keys, so both name a draft alike, without its imports)
            from po6_tui.ui.drafts.decisions import QueueItem

            found = []
            for session in sessions:
                client = await session.po6_client()
                for draft in await client.list_drafts(status="pending"):
                    item = QueueItem(session, draft)
                    found.append((item.key, item.mailbox_address, draft.subject))
            return found

        run_io(self.app, look, what="Looking for new drafts", done=self.observe, group="draft-watch",
               exclusive=True)


_WATCHERS: WeakKeyDictionary[App, DraftWatcher] = WeakKeyDictionary()


def watcher(app: App) -> DraftWatcher:
    """The app's one watcher (made on first use)."""
    found = _WATCHERS.get(app)
    if found is None:
        found = _WATCHERS[app] = DraftWatcher(app)
    return found
