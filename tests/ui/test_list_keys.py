"""One set of movement keys for every list (kit/table.py `LIST_BINDINGS`), and keymaps that
name the ids lists had before still working (kit/keymap.py)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.widgets import DataTable, OptionList, Select, Tree
from uihelpers import type_command, wait_for, wait_idle, wait_list

import po6_tui.ui
from po6_tui.ui.kit.keymap import PANE_BINDINGS, PANE_PAGE_BINDINGS, RENAMED_BINDINGS, upgrade_keymap, upgraded_keys
from po6_tui.ui.kit.table import LIST_BINDING_IDS, LIST_BINDINGS, VimTable
from po6_tui.ui.mail.message_list import MessageList
from po6_tui.ui.mail.pickers import FolderPicker
from po6_tui.ui.routing.alias_table import AliasTable

LIST_KEYS = {key: binding.id for binding in LIST_BINDINGS for key in binding.key.split(",")}
MOVES = (".down", ".up", ".first", ".last", ".top", ".bottom", ".page_down", ".page_up")


def ui_classes() -> list[type]:
    found = []
    for info in pkgutil.walk_packages(po6_tui.ui.__path__, "po6_tui.ui."):
        module = importlib.import_module(info.name)
        found += [cls for _name, cls in inspect.getmembers(module, inspect.isclass) if cls.__module__ == module.__name__]
    return found


def declared_ids() -> set[str]:
    return {binding.id for cls in ui_classes() for binding in cls.__dict__.get("BINDINGS", [])
            if isinstance(binding, Binding) and binding.id}


def movement_ids(key_to_bindings) -> dict[str, str | None]:
    """What each list key does in a widget: the id of the binding it reaches first."""
    return {key: key_to_bindings[key][0].id if key in key_to_bindings else None for key in LIST_KEYS}


def test_every_list_class_moves_with_the_list_ids():
    classes = {cls.__name__: cls for cls in ui_classes()}
    tables = [cls for cls in classes.values() if issubclass(cls, DataTable)]
    assert {"VimTable", "AliasTable", "PagedTable"} <= {cls.__name__ for cls in tables}
    assert all(issubclass(cls, VimTable) for cls in tables), tables
    lists = [*tables, MessageList, classes["MailboxTree"], classes["VimOptionList"], FolderPicker]
    for cls in lists:
        assert movement_ids(cls._merge_bindings().key_to_bindings) == LIST_KEYS, cls.__name__


def test_movement_ids_are_the_list_pane_and_reader_sets_and_no_old_id_is_left():
    ids = declared_ids()
    assert not ids & set(RENAMED_BINDINGS), sorted(ids & set(RENAMED_BINDINGS))
    moving = {binding_id for binding_id in ids if binding_id.endswith(MOVES)}
    pane = {binding.id for binding in [*PANE_BINDINGS, *PANE_PAGE_BINDINGS]}
    reader = {binding_id for binding_id in moving if binding_id.startswith("reader.")}  # a reader, not a list
    assert moving == LIST_BINDING_IDS | pane | reader
    assert len(moving - reader) == 10  # was 34, with 12 ids for "down" alone (13 with reader.down)
    assert {old_id.rsplit(".", 1)[0] for old_id in RENAMED_BINDINGS} >= {
        "table", "postern.list", "postern.wait", "drafts", "sent", "log", "tree", "picker", "page", "help", "diff"}


def test_an_old_id_is_applied_under_its_new_id_with_one_notice():
    keymap, notices = upgrade_keymap({"table.down": "n", "mail.toggle_star": "x", "help.up": "i"})
    # j was n, and the arrow the list has as well stays; help.up was both k and ↑, so i replaces both.
    assert keymap == {"list.down": "n,down", "mail.toggle_star": "x", "pane.up": "i"}
    assert notices == ["Key map: 'table.down' is now 'list.down'; using list.down = \"n,down\"; update config.toml.",
                       "Key map: 'help.up' is now 'pane.up'; using pane.up = \"i\"; update config.toml."]
    assert upgraded_keys("picker.down", "ctrl+n") == "ctrl+n,j"  # the picker had only the arrow
    assert upgrade_keymap({}) == ({}, [])


def test_of_two_old_ids_with_different_keys_the_first_wins_and_the_notice_says_so():
    keymap, notices = upgrade_keymap({"drafts.down": "n", "log.down": "n", "tree.down": "x"})
    assert keymap == {"list.down": "n,down"}
    assert len(notices) == 1
    assert "'drafts.down', 'log.down', 'tree.down' are now 'list.down'" in notices[0]
    assert "from 'drafts.down', not 'tree.down' = \"x\"" in notices[0] and "'log.down' =" not in notices[0]


def test_the_new_id_set_in_the_config_wins_over_an_old_one():
    keymap, notices = upgrade_keymap({"list.up": "u", "sent.up": "i"})
    assert keymap == {"list.up": "u"}
    assert notices == ["Key map: 'sent.up' is now 'list.up', which config.toml also sets; remove 'sent.up'."]


def test_a_notice_shows_the_keys_made_safe():
    _keymap, notices = upgrade_keymap({"log.up": "i\x1b[31m"})
    assert "\x1b" not in notices[0]


def notices(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def open_list(pilot, view: str, widget: type):
    app = pilot.app
    await type_command(pilot, view)
    await wait_for(pilot, lambda: app.current_mode == view and app.screen.query(widget), what=view)
    await wait_idle(pilot)
    return app.screen.query_one(widget)


async def test_an_old_id_in_the_keymap_moves_the_aliases_table_and_says_the_new_id(make_app):
    app = make_app(keymap={"table.down": "n"})
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot)
        assert "Key map: 'table.down' is now 'list.down'; using list.down = \"n,down\"; update config.toml." \
            in notices(app)
        table = await open_list(pilot, "aliases", AliasTable)
        await wait_for(pilot, lambda: table.row_count == 5, what="the aliases")
        first = table.current_key
        await pilot.press("j")  # j is n now
        assert table.current_key == first
        await pilot.press("n")
        assert table.cursor_row == 1 and table.current_key != first
        await pilot.press("down")
        assert table.cursor_row == 2
        assert len([n for n in notices(app) if n.startswith("Key map:")]) == 1  # said once, at start


async def test_one_keymap_line_moves_every_list(make_app):
    app = make_app(keymap={"list.down": "n", "list.last": "e"})
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot)
        assert not [n for n in notices(app) if n.startswith("Key map:")]
        messages = app.mail.message_list
        await pilot.press("n")
        assert messages.cursor == 1
        tree = app.mail.query_one(Tree)
        tree.focus()
        await pilot.pause()
        line = tree.cursor_line
        await pilot.press("n")
        assert tree.cursor_line == line + 1
        await pilot.press("e")
        assert tree.cursor_line == tree.last_line
        for view, widget in (("aliases", AliasTable), ("sent", DataTable), ("drafts", DataTable),
                             ("tools", OptionList)):
            shown = await open_list(pilot, view, widget)
            if view == "sent":  # the mailbox with the most sent mail
                await wait_for(pilot, lambda: app.screen.emails, what="the first mailbox's sent mail")
                app.screen.query_one("#mailbox", Select).value = "mbx_outreach"
            if isinstance(shown, DataTable):
                await wait_for(pilot, lambda shown=shown: shown.row_count > 2, what=f"rows in {view}")
                shown.focus()
                await pilot.pause()
                await pilot.press("n")
                assert shown.cursor_row == 1, view
                await pilot.press("e")
                assert shown.cursor_row == shown.row_count - 1, view
            else:
                await wait_for(pilot, lambda shown=shown: shown.option_count > 2, what="the tools")
                shown.focus()
                shown.highlighted = 0
                await pilot.press("n")
                assert shown.highlighted == 1
                await pilot.press("e")
                assert shown.highlighted == shown.option_count - 1


async def test_every_list_in_every_view_is_a_vim_list(make_app):
    """Every table, tree and option list the views show (dialogs aside) moves with the list ids."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_list(pilot)
        seen = set()
        for view in ("mail", "drafts", "sent", "aliases", "domains", "catchall", "pages", "tools", "log"):
            if view != "mail":
                await type_command(pilot, view)
            await wait_for(pilot, lambda view=view: app.current_mode == view, what=view)
            await wait_idle(pilot)
            for widget in app.screen.query("*"):
                in_select = any(isinstance(parent, Select) for parent in widget.ancestors)  # its drop-down
                if isinstance(widget, DataTable | Tree | OptionList | MessageList) and not in_select:
                    seen.add(type(widget).__name__)
                    assert not isinstance(widget, DataTable) or isinstance(widget, VimTable), (view, widget)
                    assert movement_ids(widget._bindings.key_to_bindings) == LIST_KEYS, (view, widget)
        assert {"MessageList", "MailboxTree", "VimTable", "AliasTable", "VimOptionList"} <= seen
