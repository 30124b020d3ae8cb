"""`po6-tui sandbox` as a command: start-up line, keys, deliver, clock, restart, refusing remote hosts."""

from __future__ import annotations

import json
import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import httpx
from po6_mcp import connect, start_box

from po6_tui.sandbox import admin


def sandbox_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "po6_tui", "sandbox", *args], input=stdin,
                          capture_output=True, timeout=60)


def rich_message(to: str) -> bytes:
    message = EmailMessage()
    message["From"] = "=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>"
    message["To"] = to
    message["Subject"] = "=?iso-8859-1?q?Gr=FC=DFe_aus_K=F6ln?="
    message["Message-ID"] = "<cli-test@example.de>"
    message.set_content("Hallo! Anbei die Unterlagen.\n", charset="iso-8859-1")
    message.add_alternative("<p>Hallo! <b>Anbei</b> die Unterlagen.</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="Unterlagen.pdf")
    return bytes(message)


def test_keys_prints_one_json_object_a_line(box):
    done = sandbox_cli("keys", "--db", str(box.db))
    records = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert done.returncode == 0
    po6 = {r["label"]: r for r in records if r["service"] == "po6"}
    assert {"plus", "standard", "free", "readonly", "one-mailbox", "other-tenant"} <= set(po6)
    assert all(r["key"].startswith("mcp_po6_") for r in po6.values())
    assert po6["plus"]["plan"] == "plus" and len(po6["plus"]["scopes"]) == 15 and po6["plus"]["mailboxes"] is None
    assert po6["one-mailbox"]["mailboxes"] == ["mbx_support"]
    assert set(po6["readonly"]["scopes"]) <= {"mailbox:list", "mailbox:read", "mailbox:search", "alias:list",
                                              "alias:read", "landing_page:list", "landing_page:read"}


async def test_deliver_a_real_message_from_a_file_and_from_stdin(box, tmp_path: Path):
    eml = tmp_path / "message.eml"
    eml.write_bytes(rich_message("ops-agent@po6.com"))
    from_file = sandbox_cli("deliver", "--db", str(box.db), "--to", "ops-agent@po6.com", str(eml))
    from_stdin = sandbox_cli("deliver", "--db", str(box.db), "--to", "acme-signups+github@po6.com", "-",
                             stdin=rich_message("acme-signups+github@po6.com"))
    assert from_file.returncode == 0, from_file.stderr
    assert from_stdin.returncode == 0, from_stdin.stderr
    email_id = json.loads(from_file.stdout)["id"]
    async with connect(box.url, box.key("plus")) as po6:
        email = await po6.call("get_email", mailbox_id="mbx_ops", email_id=email_id)
        via_alias = (await po6.call("list_emails", mailbox_id="mbx_signup", limit=1))["emails"][0]
    assert email["subject"] == "Grüße aus Köln" and email["from_name"] == "Jürgen Müller"
    assert email["body_text"].startswith("Hallo!") and "<b>Anbei</b>" in email["body_html"]
    assert email["attachments"] == [{"filename": "Unterlagen.pdf", "content_type": "application/pdf", "size": 13}]
    assert email["folder"] == "INBOX" and email["is_read"] is False
    assert via_alias["subject"] == "Grüße aus Köln"  # plus-addressed alias routed to its mailbox


async def test_what_is_not_a_message_at_all_is_refused_and_nothing_is_stored(box):
    async with connect(box.url, box.key("plus")) as po6:
        before = await po6.call("get_mailbox_stats", mailbox_id="mbx_ops")
        for raw, reason in [
            (b"", "empty input"),
            (b" \r\n\t\n", "empty input"),
            (b"just some text without any headers at all\n", "no header section"),
            (b"\x00\x01\x02binary", "no header section"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "no header section"),
        ]:
            done = sandbox_cli("deliver", "--db", str(box.db), "--to", "ops-agent@po6.com", "-", stdin=raw)
            assert done.returncode == 1 and reason in done.stderr.decode(), (raw, done.stderr)
            assert b"Traceback" not in done.stderr
        unknown = sandbox_cli("deliver", "--db", str(box.db), "--to", "nobody@nowhere.example", "-",
                              stdin=rich_message("nobody@nowhere.example"))
        after = await po6.call("get_mailbox_stats", mailbox_id="mbx_ops")
    assert unknown.returncode == 1 and b"no sandbox mailbox" in unknown.stderr
    assert after["total"] == before["total"]


HOSTILE_MAIL = [  # (what, raw message, a piece of text the stored message must show)
    ("raw NULs and control bytes in headers and body",
     b"From: Mal\x00lory <m@evil.example>\r\nTo: ops-agent@po6.com\r\nSubject: nul\x00 bell\x07 esc\x1b[2J\r\n\r\n"
     b"before\x00after \x1b]52;c;eA==\x07 \x9b31m end\r\n", "before\x00after"),
    ("a multipart without a boundary",
     b"From: a@b.example\nTo: ops-agent@po6.com\nSubject: no boundary\nContent-Type: multipart/mixed\n\n"
     b"text of a broken multipart\n", "text of a broken multipart"),
    ("a multipart whose boundary never starts",
     b"From: a@b.example\nSubject: no start\nContent-Type: multipart/alternative; boundary=XYZ\n\n"
     b"no parts here\n--ABC--\n", "no parts here"),
    ("8-bit junk in headers and an undeclared 8-bit body",
     b"From: J\xfcrgen <j@example.de>\nSubject: Gr\xfc\xdfe \xff\xfe\x80\nTo: ops-agent@po6.com\n\nsch\xf6n \xff\x80\n",
     "schön"),
    ("no From header at all", b"To: ops-agent@po6.com\nSubject: anonymous\n\nwho sent this?\n", "who sent this?"),
    ("a From that is no address", b"From: not an address\nSubject: odd sender\n\nodd sender body\n",
     "odd sender body"),
    ("broken base64 and an unknown transfer encoding",
     b"From: a@b.example\nSubject: enc\nContent-Type: multipart/mixed; boundary=Q\n\n--Q\n"
     b"Content-Type: text/plain; charset=x-unknown\nContent-Transfer-Encoding: x-weird\n\nweird encoding text\n"
     b"--Q\nContent-Type: application/pdf; name=\"\x00\x1b]52;c;x\x07.pdf\"\nContent-Transfer-Encoding: base64\n\n"
     b"!!!not base64***\n--Q--\n", "weird encoding text"),
    ("parts nested thousands deep",
     b"From: a@b.example\nSubject: deep\nContent-Type: multipart/mixed; boundary=B0\n\n"
     + b"".join(f"--B{i}\nContent-Type: multipart/mixed; boundary=B{i + 1}\n\n".encode() for i in range(3000))
     + b"deepest text\n", "deepest text"),
]


async def test_hostile_but_real_mail_is_delivered_as_a_mail_server_would(box):
    """Refusing odd mail would keep it from ever reaching the app's tests: store it, decode what can be."""
    delivered = []
    for what, raw, shown in HOSTILE_MAIL:
        done = sandbox_cli("deliver", "--db", str(box.db), "--to", "ops-agent@po6.com", "-", stdin=raw)
        assert done.returncode == 0, (what, done.stderr.decode()[-500:])
        delivered.append((what, json.loads(done.stdout)["id"], shown))
    async with connect(box.url, box.key("plus")) as po6:
        emails = [await po6.call("get_email", mailbox_id="mbx_ops", email_id=email_id) for _, email_id, _ in delivered]
        listed = await po6.call("list_emails", mailbox_id="mbx_ops", limit=len(delivered))
    for (what, _email_id, shown), email in zip(delivered, emails):
        assert shown in email["body_text"], (what, email["body_text"][:200])
        assert email["folder"] == "INBOX", what
    assert {e["id"] for e in listed["emails"]} == {email_id for _, email_id, _ in delivered}
    assert emails[0]["subject"] == "nul\x00 bell\x07 esc\x1b[2J" and emails[0]["from_name"] == "Mal\x00lory"


def test_hostile_mail_reaches_a_postern_inbox_too(box):
    raw = HOSTILE_MAIL[0][1].replace(b"ops-agent@po6.com", b"support@postern.test")
    done = sandbox_cli("deliver", "--db", str(box.db), "--to", "support@postern.test", "-", stdin=raw)
    assert done.returncode == 0, done.stderr
    headers = {"Authorization": f"Bearer {box.key('postern-agent')}"}
    listed = httpx.get(box.url + "/v1/inboxes/support@postern.test/messages", headers=headers).json()
    newest = httpx.get(box.url + f"/v1/messages/{listed['data'][0]['id']}", headers=headers).json()
    assert newest["subject"] == "nul\x00 bell\x07 esc\x1b[2J" and "before\x00after" in newest["text"]


def test_deliver_and_keys_without_a_database(tmp_path: Path):
    missing = str(tmp_path / "none.db")
    assert sandbox_cli("keys", "--db", missing).returncode == 1
    done = sandbox_cli("deliver", "--db", missing, "--to", "a@po6.com", "-", stdin=rich_message("a@po6.com"))
    assert done.returncode == 1 and not Path(missing).exists()


def test_a_file_that_is_not_a_sandbox_database_gets_one_sentence_not_a_traceback(tmp_path: Path):
    db = tmp_path / "notes.db"
    db.write_text("these are my notes, not a database\n" * 100)
    for args, stdin in ((("keys",), None), (("clock", "--advance", "5"), None),
                        (("deliver", "--to", "ops-agent@po6.com", "-"), rich_message("ops-agent@po6.com")),
                        (("serve", "--port", "0"), None)):
        done = sandbox_cli(*args, "--db", str(db), stdin=stdin)
        assert done.returncode == 1, args
        error = done.stderr.decode()
        assert b"Traceback" not in done.stderr and len(error.strip().splitlines()) == 1, (args, error)
        assert "not a database" in error, (args, error)
    assert db.read_text().startswith("these are my notes")


def test_clock_command_moves_the_sandbox_clock(tmp_path: Path):
    db = tmp_path / "clock.db"
    done = sandbox_cli("clock", "--db", str(db), "--advance", "90")
    assert done.returncode == 0 and json.loads(done.stdout) == {"clock_offset_seconds": 90.0}
    admin.advance_clock(db, 10)
    assert json.loads(sandbox_cli("clock", "--db", str(db), "--advance", "0").stdout)["clock_offset_seconds"] == 100


async def test_first_line_clean_stop_restart_and_reset(tmp_path: Path):
    box = start_box(tmp_path)
    try:
        first_line = box.process.output.splitlines()[0]
        assert first_line == f"po6-tui sandbox listening on {box.url}" and not box.url.endswith(":0")
        async with connect(box.url, box.key("plus")) as po6:
            draft = await po6.call("create_draft", mailbox_id="mbx_ops", to_addresses=["a@b.example"],
                                   subject="survives", body_text="b")
        key = box.key("plus")
        process = box.process._proc
    finally:
        box.process.stop()
    assert process.returncode == 0 and "Traceback" not in box.process.output  # SIGTERM: a clean stop
    again = start_box(tmp_path)
    try:
        assert again.key("plus") == key
        async with connect(again.url, key) as po6:
            drafts = await po6.call("list_drafts", mailbox_id="mbx_ops")
    finally:
        again.process.stop()
    assert draft["id"] in [d["id"] for d in drafts["drafts"]]
    fresh = start_box(tmp_path, "--reset")
    try:
        async with connect(fresh.url, fresh.key("plus")) as po6:
            after_reset = await po6.call("list_drafts", mailbox_id="mbx_ops")
    finally:
        fresh.process.stop()
    assert after_reset["drafts"] == []


def test_a_demo_database_with_the_keys_every_install_shared_is_retired(tmp_path: Path):
    """Version 4 seeded its keys from fixed dice: known to anyone with the source. Demo mode swaps
    such a database for a fresh one with keys of its own; a plain start refuses it."""
    import sqlite3

    box = start_box(tmp_path)
    box.process.stop()
    old_keys = {k["key"] for k in admin.read_keys(box.db)}
    with sqlite3.connect(box.db) as conn:
        conn.execute("UPDATE sandbox_meta SET value = '4' WHERE key = 'schema_version'")
    refused = sandbox_cli("--port", "0", "--db", str(box.db))
    assert refused.returncode == 1 and b"another version of the sandbox" in refused.stderr
    demo = start_box(tmp_path, "--replace-outdated")
    demo.process.stop()
    assert old_keys and not old_keys & {k["key"] for k in admin.read_keys(demo.db)}


def test_refuses_a_non_loopback_host(tmp_path: Path):
    done = sandbox_cli("--host", "0.0.0.0", "--port", "0", "--db", str(tmp_path / "x.db"))
    assert done.returncode == 2 and b"refusing to listen on 0.0.0.0" in done.stderr


async def test_a_demo_database_of_another_version_is_set_aside_and_reopened_demos_get_new_drafts(tmp_path: Path):
    import sqlite3

    box = start_box(tmp_path)
    box.process.stop()
    with sqlite3.connect(box.db) as conn:
        conn.execute("UPDATE sandbox_meta SET value = '1' WHERE key = 'schema_version'")
    refused = sandbox_cli("--port", "0", "--db", str(box.db))
    assert refused.returncode == 1 and b"another version of the sandbox" in refused.stderr
    demo = start_box(tmp_path, "--replace-outdated")
    try:
        assert Path(f"{box.db}.outdated").exists()
        async with connect(demo.url, demo.key("plus")) as po6:
            assert len((await po6.call("list_drafts"))["drafts"]) >= 6
    finally:
        demo.process.stop()
    admin.advance_clock(box.db, 80 * 3600)  # days later: every demo draft has expired
    later = start_box(tmp_path)
    try:
        async with connect(later.url, later.key("plus")) as po6:
            pending = (await po6.call("list_drafts"))["drafts"]
    finally:
        later.process.stop()
    assert len(pending) >= 6 and all(d["id"].startswith("drf_g2_") for d in pending)
