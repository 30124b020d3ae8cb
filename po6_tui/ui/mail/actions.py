"""What can be done to messages, the same way from the list and from the reader:
N read/unread, F star, s move, d to Trash (in Trash: delete for good, asked first), u undo the
last move, and `;` to apply one of them to every marked message with a single confirmation.

A screen that shows messages subclasses `MessageActionsScreen` and says which messages an
action is about (`action_targets`, `marked_targets`), where they live (`session_for`) and what
to do once the server has acted (`messages_changed`, `messages_moved`, `messages_deleted`,
`messages_restored`). The last move is kept on the screen that `undo_owner` names (the list's
screen, also for moves made in the reader), so `u` works from either.
"""

from __future__ import annotations


from collections.abc import Callable

from textual.binding import Binding

from po6_tui.api.errors import OutcomeUnknownError
from po6_tui.api.models import ConfirmationRequest, EmailSummary, FolderInfo
from po6_tui.ui import safe
from po6_tui.ui.shell.app_screen import AppScreen
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.mail.pickers import FolderPicker, MarkedMenu
from po6_tui.ui.mail.undo import MoveRecord, described, is_trash, trash_name
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.core.outcome import Outcome, each
from po6_tui.ui.core.tasks import describe_error, run_io


def sentence(text: str) -> str:
    """`text` ending with a full stop, so another sentence can follow it."""
    return text if text.endswith((".", "!", "?")) else text + "."


def _subjects(targets: list[EmailSummary], limit: int = 5) -> str:
    lines = [f"• {safe.one_line(t.subject or '(no subject)', 70)}  ({safe.one_line(t.from_, 40)})"
             for t in targets[:limit]]
    if len(targets) > limit:
        lines.append(f"… and {len(targets) - limit} more")
    return "\n".join(lines)


class MessageActionsScreen(AppScreen):
    BINDINGS = [
        Binding("N", "toggle_read", "Read/unread", id="mail.toggle_read"),
        Binding("F", "toggle_star", "Star", id="mail.toggle_star"),
        Binding("s", "move", "Move", id="mail.move"),
        Binding("d", "delete", "Trash", id="mail.delete"),
        Binding("u", "undo", "Undo move", show=False, id="mail.undo"),
        Binding("semicolon", "marked", "Marked", id="mail.marked"),
        Binding("m", "compose('compose')", "Compose", show=False, id="mail.compose"),
        Binding("r", "compose('reply')", "Reply", show=False, id="mail.reply"),
        Binding("a", "compose('reply_all')", "Reply all", show=False, id="mail.reply_all"),
        Binding("f", "compose('forward')", "Forward", show=False, id="mail.forward"),
        # mutt's Tab, which here switches panes: `mail.next_unread = "tab"` with `mail.pane` moved.
        Binding("right_square_bracket", "next_unread", "Next unread", show=False, id="mail.next_unread"),
        Binding("c", "conversation", "Conversation", show=False, id="mail.conversation"),
    ]
    WRITE_ACTIONS = frozenset({"toggle_read", "toggle_star", "move", "delete", "undo", "compose"})

    # -- what subclasses provide ---------------------------------------------------------
    def action_targets(self) -> list[EmailSummary]:
        raise NotImplementedError

    def marked_targets(self) -> list[EmailSummary]:
        return []

    def clear_marks(self) -> None:
        pass

    def session_for(self, summary: EmailSummary) -> AccountSession:
        raise NotImplementedError

    def mailbox_id_for(self, summary: EmailSummary) -> str:
        return summary.mailbox_id or ""

    def messages_changed(self, updated: list[EmailSummary]) -> None:
        pass

    def messages_moved(self, moved: list[EmailSummary]) -> None:
        pass

    def messages_deleted(self, ids: list[str]) -> None:
        pass

    def messages_restored(self, restored: list[EmailSummary]) -> None:
        """`u` moved these back (`folder` is where they are now)."""

    def folder_for(self, summary: EmailSummary) -> str | None:
        return summary.folder

    last_move: MoveRecord | None = None  # on the screen `undo_owner` returns

    def undo_owner(self) -> MessageActionsScreen:
        """The screen that keeps the last move (a reader keeps it on its list's screen)."""
        return self

    def report_result(self, message: str, severity: str = "information") -> None:
        """Say how a move or delete went, where the operator will be looking (a reader closes)."""
        self.report(message, severity)

    # -- the actions -----------------------------------------------------------------------
    def action_toggle_read(self) -> None:
        self.toggle_read(self.action_targets())

    def action_toggle_star(self) -> None:
        self.toggle_star(self.action_targets())

    def action_move(self) -> None:
        self.move(self.action_targets())

    def action_delete(self) -> None:
        self.delete(self.action_targets())

    def action_conversation(self) -> None:
        """`c`: the conversation of the message under the cursor (or the open one)."""
        targets = self.action_targets()
        if not targets:
            self.report("No message here.", "warning")
            return
        # deferred: start-up (the conversation view loads when first used)
        from po6_tui.ui.mail.conversation import ConversationScreen

        summary = targets[0]
        self.app.push_screen(ConversationScreen(summary, self.session_for(summary), self.mailbox_id_for(summary)))

    def action_next_unread(self) -> None:
        """`]`: the next unread message below this one (the list moves to it; a reader opens it)."""

    def action_compose(self, mode: str) -> None:
        """m / r / a / f: write a new message, or reply to / forward the one under the cursor."""
        # deferred: start-up (compose loads when first used)
        from po6_tui.ui.outbox.compose import open_compose

        targets = self.action_targets()
        if mode == "compose":
            mailbox_id = self.mailbox_id_for(targets[0]) if targets else None
            open_compose(self.app, "compose", mailbox_id or None, session=self.session_for(targets[0]) if targets else None)
        elif targets:
            open_compose(self.app, mode, self.mailbox_id_for(targets[0]), targets[0], session=self.session_for(targets[0]))
        else:
            self.report("No message selected to reply to or forward.", "warning")

    def action_marked(self) -> None:
        targets = self.marked_targets()
        if not targets:
            self.report("Nothing is marked: Space marks a message, then ; acts on all marked.", "warning")
            return

        def chosen(action: str | None) -> None:
            if action == "clear_marks":
                self.clear_marks()
            elif action:
                getattr(self, action)(targets)

        self.app.push_screen(MarkedMenu(len(targets)), chosen)

    def _nothing(self, targets: list[EmailSummary]) -> bool:
        if not targets:
            self.report("No message selected.", "warning")
            return True
        return False

    def toggle_read(self, targets: list[EmailSummary]) -> None:
        if self._nothing(targets):
            return
        read = any(not t.is_read for t in targets)
        self._set_flag(targets, "read" if read else "unread", {"is_read": read},
                       "Marked read" if read else "Marked unread")

    def toggle_star(self, targets: list[EmailSummary]) -> None:
        if self._nothing(targets):
            return
        star = any(not t.is_starred for t in targets)
        self._set_flag(targets, "starred" if star else "unstarred", {"is_starred": star},
                       "Starred" if star else "Unstarred")

    def _set_flag(self, targets: list[EmailSummary], action: str, change: dict, verb: str) -> None:
        async def act(target: EmailSummary) -> EmailSummary:
            client = await self.session_for(target).po6_client()
            await client.mark_email(mailbox_id=self.mailbox_id_for(target), email_id=target.id, action=action)
            return target.model_copy(update=change)

        def done(outcome: Outcome) -> None:
            self.messages_changed(outcome.done)
            self.report(*outcome.summary(verb))

        run_io(self, lambda: each(targets, act), what=verb, done=done)

    def move(self, targets: list[EmailSummary]) -> None:
        if self._nothing(targets):
            return
        first = targets[0]
        session = self.session_for(first)
        mailbox_id = self.mailbox_id_for(first)
        if any(self.mailbox_id_for(t) != mailbox_id for t in targets):
            self.report("Marked messages are in several mailboxes; move them one mailbox at a time.", "warning")
            return
        current_folder = first.folder if all(t.folder == first.folder for t in targets) else None

        def pick(folders: list[FolderInfo]) -> None:
            title = f"Move {len(targets)} message{'s' if len(targets) != 1 else ''} to:"
            self.app.push_screen(FolderPicker(title, folders, exclude=current_folder), chosen)

        def chosen(folder: str | None) -> None:
            if folder:
                self._move_to(targets, folder)

        known = session.folders.get(mailbox_id)
        if known:
            pick(known)
            return

        async def load() -> list[FolderInfo]:
            client = await session.po6_client()
            return list(await client.list_folders(mailbox_id=mailbox_id))

        run_io(self, load, what="Loading folders", done=pick)

    def _move_to(self, targets: list[EmailSummary], folder: str,
                 destination: Callable[[EmailSummary], str] | None = None) -> None:
        """Move each target to `folder` (or to `destination(target)`: each mailbox's Trash) and
        keep what the server moved for `u`."""
        where = destination or (lambda _target: folder)
        origins = {t.id: self.folder_for(t) or "INBOX" for t in targets}

        async def act(target: EmailSummary) -> EmailSummary:
            client = await self.session_for(target).po6_client()
            await client.move_email(mailbox_id=self.mailbox_id_for(target), email_id=target.id, folder=where(target))
            return target.model_copy(update={"folder": where(target)})

        def done(outcome: Outcome) -> None:
            moved = outcome.done
            shown = safe.one_line(folder, 40)
            if moved:
                self.undo_owner().last_move = MoveRecord(tuple(moved), folder, {m.id: origins[m.id] for m in moved})
            self.messages_moved(moved)
            if outcome.error is None:
                self.report_result(f"Moved to {shown}: {described(moved)} — u undoes.")
            elif moved:
                self.report_result(f"Moved to {shown}: {len(moved)} of {outcome.attempted}; then: "
                                   f"{sentence(describe_error(outcome.error))} u undoes the {len(moved)} moved.", "error")
            else:
                self.report_result(f"Not moved to {shown}: {describe_error(outcome.error)}", "error")

        run_io(self, lambda: each(targets, act), what="Moving", done=done)

    def _forget_deleted(self, ids: list[str]) -> None:
        """Messages deleted for good leave the last move: `u` moves back only what still exists."""
        owner = self.undo_owner()
        record = owner.last_move
        if record is not None:
            left = tuple(m for m in record.moved if m.id not in ids)
            owner.last_move = MoveRecord(left, record.folder, record.origins) if left else None

    def action_undo(self) -> None:
        """`u`: move the messages of the last move back where they were, once."""
        owner = self.undo_owner()
        record = owner.last_move
        if record is None:
            self.report("Nothing to undo: u takes back the last move or move to Trash.", "warning")
            return
        owner.last_move = None  # taken now: a second u while this runs must not move them twice
        targets = list(record.moved)

        async def act(target: EmailSummary) -> EmailSummary:
            origin = record.origins[target.id]
            client = await self.session_for(target).po6_client()
            await client.move_email(mailbox_id=self.mailbox_id_for(target), email_id=target.id, folder=origin)
            return target.model_copy(update={"folder": origin})

        def done(outcome: Outcome) -> None:
            restored = outcome.done
            if restored:
                self.messages_restored(restored)
            places = {m.folder for m in restored}
            back = f"to {safe.one_line(places.pop(), 40)}" if len(places) == 1 else "to their folders"
            if outcome.error is None:
                self.report(f"Undone: {described(restored)} moved back {back}.")
                return
            left = targets[len(restored):]
            if isinstance(outcome.error, OutcomeUnknownError):
                left = left[1:]  # that one may have moved back already: never sent twice
            if left:
                owner.last_move = MoveRecord(tuple(left), record.folder, record.origins)
            first = f"Undone for {len(restored)} of {len(targets)}; then: " if restored else "Not undone: "
            self.report(first + sentence(describe_error(outcome.error)) + (" u tries the rest." if left else ""),
                        "error")

        run_io(self, lambda: each(targets, act), what="Undoing the move", done=done)

    def delete(self, targets: list[EmailSummary]) -> None:
        """`d`: to Trash (undoable with `u`); messages already in Trash are deleted for good."""
        if self._nothing(targets):
            return
        in_trash = [t for t in targets if is_trash(self.folder_for(t))]
        if in_trash and len(in_trash) != len(targets):
            self.report(f"{len(in_trash)} of the {len(targets)} marked messages are in Trash: d deletes those for "
                        "good and moves the others to Trash; mark them apart.", "warning")
            return
        if in_trash:
            self.delete_permanently(targets)
            return

        def trash_of(target: EmailSummary) -> str:
            mailbox_id = self.mailbox_id_for(target)
            return trash_name(self.session_for(target).folders.get(mailbox_id))

        self._move_to(targets, trash_of(targets[0]), destination=trash_of)

    def delete_permanently(self, targets: list[EmailSummary]) -> None:
        """Delete through the server's two-step confirmation: ask the server for a token per
        message, show its message once (with the count), and only on "Delete" confirm them."""
        requests: list[tuple[EmailSummary, ConfirmationRequest]] = []

        async def ask(target: EmailSummary) -> EmailSummary:
            client = await self.session_for(target).po6_client()
            result = await client.delete_email(mailbox_id=self.mailbox_id_for(target), email_id=target.id)
            if isinstance(result, ConfirmationRequest):
                requests.append((target, result))
            return target

        def asked(outcome: Outcome) -> None:
            if outcome.error is not None:
                self.report(f"Delete not started: {describe_error(outcome.error)}", "error")
                return
            if not requests:  # a server that deleted without asking
                self._forget_deleted([t.id for t in outcome.done])
                self.messages_deleted([t.id for t in outcome.done])
                self.report_result(*outcome.summary("Deleted for good:"))
                return
            count = len(requests)
            message = requests[0][1].message
            if count > 1:
                message += f"  (and the same for {count - 1} more)"
            question = Question(
                title=f"Delete {count} message{'s' if count != 1 else ''} permanently?",
                server_message=message,
                details=_subjects([t for t, _ in requests]),
                confirm_label=f"Delete {count}" if count > 1 else "Delete",
            )
            confirm_then(self, question, on_yes=lambda: self._confirm_deletes(requests),
                         on_no=lambda: self.report("Delete cancelled: nothing was deleted."))

        run_io(self, lambda: each(targets, ask), what="Delete", done=asked, replay=False)

    def _confirm_deletes(self, requests: list[tuple[EmailSummary, ConfirmationRequest]]) -> None:
        by_id = {target.id: request for target, request in requests}

        async def act(target: EmailSummary) -> EmailSummary:
            client = await self.session_for(target).po6_client()
            await client.confirm(by_id[target.id])
            return target

        def done(outcome: Outcome) -> None:
            self._forget_deleted([t.id for t in outcome.done])
            self.messages_deleted([t.id for t in outcome.done])
            self.report_result(*outcome.summary("Deleted for good:"))

        run_io(self, lambda: each([t for t, _ in requests], act), what="Deleting", done=done)
