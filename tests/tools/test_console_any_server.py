"""The tool console against a server that is not PO6 (tests/tools/second_server.py): its own
tools and schemas become forms, typed values arrive with the right JSON types, annotations
decide what read-only mode allows, and its two-step tool goes through the same confirmation."""

from __future__ import annotations

import json

from textual.widgets import Input, Select, TextArea
from toolhelpers import call_and_wait, choose, fill, header_text, open_tools, result_text, status_text
from uihelpers import wait_for, wait_idle

from po6_tui.audit import AuditLog
from po6_tui.ui.kit.schema_form import ObjectField
from po6_tui.ui.kit.confirm import ConfirmScreen


async def test_its_tools_and_schemas_become_forms(make_second_app):
    app = make_second_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tools(pilot)
        assert [tool.name for tool in screen.tools] == [
            "weather_lookup", "create_ticket", "purge_archive", "echo_text", "fail_always", "book_room"]
        assert [tool.writes for tool in screen.tools] == [False, True, True, False, False, False]

        form = await choose(pilot, "create_ticket")
        kinds = {field: type(form.field(field).widget) for field in (
            "title", "priority", "tags", "assignee.name", "assignee.team.id", "estimate_hours", "notify", "metadata")}
        assert kinds == {"title": Input, "priority": Select, "tags": TextArea, "assignee.name": Input,
                         "assignee.team.id": Input, "estimate_hours": Input, "notify": Select, "metadata": TextArea}
        assert isinstance(form.field("assignee"), ObjectField)
        assert form.field("assignee.team.id").widget.type == "integer"
        assert form.field("estimate_hours").widget.type == "number"
        labels = [str(label.content) for label in form.query(".field-label")]
        assert "title *" in labels[0] and any(label.startswith("name *") for label in labels)


async def test_typed_values_arrive_with_their_json_types(make_second_app, second_server):
    app = make_second_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tools(pilot)
        form = await choose(pilot, "create_ticket")
        fill(form, title="Printer on fire", priority="2", tags="hardware\n\nurgent\n", assignee__name="Ada",
             assignee__team__id="7", estimate_hours="1.5", notify="false", metadata='{"floor": 3, "ok": [true]}')
        await call_and_wait(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))  # a write without readOnlyHint
        await pilot.click("#confirm")
        await wait_idle(pilot)
        sent = {"title": "Printer on fire", "priority": 2, "tags": ["hardware", "urgent"],
                "assignee": {"name": "Ada", "team": {"id": 7}}, "estimate_hours": 1.5, "notify": False,
                "metadata": {"floor": 3, "ok": [True]}}
        assert second_server.calls == [("create_ticket", sent)]
        assert json.loads(result_text(screen)) == {"ticket": "T-1", "received": sent}

        # A JSON array works for lists too; optional groups left empty are not sent.
        fill(form, tags='["a", "b"]', assignee__team__id="", metadata="")
        await call_and_wait(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm")
        await wait_idle(pilot)
        assert second_server.calls[-1][1]["tags"] == ["a", "b"]
        assert second_server.calls[-1][1]["assignee"] == {"name": "Ada"}
        assert "metadata" not in second_server.calls[-1][1]


async def test_invalid_values_name_the_field_and_nothing_is_sent(make_second_app, second_server):
    app = make_second_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tools(pilot)
        form = await choose(pilot, "create_ticket")
        cases = [
            ({"title": "t", "assignee__email": "a@b.c"}, "assignee.name: is required"),
            ({"assignee__name": "Ada", "metadata": "{not json"}, "metadata: is not valid JSON"),
            ({"metadata": "[1, 2]"}, "metadata: must be a JSON object"),
            ({"metadata": "", "estimate_hours": "-1"}, "estimate_hours: must be at least 0"),
            ({"estimate_hours": "", "tags": "1\n2\n3\n4\n5\n6"}, "tags: takes at most 5 items"),
            ({"tags": "", "title": "x" * 81}, "title: takes at most 80 characters"),
        ]
        for values, message in cases:
            fill(form, **values)
            await call_and_wait(pilot)
            assert message in status_text(screen), (values, status_text(screen))
            assert not isinstance(app.screen, ConfirmScreen)
        assert second_server.calls == []
        assert form.field("assignee.email").widget.value == "a@b.c"  # nothing typed was lost


async def test_read_only_mode_follows_the_servers_annotations(make_second_app, second_server):
    app = make_second_app(read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tools(pilot)
        form = await choose(pilot, "weather_lookup")
        fill(form, city="Lyon", units="imperial", days="3", include_hourly="true")
        await call_and_wait(pilot)
        assert json.loads(result_text(screen))["units"] == "imperial"
        assert second_server.calls == [("weather_lookup", {"city": "Lyon", "units": "imperial", "days": 3,
                                                           "include_hourly": True})]

        for name, values in (("create_ticket", {"title": "t", "assignee__name": "Ada"}),
                             ("purge_archive", {"archive": "2019"})):
            form = await choose(pilot, name)
            fill(form, **values)
            await call_and_wait(pilot)
            assert f"Read-only mode: {name}" in status_text(screen)
            assert not isinstance(app.screen, ConfirmScreen)
        assert len(second_server.calls) == 1


async def test_its_two_step_tool_confirms_through_the_same_dialog(make_second_app, second_server):
    app = make_second_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tools(pilot)
        form = await choose(pilot, "purge_archive")
        assert not form.field("confirmation_token").required
        fill(form, archive="2019")
        await call_and_wait(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.question.server_message == "This permanently purges the archive 2019 (12 items). It cannot be undone."
        await pilot.press("enter")  # focus is on Cancel
        await wait_idle(pilot)
        assert second_server.purged == []

        await call_and_wait(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm")
        await wait_idle(pilot)
        assert second_server.purged == ["2019"]
        assert second_server.calls[-1] == ("purge_archive", {"archive": "2019", "confirmation_token": "tok-2"})
        assert json.loads(result_text(screen)) == {"purged": "2019", "items": 12}
    outcomes = [(r.tool, r.outcome, r.profile) for r in AuditLog().read_recent()]
    assert outcomes == [("purge_archive", "confirmation requested", "desk")] * 2 + [("purge_archive", "ok", "desk")]


async def test_hostile_text_and_tool_errors_are_shown_safely(make_second_app):
    app = make_second_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tools(pilot)
        await choose(pilot, "echo_text")
        await pilot.press("enter")  # no arguments: Enter on the tool calls it
        await wait_idle(pilot)
        shown = result_text(screen)
        assert "\x1b" not in shown and "\x07" not in shown
        assert "[@click=app.quit]click me[/]" in shown  # markup shown literally, never run
        assert "⟦U+202E⟧" in shown

        await choose(pilot, "fail_always")
        await call_and_wait(pilot)
        assert "the tool reported an error" in header_text(screen)
        assert "widget factory is closed" in result_text(screen)
    assert AuditLog().read_recent() == []  # reads (readOnlyHint) are not writes: nothing to record


async def test_a_write_the_tool_refuses_is_recorded_as_an_error(make_second_app, second_server):
    second_server.refuse = "Tickets are closed for the holidays."
    app = make_second_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tools(pilot)
        form = await choose(pilot, "create_ticket")
        fill(form, title="Printer on fire", assignee__name="Ada")
        await call_and_wait(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.click("#confirm")
        await wait_idle(pilot)
        assert "the tool reported an error" in header_text(screen)
    [record] = AuditLog().read_recent()
    assert (record.tool, record.outcome, record.profile) == (
        "create_ticket", "error: Tickets are closed for the holidays.", "desk")


async def test_switching_account_lists_the_other_servers_tools(ui_sandbox, second_server):
    from uihelpers import account_for

    from po6_tui.accounts import Account
    from po6_tui.ui.app import Po6App

    desk = Account("desk", "po6", second_server.url, api_key="desk-key")
    app = Po6App([account_for(ui_sandbox), desk], refresh_interval=0)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tools(pilot)
        assert len(screen.tools) == 42
        app.use_account("desk")  # what `:ctx desk` does
        app.open_view("tools")
        await wait_for(pilot, lambda: app.screen is screen and len(screen.tools) == 6, what="the desk's tools")
        await choose(pilot, "weather_lookup")
        assert "6 tools on desk" in status_text(screen)
