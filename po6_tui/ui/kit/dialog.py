"""The frame every centred dialog shares, written once.

A dialog is a modal screen whose content sits in one frame, `#dialog`, centred over the view it
came from: thick border (`-danger` red, `-warning` amber, else the primary colour), the surface
background, at most the terminal's width. A dialog subclass sets only what is its own (usually
the frame's width) in its DEFAULT_CSS; Textual gives a subclass's rules precedence over these.

`YesNoDialog` is a dialog answered by two buttons, Cancel and a confirm button: the confirmation
(kit/confirm.py) and the send review (outbox/send_review.py) are the two.
"""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    DEFAULT_CSS = """
    Dialog { align: center middle; }
    Dialog > #dialog { width: 76; max-width: 100%; height: auto; max-height: 90%;
                       border: thick $primary; background: $surface; padding: 0 1; }
    Dialog > #dialog.-danger { border: thick $error; }
    Dialog > #dialog.-warning { border: thick $warning; }
    Dialog .dialog-title { text-style: bold; margin-bottom: 1; }
    Dialog .dialog-hint { color: $text-muted; height: auto; margin-top: 1; }
    Dialog .dialog-buttons { height: auto; align-horizontal: right; }
    Dialog .dialog-buttons Button { margin-left: 2; }
    Dialog OptionList, Dialog SelectionList { height: auto; max-height: 16; border: none; }
    /* No toast over a dialog: at 80x24 one covered the send review's quota line and its buttons.
       They are shown again on the view underneath when the dialog closes. */
    Dialog ToastHolder { display: none; }  /* the rack sets its own display inline */
    """


class YesNoDialog(Dialog[bool]):
    """Answered True by the confirm button, False by Cancel or Esc (bind escape to `cancel`).
    Focus starts on Cancel, so a stray Enter cancels."""

    AUTO_FOCUS = "#cancel"

    @staticmethod
    def answer_buttons(confirm_label: str, *, variant: str = "success", disabled: bool = False) -> Horizontal:
        return Horizontal(Button("Cancel", id="cancel", variant="primary"),
                          Button(confirm_label, id="confirm", variant=variant, disabled=disabled),  # type: ignore[arg-type]
                          id="buttons", classes="dialog-buttons")

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
