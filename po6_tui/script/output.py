"""What a command prints: a table or lines on a terminal, one JSON document with `--json`.

Human output goes through `sanitize.clean` cell by cell (and the whole stream is a
`SanitizedStream` as well, po6_tui/cli.py): no escape byte from a server reaches the terminal.
JSON is written with every non-ASCII character escaped, so it is lossless and inert at once.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from po6_tui.sanitize import clean
from po6_tui.script.exits import FAILURE, USAGE, Stop

CELL_MAX = 60


class Output:
    def __init__(self, as_json: bool, *, to_stderr: bool = False) -> None:
        self.as_json = as_json
        self.stream = sys.stderr if to_stderr else sys.stdout  # human text; JSON is always stdout

    def document(self, data: Any) -> None:
        """The command's one JSON document (only with --json)."""
        print(json.dumps(data, ensure_ascii=True, indent=2, default=str))

    def line(self, text: object = "", *, max_len: int = 2000, to_stderr: bool = False) -> None:
        if not self.as_json:
            print(clean(text, single_line=False, max_len=max_len), file=sys.stderr if to_stderr else self.stream)

    def note(self, text: str) -> None:
        """Progress and warnings: stderr, so stdout stays the result."""
        print(clean(text, single_line=False, max_len=2000), file=sys.stderr)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]], widths: dict[int, int] | None = None) -> None:
        if self.as_json:
            return
        limits = widths or {}
        cells = [[clean("" if v is None else v, max_len=limits.get(i, CELL_MAX)) for i, v in enumerate(row)]
                 for row in rows]
        sizes = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
        print("  ".join(h.ljust(sizes[i]) for i, h in enumerate(headers)).rstrip(), file=self.stream)
        for row in cells:
            print("  ".join(c.ljust(sizes[i]) for i, c in enumerate(row)).rstrip(), file=self.stream)

    def confirm(self, question: str, *, yes: bool, refused: str) -> None:
        """Go on only when the person says yes (or gave --yes). Off a terminal without --yes,
        stop with a usage error rather than guess; `refused` says what was not done."""
        if yes:
            return
        if not sys.stdin.isatty():
            raise Stop(f"{refused}: add --yes to confirm when not on a terminal.", USAGE)
        print(clean(question, single_line=False, max_len=4000) + " [y/N] ", end="", file=sys.stderr, flush=True)
        try:
            answer = sys.stdin.readline().strip().lower()
        except KeyboardInterrupt:
            answer = ""
        if answer not in ("y", "yes"):
            raise Stop(f"{refused}: not confirmed.", FAILURE)

    def error(self, message: str, code: int) -> None:
        text = clean(message, single_line=True, max_len=1000)
        if self.as_json:
            print(json.dumps({"error": text, "exit_code": code}, ensure_ascii=True), file=sys.stderr)
        else:
            print(text, file=sys.stderr)
