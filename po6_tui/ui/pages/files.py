"""Writing what the pages views export (a page's HTML, leads as CSV) to a file the operator
chooses: the path is asked (default: the user's downloads folder, else the current one), an
existing file is never replaced without asking, the write is atomic (a temporary file in the
same folder, then a rename), and the path written is said afterwards.

The suggested file name may come from the server, so it is reduced to a plain base name.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from textual.screen import Screen

from po6_tui.files import write_atomic
from po6_tui.ui import safe
from po6_tui.ui.kit.form import FormField, FormScreen
from po6_tui.ui.kit.confirm import Question, confirm_then
from po6_tui.ui.core.tasks import run_io

_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


def downloads_dir() -> Path:
    """The user's downloads folder when it exists, else the current directory."""
    try:
        from platformdirs import user_downloads_dir

        folder = Path(user_downloads_dir())
    except Exception:  # no downloads folder on this platform/headless box: fall back
        return Path.cwd()
    return folder if folder.is_dir() else Path.cwd()


def safe_filename(name: str | None, fallback: str, suffix: str) -> str:
    """A server-suggested name as a harmless base name: no folders, no dot-files, no odd characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE_NAME_CHARS.sub("-", base).strip(".-")[:100]
    if not base:
        base = fallback
    if not base.lower().endswith(suffix):
        base += suffix
    return base


def _check_path(value: str) -> str | None:
    if not value:
        return "A file name is needed."
    path = Path(value).expanduser()
    if path.is_dir():
        return "That is a folder: add a file name."
    if not path.parent.is_dir():
        return f"The folder {path.parent} does not exist."
    return None


def save_file(screen: Screen, data: bytes, *, suggested: str, what: str, folder: Path | None = None) -> None:
    """Ask where to save `data` (a `what`, e.g. "the page's HTML"), then write it safely."""
    default = (folder or downloads_dir()) / suggested
    form = FormScreen(f"Save {what} to", [FormField("path", "File", value=str(default), check=_check_path)],
                      submit="Save",
                      note=f"{len(data):,} bytes. An existing file is only replaced if you say so.")

    def chosen(values: dict[str, str] | None) -> None:
        if values is None:
            screen.app.report("Not saved.")
            return
        path = Path(values["path"]).expanduser().absolute()
        if path.exists():
            confirm_then(screen, Question("Replace the existing file?", details=str(path), confirm_label="Replace"),
                         lambda: _write(screen, path, data, what),
                         lambda: screen.app.report(f"Not saved: {path} was left as it was."))
        else:
            _write(screen, path, data, what)

    screen.app.push_screen(form, chosen)


def _write(screen: Screen, path: Path, data: bytes, what: str) -> None:
    async def write() -> str:
        try:
            await asyncio.to_thread(write_atomic, path, data)
        except OSError as error:
            return f"Could not save {what} to {path}: {error.strerror or error}"
        return ""

    def done(problem: str) -> None:
        if problem:
            screen.app.report(safe.one_line(problem, 400), "error")
        else:
            screen.app.report(f"Saved {what} to {path} ({len(data):,} bytes).")

    run_io(screen, write, what=f"Saving {what}", done=done)

