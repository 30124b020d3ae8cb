"""The schema form on its own: schemas as real servers write them (nullable anyOf, type lists,
no properties, odd enums), hostile names and descriptions, and schemas too big to model."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Input, Select, Static, TextArea

from po6_tui.ui.kit.schema_form import MISSING, FormError, JsonField, SchemaForm, schema_type


class FormApp(App):
    def __init__(self, schema: dict) -> None:
        super().__init__()
        self.schema = schema

    def compose(self) -> ComposeResult:
        yield SchemaForm(self.schema, id="form")


async def form_for(pilot) -> SchemaForm:
    await pilot.pause()
    return pilot.app.query_one(SchemaForm)


@pytest.mark.parametrize(("schema", "kind"), [
    ({"type": "string"}, "string"),
    ({"type": ["integer", "null"]}, "integer"),
    ({"anyOf": [{"type": "number"}, {"type": "null"}]}, "number"),
    ({"enum": ["a", "b"]}, "enum"),
    ({"type": "string", "enum": ["a"]}, "enum"),
    ({"properties": {"x": {"type": "string"}}}, "object"),
    ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, "json"),
    ({"type": ["string", "integer"]}, "json"),
    ({}, "json"),
    ({"type": "array", "items": {"type": "string"}}, "array"),
])
def test_schema_types(schema, kind):
    assert schema_type(schema) == kind


async def test_generated_schemas_with_nullable_fields_and_odd_enums():
    schema = {"type": "object", "required": ["count"], "properties": {
        "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None, "title": "Note"},
        "count": {"type": ["integer", "null"], "minimum": 1},
        "level": {"enum": [1, 2.5, None, "high"]},
        "ids": {"type": "array", "items": {"type": "integer"}},
        "anything": {},
    }}
    async with FormApp(schema).run_test() as pilot:
        form = await form_for(pilot)
        assert [field.name for field in form.fields] == ["count", "note", "level", "ids", "anything"]
        assert isinstance(form.field("note").widget, Input)
        assert isinstance(form.field("level").widget, Select)
        assert isinstance(form.field("anything"), JsonField)
        form.field("count").widget.value = "3"
        form.field("level").widget.value = 2  # the third choice: JSON null
        form.field("ids").widget.load_text("1\n2")
        form.field("anything").widget.load_text('"free text is JSON too"')
        await pilot.pause()
        assert form.values() == {"count": 3, "level": None, "ids": [1, 2], "anything": "free text is JSON too"}
        form.field("ids").widget.load_text("1\ntwo")
        with pytest.raises(FormError, match="ids: line 2 .*'two'.* is not a whole number"):
            form.values()


async def test_hostile_names_descriptions_and_enums_are_shown_as_text():
    schema = {"type": "object", "properties": {
        "[@click=app.quit]x\x1b[2J": {"type": "string", "description": "[bold]not bold[/] \u202eevil"},
        "pick": {"enum": ["[@click=app.quit]quit", "\x1b]52;c;aGk=\x07clip"]},
    }}
    async with FormApp(schema).run_test() as pilot:
        form = await form_for(pilot)
        shown = " ".join(str(static.content) for static in form.query(Static))
        assert "[@click=app.quit]x" in shown and "[bold]not bold[/]" in shown and "⟦U+202E⟧" in shown
        assert "\x1b" not in shown
        select = form.field("pick").widget
        form.field("pick").widget.value = 0
        await pilot.pause()
        assert form.values() == {"pick": "[@click=app.quit]quit"}  # the value goes back exactly as listed
        assert all(widget.id.startswith("field-") for widget in form.query("Input, Select, TextArea"))
        assert select.id.startswith("field-")


async def test_hostile_defaults_are_shown_as_text_and_do_not_break_the_form():
    """A `default` reaches a Select prompt and TextArea placeholders, which read a plain str as markup."""
    hostile = "[@click=app.bell]x[/]"
    schema = {"type": "object", "properties": {
        "flag": {"type": "boolean", "default": "[/x]"},
        "pick": {"enum": ["a", "b"], "default": hostile},
        "body_text": {"type": "string", "default": hostile},
        "tags": {"type": "array", "items": {"type": "string"}, "default": [hostile]},
        "extra": {"type": "object", "default": {"k": hostile}},
    }}
    async with FormApp(schema).run_test() as pilot:
        form = await form_for(pilot)
        assert isinstance(form.field("body_text").widget, TextArea)
        for name in ("body_text", "tags", "extra"):
            placeholder = form.field(name).widget.placeholder
            assert hostile in placeholder.plain and not placeholder.spans, name  # as typed, no link
        prompt = form.field("pick").widget.query_one("SelectCurrent Static").render()
        assert hostile in prompt.plain and not prompt.spans


async def test_a_schema_too_big_to_model_is_one_json_object():
    schema = {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(500)}}
    async with FormApp(schema).run_test() as pilot:
        form = await form_for(pilot)
        assert form.whole_json and isinstance(form.fields[0].widget, TextArea)
        form.fields[0].widget.load_text('{"p1": "x"}')
        assert form.values() == {"p1": "x"}


async def test_no_arguments_and_empty_optional_values():
    async with FormApp({"type": "object", "properties": {}}).run_test() as pilot:
        form = await form_for(pilot)
        assert form.values() == {} and form.first_input() is None
    schema = {"type": "object", "properties": {"flag": {"type": "boolean"}, "n": {"type": "number"}}}
    async with FormApp(schema).run_test() as pilot:
        form = await form_for(pilot)
        assert form.values() == {}  # "not set" is not false: nothing is sent
        assert form.field("flag").value() is MISSING
        form.field("n").widget.value = "1e400"
        with pytest.raises(FormError, match="n: must be a finite number"):
            form.values()
