"""The local audit log: one JSON line per write attempt (time, profile, tool, targets, outcome).

Never records message bodies or keys: only ids, names and the outcome. The file lives in the
user data dir, is created 0600 and only ever appended to. Standard library only (plus
platformdirs), so the API clients can use it without pulling anything heavy.
"""

from __future__ import annotations

import json
import os
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from platformdirs import user_data_path

from po6_tui import APP_NAME


OK = "ok"
CONFIRMATION_REQUESTED = "confirmation requested"


@dataclass(frozen=True)
class AuditRecord:
    tool: str
    targets: dict[str, str] = field(default_factory=dict)  # argument name -> id (never bodies)
    outcome: str = OK  # "ok", "confirmation requested", or "error: <message>"
    profile: str | None = None
    time: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def ok(self) -> bool:
        return self.outcome == OK


def default_path() -> Path:
    return user_data_path(APP_NAME) / "audit.jsonl"


class AuditLog:
    """Append-only JSON-lines log; an instance is a callable the API clients accept as `audit=`."""

    def __init__(self, path: Path | None = None, *, profile: str | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.profile = profile

    def __call__(self, record: AuditRecord) -> None:
        self.write(record)

    def write(self, record: AuditRecord) -> None:
        if record.profile is None and self.profile is not None:
            record = AuditRecord(record.tool, record.targets, record.outcome, self.profile, record.time)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(record), ensure_ascii=False, sort_keys=True) + "\n"
        # O_APPEND: concurrent writers (two app instances) never interleave within a line.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
        finally:
            os.close(fd)

    def read_recent(self, n: int = 200) -> list[AuditRecord]:
        """The last `n` records, oldest first; unreadable lines are skipped."""
        try:
            with self.path.open(encoding="utf-8", errors="replace") as handle:
                lines = deque(handle, maxlen=n)
        except FileNotFoundError:
            return []
        records = []
        for line in lines:
            try:
                raw = json.loads(line)
                records.append(AuditRecord(
                    tool=str(raw["tool"]), targets={str(k): str(v) for k, v in (raw.get("targets") or {}).items()},
                    outcome=str(raw.get("outcome", "")), profile=raw.get("profile"), time=str(raw.get("time", "")),
                ))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
        return records
