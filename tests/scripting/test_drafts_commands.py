"""`po6-tui drafts list|show|approve|reject` against the sandbox, in a subprocess."""

from __future__ import annotations

import json

from po6_tui.audit import AuditLog
from scripthelpers import env_for, start_box


def test_list_as_a_table_and_as_json(box, po6_tui):
    table = po6_tui("drafts", "list", env=env_for(box))
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[0].split() == ["ID", "MAILBOX", "TO", "SUBJECT", "EXPIRES", "IN"]
    assert "drf_demo01" in table.stdout and "pending" in table.stdout.splitlines()[-1]

    listed = po6_tui("drafts", "list", "--json", env=env_for(box))
    data = json.loads(listed.stdout)
    ids = [d["id"] for d in data["pending"]]
    assert "drf_demo01" in ids and "drf_risk01" in ids
    first = next(d for d in data["pending"] if d["id"] == "drf_demo01")
    assert first["mailbox"] == "outreach-agent@po6.com" and first["subject"] == "Pricing for Northstar"


def test_show_prints_the_whole_draft_and_its_risks(box, po6_tui):
    shown = po6_tui("drafts", "show", "drf_risk01", env=env_for(box))
    assert shown.returncode == 0, shown.stderr
    assert "Risk:    high: secret" in shown.stdout and "AWS access key" in shown.stdout
    assert "Wint3r-Deploy-42" in shown.stdout  # the body, in full: the operator must see what leaves
    data = json.loads(po6_tui("drafts", "show", "drf_risk01", "--json", env=env_for(box)).stdout)
    assert data["risk"]["level"] == "high" and {f["check"] for f in data["risk"]["findings"]} == {"secret"}


def test_approve_needs_yes_off_a_terminal_then_sends_once(fresh_box, po6_tui):
    env = env_for(fresh_box)
    refused = po6_tui("drafts", "approve", "drf_demo06", env=env)
    assert refused.returncode == 2 and "add --yes" in refused.stderr
    assert "Weekly research summary" in refused.stdout and "Risk:" in refused.stdout  # shown before asking
    assert "drf_demo06" in po6_tui("drafts", "list", env=env).stdout  # nothing was sent

    sent = po6_tui("drafts", "approve", "drf_demo06", "--yes", "--json", env=env)
    assert sent.returncode == 0, sent.stderr
    result = json.loads(sent.stdout)["results"]
    assert result[0]["id"] == "drf_demo06" and result[0]["status"] == "sent" and result[0]["sent_id"]
    log = po6_tui("sent", "list", "--mailbox", "research-agent@po6.com", "--json", env=env)
    assert result[0]["sent_id"] in [e["id"] for e in json.loads(log.stdout)["emails"]]

    again = po6_tui("drafts", "approve", "drf_demo06", "--yes", env=env)  # it is no longer pending
    assert again.returncode == 1 and "No pending draft 'drf_demo06'" in again.stderr
    approvals = [r for r in AuditLog().read_recent() if r.tool == "approve_draft"]
    assert len(approvals) == 1 and approvals[0].ok and approvals[0].profile == "env"


def test_reject_with_a_reason(fresh_box, po6_tui):
    env = env_for(fresh_box)
    done = po6_tui("drafts", "reject", "drf_demo04", "drf_demo05", "--reason", "off tone", "--yes", env=env)
    assert done.returncode == 0, done.stderr
    assert "drf_demo04: rejected" in done.stdout and "drf_demo05: rejected" in done.stdout
    left = [d["id"] for d in json.loads(po6_tui("drafts", "list", "--json", env=env).stdout)["pending"]]
    assert "drf_demo04" not in left and "drf_demo05" not in left and "drf_demo01" in left


def test_read_only_refuses_before_any_request(po6_tui):
    # The URL leads nowhere: a refusal that made a request would say "could not connect" (4).
    env = {"PO6_API_KEY": "mcp_po6_unused_key_123", "PO6_MCP_URL": "http://127.0.0.1:9/mcp"}
    for args in (["drafts", "approve", "drf_demo06", "--yes"], ["drafts", "reject", "drf_demo06", "--yes"],
                 ["call", "update_alias", "alias_id=als_sales", "--yes"]):
        refused = po6_tui(*args, "--read-only", env=env)
        assert refused.returncode == 1, (args, refused.stderr)
        assert "Read-only mode" in refused.stderr and "no request was made" in refused.stderr
    as_json = po6_tui("drafts", "approve", "drf_demo06", "--read-only", "--json", env=env)
    error = json.loads(as_json.stderr)  # one JSON line, nothing on stdout
    assert error["exit_code"] == 1 and "Read-only mode" in error["error"] and as_json.stdout == ""


def test_under_strict_po6_approve_sends_with_compose_and_the_journal_takes_the_draft_off(tmp_path, po6_tui):
    # Real PO6 has no decision tools (API.md 1.7): the drafts view's path is compose + journal.
    box = start_box(tmp_path, strict=True)
    try:
        env = env_for(box)
        sent = po6_tui("drafts", "approve", "drf_demo06", "--yes", "--json", env=env)
        assert sent.returncode == 0, sent.stderr
        assert json.loads(sent.stdout)["results"][0]["status"] == "sent"
        assert [r.tool for r in AuditLog().read_recent()] == ["compose_email"]
        pending = [d["id"] for d in json.loads(po6_tui("drafts", "list", "--json", env=env).stdout)["pending"]]
        assert "drf_demo06" not in pending and "drf_demo01" in pending
    finally:
        box.process.stop()


def test_a_lost_reply_is_never_retried_and_the_sent_log_tells_what_happened(tmp_path, po6_tui):
    box = start_box(tmp_path, "--fault-after-write", "drop")
    try:
        env = env_for(box)

        def weekly_summaries() -> int:
            log = po6_tui("sent", "list", "--mailbox", "research-agent@po6.com", "--json", env=env)
            return [e["subject"] for e in json.loads(log.stdout)["emails"]].count("Weekly research summary")

        before = weekly_summaries()
        done = po6_tui("drafts", "approve", "drf_demo06", "--yes", "--json", env=env)
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)["results"][0]
        assert result["status"] == "sent" and result["sent_id"]  # found in the sent log, not assumed
        assert weekly_summaries() == before + 1  # sent once
        assert [r.tool for r in AuditLog().read_recent() if r.tool == "approve_draft"] == ["approve_draft"]
    finally:
        box.process.stop()
