"""Each risk check of the approve step, with a case it must flag and one it must not."""

from __future__ import annotations

import pytest

from po6_tui.risks import HIGH, LOW, MEDIUM, Known, Message, Rules, assess, rules_from

EVERYONE = Known(correspondents=frozenset({"ann@client.example"}), suppressed={}, sends_left=(10, 100))


def checks(body: str = "Hello, see you Tuesday.", *, subject: str = "Meeting", to=("ann@client.example",),
           html: str | None = None, known: Known = EVERYONE, rules: Rules = Rules(), batch: int = 1, **extra):
    result = assess(Message("agent@po6.com", list(to), subject, body, html, **extra), known, rules, batch=batch)
    return {f.check: f for f in result.findings}, result


@pytest.mark.parametrize("secret", [
    "mcp_po6_live_8f7a6b5c4d3e2f1a", "sk-proj-abcdefghijklmnopqrstuvwxyz012345", "AKIAIOSFODNN7EXAMPLE",
    "ghp_" + "a1" * 18, "xoxb-123456789012-abcdefghij", "-----BEGIN RSA PRIVATE KEY-----",
    "password: hunter2hunter2", "Authorization: Bearer abcdefghijklmnop1234",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnopqrstuv",
])
def test_secrets_are_flagged_high_and_not_quoted_whole(secret):
    found, result = checks(f"Here you go: {secret}\nThanks")
    assert found["secret"].level == HIGH and result.level == HIGH
    assert secret not in found["secret"].text


def test_ordinary_text_has_no_secret():
    found, result = checks("Our password policy changed; the sk- prefix means nothing here. Call 555-0100.")
    assert "secret" not in found and "personal data" not in found and result.level == NONE_LEVEL


NONE_LEVEL = 0


def test_card_numbers_need_a_valid_checksum():
    assert checks("Card: 4111 1111 1111 1111 exp 12/29")[0]["personal data"].level == HIGH
    assert "personal data" not in checks("Order 4111 1111 1111 1112 shipped")[0]  # fails Luhn
    assert "personal data" not in checks("Tracking 1234567890123")[0]


def test_ibans_are_checked_with_mod_97():
    assert checks("Pay to GB82 WEST 1234 5698 7654 32")[0]["personal data"].level == MEDIUM
    assert "personal data" not in checks("Ref GB82 WEST 1234 5698 7654 33")[0]


def test_a_link_whose_text_names_another_host():
    found, _ = checks("", html='<p><a href="https://evil.example/login">https://bank.example</a></p>')
    assert found["deceptive link"].level == HIGH and "evil.example" in found["deceptive link"].text
    assert "deceptive link" not in checks("", html='<a href="https://bank.example/x">bank.example</a>')[0]


def test_punycode_and_mixed_alphabet_hosts():
    assert "deceptive link" in checks("Log in at https://xn--pple-43d.com/account now")[0]
    assert "deceptive link" in checks("Log in at https://p\u0430ypal.com/account now")[0]
    assert "deceptive link" not in checks("Log in at https://paypal.com/account now")[0]


def test_first_time_recipients_and_allowed_domains():
    found, _ = checks(to=("new@prospect.example",))
    assert found["first-time recipient"].level == LOW and "new@prospect.example" in found["first-time recipient"].text
    assert "first-time recipient" not in checks()[0]
    allowed = Rules(allow_domains=frozenset({"prospect.example"}))
    found, result = checks(to=("new@prospect.example",), rules=allowed)
    assert "first-time recipient" not in found and result.low_risk


def test_a_check_that_cannot_run_says_so():
    found, result = checks(known=Known())
    assert "first-time recipient" not in found
    assert any("sent log could not be read" in line for line in result.not_run)
    assert any("contact lists could not be read" in line for line in result.not_run)
    assert any("quota" in line for line in result.not_run)
    assert not result.low_risk or result.findings == []


def test_many_recipients_and_the_cap_rule():
    many = [f"r{n}@client.example" for n in range(12)]
    known = Known(correspondents=frozenset(many), suppressed={}, sends_left=(10, 100))
    assert checks(to=many, known=known)[0]["many recipients"].level == MEDIUM
    assert "many recipients" not in checks(to=many, known=known, rules=Rules(max_recipients=20))[0]


def test_unsubscribed_and_bounced_recipients():
    known = Known(correspondents=frozenset({"ann@client.example"}),
                  suppressed={"ann@client.example": "unsubscribed from Newsletter"}, sends_left=(10, 100))
    assert "unsubscribed from Newsletter" in checks(known=known)[0]["unsubscribed"].text
    assert "unsubscribed" not in checks()[0]


def test_an_attachment_mentioned_but_absent():
    assert checks("I attached a summary of the call.")[0]["missing attachment"].level == MEDIUM
    assert "missing attachment" not in checks("I attached a summary.", attachments=("summary.pdf",))[0]
    assert "missing attachment" not in checks("Summary below.")[0]


def test_the_quota_a_batch_would_exceed():
    known = Known(correspondents=frozenset({"ann@client.example"}), suppressed={}, sends_left=(2, 100))
    assert "exceed the send quota: 2 left this hour" in checks(known=known, batch=3)[0]["quota"].text
    assert "quota" not in checks(known=known, batch=2)[0]


def test_flagged_words_and_domains():
    rules = Rules(flag_words=("refund",), flag_domains=frozenset({"competitor.example"}))
    found, _ = checks("We will REFUND you.", to=("x@sales.competitor.example",), rules=rules)
    assert found["flagged word"].level == MEDIUM and found["flagged domain"].level == HIGH
    assert not {"flagged word", "flagged domain"} & set(checks(rules=rules)[0])


def test_look_alike_recipient_domains():
    assert checks(to=("ceo@xn--micrsoft-qbh.com",))[0]["look-alike recipient"].level == HIGH


def test_rules_from_config_report_bad_lines_and_keep_the_good_ones():
    rules, problems = rules_from({"allow_domains": ["Acme.example"], "flag_words": "refund", "max_recipients": 0,
                                  "bogus": 1}, {"flag_words": 7, "max_recipients": 8, "bogus": 9})
    assert rules.allow_domains == frozenset({"acme.example"}) and rules.flag_words == ()
    assert rules.max_recipients == 10
    assert [p.split(":")[0] for p in problems] == ["config.toml line 7", "config.toml line 8", "config.toml line 9"]
    assert all("ignored" in p for p in problems)


def test_config_toml_risk_rules_load_and_survive_a_save(tmp_path):
    from po6_tui import config

    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n\n[risk]\nallow_domains = ["acme.example"]\nmax_recipients = "many"\n')
    settings = config.load_settings(path)
    assert settings.risk_rules.allow_domains == frozenset({"acme.example"})
    assert settings.risk_problems == ["config.toml line 5: [risk] max_recipients must be a whole number of at "
                                      "least 1; this rule is ignored."]
    config.save_settings(settings, path)  # e.g. the theme changed: the operator's rules stay
    assert config.load_settings(path).risk == {"allow_domains": ["acme.example"], "max_recipients": "many"}
