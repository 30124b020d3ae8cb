"""The README's "Scripting" examples, run as written (on a sandbox of their own)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from scripthelpers import env_for

README = Path(__file__).resolve().parents[2] / "README.md"


def examples() -> list[str]:
    section = README.read_text().split("## Scripting", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the Scripting section has no example block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_every_example_runs_as_written(fresh_box, tmp_path):
    lines = examples()
    assert len(lines) >= 10 and all(line.startswith("po6-tui ") for line in lines)
    bin_dir = tmp_path / "bin"  # `po6-tui` on PATH is this checkout's
    bin_dir.mkdir()
    launcher = bin_dir / "po6-tui"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m po6_tui "$@"\n')
    launcher.chmod(0o755)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PO6_", "POSTERN_"))}, **env_for(fresh_box),
           "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for line in lines:
        done = subprocess.run(["bash", "-o", "pipefail", "-c", line], capture_output=True, text=True, env=env,
                              timeout=120)
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        assert done.stdout.strip(), line
        assert "Traceback" not in done.stderr
