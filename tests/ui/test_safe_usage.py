"""A cheap guard on the "Untrusted text" rule across every UI module (ours and later ones):
no markup parsing of strings, and notifications never parse markup (server text goes in them)."""

from __future__ import annotations

import re
from pathlib import Path

import po6_tui.ui

UI = Path(po6_tui.ui.__file__).parent


def _sources():
    for path in sorted(UI.rglob("*.py")):
        yield path.relative_to(UI), path.read_text()


def test_no_markup_parsing_in_the_ui():
    offenders = [str(name) for name, source in _sources()
                 if re.search(r"from_markup\(|render_markup\(|markup=True", source)]
    assert offenders == [], "server text must go through ui/safe.py as Text, never markup"


def test_every_notification_turns_markup_off():
    offenders = []
    for name, source in _sources():
        for match in re.finditer(r"\bnotify\(", source):
            call = source[match.end():match.end() + 600]
            depth, end = 1, 0
            for end, char in enumerate(call):
                depth += {"(": 1, ")": -1}.get(char, 0)
                if depth == 0:
                    break
            if "markup=False" not in call[:end]:
                offenders.append(f"{name}:{source[:match.start()].count(chr(10)) + 1}")
    assert offenders == [], f"notify() without markup=False: {offenders}"
