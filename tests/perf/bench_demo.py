"""Demo mode as a new user meets it: `po6-tui` with no account (the README's run line after the
install), from exec until the first screen with mail; and what the screen shows before that.

Each launch gets the same home: the demo database exists after the first run (which seeds it
and is reported on its own), as it does for a user from the second start on. Figures:
  - first frame: exec → the first non-blank screen (the app's frame: top bar, key bar);
  - mail: exec → the sidebar and the first rows of signup-bot@po6.com's INBOX on screen
    (from the last session's cache, marked as refreshing, where there is one);
  - live: exec → the same, as the server answered (the "refreshing" mark gone).

Run: `.venv/bin/python tests/perf/bench_demo.py [--runs 7] [--before PATH/TO/po6-tui]`; with
--before, another install (e.g. a checkout of an older commit) is measured in the same run,
launch for launch, for a before/after table on this shared machine. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import harness as h

DEMO_INBOX = "signup-bot@po6.com ▸ INBOX"


def demo_env(home: Path) -> dict[str, str]:
    env = h.app_env("http://unused.invalid", "unused", home)
    for name in ("PO6_API_KEY", "PO6_MCP_URL"):
        env.pop(name, None)
    return env


def not_blank(screen: str) -> bool:
    return bool(screen.strip())


def mail_shown(screen: str) -> bool:
    return DEMO_INBOX in screen and h.rows_loaded(screen.split(DEMO_INBOX, 1)[1])


def mail_live(screen: str) -> bool:
    return mail_shown(screen) and "refreshing" not in screen.lower()


def launch_once(home: Path, app: str = h.APP) -> tuple[float, float, float]:
    terminal = h.Terminal([app], demo_env(home))
    try:
        first = terminal.wait(not_blank) - terminal.started
        shown = terminal.wait(mail_shown) - terminal.started
        live = terminal.wait(mail_live) - terminal.started
        return first, shown, live
    finally:
        terminal.close("q")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", help="another po6-tui to measure in the same run (its own home)")
    args = parser.parse_args()
    h.print_machine()
    apps = {"": h.APP, **({" (before)": args.before} if args.before else {})}
    rows = []
    with tempfile.TemporaryDirectory(prefix="po6-demo-") as tmp:
        homes = {label: Path(tmp) / f"home{n}" for n, label in enumerate(apps)}
        seeding = {label: launch_once(homes[label], app) for label, app in apps.items()}
        runs: dict[str, list] = {label: [] for label in apps}
        for _ in range(args.runs):  # interleaved: the machine's load falls on both alike
            for label, app in apps.items():
                runs[label].append(launch_once(homes[label], app))
    for label in apps:
        rows.append(h.Row(f"demo start{label}, first run (seeds the database): mail on screen",
                          f"{seeding[label][1] * 1000:.0f} ms"))
        for index, name in enumerate(("first non-blank frame", "first screen with mail", "first screen, live data")):
            values = [r[index] for r in runs[label]]
            target, verdict = ("≤ 700 ms", h.verdict(h.median_ms(values), 700)) if index == 1 else ("", "")
            rows.append(h.Row(f"demo start{label}: {name}", f"{h.median_ms(values):.0f} ms median ({h.spread(values)})",
                              target, verdict))
    h.Row.print_table(rows)


if __name__ == "__main__":
    main()
