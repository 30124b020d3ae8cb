"""`po6-tui call TOOL [field=value …]`: any tool of the connected MCP server, like `gh api`.

Fields: `name=value` (or `-f name=value`) is a string, turned into the field's type when its
schema says number, integer or boolean; `-F name=JSON` is typed JSON (`-F tags='["a","b"]'`).
The arguments are checked against the tool's inputSchema before anything is sent, and an error
names the field. A tool that changes things asks first (on a terminal; `--yes` otherwise); a
two-step tool's first call only asks the server, whose message is shown before the second.
The call itself goes through the tool console's path (`api/any_tool.py`: read-only refusal,
one attempt for a write, the audit log). Without TOOL, the tools are listed.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from po6_tui.api import any_tool
from po6_tui.api.po6 import WRITE_TOOLS
from po6_tui.script import accounts
from po6_tui.script.exits import LEAF, FAILURE, OK, SERVER_SAID_NO, USAGE, Stop
from po6_tui.script.output import Output

JSON_TYPES = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list,
              "object": dict, "null": type(None)}


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    call = commands.add_parser("call", parents=[common], **LEAF, help="call any tool of the MCP server (no TOOL: list them)")
    call.add_argument("tool", nargs="?")
    call.add_argument("fields", nargs="*", metavar="name=value", help="a string field (typed by the schema)")
    call.add_argument("-f", "--field", action="append", default=[], metavar="name=value", help="a string field")
    call.add_argument("-F", "--typed", action="append", default=[], metavar="name=JSON", help="a typed JSON field")
    call.add_argument("--yes", action="store_true", help="do not ask before a write (required when not on a terminal)")
    call.set_defaults(run=call_tool)


def _split(pair: str, flag: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep or not name:
        raise Stop(f"{flag}{pair!r} is not name=value.", USAGE)
    return name, value


def _type_ok(value: Any, declared: Any) -> bool:
    kinds = declared if isinstance(declared, list) else [declared]
    for kind in kinds:
        expected = JSON_TYPES.get(kind) if isinstance(kind, str) else None
        if expected is None:
            return True  # a type we do not model: the server checks it
        if isinstance(value, bool) and kind in ("integer", "number"):
            continue  # a JSON boolean is no number
        if isinstance(value, expected):
            return True
    return False


def arguments_for(tool: any_tool.ToolInfo, strings: list[str], typed: list[str]) -> dict[str, Any]:
    """The arguments as the schema wants them, or a usage error naming the field."""
    schema = tool.input_schema if isinstance(tool.input_schema, dict) else {}
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    arguments: dict[str, Any] = {}
    for pair in strings:
        name, text = _split(pair, "")
        declared = (properties.get(name) or {}).get("type") if isinstance(properties.get(name), dict) else None
        value: Any = text
        if declared in ("integer", "number", "boolean"):
            try:
                value = json.loads(text)
            except ValueError:
                raise Stop(f"{name}: {text!r} is not {'an' if declared == 'integer' else 'a'} {declared}.", USAGE) from None
        arguments[name] = value
    for pair in typed:
        name, text = _split(pair, "-F ")
        try:
            arguments[name] = json.loads(text)
        except ValueError as error:
            raise Stop(f"{name}: not valid JSON ({error.msg}, at character {error.pos}).", USAGE) from None
    known = ", ".join(properties) or "none"
    for name, value in arguments.items():
        if properties and name not in properties and schema.get("additionalProperties") is False:
            raise Stop(f"{name}: {tool.name} has no such field (its fields: {known}).", USAGE)
        spec = properties.get(name)
        if isinstance(spec, dict) and "type" in spec and not _type_ok(value, spec["type"]):
            raise Stop(f"{name}: must be of type {spec['type']} (got {json.dumps(value)[:60]}).", USAGE)
        if isinstance(spec, dict) and isinstance(spec.get("enum"), list) and value not in spec["enum"]:
            raise Stop(f"{name}: must be one of {', '.join(json.dumps(v) for v in spec['enum'][:20])}.", USAGE)
    required = [r for r in schema.get("required") or [] if isinstance(r, str) and r != any_tool.CONFIRMATION_ARGUMENT]
    missing = [r for r in required if r not in arguments]
    if missing:
        raise Stop(f"{', '.join(missing)}: required by {tool.name} (its fields: {known}).", USAGE)
    return arguments


async def call_tool(ns: argparse.Namespace, out: Output) -> int:
    if ns.tool and ns.tool in WRITE_TOOLS:
        accounts.refuse_if_read_only(ns, f"{ns.tool} changes things on the server")
    async with accounts.sessions(ns, out, "po6") as held:
        client = await held[0].po6_client()
        tools = await any_tool.list_tools(client)
        if not ns.tool:
            return _list(out, tools)
        tool = next((t for t in tools if t.name == ns.tool), None)
        if tool is None:
            raise Stop(f"The server has no tool {ns.tool!r} (po6-tui call lists them).", USAGE)
        arguments = arguments_for(tool, [*ns.fields, *ns.field], ns.typed)
        if tool.writes and client.read_only:  # a read-only profile: refused before asking anything
            raise Stop(accounts.READ_ONLY.format(what=f"{tool.name} changes things on the server"), FAILURE)
        if tool.writes and not tool.two_step:
            out.confirm(f"Call {tool.name} with {json.dumps(arguments, ensure_ascii=False)[:500]}? "
                        f"It changes things on the server.", yes=ns.yes, refused="Not called")
        result = await any_tool.call(client, tool, arguments)
        confirmation = any_tool.confirmation_in(result.data()) if not result.is_error else None
        if confirmation is not None:
            out.confirm(f"The server asks: {confirmation.message}\nConfirm {tool.name}?", yes=ns.yes,
                        refused=f"Not confirmed: {tool.name} did nothing")
            arguments = {**arguments, any_tool.CONFIRMATION_ARGUMENT: confirmation.token}
            result = await any_tool.call(client, tool, arguments)
    data = result.data()
    if out.as_json:
        out.document({"tool": tool.name, "is_error": result.is_error,
                      "result": data if data is not None else result.text})
    else:
        out.line(json.dumps(data, indent=2, ensure_ascii=False) if data is not None else result.text, max_len=2_000_000)
    if result.is_error:
        raise Stop(f"{tool.name} returned an error.", SERVER_SAID_NO)
    return OK


def _list(out: Output, tools: list[any_tool.ToolInfo]) -> int:
    if out.as_json:
        out.document({"tools": [{"name": t.name, "writes": t.writes, "two_step": t.two_step,
                                 "description": t.description, "input_schema": t.input_schema} for t in tools]})
        return OK
    out.table(["TOOL", "WRITES", "DESCRIPTION"],
              [(t.name, "two-step" if t.two_step else "yes" if t.writes else "", t.description.split("\n")[0])
               for t in tools], {2: 70})
    return OK
