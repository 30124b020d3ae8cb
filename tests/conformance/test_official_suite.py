"""The official MCP conformance suite (npm `@modelcontextprotocol/conformance`), run for real.

- Client scenarios: the suite starts its own test server and runs `client_driver.py`, which
  drives the project's own `McpClient` (initialize, tools/list, the scenario's call).
- Server scenarios: the suite connects to the sandbox through `key_proxy.py`, which only adds
  the sandbox's bearer key; the sandbox passes every scenario its declared capabilities cover.

The suite needs Node 22 (Node 20 lacks `fs.globSync`); both come from npm (`node@22` is Node
itself, packaged), installed once into a cache folder (`$PO6_CONFORMANCE_CACHE`, default
`~/.cache/po6-tui/mcp-conformance`). Where npm is missing or the registry cannot be reached,
these tests are skipped and say why (pytest's -ra prints it).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from key_proxy import KeyProxy

from po6_tui.sandbox import admin
from po6_tui.sandbox.process import SandboxProcess

SUITE = "@modelcontextprotocol/conformance@0.1.16"
NODE = "node@22"
CACHE = Path(os.environ.get("PO6_CONFORMANCE_CACHE")
             or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "po6-tui" / "mcp-conformance")
DRIVER = Path(__file__).with_name("client_driver.py")

CLIENT_SCENARIOS = ["initialize", "tools_call", "sse-retry", "elicitation-sep1034-client-defaults"]
# What the sandbox declares (tools, no resources/prompts/logging/completions), and the guard
# against DNS rebinding. Its tools are PO6's: the suite's own test tools are not among them.
SERVER_SCENARIOS = ["server-initialize", "ping", "tools-list", "dns-rebinding-protection"]


def _install() -> Path | str:
    """The suite's bin folder, installed if needed; or why it cannot be."""
    folder = CACHE / "0.1.16"
    bin_dir = folder / "node_modules" / ".bin"
    npm = shutil.which("npm")
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:  # two test workers must not install at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (bin_dir / "conformance").exists() and (bin_dir / "node").exists():
            return bin_dir
        if npm is None:
            return "npm is not installed, so the official MCP conformance suite cannot be fetched"
        try:
            done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), NODE, SUITE],
                                  capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            return "npm took over 5 minutes to install the MCP conformance suite"
        if done.returncode != 0 or not (bin_dir / "conformance").exists():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return f"npm could not install the MCP conformance suite ({last[:200]})"
    return bin_dir


@pytest.fixture(scope="session")
def suite_bin() -> Path:
    found = _install()
    if isinstance(found, str):
        pytest.skip(found)
    return found


def run_suite(suite_bin: Path, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{suite_bin}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["conformance", *args, "-o", str(tmp_path / "results")], env=env,
                          capture_output=True, text=True, timeout=180, cwd=tmp_path)


def passed(result: subprocess.CompletedProcess) -> bool:
    """Exit status 0 and every check passed ("Passed: 3/3, 0 failed"), at least one check."""
    counts = re.search(r"Passed: (\d+)/(\d+), 0 failed", result.stdout + result.stderr)
    return result.returncode == 0 and counts is not None and counts[1] == counts[2] != "0"


def tail(result: subprocess.CompletedProcess) -> str:
    return f"exit status {result.returncode}\n" + "\n".join((result.stdout + result.stderr).splitlines()[-40:])


@pytest.mark.parametrize("scenario", CLIENT_SCENARIOS)
def test_the_client_passes(suite_bin, scenario, tmp_path):
    command = f"{sys.executable} {DRIVER}"
    result = run_suite(suite_bin, "client", "--command", command, "--scenario", scenario, tmp_path=tmp_path)
    assert passed(result), tail(result)


@pytest.fixture(scope="module")
def proxied_sandbox(tmp_path_factory) -> Iterator[str]:
    box = SandboxProcess(db=tmp_path_factory.mktemp("conformance-sandbox") / "sandbox.db", seed="demo")
    url = box.start()
    proxy = KeyProxy(url, next(k["key"] for k in admin.read_keys(box.db) if k["label"] == "plus"))
    try:
        yield proxy.start() + "/mcp"
    finally:
        with contextlib.suppress(Exception):
            proxy.stop()
        box.stop()


@pytest.mark.parametrize("scenario", SERVER_SCENARIOS)
def test_the_sandbox_passes(suite_bin, proxied_sandbox, scenario, tmp_path):
    result = run_suite(suite_bin, "server", "--url", proxied_sandbox, "--scenario", scenario, tmp_path=tmp_path)
    assert passed(result), tail(result)


def test_a_failing_client_is_caught(suite_bin, tmp_path):
    # The check is not vacuous: a client that never calls the tool fails `tools_call`.
    silent = tmp_path / "silent.py"
    silent.write_text("import sys; sys.exit(0)\n")
    result = run_suite(suite_bin, "client", "--command", f"{sys.executable} {silent}", "--scenario", "tools_call",
                       tmp_path=tmp_path)
    assert not passed(result)
