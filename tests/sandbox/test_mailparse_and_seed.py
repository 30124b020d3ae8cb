"""The RFC 5322 parser and the seed, tested directly (no server)."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from po6_tui.sandbox import admin
from po6_tui.sandbox.mailparse import MailParseError, parse_message, snippet
from po6_tui.sandbox.seed import SCALE_MAILBOX, seed_scale, seed_store
from po6_tui.sandbox.store import Store


def test_multipart_with_html_attachment_and_encoded_words():
    message = EmailMessage()
    message["From"] = "=?utf-8?b?8J+kliBCb3Q=?= <bot@example.com>"
    message["To"] = "a@po6.com, B <b@po6.com>"
    message["Cc"] = "c@example.com"
    message["Reply-To"] = "replies@example.com"
    message["Subject"] = "=?utf-8?q?Caf=C3=A9_=E2=98=95?="
    message["Date"] = "Tue, 03 Feb 2026 10:00:00 +0100"
    message["In-Reply-To"] = "<parent@example.com>"
    message.set_content("plain text")
    message.add_alternative("<p>html</p>", subtype="html")
    message.add_attachment(b"a,b\n", maintype="text", subtype="csv", filename="data.csv")
    parsed = parse_message(bytes(message))
    assert (parsed.from_name, parsed.from_addr) == ("🤖 Bot", "bot@example.com")
    assert parsed.to == ["a@po6.com", "b@po6.com"] and parsed.cc == ["c@example.com"]
    assert parsed.reply_to == "replies@example.com" and parsed.in_reply_to == "<parent@example.com>"
    assert parsed.subject == "Café ☕" and parsed.date.isoformat() == "2026-02-03T09:00:00+00:00"
    assert parsed.text.strip() == "plain text" and parsed.html.strip() == "<p>html</p>"
    assert parsed.attachments == [("data.csv", "text/csv", 4)]


def test_odd_and_unknown_charsets_are_decoded_not_refused():
    latin = b"From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=windows-1252\n\nna\xefve \x80\n"
    unknown = b"From: a@b.example\nSubject: x\nContent-Type: text/plain; charset=x-klingon\n\nhello\n"
    assert parse_message(latin).text.strip() == "naïve €"
    assert parse_message(unknown).text.strip() == "hello"


def test_undeclared_8bit_text_is_read_as_utf8_and_forwarded_messages_are_one_attachment():
    raw = ("From: a@b.example\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/plain\n\n"
           "grüße\n--XX\nContent-Type: message/rfc822\n\nFrom: x@y.example\nSubject: inner\n\ninner\n--XX--\n")
    parsed = parse_message(raw.encode())
    assert parsed.text.strip() == "grüße"
    assert [(name, kind) for name, kind, _ in parsed.attachments] == [("message.eml", "message/rfc822")]


def test_html_only_message_gets_a_text_snippet():
    raw = b"From: a@b.example\nSubject: x\nContent-Type: text/html\n\n<style>p{}</style><p>Hello <b>there</b></p>\n"
    parsed = parse_message(raw)
    assert parsed.text == "" and snippet(parsed.text, parsed.html) == "Hello there"


@pytest.mark.parametrize("raw", [b"", b"   \n", b"no headers here\n", b"\x00\x01\x02 binary\n"])
def test_what_is_not_a_message_raises_a_clear_error(raw):
    with pytest.raises(MailParseError):
        parse_message(raw)


def test_a_message_without_a_usable_sender_is_still_a_message():
    assert parse_message(b"Subject: x\n\nno sender\n").from_addr == ""
    odd = parse_message(b"From: not-an-address\n\nbody\n")
    assert odd.from_addr == "not-an-address" and odd.text == "body\n"


def test_repeated_headers_keep_each_value_and_8bit_headers_are_decoded_as_well_as_they_can_be():
    raw = ("Received: from a\nReceived: from b\nFrom: J\u00fcrgen <j@example.de>\nSubject: Gr\u00fc\u00dfe\n"
           "X-Latin: ").encode() + b"caf\xe9\n\nbody\n"
    parsed = parse_message(raw)
    assert [value for name, value in parsed.headers if name == "Received"] == ["from a", "from b"]
    assert parsed.subject == "Grüße" and parsed.from_name == "Jürgen"  # raw UTF-8 in headers
    latin = dict(parsed.headers)["X-Latin"]
    assert latin.startswith("caf") and latin.encode("utf-8")  # undecodable: marked, and storable


TIMELESS = {  # every seeded table, minus the columns that hold times (relative to the moment of seeding) or keys
    "sandbox_keys": "service, label, tenant, plan, scopes, mailboxes",
    "mailboxes": "id, tenant, address, display_name",
    "emails": "mailbox_id, folder, from_addr, subject, body_text, body_html, attachments, is_read, is_starred",
    "drafts": "id, mailbox_id, to_addrs, subject, body_text, status",
    "sent": "id, mailbox_id, to_addrs, subject, delivery_status, sent_via",
    "aliases": "*", "domains": "*", "contacts": "*", "templates": "*",
    "pages": "id, title, slug, status, config, seo, domain",
    "leads": "id, page_id, email, name, source",
    "postern_agents": "id, tenant, handle", "postern_inboxes": "id, address, tenant, agent_id, display_name",
    "postern_messages": "id, inbox_id, thread_id, direction, from_addr, subject, text, unread",
}


def _snapshot(store: Store) -> dict[str, list[tuple]]:
    return {table: [tuple(row) for row in store.all(f"SELECT {columns} FROM {table} ORDER BY rowid")]
            for table, columns in TIMELESS.items()}


def test_the_demo_seed_is_deterministic(tmp_path: Path):
    first, second = Store(tmp_path / "a.db"), Store(tmp_path / "b.db")
    try:
        seed_store(first, "demo")
        seed_store(second, "demo")
        snapshot = _snapshot(first)
        assert snapshot == _snapshot(second)
        assert len(snapshot["emails"]) > 100 and len(snapshot["leads"]) > 50
        seed_store(first, "demo")  # a seeded database is never seeded twice
        assert _snapshot(first) == snapshot
    finally:
        first.close()
        second.close()


def test_the_demo_keys_are_drawn_afresh_for_each_database(tmp_path: Path):
    """Keys known from the source would open every demo sandbox: each database gets its own."""
    stores = [Store(tmp_path / "a.db"), Store(tmp_path / "b.db")]
    try:
        for store in stores:
            seed_store(store, "demo")
    finally:
        for store in stores:
            store.close()
    first, second = ({k["label"]: k for k in admin.read_keys(tmp_path / name)} for name in ("a.db", "b.db"))
    assert first.keys() == second.keys() and {"plus", "one-mailbox", "postern-agent", "postern-enroll"} <= first.keys()
    for label in first:
        assert first[label]["key"] != second[label]["key"], label
        assert {**first[label], "key": None} == {**second[label], "key": None}, label
        prefix = {"po6": "mcp_po6_", "postern": "pk_agent_", "postern-enroll": "pk_enroll_"}[first[label]["service"]]
        assert first[label]["key"].startswith(prefix) and len(first[label]["key"]) >= len(prefix) + 40
    tokens = []
    for name in ("a.db", "b.db"):
        store = Store(tmp_path / name)
        tokens.append({row[0] for row in store.all("SELECT token FROM postern_enrollments")})
        store.close()
    assert tokens[0] and not tokens[0] & tokens[1]  # the unlisted enrollment tokens too


def test_seed_n_adds_a_scale_mailbox_once(tmp_path: Path):
    store = Store(tmp_path / "scale.db")
    try:
        seed_store(store, "500")
        assert store.scalar("SELECT count(*) FROM emails WHERE mailbox_id = ?", (SCALE_MAILBOX,)) == 500
        assert store.scalar("SELECT count(*) FROM mailboxes") > 1  # the demo came with it
        assert seed_scale(store, 500) == 0 and seed_scale(store, 700) == 200
        stats = store.folder_stats(SCALE_MAILBOX)["INBOX"]
        assert stats["total"] == 700
        assert stats["unread"] == store.scalar(
            "SELECT count(*) FROM emails WHERE mailbox_id = ? AND is_read = 0", (SCALE_MAILBOX,))
    finally:
        store.close()


def test_seed_none_leaves_an_empty_sandbox(tmp_path: Path):
    store = Store(tmp_path / "empty.db")
    try:
        seed_store(store, "none")
        assert store.is_empty()
    finally:
        store.close()


@pytest.mark.parametrize(("view", "condition"), [("all", ""), ("unread", " AND is_read = 0"),
                                                ("starred", " AND is_starred != 0")])
def test_deep_pages_match_a_plain_offset_scan(tmp_path: Path, view: str, condition: str):
    """The day-counter shortcut of `page_folder` must return exactly what OFFSET would."""
    store = Store(tmp_path / "pages.db")
    try:
        seed_scale(store, 3000)
        # Churn: moves out of and back into the folder, flags flipped, deletions, new mail arriving.
        for sql in ("UPDATE emails SET folder = 'Archive' WHERE num % 7 = 0",
                    "UPDATE emails SET folder = 'INBOX' WHERE num % 21 = 0",
                    "UPDATE emails SET is_read = 1 - is_read WHERE num % 5 = 0",
                    "UPDATE emails SET is_starred = 1 WHERE num % 13 = 0",
                    "DELETE FROM emails WHERE num % 11 = 0"):
            store.conn.execute(sql)
        seed_scale(store, 3100)
        plain = [r[0] for r in store.all(f"SELECT num FROM emails WHERE mailbox_id = ? AND folder = 'INBOX'{condition} "
                                         "ORDER BY ts DESC, num DESC", (SCALE_MAILBOX,))]
        assert store.folder_stats(SCALE_MAILBOX)["INBOX"][Store.VIEWS[view][0]] == len(plain) > 50
        for offset in (0, 1, 49, 50, 77, len(plain) // 2, len(plain) - 50, len(plain) - 1, len(plain)):
            page = [r["num"] for r in store.page_folder(SCALE_MAILBOX, "INBOX", 50, offset, view)]
            assert page == plain[offset:offset + 50], offset
    finally:
        store.close()
