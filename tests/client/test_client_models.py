"""The models' leniency: unknown fields kept, optional fields optional, one bad item never sinks a list."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from po6_tui.api import models as m
from po6_tui.api.mcp import ToolResult
from po6_tui.api.po6 import many


def test_unknown_fields_are_kept_and_missing_ones_defaulted():
    email = m.Email.model_validate({"id": "em_1", "from": "a@example.com", "x_new_field": [1, 2]})
    assert email.from_ == "a@example.com" and email.extra == {"x_new_field": [1, 2]}
    assert email.subject == "" and email.attachments == [] and email.date is None and email.to == []


def test_a_bad_value_falls_back_to_its_default_without_failing_the_object():
    email = m.EmailSummary.model_validate({"id": "em_1", "date": "yesterday-ish", "size": "big", "is_read": True})
    assert email.date is None and email.size == 0 and email.is_read
    assert email.dropped_fields == ("date", "size")


def test_timestamps_are_aware_datetimes():
    naive = m.Draft.model_validate({"id": "d", "created_at": "2026-01-02T03:04:05"})
    zulu = m.Draft.model_validate({"id": "d", "created_at": "2026-01-02T03:04:05Z"})
    assert naive.created_at == zulu.created_at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_addresses_may_come_as_one_string():
    assert m.EmailSummary.model_validate({"id": "e", "to": "a@x.com, b@y.com"}).to == ["a@x.com", "b@y.com"]
    assert m.Draft.model_validate({"id": "d", "to_addresses": None}).to_addresses == []


def test_one_malformed_list_item_is_skipped_and_counted():
    page = m.EmailPage.model_validate({"emails": [{"id": "1"}, {"subject": "no id"}, "junk", {"id": "4"}],
                                       "total": 4, "has_more": False})
    assert [e.id for e in page.emails] == ["1", "4"] and page.skipped_items == 2
    detail = m.DomainDetail.model_validate({"id": "d", "aliases": [{"id": "a"}, 7], "mx_records": "oops"})
    assert [a.id for a in detail.aliases] == ["a"] and detail.mx_records == [] and detail.skipped_items == 2


def test_a_missing_id_fails_the_object():
    with pytest.raises(ValidationError):
        m.Email.model_validate({"subject": "who am I"})


def test_many_tolerates_other_list_names_and_bare_lists():
    parse = many(m.Mailbox, "mailboxes")
    assert [mb.id for mb in parse({"mailboxes": [{"id": "a"}], "total": 1})] == ["a"]
    assert parse({"mailboxes": [{"id": "a"}], "total": 1}).total == 1
    assert [mb.id for mb in parse({"items": [{"id": "b"}, {"bad": 1}]})] == ["b"]
    assert parse({"items": [{"id": "b"}, {"bad": 1}]}).skipped == 1
    assert [mb.id for mb in parse([{"id": "c"}])] == ["c"]


def test_tool_result_value_prefers_structured_content_then_json_text_then_text():
    text = [{"type": "text", "text": '{"a": 1}'}]
    assert ToolResult(text, structured={"b": 2}).data() == {"b": 2}
    assert ToolResult(text).data() == {"a": 1}
    assert ToolResult([{"type": "text", "text": "plain words"}]).data() == "plain words"
    assert ToolResult([{"type": "image", "data": "..."}]).data() is None
