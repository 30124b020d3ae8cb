"""config.toml and secrets.toml: round trips, clear errors, and the 0600 rule for secrets."""

from __future__ import annotations

import os
import stat

import pytest

from po6_tui import config
from po6_tui.config import ConfigError, Profile, SecretsPermissionError, Settings


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_live_in_the_platform_config_dir(tmp_path):
    assert config.config_path().parent == config.secrets_path().parent
    assert str(config.config_path()).startswith(os.environ["XDG_CONFIG_HOME"])


def test_settings_round_trip():
    settings = Settings(
        profiles=[Profile("work", "po6", "https://mcp.example.com", read_only=True),
                  Profile("agents", "postern", key_env="AGENTS_KEY")],
        theme="nord", keymap={"approve_draft": "a,ctrl+y"}, refresh_interval=12.5, default_profile="work",
        bell_on_new_draft=True, mark_read_on_open=False,
    )
    config.save_settings(settings)
    assert config.load_settings() == settings
    assert config.load_settings().profile("agents").url == config.DEFAULT_URLS["postern"]


def test_missing_config_gives_defaults():
    settings = config.load_settings()
    assert settings.profiles == [] and settings.refresh_interval == 30 and settings.mark_read_on_open


def test_invalid_toml_names_the_file_and_line():
    config.config_path().parent.mkdir(parents=True)
    config.config_path().write_text('theme = "nord"\nrefresh_interval = = 3\n')
    with pytest.raises(ConfigError) as info:
        config.load_settings()
    assert "config.toml" in str(info.value) and "line 2" in str(info.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("refresh_interval = true", "refresh_interval must be a number"),
    ("refresh_interval = 0", "more than 0"),
    ("[profiles.x]\nprovider = 'gmail'", "provider must be one of po6, postern"),
    ("[profiles.x]\nurl = 'ftp://x'", "must start with https://"),
    ("[profiles.x]\nread_only = 'yes'", "read_only must be true or false"),
    ("keymap = 3", "[keymap] must be a table"),
    ("notify = 'desktop'", "notify must be one of auto, osc9, osc777, bell, off"),
    ("notify_on = ['new_draft', 'everything']", "notify_on knows new_draft"),
])
def test_wrong_values_are_explained(text, expected):
    config.config_path().parent.mkdir(parents=True)
    config.config_path().write_text(text + "\n")
    with pytest.raises(ConfigError, match="config.toml") as info:
        config.load_settings()
    assert expected in str(info.value)


def test_notify_settings_are_read_and_kept():
    config.config_path().parent.mkdir(parents=True)
    config.config_path().write_text('notify = "osc9"\nnotify_on = ["bounced"]\n')
    settings = config.load_settings()
    assert (settings.notify, settings.notify_on) == ("osc9", ["bounced"])
    config.save_settings(settings)
    assert (config.load_settings().notify, config.load_settings().notify_on) == ("osc9", ["bounced"])


def test_secret_is_saved_0600_and_read_back():
    path = config.save_secret("work", "mcp_po6_abc")
    assert mode(path) == 0o600
    assert config.load_secret("work") == "mcp_po6_abc"
    config.save_secret("other", "mcp_po6_def")
    assert config.load_secret(Profile("work")) == "mcp_po6_abc" and config.load_secret("other") == "mcp_po6_def"
    assert config.load_secret("nobody") is None
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".")] == []  # no temp files left


@pytest.mark.parametrize("bad_mode", [0o644, 0o640, 0o604, 0o660])
def test_secrets_readable_by_others_are_refused_with_the_fix(bad_mode):
    path = config.save_secret("work", "mcp_po6_abc")
    path.chmod(bad_mode)
    with pytest.raises(SecretsPermissionError) as info:
        config.load_secret("work")
    message = str(info.value)
    assert f"(mode {bad_mode:04o})" in message and f"chmod 600 {path}" in message
    assert "readable by others" in message and "mcp_po6_abc" not in message


def test_saving_a_secret_repairs_the_mode():
    path = config.save_secret("work", "mcp_po6_abc")
    path.chmod(0o644)
    config.save_secret("new", "mcp_po6_new")
    assert mode(path) == 0o600
    assert config.load_secret("work") == "mcp_po6_abc"


def test_key_from_an_environment_variable(monkeypatch):
    profile = Profile("ci", key_env="CI_PO6_KEY")
    assert config.load_secret(profile) is None
    monkeypatch.setenv("CI_PO6_KEY", "mcp_po6_from_env")
    assert config.load_secret(profile) == "mcp_po6_from_env"


def test_delete_secret():
    config.save_secret("a", "k1")
    config.save_secret("b", "k2")
    config.delete_secret("a")
    assert config.load_secret("a") is None and config.load_secret("b") == "k2"
