"""The pure helpers behind the routing and pages views: config checks, CSV that no spreadsheet
runs, server-suggested file names, atomic writes, address checks. No sandbox needed."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from po6_tui.api.models import Lead
from po6_tui.ui.pages.config_editor import ConfigProblem, parse_config, widget_summary
from po6_tui.files import write_atomic
from po6_tui.ui.pages.files import safe_filename
from po6_tui.ui.pages.leads import csv_cell, leads_csv
from po6_tui.ui.kit.form import check_address


@pytest.mark.parametrize(("text", "expected"), [
    ('{"widgets": [', "Not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ('{"blocks": []}', 'needs a "widgets" list'),
    ('{"widgets": [1]}', "widgets[0] must be an object"),
    ('{"widgets": [{"type": "hero"}, {"type": " "}]}', 'widgets[1] needs a "type"'),
    ('{"widgets": [' + ", ".join(['{"type": "text"}'] * 101) + "]}", "At most 100 widgets"),
])
def test_config_problems_say_what_and_where(text, expected):
    with pytest.raises(ConfigProblem, match=expected.replace("[", r"\[").replace("]", r"\]")):
        parse_config(text)


def test_a_good_config_and_its_summary():
    config = parse_config('{"widgets": [{"type": "hero", "headline": "Hi"}, {"type": "form"}], "theme": "dark"}')
    assert config["theme"] == "dark"  # unknown keys are the server's business
    assert widget_summary(config) == "hero, form"
    assert widget_summary({}) == "(no widgets)"


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+33 1 23", "'+33 1 23"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=cmd", "' =cmd"), ("  =cmd", "'  =cmd"), ("ann@example.com", "ann@example.com"), (None, ""),
    ("a\x1b[31mred\x07", "ared"), ("rtl\u202eevil", "rtl⟦U+202E⟧evil"),
])
def test_csv_cells_are_never_formulas_or_controls(value, cell):
    assert csv_cell(value) == cell


def test_leads_csv_round_trips_with_a_header():
    lead = Lead(id="lead_1", page_id="lp_x", email="=evil@example.com", name='Ann "A" Lee, PhD',
                submitted_at=datetime(2026, 11, 18, 9, 30, tzinfo=UTC), source="google")
    rows = list(csv.reader(io.StringIO(leads_csv([lead]))))
    assert rows[0] == ["submitted_at", "name", "email", "source", "page_id", "id"]
    assert rows[1] == ["2026-11-18T09:30:00+00:00", 'Ann "A" Lee, PhD', "'=evil@example.com", "google", "lp_x",
                       "lead_1"]


@pytest.mark.parametrize(("name", "expected"), [
    ("beta.html", "beta.html"), ("../../etc/passwd", "passwd.html"), ("..\\..\\boot.ini", "boot.ini.html"),
    (".bashrc", "bashrc.html"), ("", "lp_1.html"), (None, "lp_1.html"), ("a b;c$(rm).html", "a-b-c-rm-.html"),
])
def test_server_file_names_become_plain_base_names(name, expected):
    assert safe_filename(name, "lp_1", ".html") == expected


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "page.html"
    target.write_text("old")
    write_atomic(target, b"<html>new</html>")
    assert target.read_bytes() == b"<html>new</html>"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    with pytest.raises(OSError):
        write_atomic(tmp_path / "missing" / "x.html", b"x")


@pytest.mark.parametrize(("value", "ok"), [
    ("agent@po6.com", True), ("a.b+tag@sub.example.org", True), ("", False), ("agent", False),
    ("agent@po6", False), ("a@b@c.com", False), ("two@a.com, three@b.com", False), ("<x@y.com>", False),
])
def test_address_check(value, ok):
    assert (check_address(value) is None) is ok
