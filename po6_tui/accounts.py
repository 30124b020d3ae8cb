"""Which accounts the app talks to, and demo mode.

`resolve_accounts()` looks, in this order, at
1. `--profile NAME` when given (that profile only);
2. the environment: `PO6_API_KEY` (+ `PO6_MCP_URL`) and `POSTERN_API_KEY` (+ `POSTERN_API_BASE_URL`),
   for a one-off run without any configuration;
3. the profiles in config.toml (the default profile first);
4. nothing found: demo mode. A sandbox is started in a child process on a free loopback
   port, with a persistent demo database in the user data dir, and stopped when the app
   exits: normally, on a crash (atexit), on SIGTERM/SIGHUP (a dropped SSH session), and,
   should all of that be skipped, by the kernel (the child dies with its parent).

Light on purpose: no httpx/pydantic until a client is actually created.
"""

from __future__ import annotations

import atexit
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any


from po6_tui import config
from po6_tui.config import ConfigError
from po6_tui.sandbox.admin import default_db

if TYPE_CHECKING:
    from po6_tui.api.po6 import Po6Client
    from po6_tui.sandbox.process import SandboxProcess

SANDBOX_PO6_LABEL = "plus"
SANDBOX_POSTERN_LABEL = "postern-agent"


@dataclass
class Account:
    """A profile ready to connect: provider, URL and key (the key never shows in repr)."""

    name: str
    provider: str  # "po6" or "postern"
    url: str
    read_only: bool = False
    is_sandbox: bool = False
    api_key: str = field(default="", repr=False)

    async def po6_client(self, **kw: Any) -> Po6Client:
        """Connect to this PO6 account; writes are recorded in the audit log under the profile's name."""
        if self.provider != "po6":
            raise ValueError(f"account {self.name!r} is a {self.provider} account, not PO6")
        # deferred: start-up (clients, audit log and sandbox load when an account is used)
        from po6_tui.api.po6 import Po6Client
        from po6_tui.audit import AuditLog

        kw.setdefault("audit", AuditLog(profile=self.name))
        return await Po6Client.connect(self.url, self.api_key, read_only=self.read_only, profile=self.name, **kw)


@dataclass
class ResolvedAccounts:
    accounts: list[Account]
    demo: DemoSandbox | None = None
    # Profiles that could not be used (e.g. a missing key), as sentences for the status line.
    problems: list[str] = field(default_factory=list)

    @property
    def default(self) -> Account | None:
        return self.accounts[0] if self.accounts else None

    def stop(self) -> None:
        if self.demo is not None:
            self.demo.stop()


class DemoSandbox:
    """The embedded sandbox of demo mode: started on demand, stopped on every way out."""

    def __init__(self, db: Path | None = None) -> None:
        self.db = Path(db) if db else default_db()
        self.url = ""
        self._process: SandboxProcess | None = None
        self._lock = threading.Lock()
        self._previous_handlers: dict[int, Any] = {}

    def start(self, timeout: float = 60.0) -> str:
        """Start the demo sandbox. When its database is there and current (every start but the
        first), do not wait for it: the app draws its first screen meanwhile, and its first
        requests wait in the socket's queue (sandbox/process.py). The first start seeds the
        database, and the keys are read from it, so that one waits."""
        # deferred: start-up (clients, audit log and sandbox load when an account is used)
        from po6_tui.sandbox.admin import SCHEMA_VERSION, schema_version
        from po6_tui.sandbox.process import SandboxProcess

        self.db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the demo database holds keys
        self._process = SandboxProcess(db=self.db, seed="demo", extra_args=["--replace-outdated"])
        atexit.register(self.stop)
        self._install_signal_handlers()
        ready = schema_version(self.db) == SCHEMA_VERSION and bool(self.accounts())
        self.url = self._process.start(timeout, wait=not ready)
        return self.url

    def accounts(self, *, read_only: bool = False) -> list[Account]:
        """The seeded demo keys as accounts: PO6 ("sandbox") and Postern ("sandbox-postern")."""
        # deferred: start-up (clients, audit log and sandbox load when an account is used)
        from po6_tui.sandbox.admin import read_keys

        by_label = {record["label"]: record["key"] for record in read_keys(self.db)}
        found = []
        if SANDBOX_PO6_LABEL in by_label:
            found.append(Account("sandbox", "po6", self.url + "/mcp", read_only, True, by_label[SANDBOX_PO6_LABEL]))
        if SANDBOX_POSTERN_LABEL in by_label:
            found.append(Account("sandbox-postern", "postern", self.url, read_only, True,
                                 by_label[SANDBOX_POSTERN_LABEL]))
        return found

    def running(self) -> bool:
        return self._process is not None and self._process.running()

    def stop(self) -> None:
        """Stop the sandbox; safe to call more than once and from a signal handler."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None:
            process.stop()

    def _install_signal_handlers(self) -> None:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            try:
                self._previous_handlers[signum] = signal.signal(signum, self._on_signal)
            except (ValueError, OSError):
                pass  # not the main thread: atexit and the parent-death signal still apply

    def _on_signal(self, signum: int, frame: Any) -> None:
        self.stop()
        previous = self._previous_handlers.get(signum)
        if callable(previous):
            previous(signum, frame)
            return
        # Then die of the signal as we would have without us, so the exit status tells why.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def environment_accounts(read_only: bool = False) -> list[Account]:
    accounts = []
    if key := os.environ.get("PO6_API_KEY"):
        url = os.environ.get("PO6_MCP_URL") or config.DEFAULT_URLS["po6"]
        accounts.append(Account("env", "po6", url, read_only, api_key=key))
    if key := os.environ.get("POSTERN_API_KEY"):
        url = os.environ.get("POSTERN_API_BASE_URL") or config.DEFAULT_URLS["postern"]
        accounts.append(Account("env-postern", "postern", url, read_only, api_key=key))
    return accounts


def profile_account(profile: config.Profile, read_only: bool = False) -> Account:
    """The account of one profile; ConfigError if its key cannot be found."""
    key = config.load_secret(profile)
    if not key:
        where = (f"the environment variable {profile.key_env} is not set" if profile.key_env
                 else "secrets.toml has no key for it")
        raise ConfigError(f"Profile {profile.name!r} has no API key: {where}. Run: po6-tui login --name {profile.name}")
    return Account(profile.name, profile.provider, profile.url, read_only or profile.read_only, api_key=key)


def resolve_accounts(profile_name: str | None = None, read_only: bool = False, *,
                     start_demo: bool = True, demo_db: Path | None = None,
                     settings: config.Settings | None = None) -> ResolvedAccounts:
    """The accounts to use (see the module docstring for the order). ConfigError on bad configuration.
    `settings`: the ones the caller already read (read from config.toml otherwise)."""
    settings = settings if settings is not None else config.load_settings()
    if profile_name is not None:
        profile = settings.profile(profile_name)
        if profile is None:
            known = ", ".join(p.name for p in settings.profiles) or "none yet; run: po6-tui login"
            raise ConfigError(f"There is no profile named {profile_name!r} (profiles: {known}).")
        return ResolvedAccounts([profile_account(profile, read_only)])

    accounts = environment_accounts(read_only)
    problems = []
    ordered = sorted(settings.profiles, key=lambda p: p.name != settings.default_profile)
    for profile in ordered:
        try:
            accounts.append(profile_account(profile, read_only))
        except ConfigError as exc:
            problems.append(str(exc))
    if accounts or problems or not start_demo:
        return ResolvedAccounts(accounts, problems=problems)

    demo = DemoSandbox(demo_db)
    try:
        demo.start()
        return ResolvedAccounts(demo.accounts(read_only=read_only), demo=demo)
    except BaseException:
        demo.stop()
        raise
