"""Noticing bounces and failed sends: a sent message whose delivery status turns `bounced` or
`failed` is announced (`Po6App.announce`: a toast, `:notices`, a terminal notification), whichever
view is in front. One watcher per app, polling each mailbox's newest sends every other refresh
(PO6 allows 60 requests a minute: one per mailbox per minute at the default interval). What has
already bounced at the first look is not news.
"""

from __future__ import annotations


from textual.app import App

from po6_tui.ui import safe
from po6_tui.ui.core.host import host
from po6_tui.ui.core.per_app import one_per_app
from po6_tui.ui.core.tasks import run_io

PROBLEMS = ("bounced", "failed")
NEWEST = 20  # sends read per mailbox at each look


class SentWatcher:
    def __init__(self, app: App) -> None:
        self.app = app
        self.seen: set[str] | None = None  # problem sends known; None until the first look
        self._timer = None

    def observe(self, problems: list[tuple[str, str, str, str, str]]) -> list[tuple[str, str, str, str, str]]:
        """`problems`: (sent id, status, mailbox address, recipients, subject) of the bounced or
        failed sends now; announces the ones not seen before."""
        new = [] if self.seen is None else [p for p in problems if p[0] not in self.seen]
        self.seen = (self.seen or set()) | {p[0] for p in problems}
        found = host(self.app)
        if found is None:
            return new
        for _id, status, mailbox, to, subject in new[:3]:  # a burst: the first three, then the count
            title = "Send bounced" if status == "bounced" else "Send failed"
            found.announce(status, title, f"{safe.one_line(mailbox, 40)} to {safe.one_line(to, 60)}: "
                           f"“{safe.one_line(subject or '(no subject)', 60)}” {status} (:sent shows why).", "error", 12)
        if len(new) > 3:
            found.announce(new[3][1], "Sends bounced or failed", f"{len(new) - 3} more sends bounced or failed "
                           "(:sent, b shows only the problems).", "error", 12)
        return new

    def start(self, interval: float) -> None:
        if interval and interval > 0 and self._timer is None:
            self._timer = self.app.set_interval(interval * 2, self.poll)
            self.app.set_timer(min(interval, 5.0), self.poll)  # the baseline, soon after start-up

    def poll(self) -> None:
        found = host(self.app)
        sessions = list(found.mail_accounts) if found is not None else []

        async def look() -> list[tuple[str, str, str, str, str]]:
            problems = []
            for session in sessions:
                client = await session.po6_client()
                if not session.mailboxes:
                    session.mailboxes = list(await client.list_mailboxes())
                for mailbox in session.mailboxes:
                    page = await client.list_sent_emails(mailbox.id, limit=NEWEST)
                    problems += [(f"{session.name}:{e.id}", e.delivery_status or "", mailbox.address or mailbox.id,
                                  ", ".join(e.to_addresses), e.subject) for e in page.emails
                                 if (e.delivery_status or "") in PROBLEMS]
            return problems

        run_io(self.app, look, what="Looking for bounces", done=self.observe, group="sent-watch", exclusive=True)


sent_watcher = one_per_app(SentWatcher)  # the app's one watcher, made on first use
