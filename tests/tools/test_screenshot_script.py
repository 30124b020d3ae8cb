"""scripts/screenshots.py refuses to keep a picture that shows a key (the full run is slow and
makes files: it is run by hand, and its output is looked at before it is committed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"


def _script():
    spec = importlib.util.spec_from_file_location("screenshots_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_key_or_key_prefix_in_a_picture_is_found():
    script = _script()
    key = "mcp_po6_" + "s3cr3t" * 4
    assert script.key_leaks("<svg>nothing to see</svg>", [key]) == []
    assert script.key_leaks(f"<text>{key}</text>", [key])[0].startswith("a sandbox key (mcp_po6_")
    assert script.key_leaks("<text>pk_agent_abc</text>", []) == ["the prefix pk_agent_"]


def test_every_main_view_is_in_the_order():
    from po6_tui.ui.shell.views import VIEWS

    order = _script().VIEW_ORDER
    assert {view.name for view in VIEWS} <= set(order)
    assert {"reader", "help"} <= set(order)
