"""The local audit log: JSON lines, 0600, append-only, tolerant reader."""

from __future__ import annotations

import os
import stat

from po6_tui.audit import AuditLog, AuditRecord, default_path


def test_records_are_appended_privately_and_read_back(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl", profile="work")
    log(AuditRecord("compose_email", {"mailbox_id": "mbx_1"}))
    log(AuditRecord("delete_email", {"email_id": "em_1"}, "confirmation requested", profile="other"))
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    with log.path.open("a") as handle:
        handle.write("not json\n")
    log(AuditRecord("delete_email", {"email_id": "em_1"}, "error: Email not found"))
    records = log.read_recent()
    assert [(r.tool, r.profile, r.outcome) for r in records] == [
        ("compose_email", "work", "ok"),
        ("delete_email", "other", "confirmation requested"),
        ("delete_email", "work", "error: Email not found"),
    ]
    assert records[0].ok and not records[2].ok and records[0].time
    assert [r.tool for r in log.read_recent(1)] == ["delete_email"]


def test_default_location_is_the_user_data_dir():
    assert str(default_path()).startswith(os.environ["XDG_DATA_HOME"])
    assert AuditLog().read_recent() == []
