"""Settings and account profiles (`config.toml`) and API keys (`secrets.toml`), via platformdirs.

`config.toml` holds nothing secret and may be shared; keys live apart in `secrets.toml`,
which must be private to its owner (mode 0600). Like ssh with a private key, we refuse a
secrets file that others can read, and say how to fix it. Profiles may instead name an
environment variable that holds their key (`key_env`).

    theme = "textual-dark"
    refresh_interval = 30
    default_profile = "work"

    [keymap]
    approve_draft = "a"

    [profiles.work]
    provider = "po6"               # or "postern"
    url = "https://mcp.po6.com"
    key_env = "WORK_PO6_KEY"       # optional; else the key is in secrets.toml
    read_only = false

secrets.toml: `[keys]` with one `profile-name = "key"` line per profile.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w
from platformdirs import user_config_path

from po6_tui import APP_NAME, terminal_notify
from po6_tui.files import write_atomic
from po6_tui.risks import Rules, rules_from

PROVIDERS = ("po6", "postern")
DEFAULT_URLS = {"po6": "https://mcp.po6.com", "postern": "https://api.agents.mszazu.com"}


class ConfigError(Exception):
    """The configuration cannot be used; the message says which file and what to do."""


class SecretsPermissionError(ConfigError):
    """secrets.toml is readable by others (or not ours): refused, as ssh refuses such a key file."""


def config_dir() -> Path:
    return user_config_path(APP_NAME)


def config_path() -> Path:
    return config_dir() / "config.toml"


def secrets_path() -> Path:
    return config_dir() / "secrets.toml"


@dataclass
class Profile:
    name: str
    provider: str = "po6"
    url: str = ""
    key_env: str | None = None  # take the key from this environment variable instead of secrets.toml
    read_only: bool = False

    def __post_init__(self) -> None:
        if not self.url:
            self.url = DEFAULT_URLS.get(self.provider, "")

    @property
    def key_source(self) -> str:
        """Where the key comes from, for display (never the key itself)."""
        return f"${self.key_env}" if self.key_env else "secrets.toml"


@dataclass
class Settings:
    profiles: list[Profile] = field(default_factory=list)
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys
    refresh_interval: float = 30.0
    default_profile: str | None = None
    bell_on_new_draft: bool = False
    notify: str = "auto"  # terminal notifications: terminal_notify.METHODS
    notify_on: list[str] = field(default_factory=lambda: list(terminal_notify.KINDS))
    mark_read_on_open: bool = True
    risk: dict[str, Any] = field(default_factory=dict)  # `[risk]` as written (kept when saving)
    risk_rules: Rules = field(default_factory=Rules)  # what of it is usable (risks.rules_from)
    risk_problems: list[str] = field(default_factory=list)  # bad rules, each with its line: said, ignored

    def profile(self, name: str) -> Profile | None:
        return next((p for p in self.profiles if p.name == name), None)

    def upsert_profile(self, profile: Profile) -> None:
        self.profiles = [p for p in self.profiles if p.name != profile.name] + [profile]


# -- reading ------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        # The decoder's message already says "(at line L, column C)".
        raise ConfigError(f"{_display(path)} is not valid TOML: {exc}. Fix or remove it.") from None
    except OSError as exc:
        raise ConfigError(f"Cannot read {_display(path)}: {exc.strerror or exc}.") from None


def _expect(path: Path, where: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # TOML booleans are Python ints; `refresh_interval = true` is still a mistake.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise ConfigError(f"{_display(path)}: {where} must be {what}, not {value!r}.")
    return value


def load_settings(path: Path | None = None) -> Settings:
    """Read config.toml; a missing file gives the defaults. Raises ConfigError with a clear message."""
    path = path or config_path()
    raw = _read_toml(path)
    settings = Settings()
    if "theme" in raw:
        settings.theme = _expect(path, "theme", raw["theme"], str, "a string")
    if "refresh_interval" in raw:
        interval = _expect(path, "refresh_interval", raw["refresh_interval"], (int, float), "a number of seconds")
        if interval <= 0:
            raise ConfigError(f"{_display(path)}: refresh_interval must be more than 0 seconds.")
        settings.refresh_interval = float(interval)
    if "default_profile" in raw:
        settings.default_profile = _expect(path, "default_profile", raw["default_profile"], str, "a profile name")
    for flag in ("bell_on_new_draft", "mark_read_on_open"):
        if flag in raw:
            setattr(settings, flag, _expect(path, flag, raw[flag], bool, "true or false"))
    if "notify" in raw:
        method = _expect(path, "notify", raw["notify"], str, "a string")
        if method not in terminal_notify.METHODS:
            raise ConfigError(f"{_display(path)}: notify must be one of {', '.join(terminal_notify.METHODS)}, "
                              f"not {method!r}.")
        settings.notify = method
    if "notify_on" in raw:
        kinds = _expect(path, "notify_on", raw["notify_on"], list, "a list such as [\"new_draft\", \"bounced\"]")
        unknown = [k for k in kinds if k not in terminal_notify.KINDS]
        if unknown:
            raise ConfigError(f"{_display(path)}: notify_on knows {', '.join(terminal_notify.KINDS)}, "
                              f"not {unknown[0]!r}.")
        settings.notify_on = list(kinds)
    keymap = _expect(path, "[keymap]", raw.get("keymap", {}), dict, "a table")
    for binding, keys in keymap.items():
        settings.keymap[binding] = _expect(path, f"keymap.{binding}", keys, str, 'a key list such as "a,ctrl+a"')
    profiles = _expect(path, "[profiles]", raw.get("profiles", {}), dict, "a table of [profiles.NAME] tables")
    for name, table in profiles.items():
        settings.profiles.append(_profile(path, name, table))
    if "risk" in raw:
        settings.risk = raw["risk"] if isinstance(raw["risk"], dict) else {}
        settings.risk_rules, settings.risk_problems = rules_from(raw["risk"], _key_lines(path, "risk"))
    return settings


def _key_lines(path: Path, section: str) -> dict[str, int]:
    """The line of each `key =` in `[section]` of a TOML file (for messages that name the line)."""
    lines: dict[str, int] = {}
    inside = False
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return lines
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == f"[{section}]"
        elif inside and "=" in stripped and not stripped.startswith("#"):
            lines.setdefault(stripped.split("=", 1)[0].strip().strip('"'), number)
    return lines


def _profile(path: Path, name: str, table: Any) -> Profile:
    where = f"[profiles.{name}]"
    _expect(path, where, table, dict, "a table")
    provider = _expect(path, f"{where} provider", table.get("provider", "po6"), str, "a string")
    if provider not in PROVIDERS:
        raise ConfigError(f"{_display(path)}: {where} provider must be one of {', '.join(PROVIDERS)}, "
                          f"not {provider!r}.")
    url = _expect(path, f"{where} url", table.get("url", ""), str, "a URL")
    if url and not url.startswith(("http://", "https://")):
        raise ConfigError(f"{_display(path)}: {where} url must start with https:// (or http://), not {url!r}.")
    key_env = table.get("key_env")
    if key_env is not None:
        _expect(path, f"{where} key_env", key_env, str, "an environment variable name")
    read_only = _expect(path, f"{where} read_only", table.get("read_only", False), bool, "true or false")
    return Profile(name=name, provider=provider, url=url, key_env=key_env or None, read_only=read_only)


# -- writing ------------------------------------------------------------------------------


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    path = path or config_path()
    data: dict[str, Any] = {"refresh_interval": settings.refresh_interval,
                            "bell_on_new_draft": settings.bell_on_new_draft,
                            "notify": settings.notify, "notify_on": list(settings.notify_on),
                            "mark_read_on_open": settings.mark_read_on_open}
    if settings.theme:
        data["theme"] = settings.theme
    if settings.default_profile:
        data["default_profile"] = settings.default_profile
    if settings.keymap:
        data["keymap"] = dict(settings.keymap)
    if settings.risk:
        data["risk"] = dict(settings.risk)
    data["profiles"] = {}
    for profile in settings.profiles:
        table: dict[str, Any] = {"provider": profile.provider, "url": profile.url, "read_only": profile.read_only}
        if profile.key_env:
            table["key_env"] = profile.key_env
        data["profiles"][profile.name] = table
    _atomic_write(path, tomli_w.dumps(data).encode(), mode=0o644)
    return path


def _atomic_write(path: Path, content: bytes, *, mode: int) -> None:
    """Our config folder is private (0700); the file itself is written atomically with `mode`."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomic(path, content, mode=mode)


# -- secrets ------------------------------------------------------------------------------


def check_secrets_permissions(path: Path) -> None:
    """Refuse a secrets file that is not ours or that group/others may access."""
    info = path.stat()
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise SecretsPermissionError(f"{_display(path)} belongs to another user; refusing to use the keys in it.")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o077:
        who = "readable by others" if mode & 0o044 else "accessible by others"
        raise SecretsPermissionError(f"{_display(path)} is {who} (mode {mode:04o}); run: chmod 600 {path}")


def _read_secrets(path: Path, *, check_permissions: bool = True) -> dict[str, str]:
    if not path.exists():
        return {}
    if check_permissions:
        check_secrets_permissions(path)
    keys = _read_toml(path).get("keys", {})
    if not isinstance(keys, dict):
        raise ConfigError(f"{_display(path)}: [keys] must be a table of profile = \"key\" lines.")
    return {str(name): value for name, value in keys.items() if isinstance(value, str)}


def load_secret(profile: Profile | str, path: Path | None = None) -> str | None:
    """The key of a profile: from its `key_env` variable, else from secrets.toml; None if there is none."""
    if isinstance(profile, Profile) and profile.key_env:
        return os.environ.get(profile.key_env) or None
    name = profile.name if isinstance(profile, Profile) else profile
    return _read_secrets(path or secrets_path()).get(name) or None


def save_secret(profile: Profile | str, key: str, path: Path | None = None) -> Path:
    """Store a profile's key in secrets.toml (created 0600, replaced atomically)."""
    path = path or secrets_path()
    name = profile.name if isinstance(profile, Profile) else profile
    # Rewriting the file with mode 0600 also fixes loose permissions; the old keys are kept.
    keys = _read_secrets(path, check_permissions=False)
    keys[name] = key
    _atomic_write(path, tomli_w.dumps({"keys": keys}).encode(), mode=0o600)
    return path


def delete_secret(profile: Profile | str, path: Path | None = None) -> None:
    path = path or secrets_path()
    name = profile.name if isinstance(profile, Profile) else profile
    keys = _read_secrets(path)
    if keys.pop(name, None) is not None:
        _atomic_write(path, tomli_w.dumps({"keys": keys}).encode(), mode=0o600)


def _display(path: Path) -> str:
    """The path with the home directory shown as ~, as in messages people read."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)
