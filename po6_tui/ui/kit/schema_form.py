"""A form generated from a tool's JSON Schema (`inputSchema`), for the tool console.

One widget per kind of value:
- strings: an `Input` (a `TextArea` for bodies and other long text);
- integers and numbers: an `Input` that only takes digits, checked against minimum/maximum;
- booleans and enums: a `Select` (optional ones can stay "not set", which is not `false`:
  omitting `is_active` leaves an alias as it is, sending `false` switches it off);
- arrays: a `TextArea` taking one item per line, or a JSON array;
- objects with declared properties: a nested group of fields; free-form objects and anything
  the form cannot model (anyOf, deep nesting, huge schemas): a `TextArea` taking JSON.

Required fields are marked with `*`. `SchemaForm.values()` checks everything before the call
and raises `FormError` naming the field; the form is never rebuilt, so a failed check or a
failed call loses nothing typed. The schema comes from the server: every name, description
and enum value is shown through `ui/safe.py`, and widget ids are ours, never the server's names.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.widget import Widget
from textual.widgets import Input, Select, Static, TextArea

from po6_tui.ui import safe

MISSING: Any = object()  # an optional field left empty: the argument is not sent

MAX_DEPTH = 4            # nested objects deeper than this are typed as JSON
MAX_PROPERTIES = 60      # an object with more properties than this is typed as JSON
MAX_CHOICES = 200        # an enum with more values than this is typed (and checked) as text
NAME_MAX = 80
DESCRIPTION_MAX = 400
# Strings named like these get several lines to type in.
_LONG_TEXT = re.compile(r"body|html|text|content|message|markdown|template|description|config", re.I)
_SIMPLE = ("string", "integer", "number", "boolean")


class FormError(Exception):
    """A value that cannot be sent; `str()` names the field."""

    def __init__(self, path: str, problem: str, widget: Widget | None = None) -> None:
        self.path = path
        self.widget = widget
        super().__init__(f"{path}: {problem}")


def schema_type(schema: dict[str, Any]) -> str:
    """The one JSON type the form uses for a schema ("json" when it cannot tell or model it)."""
    declared = schema.get("type")
    if isinstance(declared, list):
        kinds = [t for t in declared if isinstance(t, str) and t != "null"]
        declared = kinds[0] if len(kinds) == 1 else None
    if declared is None:
        nullable = _nullable_option(schema)
        if nullable is not None:
            return schema_type(nullable[1])
        if isinstance(schema.get("properties"), dict):
            declared = "object"
        elif isinstance(schema.get("enum"), list):
            declared = "enum"
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return "enum"
    return declared if declared in (*_SIMPLE, "array", "object") else "json"


def _nullable_option(schema: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The one non-null branch of an `anyOf`/`oneOf` (the usual `X | None` of generated schemas),
    with the key it was found under; None when there is no such single branch."""
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list):
            kinds = [o for o in options if isinstance(o, dict) and o.get("type") != "null"]
            if len(kinds) == 1:
                return key, kinds[0]
    return None


def _branch(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema itself, or the non-null branch of an `anyOf`/`oneOf` `X | None`."""
    nullable = None if "type" in schema else _nullable_option(schema)
    if nullable is None:
        return schema
    key, option = nullable
    return {**option, **{k: v for k, v in schema.items() if k != key}}


class Field:
    """One argument: its label and widget(s), and how to read and check its value."""

    hint = ""

    def __init__(self, path: str, name: str, schema: dict[str, Any], required: bool, number: int) -> None:
        self.path = path      # "seo.title": how messages name it (safe, shown to the operator)
        self.name = name      # the argument name as the server spells it
        self.schema = schema
        self.required = required
        self.widget_id = f"field-{number}"

    @property
    def widget(self) -> Widget:
        """The widget that takes the value (focused when the value is wrong)."""
        return self._widget

    def label(self) -> Text:
        label = safe.text(self.name, max_len=NAME_MAX, style="bold")
        if self.required:
            label.append(" *", style="bold red")
        hint = self.describe_type()
        if hint:
            label.append(f"  {hint}", style="dim")
        return label

    def describe_type(self) -> str:
        return self.hint

    def compose(self) -> ComposeResult:
        yield Static(self.label(), classes="field-label")
        description = self.schema.get("description")
        if isinstance(description, str) and description.strip():
            yield Static(safe.text(description, max_len=DESCRIPTION_MAX, style="dim"), classes="field-help")
        self._widget = self.make_widget()
        yield self._widget

    def make_widget(self) -> Widget:
        raise NotImplementedError

    def value(self) -> Any:
        """The value to send, MISSING to leave it out; FormError when it cannot be sent."""
        raise NotImplementedError

    def fail(self, problem: str) -> FormError:
        return FormError(self.path, problem, self.widget)

    def fill(self, value: Any) -> None:
        """Put `value` (a schema default, already checked against the field's type) in the widget."""
        widget = self.widget
        if isinstance(widget, TextArea):
            widget.text = str(value)
        elif isinstance(widget, Input):
            widget.value = str(value)

    def missing(self) -> Any:
        if self.required:
            raise self.fail("is required")
        return MISSING

    def placeholder(self) -> str:
        """The schema's default, as a hint. Server text: `Input` shows it literally; a `TextArea`
        placeholder must be given as `Content` (a plain `str` there is read as markup)."""
        default = self.schema.get("default")
        if default is None:
            return ""
        return safe.one_line(f"default: {json.dumps(default, ensure_ascii=False)}", 60)


class TextField(Field):

    def make_widget(self) -> Widget:
        limit = self.schema.get("maxLength")
        if _LONG_TEXT.search(self.name) and not (_is_number(limit) and limit <= 200):
            return TextArea("", id=self.widget_id, classes="field-long", soft_wrap=True, tab_behavior="focus",
                            placeholder=Content(self.placeholder()), compact=True)
        return Input("", id=self.widget_id, placeholder=self.placeholder(), compact=True)

    def raw(self) -> str:
        widget = self.widget
        return widget.text if isinstance(widget, TextArea) else widget.value

    def value(self) -> Any:
        text = self.raw()
        if text == "":
            return self.missing()
        minimum, maximum = self.schema.get("minLength"), self.schema.get("maxLength")
        if isinstance(minimum, int) and len(text) < minimum:
            raise self.fail(f"needs at least {minimum} characters")
        if isinstance(maximum, int) and len(text) > maximum:
            raise self.fail(f"takes at most {maximum} characters (has {len(text)})")
        allowed = self.schema.get("enum")
        if isinstance(allowed, list) and text not in allowed:
            raise self.fail(f"must be one of {_listing(allowed)}")
        return text


class NumberField(Field):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.integer = schema_type(self.schema) == "integer"

    def describe_type(self) -> str:
        kind = "whole number" if self.integer else "number"
        low, high = self.schema.get("minimum"), self.schema.get("maximum")
        if _is_number(low) and _is_number(high):
            return f"{kind}, {low}–{high}"
        if _is_number(low):
            return f"{kind}, ≥ {low}"
        if _is_number(high):
            return f"{kind}, ≤ {high}"
        return kind

    def make_widget(self) -> Widget:
        return Input("", id=self.widget_id, type="integer" if self.integer else "number",
                     placeholder=self.placeholder(), compact=True)

    def value(self) -> Any:
        text = self.widget.value.strip().replace("_", "")
        if not text:
            return self.missing()
        try:
            number: int | float = int(text) if self.integer else float(text)
        except ValueError:
            raise self.fail(f"{safe.one_line(text, 40)!r} is not a {'whole ' if self.integer else ''}number") from None
        if isinstance(number, float):
            if not math.isfinite(number):
                raise self.fail("must be a finite number")
            if number.is_integer() and "." not in text and "e" not in text.lower():
                number = int(number)
        low, high = self.schema.get("minimum"), self.schema.get("maximum")
        if _is_number(low) and number < low:
            raise self.fail(f"must be at least {low}")
        if _is_number(high) and number > high:
            raise self.fail(f"must be at most {high}")
        return number


class ChoiceField(Field):
    """Enums and booleans. Options hold indexes into `choices`, so any JSON value can be offered."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        if schema_type(self.schema) == "boolean":
            self.choices: list[Any] = [True, False]
        else:
            self.choices = list(self.schema["enum"])[:MAX_CHOICES]

    def describe_type(self) -> str:
        return "yes/no" if self.choices == [True, False] else "one of"

    def make_widget(self) -> Widget:
        options = [(safe.text(_show(choice), max_len=NAME_MAX), index) for index, choice in enumerate(self.choices)]
        default = self.schema.get("default", MISSING)
        # Select reads its prompt as markup: the server's default is escaped.
        prompt = "(not set)" if default is MISSING else escape(safe.one_line(f"(not set: {_show(default)})", 60))
        return Select(options, id=self.widget_id, prompt=prompt, allow_blank=True, compact=True)

    def fill(self, value: Any) -> None:
        for index, choice in enumerate(self.choices):
            if type(choice) is type(value) and choice == value:  # True is not 1 here
                self.widget.value = index  # type: ignore[attr-defined]

    def value(self) -> Any:
        chosen = self.widget.value
        if chosen is Select.NULL:
            return self.missing()
        return self.choices[chosen]


class ListField(Field):
    """Arrays: one item per line when items are simple values, or a JSON array."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        items = self.schema.get("items")
        self.items: dict[str, Any] = _branch(items) if isinstance(items, dict) else {}
        self.item_kind = schema_type(self.items) if self.items else "string"
        self.lines_allowed = self.item_kind in (*_SIMPLE, "enum")

    def describe_type(self) -> str:
        if self.lines_allowed:
            kind = {"string": "text", "integer": "whole number", "number": "number",
                    "boolean": "true/false", "enum": "value"}[self.item_kind]
            return f"list: one {kind} per line, or a JSON array"
        return "list: a JSON array"

    def make_widget(self) -> Widget:
        return TextArea("", id=self.widget_id, classes="field-list", soft_wrap=False, tab_behavior="focus",
                        placeholder=Content(self.placeholder()), compact=True)

    def value(self) -> Any:
        text = self.widget.text
        if not text.strip():
            return self.missing()
        if text.lstrip().startswith("[") or not self.lines_allowed:
            try:
                items = json.loads(text)
            except ValueError as error:
                raise self.fail(f"is not a valid JSON array ({_json_problem(error)})") from None
            if not isinstance(items, list):
                raise self.fail("must be a JSON array, like [\"a\", \"b\"]")
        else:
            items = [self._item(line.strip(), number)
                     for number, line in enumerate(text.splitlines(), 1) if line.strip()]
        low, high = self.schema.get("minItems"), self.schema.get("maxItems")
        if isinstance(low, int) and len(items) < low:
            raise self.fail(f"needs at least {low} item{'s' if low != 1 else ''}")
        if isinstance(high, int) and len(items) > high:
            raise self.fail(f"takes at most {high} items (has {len(items)})")
        allowed = self.items.get("enum")
        if isinstance(allowed, list):
            for item in items:
                if item not in allowed:
                    raise self.fail(f"{safe.one_line(_show(item), 40)} is not one of {_listing(allowed)}")
        return items

    def _item(self, line: str, number: int) -> Any:
        kind = self.item_kind
        try:
            if kind == "integer":
                return int(line)
            if kind == "number":
                value = float(line)
                if not math.isfinite(value):
                    raise ValueError
                return value
        except ValueError:
            raise self.fail(f"line {number} ({safe.one_line(line, 40)!r}) is not a "
                            f"{'whole ' if kind == 'integer' else ''}number") from None
        if kind == "boolean":
            if line.lower() not in ("true", "false"):
                raise self.fail(f"line {number} must be true or false")
            return line.lower() == "true"
        if kind == "enum":
            # Enum items are usually strings; JSON literals (numbers, true) are taken as such.
            allowed = self.items.get("enum") or []
            if line in allowed:
                return line
            try:
                return json.loads(line)
            except ValueError:
                return line
        return line


class JsonField(Field):
    """Free-form objects and anything the form does not model: typed as JSON, checked for its type."""

    def describe_type(self) -> str:
        kind = schema_type(self.schema)
        return "JSON object" if kind in ("object", "json") and self.schema.get("type") == "object" else "JSON"

    def make_widget(self) -> Widget:
        return TextArea("", id=self.widget_id, classes="field-json", soft_wrap=False, tab_behavior="focus",
                        placeholder=Content(self.placeholder() or ("{ }" if self.schema.get("type") == "object" else "")),
                        compact=True)

    def value(self) -> Any:
        text = self.widget.text
        if not text.strip():
            return self.missing()
        try:
            value = json.loads(text)
        except ValueError as error:
            raise self.fail(f"is not valid JSON ({_json_problem(error)})") from None
        if self.schema.get("type") == "object" and not isinstance(value, dict):
            raise self.fail("must be a JSON object, like {\"key\": \"value\"}")
        return value


class ObjectField(Field):
    """An object with declared properties: a group of fields, sent only if something is filled in."""

    def __init__(self, path: str, name: str, schema: dict[str, Any], required: bool, number: int,
                 children: list[Field]) -> None:
        super().__init__(path, name, schema, required, number)
        self.children = children

    @property
    def widget(self) -> Widget:
        first = next(iter(self.children), None)
        return first.widget if first is not None else self._widget

    def compose(self) -> ComposeResult:
        title = safe.text(self.name, max_len=NAME_MAX)
        if self.required:
            title.append(" *", style="bold red")
        self._widget = Vertical(id=self.widget_id, classes="field-group")
        self._widget.border_title = title
        description = self.schema.get("description")
        with self._widget:
            if isinstance(description, str) and description.strip():
                yield Static(safe.text(description, max_len=DESCRIPTION_MAX, style="dim"), classes="field-help")
            for child in self.children:
                yield from child.compose()

    def value(self) -> Any:
        given = {child.name: child for child in self.children if _filled(child)}
        if not given:
            if self.required and any(child.required for child in self.children):
                # Let the first required child name itself: "seo.title: is required".
                return {child.name: child.value() for child in self.children if child.required}
            return {} if self.required else MISSING
        out = {}
        for child in self.children:
            value = child.value()
            if value is not MISSING:
                out[child.name] = value
        return out


def _filled(field: Field) -> bool:
    if isinstance(field, ObjectField):
        return any(_filled(child) for child in field.children)
    widget = field.widget
    if isinstance(widget, Select):
        return widget.value is not Select.NULL
    if isinstance(widget, TextArea):
        return bool(widget.text.strip())
    if isinstance(widget, Input):
        return bool(widget.value.strip())
    return False


def build_fields(schema: dict[str, Any], prefix: str = "", depth: int = 0,
                 counter: Iterator[int] | None = None) -> list[Field]:
    """The fields of an object schema, in the schema's order (required ones first)."""
    counter = counter if counter is not None else iter(range(1_000_000))
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return []
    required = {name for name in schema.get("required") or [] if isinstance(name, str)}
    names = [name for name in properties if isinstance(name, str)]
    names.sort(key=lambda name: name not in required)  # stable: the server's order within each group
    fields: list[Field] = []
    for name in names:
        raw = properties[name]
        sub = _branch(raw) if isinstance(raw, dict) else {}
        path = f"{prefix}{name}"
        kind = schema_type(sub)
        args = (path, name, sub, name in required, next(counter))
        if kind == "object" and isinstance(sub.get("properties"), dict) and sub["properties"] \
                and depth < MAX_DEPTH and len(sub["properties"]) <= MAX_PROPERTIES:
            fields.append(ObjectField(*args, children=build_fields(sub, f"{path}.", depth + 1, counter)))
        elif kind == "string" or (kind == "enum" and all(isinstance(v, str) for v in sub["enum"])
                                   and len(sub["enum"]) > MAX_CHOICES):
            fields.append(TextField(*args))
        elif kind in ("integer", "number"):
            fields.append(NumberField(*args))
        elif kind in ("boolean",) or (kind == "enum" and len(sub["enum"]) <= MAX_CHOICES):
            fields.append(ChoiceField(*args))
        elif kind == "array":
            fields.append(ListField(*args))
        else:
            fields.append(JsonField(*args))
    return fields


class SchemaForm(VerticalScroll):
    """The form for one tool's `inputSchema`."""

    DEFAULT_CSS = """
    SchemaForm { height: 1fr; padding: 0 1; }
    SchemaForm .field-label { margin-top: 1; }
    SchemaForm .field-help { color: $text-muted; }
    SchemaForm Input, SchemaForm TextArea, SchemaForm Select { background: $boost; }
    SchemaForm Input:focus, SchemaForm TextArea:focus { background: $surface-lighten-1; }
    SchemaForm TextArea { height: 3; }
    SchemaForm TextArea.field-long { height: 5; }
    SchemaForm .field-group { height: auto; border: round $panel-lighten-2; padding: 0 1; margin-top: 1; }
    SchemaForm #no-arguments { color: $text-muted; margin-top: 1; }
    SchemaForm .form-intro { margin-top: 1; }
    """

    def __init__(self, schema: dict[str, Any], *, intro: Text | None = None,
                 id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id)
        self.intro = intro  # shown above the fields (the tool's description, already made safe)
        self.schema = schema if isinstance(schema, dict) else {}
        # A schema too large to model (hundreds of fields), or one that only takes free-form
        # properties, is typed as one JSON object.
        too_big = len(self.schema.get("properties") or {}) > MAX_PROPERTIES * 4
        self.fields: list[Field] = [] if too_big else build_fields(self.schema)
        self.whole_json = too_big or (not self.fields
                                      and self.schema.get("additionalProperties") not in (None, False))
        if self.whole_json:
            self.fields = [JsonField("arguments", "arguments", {"type": "object"}, False, 0)]

    def compose(self) -> ComposeResult:
        if self.intro is not None:
            yield Static(self.intro, classes="form-intro")
        if not self.fields:
            yield Static("This tool takes no arguments.", id="no-arguments")
        for field in self.fields:
            yield from field.compose()

    def field(self, path: str) -> Field:
        """The field at `seo.title` (for tests and for focusing)."""
        for field in _walk(self.fields):
            if field.path == path:
                return field
        raise KeyError(path)

    def values(self) -> dict[str, Any]:
        """The arguments to send; FormError (naming the field) when one cannot be sent."""
        if self.whole_json:
            value = self.fields[0].value()
            return {} if value is MISSING else value
        out = {}
        for field in self.fields:
            value = field.value()
            if value is not MISSING:
                out[field.name] = value
        return out

    def fill(self, values: dict[str, Any]) -> None:
        """Pre-fill top-level fields (a server's defaults for an elicitation form, SEP-1034)."""
        if self.whole_json:
            return
        for field in self.fields:
            if field.name in values and not isinstance(field, (ObjectField, ListField, JsonField)):
                field.fill(values[field.name])

    def first_input(self) -> Widget | None:
        for field in _walk(self.fields):
            if not isinstance(field, ObjectField):
                return field.widget
        return None


def _walk(fields: list[Field]) -> Iterator[Field]:
    for field in fields:
        yield field
        if isinstance(field, ObjectField):
            yield from _walk(field.children)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _listing(values: list[Any]) -> str:
    shown = ", ".join(safe.one_line(_show(v), 30) for v in values[:8])
    return shown + (", …" if len(values) > 8 else "")


def _json_problem(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at line {error.lineno}, column {error.colno}"
    return "not JSON"
