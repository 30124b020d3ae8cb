"""The query syntax of `/`, `:search` and `:filter` (ui/mail/query.py), on its own."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from po6_tui.api.models import EmailSummary
from po6_tui.ui.mail.query import QUERY_TERMS, Query, QueryError


def summary(**fields) -> EmailSummary:
    base = {"id": "e1", "from": "Bob Stone <bob@x.org>", "to": ["ann@po6.com"], "subject": "Weekly report",
            "snippet": "the numbers for the board", "date": "2026-01-15T10:00:00Z"}
    return EmailSummary.model_validate(base | fields)


def test_every_term_is_parsed_and_described_in_a_fixed_order():
    query = Query.parse('hello "big  deal" subject:"weekly report" from:bob to:ann is:unread is:starred '
                        'has:attachment after:2026-01-01 before:2026-02-01')
    assert query == Query(words=("hello",), phrases=("big deal",), sender="bob", to="ann", subject="weekly report",
                          unread=True, starred=True, attachment=True, after="2026-01-01", before="2026-02-01")
    assert query.describe() == ('from:bob to:ann subject:"weekly report" is:unread is:starred has:attachment '
                                'after:2026-01-01 before:2026-02-01 hello "big deal"')
    assert Query.parse(query.describe()) == query  # what the header shows can be typed again


def test_the_server_part_and_the_search_words():
    query = Query.parse('from:bob@x.org is:unread after:2026-01-01 before:2026-02-01 to:ann "big deal" hello')
    assert query.list_arguments() == {"sender": "bob@x.org", "unread_only": True, "since": "2026-01-01",
                                      "until": "2026-02-01"}
    # The server searches sender, subject and body: the sender's words narrow its best matches.
    assert query.search_text() == "hello big deal bob@x.org"
    assert Query.parse("is:unread to:ann").search_text() == ""
    assert Query.parse("is:starred after:2026-01-01").checks_on_list is False
    assert all(Query.parse(text).checks_on_list for text in ("to:ann", "subject:x", "has:attachment", "w", '"a b"'))
    assert Query.parse("hello world").checks_on_search is False
    assert Query.parse("hello is:unread").checks_on_search is True


def test_the_old_filter_words_still_work_in_filter_only():
    assert Query.parse("unread from:bob@x.org since:2026-01-31 until:2026-02-02", flag_words=True) == \
        Query(unread=True, sender="bob@x.org", after="2026-01-31", before="2026-02-02")
    assert Query.parse("starred none", flag_words=True) == Query()
    assert Query.parse("new flagged", flag_words=True) == Query(unread=True, starred=True)
    assert Query.parse('"unread"', flag_words=True) == Query(phrases=("unread",))  # quoted: the word
    assert Query.parse("unread starred") == Query(words=("unread", "starred"))  # a search's words
    assert Query().toggled("unread").unread and not Query(unread=True).toggled("unread").unread


@pytest.mark.parametrize(("text", "said"), [
    ("foo:bar", f'Not understood: "foo:bar" (known: {QUERY_TERMS}; put text with a colon in quotes)'),
    ("is:read", 'Not understood: "is:read" (known:'),
    ("has:pdf", 'Not understood: "has:pdf" (known:'),
    ("Re: hello", 'Not understood: "Re:" (known:'),
    ("before:yesterday", 'Not understood: "before:yesterday": wants a date like 2026-01-31'),
    ("after:2026-13-01", 'Not understood: "after:2026-13-01": wants a date like 2026-01-31'),
    ("from:", 'Not understood: "from:": from: wants some text after it'),
    ('hello "open phrase', 'Not understood: a quote is not closed (at "open phrase")'),
])
def test_bad_syntax_says_what_was_not_understood(text, said):
    with pytest.raises(QueryError) as raised:
        Query.parse(text)
    assert str(raised.value).startswith(said)


def test_text_with_a_colon_is_fine_when_quoted_or_not_a_key():
    assert Query.parse('"Re: hello" 10:30').phrases == ("Re: hello",)
    assert Query.parse('"Re: hello" 10:30').words == ("10:30",)
    assert Query.parse("bob@x.org").words == ("bob@x.org",)


def test_matches_checks_every_term_on_a_summary():
    row = summary(is_read=False, is_starred=True, has_attachments=True)
    assert Query.parse('from:"bob stone" to:ann@ subject:weekly is:unread is:starred has:attachment '
                       'after:2026-01-15 before:2026-01-16 "the  numbers" board').matches(row)
    for term in ("from:carol", "to:zed", "subject:monthly", '"numbers the"', "missing",
                 "after:2026-01-16", "before:2026-01-15"):
        assert not Query.parse(term).matches(row), term
    assert not Query.parse("is:unread").matches(summary(is_read=True))
    assert not Query.parse("is:starred").matches(summary(is_starred=False))
    assert not Query.parse("has:attachment").matches(summary(has_attachments=False))
    assert not Query.parse("after:2026-01-01").matches(summary(date=None))  # no date: cannot be in range
    # A search's words were matched by the server (in bodies too): not checked again.
    assert Query.parse("missing").matches(row, words=False)
    assert row.date == datetime(2026, 1, 15, 10, tzinfo=UTC)
