"""The client under test for the official MCP conformance suite's client scenarios.

The suite (`conformance client --command "python client_driver.py" --scenario NAME`) starts a
test server for the scenario, runs this script with the server's URL as its last argument and
the scenario's name in `MCP_CONFORMANCE_SCENARIO`, then judges what the server saw. The script
drives the project's own `McpClient` (not the SDK's client): initialize, list the tools, and
call the scenario's tool. An elicitation request is accepted with nothing typed, as a person
pressing "accept" on a form of defaults would, so the client's own default filling is judged.

Exit status: 0 when every step succeeded, 1 (with the error's sentence on stderr) otherwise.
"""

from __future__ import annotations

import asyncio
import os
import sys

from po6_tui.api.mcp import ElicitationRequest, ElicitationResult, McpClient

# The tool each scenario's test server offers, and the arguments it expects.
SCENARIO_CALLS: dict[str, tuple[str, dict] | None] = {
    "initialize": None,  # the handshake and tools/list are what is judged
    "tools_call": ("add_numbers", {"a": 5, "b": 3}),
    "sse-retry": ("test_reconnection", {}),
    "elicitation-sep1034-client-defaults": ("test_client_elicitation_defaults", {}),
}


async def accept_with_defaults(request: ElicitationRequest) -> ElicitationResult:
    """Accept without typing anything: the client fills in the schema's defaults."""
    print(f"elicitation: {request.message!r}, fields {sorted(request.properties)}", file=sys.stderr)
    return ElicitationResult("accept", {})


async def run(url: str, scenario: str) -> None:
    if scenario not in SCENARIO_CALLS:
        raise SystemExit(f"client_driver.py: no steps for scenario {scenario!r}")
    # The suite's servers take no key; ours is sent and ignored.
    async with McpClient(url, "conformance", timeout=20.0, elicit=accept_with_defaults) as mcp:
        tools = await mcp.list_tools()
        print(f"tools: {[tool.name for tool in tools]}", file=sys.stderr)
        call = SCENARIO_CALLS[scenario]
        if call is not None:
            result = await mcp.call_tool(*call)
            print(f"result: {result.text!r} (error: {result.is_error})", file=sys.stderr)
            if result.is_error:
                raise RuntimeError(f"the tool reported an error: {result.text}")


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: client_driver.py SERVER_URL (scenario in MCP_CONFORMANCE_SCENARIO)", file=sys.stderr)
        return 2
    try:
        asyncio.run(run(argv[-1], os.environ.get("MCP_CONFORMANCE_SCENARIO", "")))
    except Exception as exc:  # noqa: BLE001 - the suite reads our stderr; one line is enough
        print(f"client error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
