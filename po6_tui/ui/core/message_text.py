"""A message as text: the `$EDITOR` file (header lines, a blank line, the body), the diff of
two versions, and template variables ({{first_name}}).

The editable content of a message is `journal.SavedEdit` (addresses kept as typed), the same
object the journal stores, so what is edited, saved, diffed and sent is one thing.
"""

from __future__ import annotations

import difflib
import re

from po6_tui.journal import SavedEdit
from po6_tui.ui import safe

EDITOR_HELP = "# Edit the header lines and the body below the blank line. Lines starting with # are ignored."
HEADERS = ("To", "Cc", "Subject")


class EditorFileError(ValueError):
    pass


def to_editor_file(message: SavedEdit) -> str:
    return (f"{EDITOR_HELP}\nTo: {message.to_text}\nCc: {message.cc_text}\nSubject: {message.subject}\n\n"
            f"{message.body}")


def from_editor_file(text: str) -> SavedEdit:
    """Parse what the editor saved. Refuses (with the line number) rather than guessing."""
    text = text.replace("\r\n", "\n")
    head, separator, body = text.partition("\n\n")
    if not separator:
        head, body = text, ""
    values = {"to": "", "cc": "", "subject": ""}
    for number, line in enumerate(head.split("\n"), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, colon, value = line.partition(":")
        if not colon or name.strip().lower() not in values:
            raise EditorFileError(f"line {number}: expected one of {', '.join(h + ':' for h in HEADERS)} before "
                                  f"the blank line, found {line[:40]!r}")
        values[name.strip().lower()] = value.strip()
    return SavedEdit(values["to"], values["cc"], values["subject"], body)


def diff_lines(original: SavedEdit, edited: SavedEdit) -> list[str]:
    """A unified diff of the agent's original against the edit (headers included)."""
    def lines(message: SavedEdit) -> list[str]:
        return [f"To: {message.to_text}", f"Cc: {message.cc_text}", f"Subject: {message.subject}", "",
                *message.body.split("\n")]

    return list(difflib.unified_diff(lines(original), lines(edited), "agent's draft", "your edit",
                                     lineterm="", n=3))


def same_content(a: SavedEdit, b: SavedEdit) -> bool:
    return (a.to_text, a.cc_text, a.subject, a.body) == (b.to_text, b.cc_text, b.subject, b.body)


_VARIABLE = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def template_variables(*texts: str | None) -> list[str]:
    """The {{variables}} of the texts, in order of first appearance."""
    return list(dict.fromkeys(m.group(1) for text in texts if text for m in _VARIABLE.finditer(text)))


def fill_template(text: str | None, values: dict[str, str]) -> str:
    """Replace each {{variable}} that has a value; leave the others visible for the operator."""
    if not text:
        return ""
    return _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


QUOTE_MAX = 20_000  # characters of the original quoted in a reply


def quoted(text: str, who: str, when: str) -> str:
    """The original below a reply: "On WHEN, WHO wrote:" and its lines behind "> ". `text` is
    server text: cleaned here (no control characters), cut at QUOTE_MAX."""
    original = safe.clean(text or "", single_line=False, max_len=QUOTE_MAX)
    lines = "\n".join("> " + line for line in original.split("\n"))
    return f"\n\nOn {when}, {safe.one_line(who, 100)} wrote:\n{lines}\n"
