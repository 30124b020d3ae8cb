"""Start and stop a sandbox server in a child process (demo mode, tests, benchmarks).

Stays light on purpose (standard library only): the app imports it at start-up.
The child prints `po6-tui sandbox listening on http://HOST:PORT` as its first line; we
read that to learn the port, then keep draining its output so it can never block.

`start(wait=False)` (demo mode) does not wait for the child: the listening socket is made here
and handed to the child (`--fd`), so the URL is known at once and a client that connects before
the child is up simply waits in the socket's queue. The app draws its first screen while the
child imports its server stack (about a second).
"""

from __future__ import annotations

import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

LISTENING = re.compile(r"^po6-tui sandbox listening on (http://\S+)$")


class SandboxStartError(RuntimeError):
    """The sandbox child process did not come up; the message carries its output."""


def _die_with_parent() -> None:
    # Linux: the child gets SIGTERM when the parent dies, even by SIGKILL or a dropped SSH
    # session, so a demo sandbox never outlives the app.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class SandboxProcess:
    db: Path
    seed: str | None = "demo"
    strict: bool = False
    extra_args: list[str] = field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 0
    url: str = ""
    _proc: subprocess.Popen | None = None
    _output: list[str] = field(default_factory=list)
    _fd: int | None = None  # the listening socket handed to the child (start(wait=False))

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "po6_tui", "sandbox", "--host", self.host,
               "--port", str(self.port), "--db", str(self.db)]
        if self.seed:
            cmd += ["--seed", str(self.seed)]
        if self.strict:
            cmd.append("--strict")
        if self._fd is not None:
            cmd += ["--fd", str(self._fd)]
        return cmd + list(self.extra_args)

    def start(self, timeout: float = 60.0, *, wait: bool = True) -> str:
        """Start the child; returns its URL. With `wait` (the default), once it is serving;
        without, at once (the socket is ours, handed over: see the module's docstring)."""
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        sock = None
        if not wait:
            sock = listen(self.host, self.port)
            self._fd = sock.fileno()
            host, port = sock.getsockname()[:2]
            self.url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        try:
            self._proc = subprocess.Popen(
                self.command(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                text=True, env=env, preexec_fn=_die_with_parent if sys.platform == "linux" else None,
                pass_fds=(self._fd,) if self._fd is not None else (),
            )
        finally:
            if sock is not None:
                sock.close()  # the child holds it now: if the child dies, connecting is refused, not queued
        first_line = threading.Event()

        def drain() -> None:
            assert self._proc is not None and self._proc.stdout is not None
            for line in self._proc.stdout:
                line = line.rstrip("\n")
                if len(self._output) < 2000:
                    self._output.append(line)
                match = LISTENING.match(line)
                if match and not self.url:
                    self.url = match.group(1)
                    first_line.set()
            first_line.set()

        threading.Thread(target=drain, name="sandbox-output", daemon=True).start()
        if not wait:
            return self.url
        if not first_line.wait(timeout) or not self.url:
            self.stop()
            tail = "\n".join(self._output[-30:])
            raise SandboxStartError(f"the sandbox did not start (db {self.db}):\n{tail}")
        return self.url

    @property
    def output(self) -> str:
        return "\n".join(self._output)

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)

    def __enter__(self) -> "SandboxProcess":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free one), inheritable by a child."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit this. Without it, uvicorn's separate header and body writes meet
    # the client's delayed ACK and every keep-alive reply waits ~40 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(address)
    sock.listen(128)
    sock.set_inheritable(True)
    return sock
