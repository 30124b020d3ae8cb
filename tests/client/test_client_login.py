"""`po6-tui login` with a good and a bad key (PO6 and Postern), and `po6-tui profiles`."""

from __future__ import annotations

import io
import os
import socket
import stat
import subprocess
import sys

from po6_tui import accounts_cli, config


def run_login(args, key):
    out, err = io.StringIO(), io.StringIO()
    code = accounts_cli.login(args, stdin=io.StringIO(key + "\n"), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_login_with_a_good_po6_key_saves_profile_and_secret(roomy_sandbox):
    key = roomy_sandbox.key("plus")
    code, out, err = run_login(["--name", "work", "--url", roomy_sandbox.mcp_url], key)
    assert code == 0, err
    assert "6 mailboxes reachable" in out and key not in out
    settings = config.load_settings()
    assert settings.profile("work") == config.Profile("work", "po6", roomy_sandbox.mcp_url)
    assert settings.default_profile == "work"
    assert config.load_secret("work") == key
    assert stat.S_IMODE(config.secrets_path().stat().st_mode) == 0o600


def test_login_with_a_bad_key_saves_nothing(roomy_sandbox):
    code, out, err = run_login(["--name", "work", "--url", roomy_sandbox.mcp_url], "mcp_po6_wrong_key")
    assert code == 1
    assert "rejected the API key" in err and "Nothing was saved" in err and "mcp_po6_wrong_key" not in err + out
    assert not config.config_path().exists() and not config.secrets_path().exists()


def test_login_with_an_unreachable_server_saves_nothing():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, _, err = run_login(["--url", f"http://127.0.0.1:{port}/mcp"], "mcp_po6_x")
    assert code == 1 and "Could not connect" in err and not config.config_path().exists()


def test_login_postern(roomy_sandbox):
    code, out, err = run_login(["--provider", "postern", "--name", "agents", "--url", roomy_sandbox.url],
                               roomy_sandbox.key("postern-agent"))
    assert code == 0, err
    assert "reachable" in out and config.load_settings().profile("agents").provider == "postern"
    code, _, err = run_login(["--provider", "postern", "--name", "bad", "--url", roomy_sandbox.url], "pk_agent_nope")
    assert code == 1 and "rejected" in err and config.load_settings().profile("bad") is None


def test_login_with_a_key_from_the_environment(roomy_sandbox, monkeypatch):
    code, _, err = run_login(["--name", "ci", "--url", roomy_sandbox.mcp_url, "--key-env", "CI_KEY"], "")
    assert code == 1 and "CI_KEY is not set" in err
    monkeypatch.setenv("CI_KEY", roomy_sandbox.key("plus"))
    code, out, err = run_login(["--name", "ci", "--url", roomy_sandbox.mcp_url, "--key-env", "CI_KEY",
                                "--read-only"], "")
    assert code == 0, err
    assert config.load_settings().profile("ci") == config.Profile("ci", "po6", roomy_sandbox.mcp_url, "CI_KEY", True)
    assert not config.secrets_path().exists()  # the key stays in the environment


def test_login_without_a_key():
    code, _, err = run_login([], "")
    assert code == 1 and "no key given" in err


def test_profiles_lists_without_keys(roomy_sandbox, monkeypatch):
    key = roomy_sandbox.key("plus")
    assert run_login(["--name", "work", "--url", roomy_sandbox.mcp_url], key)[0] == 0
    settings = config.load_settings()
    settings.upsert_profile(config.Profile("ci", key_env="CI_KEY"))
    config.save_settings(settings)
    monkeypatch.setenv("PO6_API_KEY", key)
    out = io.StringIO()
    assert accounts_cli.profiles([], out=out) == 0
    text = out.getvalue()
    assert key not in text
    assert "PO6_API_KEY is set" in text
    lines = text.splitlines()
    assert any(line.startswith("*") and "work" in line and "secrets.toml" in line for line in lines)
    assert any("ci" in line and "$CI_KEY (not set)" in line for line in lines)

    config.secrets_path().chmod(0o644)
    out = io.StringIO()
    accounts_cli.profiles([], out=out)
    assert "secrets.toml (refused)" in out.getvalue() and "chmod 600" in out.getvalue()


def test_profiles_when_there_are_none():
    out = io.StringIO()
    assert accounts_cli.profiles([], out=out) == 0
    assert "No profiles yet" in out.getvalue()


def test_the_real_command_line(roomy_sandbox):
    """`po6-tui login` end to end, the key piped in as a script would."""
    key = roomy_sandbox.key("plus")
    done = subprocess.run([sys.executable, "-m", "po6_tui", "login", "--name", "cli", "--url", roomy_sandbox.mcp_url],
                          input=key + "\n", capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert done.returncode == 0, done.stderr
    listed = subprocess.run([sys.executable, "-m", "po6_tui", "profiles"], capture_output=True, text=True,
                            env=dict(os.environ), timeout=60)
    assert listed.returncode == 0 and "cli" in listed.stdout and key not in listed.stdout

    config.secrets_path().chmod(0o640)
    refused = subprocess.run([sys.executable, "-m", "po6_tui", "login", "--name", "x", "--url", roomy_sandbox.mcp_url],
                             input=key + "\n", capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert refused.returncode == 0  # login repairs the mode when it saves
    assert stat.S_IMODE(config.secrets_path().stat().st_mode) == 0o600
