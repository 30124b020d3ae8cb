"""What `u` can take back: the last move (`s`, or `d` outside Trash, which moves to Trash).

A record holds the messages the server moved and the folder each came from; undoing moves each
back there. Only moves that the server confirmed are recorded: a move whose outcome is unknown
is never "undone" blindly. Permanent deletes (`d` in Trash) cannot be undone and are not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from po6_tui.api.models import EmailSummary, FolderInfo
from po6_tui.ui import safe

TRASH = "Trash"  # the system folder every PO6 mailbox has (API.md 1.5, list_folders)


@dataclass(frozen=True)
class MoveRecord:
    """Messages moved to `folder`, each with the folder it was in before (`origins`, by id)."""

    moved: tuple[EmailSummary, ...]
    folder: str
    origins: dict[str, str]


def trash_name(folders: list[FolderInfo] | None) -> str:
    """The mailbox's Trash as the server spells it (the sandbox matches names case-insensitively;
    a server that lists "trash" or "TRASH" gets its own spelling back)."""
    for folder in folders or []:
        if folder.name.casefold() == TRASH.casefold():
            return folder.name
    return TRASH


def is_trash(folder: str | None) -> bool:
    return (folder or "").casefold() == TRASH.casefold()


def described(targets: list[EmailSummary] | tuple[EmailSummary, ...], noun_limit: int = 50) -> str:
    """One message by its subject, several by their count: what a status line says was acted on."""
    if len(targets) == 1:
        return "“" + safe.one_line(targets[0].subject or "(no subject)", noun_limit) + "”"
    return f"{len(targets)} messages"
