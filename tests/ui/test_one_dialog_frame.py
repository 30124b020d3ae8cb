"""Every centred dialog gets its frame from kit/dialog.py: none writes the frame's CSS again
(issue 13: the same dialog CSS had been written 9 times)."""

from __future__ import annotations

import importlib
import pkgutil

from textual.screen import ModalScreen

import po6_tui.ui
from po6_tui.ui.kit.dialog import Dialog

FRAME_RULES = ("align: center middle", "border: thick")


def _modal_screens() -> list[type[ModalScreen]]:
    for info in pkgutil.walk_packages(po6_tui.ui.__path__, "po6_tui.ui."):
        importlib.import_module(info.name)
    found: list[type] = []
    todo = [ModalScreen]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("po6_tui.ui."):
                found.append(sub)
    return found


def test_no_dialog_writes_its_frame_again():
    screens = _modal_screens()
    assert len(screens) >= 12, screens  # the walk found the dialogs (confirm, forms, pickers, …)
    for screen in screens:
        if screen is Dialog:
            continue
        css = screen.__dict__.get("DEFAULT_CSS", "")
        copied = [rule for rule in FRAME_RULES if rule in css]
        assert not copied, f"{screen.__qualname__} writes the dialog frame again ({copied}): subclass kit.dialog.Dialog"


def test_centred_modals_are_dialogs():
    # The two bottom-docked modals (the `:` line and the marked-messages menu) are not framed dialogs.
    bottom = {"PromptScreen", "MarkedMenu"}
    for screen in _modal_screens():
        if screen.__name__ not in bottom:
            assert issubclass(screen, Dialog), f"{screen.__qualname__} is a modal but not a kit.dialog.Dialog"
