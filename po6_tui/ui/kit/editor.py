"""The one journaled editor: what compose/reply/forward (outbox/compose.py), the draft editor
(drafts/draft_edit.py) and Postern's send/reply (postern/compose.py) share, so that they keep
text and answer keys alike.

- the text is a `MessageForm`, saved to the journal as it is typed, so a crash, a dropped
  connection or Esc loses nothing; opening the same composition again restores it, and says so;
- Esc leaves and keeps the text; Ctrl+O hands it to $EDITOR; Ctrl+R goes back to where it
  started (the agent's draft, the prefilled reply) or discards it, after asking; Ctrl+S does
  what the screen is for (send, or keep the edit);
- one set of binding ids (`editor.*`) for all of them.

A screen mixes `Editing` into its screen class, puts EDITOR_KEYS in its BINDINGS (Textual takes
bindings only from widget classes) and says where its text lives (`journal_place`).
"""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Static

from po6_tui.journal import Journal, SavedEdit
from po6_tui.ui.core.host import report
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.kit.keymap import EDITOR_KEYS  # noqa: F401  (the editors import it from here)
from po6_tui.ui.kit.message_form import MessageForm, edit_externally



def submit_key(description: str) -> Binding:
    """Ctrl+S, named for what it does on that screen ("Send", "Done")."""
    return Binding("ctrl+s", "submit", description, id="editor.submit")


def restored_notice(restored: SavedEdit, what: str) -> Static:
    return Static(f"Restored your {what} (saved {restored.saved_at[11:16]} UTC). ctrl+r goes back to the start.",
                  id="restored", classes="editor-restored")


class Editing:
    """The journaled editor's actions, mixed into a screen that shows one `MessageForm`."""

    journal: Journal
    REVERT_TITLE = "Throw away what you typed?"
    REVERT_DETAILS = "What you typed is thrown away."
    REVERTED_NOTE = "Discarded."
    KEPT_NOTE = "Not sent; your text is kept."  # said on Esc when there is text to keep ("" says nothing)

    def journal_place(self) -> tuple[str, str]:
        """(account, key) of this composition in the journal."""
        raise NotImplementedError

    def load_restored(self) -> SavedEdit | None:
        account, key = self.journal_place()
        return self.journal.load_edit(account, key)

    def save_edit(self, message: SavedEdit) -> None:
        account, key = self.journal_place()
        self.journal.save_edit(account, key, message)

    @property
    def form(self) -> MessageForm:
        return self.query_one(MessageForm)  # type: ignore[attr-defined]

    def action_body_edge(self, end: bool) -> None:
        body = self.form.body
        body.focus()
        body.move_cursor(body.document.end if end else (0, 0))

    def action_back(self) -> None:  # q outside a field: close, like Esc
        self.action_close()

    def action_close(self) -> None:
        self.form.flush()
        kept = self.load_restored() is not None
        self.dismiss(None)  # type: ignore[attr-defined]
        if kept and self.KEPT_NOTE:
            report(self, self.KEPT_NOTE)  # type: ignore[arg-type]

    def action_external(self) -> None:
        self.form.flush()
        edited = edit_externally(self.app, self.form.value())  # type: ignore[attr-defined]
        if edited is not None:
            self.form.load(edited)
            self.form.flush()
            report(self, "Loaded the text from $EDITOR.")  # type: ignore[arg-type]

    def action_revert(self) -> None:
        def revert() -> None:
            self.form.discard()
            account, key = self.journal_place()
            self.journal.drop_edit(account, key)
            self.dismiss(None)  # type: ignore[attr-defined]
            report(self, self.REVERTED_NOTE)  # type: ignore[arg-type]

        confirm_then(self, Question(title=self.REVERT_TITLE, details=self.REVERT_DETAILS,  # type: ignore[arg-type]
                                    confirm_label="Throw away"), on_yes=revert)
