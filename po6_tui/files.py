"""Writing files so that nobody ever reads half of one: a temporary file beside the target,
flushed to disk, then renamed over it. Used for settings, secrets and the user's downloads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write `data` to `path` (whose folder must exist) with permissions `mode`.

    The temporary file has `mode` from the start (mkstemp makes it 0600, then fchmod), so a
    secret is never readable by others, not even for a moment.
    """
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
