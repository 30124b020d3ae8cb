"""`po6-tui mail`, `sent`, `call`, `postern wait`: output, --json, and every exit code."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest

from po6_tui.sandbox.delivery import deliver_local
from po6_tui.sandbox.mailparse import parse_message
from po6_tui.sandbox.store import Store
from scripthelpers import env_for

HOSTILE_SUBJECT = "Invoice \x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\u202egnp.exe \x9b31m"


def test_mail_list_show_and_search(box, po6_tui):
    env = env_for(box)
    listed = po6_tui("mail", "list", "--mailbox", "signup-bot@po6.com", "--limit", "3", "--json", env=env)
    emails = json.loads(listed.stdout)["emails"]
    assert len(emails) == 3 and emails[0]["id"] == "em_14"
    shown = po6_tui("mail", "show", "em_14", "--mailbox", "signup-bot@po6.com", env=env)
    assert shown.returncode == 0 and "Subject: Votre code de connexion : 482 913" in shown.stdout
    found = json.loads(po6_tui("mail", "search", "verification code", "--json", env=env).stdout)
    assert found["results"] and all(r["mailbox"].endswith("@po6.com") for r in found["results"])  # which agent
    several = po6_tui("mail", "list", env=env)  # six mailboxes: which one?
    assert several.returncode == 2 and "choose one with --mailbox" in several.stderr


def test_sent_list(box, po6_tui):
    sent = po6_tui("sent", "list", "--mailbox", "research-agent@po6.com", "--limit", "2", env=env_for(box))
    assert sent.returncode == 0 and sent.stdout.split()[:5] == ["ID", "SENT", "STATUS", "TO", "SUBJECT"]
    assert "delivered" in sent.stdout


def test_call_checks_fields_against_the_schema_before_sending(box, po6_tui):
    env = env_for(box)
    alias = po6_tui("call", "get_alias", "alias_id=als_sales", "--json", env=env)
    assert alias.returncode == 0 and json.loads(alias.stdout)["result"]["address"] == "acme-sales@po6.com"
    typed = po6_tui("call", "list_emails", "mailbox_id=mbx_signup", "limit=2", "-F", "unread_only=true", "--json",
                    env=env)
    assert len(json.loads(typed.stdout)["result"]["emails"]) == 2
    for args, words in ((["list_emails", "mailbox_id=mbx_signup", "limit=two"], "limit: 'two' is not an integer"),
                        (["list_emails"], "mailbox_id: required by list_emails"),
                        (["list_emails", "mailbox_id=mbx_signup", "-F", "limit=[1"], "limit: not valid JSON"),
                        (["list_emails", "mailbox_id=mbx_signup", "-F", "limit=\"2\""], "limit: must be of type integer"),
                        (["no_such_tool"], "no tool 'no_such_tool'")):
        refused = po6_tui("call", *args, env=env)
        assert refused.returncode == 2 and words in refused.stderr, (args, refused.stderr)
    listing = po6_tui("call", env=env)
    assert listing.returncode == 0 and "approve_draft" in listing.stdout and "two-step" in listing.stdout


def test_a_write_asks_and_a_two_step_tool_shows_the_servers_words(fresh_box, po6_tui):
    env = env_for(fresh_box)
    asked = po6_tui("call", "update_alias", "alias_id=als_sales", "-F", "is_active=false", env=env)
    assert asked.returncode == 2 and "Not called: add --yes" in asked.stderr
    done = po6_tui("call", "update_alias", "alias_id=als_sales", "-F", "is_active=false", "--yes", "--json", env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["result"]["is_active"] is False
    two_step = po6_tui("call", "delete_email", "mailbox_id=mbx_signup", "email_id=em_14", env=env)
    assert two_step.returncode == 2 and "Not confirmed: delete_email did nothing: add --yes" in two_step.stderr
    still = po6_tui("mail", "show", "em_14", "--mailbox", "signup-bot@po6.com", env=env)
    assert still.returncode == 0  # the first call only asked


def test_tool_errors_auth_and_unreachable_have_their_exit_codes(box, po6_tui):
    error = po6_tui("call", "get_alias", "alias_id=als_nope", "--json", env=env_for(box))
    assert error.returncode == 5 and json.loads(error.stderr)["exit_code"] == 5
    wrong_key = {**env_for(box), "PO6_API_KEY": "mcp_po6_not_a_real_key_0000"}
    auth = po6_tui("mail", "mailboxes", env=wrong_key)
    assert auth.returncode == 3 and "mcp_po6_not_a_real" not in auth.stderr, auth.stderr
    nowhere = po6_tui("mail", "mailboxes", env={"PO6_API_KEY": "mcp_po6_x_123456789", "PO6_MCP_URL": "http://127.0.0.1:9/mcp"})
    assert nowhere.returncode == 4 and "Could not connect" in nowhere.stderr
    usage = po6_tui("drafts", "frobnicate", env=env_for(box))
    assert usage.returncode == 2 and "Traceback" not in usage.stderr


def test_postern_wait_prints_the_code_or_times_out(box, po6_tui):
    env = env_for(box)
    code = po6_tui("postern", "wait", "signup-bot@postern.test", "--subject", "verification code", "--existing",
                   "--timeout", "2", env=env)
    assert code.returncode == 0, code.stderr
    assert code.stdout.strip() == "482913"
    data = json.loads(po6_tui("postern", "wait", "signup-bot@postern.test", "--subject", "confirm your email",
                              "--existing", "--timeout", "2", "--json", env=env).stdout)
    assert data["link"] == "https://accounts.example.com/verify?token=7f3a9c2e41d8"
    nothing = po6_tui("postern", "wait", "signup-bot@postern.test", "--subject", "never sent", "--timeout", "1", env=env)
    assert nothing.returncode == 6 and "Nothing matching" in nothing.stderr


def test_a_hostile_subject_never_reaches_the_terminal(fresh_box):
    raw = (f"From: attacker@evil.example\r\nTo: signup-bot@po6.com\r\nSubject: {HOSTILE_SUBJECT}\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n").encode()
    store = Store(fresh_box.db)
    try:
        email_id = deliver_local(store, "signup-bot@po6.com", parse_message(raw))
    finally:
        store.close()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PO6_", "POSTERN_"))}, **env_for(fresh_box)}
    for args in (["mail", "list", "--mailbox", "signup-bot@po6.com", "--limit", "3"],
                 ["mail", "show", email_id, "--mailbox", "signup-bot@po6.com"]):
        primary, secondary = pty.openpty()  # stdout is a terminal, as for a person
        done = subprocess.run([sys.executable, "-m", "po6_tui", *args], stdout=secondary, stderr=secondary,
                              stdin=subprocess.DEVNULL, env=env, timeout=120)
        os.close(secondary)
        seen = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        os.close(primary)
        text = seen.decode("utf-8", errors="replace")
        assert done.returncode == 0, text
        assert b"\x1b" not in seen and b"\x07" not in seen and "\u202e" not in text, ascii(text)
        assert not any("\x80" <= c <= "\x9f" for c in text), ascii(text)
        assert "Invoice" in text and "gnp.exe" in text


@pytest.mark.parametrize("args", [["--version"], ["drafts", "--help"], ["call", "--help"]])
def test_version_and_help_name_the_exit_codes(po6_tui, args):
    done = po6_tui(*args)
    assert done.returncode == 0
    assert ("po6-tui 0." in done.stdout) if args == ["--version"] else ("6 timed out waiting" in done.stdout)


def test_postern_api_reads_writes_once_and_stays_on_the_server(fresh_box, po6_tui):
    env = env_for(fresh_box)
    listed = po6_tui("postern", "api", "GET", "/inboxes", "limit=2", "--json", env=env)
    assert listed.returncode == 0 and len(json.loads(listed.stdout)["data"]) == 2
    asked = po6_tui("postern", "api", "POST", "/inboxes", "username=cli-made", env=env)
    assert asked.returncode == 2 and "Not sent: add --yes" in asked.stderr
    made = po6_tui("postern", "api", "POST", "/inboxes", "username=cli-made", "--yes", "--json", env=env)
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["address"].startswith("cli-made@")
    from po6_tui.audit import AuditLog

    assert [r.tool for r in AuditLog().read_recent()] == ["postern.POST /inboxes"]
    refused = po6_tui("postern", "api", "DELETE", "/inboxes/cli-made@postern.test", "--read-only",
                      env={"POSTERN_API_KEY": "pk_agent_unused_123", "POSTERN_API_BASE_URL": "http://127.0.0.1:9"})
    assert refused.returncode == 1 and "no request was made" in refused.stderr
    for path in ("https://evil.example/v1/inboxes", "/inboxes/../../admin", "/inboxes?x=1"):
        bad = po6_tui("postern", "api", "GET", path, env=env)
        assert bad.returncode == 2 and "not a Postern endpoint path" in bad.stderr, (path, bad.stderr)
