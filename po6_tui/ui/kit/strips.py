"""Rich `Text` to one Line-API row: shared by the virtual list and the virtual body."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip


def text_strip(text: Text, console: Console, style: Style, width: int, pad_style: Style | None = None) -> Strip:
    """`text` (one line) as a row of cells: `style` under each of its own styles (`Text.render`
    leaves the Text's own style out: the caller folds it into `style`), cropped or padded to
    `width` with `pad_style` (default: `style`)."""
    segments = [Segment(seg.text, style + seg.style if seg.style else style)
                for seg in text.render(console) if seg.text != "\n"]
    return Strip(segments).crop_extend(0, width, pad_style or style)
