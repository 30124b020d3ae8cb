"""The sidebar: accounts → mailboxes → folders, each with unread/total counts.

`sync()` updates the tree in place from what the sessions know, so an auto-refresh changes the
numbers without moving the cursor or collapsing anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from po6_tui.ui import safe
from po6_tui.ui.core.session import AccountSession
from po6_tui.ui.kit.table import LIST_BINDINGS


@dataclass(frozen=True)
class Place:
    """Where the operator can go: an account, a mailbox of it, or a folder of that mailbox."""

    account: str
    mailbox_id: str | None = None
    folder: str | None = None


@dataclass(frozen=True)
class Entry:
    """What a node says: a name and, for mailboxes and folders, counts."""

    name: str
    unread: int | None = None
    total: int | None = None
    bold: bool = False

    def label(self, width: int) -> Text:
        """The name, cut to leave room for the counts, which are right-aligned and never cut."""
        counts = Text(end="")
        if self.total is not None:
            if self.unread:
                counts.append(f"{self.unread:,}", style="bold")
                counts.append(f"/{self.total:,}", style="dim")
            else:
                counts.append(f"{self.total:,}", style="dim")
        name = safe.text(self.name, max_len=120, style="bold" if self.bold or self.unread else "")
        room = max(4, width - counts.cell_len - 1)
        if name.cell_len > room:
            name.truncate(room - 1)
            name.append("…")
        gap = max(1, width - name.cell_len - counts.cell_len)
        return name + Text(" " * gap) + counts


class MailboxTree(Tree[Place]):
    HELP_GROUP = "Mailboxes"

    BINDINGS = [
        *LIST_BINDINGS,
        Binding("l,right", "open_node", "Open", show=False, id="tree.open"),
        Binding("h,left", "close_node", "Close", show=False, id="tree.close"),
    ]

    DEFAULT_CSS = """
    MailboxTree { background: $surface; overflow-x: hidden; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("accounts", **kwargs)
        self.show_root = False
        self.guide_depth = 2
        self._place_nodes: dict[Place, TreeNode[Place]] = {}
        self._entries: dict[Place, tuple[Entry, int]] = {}  # entry and the label's room

    def node_for(self, place: Place) -> TreeNode[Place] | None:
        return self._place_nodes.get(place)

    def sync(self, sessions: Sequence[AccountSession]) -> None:
        seen: set[Place] = set()
        several = len(sessions) > 1
        for session in sessions:
            account_place = Place(session.name)
            if several:
                parent = self._upsert(self.root, account_place, Entry(session.name, bold=True), expand=True)
                seen.add(account_place)
            else:
                parent = self.root
            for mailbox in session.mailboxes:
                place = Place(session.name, mailbox.id)
                entry = Entry(mailbox.address or mailbox.display_name or mailbox.id, mailbox.unread, mailbox.total)
                node = self._upsert(parent, place, entry)
                seen.add(place)
                for folder in session.folders.get(mailbox.id, []):
                    folder_place = Place(session.name, mailbox.id, folder.name)
                    entry = Entry(folder.name, folder.unread, folder.total)
                    self._upsert(node, folder_place, entry, leaf=True)
                    seen.add(folder_place)
        for place in [p for p in self._place_nodes if p not in seen]:
            # Only forget folders of mailboxes whose folder list we know (a refresh that
            # failed must not wipe the tree).
            session = next((s for s in sessions if s.name == place.account), None)
            if place.folder and session is not None and place.mailbox_id not in session.folders:
                continue
            node = self._place_nodes.pop(place)
            self._entries.pop(place, None)
            if node.tree is self and node is not self.root:
                node.remove()

    def _indent(self, parent: TreeNode[Place], leaf: bool) -> int:
        # Tree indents each level below the top by `guide_depth` cells; expandable nodes
        # also show a 2-cell icon.
        depth = 0
        while parent is not self.root and parent is not None:
            depth += 1
            parent = parent.parent
        return depth * self.guide_depth + (0 if leaf else 2)

    def _width(self) -> int:
        return self.scrollable_content_region.width or self.size.width or 30

    def on_resize(self) -> None:
        self._fit_labels()

    def watch_show_vertical_scrollbar(self) -> None:
        # The scrollbar takes its columns from the labels without any resize (e.g. a mailbox
        # whose folders are known opened again): fit them again, or the counts are clipped.
        self._fit_labels()

    def _fit_labels(self) -> None:
        for place, node in self._place_nodes.items():
            entry, indent = self._entries[place]
            node.set_label(entry.label(self._width() - indent))

    def _upsert(self, parent: TreeNode[Place], place: Place, entry: Entry, *, leaf: bool = False,
                expand: bool = False) -> TreeNode[Place]:
        node = self._place_nodes.get(place)
        indent = self._indent(parent, leaf)
        self._entries[place] = (entry, indent)
        label = entry.label(self._width() - indent)
        if node is None:
            if leaf:
                node = parent.add_leaf(label, data=place)
            else:
                node = parent.add(label, data=place, expand=expand)
            self._place_nodes[place] = node
        elif node.label != label:
            node.set_label(label)
        return node

    def select_place(self, place: Place) -> None:
        """Put the cursor on `place` (without opening it again)."""
        node = self._place_nodes.get(place)
        if node is None:
            return
        parent = node.parent
        while parent is not None and parent is not self.root:
            parent.expand()
            parent = parent.parent
        self.move_cursor(node)

    def action_first(self) -> None:
        self.action_scroll_home()  # Tree's own Home: the cursor to the top

    def action_last(self) -> None:
        self.action_scroll_end()

    def action_open_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        else:
            self.action_select_cursor()

    def action_close_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)
