"""Every user-facing figure of issue 8 in one run, printed as one table (the one in README.md).

Run: `.venv/bin/python tests/perf/bench_all.py [--quick]`. `--quick` measures 10k and 100k only,
with fewer repetitions and without the scroll through the whole folder (a smoke run).
The first run seeds and caches the databases and Maildirs (about 3 minutes); later runs reuse them.
"""

from __future__ import annotations

import argparse

import bench_imports
import bench_keys
import bench_latency
import bench_launch
import harness as h


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    h.print_machine()
    rows: list[h.Row] = []
    print("imports…", flush=True)
    rows += bench_imports.measure()
    print("launch and opening folders…", flush=True)
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    rows += bench_launch.measure(sizes, 3 if args.quick else 7, [10_000, 100_000])
    print("keys and memory…", flush=True)
    rows += bench_keys.measure(100_000, 10 if args.quick else 30, scroll=not args.quick)
    print("150 ms of latency…", flush=True)
    rows += bench_latency.measure(150, 8)
    h.print_machine()
    h.Row.print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
