"""`m` send a new message from an inbox, `r` reply to a message: one form for both.

Sending is outward-facing, so it asks first. The idempotency key belongs to what was typed
(`IdempotencyIds`): if a send times out and the operator presses Ctrl+S again without changing
anything, Postern sees the same key and does not send twice. A failed send keeps the form open
with everything typed.

It is the one journaled editor (kit/editor.py), as PO6's compose: the text is saved as it is
typed, Esc leaves and keeps it (opening the same reply or a new message from that inbox again
brings it back), Ctrl+O hands it to $EDITOR, Ctrl+R throws it away after asking.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static, TextArea

from po6_tui.api import postern_models as pm
from po6_tui.api.postern import PosternClient
from po6_tui.ui import safe
from po6_tui.journal import Journal, SavedEdit
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.editor import EDITOR_KEYS, Editing, restored_notice, submit_key
from po6_tui.ui.kit.message_form import MessageForm
from po6_tui.ui.kit.form import FormDialog
from po6_tui.ui.core import timefmt
from po6_tui.ui.core.message_text import quoted
from po6_tui.ui.core.tasks import run_io
from po6_tui.ui.postern.forms import IdempotencyIds

_ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def parse_addresses(value: str) -> tuple[list[str], list[str]]:
    """(the addresses in a comma/space separated field, the parts that are not addresses)."""
    parts = [part for part in re.split(r"[,;\s]+", value.strip()) if part]
    return [p for p in parts if _ADDRESS.match(p)], [p for p in parts if not _ADDRESS.match(p)]


def reply_subject(subject: str) -> str:
    subject = safe.one_line(subject or "", 200)
    return subject if subject.lower().startswith("re:") else f"Re: {subject}".strip()


class ComposeForm(Editing, FormDialog):
    """Send from `address` (`original` None) or reply to `original`. Dismisses with the SendResult."""

    SUBMIT_LABEL = "Send"
    BINDINGS = [*EDITOR_KEYS, submit_key("Send")]
    REVERT_TITLE = "Discard this message?"

    # A composer: as tall as the terminal allows, the text taking what the fields leave.
    DEFAULT_CSS = """
    ComposeForm > #dialog { width: 90; height: 100%; }
    ComposeForm #context { margin-bottom: 1; }
    ComposeForm TextArea { height: 1fr; }
    """

    def __init__(self, client: PosternClient, address: str, original: pm.MessageSummary | None = None) -> None:
        super().__init__()
        self.client = client
        self.address = address
        self.original = original
        self.ids = IdempotencyIds()
        self.TITLE_TEXT = "Reply" if original else "New message"
        self.journal = Journal.default()
        self.restored = self.load_restored()

    def journal_place(self) -> tuple[str, str]:
        # Postern's compositions live apart from PO6's: the provider, the inbox, what is answered.
        where = self.original.id if self.original is not None else "new"
        return self.client.profile or "postern", f"postern/{self.address}/{where}"

    def compose_fields(self) -> ComposeResult:
        context = Text("From ", style="dim")
        context.append_text(safe.text(self.address, max_len=254, style="bold"))
        if self.original is not None:
            original = self.original
            recipient = ", ".join(original.to) if original.direction == "outbound" else original.from_
            context.append("  to ", style="dim")
            context.append_text(safe.text(recipient, max_len=254, style="bold"))
            context.append("\nSubject ", style="dim")
            context.append_text(safe.text(reply_subject(original.subject), max_len=300))
        yield Static(context, id="context")
        if self.restored is not None:
            yield restored_notice(self.restored, "unsent text")
        yield self.label("Saved as you type; Esc keeps it. Tab leaves the text; Ctrl+S sends.")
        start = self.restored or SavedEdit("", "", "", "")
        reply = self.original is not None
        yield MessageForm(start, fixed=frozenset(), hidden=frozenset({"to", "cc", "subject"}) if reply else frozenset(),
                          save=self.save_edit, resume=self.restored is not None, id="form")

    def on_mount(self) -> None:
        """A reply quotes the original below the cursor, as a mail reply does; its text is read
        now (a list row holds only a summary). Restored text is left as it was."""
        original = self.original
        if original is None or self.restored is not None:
            return

        async def read() -> pm.Message:
            return await self.client.get_message(original.id)

        def quote(message: pm.Message) -> None:
            body = self.query_one("#body", TextArea)
            if body.text.strip():
                return  # the operator started typing meanwhile: their text stays as it is
            # Not an edit of the operator's: not saved to the journal (closing keeps nothing).
            with body.prevent(TextArea.Changed):
                body.load_text(quoted(message.text or "", message.from_, timefmt.full(message.received_at)))
            body.move_cursor((0, 0))

        run_io(self, read, what="Reading the message to quote", done=quote, failed=lambda _error: None)

    @property
    def body(self) -> str:
        return self.query_one("#body", TextArea).text

    def problem(self) -> str:
        if self.original is None:
            to, bad = parse_addresses(self.value("to"))
            cc, bad_cc = parse_addresses(self.value("cc"))
            if not to and not bad:
                return "Who is it for? The To field is empty."
            if bad or bad_cc:
                return f"Not an email address: {safe.one_line((bad + bad_cc)[0], 80)}"
            if not self.value("subject"):
                return "The subject is empty."
        if not self.body.strip():
            return "The message is empty."
        return ""

    def submit(self) -> None:
        body = self.body
        if self.original is not None:
            original = self.original
            key = self.ids.for_values(("reply", original.id, body))
            question = Question("Send this reply?", confirm_label="Send", danger=False,
                                details=f"From {self.address}, in reply to “{original.subject}”.")
            call = lambda: self.client.reply(original.id, text=body, idempotency_key=key)  # noqa: E731
        else:
            to, _ = parse_addresses(self.value("to"))
            cc, _ = parse_addresses(self.value("cc"))
            subject = self.value("subject")
            key = self.ids.for_values(("send", tuple(to), tuple(cc), subject, body))
            question = Question("Send this message?",
                                details=f"From {self.address} to {', '.join(to + cc)}: “{subject}”.",
                                confirm_label="Send", danger=False)
            call = lambda: self.client.send(self.address, to, subject, text=body, cc=cc or None,  # noqa: E731
                                            idempotency_key=key)
        confirm_then(self, question, lambda: self.run("Sending", call, self._sent))

    def _sent(self, result: pm.SendResult) -> None:
        self.form.discard()
        account, key = self.journal_place()
        self.journal.drop_edit(account, key)
        self.dismiss(result)
