"""Terminal notifications: what to write so the terminal tells the operator, even when it is not
in front (a new draft to review, a draft about to expire, a bounce).

Three ways, by what the terminal understands: OSC 9 (iTerm2, WezTerm, ghostty, Windows
Terminal, ConEmu: a desktop notification with one text), OSC 777 (foot, rxvt, VTE terminals such as
GNOME Terminal: a title and a body), or the bell (everywhere; most terminals mark the tab or
window). `auto` picks by the environment; `off` writes nothing. Under tmux an OSC is wrapped so
tmux passes it on (it needs `set -g allow-passthrough on`); the bell is tmux's own.

The texts come from servers (a subject, a mailbox name): every control character goes, and `;`
too (OSC 777 separates its fields with it), before anything reaches the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

METHODS = ("auto", "osc9", "osc777", "bell", "off")
KINDS = ("new_draft", "expiring", "expired", "bounced", "failed")
BEL = "\x07"
MAX_TEXT = 200

_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_OSC9_TERMINALS = ("iTerm.app", "WezTerm", "ghostty", "vscode")


@dataclass(frozen=True)
class Notice:
    """One thing the app told the operator of, for the list of recent notices (`:notices`)."""

    at: datetime
    kind: str  # one of KINDS
    title: str
    text: str  # already one safe line
    severity: str = "information"


def choose(method: str, env: Mapping[str, str]) -> str:
    """The way to use: `method` itself, or for `auto` the one this terminal understands."""
    if method != "auto":
        return method
    term, program = env.get("TERM", ""), env.get("TERM_PROGRAM", "")
    if program in _OSC9_TERMINALS or env.get("WT_SESSION") or env.get("ConEmuPID"):
        return "osc9"
    if term.startswith(("foot", "rxvt")) or env.get("VTE_VERSION"):
        return "osc777"
    return "bell"


def clean(text: str) -> str:
    """One line, no control characters, no field separator, capped."""
    text = " ".join(_CONTROLS.sub(" ", text).replace(";", ",").split())
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def sequence(method: str, title: str, body: str, *, tmux: bool = False) -> str:
    """What to write for one notification ("" for `off`)."""
    if method == "bell":
        return BEL
    if method == "osc9":
        osc = f"\x1b]9;{clean(f'{title}: {body}')}{BEL}"
    elif method == "osc777":
        osc = f"\x1b]777;notify;{clean(title)};{clean(body)}{BEL}"
    else:
        return ""
    if tmux:  # DCS passthrough: tmux hands the inner sequence (its ESCs doubled) to the terminal
        return "\x1bPtmux;" + osc.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return osc
