"""A child process that matches one caller's regular expression against texts: Postern `wait`'s
regex filter, kept off the server's event loop (see `postern_regex.py`, which runs this file).

Standard library only, and run with `python -I -S`, so it starts fast and imports nothing of
the project. Protocol, one JSON line each way:
  in:  {"pattern": "...", "texts": ["...", ...], "seconds": 2.0}
  out: {"match": <index of the first text the pattern finds something in, or null>}
       or {"error": "<why the pattern cannot be used>"}
Python's `re` cannot be interrupted from inside, so the parent kills an overrunning worker; the
worker also arms SIGALRM (default action: terminate) so that it dies on its own when its parent
is gone and cannot.
"""

from __future__ import annotations

import json
import re
import signal
import sys

# Seconds the worker gives itself beyond the parent's budget before SIGALRM ends it.
GRACE_SECONDS = 5.0


def first_match(pattern: str, texts: list[str], seconds: float) -> dict:
    try:
        compiled = re.compile(pattern)
    except (re.error, OverflowError, RecursionError) as error:
        return {"error": f"not a valid regular expression: {error}"}
    signal.setitimer(signal.ITIMER_REAL, seconds + GRACE_SECONDS)
    try:
        for index, text in enumerate(texts):
            if compiled.search(text):
                return {"match": index}
        return {"match": None}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def main() -> None:
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    for line in sys.stdin.buffer:  # ends when the parent closes the pipe (or exits)
        request = json.loads(line)
        reply = first_match(request["pattern"], request["texts"], float(request["seconds"]))
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
