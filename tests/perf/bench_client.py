"""Benchmark the PO6 client: its import time, and `list_emails` round trips on loopback.

Run: .venv/bin/python tests/perf/bench_client.py [--calls N]
Starts its own sandbox (SandboxProcess, rate limit lifted) in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _python(code: str, *flags: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, *flags, "-c", code], capture_output=True, text=True, env=env,
                          cwd=ROOT, check=True)


def import_wall_ms(module: str, runs: int = 7) -> float:
    """Median wall time of importing `module` in a fresh interpreter (the interpreter's own start excluded)."""
    code = f"import time; t = time.perf_counter(); import {module}; print((time.perf_counter() - t) * 1000)"
    return statistics.median(float(_python(code).stdout) for _ in range(runs))


def importtime_top(module: str, count: int = 6) -> tuple[float, list[tuple[float, str]]]:
    """`python -X importtime`: the module's cumulative time, and the heaviest top-level packages it pulls in (ms)."""
    packages: dict[str, float] = {}
    total = 0.0
    for line in _python(f"import {module}", "-X", "importtime").stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
        ms, name = int(cumulative_us) / 1000, name.strip()
        if name == module:
            total = ms
        package = name.split(".")[0]
        if package != module.split(".")[0]:
            packages[package] = max(packages.get(package, 0.0), ms)
    return total, sorted(((ms, name) for name, ms in packages.items()), reverse=True)[:count]


async def round_trips(url: str, key: str, calls: int) -> dict[str, float]:
    from po6_tui.api.po6 import Po6Client

    started = time.perf_counter()
    client = await Po6Client.connect(url, key)
    connect_ms = (time.perf_counter() - started) * 1000
    async with client:
        for _ in range(10):  # warm up the connection and the server's caches
            await client.list_emails("mbx_support", limit=50)
        samples = []
        for _ in range(calls):
            t = time.perf_counter()
            page = await client.list_emails("mbx_support", limit=50)
            samples.append((time.perf_counter() - t) * 1000)
        assert page.emails
        concurrent_started = time.perf_counter()
        await asyncio.gather(*(client.list_emails("mbx_support", limit=50) for _ in range(calls)))
        concurrent_ms = (time.perf_counter() - concurrent_started) * 1000
    samples.sort()
    return {
        "connect (initialize + tools/list)": connect_ms,
        "list_emails median": statistics.median(samples),
        "list_emails p95": samples[int(len(samples) * 0.95) - 1],
        "list_emails min": samples[0],
        f"{calls} concurrent list_emails, total": concurrent_ms,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()

    print("Import time (fresh interpreter, median of 7 runs)")
    for module in ("po6_tui.api.errors", "httpx", "pydantic", "po6_tui.api.mcp", "po6_tui.api.po6",
                   "mcp.client.streamable_http"):
        print(f"  import {module:32} {import_wall_ms(module):7.1f} ms")
    total, heaviest = importtime_top("po6_tui.api.po6")
    print(f"  -X importtime: po6_tui.api.po6 {total:.1f} ms cumulative; the heaviest packages in it:")
    for ms, name in heaviest:
        print(f"      {ms:7.1f} ms  {name}")

    from po6_tui.sandbox.admin import read_keys
    from po6_tui.sandbox.process import SandboxProcess

    with tempfile.TemporaryDirectory() as tmp:
        sandbox = SandboxProcess(db=Path(tmp) / "bench.db", extra_args=["--rate-limit", "1000000"])
        url = sandbox.start()
        try:
            key = next(r["key"] for r in read_keys(sandbox.db) if r["label"] == "plus")
            results = asyncio.run(round_trips(url + "/mcp", key, args.calls))
        finally:
            sandbox.stop()
    print(f"\nLoopback round trips against the sandbox ({args.calls} calls, 50 emails a page)")
    for name, ms in results.items():
        print(f"  {name:40} {ms:8.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
